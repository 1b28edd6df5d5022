"""Test-only faults and gaps behave as documented: one test per fault kind, plus chain gaps."""
from __future__ import annotations

import socket
import zlib

import pytest
import requests
from lxml import html

from replica import ConfigError, Fault, ReplicaConfig

HOME = "http://projektbesok.se/"


def raw_get(port: int, url: str) -> tuple[bytes, bytes, bool]:
    """Header block, body bytes read until the server closed, and whether it ended with a reset."""
    host = url.split("/")[2]
    reset = False
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(f"GET {url} HTTP/1.1\r\nHost: {host}\r\nAccept-Encoding: identity\r\n\r\n".encode())
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                reset = True
                break
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body, reset


def content_length(head: bytes) -> int:
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    raise AssertionError("no Content-Length")


def test_status_503_with_retry_after_then_normal(running, proxied):
    with running(faults=(Fault("/kalender/", "status_503", times=2, retry_after=7),)) as srv:
        s = proxied(srv)
        first, second, third = (s.get(f"{HOME}kalender/") for _ in range(3))
        assert (first.status_code, second.status_code, third.status_code) == (503, 503, 200)
        assert first.headers["Retry-After"] == "7"
        assert [e["fault"] for e in srv.request_log()] == ["status_503", "status_503", None]


def test_status_429_with_retry_after(running, proxied):
    with running(faults=(Fault("/feed/", "status_429"),)) as srv:
        s = proxied(srv)
        r = s.get(f"{HOME}feed/")
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        assert s.get(f"{HOME}feed/").status_code == 200


def test_reset_closes_the_connection_mid_response(running, proxied):
    with running(faults=(Fault("/utbildningar/", "reset"),)) as srv:
        head, body, reset = raw_get(srv.port, f"{HOME}utbildningar/")
        assert head.startswith(b"HTTP/1.1 200")
        assert reset and len(body) < content_length(head)
        assert proxied(srv).get(f"{HOME}utbildningar/").status_code == 200


def test_truncate_sends_less_than_content_length(running, proxied):
    with running(faults=(Fault("/dokument/", "truncate", times=2),)) as srv:
        head, body, _ = raw_get(srv.port, f"{HOME}dokument/")
        assert 0 < len(body) < content_length(head)
        with pytest.raises(requests.exceptions.RequestException):
            proxied(srv).get(f"{HOME}dokument/", headers={"Accept-Encoding": "identity"}).content
        assert proxied(srv).get(f"{HOME}dokument/").status_code == 200


def test_slow_delays_the_answer(running, proxied):
    with running(faults=(Fault("/om-besok/", "slow", delay_s=3.0),)) as srv:
        s = proxied(srv)
        with pytest.raises(requests.exceptions.ReadTimeout):
            s.get(f"{HOME}om-besok/", timeout=0.5)
        assert s.get(f"{HOME}om-besok/").status_code == 200


def test_redirect_loop_is_linked_from_home_and_never_ends(running, proxied):
    with running(faults=(Fault("/gammal-sida/", "redirect_loop", times=0),)) as srv:
        s = proxied(srv)
        home = html.fromstring(s.get(HOME).content, base_url=HOME)
        home.make_links_absolute()
        assert f"{HOME}gammal-sida/" in home.xpath("//a/@href")
        with pytest.raises(requests.exceptions.TooManyRedirects):
            s.get(f"{HOME}gammal-sida/")
        r = s.get(f"{HOME}gammal-sida/", allow_redirects=False)
        assert r.status_code == 302 and r.headers["Location"] == f"{HOME}gammal-sida/?loop=1"
        back = s.get(f"{HOME}gammal-sida/?loop=1", allow_redirects=False)
        assert back.headers["Location"] == f"{HOME}gammal-sida/"


def test_gzip_bomb_is_small_on_the_wire_and_huge_inflated(running, proxied):
    size = 64 << 20
    with running(faults=(Fault("/bomb.html", "gzip_bomb", size=size),)) as srv:
        s = proxied(srv)
        assert "/bomb.html" in s.get(HOME).text
        r = s.get(f"{HOME}bomb.html", stream=True)
        assert r.headers["Content-Encoding"] == "gzip"
        wire = r.raw.read(decode_content=False)
        assert len(wire) < size // 500
        inflater = zlib.decompressobj(31)
        total, data = 0, wire
        while data:
            total += len(inflater.decompress(data, 1 << 20))
            data = inflater.unconsumed_tail
        assert total == size


def test_chain_skip_leaves_a_post_out_of_nasta_but_not_out_of_listings(running, proxied):
    with running(chain_skip=(4,)) as srv:
        s = proxied(srv)
        truth = srv.ground_truth()["wordpress"]
        posts = truth["posts"]
        skipped = posts[3]
        assert skipped["chain_position"] is None and skipped["url"] not in truth["chain"]
        doc = html.fromstring(s.get(posts[2]["url"]).content)
        assert doc.xpath("//nav[contains(@class,'post-navigation')]//a[@rel='next']/@href") == [posts[4]["url"]]
        assert s.get(skipped["url"]).status_code == 200
        assert skipped["url"] in s.get(truth["posts"][0]["url"].rsplit("/", 5)[0] + "/kalender/arkiv/page/2/").text
        assert posts[4]["chain_position"] == 4
        closing = html.fromstring(s.get(truth["closing_post"]).content).text_content()
        assert f"övre högra hörnet {len(posts) - 2} gånger" in closing


def test_unreachable_post_is_promised_by_listings_but_answers_404(running, proxied):
    with running(unreachable=(80,)) as srv:
        s = proxied(srv)
        truth = srv.ground_truth()["wordpress"]
        gone = truth["posts"][79]
        assert gone["reachable"] is False and gone["chain_position"] is None
        assert s.get(gone["url"]).status_code == 404
        assert gone["url"] in s.get(HOME).text
        assert gone["url"] in s.get(f"{HOME}feed/").text
        assert gone["url"] in s.get(f"{HOME}kalender/arkiv/").text
        assert gone["url"] not in truth["urls"]
        doc = html.fromstring(s.get(truth["posts"][78]["url"]).content)
        assert doc.xpath("//nav[contains(@class,'post-navigation')]//a[@rel='next']/@href") == [truth["posts"][80]["url"]]


def test_crawl_delay_appears_in_robots_txt(running, proxied):
    with running(crawl_delay=2) as srv:
        assert "Crawl-delay: 2" in proxied(srv).get(f"{HOME}robots.txt").text.splitlines()


@pytest.mark.parametrize("options, field", [
    ({"chain_skip": (86,)}, "chain_skip"),
    ({"unreachable": (0,)}, "unreachable"),
    ({"posts": 1}, "posts"),
])
def test_impossible_configs_are_refused_with_the_field_named(options, field):
    with pytest.raises(ConfigError) as info:
        ReplicaConfig(**options)
    assert info.value.field == field and field in str(info.value)


def test_unknown_fault_kind_is_refused():
    with pytest.raises(ConfigError, match="unknown fault kind"):
        Fault("/", "meteor")


def test_latency_holds_back_every_response(running, proxied):
    with running(latency_ms=1500) as srv:
        s = proxied(srv)
        with pytest.raises(requests.exceptions.ReadTimeout):
            s.get(f"{HOME}robots.txt", timeout=0.3)
        with pytest.raises(requests.exceptions.ReadTimeout):
            s.get("http://besokholland.tumblr.com/rss", timeout=0.3)
        assert s.get(f"{HOME}robots.txt").status_code == 200
