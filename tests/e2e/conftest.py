"""Fixtures for the end-to-end tests: one full `wparchive run` against the default replica."""
from __future__ import annotations

import pytest

from e2e_helpers import run_against


@pytest.fixture(scope="session")
def pipeline(replica, tmp_path_factory):
    """(OUT, exit code, output, ground truth) of one run against the default replica."""
    out = tmp_path_factory.mktemp("e2e") / "out"
    code, text = run_against(replica, out)
    return out, code, text, replica.ground_truth()
