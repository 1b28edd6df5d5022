"""--resume of a harvest with nothing left to fetch keeps what the harvest recorded; --resume of nothing says so."""
from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from harvester import harvest, harvest_status, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"


@pytest.fixture(scope="module")
def small_replica():
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(posts=12), port=0) as srv:
        yield srv


def replica_config(server):
    return load_config(TOML, overrides=[f"network.proxy={server.proxy_url}", "progress.mode=quiet"])


def summary_of(out: Path) -> dict:
    return json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))


def test_resume_with_nothing_left_to_fetch_keeps_the_stored_finish_time_and_summary(small_replica, tmp_path):
    out = tmp_path / "out"
    harvest(replica_config(small_replica), out)
    summary_file = out / "harvest" / "summary.json"
    before_bytes, before_mtime = summary_file.read_bytes(), summary_file.stat().st_mtime_ns
    assert harvest_status(out).complete
    requests = len(small_replica.request_log())
    time.sleep(1.1)

    result = harvest(replica_config(small_replica), out, resume=True)

    assert len(small_replica.request_log()) == requests
    assert result.summary["finished"] == json.loads(before_bytes)["finished"]
    assert summary_file.read_bytes() == before_bytes and summary_file.stat().st_mtime_ns == before_mtime


def test_resume_that_fetches_something_records_its_real_end_as_finished(small_replica, tmp_path):
    out = tmp_path / "out"
    harvest(replica_config(small_replica), out)
    first = summary_of(out)["finished"]
    with sqlite3.connect(out / "harvest" / "state.sqlite") as db:
        url = db.execute("SELECT url FROM fetches WHERE status=200 ORDER BY url LIMIT 1").fetchone()[0]
        db.execute("UPDATE urls SET status='failed', outcome='network_error' WHERE url=?", (url,))
    assert not harvest_status(out).complete
    time.sleep(1.1)
    began = datetime.now(timezone.utc).replace(microsecond=0)

    harvest(replica_config(small_replica), out, resume=True)

    finished = summary_of(out)["finished"]
    assert finished != first
    assert began <= datetime.strptime(finished, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert harvest_status(out).complete


def test_harvest_resume_into_a_folder_without_crawl_state_says_it_starts_a_new_harvest(small_replica, tmp_path,
                                                                                       capsys):
    from wparchive.cli import main

    new = tmp_path / "new"
    code = main(["harvest", str(TOML), "--out", str(new), "--proxy", small_replica.proxy_url, "--resume",
                 "--set", "progress.mode=quiet"])

    err = capsys.readouterr().err
    assert code == 0, err
    assert f"nothing to resume in {new} (no harvest/state.sqlite): starting a new harvest" in err
    assert harvest_status(new).complete
