"""Listing pages: configured ones that exist, and the navigation menu's, so a wrong guess costs nothing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from harvester import harvest, load_config

TOML = Path(__file__).resolve().parents[2] / "replica" / "harvest.toml"


@pytest.fixture(scope="module")
def truth(replica):
    return replica.ground_truth()


def summary_of(out: Path) -> dict:
    return json.loads((out / "harvest" / "summary.json").read_text(encoding="utf-8"))


def test_every_listing_the_demo_config_names_exists_on_the_replica(harvested):
    cfg = load_config(TOML)
    listings = {x["url"]: x for x in summary_of(harvested)["listings"]}
    configured = {f"http://projektbesok.se{path}" for path in cfg.wordpress.listings}
    assert configured <= set(listings)
    assert {u: listings[u]["status"] for u in configured} == {u: 200 for u in configured}
    assert listings["http://projektbesok.se/kalender/arkiv/"]["posts"] >= 10  # its first page


def test_a_wrong_listing_guess_is_named_and_the_menu_finds_the_real_arkiv(replica, truth, tmp_path, capsys):
    cfg = load_config(TOML, overrides=[f"network.proxy={replica.proxy_url}", "progress.mode=plain",
                                       'wordpress.listings=["/arkiv/"]'])
    result = harvest(cfg, tmp_path / "out")
    listings = {x["url"]: x for x in result.summary["listings"]}
    assert listings["http://projektbesok.se/arkiv/"] == {"url": "http://projektbesok.se/arkiv/", "found_by": "config",
                                                         "status": 404, "posts": 0}
    arkiv = listings["http://projektbesok.se/kalender/arkiv/"]
    assert arkiv["found_by"] == "menu" and arkiv["posts"] >= 10
    said = capsys.readouterr().err
    assert "configured listing http://projektbesok.se/arkiv/ answered HTTP 404" in said
    assert "found in the navigation menu" in said
    log = [json.loads(line) for line in (tmp_path / "out" / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    fetched = {l["url"] for l in log if l["outcome"] == "fetched"}
    assert {p["url"] for p in truth["wordpress"]["posts"]} <= fetched
