"""The ground truth of a replica: what a complete harvest must find (tests only; the product never reads it)."""
from __future__ import annotations

import re
from collections import deque
from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from replica.clock import iso, to_stockholm
from replica.config import WORDPRESS_HOST
from replica.wordpress.theme import teaser_text

if TYPE_CHECKING:
    from replica.sites import Sites

_LINK_RE = re.compile(r"""(?:href|src)=(["'])(.*?)\1""")
_DISALLOWED = ("/wp-admin/", "/wp-includes/")


def _links(body: bytes, base: str) -> set[str]:
    out = set()
    for _, raw in _LINK_RE.findall(body.decode("utf-8", "replace")):
        if "&" in raw:
            raw = unescape(raw)
        url = raw if raw.startswith("http://") else urljoin(base, raw)
        url = url.split("#", 1)[0]
        if url.startswith("http://"):
            out.add(url)
    return out


def crawl(sites: "Sites", start: list[str], host_ok) -> tuple[list[str], dict[str, str]]:
    """Every 200 URL reachable from `start` on hosts `host_ok` accepts, rendered in process (no sockets)."""
    seen = set(start)
    queue = deque(start)
    ok: list[str] = []
    redirects: dict[str, str] = {}
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.hostname == WORDPRESS_HOST and parts.path in sites.site.uploads and not parts.query:
            ok.append(url)  # a media file: known to exist, no need to encode it
            continue
        resp = sites.get(parts.hostname or "", path, None)
        if resp.status in (301, 302):
            loc = dict(resp.headers)["Location"]
            redirects[url] = loc
            targets = [loc]
        elif resp.status == 200:
            ok.append(url)
            targets = _links(resp.body, url) if resp.is_text and "html" in resp.content_type else []
        else:
            continue
        for link in targets:
            if link in seen:
                continue
            lp = urlsplit(link)
            if not host_ok(lp.hostname or ""):
                continue
            if "m=" in lp.query or "replytocom=" in lp.query or lp.path.startswith(_DISALLOWED):
                continue
            seen.add(link)
            queue.append(link)
    return sorted(ok), dict(sorted(redirects.items()))


def build_truth(sites: "Sites") -> dict[str, Any]:
    site = sites.site
    chain_pos = {p.id: i + 1 for i, p in enumerate(site.chain)}
    posts = []
    for p in site.posts:
        media = []
        for a in p.attachments:
            media.append({"url": a.url, "kind": a.kind, "variants": [v[0] for v in a.variants()], "mime": a.mime})
        posts.append({
            "id": p.id, "url": p.url, "shortlink": p.shortlink, "slug": p.slug, "title": p.title,
            "published": iso(p.local), "modified": iso(to_stockholm(p.modified)), "author": p.author.name,
            "categories": [t.name for t in p.categories], "tags": [t.name for t in p.tags],
            "comment_count": len(p.comments),
            "comments": [{"id": c.id, "parent": c.parent, "author": c.author, "date": iso(to_stockholm(c.date)),
                          "text": c.text} for c in p.comments],
            "media": media, "chain_position": chain_pos.get(p.id), "publication_position": p.position,
            "reachable": site.served(p), "excerpt": teaser_text(site, p),
        })
    wp_urls, wp_redirects = crawl(sites, [f"http://{WORDPRESS_HOST}/"], lambda h: h == WORDPRESS_HOST)
    wordpress = {
        "host": WORDPRESS_HOST,
        "posts": posts,
        "pages": [{"id": pg.id, "url": pg.url, "title": pg.title, "slug": pg.slug} for pg in site.pages],
        "drafts": [{"id": d.id, "title": d.title, "url": d.url} for d in site.drafts],
        "chain": [p.url for p in site.chain],
        "first_post": site.chain[0].url,
        "closing_post": site.closing.url,
        "documents": [d.url for d in site.documents],
        "images": [a.url for p in site.posts for a in p.images],
        "urls": wp_urls,
        "redirects": wp_redirects,
    }
    tumblr = {}
    for name, blog in sites.tumblr.blogs.items():
        urls, _ = crawl(sites, [blog.url, f"{blog.url}api/read", f"{blog.url}api/read/json"],
                        lambda h, host=blog.host: h == host)
        media_urls = sorted({u for p in blog.posts for ph in p.photos for u in ph.sizes().values()})
        tposts = []
        for p in blog.posts:
            src = p.reblogged_from
            tposts.append({
                "id": p.id, "url": p.url_with_slug, "slug": p.slug, "type": p.type,
                "published": p.date.strftime("%Y-%m-%dT%H:%M:%S+00:00"), "unix_timestamp": p.unix, "tags": list(p.tags),
                "note_count": p.note_count,
                # a photo's own caption is the one API v1 gives it in <photoset> (none for a single
                # photo); the post's caption is `caption`
                "photos": [{"caption": ph.caption or None, "sizes": ph.sizes(), "best": ph.url(1280),
                            "width": ph.width, "height": ph.height} for ph in p.photos],
                "caption": p.caption or None, "title": p.title or None, "body": p.body or None, "quote": p.quote or None, "source": p.source or None,
                "link_url": p.link_url or None, "link_text": p.link_text or None,
                "reblogged_from": {"blog": src.blog, "post_id": src.id, "url": src.url_with_slug} if src else None,
            })
        tumblr[name] = {"host": blog.host, "title": blog.title, "total": len(blog.posts),
                        "urls": urls, "media_urls": media_urls, "posts": tposts}
    return {"wordpress": wordpress, "tumblr": tumblr}
