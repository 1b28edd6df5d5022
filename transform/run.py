"""Plumbing of a transform run: find the WARCs, fan the work out, merge, write the manifest."""
from __future__ import annotations

import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from transform.corpus import file_sha256, merge_spills, schema_text, write_corpus
from transform.errors import NoWarcFiles, WarcUnreadable
from transform import iterate
from transform.iterate import TEXT_CAP, split_points
from transform.records import SCHEMA_VERSION
from transform.spill import dumps
from transform.work import Task, run_task

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
CONFIG = {"text_cap_bytes": TEXT_CAP, "platforms": ["wordpress", "tumblr"],
          "sort": "published (UTC), then id", "dedup": "one record per post id; shortlinks, redirects and revisits resolved"}


@dataclass
class TransformResult:
    corpus_dir: Path
    counts: dict[str, int]
    stats: dict[str, int]
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    warc_files: list[str] = field(default_factory=list)
    pieces: int = 0  # work pieces the WARCs were cut into (see `plan`)
    processes: int = 1  # worker processes that read them (1: no pool)


def find_warcs(out_dir: Path, warcs: Iterable[str | os.PathLike] | None) -> list[Path]:
    if warcs:
        paths = []
        for w in warcs:
            p = Path(w)
            if p.is_dir():
                paths.extend(sorted(q for q in p.iterdir() if q.name.endswith(WARC_SUFFIXES)))
            elif not p.exists():
                raise WarcUnreadable(str(p), "no such file")
            else:
                paths.append(p)
        if not paths:
            raise NoWarcFiles(", ".join(str(w) for w in warcs))
        return paths
    folder = out_dir / "harvest" / "warc"
    paths = sorted(q for q in folder.iterdir() if q.name.endswith(WARC_SUFFIXES)) if folder.is_dir() else []
    if not paths:
        still_open = sorted(q.name for q in folder.glob("*.open")) if folder.is_dir() else []
        if still_open:
            raise NoWarcFiles(f"{folder} (only unfinished *.open files: finish or resume the harvest first)")
        raise NoWarcFiles(str(folder))
    return paths


def _names(paths: list[Path]) -> list[str]:
    """Names that identify each WARC in `capture.warc_file`: the file name, made unique if needed."""
    names, seen = [], {}
    for p in paths:
        name = p.name
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return names


def _display_path(path: Path, out_dir: Path) -> str:
    try:
        return path.resolve().relative_to(out_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def plan(paths: list[Path], names: list[str], tmp: Path) -> list[Task]:
    """Pieces of work: each WARC file cut at gzip member boundaries about every 8 MB. The cuts
    depend on the files alone, never on the number of workers, so neither does the corpus."""
    tasks = []
    for p, name in zip(paths, names):
        points = split_points(p, iterate.RANGE_BYTES)
        for i, start in enumerate(points):
            end = points[i + 1] if i + 1 < len(points) else None
            tasks.append(Task(str(p), name, start, end, str(tmp / f"spill-{len(tasks):05d}.sqlite")))
    return tasks


def transform(out_dir: str | os.PathLike, warcs: Iterable[str | os.PathLike] | None = None, workers: int = 1,
              progress: bool | None = None) -> TransformResult:
    """Read the WARCs, write OUT/corpus; the corpus bytes depend on the WARCs alone."""
    out = Path(out_dir)
    paths = find_warcs(out, list(warcs) if warcs else None)
    for p in paths:
        if not os.access(p, os.R_OK):
            raise WarcUnreadable(str(p), "not readable")
    names = _names(paths)
    corpus = out / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    workers = max(1, int(workers or 1))
    if progress is None:
        progress = sys.stderr.isatty()
    with tempfile.TemporaryDirectory(prefix=".transform-", dir=corpus) as tmpname:
        tmp = Path(tmpname)
        tasks = plan(paths, names, tmp)
        spills = _run(tasks, workers, progress)
        db = merge_spills(spills, str(tmp / "merged.sqlite"))
        try:
            result = write_corpus(db, corpus, [])
        finally:
            db.close()
    (corpus / "schema.json").write_text(schema_text(), encoding="utf-8")
    sources = []
    for p, name in zip(paths, names):
        digest, size = file_sha256(p)
        sources.append({"name": name, "path": _display_path(p, out), "sha256": digest, "bytes": size})
    schema_sha, schema_bytes = file_sha256(corpus / "schema.json")
    files = dict(result.files)
    files["schema.json"] = {"sha256": schema_sha, "bytes": schema_bytes, "records": None}
    from wparchive import __version__

    ignored = sorted(q.name for q in (out / "harvest" / "warc").glob("*.open")) if not warcs else []
    manifest = {
        "tool": "wparchive transform",
        "unfinished_warcs_ignored": ignored,
        "tool_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "config": CONFIG,
        "counts": result.counts,
        "stats": result.stats,
        "files": dict(sorted(files.items())),
        "sources": sources,
    }
    (corpus / "manifest.json").write_text(dumps(manifest) + "\n", encoding="utf-8")
    return TransformResult(corpus_dir=corpus, counts=result.counts, stats=result.stats, files=files,
                           warc_files=[str(p) for p in paths], pieces=len(tasks), processes=_processes(tasks, workers))


def _processes(tasks: list[Task], workers: int) -> int:
    """How many worker processes `_run` starts for these pieces; 1 means it reads them in-process."""
    return 1 if workers == 1 or len(tasks) <= 1 else min(workers, len(tasks))


def _run(tasks: list[Task], workers: int, progress: bool) -> list[str]:
    total = sum(1 for _ in tasks)
    advance: Callable[[], None]
    bar = None
    if progress:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        bar = Progress(TextColumn("transform"), BarColumn(), MofNCompleteColumn(), TextColumn("WARC parts"),
                       TimeElapsedColumn(), transient=False)
        bar.start()
        tid = bar.add_task("transform", total=total)
        advance = lambda: bar.advance(tid)  # noqa: E731
    else:
        advance = lambda: None  # noqa: E731
    try:
        if _processes(tasks, workers) == 1:
            done = []
            for t in tasks:
                done.append(run_task(t))
                advance()
            return done
        with ProcessPoolExecutor(max_workers=_processes(tasks, workers)) as pool:
            done = []
            for spill in pool.map(run_task, tasks):
                done.append(spill)
                advance()
            return done
    finally:
        if bar is not None:
            bar.stop()
