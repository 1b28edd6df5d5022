"""Which copy is bad: the harvest WARC, the bag's (a hard link to it by default, or a real copy with
--copy) and the WACZ's; verify must blame the damaged one and say when two names are one file."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess

from archive_out import ChecksumMismatch, package, verify
from archive_helpers import require_program
from out_synth import POSTS, WARC_NAME, build_out
from test_archive_verify import _member_of
from wparchive.cli import main

WACZ_MEMBER = f"archive/{WARC_NAME}"


def _flip_inside(warc, url) -> None:
    offset, length, _ = _member_of(warc, url)
    data = bytearray(warc.read_bytes())
    data[offset + length // 2] ^= 0x10
    warc.write_bytes(bytes(data))


def test_damaged_harvest_warc_is_blamed_and_the_intact_wacz_copy_is_not(packaged):
    _flip_inside(packaged.warc, POSTS[1][0])

    result = verify(packaged.root)

    wacz_failures = [f for f in result.failures if ".wacz" in f.file]
    assert wacz_failures == [], [str(f) for f in wacz_failures]
    harvest = [f for f in result.failures if isinstance(f, ChecksumMismatch) and f.file == f"harvest/warc/{WARC_NAME}"]
    assert len(harvest) == 1
    assert f"{WACZ_MEMBER} is intact" in harvest[0].detail
    wacz = next((packaged.root / "package").glob("*.wacz"))
    with __import__("zipfile").ZipFile(wacz) as zf:
        resources = json.loads(zf.read("datapackage.json"))["resources"]
    good = next(r["hash"] for r in resources if r["path"] == WACZ_MEMBER)
    assert harvest[0].found != good


def test_stale_wacz_beside_an_intact_harvest_is_the_one_named(packaged, tmp_path):
    other = build_out(tmp_path / "other", missing_image=True)
    package(other.root)
    stale = next((other.root / "package").glob("*.wacz"))
    target = next((packaged.root / "package").glob("*.wacz"))
    target.write_bytes(stale.read_bytes())

    result = verify(packaged.root)

    named = [f for f in result.failures if f.file.endswith(f"!{WACZ_MEMBER}")]
    assert len(named) == 1 and "rerun `wparchive package`" in named[0].detail
    ours = "sha256:" + __import__("hashlib").sha256(packaged.warc.read_bytes()).hexdigest()
    assert named[0].expected == ours and named[0].found != ours
    assert not any(f.file.startswith("harvest/") for f in result.failures)


def test_damage_to_a_hard_linked_warc_is_reported_as_one_file_with_the_wacz_copy_intact(packaged):
    _flip_inside(packaged.warc, POSTS[1][0])

    result = verify(packaged.root)

    bagged = [f for f in result.failures if f.file == f"package/bag/data/harvest/warc/{WARC_NAME}"]
    assert bagged and all("one file, hard-linked into the bag" in f.detail and "same inode" in f.detail
                          and f"{WACZ_MEMBER} is intact" in f.detail for f in bagged)


def test_bag_info_documents_the_hard_links_and_names_the_tool(packaged):
    info = (packaged.root / "package" / "bag" / "bag-info.txt").read_text(encoding="utf-8")
    assert "WARC-Storage: 1 WARC file(s) hard-linked to OUT/harvest/warc" in info
    assert "--copy" in info


def test_package_copy_makes_a_bag_that_survives_damage_to_the_harvest(synth_out):
    result = package(synth_out.root, copy=True)
    in_bag = synth_out.root / "package" / "bag" / "data" / "harvest" / "warc" / WARC_NAME
    assert os.stat(in_bag).st_ino != os.stat(synth_out.warc).st_ino
    assert result.bag.linked == 0 and result.bag.copied == result.bag.files
    info = (synth_out.root / "package" / "bag" / "bag-info.txt").read_text(encoding="utf-8")
    assert "WARC-Storage: independent copies of the WARC files (made with --copy)" in info

    _flip_inside(synth_out.warc, POSTS[1][0])
    checked = verify(synth_out.root)

    assert not checked.ok
    assert not any(f.file.startswith("package/") for f in checked.failures), [str(f) for f in checked.failures]
    assert verify(synth_out.root / "package" / "bag").ok


def test_bag_info_names_wparchive_beside_a_bare_version(tmp_path):
    synth = build_out(tmp_path / "out")
    summary_path = synth.root / "harvest" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["tool_version"] = "0.1.0"
    summary_path.write_text(json.dumps(summary), encoding="utf-8")

    package(synth.root)

    info = (synth.root / "package" / "bag" / "bag-info.txt").read_text(encoding="utf-8")
    assert "Harvest-Tool: wparchive 0.1.0\n" in info


def _tree_sums(root) -> dict:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


def test_remedy_for_a_damaged_warc_restores_it_from_the_wacz_and_verify_then_passes(packaged, capsys):
    require_program("unzip")
    inode = os.stat(packaged.warc).st_ino
    _flip_inside(packaged.warc, POSTS[1][0])
    before = _tree_sums(packaged.root)

    assert main(["verify", "--no-progress", str(packaged.root)]) == 1

    assert _tree_sums(packaged.root) == before, "verify must write nothing"
    out = capsys.readouterr().out
    remedies = [line.strip().removeprefix("remedy: ") for line in out.splitlines() if line.strip().startswith("remedy:")]
    assert remedies and remedies[0].startswith("the WACZ holds an intact copy: restore with `unzip -p ")
    assert "repairs the bag's hard link too" in remedies[0]
    assert any("same file" in r for r in remedies[1:]), remedies
    command = remedies[0].split("`")[1]
    done = subprocess.run(command, shell=True, capture_output=True, text=True, env=dict(os.environ, LC_ALL="C.UTF-8"))
    assert done.returncode == 0, done.stderr

    result = verify(packaged.root)
    assert result.ok, [str(f) for f in result.failures]
    assert os.stat(packaged.warc).st_ino == inode


def test_remedy_for_a_damaged_bag_copy_restores_it_from_the_wacz(synth_out):
    require_program("unzip")
    package(synth_out.root, copy=True)
    in_bag = synth_out.root / "package" / "bag" / "data" / "harvest" / "warc" / WARC_NAME
    _flip_inside(in_bag, POSTS[1][0])

    failed = verify(synth_out.root)

    named = [f for f in failed.failures if f.file == f"package/bag/data/harvest/warc/{WARC_NAME}"]
    assert len(named) == 1 and named[0].remedy.startswith("the WACZ holds an intact copy: restore with `unzip -p ")
    done = subprocess.run(named[0].remedy.split("`")[1], shell=True, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert verify(synth_out.root).ok
