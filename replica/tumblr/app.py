"""Routing for the three *.tumblr.com blogs and the NN.media.tumblr.com hosts."""
from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qs, unquote, urlsplit

from replica import media
from replica.clock import http_date
from replica.config import ReplicaConfig
from replica.response import Response, text
from replica.tumblr import render
from replica.tumblr.model import Blog, Photo, TumblrPost, build_blogs

MEDIA_HOST_RE = re.compile(r"^\d{1,2}\.media\.tumblr\.com$")
_MEDIA_PATH_RE = re.compile(r"^/([0-9a-f]{32})/tumblr_([0-9A-Za-z]+)(o\d)_(\d+|75sq)\.jpg$")
SERVER = "nginx"
ROBOTS = "User-agent: *\nDisallow: /private\nDisallow: /random\nDisallow: /day/\n"


class TumblrApps:
    """All three blogs plus their media hosts."""

    def __init__(self, config: ReplicaConfig) -> None:
        self.config = config
        self.blogs: dict[str, Blog] = build_blogs(config)
        self.hosts = {b.host: b for b in self.blogs.values()}
        self._posts: dict[tuple[str, int], TumblrPost] = {(b.name, p.id): p for b in self.blogs.values() for p in b.posts}
        self._photos: dict[str, tuple[Photo, str, TumblrPost]] = {}
        for b in self.blogs.values():
            for p in reversed(b.posts):  # a reblog shares its source's files; the source came first
                for ph in p.photos:
                    for size in PHOTO_SIZE_NAMES:
                        self._photos.setdefault(f"/{ph.hash}/tumblr_{ph.key}{ph.offset}_{size}.jpg", (ph, size, p))

    def knows(self, host: str) -> bool:
        return host in self.hosts or bool(MEDIA_HOST_RE.match(host))

    def get(self, host: str, path: str, headers) -> Response:
        if MEDIA_HOST_RE.match(host):
            return self.media(path, headers)
        blog = self.hosts[host]
        parts = urlsplit(path)
        route = unquote(parts.path)
        query = parse_qs(parts.query)
        if route != "/" and route.endswith("/"):
            route = route.rstrip("/")
        if route in ("/", ""):
            return self._html(render.index(blog, blog.posts, 1, blog.url, blog.title))
        m = re.fullmatch(r"/page/(\d+)", route)
        if m:
            return self._html(render.index(blog, blog.posts, int(m.group(1)), blog.url, blog.title))
        m = re.fullmatch(r"/post/(\d+)(?:/([^/]*))?", route)
        if m:
            post = self._posts.get((blog.name, int(m.group(1))))
            return self._html(render.permalink(blog, post) if post else None)
        m = re.fullmatch(r"/tagged/([^/]+)(?:/page/(\d+))?", route)
        if m:
            tag = m.group(1).replace("-", " ")
            posts = [p for p in blog.posts if tag in p.tags or m.group(1) in p.tags]
            base = render.tag_url(blog, m.group(1))
            return self._html(render.index(blog, posts, int(m.group(2) or 1), base, f"{blog.title} — #{m.group(1)}")
                              if posts else None)
        if route == "/archive":
            return self._html(render.archive(blog))
        if route == "/rss":
            return text(render.rss(blog), "text/xml; charset=utf-8", server=SERVER)
        if route == "/robots.txt":
            return text(ROBOTS, "text/plain", server=SERVER)
        if route in ("/api/read", "/api/read/json", "/api/read/xml"):
            return self.api(blog, query, json_=route.endswith("/json"))
        return self._html(None)

    def _html(self, body: str | None) -> Response:
        if body is None:
            return text("<!DOCTYPE html><html><head><title>Not found.</title></head><body><h1>Not found.</h1>"
                        "<p>The URL you requested could not be found.</p></body></html>\n",
                        "text/html; charset=UTF-8", status=404, server=SERVER)
        return text(body, "text/html; charset=UTF-8", server=SERVER, headers=[("X-Tumblr-Usec", "D=12345")])

    def api(self, blog: Blog, query: dict[str, list[str]], json_: bool) -> Response:
        def num(name: str, default: int) -> int:
            raw = (query.get(name) or [str(default)])[0]
            return int(raw) if raw.isdigit() else default

        posts = blog.posts
        if "type" in query:
            posts = [p for p in posts if p.type == query["type"][0]]
        if "tagged" in query:
            posts = [p for p in posts if query["tagged"][0] in p.tags]
        if "id" in query:
            wanted = query["id"][0]
            posts = [p for p in posts if str(p.id) == wanted]
        start = num("start", 0)
        count = max(0, min(num("num", 20), 50))
        chunk = posts[start: start + count]
        if json_:
            cb = (query.get("callback") or [None])[0]
            if cb and not re.fullmatch(r"[A-Za-z_$][\w$.]*", cb):
                cb = None
            return Response(200, render.api_json(blog, chunk, start, len(posts), cb), "text/javascript; charset=utf-8",
                            server=SERVER)
        return Response(200, render.api_xml(blog, chunk, start, len(posts)), "text/xml; charset=utf-8", server=SERVER)

    def media(self, path: str, headers) -> Response:
        route = urlsplit(path).path
        entry = self._photos.get(route)
        if entry is None:
            return Response(403, b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code>"
                                 b"<Message>Access Denied</Message></Error>", "application/xml", server="AmazonS3")
        photo, size, post = entry
        w, h = photo.size_of(size)
        body = media.jpeg(w, h, f"{self.config.seed}:{photo.hash}")
        etag = '"' + hashlib.md5(body).hexdigest() + '"'
        modified = http_date(post.date)
        hdrs = [("ETag", etag), ("Last-Modified", modified), ("Accept-Ranges", "bytes"),
                ("Cache-Control", "max-age=2592000")]
        if headers is not None and (headers.get("If-None-Match") == etag
                                    or (not headers.get("If-None-Match") and headers.get("If-Modified-Since") == modified)):
            return Response(304, b"", "image/jpeg", hdrs, server=SERVER)
        return Response(200, body, "image/jpeg", hdrs, server=SERVER)


PHOTO_SIZE_NAMES = ("1280", "500", "400", "250", "100", "75sq")
