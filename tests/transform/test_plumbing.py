"""The per-record plumbing made cheaper must answer exactly as the plain versions it replaced."""
from __future__ import annotations

import io
import itertools
import json
import sqlite3
import struct
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from transform import detect
from transform.media import image_size, sniff
from transform.records import Capture, Chain, Comment, Media, to_json
from transform.spill import TABLES, Spill, dumps


def reference_document_kind(mime: str | None, url: str, body: bytes) -> str:
    """`detect.document_kind` as it was before its checks were reordered."""
    head = body[:2048].lstrip()
    lower = head[:512].lower()
    path = urlsplit(url).path.lower()
    if b"\x00" in body[:1024] and not head.startswith(b"<"):
        return "binary" if mime in (None, "text/html", "application/xhtml+xml") else "media"
    if mime and (mime.startswith(("image/", "audio/", "video/", "font/")) or mime in (
            "application/pdf", "application/octet-stream", "application/zip", "application/msword",
            "application/vnd.ms-powerpoint", "application/vnd.ms-excel") or mime.startswith("application/vnd.")):
        return "media"
    if lower.startswith(b"var tumblr_api_read") or path.endswith("/api/read/json"):
        return "json"
    root = detect.xml_root_name(head)
    if root is not None and (lower.startswith(b"<?xml") or root in detect.XML_ROOTS):
        return "feed" if root in detect.FEED_ROOTS else "xml"
    if mime in ("text/html", "application/xhtml+xml") or lower.startswith((b"<!doctype html", b"<html")):
        return "html"
    if mime and ("xml" in mime):
        return "xml"
    return "other"


MIMES = [None, "text/html", "application/xhtml+xml", "text/xml", "application/xml", "application/rss+xml",
         "application/atom+xml", "image/jpeg", "image/svg+xml", "audio/mpeg", "video/mp4", "font/woff2",
         "application/pdf", "application/octet-stream", "application/zip", "application/msword",
         "application/vnd.ms-excel", "application/vnd.ms-powerpoint", "application/vnd.oasis.opendocument.text",
         "application/vnd", "application/json", "application/javascript", "text/plain", "text/css",
         "application/x-font", "imagex/jpeg", "xml"]
URLS = ["http://a.se/", "http://a.se/api/read/json", "http://b.tumblr.com/API/READ/JSON?num=50",
        "http://b.tumblr.com/api/read/json#x", "http://a.se/api/read/jsonx", "http://a.se/feed/", "",
        "http://a.se/api/read/js\ton", "HTTP://A.SE/Api/Read/Json"]
BODIES = [b"", b"   ", b"\x00", b"<\x00", b"  <html>\x00", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"%PDF-1.4\n",
          b"GIF89a\x01\x00", b"\x89PNG\r\n\x1a\n\x00\x00", b"<!DOCTYPE html><html>", b"<html lang=sv>",
          b"\n\n <!doctype HTML>", b"<?xml version='1.0'?><rss>", b"<?xml version='1.0'?><urlset>",
          b"<?xml version='1.0'?>", b"<rss version='2.0'>", b"<feed xmlns='x'>", b"<rdf:RDF>", b"<tumblr>",
          b"<sitemapindex>", b"<!-- c --><!DOCTYPE x><oembed>", b"VAR TUMBLR_API_READ = {}", b"var tumblr_api_read",
          b'{"a": 1}', b"body { color: red }", b"x" * 1023 + b"\x00", b"x" * 1024 + b"\x00",
          b" " * 2100 + b"<html>", b" " * 1000 + b"\x00<html>", b"<svg xmlns='http://www.w3.org/2000/svg'/>"]


def test_document_kind_answers_as_before_on_tricky_inputs():
    for mime, url, body in itertools.product(MIMES, URLS, BODIES):
        assert detect.document_kind(mime, url, body) == reference_document_kind(mime, url, body), (mime, url, body)


def test_document_kind_still_rejects_a_url_urlsplit_rejects_whatever_the_body():
    for body in (b"\xff\xd8\xff\x00", b"<html>"):
        with pytest.raises(ValueError):
            reference_document_kind("image/jpeg", "http://[::1/x", body)
        with pytest.raises(ValueError):
            detect.document_kind("image/jpeg", "http://[::1/x", body)


def reference_to_json(record):
    """`to_json` as it was: a plain recursive walk."""
    if hasattr(record, "__dataclass_fields__"):
        return {name: reference_to_json(getattr(record, name)) for name in record.__dataclass_fields__}
    if isinstance(record, list):
        return [reference_to_json(v) for v in record]
    if isinstance(record, dict):
        return {k: reference_to_json(v) for k, v in record.items()}
    return record


class Label(str):
    pass


@dataclass
class Odd:
    plain: list
    nested: dict
    sub: Label
    extra: list = field(default_factory=list)


CAP = Capture("x.warc.gz", 12, 340, "<urn:uuid:1>", None, "2026-01-01T00:00:00Z", None, "http://a.se/")
RECORDS = [
    CAP,
    Media("media:1", "image", "wordpress", "http://a.se/i.jpg", None, 10, None, 7, "ab", CAP, ["w"]),
    Comment("c1", None, "Åsa", None, "hej"),
    Chain(),
    Odd([1, 2.5, True, None, "s", [CAP, {"k": Chain("p")}]], {"a": [Comment("c", "p", None, None, "")], "b": None},
        Label("lbl"), [OrderedDict(b=CAP, a=1), defaultdict(list, x=[Chain(position=3)])]),
    [CAP, None, "x", 1], {"z": CAP, "a": [1, {"q": Chain()}]}, "plain", 3, None, (1, "tuple"),
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_to_json_gives_what_the_plain_walk_gave(record):
    new, old = to_json(record), reference_to_json(record)
    assert new == old
    assert json.dumps(new) == json.dumps(old)


def test_dumps_is_json_dumps_with_the_corpus_options():
    values = [{"b": 1, "a": [1, -0, 10 ** 18], "å": "ö\u2028\x00\"\\"}, [], {}, "s", None,
              {"k": {"z": True, "y": False}}, [OrderedDict(b=1, a=2)], 10 ** 30]
    for v in values:
        assert dumps(v) == json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    with pytest.raises(TypeError):
        dumps({1: 2, "a": 3})


def test_dumps_writes_floats_as_json_numbers_and_never_nan():
    """No corpus field is a float, but a value taken from a feed or API could be: written in
    the shortest digits that read back the same, and NaN or infinity (not JSON) as null."""
    finite = [1.5, -0.0, 1e300, 1e-05, 0.1, 123456789.123, 5e-324]
    assert json.loads(dumps(finite)) == finite
    assert dumps([1.5, 1e300]) == "[1.5,1e+300]"
    assert dumps({"a": float("nan"), "b": float("inf"), "c": -float("inf")}) == '{"a":null,"b":null,"c":null}'


def test_spill_keeps_every_row_in_order_across_batches(tmp_path):
    path = tmp_path / "s.sqlite"
    spill = Spill(str(path))
    spill.BATCH = 7
    rows = [(f"u{i}", f"d{i}", str(i)) for i in range(50)]
    for i, row in enumerate(rows):
        spill.add("captured", *row)
        spill.add("redirects", row[0], row[1], "r")
        spill.count("n", i)
    spill.close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT * FROM captured ORDER BY rowid").fetchall() == rows
    assert db.execute("SELECT count(*) FROM redirects").fetchone() == (50,)
    assert db.execute("SELECT * FROM stats").fetchall() == [("n", sum(range(50)))]
    assert db.execute("PRAGMA page_size").fetchone() == (Spill.PAGE_SIZE,)
    assert set(TABLES) == {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def _jpeg(orientation: int | None = None) -> bytes:
    from PIL import Image
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    Image.new("RGB", (40, 30)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _png_with_bad_header_checksum() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (5, 7)).save(out, "PNG")
    data = bytearray(out.getvalue())
    data[29] ^= 0xFF
    return bytes(data)


def _gif(screen: tuple[int, int], frame: tuple[int, int]) -> bytes:
    return (b"GIF89a" + struct.pack("<HH", *screen) + b"\x00\x00\x00," + struct.pack("<HHHH", 0, 0, *frame)
            + b"\x00\x02\x02\x44\x01\x00;")


@pytest.mark.parametrize("head, width, height", [
    (_jpeg(6), 40, 30),                                  # the stored size, not turned by the EXIF orientation
    (_jpeg()[:_jpeg().find(b"\xff\xc0") + 12], None, None),  # cut between the frame header and the scan
    (_png_with_bad_header_checksum(), None, None),
    (_png_with_bad_header_checksum()[:33], None, None),
    (_gif((10, 10), (20, 20)), 20, 20),                  # a first frame larger than the logical screen
    (_gif((40000, 10), (40000, 10)), 40000, 10),
], ids=["jpeg-exif-rotated", "jpeg-cut-after-sof", "png-bad-crc", "png-cut-after-ihdr", "gif-frame-gt-screen",
        "gif-wide"])
def test_image_dimensions_are_what_pillow_reads(head, width, height):
    """Cases where a header-only reader such as `imagesize` answers differently from Pillow: the
    corpus has Pillow's answers, so a faster reader must not be put in front of it unchecked."""
    w, h, problem = image_size(head, sniff(head))
    assert (w, h) == (width, height)
    assert (problem is None) == (width is not None)
    if problem:
        assert problem.startswith("image dimensions unreadable: ")


def test_xpath_strings_in_a_record_are_made_plain_for_the_spill():
    """An lxml XPath string is a str subclass: JSON takes it, marshal would refuse it."""
    from lxml import etree

    from transform.records import Link, to_json
    from transform.spill import pack, unpack

    smart = etree.fromstring("<a href='http://x.se/'>t</a>").xpath("string(@href)")
    assert type(smart) is not str
    record = to_json(Link(url=smart, text=smart, scope="internal"))
    assert type(record["url"]) is str
    assert unpack(pack(to_json([record, {"k": [smart]}]))) == [record, {"k": ["http://x.se/"]}]


def test_reading_and_extracting_leave_no_reference_cycles(wget_warc, tmp_path):
    """Every parsed tree is freed as soon as its record is done, not when the garbage collector
    next runs: a cycle through a tree (a closure calling itself, say) keeps it alive meanwhile."""
    import gc

    from transform.iterate import WarcItem, iter_warc
    from transform.work import handle

    spill = Spill(str(tmp_path / "spill.sqlite"))
    gc.collect()
    gc.disable()
    try:
        handled = 0
        for item in iter_warc(wget_warc):
            if isinstance(item, WarcItem):
                handle(item, spill)
                handled += 1
        unreachable = gc.collect()
    finally:
        gc.enable()
        spill.close()
    assert handled > 100
    assert unreachable == 0
