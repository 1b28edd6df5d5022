"""Fixtures for archive_out: a contract-shaped OUT folder built with warcio, packaged or not."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from out_synth import build_out  # noqa: E402


@pytest.fixture
def synth_out(tmp_path):
    return build_out(tmp_path / "out")


@pytest.fixture
def packaged(synth_out):
    from archive_out import package

    package(synth_out.root)
    return synth_out
