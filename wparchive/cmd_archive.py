"""CLI for `wparchive package`, `wparchive report` and `wparchive verify` (archive_out)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(sub) -> None:
    p = sub.add_parser("package", help="write OUT/package (CDXJ, WACZ, BagIt bag) and OUT/report",
                       description="Index the harvest's WARCs (CDXJ), pack them with the corpus's posts as entry "
                       "points into a WACZ, build the completeness report and bag everything (BagIt, sha256+sha512). "
                       "By default the bag's WARCs are hard links to OUT/harvest/warc where the file system allows: "
                       "no second copy of large files, but also no second copy to restore from (one damaged byte "
                       "shows in both places; the WACZ holds its own copy). Use --copy for a bag that stands on its own.")
    p.add_argument("out", metavar="OUT", help="the output folder of a harvest and transform")
    p.add_argument("--copy", action="store_true",
                   help="put real copies of the WARCs into the bag instead of hard links (needs the disk space)")
    p.set_defaults(func=run_package)

    r = sub.add_parser("report", help="(re)build OUT/report/completeness.json and index.html",
                       description="Compare every route to the posts (chain, listings, feeds, Tumblr API/RSS) with "
                       "the archive; exit 1 if the verdict is INCOMPLETE.")
    r.add_argument("out", metavar="OUT", help="an output folder with harvest/ and corpus/ (OUT/report is written)")
    r.set_defaults(func=run_report)

    v = sub.add_parser("verify", help="re-check every digest of an OUT folder, a bag or a WACZ",
                       description="Recompute WARC record digests, corpus provenance and schema, bag manifests and WACZ "
                       "hashes. Writes nothing. Exit 0 only if everything holds.")
    v.add_argument("path", metavar="PATH", help="an OUT folder, a bag folder or a .wacz file")
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    v.set_defaults(func=run_verify)


def _err(message: str) -> None:
    print(f"wparchive: {message}", file=sys.stderr)


def fmt_bytes(n: int) -> str:
    """6308644 -> '6.3 MB (6,308,644 bytes)'."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size:
            return f"{n / size:.1f} {unit} ({n:,} bytes)"
    return f"{n:,} bytes"


def describe_bag(bag) -> str:
    how = f"{bag.linked} WARC hard-linked, {bag.copied} copied" if bag.linked else f"{bag.copied} copied"
    return f"{bag.files} payload files ({how}) + {bag.tag_files} tag files"


def describe_wacz(wacz) -> str:
    return f"{wacz.pages} pages, {wacz.resources} resources, {fmt_bytes(wacz.bytes)}"


def print_report_summary(report, stream=None) -> None:
    stream = stream or sys.stdout
    checks = report.data.get("checks") or []
    print(f"verdict: {report.verdict}" + (f" ({sum(c['passed'] for c in checks)} of {len(checks)} checks passed)"
                                          if checks else ""), file=stream)
    for reason in report.reasons:
        print(f"  - {reason['message']}", file=stream)
    print(f"report: {report.html_path}", file=stream)


def run_package(args) -> int:
    from archive_out import ArchiveOutError, package

    try:
        result = package(args.out, copy=args.copy)
    except ArchiveOutError as exc:
        _err(str(exc))
        return EXIT_USAGE
    print(f"index: {result.cdxj} ({result.cdxj_lines} lines)")
    print(f"wacz:  {result.wacz.path} ({describe_wacz(result.wacz)})")
    print(f"bag:   {result.bag.path} ({describe_bag(result.bag)})")
    if result.bag.linked:
        print("       the bag's WARCs are hard links to harvest/warc (one file on disk); --copy makes real copies")
    for warning in result.warnings:
        _err(f"warning: {warning.message}")
    print_report_summary(result.report)
    return EXIT_OK


def run_report(args) -> int:
    from archive_out import ArchiveOutError, build_report

    try:
        report = build_report(args.out)
    except ArchiveOutError as exc:
        _err(str(exc))
        return EXIT_USAGE
    print_report_summary(report)
    return EXIT_OK if report.complete else EXIT_FAILED


class RichProgress:
    """A byte-counting progress bar on stderr, for verify over large archives."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

        self.progress = Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                                 TransferSpeedColumn(), TimeRemainingColumn(), console=Console(stderr=True),
                                 transient=True)
        self.task = None

    def start(self, total: int) -> None:
        self.progress.start()
        self.task = self.progress.add_task("verifying", total=total or None)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)

    def stop(self) -> None:
        self.progress.stop()


def describe(result) -> str:
    """One line of what verify counted, each number named by what it counts."""
    c = result.checked
    parts = [f"{c.get('warc_files', 0)} WARC file(s): {c.get('warc_records', 0):,} records, "
             f"{c.get('digests', 0):,} record digests"]
    if c.get("warc_bytes_unchecked"):
        parts.append(f"{c['warc_bytes_unchecked']:,} WARC bytes unreadable")
    if c.get("corpus_records"):
        parts.append(f"{c['corpus_records']:,} corpus records ({c.get('provenance', 0):,} provenance checks)")
    if c.get("bag_files"):
        parts.append(f"bag: {c.get('bag_payload_files', 0)} payload + "
                     f"{c.get('bag_tag_files', 0) + c.get('bag_tag_manifests', 0)} tag files")
    if c.get("wacz_entries") or c.get("wacz_members"):
        parts.append(f"WACZ: {c.get('wacz_members', 0)} resources hashed of {c.get('wacz_entries', 0)} zip entries")
    return ", ".join(parts)


KIND_NAMES = {"out": "output folder", "bag": "BagIt bag", "wacz": "WACZ"}


def print_verify(result, path, stream) -> None:
    print(f"verified {Path(path)} ({KIND_NAMES.get(result.kind, result.kind)})", file=stream)
    if result.parts:
        width = max(len(p.name) for p in result.parts)
        for part in result.parts:
            state = "FAILED:" if part.state == "failed" else part.state
            print(f"  {part.name:<{width}}  {state:<7}  {part.note}".rstrip(), file=stream)
    else:
        print(f"  {describe(result)}", file=stream)
    for failure in result.failures:
        print(f"  FAIL {failure}", file=stream)
        if failure.remedy:
            print(f"       remedy: {failure.remedy}", file=stream)
    if result.ok:
        absent = [p.name for p in result.parts if p.state == "absent"]
        print("OK: everything present holds" + (f" (not made yet: {', '.join(absent)})" if absent else ""), file=stream)
    else:
        print(f"FAILED: {len(result.failures)} problem(s)", file=stream)


def verify_json(result) -> dict:
    return {
        "path": str(result.path), "kind": result.kind, "ok": result.ok, "checked": result.checked,
        "parts": [{"name": p.name, "state": p.state, "note": p.note} for p in result.parts],
        "failures": [{"type": type(f).__name__, "file": f.file, "record": f.record, "expected": f.expected,
                      "found": f.found, "detail": f.detail, "part": f.part, "remedy": f.remedy}
                     for f in result.failures],
    }


def run_verify_path(path: str, as_json: bool = False, show_progress: bool = True, stream=None) -> int:
    from archive_out import ArchiveOutError, verify

    stream = stream or sys.stdout
    bar = RichProgress() if show_progress and sys.stderr.isatty() else None
    try:
        result = verify(path, progress=bar)
    except ArchiveOutError as exc:
        _err(str(exc))
        return EXIT_USAGE
    finally:
        if bar:
            bar.stop()
    if as_json:
        print(json.dumps(verify_json(result), indent=2, ensure_ascii=False), file=stream)
    else:
        print_verify(result, path, stream)
    return EXIT_OK if result.ok else EXIT_FAILED


def run_verify(args) -> int:
    return run_verify_path(args.path, args.json, not args.no_progress)
