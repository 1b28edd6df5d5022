"""kill -9 in the middle of a harvest, then --resume: same captures, no duplicates, valid WARCs."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import harvest, load_config
from harvester.config import TRAP_RULES

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "replica" / "harvest.toml"


def captured_counts(out: Path) -> Counter:
    counts: Counter = Counter()
    for path in sorted((out / "harvest" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "revisit"):
                    counts[rec.rec_headers.get_header("WARC-Target-URI")] += 1
    return counts


def fetched_lines(out: Path) -> int:
    log = out / "harvest" / "crawl.log.jsonl"
    if not log.exists():
        return 0
    return log.read_text(errors="replace").count('"outcome": "fetched"')


def start_and_kill(out: Path, proxy: str, after: int, sets: tuple[str, ...] = ()) -> None:
    cmd = [sys.executable, "-m", "wparchive", "harvest", str(TOML), "--out", str(out), "--proxy", proxy,
           "--set", "progress.mode=quiet", *(arg for s in sets for arg in ("--set", s))]
    if (out / "harvest" / "state.sqlite").exists():
        cmd.append("--resume")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while fetched_lines(out) < after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, f"harvest ended before {after} responses: {proc.stderr.read()[-1000:]!r}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.fixture(scope="module")
def own_replica():
    """A replica of the same default site, so the session replica's request log stays the harvest's own."""
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(), port=0) as srv:
        yield srv


@pytest.mark.slow
@pytest.mark.parametrize("kill_points", [(25,), (300, 700)])
def test_resume_after_kill_9_captures_what_an_uninterrupted_crawl_does(own_replica, harvested, tmp_path,
                                                                       kill_points):
    replica = own_replica
    out = tmp_path / "out"
    for after in kill_points:
        start_and_kill(out, replica.proxy_url, after)
    assert list((out / "harvest" / "warc").glob("*.open")), "a killed harvest leaves its WARC open"
    cfg = load_config(TOML, overrides=[f"network.proxy={replica.proxy_url}", "progress.mode=quiet"])
    harvest(cfg, out, resume=True)

    resumed, reference = captured_counts(out), captured_counts(harvested)
    assert set(resumed) == set(reference)
    assert [u for u, n in resumed.items() if n > 1] == []
    assert not list((out / "harvest" / "warc").glob("*.open"))
    files = sorted((out / "harvest" / "warc").glob("*.warc.gz"))
    assert len(files) >= len(kill_points) + 1
    proc = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]


@pytest.mark.slow
def test_ctrl_c_closes_every_warc_cleanly_and_resume_completes(own_replica, harvested, tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "wparchive", "harvest", str(TOML), "--out", str(out), "--proxy",
           own_replica.proxy_url, "--set", "progress.mode=quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while fetched_lines(out) < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    assert "--resume" in proc.stderr.read()
    assert not list((out / "harvest" / "warc").glob("*.open"))
    files = sorted((out / "harvest" / "warc").glob("*.warc.gz"))
    check = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:]
    cfg = load_config(TOML, overrides=[f"network.proxy={own_replica.proxy_url}", "progress.mode=quiet"])
    harvest(cfg, out, resume=True)
    resumed = captured_counts(out)
    assert set(resumed) == set(captured_counts(harvested))
    assert [u for u, n in resumed.items() if n > 1] == []


def test_a_commit_whose_state_transaction_fails_leaves_no_record_in_the_warc(own_replica, tmp_path):
    """A real SQLite failure inside a commit (a trigger aborts the home page's fetch row): the records of
    that commit are cut from the open WARC at once, so every record in the files is one the state claims."""
    import sqlite3

    from harvester.state import CrawlState

    out = tmp_path / "out"
    (out / "harvest").mkdir(parents=True)
    state = CrawlState(out / "harvest" / "state.sqlite")
    state.db.execute("CREATE TRIGGER fail_home BEFORE INSERT ON fetches WHEN NEW.url = 'http://projektbesok.se/'"
                     " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
    state.close()
    cfg = load_config(TOML, overrides=[f"network.proxy={own_replica.proxy_url}", "progress.mode=quiet",
                                       "limits.max_pages=8", "tumblr.blogs=[]"])
    result = harvest(cfg, out, resume=True)
    assert any("disk trouble" in e for e in result.summary["internal_errors"])
    in_warc = []
    for path in sorted((out / "harvest" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            in_warc += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                        if r.rec_type in ("response", "revisit", "request", "metadata")]
    assert in_warc and "http://projektbesok.se/" not in in_warc
    db = sqlite3.connect(out / "harvest" / "state.sqlite")
    claimed = {url for (url,) in db.execute("SELECT url FROM fetches")}
    db.close()
    assert set(in_warc) == claimed
    files = [str(p) for p in (out / "harvest" / "warc").glob("*.warc.gz")]
    proc = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *files], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-1500:]


# The calendar's ?m= months as a query-string explosion: its own rule off, two variants of "/" allowed.
# Each page's calendar links the months beside its own, so new variants turn up all through the crawl.
CALENDAR_AS_QUERY_EXPLOSION = (f"traps.rules={[r for r in TRAP_RULES if r != 'calendar']!r}",
                               "traps.max_query_variants=2")


def trap_cuts(out: Path, rule: str) -> set[str]:
    lines = (json.loads(line) for line in (out / "harvest" / "crawl.log.jsonl").read_text().splitlines())
    return {line["url"] for line in lines if line["outcome"] == "trap" and line["reason"] == f"trap rule {rule}"}


@pytest.mark.slow
def test_resume_cuts_the_query_variants_an_uninterrupted_crawl_cuts(own_replica, tmp_path):
    """Variants counted before a kill -9 still count after --resume: the resumed crawl requests none of
    the URLs the uninterrupted crawl cut as a query-string explosion, and captures what it captured."""
    replica = own_replica
    cfg = load_config(TOML, overrides=[f"network.proxy={replica.proxy_url}", "progress.mode=quiet",
                                       *CALENDAR_AS_QUERY_EXPLOSION])
    reference = tmp_path / "reference"
    harvest(cfg, reference)
    cut = trap_cuts(reference, "query_explosion")
    assert len(cut) > 10

    out = tmp_path / "out"
    start_and_kill(out, replica.proxy_url, 25, CALENDAR_AS_QUERY_EXPLOSION)
    assert trap_cuts(out, "query_explosion"), "the kill comes after the rule has counted its variants"
    assert trap_cuts(out, "query_explosion") < cut, "and before the crawl has found every variant"
    before = len(replica.request_log())
    harvest(cfg, out, resume=True)
    requested = {r["url"] for r in replica.request_log()[before:]}

    assert sorted(requested & cut) == []
    assert set(captured_counts(out)) == set(captured_counts(reference))
