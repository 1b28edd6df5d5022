"""Helpers shared by the archive_out and e2e tests: tools from the venv, Debian programs, chromium."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

VENV_BIN = Path(sys.executable).parent
_spec = importlib.util.spec_from_file_location("_wparchive_tests_root", Path(__file__).parents[1] / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_program = _root.require_program


def venv_tool(name: str) -> str:
    """A console script installed with the package's dependencies (warcio, wacz, bagit.py, ...)."""
    path = VENV_BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed beside {sys.executable}; install the package's dependencies")
    return str(path)


def chromium(url: str, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run Debian's chromium headless on a URL with a throw-away profile and no background traffic."""
    program = require_program("chromium")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [program, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}", *args, url]
        return subprocess.run(cmd, capture_output=True, timeout=timeout)
