"""Stages run by hand, then `wparchive run --resume`: what is already complete is recognised and left alone."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from e2e_helpers import CONFIG, run_against  # noqa: I001
from archive_out import verify

from replica import ReplicaConfig, ReplicaServer


@pytest.fixture(scope="module")
def small_replica():
    with ReplicaServer(ReplicaConfig(posts=12), port=0) as server:
        yield server


def stamps(out: Path) -> dict[str, tuple[int, bytes]]:
    """(mtime, bytes) of every file the harvest summary, transform and package stages wrote."""
    files = [out / "harvest" / "summary.json", *sorted((out / "corpus").iterdir()),
             *sorted(p for p in (out / "package").rglob("*") if p.is_file()), *sorted((out / "report").iterdir())]
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.read_bytes()) for p in files if p.is_file()}


def test_run_resume_after_stages_run_by_hand_keeps_them_and_the_harvest_finish_time(small_replica, tmp_path, capsys):
    from wparchive.cli import main

    out = tmp_path / "out"
    assert main(["harvest", CONFIG, "--out", str(out), "--proxy", small_replica.proxy_url]) == 0
    assert main(["transform", str(out), "--workers", "1"]) == 0
    assert main(["package", str(out)]) == 0
    capsys.readouterr()
    finished = json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))["finished"]
    before = stamps(out)
    requests = len(small_replica.request_log())
    time.sleep(1.1)

    code, text = run_against(small_replica, out, resume=True)

    assert code == 0, text
    assert f"already complete (finished {finished})" in text
    assert text.count("already complete") == 3, text
    assert len(small_replica.request_log()) == requests
    assert stamps(out) == before
    stages = json.loads((out / "pipeline.json").read_text(encoding="utf-8"))["stages"]
    assert stages["harvest"]["finished"] == finished
    result = verify(out)
    assert result.ok, [str(f) for f in result.failures]


def test_run_resume_into_a_new_folder_says_it_starts_a_new_harvest(small_replica, tmp_path):
    out = tmp_path / "new"
    code, text = run_against(small_replica, out, resume=True)
    assert code == 0, text
    assert f"nothing to resume in {out} (no harvest/state.sqlite): starting a new harvest" in text
