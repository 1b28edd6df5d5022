"""Whether a harvest in OUT is finished, read from what it left on disk (for `run --resume`); writes nothing."""
from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from harvester.state import pending_count, retry_candidates


@dataclass(frozen=True)
class HarvestStatus:
    """`complete` only when a resume would fetch nothing; `why` says what is left otherwise."""

    complete: bool
    finished: str | None = None
    why: str = ""


def harvest_status(out_dir) -> HarvestStatus:
    """Finished means: summary.json written, no `*.open` WARC, nothing queued or held, nothing to retry."""
    hdir = Path(out_dir) / "harvest"
    state_path = hdir / "state.sqlite"
    if not state_path.is_file():
        return HarvestStatus(False, why="no crawl state (harvest/state.sqlite)")
    try:
        summary = json.loads((hdir / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return HarvestStatus(False, why="no harvest/summary.json (the harvest did not finish)")
    left_open = sorted(p.name for p in (hdir / "warc").glob("*.open"))
    if left_open:
        return HarvestStatus(False, why=f"WARC file(s) still open: {', '.join(left_open)}")
    try:
        with closing(sqlite3.connect(str(state_path))) as db:
            pending = pending_count(db)
            bad_hosts, retry = retry_candidates(db)
    except sqlite3.Error as exc:
        return HarvestStatus(False, why=f"crawl state unreadable: {exc}")
    if pending:
        return HarvestStatus(False, why=f"{pending} URL(s) left in the frontier")
    if retry or bad_hosts:
        return HarvestStatus(False, why=f"{len(retry)} URL(s) and {len(bad_hosts)} robots.txt to try again")
    return HarvestStatus(True, finished=summary.get("finished"))
