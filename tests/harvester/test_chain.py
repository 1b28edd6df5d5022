"""The "Nästa" chain under other starts and with gaps: given start, previous-links, skipped and failing posts."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import harvest, load_config
from harvester.metadata import from_warc_fields

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"


def run(tmp_path: Path, replica_cfg, overrides=()):
    from replica import ReplicaServer

    with ReplicaServer(replica_cfg, port=0) as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "progress.mode=quiet",
                                           "network.backoff=0.05", *overrides])
        result = harvest(cfg, tmp_path / "out")
        return result, srv.ground_truth(), srv.request_log()


def chain_metadata(out: Path) -> dict[str, dict]:
    hops = {}
    for path in sorted((out / "harvest" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "metadata":
                    body = from_warc_fields(rec.content_stream().read())
                    if body.chain_hop:
                        hops[rec.rec_headers.get_header("WARC-Target-URI")] = body.chain_hop
    return hops


@pytest.mark.slow
def test_a_configured_start_is_walked_to_the_end(tmp_path):
    from replica import ReplicaConfig

    first = "http://projektbesok.se/2012/05/29/premiardagar-for-besok-tre-dagar-om-biblioteksrummet/"
    result, truth, _ = run(tmp_path, ReplicaConfig(), [f"wordpress.chain_start={first}"])
    assert truth["wordpress"]["first_post"] == first
    assert result.chain["start"] == first and result.chain["start_found_by"] == "config"
    assert [h["to"] for h in result.chain["hops"]] == truth["wordpress"]["chain"][1:]


@pytest.mark.slow
def test_previous_links_alone_find_the_first_post_and_every_hop_is_recorded(tmp_path):
    from replica import ReplicaConfig

    result, truth, _ = run(tmp_path, ReplicaConfig(), ['wordpress.auto_strategy=["previous-links"]',
                                                       "warc.max_size=100000"])
    order = truth["wordpress"]["chain"]
    assert result.chain["start"] == order[0] and result.chain["start_found_by"] == "previous-links"
    assert [h["to"] for h in result.chain["hops"]] == order[1:]
    hops = chain_metadata(tmp_path / "out")
    assert [hops[u]["position"] for u in order] == list(range(1, len(order) + 1))
    assert len(result.warc_files) > 10, "hops learnt late are written across rotated files"


@pytest.mark.slow
def test_posts_skipped_by_next_links_are_captured_and_reported_unchained(tmp_path):
    from replica import ReplicaConfig

    result, truth, _ = run(tmp_path, ReplicaConfig(chain_skip=(10, 40)))
    posts = sorted(truth["wordpress"]["posts"], key=lambda p: p["published"])
    skipped = [posts[9]["url"], posts[39]["url"]]
    assert result.chain["unchained"] == skipped
    assert len(result.chain["hops"]) == len(posts) - 1 - 2
    assert result.chain["hops"][-1]["to"] == truth["wordpress"]["closing_post"]
    assert result.summary["counters"]["outcome:fetched"] > 0
    log = [json.loads(l) for l in (tmp_path / "out" / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    assert {l["url"] for l in log if l["outcome"] == "fetched"} >= set(skipped)


@pytest.mark.slow
def test_a_failing_post_breaks_the_chain_and_the_listings_bridge_it(tmp_path):
    from replica import ReplicaConfig
    from replica.config import Fault

    from urllib.parse import urlsplit
    probe = ReplicaConfig()
    from replica import ReplicaServer
    with ReplicaServer(probe, port=0) as srv:
        order = srv.ground_truth()["wordpress"]["chain"]
    broken = order[10]
    result, truth, _ = run(tmp_path, ReplicaConfig(faults=(Fault(urlsplit(broken).path, "status_503", times=0,
                                                                   retry_after=0),)),
                           ["network.retries=1"])
    chain = result.chain
    assert len(chain["breaks"]) == 1
    brk = chain["breaks"][0]
    assert (brk["after_position"], brk["from"], brk["reason"], brk["bridged_to"]) == (11, broken, "error", order[11])
    assert brk["bridged_via"]
    assert [h["to"] for h in chain["hops"]] == order[1:]
    assert chain["hops"][10]["found_by"] == "bridge"
