"""WordPress knowledge for the crawl side: single posts and their chain links, listings, originals.

Pure functions over an lxml tree; rules are tried from WordPress core markup (rel links in the
post navigation, `single postid-N` body classes, `<time datetime>`) to theme guesses (link text).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from harvester.config import WordPressSettings
from harvester.platforms.base import (PRIORITY_LISTING, PRIORITY_REQUISITE, Link, PageAnalysis)
from harvester.selectors import selector_xpath
from harvester.urls import normalize

_SIZE_VARIANT = re.compile(r"^(?P<stem>.*/wp-content/uploads/.+?)-\d+x\d+(?P<ext>\.(?:jpe?g|png|gif|webp))$", re.I)
_DATE_ARCHIVE = re.compile(r"^/(\d{4})/(\d{2})/?$")
_PAGE_N = re.compile(r"^(.*?/)page/(\d+)/?$")


def original_image(url: str) -> str | None:
    """The full-size upload behind a `-300x225.jpg` size variant, or None if the URL is no variant."""
    parts = urlsplit(url)
    m = _SIZE_VARIANT.match(parts.path)
    if not m:
        return None
    return f"{parts.scheme}://{parts.netloc}{m.group('stem')}{m.group('ext')}"


def is_post_url(url: str, settings: WordPressSettings) -> bool:
    return bool(re.search(settings.post_pattern, urlsplit(url).path))


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def find_adjacent(tree, url: str, settings: WordPressSettings, direction: str) -> tuple[str, str] | None:
    """(url, found_by) of the next or previous post link on a single-post page, by the configured rule."""
    rel = settings.next_rel if direction == "next" else settings.prev_rel
    pattern = re.compile(settings.next_text if direction == "next" else settings.prev_text, re.I)
    containers = []
    for sel in settings.nav_selectors:
        containers.extend(c for c in tree.xpath(selector_xpath(sel)) if c not in containers)
    for c in containers:
        for a in c.iter("a"):
            if rel in (a.get("rel") or "").lower().split() and a.get("href"):
                target = normalize(a.get("href"), url)
                if target:
                    return target, f"nav-rel-{rel}"
    for c in containers:
        for a in c.iter("a"):
            if a.get("href") and pattern.search(_text(a) + " " + (a.get("title") or "")):
                target = normalize(a.get("href"), url)
                if target:
                    return target, "nav-text"
    for a in tree.xpath("//body//a[@href]"):
        if rel in (a.get("rel") or "").lower().split():
            target = normalize(a.get("href"), url)
            if target:
                return target, f"body-rel-{rel}"
    for link in tree.xpath("//head/link[@href]"):
        if rel in (link.get("rel") or "").lower().split():
            target = normalize(link.get("href"), url)
            if target:
                return target, f"head-link-rel-{rel}"
    return None


def published_of(tree) -> str | None:
    for xp in ("//article//time[contains(@class,'entry-date')]/@datetime", "//time[contains(@class,'entry-date')]/@datetime",
               "//meta[@property='article:published_time']/@content", "//article//time/@datetime",
               "//abbr[contains(@class,'published')]/@title"):
        found = tree.xpath(xp)
        if found:
            return str(found[0]).strip()
    return None


_MENU_LINKS = (
    "//nav//a[@href]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' menu-item ')]//a[@href]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' page_item ')]//a[@href]",
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' wp-block-navigation-item ')]//a[@href]",
)
MIN_LISTED_POSTS = 10  # more than a sidebar's recent-posts widget


def menu_pages(tree, url: str, settings: WordPressSettings) -> list[str]:
    """Same-site pages linked from the navigation menu (not posts, not pagination): candidate listings."""
    host = urlsplit(url).netloc
    found: list[str] = []
    for xp in _MENU_LINKS:
        for href in tree.xpath(xp + "/@href"):
            target = normalize(href, url)
            if not target:
                continue
            parts = urlsplit(target)
            if (parts.netloc != host or parts.query or parts.path in ("", "/") or is_post_url(target, settings)
                    or _PAGE_N.match(parts.path) or original_image(target) or "/wp-content/" in parts.path
                    or target in found):
                continue
            found.append(target)
    return found


_DATED_POST = re.compile(r"^/(\d{4})/(\d{2})/\d{2}/[^/]+/?$")


def derived_date_archives(urls: list[str], settings: WordPressSettings) -> list[str]:
    """Month archives `/YYYY/MM/` of `/%year%/%monthnum%/%day%/%postname%/` permalinks: a listing route even
    on themes that link no archive (twentytwentythree)."""
    out: list[str] = []
    for target in urls:
        parts = urlsplit(target)
        m = _DATED_POST.match(parts.path)
        if m and not parts.query and is_post_url(target, settings):
            archive = f"{parts.scheme}://{parts.netloc}/{m.group(1)}/{m.group(2)}/"
            if archive not in out:
                out.append(archive)
    return out


def is_listing(analysis: PageAnalysis) -> bool:
    """A page that links to many posts (an Arkiv- or Utbildningar-like page) is walked as a listing."""
    return not analysis.is_post and len(analysis.listed_posts) >= MIN_LISTED_POSTS


def is_single_post(tree, url: str, settings: WordPressSettings) -> bool:
    classes = set(" ".join(tree.xpath("//body/@class")).split())
    if classes & {"single-attachment", "attachment"}:
        return False
    if "single" in classes or "single-post" in classes:
        return True
    if classes & {"page", "archive", "home", "blog", "search", "error404", "attachment"}:
        return False
    return is_post_url(url, settings) and bool(tree.xpath("//article"))


def analyse_html(tree, url: str, links: list[Link], settings: WordPressSettings) -> PageAnalysis:
    """Chain facts, listing facts and extra links (originals, shortlink, wp-json) of one WordPress page."""
    result = PageAnalysis()
    host = urlsplit(url).netloc
    extra: list[Link] = []
    for link in links:
        target = link.url
        parts = urlsplit(target)
        if link.requisite or parts.netloc == host:
            if settings.original_images:
                original = original_image(target)
                if original:
                    extra.append(Link(original, "wp:original-image", requisite=True, priority=PRIORITY_REQUISITE))
        if parts.netloc != host or parts.query:
            continue
        if _DATE_ARCHIVE.match(parts.path):
            result.date_archives.append(target)
        if is_post_url(target, settings) and not link.requisite and target not in result.listed_posts:
            result.listed_posts.append(target)
    marked: list[Link] = []
    for link in links:
        parts = urlsplit(link.url)
        member = (parts.netloc == host and not link.requisite and not parts.query
                  and is_post_url(link.url, settings))
        if link.discovered_by == "link:shortlink":
            if not settings.shortlinks:
                continue
            link = Link(link.url, link.discovered_by, False, False, link.priority, True)
        if _PAGE_N.match(parts.path) or _DATE_ARCHIVE.match(parts.path):
            link = Link(link.url, link.discovered_by, link.requisite, False, PRIORITY_LISTING, link.trusted)
        marked.append(Link(link.url, link.discovered_by, link.requisite, member, link.priority, link.trusted)
                       if member else link)
    for el in tree.xpath("//head/link[@href]"):
        if "https://api.w.org/" in (el.get("rel") or ""):
            target = normalize(el.get("href"), url)
            if target:
                extra.append(Link(target, "wp:wp-json", priority=PRIORITY_LISTING))
    for archive in derived_date_archives([url] + result.listed_posts, settings):
        extra.append(Link(archive, "wp:date-archive", priority=PRIORITY_LISTING))
    if settings.menu_listings:
        result.menu_pages = menu_pages(tree, url, settings)
        menu = set(result.menu_pages)
        marked = [Link(l.url, "wp:menu", l.requisite, l.chain_member, min(l.priority, PRIORITY_LISTING), l.trusted)
                  if l.url in menu and not l.requisite else l for l in marked]
    titled = []
    for href in tree.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-title ')]//a/@href"):
        target = normalize(href, url)
        if target and urlsplit(target).netloc == host and is_post_url(target, settings) and target not in titled:
            titled.append(target)
    if titled:
        result.listed_posts = titled
    result.is_post = is_single_post(tree, url, settings)
    if not result.is_post:
        marked = [l for l in marked if l.discovered_by != "link:shortlink"]
    result.links = marked + extra
    if result.is_post:
        result.published = published_of(tree)
        result.chain_next = find_adjacent(tree, url, settings, "next")
        result.chain_prev = find_adjacent(tree, url, settings, "prev")
    own = urlsplit(url).path
    m = _PAGE_N.match(own)
    base_path = m.group(1) if m else own
    pages = [int(m.group(2))] if m else [1]
    for link in links:
        parts = urlsplit(link.url)
        lm = _PAGE_N.match(parts.path)
        if parts.netloc == host and lm and lm.group(1) == base_path:
            pages.append(int(lm.group(2)))
    if len(pages) > 1 or m:
        result.last_page = (f"{host}{base_path}", max(pages))
        if max(pages) > pages[0]:
            result.pagination_last = f"{urlsplit(url).scheme}://{host}{base_path}page/{max(pages)}/"
    return result


def seeds(settings: WordPressSettings) -> list[Link]:
    """Where a WordPress crawl starts: home, the configured listings, feeds and sitemaps."""
    site = settings.site.rstrip("/") + "/"
    out = [Link(normalize(site), "seed", priority=PRIORITY_LISTING)]
    for path in settings.listings:
        target = normalize(path, site)
        if target:
            out.append(Link(target, "seed:listing", priority=PRIORITY_LISTING))
    if settings.feeds:
        out.append(Link(normalize("feed/", site), "seed:feed", priority=PRIORITY_LISTING))
    if settings.sitemaps:
        out.append(Link(normalize("wp-sitemap.xml", site), "seed:sitemap", priority=PRIORITY_LISTING, trusted=True))
        out.append(Link(normalize("sitemap.xml", site), "seed:sitemap", priority=PRIORITY_LISTING, trusted=True))
    if settings.chain_start != "auto":
        out.append(Link(normalize(settings.chain_start), "chain:start", chain_member=True, priority=0))
    return out
