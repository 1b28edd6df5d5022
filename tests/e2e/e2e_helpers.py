"""Helpers for the end-to-end tests: the replica's harvest config, one pipeline run."""
from __future__ import annotations

import io
import sys
from importlib.resources import files
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "archive_out"))

CONFIG = str(files("replica") / "harvest.toml")


def run_against(server, out: Path, resume: bool = False) -> tuple[int, str]:
    """Run the whole pipeline through the replica's proxy; the exit code and what it printed."""
    from wparchive.cmd_pipeline import Display, run_pipeline

    buf = io.StringIO()
    code = run_pipeline(CONFIG, out, [f"network.proxy={server.proxy_url}"], resume=resume, workers=1,
                        display=Display(buf))
    return code, buf.getvalue()
