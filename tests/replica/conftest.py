"""Helpers for the replica's tests: a requests session through the proxy, and fresh replicas with options."""
from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path
from typing import Iterator

import pytest
import requests

from replica import ReplicaConfig, ReplicaServer

_spec = importlib.util.spec_from_file_location("_wparchive_tests_root", Path(__file__).parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_program = _root.require_program


def proxied(server: ReplicaServer) -> requests.Session:
    """A requests session that uses the replica as its HTTP proxy and ignores the environment."""
    s = requests.Session()
    s.trust_env = False
    s.proxies = {"http": server.proxy_url}
    s.headers["User-Agent"] = "wparchive-tests/1.0"
    return s


@contextlib.contextmanager
def running(**options) -> Iterator[ReplicaServer]:
    with ReplicaServer(ReplicaConfig(**options), port=0) as server:
        yield server


@pytest.fixture(scope="session", name="proxied")
def proxied_fixture():
    """proxied(server) -> a requests session through that replica."""
    return proxied


@pytest.fixture(scope="session", name="running")
def running_fixture():
    """running(**ReplicaConfig options) -> a context manager serving a fresh replica."""
    return running


@pytest.fixture(scope="session")
def http(replica) -> requests.Session:
    return proxied(replica)


@pytest.fixture(scope="session")
def truth(replica) -> dict:
    return replica.ground_truth()


@pytest.fixture(scope="session")
def wget() -> str:
    """Debian's wget: skipped locally when missing, a failure under CI."""
    return require_program("wget")
