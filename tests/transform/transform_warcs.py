"""Small helpers that write hand-made WARC files with warcio, and sample WordPress markup."""
from __future__ import annotations

import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HOST = "projektbesok.se"


class WarcBuilder:
    """Writes response/revisit/resource records; `date` advances one second per record so
    captures are ordered and reproducible."""

    def __init__(self, path: Path, gzip_records: bool = True):
        self.path = Path(path)
        self.fh = open(self.path, "wb")
        self.writer = WARCWriter(self.fh, gzip=gzip_records)
        self.tick = 0
        info = self.writer.create_warcinfo_record(self.path.name, {"software": "tests/transform"})
        self._write(info)

    def _date(self) -> str:
        self.tick += 1
        return f"2026-01-01T00:{self.tick // 60:02d}:{self.tick % 60:02d}Z"

    def _write(self, record) -> None:
        self.writer.write_record(record)

    def response(self, url: str, body: bytes, content_type: str = "text/html; charset=UTF-8", status: str = "200 OK",
                 headers: list[tuple[str, str]] | None = None, raw_payload: bytes | None = None):
        """A response; `raw_payload` is written as the HTTP body as-is (for gzip/chunked encodings)."""
        hdrs = [("Content-Type", content_type)] + list(headers or [])
        payload = raw_payload if raw_payload is not None else body
        if not any(k.lower() in ("transfer-encoding", "content-length") for k, _ in hdrs):
            hdrs.append(("Content-Length", str(len(payload))))
        http = StatusAndHeaders(status, hdrs, protocol="HTTP/1.1")
        rec = self.writer.create_warc_record(url, "response", payload=io.BytesIO(payload), http_headers=http,
                                             warc_headers_dict={"WARC-Date": self._date()})
        self._write(rec)
        return rec

    def redirect(self, url: str, location: str, status: str = "301 Moved Permanently"):
        return self.response(url, b"", content_type="text/html", status=status, headers=[("Location", location)])

    def revisit(self, url: str, original) -> None:
        digest = original.rec_headers.get_header("WARC-Payload-Digest")
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=UTF-8")], protocol="HTTP/1.1")
        rec = self.writer.create_revisit_record(
            url, digest, original.rec_headers.get_header("WARC-Target-URI"),
            original.rec_headers.get_header("WARC-Date"), http_headers=http)
        rec.rec_headers.replace_header("WARC-Date", self._date())
        self._write(rec)

    def raw(self, data: bytes) -> None:
        self.fh.write(data)

    def close(self) -> Path:
        self.fh.close()
        return self.path


def gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def chunked(data: bytes, size: int = 100) -> bytes:
    out = b""
    for i in range(0, len(data), size):
        part = data[i:i + size]
        out += f"{len(part):x}\r\n".encode() + part + b"\r\n"
    return out + b"0\r\n\r\n"


def wp_post(pid: int, slug: str, title: str, *, published: str = "2012-05-29T10:15:00+02:00", date_text="29 maj, 2012",
            author="Niclas Siljedahl", categories=("Teknik",), tags=("iPad",), prev=None, next=None,
            content="<p>Hej på er!</p>", comments="", time_tag=True, charset="UTF-8", year="2012", month="05", day="29") -> str:
    url = f"http://{HOST}/{year}/{month}/{day}/{slug}/"
    cats = ", ".join(f'<a href="http://{HOST}/category/{c.lower()}/" rel="category tag">{c}</a>' for c in categories)
    tgs = ", ".join(f'<a href="http://{HOST}/tag/{t.lower()}/" rel="tag">{t}</a>' for t in tags)
    when = (f'<time class="entry-date" datetime="{published}">{date_text}</time>' if time_tag else date_text)
    head_nav = ""
    nav = ""
    if prev:
        head_nav += f"<link rel='prev' title='prev' href='{prev}' />\n"
        nav += f'<div class="nav-previous"><a href="{prev}" rel="prev">Föregående</a></div>'
    if next:
        head_nav += f"<link rel='next' title='next' href='{next}' />\n"
        nav += f'<div class="nav-next"><a href="{next}" rel="next">Nästa</a></div>'
    return f"""<!DOCTYPE html>
<html lang="sv-SE">
<head>
<meta charset="{charset}" />
<title>{title} | BESÖK</title>
<meta name="generator" content="WordPress 3.8" />
<link rel='stylesheet' href='http://{HOST}/wp-content/themes/besok/style.css' type='text/css' />
{head_nav}<link rel='canonical' href='{url}' />
<link rel='shortlink' href='http://{HOST}/?p={pid}' />
<script>var x = 1;</script>
</head>
<body class="single single-post postid-{pid} single-format-standard">
<div id="page" class="hfeed site"><div id="content" class="site-content"><main id="main" class="site-main">
<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard hentry category-teknik tag-ipad">
<header class="entry-header"><h1 class="entry-title">{title}</h1>
<div class="entry-meta">Publicerat den <a href="{url}" rel="bookmark">{when}</a><span class="byline"> av <span class="author vcard"><a class="url fn n" href="http://{HOST}/author/niclas/">{author}</a></span></span></div>
</header>
<div class="entry-content">{content}<script>alert(1)</script></div>
<footer class="entry-meta"><span class="cat-links">Postat i {cats}</span> <span class="tags-links">Taggat {tgs}</span></footer>
</article>
<nav role="navigation" id="nav-below" class="navigation post-navigation"><h1 class="screen-reader-text">Inläggsnavigering</h1>{nav}</nav>
<div id="comments" class="comments-area">{comments}</div>
</main></div></div>
</body></html>
"""


def wp_url(slug: str, year="2012", month="05", day="29") -> str:
    return f"http://{HOST}/{year}/{month}/{day}/{slug}/"
