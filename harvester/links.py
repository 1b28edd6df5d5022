"""Platform-free link extraction from HTML, CSS and XML (feeds, sitemaps): pure functions."""
from __future__ import annotations

import re

import lxml.etree
import lxml.html

from harvester.platforms.base import Link, PRIORITY_PAGE, PRIORITY_REQUISITE
from harvester.urls import normalize

_CSS_URL = re.compile(rb"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_SKIP_REL = {"pingback", "edituri", "wlwmanifest", "dns-prefetch", "preconnect", "profile", "nofollow-me"}
_REQUISITE_REL = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "image_src", "mask-icon"}


def xml_parser() -> lxml.etree.XMLParser:
    """Entities and network off: a feed or sitemap cannot make us read files or fetch URLs."""
    return lxml.etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                recover=True)


def parse_html(content: bytes, url: str):
    """An lxml tree with links made absolute, or None when the bytes hold no HTML."""
    if not content or not content.strip():
        return None
    doc: bytes | str = content
    if not content.lstrip().startswith(b"<?xml"):
        try:
            doc = content.decode("utf-8")
        except UnicodeDecodeError:
            doc = content
    try:
        tree = lxml.html.fromstring(doc, base_url=url)
    except (lxml.etree.ParserError, ValueError):
        return None
    return tree


def _srcset(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def html_links(tree, url: str) -> list[Link]:
    """Every link of a page in document order: navigation (a, area, link) and requisites (img, css, js...)."""
    base = url
    bases = tree.xpath("//base/@href")
    if bases:
        base = normalize(bases[0], url) or url
    out: list[Link] = []

    def add(raw: str, how: str, requisite: bool) -> None:
        target = normalize(raw, base)
        if target:
            out.append(Link(target, how, requisite=requisite,
                            priority=PRIORITY_REQUISITE if requisite else PRIORITY_PAGE))

    for el in tree.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("a", "area"):
            href = el.get("href")
            if href:
                add(href, tag, False)
        elif tag == "link":
            href = el.get("href")
            rels = set((el.get("rel") or "").lower().split())
            if not href or rels & _SKIP_REL:
                continue
            kind = "oembed" if "alternate" in rels and "oembed" in (el.get("type") or "").lower() \
                else "/".join(sorted(rels)) or "none"
            add(href, f"link:{kind}", bool(rels & _REQUISITE_REL))
        elif tag in ("img", "source", "video", "audio", "embed", "input", "track"):
            for attr in ("src", "data-src", "poster", "data-orig-file", "data-large-file"):
                if el.get(attr):
                    add(el.get(attr), f"{tag}:{attr}", True)
            for attr in ("srcset", "data-srcset"):
                if el.get(attr):
                    for item in _srcset(el.get(attr)):
                        add(item, f"{tag}:srcset", True)
        elif tag in ("script", "iframe", "frame"):
            if el.get("src"):
                add(el.get("src"), tag, tag == "script")
        elif tag == "meta":
            if (el.get("property") or el.get("name") or "").lower() in ("og:image", "twitter:image"):
                if el.get("content"):
                    add(el.get("content"), "meta:image", True)
        style = el.get("style") if tag else None
        if style and "url(" in style:
            for link in css_links(style.encode("utf-8", "replace"), base):
                out.append(link)
    return out


def css_links(content: bytes, url: str) -> list[Link]:
    out = []
    for m in _CSS_URL.finditer(content):
        raw = (m.group(1) or m.group(2) or b"").decode("utf-8", "replace")
        target = normalize(raw, url)
        if target:
            out.append(Link(target, "css", requisite=True, priority=PRIORITY_REQUISITE))
    return out


def parse_xml(content: bytes):
    try:
        root = lxml.etree.fromstring(content, parser=xml_parser())
    except lxml.etree.XMLSyntaxError:
        return None
    return root


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def xml_links(root, url: str) -> list[Link]:
    """Links of RSS, Atom and sitemap documents: item links, enclosures, sitemap <loc>s."""
    out: list[Link] = []
    for el in root.iter():
        name = _local(el.tag)
        text = (el.text or "").strip()
        if name == "loc" and text:
            target = normalize(text, url)
            parent = _local(el.getparent().tag) if el.getparent() is not None else ""
            if target:
                out.append(Link(target, "sitemap:child" if parent == "sitemap" else "sitemap", trusted=True))
        elif name in ("link", "comments", "guid") and text.startswith(("http://", "https://")) and not el.get("href"):
            if name == "guid" and (el.get("isPermaLink") or "true").lower() == "false":
                continue
            target = normalize(text, url)
            if target:
                out.append(Link(target, f"feed:{name}"))
        elif name == "link" and el.get("href"):
            target = normalize(el.get("href"), url)
            if target:
                out.append(Link(target, "feed:link"))
        elif name in ("enclosure", "content") and el.get("url"):
            target = normalize(el.get("url"), url)
            if target:
                out.append(Link(target, f"feed:{name}", requisite=True, priority=PRIORITY_REQUISITE))
        elif name in ("description", "encoded", "summary") and text and "<" in text:
            tree = parse_html(text.encode("utf-8"), url)
            if tree is not None:
                out.extend(l for l in html_links(tree, url) if l.requisite)
    return out
