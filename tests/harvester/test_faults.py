"""Each replica fault is retried or recorded with a clear outcome, and the crawl still finishes whole."""
from __future__ import annotations

import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    from replica import ReplicaConfig, ReplicaServer
    from replica.config import Fault

    with ReplicaServer(ReplicaConfig(), port=0) as plain:
        truth = plain.ground_truth()
    posts = [urlsplit(p["url"]).path for p in truth["wordpress"]["posts"]]
    doc = urlsplit(truth["wordpress"]["documents"][0]).path
    faults = (
        Fault(posts[3], "status_503", times=2, retry_after=1),
        Fault(posts[4], "status_429", times=1, retry_after=1),
        Fault(posts[5], "reset", times=1),
        Fault(posts[6], "slow", times=1, delay_s=2.5),
        Fault(doc, "truncate", times=1),
        Fault("/loop/", "redirect_loop", times=0),
        Fault("/bomb/", "gzip_bomb", times=0, size=1 << 26),
    )
    out = tmp_path_factory.mktemp("faulty")
    with ReplicaServer(ReplicaConfig(faults=faults), port=0) as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "progress.mode=quiet",
                                           "network.timeout=1.0", "network.backoff=0.1"])
        result = harvest(cfg, out)
        log = [json.loads(l) for l in (out / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
        yield {"out": out, "result": result, "log": log, "posts": posts, "doc": doc,
               "truth": srv.ground_truth(), "requests": srv.request_log()}


def outcomes(log, path):
    by = defaultdict(list)
    for line in log:
        if line["url"] and urlsplit(line["url"]).path == path:
            by[line["outcome"]].append(line)
    return by


@pytest.mark.slow
def test_503_and_429_are_retried_after_retry_after_then_captured(faulty):
    for path, retries in ((faulty["posts"][3], 2), (faulty["posts"][4], 1)):
        got = outcomes(faulty["log"], path)
        assert len(got["retry"]) == retries and "Retry-After" in got["retry"][0]["reason"]
        assert len(got["fetched"]) == 1
    times = [r["time"] for r in faulty["requests"] if urlsplit(r["url"]).path == faulty["posts"][3]]
    assert len(times) == 3


@pytest.mark.slow
def test_reset_slow_and_truncated_responses_are_retried_and_captured(faulty):
    for path in (faulty["posts"][5], faulty["posts"][6], faulty["doc"]):
        got = outcomes(faulty["log"], path)
        assert got["retry"], path
        assert len(got["fetched"]) == 1, path
    assert "truncated" in outcomes(faulty["log"], faulty["doc"])["retry"][0]["reason"]


@pytest.mark.slow
def test_redirect_loop_is_recorded_and_not_followed_forever(faulty):
    loop = [l for l in faulty["log"] if l["url"] and urlsplit(l["url"]).path == "/loop/"]
    assert {l["outcome"] for l in loop} == {"redirect"}
    assert any("already seen" in l["reason"] for l in loop)
    assert len([r for r in faulty["requests"] if urlsplit(r["url"]).path == "/loop/"]) <= 2


@pytest.mark.slow
def test_gzip_bomb_is_stored_as_received_but_never_inflated(faulty):
    got = outcomes(faulty["log"], "/bomb/")
    assert len(got["too_large"]) == 1
    assert "gzip bomb" in got["too_large"][0]["reason"]
    assert got["too_large"][0]["bytes"] < 10_000_000


@pytest.mark.slow
def test_crawl_with_faults_finishes_with_every_post_and_valid_warcs(faulty):
    got = set()
    for line in faulty["log"]:
        if line["outcome"] in ("fetched", "revisit"):
            got.add(line["url"])
    assert {p["url"] for p in faulty["truth"]["wordpress"]["posts"]} <= got
    assert len(faulty["result"].chain["hops"]) == len(faulty["posts"]) - 1
    files = sorted((faulty["out"] / "harvest" / "warc").glob("*.warc.gz"))
    proc = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *map(str, files)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
