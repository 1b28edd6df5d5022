"""The CLI only formats what the library returns: exit codes and messages a user sees."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from archive_out import verify
from archive_out.errors import UnexpectedFile
from out_synth import POSTS, WARC_NAME, build_out
from test_archive_verify import _member_of
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


def test_verify_and_transform_cli_say_a_path_does_not_exist(tmp_path, capsys):
    gone = tmp_path / "nonexistent"
    assert main(["verify", str(gone)]) == 2
    assert capsys.readouterr().err.strip() == f"wparchive: {gone} does not exist"
    assert main(["transform", str(gone)]) == 2
    assert capsys.readouterr().err.strip() == f"wparchive transform: {gone} does not exist"
    assert not gone.exists()


def test_verify_cli_summary_says_which_parts_failed(packaged, capsys):
    offset, length, _ = _member_of(packaged.warc, POSTS[1][0])
    data = bytearray(packaged.warc.read_bytes())
    data[offset + length // 2] ^= 0x10
    packaged.warc.write_bytes(bytes(data))

    assert main(["verify", "--no-progress", str(packaged.root)]) == 1

    lines = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()[1:7]}
    assert lines["harvest"].split()[1:7] == ["FAILED:", "1", "of", "25", "records", "damaged,"]
    assert lines["corpus"].split()[1:6] == ["FAILED:", "1", "of", "9", "records"]
    assert lines["bag"].split()[1] == "FAILED:"
    assert all(lines[name].split()[1] == "checked" for name in ("index", "wacz", "report"))
    parts = {p.name: p.state for p in verify(packaged.root).parts}
    assert parts == {"harvest": "failed", "corpus": "failed", "index": "checked", "wacz": "checked",
                     "bag": "failed", "report": "checked"}


def test_report_help_describes_out(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    assert re.search(r"^ +OUT +\S", out, re.M), out


def test_readme_command_table_lists_every_subcommand_with_its_arguments(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    commands = re.findall(r"^ {4}(\w+)", capsys.readouterr().out, re.M)
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Commands", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `wparchive (\w+)([^`]*)` \|", table, re.M)
    assert sorted({name for name, _ in rows}) == sorted(commands)
    for name, usage in rows:
        words = usage.split()
        subcommand = words[:1] if words and re.fullmatch(r"[a-z]+", words[0]) else []
        with pytest.raises(SystemExit):
            main([name, *subcommand, "--help"])
        help_text = capsys.readouterr().out
        for option in re.findall(r"--[\w-]+", usage):
            assert option in help_text, (name, option)


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


def test_verify_cli_fails_an_empty_output_folder_and_lists_the_absent_parts(tmp_path, capsys):
    (tmp_path / "harvest").mkdir()

    code = main(["verify", "--no-progress", str(tmp_path)])

    out = capsys.readouterr().out
    assert code == 1
    assert "OK" not in out and out.rstrip().splitlines()[-1].startswith("FAILED:")
    lines = out.splitlines()
    assert any(l.split()[:2] == ["harvest", "missing"] for l in lines)
    assert any(l.split()[:2] == ["corpus", "absent"] for l in lines)


def test_verify_cli_says_what_each_count_counts(packaged, capsys):
    assert main(["verify", "--no-progress", str(packaged.root)]) == 0
    out = capsys.readouterr().out
    bag_line = next(l for l in out.splitlines() if l.split()[:1] == ["bag"])
    wacz_line = next(l for l in out.splitlines() if l.split()[:1] == ["wacz"])
    payload = len((packaged.root / "package" / "bag" / "manifest-sha256.txt").read_text(encoding="utf-8").splitlines())
    assert f"{payload} payload files" in bag_line and "4 tag files" in bag_line
    assert "3 resources against datapackage.json" in wacz_line and "(5 zip entries in all)" in wacz_line
    assert out.rstrip().endswith("OK: everything present holds")


def test_verify_cli_prints_nothing_on_stderr_for_a_corrupt_gzip_member(packaged, capfd):
    data = bytearray(packaged.warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    packaged.warc.write_bytes(bytes(data))

    code = main(["verify", "--no-progress", str(packaged.root)])

    captured = capfd.readouterr()
    assert code == 1 and captured.err == ""
    assert "gzip member at offset" in captured.out


def test_package_cli_counts_payload_and_tag_files_and_explains_hard_links(synth_out, capsys):
    assert main(["package", str(synth_out.root)]) == 0
    out = capsys.readouterr().out
    bag_line = next(l for l in out.splitlines() if l.startswith("bag:"))
    assert "payload files (1 WARC hard-linked" in bag_line and "+ 6 tag files" in bag_line
    assert "--copy makes real copies" in out


def test_package_cli_warns_about_the_example_operator(tmp_path, capsys):
    synth = build_out(tmp_path / "out")
    summary_path = synth.root / "harvest" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["config"] = {"harvest": {"operator": "Your archive, archive@example.org"}}
    summary_path.write_text(json.dumps(summary), encoding="utf-8")

    assert main(["package", str(synth.root)]) == 0

    err = capsys.readouterr().err
    assert "warning:" in err and "Your archive, archive@example.org" in err and "[harvest] operator" in err


def test_package_cli_is_silent_about_a_real_operator(synth_out, capsys):
    assert main(["package", str(synth_out.root)]) == 0
    assert "warning" not in capsys.readouterr().err


def test_package_help_documents_hard_links_and_copy(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["package", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "hard links" in text and "--copy" in text
