"""Exit codes and resume: nothing captured is a failure with its cause; resume keeps the stored settings."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from test_resume import ROOT, TOML, captured_counts, start_and_kill

DEAD_PROXY = "http://127.0.0.1:1"


def wparchive(*args: str, env_proxy: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    if env_proxy:
        env["http_proxy"] = env_proxy
    return subprocess.run([sys.executable, "-m", "wparchive", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)


def stored_proxy(out: Path) -> str:
    return tomllib.loads((out / "harvest" / "config.toml").read_text(encoding="utf-8"))["network"]["proxy"]


@pytest.fixture(scope="module")
def own_replica():
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(), port=0) as srv:
        yield srv


def test_harvest_that_captures_nothing_exits_1_and_names_the_unreachable_proxy(tmp_path):
    proc = wparchive("harvest", "examples/besok.toml", "--out", str(tmp_path / "fresh"), "--proxy", DEAD_PROXY,
                     "--set", "network.retries=0", "--set", "progress.mode=plain")
    assert proc.returncode == 1, proc.stderr
    assert "nothing was captured: could not connect to the proxy 127.0.0.1:1" in proc.stderr
    assert "None" not in proc.stderr and "done:" not in proc.stderr
    summary = json.loads((tmp_path / "fresh" / "harvest" / "summary.json").read_text(encoding="utf-8"))
    assert summary["counters"].get("responses", 0) == 0


def test_run_stops_at_the_harvest_when_nothing_was_captured(tmp_path):
    proc = wparchive("run", "replica/harvest.toml", "--out", str(tmp_path / "out"), "--proxy", DEAD_PROXY,
                     "--set", "network.retries=0", "--set", "progress.mode=quiet")
    assert proc.returncode == 1
    assert "harvest failed: nothing was captured: could not connect to the proxy 127.0.0.1:1" in proc.stderr
    assert "[1/4] harvest" in proc.stdout and "[2/4] transform" not in proc.stdout
    assert not (tmp_path / "out" / "corpus").exists()


@pytest.mark.slow
def test_resume_without_proxy_keeps_the_stored_one_and_completes(own_replica, harvested, tmp_path):
    out = tmp_path / "out"
    start_and_kill(out, own_replica.proxy_url, 40)
    proc = wparchive("harvest", str(TOML), "--out", str(out), "--resume", "--set", "progress.mode=quiet")
    assert proc.returncode == 0, proc.stderr
    assert f"resuming with the settings stored in {out / 'harvest' / 'config.toml'} (nothing changed)" in proc.stderr
    assert stored_proxy(out) == own_replica.proxy_url
    resumed = captured_counts(out)
    assert set(resumed) == set(captured_counts(harvested))
    assert [u for u, n in resumed.items() if n > 1] == []


@pytest.mark.slow
def test_urls_failed_by_a_wrong_proxy_are_retried_by_the_next_resume(own_replica, harvested, tmp_path):
    out = tmp_path / "out"
    start_and_kill(out, own_replica.proxy_url, 40)
    wrong = wparchive("harvest", str(TOML), "--out", str(out), "--resume", "--proxy", DEAD_PROXY,
                      "--set", "network.retries=0", "--set", "progress.mode=quiet")
    assert wrong.returncode == 0, wrong.stderr
    assert f"network.proxy: '{own_replica.proxy_url}' (stored) -> '{DEAD_PROXY}'" in wrong.stderr
    assert "network.retries: 3 (stored) -> 0" in wrong.stderr
    failed = json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))["skips"]
    assert failed.get("network_error", 0) > 0
    assert set(captured_counts(out)) < set(captured_counts(harvested))

    right = wparchive("harvest", str(TOML), "--out", str(out), "--resume", "--proxy", own_replica.proxy_url,
                      "--set", "progress.mode=plain")
    assert right.returncode == 0, right.stderr
    assert "resume: retrying " in right.stderr and "network error, HTTP 5xx or 429" in right.stderr
    assert "network.retries: 0 (stored) -> 3" in right.stderr
    resumed, reference = captured_counts(out), captured_counts(harvested)
    assert set(resumed) == set(reference)
    assert [u for u, n in resumed.items() if n > 1] == []
    chain = json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))["chain"]
    expected = json.loads((harvested / "harvest" / "summary.json").read_text(encoding="utf-8"))["chain"]
    assert [h["to"] for h in chain["hops"]] == [h["to"] for h in expected["hops"]]
    assert chain["start"] == expected["start"] and chain["breaks"] == []


@pytest.mark.slow
def test_ctrl_c_prints_the_exact_command_that_resumes(own_replica, tmp_path):
    import signal
    import time

    from test_resume import fetched_lines

    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "wparchive", "harvest", str(TOML), "--out", str(out), "--proxy",
           own_replica.proxy_url, "--set", "progress.mode=quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while fetched_lines(out) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    told = proc.stderr.read().strip().splitlines()[-1].strip()
    assert told == f"wparchive harvest {TOML} --out {out} --resume"
    again = wparchive(*told.split()[1:], "--set", "progress.mode=quiet")
    assert again.returncode == 0, again.stderr
    assert not list((out / "harvest" / "warc").glob("*.open"))


@pytest.mark.slow
def test_a_harvest_that_reached_nothing_completes_when_resumed_with_the_right_proxy(own_replica, harvested, tmp_path):
    out = tmp_path / "out"
    dead = wparchive("harvest", str(TOML), "--out", str(out), "--proxy", DEAD_PROXY, "--set", "network.retries=0",
                     "--set", "progress.mode=quiet")
    assert dead.returncode == 1 and "could not connect to the proxy 127.0.0.1:1" in dead.stderr
    again = wparchive("harvest", str(TOML), "--out", str(out), "--resume", "--proxy", own_replica.proxy_url,
                      "--set", "network.retries=3", "--set", "progress.mode=plain")
    assert again.returncode == 0, again.stderr
    assert "resume: retrying " in again.stderr
    resumed = captured_counts(out)
    assert set(resumed) == set(captured_counts(harvested))
    assert [u for u, n in resumed.items() if n > 1] == []
    chain = json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))["chain"]
    assert chain["start_found_by"] == "date-archives" and chain["breaks"] == []
