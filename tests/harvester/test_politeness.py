"""Politeness measured from the replica's own request log: per-host delay and connection limits."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pytest

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"


def crawl(tmp_path, latency_ms: float, overrides: list[str], stamp: str = "time") -> dict[str, list[float]]:
    """Per host, the sorted `stamp` of each request in the replica's log (`arrived`, or `time`: answered)."""
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(latency_ms=latency_ms), port=0) as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "progress.mode=quiet", *overrides])
        harvest(cfg, tmp_path / "out")
        times = defaultdict(list)
        for r in srv.request_log():
            times[r["host"]].append(datetime.fromisoformat(r[stamp].replace("Z", "+00:00")).timestamp())
    return {h: sorted(t) for h, t in times.items()}


@pytest.mark.slow
def test_requests_to_one_host_start_at_least_the_delay_apart(tmp_path):
    delay = 0.25
    times = crawl(tmp_path, 0, [f"politeness.delay={delay}", "politeness.max_connections_per_host=1",
                                "limits.max_pages=30", "tumblr.blogs=[]"], stamp="arrived")
    site = times["projektbesok.se"]
    assert len(site) >= 10
    gaps = [b - a for a, b in zip(site, site[1:])]
    assert min(gaps) >= 0.9 * delay, gaps


@pytest.mark.slow
def test_never_more_than_the_configured_connections_per_host(tmp_path):
    latency = 0.15
    times = crawl(tmp_path, latency * 1000, ["politeness.delay=0", "politeness.max_connections_per_host=2",
                                             "politeness.concurrency=6", "limits.max_pages=120",
                                             "tumblr.blogs=[]"])
    site = times["projektbesok.se"]
    worst = max(sum(1 for t in site if s <= t < s + 0.9 * latency) for s in site)
    assert worst <= 2, f"{worst} responses to one host finished within {0.9 * latency:.2f}s"
    assert worst == 2, "two connections per host were allowed and should have been used"


@pytest.mark.slow
def test_retries_wait_for_the_hosts_delay_like_any_other_request(tmp_path):
    """A 503 answered with Retry-After: 0 and a tiny backoff: the retries still keep the per-host delay.

    Measured on the replica's arrival stamps; without the delay a retry follows its 503 within the
    0.01 s backoff, so half the delay leaves a wide margin for a loaded machine."""
    from replica import ReplicaConfig, ReplicaServer
    from replica.config import Fault

    delay = 0.4
    faults = (Fault("/", "status_503", times=2, retry_after=0), Fault("/robots.txt", "status_503", times=1,
                                                                      retry_after=0))
    with ReplicaServer(ReplicaConfig(faults=faults), port=0) as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "progress.mode=quiet",
                                           f"politeness.delay={delay}", "politeness.max_connections_per_host=1",
                                           "network.backoff=0.01", "limits.max_pages=6", "tumblr.blogs=[]"])
        harvest(cfg, tmp_path / "out")
        log = [r for r in srv.request_log() if r["host"] == "projektbesok.se"]
    assert [r["status"] for r in log if r["url"].endswith("/robots.txt")] == [503, 200]
    assert [r["status"] for r in log if r["url"] == "http://projektbesok.se/"] == [503, 503, 200]
    times = sorted(datetime.fromisoformat(r["arrived"].replace("Z", "+00:00")).timestamp() for r in log)
    gaps = [round(b - a, 3) for a, b in zip(times, times[1:])]
    assert len(gaps) >= 6 and min(gaps) >= 0.5 * delay, gaps
