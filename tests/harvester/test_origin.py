"""Against a tiny origin server of our own (no proxy): redirects stay in scope, robots rules hold."""
from __future__ import annotations

import gc
import json
import threading
import time
import warnings
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"
SLOW = 0.4

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
    """PAGES, with `extra` on top (keyed by path, or by `http://host:port/path` for one server only);
    paths in `slow` take SLOW seconds; `peak` is the most requests one host had in hand at once."""
    protocol_version = "HTTP/1.1"
    seen: list[str] = []
    extra: dict = {}
    slow: set = set()
    busy: dict = {}
    peak: dict = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_GET(self):
        host = self.headers.get("Host", "")
        with Origin.lock:
            Origin.seen.append(self.path)
            Origin.busy[host] = Origin.busy.get(host, 0) + 1
            Origin.peak[host] = max(Origin.peak.get(host, 0), Origin.busy[host])
        pages = PAGES | Origin.extra
        status, ctype, body, headers = pages.get(f"http://{host}{self.path}") or pages.get(
            self.path, (404, "text/plain", b"not here", {}))
        if self.path in Origin.slow:
            time.sleep(SLOW)
        with Origin.lock:  # before the answer goes out: the client cannot have sent its next request yet
            Origin.busy[host] -= 1
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def origin(monkeypatch):
    monkeypatch.delenv("http_proxy", raising=False)
    monkeypatch.delenv("HTTP_PROXY", raising=False)
    Origin.seen, Origin.extra, Origin.slow, Origin.busy, Origin.peak = [], {}, set(), {}, {}
    with serving() as url:
        yield url


def origin_config(origin: str, *more: str):
    return load_config(TOML, overrides=[f"wordpress.site={origin}", "tumblr.blogs=[]", "wordpress.listings=[]",
                                        "wordpress.sitemaps=false", "wordpress.feeds=false", "progress.mode=quiet",
                                        *more])


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


HOPS = ["/robots.txt"] + [f"/r/{i}/robots.txt" for i in range(1, 10)]


@pytest.mark.parametrize("chain, asked, why", [
    ({HOPS[i]: redirect(HOPS[i + 1]) for i in range(9)} | {HOPS[9]: PAGES["/robots.txt"]}, HOPS[:6],
     "more than 5 redirects"),
    ({"/robots.txt": redirect(HOPS[1]), HOPS[1]: redirect("/robots.txt")}, HOPS[:2], "redirect loop"),
    ({"/robots.txt": redirect("http://elsewhere.invalid/robots.txt")}, HOPS[:1], "not in scope"),
    ({"/robots.txt": redirect("/r/1")}, HOPS[:1], "not a robots.txt file"),
])
def test_robots_txt_redirects_not_followed_count_as_unavailable(origin, tmp_path, chain, asked, why):
    """RFC 9309 2.3.1.2: at most five hops, in scope, to a robots.txt; else robots.txt is unavailable (all allowed)."""
    Origin.extra = chain
    result = harvest(origin_config(origin), tmp_path / "out")
    assert [p for p in Origin.seen if p == "/robots.txt" or p.startswith("/r/")] == asked
    note = result.summary["robots_policy"]["hosts"][origin.split("/")[2]]
    assert why in note and "everything allowed" in note
    assert "/private/p" in Origin.seen


@pytest.mark.parametrize("target", ["/", "/target/"])
def test_a_robots_txt_redirect_to_an_ordinary_page_leaves_that_page_to_the_crawl(origin, tmp_path, target):
    """`/robots.txt` → 301 → the home page (queued as the seed) or a page found later: robots.txt counts as
    unavailable, and the page is crawled as a page, its links followed."""
    Origin.extra = {"/robots.txt": (301, "text/html", b"", {"Location": target})}
    result = harvest(origin_config(origin), tmp_path / "out")
    pages = {l["url"]: l for l in crawl_log(tmp_path / "out") if l["discovered_by"] != "robots"}
    assert pages[origin]["outcome"] == "fetched" and pages[origin]["discovered_by"].startswith("seed")
    assert pages[origin + "target/"]["outcome"] == "fetched" and pages[origin + "target/"]["via"] == origin + "r-in"
    assert {"/r-in", "/target/", "/private/p"} <= set(Origin.seen)
    robots = [(l["url"], l["outcome"]) for l in crawl_log(tmp_path / "out") if l["discovered_by"] == "robots"]
    assert robots == [(origin + "robots.txt", "redirect")]
    note = result.summary["robots_policy"]["hosts"][origin.split("/")[2]]
    assert "not a robots.txt file" in note and "everything allowed" in note


def test_a_robots_redirect_to_another_host_waits_for_a_free_connection_there(origin, tmp_path):
    """The other host's robots.txt redirects to the site's: that hop is one of the site's connections, so
    with max_connections_per_host=1 it never runs beside a (slow) page of the site."""
    with serving() as other:
        slow = [f"/slow-{i}" for i in range(4)]
        Origin.slow = set(slow)
        links = "".join(f'<a href="{p}">s</a>' for p in slow) + f'<a href="{other}page">o</a>'
        Origin.extra = {"/": (200, "text/html; charset=utf-8", f"<html><body>{links}</body></html>".encode(), {}),
                        other + "robots.txt": redirect(origin + "robots.txt")}
        Origin.extra |= {p: (200, "text/html; charset=utf-8", b"<html><body>slow</body></html>", {}) for p in slow}
        other_host = other.split("/")[2]
        result = harvest(origin_config(origin, f"scope.extra_hosts=['{other_host}']", "politeness.delay=0",
                                       "politeness.max_connections_per_host=1", "politeness.concurrency=4"),
                         tmp_path / "out")
    hops = [(l["url"], l["via"]) for l in crawl_log(tmp_path / "out") if l["discovered_by"] == "robots"]
    assert (origin + "robots.txt", other + "robots.txt") in hops, "the other host's robots.txt was followed"
    assert set(slow) <= set(Origin.seen) and "/page" in Origin.seen
    assert Origin.peak[origin.split("/")[2]] == 1, Origin.peak
    assert result.summary["robots_policy"]["hosts"][other_host].startswith("robots.txt 200")


def test_a_failed_commit_closes_the_responses_spooled_body(origin, tmp_path):
    """A commit that fails in SQLite (a trigger refuses the home page's row) still closes the response's
    body, spooled to a temporary file past 1 MiB, instead of leaving it to the garbage collector."""
    from harvester.state import CrawlState

    big = b"<html><body>" + b"<p>padding</p>" * 200_000 + b"</body></html>"
    Origin.extra = {"/": (200, "text/html; charset=utf-8", big, {})}
    out = tmp_path / "out"
    (out / "harvest").mkdir(parents=True)
    state = CrawlState(out / "harvest" / "state.sqlite")
    state.db.execute(f"CREATE TRIGGER fail_home BEFORE INSERT ON fetches WHEN NEW.url = '{origin}'"
                     " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
    state.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        errors = harvest(origin_config(origin), out, resume=True).summary["internal_errors"]
        gc.collect()
    assert any("disk trouble" in e for e in errors), "the home page's commit failed"
    unclosed = [str(w.message) for w in caught if "unclosed file" in str(w.message).lower()]
    assert unclosed == []


def test_a_body_cut_short_closes_its_spooled_files(tmp_path):
    """A response that promises more bytes than it sends (past the 1 MiB spool, chunked or not) is
    a FetchError, and the temporary files its body went to are closed then, not left to the
    garbage collector."""
    import socket

    from harvester.errors import FetchError
    from harvester.fetch import Fetcher

    body = b"x" * 1_500_000
    answers = [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 3000000\r\n\r\n" + body,
               b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
               + b"%x\r\n" % len(body) + body + b"\r\n"]
    server = socket.create_server(("127.0.0.1", 0))

    def serve():
        for answer in answers:
            conn, _ = server.accept()
            conn.recv(65536)
            conn.sendall(answer)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/"
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            for _ in answers:
                with pytest.raises(FetchError, match="truncated"):
                    Fetcher("wparchive-test (+mailto:t@example.org)", timeout=5).fetch(url)
            gc.collect()
    finally:
        thread.join(5)
        server.close()
    assert [str(w.message) for w in caught if "unclosed file" in str(w.message).lower()] == []
