"""Progress: a rich live bar on a terminal, plain periodic lines otherwise, nothing when quiet."""
from __future__ import annotations

import sys
import threading
import time
from typing import Any


def _human(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000:
            return f"{n:.0f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


def chain_words(chain: dict[str, Any]) -> str:
    """The chain in the final line, without leaking a missing start as 'None'."""
    if not chain.get("start"):
        return "no chain (its first post was not found)" if chain.get("phase") not in (None, "off") else "no chain"
    breaks = len(chain.get("breaks", []))
    return f"chain of {chain.get('length', 0)} posts from {chain['start']} ({breaks} break{'s' if breaks != 1 else ''})"


def expected_words(counters: dict[str, int]) -> str:
    """The 4xx answers that are no error (robots.txt unavailable, absent sitemaps/feeds), if any."""
    n = counters.get("expected_absences", 0)
    return f", {n} expected absence{'s' if n != 1 else ''} (robots.txt, sitemaps, feeds)" if n else ""


def rate(responses: int, responses_before: int, elapsed: float) -> float:
    """Pages per second of this run: what a resume started from does not count against its elapsed time."""
    return max(0, responses - responses_before) / max(0.001, elapsed)


class Progress:
    def __init__(self, mode: str = "auto", interval: float = 5.0, stream=None):
        self.stream = stream or sys.stderr
        if mode == "auto":
            mode = "bar" if getattr(self.stream, "isatty", lambda: False)() else "plain"
        self.mode = mode
        self.interval = interval
        self.snap: dict[str, Any] = {}
        self.t0 = time.monotonic()
        self.responses_before = 0
        self._last = 0.0
        self._bar = None
        self._task = None
        self._lock = threading.Lock()

    def start(self, responses_before: int = 0) -> None:
        """Start the clock; `responses_before` are the pages a resumed harvest had already (shown, not timed)."""
        self.t0 = time.monotonic()
        self.responses_before = responses_before
        if self.mode == "bar":
            from rich.progress import BarColumn, Progress as RichProgress, TextColumn, TimeElapsedColumn
            self._bar = RichProgress(TextColumn("[bold]harvest"), BarColumn(), TextColumn("{task.description}"),
                                     TimeElapsedColumn(), transient=False)
            self._bar.start()
            self._task = self._bar.add_task("starting", total=None)

    def _line(self) -> str:
        s = self.snap
        per_second = rate(s.get("responses", 0), self.responses_before, time.monotonic() - self.t0)
        return (f"pages {s.get('responses', 0)}  {_human(s.get('bytes', 0))}  {per_second:.1f}/s  "
                f"queue {s.get('queue', 0)}  errors {s.get('errors', 0)}  chain {s.get('chain', 0)}")

    def update(self, snap: dict[str, Any]) -> None:
        with self._lock:
            self.snap = snap
            now = time.monotonic()
            if self.mode == "bar" and self._bar is not None:
                self._bar.update(self._task, description=self._line(),
                                 completed=snap.get("responses", 0),
                                 total=snap.get("responses", 0) + snap.get("queue", 0))
            elif self.mode == "plain" and now - self._last >= self.interval:
                self._last = now
                print(f"wparchive harvest: {self._line()}", file=self.stream, flush=True)

    def event(self, line: dict[str, Any]) -> None:
        if self.mode == "plain" and line.get("outcome") in ("network_error", "too_large"):
            url, reason = line.get("url"), str(line.get("reason") or "")
            print(f"wparchive harvest: {line['outcome']}: {url}: {reason.removeprefix(f'{url}: ')}",
                  file=self.stream, flush=True)

    def note(self, message: str) -> None:
        if self.mode != "quiet":
            print(f"wparchive harvest: {message}", file=self.stream, flush=True)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def final(self, summary: dict[str, Any]) -> None:
        if self.mode == "quiet":
            return
        c = summary["counters"]
        chain = summary["chain"]
        if not c.get("responses", 0):
            print(f"wparchive harvest: stopped: no response captured, {c.get('requests', 0)} request(s) failed; "
                  f"{len(summary['warc_files'])} WARC file(s)", file=self.stream, flush=True)
            return
        print(f"wparchive harvest: done: {c.get('responses', 0)} responses, {c.get('requests', 0)} requests, "
              f"{_human(c.get('bytes', 0))}, {c.get('errors', 0)} errors{expected_words(c)}, "
              f"{c.get('retries', 0)} retries; "
              f"{chain_words(chain)}; skipped {sum(summary['skips'].values())}; "
              f"{len(summary['warc_files'])} WARC file(s)", file=self.stream, flush=True)
        listings = summary.get("listings") or []
        if listings:
            found = [x for x in listings if x["found_by"] == "menu"]
            missing = [x for x in listings if x["found_by"] == "config" and (x["status"] or 0) >= 400]
            print(f"wparchive harvest: listings walked: {len(listings) - len(missing)}"
                  + (f" ({len(found)} found in the navigation menu)" if found else ""), file=self.stream, flush=True)
            for x in missing:
                print(f"wparchive harvest: configured listing {x['url']} answered HTTP {x['status']}; "
                      "check wordpress.listings", file=self.stream, flush=True)
