"""Tumblr knowledge for the crawl side: index pages, permalinks, API v1 paging, RSS, largest photos.

The API v1 `/api/read` answers `<posts start= total=>`; paging goes on until `total` (or
`posts-total` on the tumblelog) is reached. Each `<photo-url max-width=N>` set offers sizes of
one photo; the largest is captured.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from harvester.config import TumblrSettings
from harvester.links import _local
from harvester.platforms.base import PRIORITY_LISTING, PRIORITY_REQUISITE, Link, PageAnalysis
from harvester.urls import normalize

_PERMALINK = re.compile(r"^/post/\d+(?:/[^/]*)?/?$")


def is_permalink(url: str) -> bool:
    return bool(_PERMALINK.match(urlsplit(url).path))


def api_url(blog: str, start: int, num: int) -> str:
    return f"http://{blog}/api/read?{urlencode({'start': start, 'num': num})}"


def largest_photos(post) -> list[str]:
    """For each photo of an API <post>, the URL with the greatest max-width."""
    groups: list[list] = []
    photos = [el for el in post.iter() if _local(el.tag) == "photo"]
    if photos:
        for photo in photos:
            groups.append([el for el in photo if _local(el.tag) == "photo-url"])
    direct = [el for el in post if _local(el.tag) == "photo-url"]
    if direct:
        groups.append(direct)
    out = []
    for group in groups:
        best = None
        for el in group:
            try:
                width = int(el.get("max-width") or 0)
            except ValueError:
                width = 0
            if (el.text or "").strip() and (best is None or width > best[0]):
                best = (width, el.text.strip())
        if best and best[1] not in out:
            out.append(best[1])
    return out


def analyse_api(root, url: str, settings: TumblrSettings) -> PageAnalysis:
    """Permalinks, largest photos and the next API page of one `/api/read` answer."""
    result = PageAnalysis()
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    posts_el = next((el for el in root.iter() if _local(el.tag) == "posts"), None)
    for post in (el for el in root.iter() if _local(el.tag) == "post"):
        link = post.get("url-with-slug") or post.get("url")
        target = normalize(link or "", url)
        if target:
            result.links.append(Link(target, "tumblr:api-post"))
            result.listed_posts.append(target)
        for photo in largest_photos(post):
            target = normalize(photo, url)
            if target:
                result.links.append(Link(target, "tumblr:largest-photo", requisite=True, priority=PRIORITY_REQUISITE))
    total = None
    for el in root.iter():
        if _local(el.tag) == "posts" and el.get("total"):
            total = el.get("total")
        elif _local(el.tag) == "tumblelog" and el.get("posts-total") and total is None:
            total = el.get("posts-total")
    try:
        start = int(query.get("start", posts_el.get("start") if posts_el is not None else 0) or 0)
        num = int(query.get("num", settings.api_page_size))
        total_n = int(total) if total is not None else None
    except ValueError:
        total_n = None
    if total_n is not None and result.listed_posts and start + num < total_n:
        result.links.append(Link(api_url(parts.netloc, start + num, num), "tumblr:api-next",
                                 priority=PRIORITY_LISTING, trusted=True))
    return result


def analyse_html(tree, url: str, links: list[Link], settings: TumblrSettings) -> PageAnalysis:
    """Index and permalink pages: links are enough; pagination links get listing priority."""
    result = PageAnalysis()
    for link in links:
        path = urlsplit(link.url).path
        if re.match(r"^/page/\d+/?$", path) or path.startswith("/tagged/"):
            result.links.append(Link(link.url, link.discovered_by, link.requisite, False, PRIORITY_LISTING))
        else:
            result.links.append(link)
        if is_permalink(link.url) and link.url not in result.listed_posts:
            result.listed_posts.append(link.url)
    return result


def seeds(settings: TumblrSettings) -> list[Link]:
    out = []
    for blog in settings.blogs:
        out.append(Link(f"http://{blog}/", "seed", priority=PRIORITY_LISTING))
        if settings.api:
            out.append(Link(api_url(blog, 0, settings.api_page_size), "seed:tumblr-api",
                            priority=PRIORITY_LISTING, trusted=True))
        if settings.rss:
            out.append(Link(f"http://{blog}/rss", "seed:tumblr-rss", priority=PRIORITY_LISTING))
        if settings.archive:
            out.append(Link(f"http://{blog}/archive", "seed:tumblr-archive", priority=PRIORITY_LISTING))
    return out
