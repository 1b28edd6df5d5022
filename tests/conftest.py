"""Session-wide fixtures shared by every test area."""
from __future__ import annotations

import os
import shutil

import pytest


def require_program(name: str) -> str:
    """Path of an external program; skip locally when missing, fail under CI where it must exist."""
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is not installed; .ci/run must install it")
    pytest.skip(f"{name} is not installed")


@pytest.fixture(scope="session")
def replica():
    """The default replica (86 posts, three blogs) on a free loopback port, for the whole session."""
    from replica import ReplicaConfig, ReplicaServer

    with ReplicaServer(ReplicaConfig(), port=0) as server:
        yield server


from pathlib import Path  # noqa: E402  (appended by the harvester area)

REPLICA_HARVEST_TOML = Path(__file__).resolve().parent.parent / "replica" / "harvest.toml"
_HARVEST_REQUESTS: dict[str, list] = {}


@pytest.fixture(scope="session")
def harvested(replica, tmp_path_factory):
    """A full harvest of the session replica (replica/harvest.toml through its proxy); returns the OUT Path."""
    from harvester import harvest, load_config

    out = tmp_path_factory.mktemp("harvested")
    cfg = load_config(REPLICA_HARVEST_TOML, overrides=[f"network.proxy={replica.proxy_url}", "progress.mode=quiet"])
    before = len(replica.request_log())
    harvest(cfg, out)
    _HARVEST_REQUESTS[str(out)] = replica.request_log()[before:]
    return out


@pytest.fixture(scope="session")
def harvested_requests(harvested):
    """The replica's request-log entries made by the `harvested` crawl (nothing else ran meanwhile)."""
    return _HARVEST_REQUESTS[str(harvested)]
