"""The corpus as a researcher loads it: valid against schema.json, readable by pandas and DuckDB,
reproducible byte for byte, and described by its manifest."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from transform import transform
from transform.corpus import CORPUS_FILES

JSONL = [f for f in CORPUS_FILES]


def _validator(corpus: Path) -> Draft202012Validator:
    schema = json.loads((corpus / "schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _validate_all(corpus: Path) -> int:
    validator = _validator(corpus)
    checked = 0
    for name in JSONL:
        for n, line in enumerate((corpus / name).read_text(encoding="utf-8").splitlines(), 1):
            errors = sorted(validator.iter_errors(json.loads(line)), key=lambda e: e.path)
            assert not errors, f"{name}:{n}: {errors[0].message} at {list(errors[0].path)}"
            checked += 1
    return checked


def test_every_record_validates_against_schema_json(wget_corpus):
    assert _validate_all(wget_corpus) > 500


@pytest.mark.slow
def test_every_record_of_our_harvest_validates_against_schema_json(harvested_corpus):
    assert _validate_all(harvested_corpus) > 500


def test_schema_rejects_a_record_with_a_wrong_field(wget_corpus):
    validator = _validator(wget_corpus)
    post = json.loads((wget_corpus / "posts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    post["published"] = "20 december, 2013"
    assert list(validator.iter_errors(post))


def test_corpus_loads_with_pandas_and_duckdb(wget_corpus):
    pandas = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    posts = pandas.read_json(wget_corpus / "posts.jsonl", lines=True)
    assert len(posts) == 86 and {"title", "published", "authors", "chain"} <= set(posts.columns)
    tumblr = pandas.read_json(wget_corpus / "tumblr_posts.jsonl", lines=True, dtype={"post_id": str})
    assert len(tumblr) == 63
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT count(*), count(DISTINCT id), min(published) FROM read_json_auto('{wget_corpus / 'posts.jsonl'}')"
    ).fetchone()
    assert rows[0] == rows[1] == 86 and str(rows[2]).startswith("2012-05-29")
    media = con.execute(f"SELECT count(*) FROM read_json_auto('{wget_corpus / 'media.jsonl'}') WHERE kind = 'image'").fetchone()
    assert media[0] > 0


def test_manifest_lists_counts_file_digests_and_source_warcs(wget_corpus, wget_warc):
    manifest = json.loads((wget_corpus / "manifest.json").read_text(encoding="utf-8"))
    for name, info in manifest["files"].items():
        data = (wget_corpus / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == info["sha256"], name
        assert len(data) == info["bytes"]
    assert manifest["counts"]["posts"] == 86
    (source,) = manifest["sources"]
    assert source["name"] == "site.warc.gz"
    assert source["sha256"] == hashlib.sha256(wget_warc.read_bytes()).hexdigest()
    assert manifest["schema_version"] == json.loads((wget_corpus / "schema.json").read_text())["version"]
    assert manifest["tool_version"]


def _corpus_bytes(corpus: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(corpus.iterdir()) if p.is_file()}


SMALL_PIECE = 64 * 1024  # the test WARCs are smaller than one 8 MB piece: cut them so the pool really runs


@pytest.mark.slow
def test_same_warcs_give_identical_bytes_twice_and_with_one_or_four_workers(wget_warc, wget_corpus, tmp_path,
                                                                             monkeypatch):
    from transform import iterate

    monkeypatch.setattr(iterate, "RANGE_BYTES", SMALL_PIECE)
    first = _corpus_bytes(wget_corpus)
    for label, workers in (("again", 1), ("four", 4)):
        out = tmp_path / label
        result = transform(out, warcs=[wget_warc], workers=workers)
        assert result.pieces > 4 and result.processes == (1 if workers == 1 else 4), (result.pieces, result.processes)
        again = _corpus_bytes(out / "corpus")
        assert again.keys() == first.keys()
        for name in first:
            assert again[name] == first[name], f"{name} differs with workers={workers}"


@pytest.mark.slow
def test_our_harvest_warcs_give_identical_bytes_with_one_or_four_workers(harvested_corpus, harvested, tmp_path,
                                                                         monkeypatch):
    from transform import iterate

    monkeypatch.setattr(iterate, "RANGE_BYTES", SMALL_PIECE)
    warcs = sorted((Path(harvested) / "harvest" / "warc").glob("*.warc.gz"))
    outs = []
    for workers in (1, 4):
        result = transform(tmp_path / str(workers), warcs=warcs, workers=workers)
        assert result.pieces > len(warcs), f"{result.pieces} pieces for {len(warcs)} WARC files: none was cut"
        assert result.processes == (1 if workers == 1 else 4)
        outs.append(_corpus_bytes(tmp_path / str(workers) / "corpus"))
    assert outs[0] == outs[1] == _corpus_bytes(harvested_corpus)


def test_capture_points_at_the_warc_record_that_holds_the_page(wget_corpus, wget_warc):
    from warcio.archiveiterator import ArchiveIterator

    post = json.loads((wget_corpus / "posts.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    cap = post["capture"]
    with open(wget_warc, "rb") as fh:
        fh.seek(cap["offset"])
        record = next(iter(ArchiveIterator(fh)))
        assert record.rec_headers.get_header("WARC-Record-ID") == cap["record_id"]
        assert record.rec_headers.get_header("WARC-Target-URI").strip("<>") == cap["url"]
        assert record.rec_headers.get_header("WARC-Payload-Digest") == cap["payload_digest"]
        assert post["title"].encode("utf-8") in record.content_stream().read()


def test_cutting_a_warc_into_many_pieces_changes_nothing(wget_warc, wget_corpus, tmp_path, monkeypatch):
    from transform import iterate

    monkeypatch.setattr(iterate, "RANGE_BYTES", 256 * 1024)
    assert len(iterate.split_points(wget_warc, iterate.RANGE_BYTES)) > 10
    result = transform(tmp_path / "pieces", warcs=[wget_warc], workers=2)
    assert result.pieces > 10 and result.processes == 2
    assert _corpus_bytes(tmp_path / "pieces" / "corpus") == _corpus_bytes(wget_corpus)


def test_every_field_of_every_record_kind_is_described_in_schema_json(wget_corpus):
    schema = json.loads((wget_corpus / "schema.json").read_text(encoding="utf-8"))
    undescribed = []
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), f"{name} has no description"
        for field, prop in definition.get("properties", {}).items():
            if not prop.get("description"):
                undescribed.append(f"{name}.{field}")
            for sub, subprop in prop.get("properties", {}).items():
                if not subprop.get("description"):
                    undescribed.append(f"{name}.{field}.{sub}")
    assert not undescribed, undescribed


def test_post_ids_are_strings_and_authors_exist_for_every_kind_so_one_query_spans_them(wget_corpus):
    duckdb = pytest.importorskip("duckdb")
    posts, tumblr = wget_corpus / "posts.jsonl", wget_corpus / "tumblr_posts.jsonl"
    con = duckdb.connect()
    rows = con.execute(
        "SELECT kind, any_value(typeof(post_id)), count(*), count(*) FILTER (WHERE len(authors) > 0) FROM ("
        f" SELECT kind, post_id, authors FROM read_json_auto('{posts}')"
        f" UNION ALL SELECT kind, post_id, authors FROM read_json_auto('{tumblr}')"
        ") GROUP BY kind ORDER BY kind").fetchall()
    assert rows == [("post", "VARCHAR", 86, 86), ("tumblr_post", "VARCHAR", 63, 63)]
    for name in ("posts.jsonl", "tumblr_posts.jsonl"):
        for line in (wget_corpus / name).read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line)["post_id"], str)


# sha256 of transform/schema.json for each schema version: a changed schema is a new contract.
SCHEMA_PINS = {
    "2.0.0": "ae210f3c50dd19e2294c037c81a6f8045dafc06d419d2f2b903ef94b6bdfb2d4",
    "2.1.0": "aa11a26f61a683945b70034520334f2d0cb4ac5618eee0ee88dcac9ad54d8350",
    "2.2.0": "aa930c3e0c07b25283b684957103655f43b20e2753cfbd971637f56a19f01d32",
}


def test_schema_json_changes_only_with_a_version_bump():
    from importlib import resources

    from transform.records import SCHEMA_VERSION

    data = resources.files("transform").joinpath("schema.json").read_bytes()
    schema = json.loads(data)
    version, digest = schema["version"], hashlib.sha256(data).hexdigest()
    assert version == SCHEMA_VERSION and schema["$id"].endswith("/" + version), (
        f"schema.json says version {version} ($id {schema['$id']}), transform/records.py SCHEMA_VERSION "
        f"{SCHEMA_VERSION}: they must agree")
    docs = (Path(__file__).parents[2] / "docs" / "corpus.md").read_text(encoding="utf-8")
    assert f"Schema {version} (this version)" in docs, f"docs/corpus.md does not name schema {version} as this version"
    assert version in SCHEMA_PINS, f"schema version {version} is new: pin its sha256 {digest} in SCHEMA_PINS"
    assert digest == SCHEMA_PINS[version], (
        f"transform/schema.json changed (sha256 {digest}) but its version is still {version}: bump the schema "
        "version (`version` and `$id` in schema.json, SCHEMA_VERSION in transform/records.py, docs/corpus.md) "
        "and pin the new sha256 in SCHEMA_PINS")
