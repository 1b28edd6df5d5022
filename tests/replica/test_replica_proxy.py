"""The replica as an HTTP proxy: absolute and origin form, keep-alive, 502/501, the request log, encodings."""
from __future__ import annotations

import gzip
import http.client
import json
import socket
from datetime import datetime



def raw_exchange(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        chunks = []
        while True:
            try:
                data = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_unknown_hosts_get_502_and_are_logged(replica, http):
    r = http.get("http://www.example.com/some/page")
    assert r.status_code == 502
    entry = [e for e in replica.request_log() if e["host"] == "www.example.com"][-1]
    assert entry["status"] == 502 and entry["url"] == "http://www.example.com/some/page"


def test_connect_is_refused_with_501(replica):
    reply = raw_exchange(replica.port, b"CONNECT projektbesok.se:443 HTTP/1.1\r\nHost: projektbesok.se:443\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 501 ")


def test_origin_form_with_host_header_works(replica):
    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=5)
    conn.request("GET", "/robots.txt", headers={"Host": "projektbesok.se"})
    r = conn.getresponse()
    assert r.status == 200 and b"Disallow: /wp-admin/" in r.read()
    conn.request("GET", "/api/read", headers={"Host": "besokholland.tumblr.com"})
    r = conn.getresponse()
    assert r.status == 200 and b"<tumblr" in r.read()
    conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(replica):
    conn = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=5)
    sockets = set()
    for path in ("/", "/feed/", "/robots.txt", "/kalender/"):
        conn.request("GET", f"http://projektbesok.se{path}")
        r = conn.getresponse()
        r.read()
        assert r.status == 200
        sockets.add(id(conn.sock))
    assert len(sockets) == 1
    conn.close()


def test_survives_clients_that_hang_up(replica, http):
    for _ in range(5):
        with socket.create_connection(("127.0.0.1", replica.port)) as s:
            s.sendall(b"GET http://projektbesok.se/utbildningar/ HTTP/1.1\r\nHost: projektbesok.se\r\n\r\n")
            s.recv(10)
        with socket.create_connection(("127.0.0.1", replica.port)) as s:
            s.sendall(b"GET http://projektbesok.se/ HT")
    assert http.get("http://projektbesok.se/").status_code == 200


def test_request_log_records_each_request(replica, http):
    before = len(replica.request_log())
    http.get("http://projektbesok.se/kalender/", headers={"User-Agent": "log-check/2"})
    http.head("http://projektbesok.se/dokument/", headers={"User-Agent": "log-check/2"})
    entries = replica.request_log()[before:]
    assert [(e["method"], e["url"], e["status"]) for e in entries] == [
        ("GET", "http://projektbesok.se/kalender/", 200), ("HEAD", "http://projektbesok.se/dokument/", 200)]
    assert entries[0]["user_agent"] == "log-check/2"
    assert entries[0]["bytes"] > 0 and entries[1]["bytes"] == 0
    assert all(e["time"].endswith("Z") and e["host"] == "projektbesok.se" for e in entries)


def test_request_log_says_when_each_request_arrived_as_well_as_when_it_was_answered(running, proxied):
    """`arrived` is stamped when the request line comes in, before the latency is slept: request-spacing
    checks compare it, not `time`, which moves with how long each page took to build and send."""
    with running(latency_ms=300) as server:
        proxied(server).get("http://projektbesok.se/")
        entry = server.request_log()[-1]
    arrived, answered = (datetime.fromisoformat(entry[k].replace("Z", "+00:00")) for k in ("arrived", "time"))
    assert entry["arrived"].endswith("Z") and (answered - arrived).total_seconds() >= 0.29


def test_request_log_is_written_as_json_lines(tmp_path, running, proxied):
    log = tmp_path / "requests.jsonl"
    with running(log_path=log) as server:
        s = proxied(server)
        s.get("http://projektbesok.se/")
        s.get("http://nowhere.invalid/")
        lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["url"], e["status"]) for e in lines] == [("http://projektbesok.se/", 200), ("http://nowhere.invalid/", 502)]
    assert set(lines[0]) >= {"time", "method", "url", "host", "status", "bytes", "user_agent"}


def test_gzip_when_asked_and_only_then(replica, http, running, proxied):
    r = http.get("http://projektbesok.se/", headers={"Accept-Encoding": "gzip"}, stream=True)
    raw = r.raw.read(decode_content=False)
    assert r.headers["Content-Encoding"] == "gzip"
    assert b"<!DOCTYPE html>" in gzip.decompress(raw)
    plain = http.get("http://projektbesok.se/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    with running(gzip=False) as server:
        r = proxied(server).get("http://projektbesok.se/", headers={"Accept-Encoding": "gzip"})
        assert "Content-Encoding" not in r.headers


def test_chunked_html_when_configured(replica, running, proxied):
    with running(chunked=True) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("GET", "http://projektbesok.se/", headers={"Accept-Encoding": "identity"})
        r = conn.getresponse()
        assert r.getheader("Transfer-Encoding") == "chunked" and r.getheader("Content-Length") is None
        body = r.read()
        assert body.rstrip().endswith(b"</html>")
        conn.request("GET", "http://projektbesok.se/robots.txt")
        r = conn.getresponse()
        assert r.getheader("Content-Length") is not None and r.read()


def test_html_is_utf8(http):
    r = http.get("http://projektbesok.se/utbildningar/")
    assert r.headers["Content-Type"] == "text/html; charset=UTF-8"
    assert "Lässtimulerande metoder" in r.content.decode("utf-8")


def test_www_host_redirects_to_the_bare_domain(http):
    r = http.get("http://www.projektbesok.se/dokument/", allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == "http://projektbesok.se/dokument/"


def test_same_seed_same_bytes_other_seed_other_site(running, proxied):
    with running(seed=7, posts=12) as a, running(seed=7, posts=12) as b, running(seed=8, posts=12) as c:
        pa, pb, pc = proxied(a), proxied(b), proxied(c)
        ta, tb, tc = a.ground_truth(), b.ground_truth(), c.ground_truth()
        assert ta == tb and ta != tc
        for url in ("http://projektbesok.se/", ta["wordpress"]["posts"][5]["url"], ta["wordpress"]["images"][0],
                    "http://besokholland.tumblr.com/api/read"):
            assert pa.get(url).content == pb.get(url).content
        assert pa.get("http://projektbesok.se/").content != pc.get("http://projektbesok.se/").content
