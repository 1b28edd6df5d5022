"""Pure functions: one captured Tumblr document in, fragments of posts (and a listing) out.

Each fragment is one source's view; `merge.py` combines the views of one post and records where
they disagree.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from urllib.parse import urlsplit, urldefrag

from lxml import etree

from transform.clean import absolutize, clean_fragment, inline_text, norm_text, text_of
from transform.dates import iso, rfc822, text_date
from transform.extracted import Extracted, TumblrFragment
from transform.platforms.tumblr import rules as R
from transform.records import Capture, Listing

XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
TYPE_NAMES = {"text": "regular", "chat": "conversation", "photoset": "photo"}  # page classes to API v1 names


def blog_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[: -len(".tumblr.com")] if host.endswith(".tumblr.com") else host


def _canon(url: str | None) -> str | None:
    return urldefrag(url.strip())[0] if url and url.strip() else None


def _from_unix(ts) -> str | None:
    try:
        return datetime.fromtimestamp(int(ts), tz=timezone.utc).isoformat(timespec="seconds")
    except (TypeError, ValueError, OverflowError):
        return None


def _gmt(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip()
    if v.endswith(" GMT"):
        return iso(v[:-4] + "+00:00")
    return iso(v) or rfc822(v)


def _size_label(key: str, url: str) -> str:
    """The size as Tumblr names it in the file name (`1280`, `500`, `75sq`), else the API's key."""
    m = R.PHOTO_SIZE.search(urlsplit(url).path)
    return m.group(1) + (m.group(2) or "") if m else key


def _pixels(value) -> int | None:
    """A dimension as the API states it (`"1280"` in XML, 1280 in JSON); None when absent or not a number."""
    text = str(value).strip() if value is not None and value is not False else ""
    return int(text) if text.isdigit() and int(text) > 0 else None


def _photo(sizes: dict[str, str], caption: str | None, width=None, height=None) -> dict:
    """One photo; `width`/`height` are the original's, as the API v1 gives them (a page shows only a
    scaled size, so its photos have none)."""
    sizes = {_size_label(k, v): v for k, v in sizes.items() if v}
    best = max(sizes.items(), key=lambda kv: int(re.sub(r"\D", "", kv[0]) or 0))[1] if sizes else None
    return {"caption": caption, "sizes": dict(sorted(sizes.items(), key=lambda kv: -int(re.sub(r"\D", "", kv[0]) or 0))),
            "best": best, "width": _pixels(width), "height": _pixels(height)}


def _clean_html(value: str | None, base: str) -> str | None:
    if not value or not value.strip():
        return None
    from lxml import html as lxml_html

    try:
        frag = lxml_html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return norm_text(value)
    out, _ = clean_fragment(frag, base)
    return out


def _html_text(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    from lxml import html as lxml_html

    try:
        return text_of(lxml_html.fragment_fromstring(value, create_parent="div")) or None
    except (etree.ParserError, ValueError):
        return norm_text(value)


def _post_fields(get, tags: list[str], photos: list[dict], base: str) -> dict:
    kind = get("type")
    kind = TYPE_NAMES.get(kind, kind)
    reblog = None
    rurl = get("reblogged-from-url")
    if rurl:
        m = R.POST_PATH.match(urlsplit(rurl).path)
        reblog = {"blog": get("reblogged-from-name") or blog_of(rurl), "post_id": m.group(1) if m else None,
                  "url": _canon(rurl)}
    fields = {
        "type": kind,
        "url": _canon(get("url-with-slug") or get("url")),
        "slug": get("slug") or None,
        "published": _from_unix(get("unix-timestamp")) or _gmt(get("date-gmt")),
        "unix_timestamp": int(get("unix-timestamp")) if str(get("unix-timestamp") or "").isdigit() else None,
        "tags": tags,
        "note_count": int(get("note-count")) if str(get("note-count") or "").isdigit() else None,
        "title": norm_text(get("regular-title") or get("conversation-title") or "") or None,
        "body_html": _clean_html(get("regular-body") or get("link-description") or get("video-caption")
                                 or get("audio-caption"), base),
        "caption": _clean_html(get("photo-caption"), base),
        "quote": _html_text(get("quote-text")),
        "source": _html_text(get("quote-source")),
        "link_url": _canon(get("link-url")),
        "link_text": norm_text(get("link-text") or "") or None,
        "photos": photos,
        "reblogged_from": reblog,
    }
    return {k: v for k, v in fields.items() if v not in (None, [], "")}


def extract_api_xml(body: bytes, url: str, capture: Capture) -> Extracted:
    """`/api/read` (XML): every post it lists, and a `tumblr_api` listing with the promised total."""
    try:
        root = etree.fromstring(body, XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None or root.tag != "tumblr":
        return Extracted(skip="unparseable_tumblr_api_xml")
    blog = (root.find("tumblelog").get("name") if root.find("tumblelog") is not None else None) or blog_of(url)
    posts_el = root.find("posts")
    total = int(posts_el.get("total")) if posts_el is not None and (posts_el.get("total") or "").isdigit() else None
    fragments: list[TumblrFragment] = []
    names: list[str] = []
    for post in root.iter("post"):
        pid = post.get("id")
        if not pid:
            continue

        def get(name: str, post=post):
            if post.get(name) is not None:
                return post.get(name)
            el = post.find(name)
            return el.text if el is not None else None

        photos = []
        photoset = post.find("photoset")
        if photoset is not None:
            for ph in photoset.findall("photo"):
                sizes = {e.get("max-width"): (e.text or "").strip() for e in ph.findall("photo-url")}
                photos.append(_photo(sizes, ph.get("caption") or None, ph.get("width"), ph.get("height")))
        elif post.find("photo-url") is not None:
            sizes = {e.get("max-width"): (e.text or "").strip() for e in post.findall("photo-url")}
            photos.append(_photo(sizes, None, post.get("width"), post.get("height")))
        tags = [t.text.strip() for t in post.findall("tag") if t.text and t.text.strip()]
        fields = _post_fields(get, tags, photos, url)
        if fields.get("url"):
            names.append(fields["url"])
        fragments.append(TumblrFragment(blog=blog, post_id=pid, source="api_xml", fields=fields))
    listing = Listing(kind="listing", url=url, site=f"{blog}.tumblr.com" if "." not in blog else blog,
                      listing_type="tumblr_api", names=names, total=total, capture=capture, titles=_titles(fragments))
    return Extracted(listing=listing, tumblr=fragments)


def _titles(fragments: list[TumblrFragment]) -> dict[str, str]:
    """The title the API gives each post it lists (text and chat posts have one)."""
    titles: dict[str, str] = {}
    for frag in fragments:
        url, title = frag.fields.get("url"), frag.fields.get("title")
        if url and title and url not in titles:
            titles[url] = title
    return titles


_JSON_PREFIX = re.compile(r"^\s*var\s+tumblr_api_read\s*=\s*", re.S)


def extract_api_json(text: str, url: str, capture: Capture) -> Extracted:
    """`/api/read/json` (`var tumblr_api_read = {...};`)."""
    body = _JSON_PREFIX.sub("", text).strip().rstrip(";").strip()
    try:
        data = json.loads(body)
    except ValueError as exc:
        return Extracted(skip="unparseable_tumblr_api_json", warnings=[f"JSON error: {exc}"])
    blog = (data.get("tumblelog") or {}).get("name") or blog_of(url)
    total = data.get("posts-total")
    try:
        total = int(total) if total is not None else None
    except (TypeError, ValueError):
        total = None
    fragments = []
    names = []
    for post in data.get("posts") or []:
        if not isinstance(post, dict) or not post.get("id"):
            continue
        photos = []
        for ph in post.get("photos") or []:
            sizes = {k[len("photo-url-"):]: v for k, v in ph.items() if k.startswith("photo-url-")}
            photos.append(_photo(sizes, ph.get("caption") or None, ph.get("width"), ph.get("height")))
        if not photos:
            sizes = {k[len("photo-url-"):]: v for k, v in post.items() if k.startswith("photo-url-")}
            if sizes:
                photos.append(_photo(sizes, None, post.get("width"), post.get("height")))
        tags = [str(t).strip() for t in post.get("tags") or [] if str(t).strip()]

        def get(name: str, post=post):
            value = post.get(name)
            return None if value is None or value is False else str(value)

        fields = _post_fields(get, tags, photos, url)
        if fields.get("url"):
            names.append(fields["url"])
        fragments.append(TumblrFragment(blog=blog, post_id=str(post["id"]), source="api_json", fields=fields))
    listing = Listing(kind="listing", url=url, site=f"{blog}.tumblr.com", listing_type="tumblr_api",
                      names=names, total=total, capture=capture, titles=_titles(fragments))
    return Extracted(listing=listing, tumblr=fragments)


def extract_rss(body: bytes, url: str, capture: Capture) -> Extracted:
    try:
        root = etree.fromstring(body, XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        return Extracted(skip="unparseable_tumblr_rss")
    blog = blog_of(url)
    fragments = []
    names = []
    titles: dict[str, str] = {}
    for item in root.findall("./channel/item"):
        link = _canon(item.findtext("link"))
        if not link:
            continue
        m = R.POST_PATH.match(urlsplit(link).path)
        if not m:
            continue
        names.append(link)
        title = norm_text(item.findtext("title"))
        if title and link not in titles:
            titles[link] = title
        description = item.findtext("description") or ""
        fields = {
            "url": link,
            "published": rfc822(item.findtext("pubDate")),
            "tags": [c.text.strip() for c in item.findall("category") if c.text and c.text.strip()],
        }
        photos = _photos_in_html(description, link)
        if photos:
            fields["photos"] = photos
        if m.group(2):
            fields["slug"] = m.group(2)
        fields = {k: v for k, v in fields.items() if v not in (None, [], "")}
        fragments.append(TumblrFragment(blog=blog, post_id=m.group(1), source="rss", fields=fields))
    listing = Listing(kind="listing", url=url, site=urlsplit(url).hostname or blog, listing_type="tumblr_rss",
                      names=names, total=None, capture=capture, titles=titles)
    return Extracted(listing=listing, tumblr=fragments)


def _photos_in_html(html_text: str, base: str) -> list[dict]:
    from lxml import html as lxml_html

    if "media.tumblr.com" not in html_text:
        return []
    try:
        frag = lxml_html.fragment_fromstring(html_text, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return _photos_in(frag, base)


def _photos_in(scope, base: str) -> list[dict]:
    """Photos shown in a page or feed item: the <img> and, when it links to a bigger size, that too."""
    photos = []
    for img in R.PHOTOS(scope):
        sizes = {}
        candidates = [img.get("src")]
        parent = img.getparent()
        if parent is not None and parent.tag == "a":
            candidates.append(parent.get("href"))
        for cand in candidates:
            u = absolutize(cand, base)
            m = R.PHOTO_SIZE.search(urlsplit(u or "").path)
            if u and m and "media.tumblr.com" in u:
                sizes[m.group(1) + (m.group(2) or "")] = u
        if sizes:
            photos.append(_photo(sizes, None))
    return photos


def _first_el(scope, rules):
    for rule in rules:
        found = rule(scope)
        if found:
            return found[0]
    return None


def _own_block(root, pid: str):
    """The element holding this post: the one with id `post-<pid>` when the theme marks it, so
    another post shown on the same page (a reblog source, a neighbour) is never read instead."""
    own = R.OWN_BLOCK(root, id=f"post-{pid}")
    if own:
        return own[0]
    block = _first_el(root, R.POST_BLOCK)
    return root if block is None else block


def extract_html(root, url: str, capture: Capture) -> Extracted:
    """A Tumblr HTML page: a permalink page gives a fragment; index, tagged and archive pages a listing."""
    blog = blog_of(url)
    path = urlsplit(url).path or "/"
    m = R.POST_PATH.match(path)
    if m is None:
        if path.startswith("/tagged/"):
            ltype = "tumblr_tagged"
        elif path.startswith("/archive"):
            ltype = "tumblr_archive"
        elif path == "/" or path.startswith("/page/"):
            ltype = "tumblr_index"
        else:
            return Extracted(skip="tumblr_page_of_no_known_kind")
        found: dict[str, None] = {}
        host = (urlsplit(url).hostname or "").lower()
        for href in R.INDEX_POST_LINKS(root):
            u = _canon(absolutize(href, url))
            if u and (urlsplit(u).hostname or "").lower() == host and R.POST_PATH.match(urlsplit(u).path):
                found.setdefault(u, None)
        names = list(found)
        listing = Listing(kind="listing", url=url, site=host, listing_type=ltype, names=names, total=None,
                          capture=capture)
        return Extracted(listing=listing)
    pid = m.group(1)
    warnings: list[str] = []
    block = _own_block(root, pid)
    fields: dict = {"url": _canon(url)}
    if m.group(2):
        fields["slug"] = m.group(2)
    cls = " ".join([block.get("class", ""), root.xpath("string(//body/@class)")])
    tm = R.TYPE_CLASS.search(cls)
    if tm:
        fields["type"] = TYPE_NAMES.get(tm.group(1), tm.group(1))
    stamp = _first_el(block, R.DATE)
    if stamp is not None and iso(str(stamp)):
        fields["published"] = iso(str(stamp))
    else:
        el = _first_el(block, R.DATE_TEXT)
        day = text_date(inline_text(el)) if el is not None else None
        if day:
            fields["published"] = day
    tags = []
    for a in R.TAG_LINKS(block):
        t = inline_text(a).lstrip("#").strip()
        if t and t not in tags:
            tags.append(t)
    if tags:
        fields["tags"] = tags
    kind = fields.get("type")
    photos = _photos_in(block, url)
    if photos:
        fields["photos"] = photos
    caption = _first_el(block, R.CAPTION)
    if caption is not None and kind == "photo":
        fields["caption"] = clean_fragment(caption, url)[0] or None
    if kind == "regular":
        title = _first_el(block, R.TITLE)
        if title is not None and inline_text(title):
            fields["title"] = inline_text(title)
    if kind in ("regular", "link"):
        body = _first_el(block, R.BODY)
        if body is not None:
            fields["body_html"] = clean_fragment(body, url)[0] or None
    if kind == "quote":
        quote = _first_el(block, R.QUOTE)
        if quote is not None:
            fields["quote"] = text_of(quote).strip("\u201c\u201d\"") or None
        source = _first_el(block, R.QUOTE_SOURCE)
        if source is not None:
            fields["source"] = inline_text(source).lstrip("\u2014- ").strip() or None
    if kind == "link":
        link = _first_el(block, R.LINK)
        if link is not None:
            fields["link_url"] = _canon(absolutize(link.get("href"), url))
            fields["link_text"] = inline_text(link).rstrip("\u2192 ").strip() or None
    for rule in R.NOTE_TEXT:
        for el in rule(block):
            nm = R.NOTES.search(inline_text(el))
            if nm:
                fields["note_count"] = int(re.sub(r"\D", "", nm.group(1)))
                break
        if "note_count" in fields:
            break
    el = _first_el(block, R.REBLOG)
    if el is not None:
        href = _canon(absolutize(el.get("href"), url))
        if href and blog_of(href) != blog:
            rm = R.POST_PATH.match(urlsplit(href).path)
            fields["reblogged_from"] = {"blog": blog_of(href), "post_id": rm.group(1) if rm else None, "url": href}
    fields = {k: v for k, v in fields.items() if v not in (None, [], "")}
    if not fields.get("published"):
        warnings.append("permalink page shows no date")
    frag = TumblrFragment(blog=blog, post_id=pid, source="permalink", fields=fields, warnings=warnings)
    return Extracted(tumblr=[frag])
