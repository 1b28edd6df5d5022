"""verify: an intact archive passes; each kind of damage is caught and named, each in its own test."""
from __future__ import annotations

import gzip
import hashlib
import json
import zipfile

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive_out import (ArchiveOutError, ChecksumMismatch, DigestMismatch, FileMissing, ProvenanceMismatch,
                         RecordMismatch, SchemaViolation, UnreadableRecord, verify)
from out_synth import IMAGE, POSTS, WARC_NAME


def _member_of(warc_path, url):
    """(offset, length) of the response record for url."""
    with open(warc_path, "rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                rid = record.rec_headers.get_header("WARC-Record-ID")
                it.read_to_end()
                return it.get_record_offset(), it.get_record_length(), rid
    raise AssertionError(url)


def _failures(result, kind):
    return [f for f in result.failures if isinstance(f, kind)]


def test_intact_archive_verifies_with_every_check_counted(packaged):
    result = verify(packaged.root)
    assert result.ok, [str(f) for f in result.failures]
    assert result.checked["warc_records"] == 25
    assert result.checked["provenance"] == result.checked["corpus_records"] == 9
    assert result.checked["bag_files"] > 10 and result.checked["wacz_members"] == 3


def test_flipped_byte_in_a_warc_record_is_named_with_expected_and_found_digest(packaged):
    warc = packaged.warc
    offset, length, rid = _member_of(warc, IMAGE)
    data = bytearray(warc.read_bytes())
    member = gzip.decompress(bytes(data[offset:offset + length]))
    for back in range(20, 400):
        changed = bytearray(member)
        changed[-back] ^= 0x01
        recompressed = gzip.compress(bytes(changed), mtime=0)
        if len(recompressed) == length:
            break
    assert len(recompressed) == length, "keep later records at their offsets"
    warc.write_bytes(bytes(data[:offset]) + recompressed + bytes(data[offset + length:]))

    result = verify(packaged.root)

    assert not result.ok
    damaged = [f for f in _failures(result, DigestMismatch) if f.file == f"harvest/warc/{WARC_NAME}"]
    assert {f.detail for f in damaged} == {"WARC-Block-Digest", "WARC-Payload-Digest"}
    assert all(rid in f.record and f"offset {offset}" in f.record for f in damaged)
    assert all(f.expected != f.found and f.found.startswith("sha1:") for f in damaged)
    affected = _failures(result, ProvenanceMismatch)
    assert [(f.file, f.record.split(" ")[0]) for f in affected] == [
        ("corpus/media.jsonl", "media:" + hashlib.sha256(IMAGE.encode()).hexdigest())]
    assert f"url {IMAGE}" in affected[0].record and f"WARC-Target-URI {IMAGE}" in affected[0].detail


def test_flipped_byte_in_compressed_warc_bytes_is_caught(packaged):
    warc = packaged.warc
    offset, length, rid = _member_of(warc, POSTS[1][0])
    data = bytearray(warc.read_bytes())
    data[offset + length // 2] ^= 0x10
    warc.write_bytes(bytes(data))

    result = verify(packaged.root)

    here = [f for f in result.failures if f.file == f"harvest/warc/{WARC_NAME}"]
    assert any(isinstance(f, (DigestMismatch, UnreadableRecord)) for f in here), [str(f) for f in result.failures]
    assert any(isinstance(f, ChecksumMismatch) and "manifest" in (f.detail or "") for f in here)
    assert any(f.file == "corpus/posts.jsonl" and f.record.startswith("wp:projektbesok.se:102 ")
               for f in _failures(result, ProvenanceMismatch))


def test_changed_json_field_in_the_corpus_is_named(packaged):
    posts = packaged.root / "corpus" / "posts.jsonl"
    lines = posts.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[1])
    record["title"] = "Ändrad titel"
    lines[1] = json.dumps(record, sort_keys=True, ensure_ascii=False)
    posts.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = verify(packaged.root)

    mismatches = _failures(result, ChecksumMismatch)
    assert any(f.file == "corpus/posts.jsonl" and "manifest.json" in f.detail for f in mismatches)
    assert not any(f.file == "package/bag/data/corpus/posts.jsonl" for f in mismatches)
    changed = _failures(result, RecordMismatch)
    assert [(f.file, f.record) for f in changed] == [("corpus/posts.jsonl", f"{record['id']} (line 2)")]
    assert changed[0].detail.startswith("field(s) title differ from line 2 of the bag's copy "
                                        "package/bag/data/corpus/posts.jsonl")
    assert json.loads(changed[0].expected) == {"title": POSTS[1][1]}
    assert json.loads(changed[0].found) == {"title": "Ändrad titel"}


def test_added_and_removed_corpus_records_are_named_against_the_bag_copy(packaged):
    media = packaged.root / "corpus" / "media.jsonl"
    lines = media.read_text(encoding="utf-8").splitlines()
    gone = json.loads(lines[0])
    extra = dict(json.loads(lines[1]), id="media:" + "0" * 64)
    media.write_text("\n".join(lines[1:] + [json.dumps(extra, sort_keys=True)]) + "\n", encoding="utf-8")

    result = verify(packaged.root)

    named = {f.record.split(" ")[0]: f.detail for f in _failures(result, RecordMismatch)}
    assert set(named) == {gone["id"], extra["id"]}
    assert named[gone["id"]].startswith("missing: line 1 of the bag's copy")
    assert named[extra["id"]].startswith("a record that is not in the bag's copy")


def _reject(reason, detail, url=None, offset=None):
    return {"kind": "reject", "reason": reason, "detail": detail, "warc_file": WARC_NAME, "offset": offset,
            "url": url, "record_id": None}


FAVICON = "http://projektbesok.se/favicon.ico"
REJECTS = (_reject("not_html", "image/x-icon", FAVICON, 10), _reject("not_html", "image/x-icon", FAVICON, 20),
           _reject("unreadable", "gzip member damaged"), _reject("unreadable", "truncated record"))


@pytest.mark.parametrize("name", ["rejects.jsonl", "listings.jsonl"])
def test_one_inserted_line_among_records_without_an_id_is_one_added_record(tmp_path, name):
    from archive_out import package
    from out_synth import build_out

    synth = build_out(tmp_path / "out", rejects=REJECTS)
    package(synth.root)
    path = synth.root / "corpus" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    inserted = _reject("unreadable", "a third damaged member") if name == "rejects.jsonl" else \
        dict(first, capture=dict(first["capture"], record_id="<urn:uuid:00000000-0000-0000-0000-000000000001>"))
    path.write_text("\n".join([json.dumps(inserted, sort_keys=True)] + lines) + "\n", encoding="utf-8")

    result = verify(synth.root)

    changed = [f for f in _failures(result, RecordMismatch) if f.file == f"corpus/{name}"]
    assert len(changed) == 1, [str(f) for f in changed]
    assert changed[0].record.endswith("(line 1)") and changed[0].detail.startswith("a record that is not in")


def test_changed_record_is_named_by_file_only_when_the_bag_copy_is_changed_too(packaged):
    bag_copy = packaged.root / "package" / "bag" / "data" / "corpus" / "posts.jsonl"
    for posts in (packaged.root / "corpus" / "posts.jsonl", bag_copy):
        posts.write_text(posts.read_text(encoding="utf-8").replace(POSTS[1][1], "Ändrad titel"), encoding="utf-8")

    result = verify(packaged.root)

    assert not _failures(result, RecordMismatch)
    assert {f.file for f in _failures(result, ChecksumMismatch)} == {"corpus/posts.jsonl",
                                                                     "package/bag/data/corpus/posts.jsonl"}


def test_changed_capture_field_names_the_record_and_the_field(packaged):
    posts = packaged.root / "corpus" / "posts.jsonl"
    lines = posts.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["capture"]["payload_digest"] = "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    lines[0] = json.dumps(record, sort_keys=True, ensure_ascii=False)
    posts.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = verify(packaged.root)

    prov = _failures(result, ProvenanceMismatch)
    assert len(prov) == 1
    assert prov[0].file == "corpus/posts.jsonl" and record["id"] in prov[0].record
    assert prov[0].expected == "sha1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
    assert prov[0].found == packaged.captures[record["url"]]["payload_digest"]
    assert prov[0].detail.startswith("capture.payload_digest vs the WARC record at ")


def test_record_that_breaks_the_schema_is_named(packaged):
    media = packaged.root / "corpus" / "media.jsonl"
    lines = media.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["kind"] = "bild"
    lines[0] = json.dumps(record, sort_keys=True)
    media.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = verify(packaged.root)

    violations = _failures(result, SchemaViolation)
    assert [(v.file, record["id"] in v.record) for v in violations] == [("corpus/media.jsonl", True)]
    assert "kind" in violations[0].detail


def test_deleted_warc_is_named_as_missing(packaged):
    packaged.warc.unlink()

    result = verify(packaged.root)

    missing = _failures(result, FileMissing)
    assert [f.file for f in missing] == [f"harvest/warc/{WARC_NAME}"]
    assert any(isinstance(f, ProvenanceMismatch) and "no such WARC" in f.found for f in result.failures)


def test_changed_bag_file_is_reported_once_naming_both_manifests(packaged):
    target = packaged.root / "package" / "bag" / "data" / "harvest" / "summary.json"
    target.write_text(target.read_text(encoding="utf-8").replace("obey", "ignore"), encoding="utf-8")

    result = verify(packaged.root)

    bad = _failures(result, ChecksumMismatch)
    assert [f.file for f in bad] == ["package/bag/data/harvest/summary.json"]
    assert "manifest-sha256.txt and manifest-sha512.txt" in bad[0].detail
    assert [x.split(":")[0] for x in bad[0].expected.split(", ")] == ["sha256", "sha512"]
    assert [x.split(":")[0] for x in bad[0].found.split(", ")] == ["sha256", "sha512"]


def test_bag_verified_on_its_own_names_the_changed_file(packaged):
    target = packaged.root / "package" / "bag" / "data" / "corpus" / "pages.jsonl"
    target.write_text('{"id": "x"}\n', encoding="utf-8")

    result = verify(packaged.root / "package" / "bag")

    assert result.kind == "bag" and not result.ok
    assert any(isinstance(f, ChecksumMismatch) and f.file == "data/corpus/pages.jsonl" for f in result.failures)


def test_bag_verified_on_its_own_names_every_file_relative_to_the_bag(packaged):
    offset, length, _ = _member_of(packaged.warc, POSTS[1][0])
    data = bytearray(packaged.warc.read_bytes())
    data[offset + length // 2] ^= 0x10
    packaged.warc.write_bytes(bytes(data))

    result = verify(packaged.root / "package" / "bag")

    files = {f.file for f in result.failures}
    assert f"data/harvest/warc/{WARC_NAME}" in files and "data/corpus/posts.jsonl" in files
    assert all(f.startswith("data/") for f in files), files
    bagged = [f for f in result.failures if "manifest-sha512.txt" in (f.detail or "")]
    assert [f.file for f in bagged] == [f"data/harvest/warc/{WARC_NAME}"]


def test_record_lost_to_a_damaged_warc_is_named_by_its_url_and_warc_target_uri(packaged):
    offset, length, rid = _member_of(packaged.warc, IMAGE)
    data = bytearray(packaged.warc.read_bytes())
    data[offset + length // 2] ^= 0x10
    packaged.warc.write_bytes(bytes(data))

    result = verify(packaged.root)

    lost = [f for f in _failures(result, ProvenanceMismatch) if f.file == "corpus/media.jsonl"]
    assert len(lost) == 1
    assert lost[0].record.startswith("media:") and f"url {IMAGE}" in lost[0].record
    assert f"WARC-Target-URI {IMAGE}" in lost[0].detail and f"WARC-Record-ID {rid}" in lost[0].detail


def _corrupt_member(wacz_path, member_name):
    with zipfile.ZipFile(wacz_path) as zf:
        info = zf.getinfo(member_name)
    data = bytearray(wacz_path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    wacz_path.write_bytes(bytes(data))


@pytest.mark.parametrize("member", [f"archive/{WARC_NAME}", "pages/pages.jsonl"])
def test_corrupted_wacz_member_is_named(packaged, member):
    wacz = next((packaged.root / "package").glob("*.wacz"))
    _corrupt_member(wacz, member)

    result = verify(packaged.root)
    alone = verify(wacz)

    for res, prefix in ((result, f"package/{wacz.name}"), (alone, wacz.name)):
        named = [f for f in res.failures if f.file == f"{prefix}!{member}"]
        assert named and all(isinstance(f, ChecksumMismatch) for f in named), [str(f) for f in res.failures]
    assert not any(f.file.startswith("harvest/") for f in result.failures)


def test_verify_refuses_a_path_that_is_no_archive(tmp_path):
    with pytest.raises(ArchiveOutError, match="not an output folder"):
        verify(tmp_path)


def test_verify_says_a_path_does_not_exist(tmp_path):
    with pytest.raises(ArchiveOutError, match="does not exist"):
        verify(tmp_path / "nonexistent")


def test_capture_offset_into_the_middle_of_a_member_is_summarised_without_raw_bytes(packaged):
    posts = packaged.root / "corpus" / "posts.jsonl"
    lines = posts.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["capture"]["offset"] += 7
    lines[0] = json.dumps(record, sort_keys=True, ensure_ascii=False)
    posts.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = verify(packaged.root)

    prov = [f for f in _failures(result, ProvenanceMismatch) if f.detail == "capture.offset"]
    assert len(prov) == 1 and record["id"] in prov[0].record
    assert prov[0].found.isprintable() and "\\x" not in prov[0].found and "first line" not in prov[0].found
