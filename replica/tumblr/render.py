"""Tumblr pages (a 2013 theme), the /rss feed and API v1 (/api/read XML and /api/read/json)."""
from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from lxml import etree

from replica.clock import SV_MONTHS, rfc2822, to_eastern
from replica.tumblr.model import Blog, TumblrPost

PER_PAGE = 10


def tag_url(blog: Blog, tag: str) -> str:
    return f"{blog.url}tagged/{quote(tag.replace(' ', '-'))}"


def _post_body(blog: Blog, p: TumblrPost, permalink: bool) -> str:
    if p.type == "photo":
        if len(p.photos) == 1:
            ph = p.photos[0]
            w, h = ph.size_of(500)
            media = (f'<div class="photo-wrapper"><a href="{ph.url(1280)}"><img src="{ph.url(500)}" alt="{escape(p.caption)}" '
                     f'width="{w}" height="{h}" /></a></div>')
        else:
            items = "".join(f'<a class="photoset_photo" href="{ph.url(1280)}"><img src="{ph.url(500)}" alt="{escape(ph.caption)}" '
                            f'width="{ph.size_of(500)[0]}" height="{ph.size_of(500)[1]}" /></a>' for ph in p.photos)
            media = f'<div class="photoset" id="photoset_{p.id}">{items}</div>'
        return media + f'<div class="caption"><p>{escape(p.caption)}</p></div>'
    if p.type == "regular":
        title = f'<h2><a href="{p.url_with_slug}">{escape(p.title)}</a></h2>' if not permalink else f"<h2>{escape(p.title)}</h2>"
        return title + f'<div class="body-text">{p.body}</div>'
    if p.type == "quote":
        return f'<blockquote class="quote"><p>&ldquo;{escape(p.quote)}&rdquo;</p></blockquote><p class="source">&mdash; {escape(p.source)}</p>'
    return (f'<h2 class="link"><a href="{escape(p.link_url)}" class="link">{escape(p.link_text)} &rarr;</a></h2>'
            f'<div class="description">{p.body}</div>')


def _article(blog: Blog, p: TumblrPost, permalink: bool) -> str:
    local = to_eastern(p.date)
    tags = "".join(f'<li><a href="{tag_url(blog, t)}">#{escape(t)}</a></li>' for t in p.tags)
    reblog = ""
    if p.reblogged_from is not None:
        src = p.reblogged_from
        reblog = (f'<p class="reblogged">reblogged from <a href="{src.url_with_slug}" class="tumblr_blog">{src.blog}</a></p>')
    notes = f'<a href="{p.url_with_slug}#notes" class="notes">{p.note_count} notes</a>' if p.note_count else ""
    return f"""<div class="post {p.type if p.type != 'regular' else 'text'}" id="post-{p.id}">
    {_post_body(blog, p, permalink)}
    {reblog}
    <div class="meta">
      <a href="{p.url_with_slug}" class="permalink" title="{local:%A %d %B %Y %H:%M}">{local.day} {SV_MONTHS[local.month - 1]} {local.year}</a>
      {notes}
      <ul class="tags">{tags}</ul>
    </div>
  </div>"""


def page(blog: Blog, *, title: str, body: str, pager: str = "", canonical: str | None = None) -> str:
    canon = f'<link rel="canonical" href="{canonical}" />' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="sv">
<head>
<meta charset="utf-8" />
<title>{escape(title)}</title>
<meta name="description" content="{escape(blog.description)}" />
<link rel="alternate" type="application/rss+xml" href="{blog.url}rss" />
{canon}
</head>
<body>
<div id="container">
  <header id="header">
    <h1><a href="{blog.url}">{escape(blog.title)}</a></h1>
    <p class="description">{escape(blog.description)}</p>
    <nav><a href="{blog.url}">Start</a> <a href="{blog.url}archive">Arkiv</a> <a href="{blog.url}rss">RSS</a></nav>
  </header>
  <div id="posts">
{body}
  </div>
  {pager}
  <footer><p>Drivs med <a href="http://www.tumblr.com/">Tumblr</a></p></footer>
</div>
</body>
</html>
"""


def pager(base: str, n: int, total_pages: int) -> str:
    links = []
    if n > 1:
        links.append(f'<a href="{base if n == 2 and base.endswith("/") else f"{base.rstrip(chr(47))}/page/{n - 1}"}" class="previous">&larr; Nyare</a>')
    if n < total_pages:
        links.append(f'<a href="{base.rstrip("/")}/page/{n + 1}" class="next">Äldre &rarr;</a>')
    return f'<div id="pagination">{" ".join(links)}</div>' if links else ""


def index(blog: Blog, posts: list[TumblrPost], n: int, base: str, title: str) -> str | None:
    total_pages = max(1, -(-len(posts) // PER_PAGE))
    if n < 1 or n > total_pages:
        return None
    chunk = posts[(n - 1) * PER_PAGE: n * PER_PAGE]
    return page(blog, title=title, body="\n".join(_article(blog, p, False) for p in chunk),
                pager=pager(base, n, total_pages))


def permalink(blog: Blog, p: TumblrPost) -> str:
    title = p.title or p.caption or p.quote or p.link_text or blog.title
    return page(blog, title=f"{blog.title} — {title}", body=_article(blog, p, True), canonical=p.url_with_slug)


def archive(blog: Blog) -> str:
    sections: dict[tuple[int, int], list[TumblrPost]] = {}
    for p in blog.posts:
        local = to_eastern(p.date)
        sections.setdefault((local.year, local.month), []).append(p)
    out = []
    for (y, m), posts in sections.items():
        items = []
        for p in posts:
            if p.type == "photo":
                ph = p.photos[0]
                w, h = ph.size_of(250)
                inner = f'<img src="{ph.url(250)}" width="{w}" height="{h}" alt="" />'
            else:
                inner = escape(p.title or p.quote or p.link_text)
            items.append(f'<a class="brick {p.type}" href="{p.url_with_slug}">{inner}</a>')
        out.append(f'<section class="month"><h2>{SV_MONTHS[m - 1]} {y}</h2>{"".join(items)}</section>')
    return page(blog, title=f"{blog.title} — Arkiv", body="\n".join(out))


def rss(blog: Blog) -> str:
    items = []
    for p in blog.posts[:20]:
        desc = _post_body(blog, p, True)
        title = p.title or p.caption or p.quote or p.link_text or "Foto"
        cats = "".join(f"<category>{escape(t)}</category>" for t in p.tags)
        items.append(f"<item><title>{escape(title)}</title><description>{escape(desc)}</description>"
                     f"<link>{p.url_with_slug}</link><guid>{p.url_with_slug}</guid>"
                     f"<pubDate>{rfc2822(to_eastern(p.date))}</pubDate>{cats}</item>")
    return ('<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0"><channel>'
            f"<description>{escape(blog.description)}</description><title>{escape(blog.title)}</title>"
            f"<generator>Tumblr (3.0; @{blog.name})</generator><link>{blog.url}</link>" + "".join(items) + "</channel></rss>\n")


# --- API v1 ----------------------------------------------------------------------------------


def _dates(p: TumblrPost) -> tuple[str, str]:
    local = to_eastern(p.date)
    return f"{p.date:%Y-%m-%d %H:%M:%S} GMT", f"{local:%a, %d %b %Y %H:%M:%S}"


def api_xml(blog: Blog, posts: list[TumblrPost], start: int, total: int) -> bytes:
    root = etree.Element("tumblr", version="1.0")
    tl = etree.SubElement(root, "tumblelog", name=blog.name, timezone="US/Eastern", title=blog.title)
    tl.text = blog.description
    etree.SubElement(tl, "feeds")
    el_posts = etree.SubElement(root, "posts", start=str(start), total=str(total))
    for p in posts:
        gmt, local = _dates(p)
        attrs = {"id": str(p.id), "url": p.url, "url-with-slug": p.url_with_slug, "type": p.type, "date-gmt": gmt,
                 "date": local, "unix-timestamp": str(p.unix), "format": "html", "reblog-key": p.reblog_key,
                 "slug": p.slug, "note-count": str(p.note_count)}
        if p.reblogged_from is not None:
            src = p.reblogged_from
            attrs.update({"reblogged-from-url": src.url, "reblogged-from-name": src.blog,
                          "reblogged-from-title": "BESÖK i Holland", "reblogged-root-url": src.url,
                          "reblogged-root-name": src.blog, "reblogged-root-title": "BESÖK i Holland"})
        if p.type == "photo":
            attrs.update({"width": str(p.photos[0].width), "height": str(p.photos[0].height)})
        post = etree.SubElement(el_posts, "post", attrs)
        if p.type == "photo":
            etree.SubElement(post, "photo-caption").text = p.caption
            for size, url in p.photos[0].sizes().items():
                etree.SubElement(post, "photo-url", {"max-width": size.replace("sq", "")}).text = url
            if len(p.photos) > 1:
                ps = etree.SubElement(post, "photoset")
                for ph in p.photos:
                    ph_el = etree.SubElement(ps, "photo", offset=ph.offset, caption=ph.caption, width=str(ph.width),
                                             height=str(ph.height))
                    for size, url in ph.sizes().items():
                        etree.SubElement(ph_el, "photo-url", {"max-width": size.replace("sq", "")}).text = url
        elif p.type == "regular":
            etree.SubElement(post, "regular-title").text = p.title
            etree.SubElement(post, "regular-body").text = p.body
        elif p.type == "quote":
            etree.SubElement(post, "quote-text").text = p.quote
            etree.SubElement(post, "quote-source").text = p.source
        else:
            etree.SubElement(post, "link-text").text = p.link_text
            etree.SubElement(post, "link-url").text = p.link_url
            etree.SubElement(post, "link-description").text = p.body
        for t in p.tags:
            etree.SubElement(post, "tag").text = t
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def api_json(blog: Blog, posts: list[TumblrPost], start: int, total: int, callback: str | None) -> bytes:
    out_posts = []
    for p in posts:
        gmt, local = _dates(p)
        d: dict = {"id": str(p.id), "url": p.url, "url-with-slug": p.url_with_slug, "type": p.type, "date-gmt": gmt,
                   "date": local, "bookmarklet": 0, "mobile": 0, "feed-item": "", "from-feed-id": 0,
                   "unix-timestamp": p.unix, "format": "html", "reblog-key": p.reblog_key, "slug": p.slug,
                   "note-count": str(p.note_count)}
        if p.reblogged_from is not None:
            src = p.reblogged_from
            d.update({"reblogged-from-url": src.url, "reblogged-from-name": src.blog,
                      "reblogged-from-title": "BESÖK i Holland", "reblogged-root-url": src.url,
                      "reblogged-root-name": src.blog, "reblogged-root-title": "BESÖK i Holland"})
        if p.type == "photo":
            ph0 = p.photos[0]
            d.update({"photo-caption": p.caption, "width": ph0.width, "height": ph0.height})
            d.update({f"photo-url-{k.replace('sq', '')}": v for k, v in ph0.sizes().items()})
            d["photos"] = [dict({"offset": ph.offset, "caption": ph.caption, "width": ph.width, "height": ph.height},
                                **{f"photo-url-{k.replace('sq', '')}": v for k, v in ph.sizes().items()})
                           for ph in p.photos] if len(p.photos) > 1 else []
        elif p.type == "regular":
            d.update({"regular-title": p.title, "regular-body": p.body})
        elif p.type == "quote":
            d.update({"quote-text": p.quote, "quote-source": p.source})
        else:
            d.update({"link-text": p.link_text, "link-url": p.link_url, "link-description": p.body})
        d["tags"] = list(p.tags)
        out_posts.append(d)
    doc = {"tumblelog": {"title": blog.title, "description": blog.description, "name": blog.name,
                         "timezone": "US/Eastern", "cname": False, "feeds": []},
           "posts-start": start, "posts-total": total, "posts-type": False, "posts": out_posts}
    payload = json.dumps(doc, ensure_ascii=True).replace("/", "\\/")
    if callback:
        return f"{callback}({payload});\n".encode()
    return f"var tumblr_api_read = {payload};\n".encode()
