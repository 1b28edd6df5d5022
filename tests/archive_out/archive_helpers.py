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


def visible_text(html_path: Path, workdir: Path) -> str:
    """The text a person sees on the page: chromium prints it to PDF, pdftotext (poppler-utils) reads it
    back. Unlike --dump-dom, nothing hidden (closed <details>, SVG tooltips, display:none) is in it."""
    pdftotext = require_program("pdftotext")
    pdf = workdir / (html_path.stem + ".pdf")
    printed = chromium(html_path.resolve().as_uri(), "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert printed.returncode == 0 and pdf.exists(), printed.stderr.decode(errors="replace")[-2000:]
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=120)
    assert text.returncode == 0, text.stderr
    return text.stdout


def visible_lines(text: str) -> list[str]:
    """Lines of pdftotext output with runs of spaces (table columns) squeezed to one space."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
