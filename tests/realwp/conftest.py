"""Fixtures for the real-WordPress tests: the site from setup.sh, and one `wparchive run` per theme."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from realwp_run import REPORT, PipelineRun, report  # noqa: E402
from wpsite import THEMES, Layout, RealWordPress, is_built  # noqa: E402

_spec = importlib.util.spec_from_file_location("_wparchive_tests_root", HERE.parent / "conftest.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
require_program = _root.require_program

HARVEST_TOML = HERE / "harvest.toml"
RUN_TIMEOUT_S = 900


def pytest_terminal_summary(terminalreporter) -> None:
    if REPORT:
        terminalreporter.section("real WordPress (tests/realwp)")
        for line in REPORT:
            terminalreporter.write_line(line)


def require_realwp() -> Layout:
    """The built site; skip locally, fail under CI, when tests/realwp/setup.sh has not run."""
    require_program("php")
    require_program("mariadb-install-db")
    layout = Layout.default()
    if not is_built(layout):
        message = f"no up-to-date real WordPress in {layout.home}: run tests/realwp/setup.sh first"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return layout


@pytest.fixture(scope="session")
def realwp():
    layout = require_realwp()
    began = time.monotonic()
    with RealWordPress(layout) as site:
        truth = site.truth()
        report(f"WordPress {truth['site']['wordpress_version']} ({truth['site']['locale']}, "
               f"{truth['site']['timezone']}) started in {time.monotonic() - began:.1f} s: "
               f"mariadbd pid {site.db.process.pid}, php -S 127.0.0.1:{site.php_port} pid {site.php.pid}, "
               f"proxy {site.proxy_url}; {len(truth['posts'])} published posts, {len(truth['hidden'])} not public")
        yield site


@pytest.fixture(scope="session", params=THEMES)
def run(request, realwp, tmp_path_factory) -> PipelineRun:
    """`wparchive run` with THEME active; its OUT folder is kept in $REALWP_OUT/THEME when that is set."""
    theme = request.param
    realwp.switch_theme(theme)
    realwp.proxy.log.clear()
    keep = os.environ.get("REALWP_OUT")
    if keep:
        out = Path(keep) / theme
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
    else:
        out = tmp_path_factory.mktemp(f"realwp-{theme}")
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "wparchive", "run", str(HARVEST_TOML), "--out", str(out),
         "--proxy", realwp.proxy_url],
        capture_output=True, text=True, timeout=RUN_TIMEOUT_S, env=dict(os.environ, TZ="UTC"),
    )
    seconds = time.monotonic() - began
    output = done.stdout + done.stderr
    report(f"[{theme}] wparchive run exited {done.returncode} after {seconds:.1f} s, "
           f"{len(realwp.request_log())} requests through the proxy")
    for line in output.splitlines()[-12:]:
        if line.strip() and not line.startswith("wparchive harvest: pages"):
            report(f"[{theme}]   {line.strip()}")
    return PipelineRun(theme, out, done.returncode, output, seconds, tuple(realwp.request_log()), realwp.truth())
