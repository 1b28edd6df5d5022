"""FastWARC reads most records, warcio the rest: whichever reads a record, iter_warc yields the same
items as a warcio-only pass (forced here by refusing FastWARC every record)."""
from __future__ import annotations

import dataclasses
import gzip

import pytest

from transform import iterate
from transform_warcs import WarcBuilder, chunked, gzip_bytes, wp_post, wp_url


def _items(path, **kw):
    return [dataclasses.asdict(x) | {"_cls": type(x).__name__} for x in iterate.iter_warc(path, **kw)]


def _warcio_only(path, monkeypatch, **kw):
    with monkeypatch.context() as m:
        def refuse(fh, name, offset, mark, end, gzipped, state):
            return offset, mark
            yield  # a generator, as the real one

        m.setattr(iterate, "_fast_records", refuse)
        return _items(path, **kw)


def _items_and_warcio_reads(path, monkeypatch):
    """The items, and how many records warcio read (FastWARC the rest)."""
    read = []
    warcio_read = iterate._read
    with monkeypatch.context() as m:
        m.setattr(iterate, "_read", lambda record, it, name: read.append(1) or warcio_read(record, it, name))
        return _items(path), len(read)


def _warc(path, gz=True):
    b = WarcBuilder(path, gzip_records=gz)
    body = wp_post(120, "kodad", "Kodad sida", day="20").encode()
    b.response(wp_url("plain", day="20"), body)
    b.response(wp_url("gz", day="20"), body, headers=[("Content-Encoding", "gzip")], raw_payload=gzip_bytes(body))
    b.response(wp_url("both", day="20"), body, headers=[("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")],
               raw_payload=chunked(gzip_bytes(body)))
    b.response(wp_url("img", day="20"), bytes(range(256)) * 40, content_type="image/png")
    original = b.response(wp_url("orig", day="20"), b"<html></html>")
    b.revisit(wp_url("orig", day="20"), original)
    b.redirect(wp_url("kort", day="20"), wp_url("orig", day="20"))
    return b.close()


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "uncompressed"])
def test_fastwarc_and_warcio_give_the_same_items(tmp_path, monkeypatch, gz):
    path = _warc(tmp_path / ("a.warc.gz" if gz else "a.warc"), gz)
    items = _items(path)
    assert items == _warcio_only(path, monkeypatch)
    decoded = {i["url"]: i["body"] for i in items if i["_cls"] == "WarcItem"}
    assert decoded[wp_url("gz", day="20")] == decoded[wp_url("both", day="20")] == decoded[wp_url("plain", day="20")]
    assert [i["location"] for i in items if i["_cls"] == "WarcItem"][-1] == wp_url("orig", day="20")


def test_fastwarc_reads_all_but_the_last_record(tmp_path, monkeypatch):
    path = _warc(tmp_path / "a.warc.gz")
    items, warcio_reads = _items_and_warcio_reads(path, monkeypatch)
    assert (len(items), warcio_reads) == (8, 1)  # its end is confirmed by no next record


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "uncompressed"])
def test_a_cut_or_damaged_file_gives_the_same_items_as_warcio(tmp_path, monkeypatch, gz):
    path = _warc(tmp_path / ("a.warc.gz" if gz else "a.warc"), gz)
    data = path.read_bytes()
    for cut in range(200, len(data), max(1, len(data) // 25)):
        path.write_bytes(data[:cut])
        assert _items(path) == _warcio_only(path, monkeypatch), cut
    spaced = data.replace(b"\r\n\r\nWARC/1.0", b"\r\n\r\n\r\nWARC/1.0") if not gz else data + b"trailing garbage\r\n"
    path.write_bytes(spaced)
    assert _items(path) == _warcio_only(path, monkeypatch)


def test_pieces_give_the_same_items_as_the_whole_file(tmp_path):
    path = _warc(tmp_path / "a.warc.gz")
    points = iterate.split_points(path, 2000) + [None]
    pieces = [x for s, e in zip(points, points[1:]) for x in _items(path, start=s, end=e)]
    assert len(points) > 3 and pieces == _items(path)


def test_an_arc_file_is_still_read_through_warcio(tmp_path):
    body = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><p>arc</p></html>"
    desc = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [b"filedesc://a.arc 0.0.0.0 20120101000000 text/plain %d\n" % len(desc) + desc + b"\n",
               b"http://example.org/ 1.2.3.4 20120101000000 text/html %d\n" % len(body) + body + b"\n"]
    path = tmp_path / "a.arc.gz"
    path.write_bytes(b"".join(gzip.compress(r) for r in records))
    items = [x for x in iterate.iter_warc(path) if isinstance(x, iterate.WarcItem)]
    assert [(i.url, i.body) for i in items] == [("http://example.org/", b"<html><p>arc</p></html>")]


def _record(warc_headers: bytes, block: bytes, gz: bool) -> bytes:
    data = b"WARC/1.0\r\n" + warc_headers + b"Content-Length: %d\r\n\r\n" % len(block) + block + b"\r\n\r\n"
    return gzip.compress(data) if gz else data


def _response(url: str, http_headers: bytes, payload: bytes, gz: bool, warc_headers: bytes = b"") -> bytes:
    warc = (b"WARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\n"
            % url.encode()[-12:].hex().encode() + b"WARC-Target-URI: " + url.encode() + b"\r\n"
            + b"Content-Type: application/http; msgtype=response\r\n" + warc_headers)
    return _record(warc, b"HTTP/1.1 200 OK\r\n" + http_headers + b"\r\n" + payload, gz)


def _odd_warc(path, gz: bool):
    """Records FastWARC reads itself (each but the last) whose answer needs care to equal warcio's."""
    page = b"<html><p>" + b"sida " * 200 + b"</p></html>"
    request = (b"WARC-Type: request\r\nWARC-Record-ID: <urn:uuid:r1>\r\nWARC-Target-URI: http://example.org/q\r\n"
               b"Content-Type: application/http; msgtype=request\r\n")
    records = [
        # values warcio strips (it strips all Unicode whitespace, FastWARC only spaces and tabs)
        _response("http://example.org/a", b"Content-Type: \xc2\xa0text/html\x0b\r\nLocation: http://example.org/b\x0b\r\n"
                  b"Content-Length: %d\r\n" % len(page), page, gz, b"WARC-Truncated: length\x0b\r\n"),
        # a request's HTTP headers laid out oddly: it is skipped all the same
        _record(request, b"GET /q HTTP/1.1\r\nHost : example.org\r\nX:  folded\r\n  on\r\n\r\n", gz),
        # a content encoding warcio does not remove, with and without chunking
        _response("http://example.org/c", b"Content-Type: text/html\r\nContent-Encoding: identity\r\n"
                  b"Content-Length: %d\r\n" % (len(page) + 10), page, gz),
        _response("http://example.org/d", b"Content-Type: text/html\r\nContent-Encoding: x-odd\r\n"
                  b"Transfer-Encoding: chunked\r\n", chunked(page), gz),
        # a text body and an image bigger than their caps (made small here)
        _response("http://example.org/e", b"Content-Type: text/html\r\n", page * 3, gz),
        _response("http://example.org/f.png", b"Content-Type: image/png\r\n", bytes(range(256)) * 20, gz),
        _response("http://example.org/g", b"Content-Type: text/html\r\n", page, gz),
    ]
    path.write_bytes(b"".join(records))
    return path


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "uncompressed"])
def test_odd_records_read_by_fastwarc_give_warcios_items(tmp_path, monkeypatch, gz):
    path = _odd_warc(tmp_path / ("o.warc.gz" if gz else "o.warc"), gz)
    monkeypatch.setattr(iterate, "TEXT_CAP", 3000)
    monkeypatch.setattr(iterate, "HEAD_CAP", 1000)
    items, warcio_reads = _items_and_warcio_reads(path, monkeypatch)
    assert warcio_reads == 1  # FastWARC read all but the last record
    assert items == _warcio_only(path, monkeypatch)
    first = items[0]
    assert (first["mime"], first["location"], first["complete"]) == ("text/html", "http://example.org/b", False)
    assert items[2]["body"] == items[3]["body"] == items[6]["body"]  # identity kept, chunks removed
    assert [i["size"] for i in items[4:6]] == [3 * len(items[6]["body"]), 256 * 20]


@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "uncompressed"])
@pytest.mark.parametrize("window", [16, 1 << 20])
def test_record_ends_are_checked_through_any_window(tmp_path, monkeypatch, window, gz):
    monkeypatch.setattr(iterate, "WINDOW", window)
    path = _warc(tmp_path / ("a.warc.gz" if gz else "a.warc"), gz)
    items, warcio_reads = _items_and_warcio_reads(path, monkeypatch)
    assert warcio_reads == 1
    assert items == _warcio_only(path, monkeypatch)



def test_no_hand_back_without_warcios_private_offsets():
    assert iterate._clean_boundary(object(), gzipped=True) is False
    assert iterate._clean_boundary(object(), gzipped=False) is False



@pytest.mark.parametrize("gz", [True, False], ids=["gzip", "uncompressed"])
def test_warcio_reading_on_to_the_end_gives_the_same_items(tmp_path, monkeypatch, gz):
    """warcio reads a record FastWARC cannot vouch for, then hands back; where it cannot hand back
    (a warcio without those internals) it reads the rest itself, with the same items."""
    page = b"<html><p>" + b"sida " * 50 + b"</p></html>"
    records = [_response(f"http://example.org/{n}", b"Content-Type: text/html\r\n", page, gz) for n in "abcdef"]
    folded = b"X-Note: first line\r\n  continued\r\n"  # FastWARC joins it otherwise than warcio
    records[1] = _response("http://example.org/folded", b"Content-Type: text/html\r\n", page, gz, folded)
    path = tmp_path / ("h.warc.gz" if gz else "h.warc")
    path.write_bytes(b"".join(records))
    expected, warcio_reads = _items_and_warcio_reads(path, monkeypatch)
    with monkeypatch.context() as m:
        m.setattr(iterate, "_clean_boundary", lambda it, gzipped: False)
        items, warcio_reads_alone = _items_and_warcio_reads(path, monkeypatch)
    assert items == expected == _warcio_only(path, monkeypatch)
    assert warcio_reads < warcio_reads_alone == 5  # from the folded record to the end


def test_a_gzip_member_holding_two_records_is_reported_and_reading_goes_on(tmp_path):
    """Records sharing a member have no offsets of their own: one Broken, never a loop or a
    negative offset, and the records after it are read."""
    page = b"<html><p>sida</p></html>"
    raw = [_response(f"http://example.org/{n}", b"Content-Type: text/html\r\n", page, gz=False) for n in "abcd"]
    path = tmp_path / "two.warc.gz"
    path.write_bytes(gzip.compress(raw[0]) + gzip.compress(raw[1] + raw[2]) + gzip.compress(raw[3]))
    items = list(iterate.iter_warc(path))
    kinds = [(type(i).__name__, i.url) for i in items]
    assert kinds[0] == ("WarcItem", "http://example.org/a") and kinds[-1] == ("WarcItem", "http://example.org/d")
    assert ("Broken", "http://example.org/b") in kinds and len(items) <= 4
    offsets = [i.capture.offset if isinstance(i, iterate.WarcItem) else i.offset for i in items]
    assert offsets == sorted(offsets) and min(offsets) >= 0
    points = iterate.split_points(path, 50) + [None]
    pieces = [i for s, e in zip(points, points[1:]) for i in iterate.iter_warc(path, start=s, end=e)]
    assert _items(path) == [dataclasses.asdict(x) | {"_cls": type(x).__name__} for x in pieces]
