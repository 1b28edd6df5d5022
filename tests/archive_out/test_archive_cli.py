"""The CLI only formats what the library returns: exit codes and messages a user sees."""
from __future__ import annotations

import json
import shutil

from archive_out import verify
from archive_out.errors import UnexpectedFile
from out_synth import WARC_NAME, build_out
from wparchive.cli import main


def test_verify_cli_prints_each_failure_and_exits_1(packaged, capsys):
    packaged.warc.unlink()

    code = main(["verify", "--no-progress", str(packaged.root)])

    out = capsys.readouterr().out
    assert code == 1
    assert f"FAIL file missing: harvest/warc/{WARC_NAME}" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED:")


def test_verify_cli_json_lists_typed_failures(packaged, capsys):
    report = packaged.root / "package" / "bag" / "data" / "report" / "index.html"
    report.write_text("<p>changed</p>", encoding="utf-8")

    code = main(["verify", "--json", str(packaged.root)])

    result = json.loads(capsys.readouterr().out)
    assert code == 1 and result["ok"] is False
    types = {(f["type"], f["file"]) for f in result["failures"]}
    assert ("ChecksumMismatch", "package/bag/data/report/index.html") in types


def test_verify_cli_exits_2_for_a_path_that_is_no_archive(tmp_path, capsys):
    assert main(["verify", str(tmp_path)]) == 2
    assert "not an output folder" in capsys.readouterr().err


def test_package_cli_explains_a_missing_stage(tmp_path, capsys):
    synth = build_out(tmp_path / "out")
    shutil.rmtree(synth.root / "corpus")
    assert main(["package", str(synth.root)]) == 2
    assert "wparchive transform" in capsys.readouterr().err


def test_report_cli_exit_code_follows_the_verdict(tmp_path, capsys):
    complete = build_out(tmp_path / "a")
    gap = build_out(tmp_path / "b", chain_skip=(2,))
    assert main(["report", str(complete.root)]) == 0
    assert main(["report", str(gap.root)]) == 1
    assert "verdict: INCOMPLETE" in capsys.readouterr().out


def test_unfinished_warc_is_reported_by_verify(packaged):
    shutil.copy(packaged.warc, packaged.warc.with_name("WPA-20131220130000-00001-x.warc.gz.open"))
    result = verify(packaged.root)
    assert [type(f) for f in result.failures] == [UnexpectedFile]
    assert "harvest --resume" in result.failures[0].detail


class Recorder:
    def __init__(self):
        self.total = None
        self.seen = 0

    def start(self, total):
        self.total = total

    def advance(self, amount):
        self.seen += amount


def test_progress_is_told_the_total_and_every_byte_read(packaged):
    progress = Recorder()
    assert verify(packaged.root, progress=progress).ok
    assert progress.total >= packaged.warc.stat().st_size
    assert progress.seen >= packaged.warc.stat().st_size
