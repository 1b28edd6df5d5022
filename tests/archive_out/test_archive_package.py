"""package: CDXJ equal to cdxj-indexer's, a WACZ `wacz validate` accepts, a bag bagit.py accepts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import unicodedata
import zipfile

import pytest

from archive_out import MissingInputError, PackageError, package, verify
from archive_helpers import venv_tool
from out_synth import POSTS, TUMBLR_POST, WARC_NAME, build_out


def run(*cmd, cwd=None):
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=300)


def test_cdxj_equals_the_cdxj_indexer_cli_line_for_line(packaged):
    cli = run(venv_tool("cdxj-indexer"), "--sort", str(packaged.root / "harvest" / "warc"))
    assert cli.returncode == 0, cli.stderr
    ours = (packaged.root / "package" / "index.cdxj").read_text(encoding="utf-8")
    assert ours.splitlines() == cli.stdout.splitlines()
    assert len(ours.splitlines()) == 8 and '"application/warc-fields"' not in ours
    assert ours.splitlines() == sorted(ours.splitlines())


def test_warcio_check_passes_on_the_packaged_warcs(packaged):
    result = run(venv_tool("warcio"), "check", "-v", str(packaged.warc))
    assert result.returncode == 0, result.stdout
    assert "digest pass" in result.stdout


def test_wacz_validate_accepts_the_wacz(packaged):
    wacz = next((packaged.root / "package").glob("*.wacz"))
    result = run(venv_tool("wacz"), "validate", "-f", str(wacz))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_wacz_lists_posts_pages_and_tumblr_posts_as_entry_points(packaged):
    wacz = next((packaged.root / "package").glob("*.wacz"))
    with zipfile.ZipFile(wacz) as zf:
        lines = [json.loads(l) for l in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()]
        stored = zf.getinfo(f"archive/{WARC_NAME}").compress_type
        package_json = json.loads(zf.read("datapackage.json"))
    assert lines[0]["format"] == "json-pages-1.0" and lines[0]["hasText"] is True
    urls = {p["url"]: p for p in lines[1:]}
    assert set(urls) == {p[0] for p in POSTS} | {TUMBLR_POST[0]}
    first = urls[POSTS[0][0]]
    assert first["title"] == POSTS[0][1] and first["ts"] == "2013-12-20T12:00:00Z" and "Premiärdagar" in first["text"]
    assert stored == zipfile.ZIP_STORED
    assert package_json["wacz_version"] == "1.1.1"
    assert {r["path"] for r in package_json["resources"]} == {f"archive/{WARC_NAME}", "indexes/index.cdx", "pages/pages.jsonl"}


def test_bagit_cli_validates_the_bag_with_sha256_and_sha512(packaged):
    bag = packaged.root / "package" / "bag"
    result = run(venv_tool("bagit.py"), "--validate", str(bag))
    assert result.returncode == 0, result.stderr
    assert (bag / "manifest-sha256.txt").exists() and (bag / "manifest-sha512.txt").exists()
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    for tag in ("Source-Organization: Östergötlands länsbibliotek", "Contact-Email: arkiv@example.org",
                "External-Description:", "Bagging-Date:", "Payload-Oxum:", "Harvest-Started: 2013-12-20T11:59:00Z",
                "Harvest-Finished: 2013-12-20T12:01:00Z", "Harvest-Scope: projektbesok.se"):
        assert tag in info
    payload = {line.split(maxsplit=1)[1] for line in (bag / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines()}
    assert {f"data/harvest/warc/{WARC_NAME}", "data/harvest/crawl.log.jsonl", "data/corpus/posts.jsonl",
            "data/report/completeness.json", "data/report/index.html"} <= payload


def test_bag_hard_links_warcs_instead_of_copying_them(packaged):
    in_bag = packaged.root / "package" / "bag" / "data" / "harvest" / "warc" / WARC_NAME
    assert os.stat(in_bag).st_ino == os.stat(packaged.warc).st_ino
    corpus_copy = packaged.root / "package" / "bag" / "data" / "corpus" / "posts.jsonl"
    assert os.stat(corpus_copy).st_ino != os.stat(packaged.root / "corpus" / "posts.jsonl").st_ino


def _decomposed_out(tmp_path):
    """An OUT folder whose WARC the file system holds under its NFD name ("å ä ö" decomposed)."""
    synth = build_out(tmp_path / "out")
    nfd_name = unicodedata.normalize("NFD", WARC_NAME)
    assert {"å", "ä", "ö"} <= set(WARC_NAME) and nfd_name != WARC_NAME
    synth.warc.rename(synth.warc.with_name(nfd_name))
    summary_path = synth.root / "harvest" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["warc_files"] = [nfd_name]
    summary_path.write_text(json.dumps(summary), encoding="utf-8")
    return synth, synth.warc.with_name(nfd_name)


def test_decomposed_swedish_file_name_is_bagged_in_nfc_and_validates(tmp_path):
    synth, _ = _decomposed_out(tmp_path)

    package(synth.root)

    bag = synth.root / "package" / "bag"
    names = os.listdir(bag / "data" / "harvest" / "warc")
    assert names == [WARC_NAME] and unicodedata.is_normalized("NFC", names[0])
    manifest = (bag / "manifest-sha512.txt").read_text(encoding="utf-8")
    assert f"data/harvest/warc/{WARC_NAME}" in manifest
    assert run(venv_tool("bagit.py"), "--validate", str(bag)).returncode == 0
    assert verify(bag).ok


def test_decomposed_swedish_file_name_is_stored_in_nfc_in_the_wacz_and_its_index(tmp_path):
    synth, _ = _decomposed_out(tmp_path)

    package(synth.root)

    wacz = next((synth.root / "package").glob("*.wacz"))
    with zipfile.ZipFile(wacz) as zf:
        warcs = [n for n in zf.namelist() if n.startswith("archive/")]
        index = zf.read("indexes/index.cdx").decode("utf-8")
        resources = [r["path"] for r in json.loads(zf.read("datapackage.json"))["resources"]]
    assert warcs == [f"archive/{WARC_NAME}"] and f"archive/{WARC_NAME}" in resources
    assert {json.loads(line.split(" ", 2)[2])["filename"] for line in index.splitlines()} == {WARC_NAME}
    valid = run(venv_tool("wacz"), "validate", "-f", str(wacz))
    assert valid.returncode == 0 and "Validation succeeded" in valid.stdout, valid.stdout + valid.stderr
    assert verify(wacz).ok and verify(synth.root).ok


def test_damage_to_a_decomposed_warc_name_still_points_to_the_intact_wacz_copy(tmp_path):
    synth, nfd_path = _decomposed_out(tmp_path)
    package(synth.root)
    data = bytearray(nfd_path.read_bytes())
    data[len(data) // 2] ^= 0x01
    nfd_path.write_bytes(bytes(data))

    result = verify(synth.root)

    intact = f"package/{next((synth.root / 'package').glob('*.wacz')).name}!archive/{WARC_NAME}"
    assert not result.ok
    assert not any(".wacz" in f.file for f in result.failures), [str(f) for f in result.failures]
    assert any(f"the copy in {intact} is intact" in (f.detail or "") for f in result.failures
               if f.file.startswith("harvest/warc/")), [str(f) for f in result.failures]
    assert any(f"the copy in {intact} is intact" in (f.detail or "") for f in result.failures
               if f.file.startswith("package/bag/")), [str(f) for f in result.failures]


def test_packaging_twice_gives_identical_index_and_wacz(packaged):
    wacz = next((packaged.root / "package").glob("*.wacz"))
    first = (wacz.read_bytes(), (packaged.root / "package" / "index.cdxj").read_bytes(),
             (packaged.root / "report" / "completeness.json").read_bytes())
    package(packaged.root)
    second = (wacz.read_bytes(), (packaged.root / "package" / "index.cdxj").read_bytes(),
              (packaged.root / "report" / "completeness.json").read_bytes())
    assert first == second


def test_package_without_a_harvest_says_what_to_run(tmp_path):
    (tmp_path / "harvest").mkdir()
    with pytest.raises(MissingInputError, match="wparchive harvest"):
        package(tmp_path)


def test_package_refuses_an_unfinished_harvest(synth_out):
    shutil.copy(synth_out.warc, synth_out.warc.with_name("WPA-20131220130000-00001-x.warc.gz.open"))
    with pytest.raises(PackageError, match="--resume"):
        package(synth_out.root)


def test_package_without_a_corpus_says_what_to_run(synth_out):
    shutil.rmtree(synth_out.root / "corpus")
    with pytest.raises(MissingInputError, match="wparchive transform"):
        package(synth_out.root)
