"""What one `wparchive run` against the real site left behind, and the lines the CI log shows."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

REPORT: list[str] = []
"""Lines for the end of the pytest output, so the CI log shows the site, the runs and the comparison."""


def report(line: str) -> None:
    REPORT.append(line)


@dataclass(frozen=True)
class PipelineRun:
    """One `wparchive run` against the real site with one theme active."""

    theme: str
    out: Path
    returncode: int
    output: str
    seconds: float
    requests: tuple[dict, ...]
    truth: dict

    def jsonl(self, name: str) -> list[dict]:
        path = self.out / "corpus" / name
        with open(path, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]

    def json(self, *parts: str) -> dict:
        return json.loads(self.out.joinpath(*parts).read_text(encoding="utf-8"))
