"""Settings a user sees the effect of: Crawl-delay, --ignore-robots, rotation, proxies, credentials, output."""
from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from harvester import StateError, harvest, load_config

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "replica" / "harvest.toml"
SMALL = ["progress.mode=quiet", "tumblr.blogs=[]"]


def served(replica_cfg=None):
    from replica import ReplicaConfig, ReplicaServer

    return ReplicaServer(replica_cfg or ReplicaConfig(), port=0)


def warcinfo_texts(out: Path) -> list[str]:
    texts = []
    for path in sorted((out / "harvest" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            rec = next(iter(ArchiveIterator(fh)))
            assert rec.rec_type == "warcinfo"
            texts.append(rec.content_stream().read().decode())
    return texts


@pytest.mark.slow
def test_crawl_delay_from_robots_txt_is_honoured(tmp_path):
    from replica import ReplicaConfig

    with served(ReplicaConfig(crawl_delay=0.3)) as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "politeness.delay=0",
                                           "limits.max_pages=10", *SMALL])
        result = harvest(cfg, tmp_path / "out")
        times = sorted(datetime.fromisoformat(r["time"].replace("Z", "+00:00")).timestamp()
                       for r in srv.request_log() if r["host"] == "projektbesok.se")
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(gaps) >= 8 and min(gaps) >= 0.27, gaps
    assert "Crawl-delay 0.3s" in result.summary["robots_policy"]["hosts"]["projektbesok.se"]


def test_ignore_robots_is_written_into_every_warcinfo(tmp_path):
    with served() as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "limits.max_pages=5", *SMALL])
        result = harvest(cfg, tmp_path / "out", ignore_robots=True)
    assert result.summary["robots_policy"]["respected"] is False
    assert all("robots: ignore" in text for text in warcinfo_texts(tmp_path / "out"))


@pytest.mark.slow
def test_warc_files_rotate_at_the_configured_size_with_iipc_names(tmp_path):
    with served() as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "warc.max_size=150000",
                                           "warc.prefix=BESOK", "limits.max_pages=120", *SMALL])
        result = harvest(cfg, tmp_path / "out")
    files = result.warc_files
    assert len(files) >= 3
    assert all(re.fullmatch(r"BESOK-\d{14}-\d{5}-[A-Za-z0-9.-]+\.warc\.gz", f) for f in files), files
    assert [int(f.split("-")[2]) for f in files] == list(range(1, len(files) + 1))
    assert len(warcinfo_texts(tmp_path / "out")) == len(files)
    paths = [str(tmp_path / "out" / "harvest" / "warc" / f) for f in files]
    proc = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", *paths], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-1500:]


def test_http_proxy_environment_variable_is_used_when_no_proxy_is_configured(tmp_path, monkeypatch):
    with served() as srv:
        monkeypatch.setenv("http_proxy", srv.proxy_url)
        cfg = load_config(TOML, overrides=["limits.max_pages=4", *SMALL])
        assert cfg.network.proxy == ""
        result = harvest(cfg, tmp_path / "out")
        assert len(srv.request_log()) >= 4
    assert result.counters["responses"] >= 4


def test_proxy_credentials_never_reach_logs_summary_config_or_warcs(tmp_path):
    with served() as srv:
        proxy = srv.proxy_url.replace("http://", "http://archivist:s3cretpass@")
        cfg = load_config(TOML, overrides=[f"network.proxy={proxy}", "limits.max_pages=5", *SMALL])
        harvest(cfg, tmp_path / "out")
    token = base64.b64encode(b"archivist:s3cretpass").decode()
    for path in (tmp_path / "out" / "harvest").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                import gzip
                data = gzip.decompress(data)
            assert b"s3cretpass" not in data and token.encode() not in data, path


@pytest.mark.parametrize("override, key", [
    ("wordpress.site=http://archivist:s3cretpass@projektbesok.se/", "wordpress.site"),
    ("wordpress.chain_start=http://archivist:s3cretpass@projektbesok.se/2012/05/29/a/", "wordpress.chain_start"),
    ("wordpress.listings=['/arkiv/', 'http://archivist:s3cretpass@projektbesok.se/dokument/']", "wordpress.listings"),
    ("tumblr.blogs=['archivist:s3cretpass@besokholland.tumblr.com']", "tumblr.blogs"),
    ("scope.extra_hosts=['archivist:s3cretpass@www.projektbesok.se']", "scope.extra_hosts"),
])
def test_credentials_in_url_settings_are_refused_before_they_reach_config_summary_or_warcinfo(
        tmp_path, capsys, override, key):
    """Only network.proxy keeps its credentials out of what is written; every other URL setting refuses them."""
    from harvester import ConfigError
    from wparchive.cli import main

    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=[override])
    assert info.value.key == key and "network.proxy" in str(info.value) and "user:password@" in str(info.value)
    assert "s3cretpass" not in str(info.value), "the refusal does not repeat the secret"
    assert main(["harvest", str(TOML), "--out", str(tmp_path / "out"), "--set", override]) == 2
    err = capsys.readouterr().err
    assert key in err and "s3cretpass" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("url, secret", [("http://u:p/ss@h/", "p/ss"), ("http://u:12#x@evil/", "12#x")])
@pytest.mark.parametrize("key", ["wordpress.site", "network.proxy"])
def test_a_password_holding_a_slash_hash_or_question_mark_is_masked_and_refused(tmp_path, capsys, url, secret, key):
    """`/`, `?` or `#` end a URL's host part, so a parser reads host `u`, port `p` or `12`; the `@` after
    them still marks a password: refused (the proxy too, which is told to percent-encode), never repeated."""
    from harvester import ConfigError
    from wparchive.cli import main

    with pytest.raises(ConfigError) as info:
        load_config(TOML, overrides=[f"{key}={url}"])
    assert info.value.key == key and secret not in str(info.value) and "***@" in str(info.value)
    assert main(["harvest", str(TOML), "--out", str(tmp_path / "out"), "--set", f"{key}={url}"]) == 2
    err = capsys.readouterr().err
    assert key in err and secret not in err
    assert not (tmp_path / "out").exists()


def test_rerun_without_resume_refuses_to_mix_two_harvests(tmp_path):
    with served() as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "limits.max_pages=3", *SMALL])
        harvest(cfg, tmp_path / "out")
        with pytest.raises(StateError, match="--resume"):
            harvest(cfg, tmp_path / "out")


def test_plain_progress_lines_and_a_summary_when_not_on_a_terminal(tmp_path):
    with served() as srv:
        proc = subprocess.run(
            [sys.executable, "-m", "wparchive", "harvest", str(TOML), "--out", str(tmp_path / "out"), "--proxy",
             srv.proxy_url, "--set", "limits.max_pages=20", "--set", "tumblr.blogs=[]", "--set",
             "progress.interval=0"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "wparchive harvest: pages" in proc.stderr and "wparchive harvest: done:" in proc.stderr
    summary = json.loads((tmp_path / "out" / "harvest" / "summary.json").read_text())
    assert summary["limit_reached"] is True


def test_responses_over_the_size_cap_are_dropped_with_a_clear_outcome(tmp_path):
    with served() as srv:
        cfg = load_config(TOML, overrides=[f"network.proxy={srv.proxy_url}", "limits.max_response_bytes=2048",
                                           "limits.max_pages=40", *SMALL])
        result = harvest(cfg, tmp_path / "out")
    lines = [json.loads(l) for l in (tmp_path / "out" / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    too_large = [l for l in lines if l["outcome"] == "too_large"]
    assert too_large and all("exceeds 2048 bytes" in l["reason"] and l["warc_file"] is None for l in too_large)
    assert result.skips["too_large"] == len(too_large)
