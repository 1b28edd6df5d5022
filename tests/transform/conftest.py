"""Fixtures for the transform tests: WARCs of the session replica made by Debian's wget and by our
harvester, each turned into a corpus once per session."""
from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("_wparchive_tests_root", Path(__file__).parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_program = _root.require_program

BLOGS = ("besokholland", "besokdanmark", "besokengland")
# The calendar's ?m= links never end; replytocom, feeds, search and shortlinks only repeat pages.
WGET_REJECT = r"(\?m=|replytocom|\?s=|/feed/$|xmlrpc|wp-login|\?p=|\?attachment_id)"


def wget_mirror(proxy_url: str, out: Path) -> Path:
    """Mirror the replica with Debian's wget into `out/site.warc.gz`; returns the WARC path."""
    wget = require_program("wget")
    out.mkdir(parents=True, exist_ok=True)
    starts = ["http://projektbesok.se/"] + [
        f"http://{b}.tumblr.com/{p}" for b in BLOGS for p in ("", "api/read?num=50", "api/read/json?num=50", "rss")]
    cmd = [wget, "--mirror", "-e", "robots=on", "-e", "use_proxy=yes", "-e", f"http_proxy={proxy_url}",
           "--warc-file", str(out / "site"), "--no-warc-keep-log", "--no-verbose", "-H",
           "--domains=projektbesok.se,tumblr.com", "--reject-regex", WGET_REJECT, "-P", str(out / "files")] + starts
    # wget exits 8 when some URL answered an error (e.g. robots-excluded paths); the WARC is complete.
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env={"PATH": "/usr/bin:/bin", "HOME": str(out)})
    warc = out / "site.warc.gz"
    assert warc.exists(), f"wget made no WARC (exit {proc.returncode}): {proc.stderr[-2000:]}"
    return warc


@pytest.fixture(scope="session")
def wget_warc(replica, tmp_path_factory) -> Path:
    return wget_mirror(replica.proxy_url, tmp_path_factory.mktemp("wget"))


@pytest.fixture(scope="session")
def wget_corpus(wget_warc, tmp_path_factory) -> Path:
    from transform import transform

    out = tmp_path_factory.mktemp("wget-out")
    transform(out, warcs=[wget_warc], workers=1)
    return out / "corpus"


@pytest.fixture(scope="session")
def harvested_corpus(harvested, tmp_path_factory) -> Path:
    """Our transform over our harvester's WARCs (written beside them, as `wparchive run` does)."""
    from transform import transform

    out = tmp_path_factory.mktemp("harvested-out")
    warcs = sorted((Path(harvested) / "harvest" / "warc").glob("*.warc.gz"))
    transform(out, warcs=warcs, workers=2)
    return out / "corpus"
