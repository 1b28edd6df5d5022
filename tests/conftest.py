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
