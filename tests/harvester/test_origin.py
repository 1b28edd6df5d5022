"""Against a tiny origin server of our own (no proxy): redirects stay in scope, robots rules hold."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

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

    def log_message(self, *args):
        pass

    def do_GET(self):
        Origin.seen.append(self.path)
        status, ctype, body, headers = PAGES.get(self.path, (404, "text/plain", b"not here", {}))
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_redirects_are_followed_in_scope_only_and_robots_rules_hold(origin, tmp_path):
    cfg = load_config(TOML, overrides=[f"wordpress.site={origin}", "tumblr.blogs=[]", "wordpress.listings=[]",
                                       "wordpress.sitemaps=false", "wordpress.feeds=false", "progress.mode=quiet"])
    result = harvest(cfg, tmp_path / "out")
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
