"""Each kind of "Nästa" chain break (404, loop, off-site, missing link) is reported, bridged via a listing,
and the walk goes on: against a small WordPress-like site of our own on 127.0.0.1 (no proxy)."""
from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"
POSTS = 6
GONE = "/2012/01/03/a-deleted-post/"


def post_path(n: int) -> str:
    return f"/2012/01/{n:02d}/inlagg-{n}/"


def post_page(n: int, next_href: str | None) -> bytes:
    """A WordPress ≥ 5 single post: `single postid-N`, `<time class="entry-date">`, rel links in the body nav."""
    prev = f'<a href="{post_path(n - 1)}" rel="prev">Föregående</a>' if n > 1 else ""
    nxt = f'<a href="{next_href}" rel="next">Nästa</a>' if next_href else ""
    return (f'<!doctype html><html><head><title>Inlägg {n}</title></head>'
            f'<body class="post-template-default single single-post postid-{n}">'
            f'<article id="post-{n}"><h1 class="entry-title">Inlägg {n}</h1>'
            f'<time class="entry-date published" datetime="2012-01-{n:02d}T10:00:00+01:00">{n} januari 2012</time>'
            f'<p>Text {n}.</p></article>'
            f'<nav class="navigation post-navigation"><div class="nav-links">{prev} {nxt}</div></nav>'
            f'</body></html>').encode()


def site_pages(nexts: dict[int, str | None]) -> dict[str, bytes]:
    """Posts 1..POSTS, each linking to the next unless `nexts` says otherwise; an Arkiv naming them all."""
    pages = {post_path(n): post_page(n, nexts.get(n, post_path(n + 1) if n < POSTS else None))
             for n in range(1, POSTS + 1)}
    items = "".join(f'<li><a href="{post_path(n)}">Inlägg {n}</a></li>' for n in range(POSTS, 0, -1))
    pages["/arkiv/"] = f'<html><body class="page page-id-2"><h1>Arkiv</h1><ul>{items}</ul></body></html>'.encode()
    pages["/"] = b'<html><body class="home blog"><a href="/arkiv/">Arkiv</a></body></html>'
    return pages


@contextmanager
def serve(pages: dict[str, bytes]):
    """An origin on 127.0.0.1 answering `pages` (404 otherwise); yields (base URL, [(Host, path) asked])."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_GET(self):
            seen.append((self.headers.get("Host", ""), self.path))
            body = pages.get(self.path)
            status, ctype = (200, "text/html; charset=utf-8") if body is not None else (404, "text/plain")
            body = b"not here" if body is None else body
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


def harvest_site(site: str, out: Path) -> dict:
    cfg = load_config(TOML, overrides=[f"wordpress.site={site}/", f"wordpress.chain_start={site}{post_path(1)}",
                                       'wordpress.listings=["/arkiv/"]', "wordpress.sitemaps=false",
                                       "wordpress.feeds=false", "tumblr.blogs=[]", "progress.mode=quiet",
                                       "network.retries=0"])
    harvest(cfg, out)
    return json.loads((out / "harvest" / "summary.json").read_text())


def outcomes(out: Path) -> dict[str, set[str]]:
    """URL → every outcome the crawl log gives it."""
    found: dict[str, set[str]] = {}
    for line in (out / "harvest" / "crawl.log.jsonl").read_text().splitlines():
        entry = json.loads(line)
        found.setdefault(entry["url"], set()).add(entry["outcome"])
    return found


# (next-link overrides, break "from" as a path, break after_position, first post after the bridge)
CASES = {
    "404": ({3: GONE}, GONE, 4, 4),
    "loop": ({4: post_path(2)}, post_path(4), 4, 5),
    "off-site": ({3: "OFFSITE" + post_path(4)}, post_path(3), 3, 4),
    "missing-link": ({3: None}, post_path(3), 3, 4),
}


@pytest.mark.parametrize("reason", list(CASES))
def test_chain_break_is_reported_bridged_via_arkiv_and_the_walk_goes_on(no_proxy, tmp_path, reason):
    nexts, broke_at, after_position, resumed_at = CASES[reason]
    with serve({}) as (elsewhere, elsewhere_seen):
        nexts = {n: h.replace("OFFSITE", elsewhere) if h else h for n, h in nexts.items()}
        with serve(site_pages(nexts)) as (site, seen):
            summary = harvest_site(site, tmp_path / "out")
    url = lambda path: site + path  # noqa: E731
    chain = summary["chain"]

    assert chain["breaks"] == [{"after_position": after_position, "from": url(broke_at), "reason": reason,
                                "bridged_to": url(post_path(resumed_at)), "bridged_via": url("/arkiv/")}]
    assert url("/arkiv/") in {l["url"] for l in summary["listings"]}
    hops = {h["to"]: h for h in chain["hops"]}
    assert hops[url(post_path(resumed_at))]["found_by"] == "bridge"
    after_bridge = [h["to"] for h in chain["hops"]][after_position - 1:]
    assert after_bridge == [url(post_path(n)) for n in range(resumed_at, POSTS + 1)], "the walk goes on to the end"
    assert chain["start"] == url(post_path(1)) and chain["unchained"] == []

    posts = {url(post_path(n)) for n in range(1, POSTS + 1)}
    logged = outcomes(tmp_path / "out")
    assert all("fetched" in logged.get(p, ()) for p in posts), "every post captured"
    assert elsewhere_seen == [], "nothing off-site requested"
    assert all(o == {"out_of_scope"} for u, o in logged.items() if u.startswith(elsewhere))
    if reason == "off-site":
        assert logged[elsewhere + post_path(4)] == {"out_of_scope"}, "the off-site next link is recorded, not fetched"
    assert {host for host, _ in seen} == {site.removeprefix("http://")}
