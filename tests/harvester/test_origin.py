"""Against a tiny origin server of our own (no proxy): redirects stay in scope, robots rules hold."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"

PAGES = {
    "/robots.txt": (200, "text/plain", b"User-agent: *\nDisallow: /private/\n", {}),
    "/": (200, "text/html; charset=utf-8",
          b'<html><body class="home"><a href="/r-off">a</a> <a href="/r-in">b</a> <a href="/private/p">c</a>'
          b' <a href="http://elsewhere.invalid/page">d</a></body></html>', {}),
    "/r-off": (302, "text/html", b"", {"Location": "http://elsewhere.invalid/x"}),
    "/r-in": (301, "text/html", b"", {"Location": "/target/"}),
    "/target/": (200, "text/html; charset=utf-8", b"<html><body>target</body></html>", {}),
}


class Origin(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: list[str] = []
    extra: dict = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        Origin.seen.append(self.path)
        status, ctype, body, headers = (PAGES | Origin.extra).get(self.path, (404, "text/plain", b"not here", {}))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture()
def origin(monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    Origin.seen = []
    Origin.extra = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def origin_config(origin: str):
    return load_config(TOML, overrides=[f"wordpress.site={origin}", "tumblr.blogs=[]", "wordpress.listings=[]",
                                        "wordpress.sitemaps=false", "wordpress.feeds=false", "progress.mode=quiet"])


def crawl_log(out: Path) -> list[dict]:
    return [json.loads(l) for l in (out / "harvest" / "crawl.log.jsonl").read_text().splitlines()]


def redirect(location: str) -> tuple:
    return (302, "text/html", b"", {"Location": location})


def test_redirects_are_followed_in_scope_only_and_robots_rules_hold(origin, tmp_path):
    result = harvest(origin_config(origin), tmp_path / "out")
    assert Origin.seen[0] == "/robots.txt"
    assert "/target/" in Origin.seen and "/private/p" not in Origin.seen
    lines = [json.loads(l) for l in (tmp_path / "out" / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    by_url = {}
    for line in lines:
        by_url.setdefault(line["url"], []).append(line)
    assert by_url["http://elsewhere.invalid/x"][0]["outcome"] == "out_of_scope"
    assert by_url["http://elsewhere.invalid/x"][0]["via"] == origin + "r-off"
    assert by_url[origin + "r-off"][0]["outcome"] == "redirect"
    assert by_url[origin + "private/p"][0]["outcome"] == "robots"
    assert by_url[origin + "target/"][0]["discovered_by"] == "redirect"
    assert result.counters["responses"] == 5


def test_robots_txt_redirects_are_followed_in_scope_and_every_hop_is_captured(origin, tmp_path):
    Origin.extra = {"/robots.txt": (301, "text/html", b"", {"Location": "/hop-1/robots.txt"}),
                    "/hop-1/robots.txt": redirect(origin + "hop-2/robots.txt"),
                    "/hop-2/robots.txt": PAGES["/robots.txt"]}
    result = harvest(origin_config(origin), tmp_path / "out")
    assert Origin.seen[:3] == ["/robots.txt", "/hop-1/robots.txt", "/hop-2/robots.txt"]
    assert "/target/" in Origin.seen and "/private/p" not in Origin.seen, "the final robots.txt's rules hold"
    hops = [(l["url"], l["outcome"], l["via"]) for l in crawl_log(tmp_path / "out") if l["discovered_by"] == "robots"]
    assert hops == [(origin + "robots.txt", "redirect", None),
                    (origin + "hop-1/robots.txt", "redirect", origin + "robots.txt"),
                    (origin + "hop-2/robots.txt", "fetched", origin + "hop-1/robots.txt")]
    responses = set()
    for path in (tmp_path / "out" / "harvest" / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            responses |= {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                          if r.rec_type == "response"}
    assert {u for u, _, _ in hops} <= responses
    note = result.summary["robots_policy"]["hosts"][origin.split("/")[2]]
    assert note.startswith("robots.txt 200") and "hop-2/robots.txt" in note


@pytest.mark.parametrize("chain, why", [
    ({"/robots.txt": redirect("/r/1")} | {f"/r/{i}": redirect(f"/r/{i + 1}") for i in range(1, 9)},
     "more than 5 redirects"),
    ({"/robots.txt": redirect("/r/1"), "/r/1": redirect("/robots.txt")}, "redirect loop"),
    ({"/robots.txt": redirect("http://elsewhere.invalid/robots.txt")}, "not in scope"),
])
def test_robots_txt_redirects_not_followed_count_as_unavailable(origin, tmp_path, chain, why):
    """RFC 9309 2.3.1.2: at most five hops, in scope only; past that robots.txt is unavailable (all allowed)."""
    Origin.extra = chain
    result = harvest(origin_config(origin), tmp_path / "out")
    asked = [p for p in Origin.seen if p == "/robots.txt" or p.startswith("/r/")]
    assert asked == ["/robots.txt", "/r/1", "/r/2", "/r/3", "/r/4", "/r/5"][:min(len(chain), 6)]
    note = result.summary["robots_policy"]["hosts"][origin.split("/")[2]]
    assert why in note and "everything allowed" in note
    assert "/private/p" in Origin.seen
