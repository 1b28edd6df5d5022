"""Bad input never crashes a run and is never silently dropped: each case ends up as a record with
warnings or as a line in rejects.jsonl naming the reason and the WARC position."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from transform import TransformError, transform
from transform_warcs import HOST, WarcBuilder, chunked, gzip_bytes, wp_post, wp_url


def _lines(corpus: Path, name: str) -> list[dict]:
    return [json.loads(l) for l in (corpus / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """A hand-made WARC with one of each kind of trouble, its last record cut off mid-way."""
    d = tmp_path_factory.mktemp("bad")
    b = WarcBuilder(d / "bad.warc.gz")
    urls = {}
    urls["broken"] = wp_url("trasig", day="01")
    html = wp_post(101, "trasig", "Trasig sida", day="01")
    cut = html.index('<div class="entry-meta">')
    b.response(urls["broken"], (html[:cut] + "<div><p>ingen avslutning <b><i>").encode("utf-8"))
    urls["cp1252"] = wp_url("forsta-kursen", day="02")
    b.response(urls["cp1252"], wp_post(102, "forsta-kursen", "Första kursen på Östgötabiblioteken", day="02",
                                       published="2012-05-02T10:00:00+02:00").encode("cp1252"))
    urls["mojibake"] = wp_url("lasframmjande", day="03")
    b.response(urls["mojibake"], wp_post(103, "lasframmjande", "LÃ¤sfrÃ¤mjande fÃ¶r smÃ¥ barn", day="03",
                                         published="2012-05-03T10:00:00+02:00").encode("utf-8"))
    urls["binary"] = f"http://{HOST}/wp-content/uploads/2012/05/odd"
    b.response(urls["binary"], b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, content_type="text/html")
    urls["gzip"] = wp_url("komprimerad", day="04")
    body = wp_post(104, "komprimerad", "Komprimerad sida", day="04", published="2012-05-04T10:00:00+02:00").encode()
    b.response(urls["gzip"], body, headers=[("Content-Encoding", "gzip")], raw_payload=gzip_bytes(body))
    urls["chunked"] = wp_url("chunkad", day="05")
    body = wp_post(105, "chunkad", "Chunkad sida", day="05", published="2012-05-05T10:00:00+02:00").encode()
    b.response(urls["chunked"], body, headers=[("Transfer-Encoding", "chunked")], raw_payload=chunked(body))
    urls["short_http"] = wp_url("kort", day="06")
    body = wp_post(106, "kort", "Kort svar", day="06", published="2012-05-06T10:00:00+02:00").encode()
    b.response(urls["short_http"], body[:800], headers=[("Content-Length", str(len(body)))])
    urls["text_date"] = wp_url("textdatum", day="07")
    b.response(urls["text_date"], wp_post(107, "textdatum", "Bara textdatum", day="07", time_tag=False,
                                          date_text="7 maj, 2012").encode())
    urls["unknown"] = "http://example.org/"
    b.response(urls["unknown"], b"<html><head><title>x</title></head><body><p>hej</p></body></html>")
    urls["dedup"] = wp_url("en-post", day="08")
    original = b.response(urls["dedup"], wp_post(108, "en-post", "En post, tre fångster", day="08",
                                                 published="2012-05-08T10:00:00+02:00").encode())
    b.redirect(f"http://{HOST}/?p=108", urls["dedup"])
    b.revisit(urls["dedup"], original)
    b.revisit(f"http://{HOST}/2012/05/09/borta/", type("R", (), {"rec_headers": original.rec_headers.__class__(
        "WARC/1.1", [("WARC-Payload-Digest", "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                     ("WARC-Target-URI", f"http://{HOST}/2012/05/09/borta/"),
                     ("WARC-Date", "2026-01-01T00:00:00Z")])})())
    urls["truncated"] = wp_url("avklippt", day="10")
    b.fh.flush()
    start = b.fh.tell()
    b.response(urls["truncated"], wp_post(110, "avklippt", "Avklippt", day="10").encode() * 3)
    b.fh.flush()
    end = b.fh.tell()
    path = b.close()
    data = path.read_bytes()
    path.write_bytes(data[: start + (end - start) // 2])
    out = d / "out"
    transform(out, warcs=[path], workers=1)
    return out / "corpus", urls


def _post(corpus, url):
    found = [p for p in _lines(corpus, "posts.jsonl") if p["url"] == url]
    assert len(found) == 1, f"{url}: {len(found)} records"
    return found[0]


def _rejected(corpus, url):
    return [r for r in _lines(corpus, "rejects.jsonl") if r["url"] == url]


def test_broken_html_gives_a_record_with_what_could_be_read_and_warnings(bad):
    corpus, urls = bad
    post = _post(corpus, urls["broken"])
    assert post["title"] == "Trasig sida" and post["post_id"] == "101"
    assert any("no published date" in w for w in post["warnings"])
    assert any("no author" in w for w in post["warnings"])


def test_windows_1252_page_declared_utf8_is_decoded_and_flagged(bad):
    corpus, urls = bad
    post = _post(corpus, urls["cp1252"])
    assert post["title"] == "Första kursen på Östgötabiblioteken"
    assert "Hej på er!" in post["content_text"]
    assert any("decoded as windows-1252" in w for w in post["warnings"])


def test_swedish_mojibake_is_repaired_and_flagged(bad):
    corpus, urls = bad
    post = _post(corpus, urls["mojibake"])
    assert post["title"] == "Läsfrämjande för små barn"
    assert any("mojibake" in w for w in post["warnings"])


def test_binary_body_declared_html_is_rejected_with_its_position(bad):
    corpus, urls = bad
    (rej,) = _rejected(corpus, urls["binary"])
    assert rej["reason"] == "binary_body" and rej["warc_file"] == "bad.warc.gz" and rej["offset"] > 0


def test_gzip_content_encoding_and_chunked_transfer_encoding_are_decoded(bad):
    corpus, urls = bad
    assert _post(corpus, urls["gzip"])["title"] == "Komprimerad sida"
    assert _post(corpus, urls["chunked"])["title"] == "Chunkad sida"
    assert not _post(corpus, urls["gzip"])["warnings"]


def test_body_shorter_than_its_content_length_is_flagged(bad):
    corpus, urls = bad
    post = _post(corpus, urls["short_http"])
    assert post["title"] == "Kort svar"
    assert any("HTTP body is truncated" in w for w in post["warnings"])


def test_swedish_text_date_is_the_fallback_when_there_is_no_time_element(bad):
    corpus, urls = bad
    post = _post(corpus, urls["text_date"])
    assert post["published"] == "2012-05-07"
    assert any("text" in w for w in post["warnings"])


def test_page_of_no_known_platform_is_rejected_not_dropped(bad):
    corpus, urls = bad
    (rej,) = _rejected(corpus, urls["unknown"])
    assert rej["reason"] == "unrecognised_html"


def test_shortlink_redirect_permalink_and_revisit_make_one_record(bad):
    corpus, urls = bad
    post = _post(corpus, urls["dedup"])
    assert post["id"] == f"wp:{HOST}:108"
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["stats"]["dedup.revisits_resolved"] == 1
    (orphan,) = _rejected(corpus, f"http://{HOST}/2012/05/09/borta/")
    assert orphan["reason"] == "revisit_without_original"


def test_truncated_last_record_is_reported_and_the_run_finishes(bad):
    corpus, urls = bad
    rejects = _lines(corpus, "rejects.jsonl")
    broken = [r for r in rejects if r["reason"] in ("unreadable_record", "truncated_record")]
    posts = [p for p in _lines(corpus, "posts.jsonl") if p["url"] == urls["truncated"]]
    assert broken or (posts and any("truncated" in w for w in posts[0]["warnings"]))
    if broken:
        assert broken[0]["url"] == urls["truncated"] and broken[0]["offset"] > 0
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["counts"]["posts"] == len(_lines(corpus, "posts.jsonl"))


def test_every_response_record_is_accounted_for(bad):
    corpus, urls = bad
    posts = {p["url"] for p in _lines(corpus, "posts.jsonl")}
    rejected = {r["url"] for r in _lines(corpus, "rejects.jsonl")}
    for name, url in urls.items():
        assert url in posts or url in rejected, f"{name} ({url}) is neither a record nor a reject"


def test_no_warc_files_is_a_clear_error(tmp_path):
    with pytest.raises(TransformError, match="no WARC files"):
        transform(tmp_path)


def test_drafts_private_pending_posts_and_previews_are_rejected_never_records(tmp_path):
    b = WarcBuilder(tmp_path / "drafts.warc.gz")
    published = wp_url("publicerad", day="15")
    b.response(published, wp_post(115, "publicerad", "Publicerad", day="15").encode())
    hidden = {
        f"http://{HOST}/?p=116": ("status-draft", wp_post(116, "utkast", "Utkast", day="16").replace(
            "status-publish", "status-draft")),
        f"http://{HOST}/?p=117": ("status-pending", wp_post(117, "vantar", "Väntar på granskning", day="17").replace(
            "status-publish", "status-pending")),
        wp_url("privat", day="18"): ("status-private", wp_post(118, "privat", "Privat", day="18").replace(
            '<body class="', '<body class="status-private ')),
        wp_url("publicerad", day="15") + "?preview=true": ("?preview=true", wp_post(
            115, "publicerad", "Publicerad, med osparade ändringar", day="15")),
    }
    for url, (_, html) in hidden.items():
        b.response(url, html.encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "drafts.warc.gz"])
    corpus = tmp_path / "out" / "corpus"
    posts = _lines(corpus, "posts.jsonl")
    assert [(p["url"], p["title"]) for p in posts] == [(published, "Publicerad")]
    assert _lines(corpus, "pages.jsonl") == []
    rejects = {r["url"]: r for r in _lines(corpus, "rejects.jsonl")}
    for url, (signal, _) in hidden.items():
        assert rejects[url]["reason"] == "unpublished", url
        assert signal in rejects[url]["detail"] and rejects[url]["offset"] > 0


def _corrupt_warc(folder: Path) -> tuple[Path, int, int]:
    """Three posts, the middle one's gzip member damaged; returns (path, its offset, the next one's)."""
    b = WarcBuilder(folder / "corrupt.warc.gz")
    b.response(wp_url("fore", day="12"), wp_post(112, "fore", "Före skadan", day="12").encode())
    b.fh.flush()
    start = b.fh.tell()
    b.response(wp_url("skadad", day="13"), wp_post(113, "skadad", "Skadad", day="13").encode())
    b.fh.flush()
    after = b.fh.tell()
    b.response(wp_url("efter", day="14"), wp_post(114, "efter", "Efter skadan", day="14").encode())
    path = b.close()
    data = bytearray(path.read_bytes())
    for i in range(start + 40, start + 80):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path, start, after


def test_corrupt_gzip_member_is_one_reject_and_reading_goes_on_at_the_next_record(tmp_path):
    good = WarcBuilder(tmp_path / "good.warc")
    good.response(wp_url("hel", day="11"), wp_post(111, "hel", "Hel fil", day="11").encode())
    good.close()
    path, start, after = _corrupt_warc(tmp_path)
    transform(tmp_path / "out", warcs=[tmp_path / "good.warc", path], workers=2)
    corpus = tmp_path / "out" / "corpus"
    titles = {p["title"] for p in _lines(corpus, "posts.jsonl")}
    assert {"Hel fil", "Före skadan", "Efter skadan"} <= titles and "Skadad" not in titles
    (rej,) = [r for r in _lines(corpus, "rejects.jsonl") if r["warc_file"] == "corrupt.warc.gz"]
    assert rej["reason"] == "unreadable_record" and rej["offset"] == start
    assert f"reading went on at the next record, at byte {after}" in rej["detail"]


def test_a_corrupt_member_gives_the_same_corpus_however_the_file_is_cut_into_pieces(tmp_path, monkeypatch):
    from transform import iterate

    path, _, _ = _corrupt_warc(tmp_path)
    transform(tmp_path / "whole", warcs=[path], workers=1)
    monkeypatch.setattr(iterate, "RANGE_BYTES", 100)  # a piece ends right after the damaged member
    assert len(iterate.split_points(path, iterate.RANGE_BYTES)) > 2
    result = transform(tmp_path / "cut", warcs=[path], workers=2)
    assert result.pieces > 2
    for name in ("posts.jsonl", "rejects.jsonl", "manifest.json"):
        assert (tmp_path / "cut" / "corpus" / name).read_bytes() == (tmp_path / "whole" / "corpus" / name).read_bytes()


def test_records_with_warnings_and_rejects_still_validate_against_the_schema(bad):
    from jsonschema import Draft202012Validator

    corpus, _ = bad
    validator = Draft202012Validator(json.loads((corpus / "schema.json").read_text(encoding="utf-8")))
    for name in ("posts.jsonl", "rejects.jsonl", "media.jsonl", "listings.jsonl"):
        for record in _lines(corpus, name):
            errors = list(validator.iter_errors(record))
            assert not errors, f"{name}: {errors[0].message}"



def test_a_record_whose_header_inflates_to_garbage_is_reported_where_it_starts(tmp_path):
    """A damaged gzip member can still inflate "WARC/1.1 ..." and then garbage (it depends on the
    bytes, so on the random record ids): a header with control characters, which no WARC writer
    produces, is the damaged place, not a record with a nonsense URL."""
    from transform.iterate import Broken, WarcItem, iter_warc

    b = WarcBuilder(tmp_path / "garbled.warc.gz")
    b.response(wp_url("fore", day="12"), wp_post(112, "fore", "Före skadan", day="12").encode())
    b.fh.flush()
    start = b.fh.tell()
    body = b"<html></html>"
    garbled = (b"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: \x8b\x08\x00\x02\x03\x8dU\xdbn\r\n"
               b"WARC-Date: 2026-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
               b"Content-Type: application/http; msgtype=response\r\nContent-Length: "
               + str(len(body)).encode() + b"\r\n\r\n" + body + b"\r\n\r\n")
    b.raw(gzip_bytes(garbled))
    b.response(wp_url("efter", day="14"), wp_post(114, "efter", "Efter skadan", day="14").encode())
    items = list(iter_warc(b.close()))
    assert [x.offset for x in items if isinstance(x, Broken)] == [start]
    assert [x.url for x in items if isinstance(x, WarcItem)] == [wp_url("fore", day="12"), wp_url("efter", day="14")]
