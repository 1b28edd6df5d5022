"""CLI for `wparchive run CONFIG` (harvest → transform → package → report → verify) and `wparchive demo`.

`run` records each finished stage in OUT/pipeline.json with a fingerprint of that stage's input,
so `--resume` redoes only what is unfinished, whose input changed or whose outputs are gone;
verify always runs. A stage run by hand (no pipeline.json entry) counts as done when its outputs
say so: a finished harvest, a manifest naming the current WARCs, package files newer than the corpus.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from wparchive.cmd_archive import describe, describe_bag, describe_wacz
from wparchive.cmd_harvest import describe_changes, nothing_to_resume, resume_command

STATE_FILE = "pipeline.json"
STAGES = ("harvest", "transform", "package", "verify")


def register(sub) -> None:
    r = sub.add_parser("run", help="the whole pipeline: harvest, transform, package, report, verify",
                       description="Harvest the sites in CONFIG, build the corpus, the packages and the completeness "
                       "report, then verify everything. Interrupt at any time; --resume continues at the stage that "
                       "did not finish. Exit 0 only if the report says COMPLETE and verify finds nothing wrong.")
    r.add_argument("config", metavar="CONFIG", help="harvest configuration (TOML); "
                   "`wparchive harvest --example-config` prints the documented example")
    r.add_argument("--out", default="out", help="output folder (default: ./out)")
    r.add_argument("--resume", action="store_true", help="continue an interrupted run in --out")
    r.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one harvest setting (repeatable)")
    r.add_argument("--proxy", help="HTTP proxy URL (default: network.proxy, else the http_proxy variable)")
    r.add_argument("--ignore-robots", action="store_true", help="do not obey robots.txt (recorded in the WARCs)")
    r.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                   help="transform worker processes (default: %(default)s)")
    r.add_argument("--copy", action="store_true",
                   help="bag real copies of the WARCs instead of hard links to harvest/warc (see `package --help`)")
    r.set_defaults(func=run_command)

    d = sub.add_parser("demo", help="run the whole pipeline against the built-in replica of projektbesok.se",
                       description="Start the built-in replica of the BESÖK site and its three Tumblr blogs on a free "
                       "loopback port and run the whole pipeline against it, into DIR.")
    d.add_argument("dir", metavar="DIR", nargs="?", default="wparchive-demo",
                   help="output folder; must be new or empty (default: ./wparchive-demo)")
    d.add_argument("--posts", type=int, default=86, help="posts on the replica site (default: 86, as the real one)")
    d.set_defaults(func=demo_command)


class Display:
    """Stage lines on stdout; the stages draw their own progress bars on a terminal."""

    def __init__(self, stream=None, errors=None) -> None:
        self.stream = stream or sys.stdout
        self.errors = errors or (stream if stream is not None else sys.stderr)
        self.started = time.monotonic()

    def stage(self, number: int, name: str, note: str = "") -> float:
        print(f"[{number}/{len(STAGES)}] {name}{' ' + note if note else ''} …", file=self.stream, flush=True)
        return time.monotonic()

    def done(self, began: float, message: str) -> None:
        print(f"      {message} ({time.monotonic() - began:.1f} s)", file=self.stream, flush=True)

    def line(self, message: str) -> None:
        print(message, file=self.stream, flush=True)

    def error(self, message: str) -> None:
        print(f"wparchive: {message}", file=self.errors, flush=True)


@dataclass
class PipelineState:
    """OUT/pipeline.json: which stages finished, when, and over which input."""

    path: Path
    stages: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def load(cls, out: Path) -> "PipelineState":
        path = out / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data.get("stages") or {}))
        except (FileNotFoundError, json.JSONDecodeError):
            return cls(path)

    def done(self, stage: str, fingerprint: str) -> bool:
        entry = self.stages.get(stage)
        return bool(entry and entry.get("input") == fingerprint)

    def mark(self, stage: str, fingerprint: str, **facts) -> None:
        self.stages[stage] = {"finished": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              "input": fingerprint, **facts}
        later = STAGES[STAGES.index(stage) + 1:]
        for name in later:
            self.stages.pop(name, None)
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"format": "wparchive-pipeline/1", "stages": self.stages}, indent=2,
                                  sort_keys=True) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        st = path.stat()
        digest.update(f"{path.name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8"))
    return digest.hexdigest()


def package_outputs(out: Path, state: PipelineState) -> list[Path]:
    """Every file the package stage writes; the stage is done only while all of them exist."""
    package = out / "package"
    name = (state.stages.get("package") or {}).get("wacz")
    waczs = [package / str(name)] if name else sorted(package.glob("*.wacz"))[:1] or [package / "NAME.wacz"]
    return [package / "index.cdxj", *waczs, package / "bag" / "bagit.txt",
            out / "report" / "completeness.json", out / "report" / "index.html"]


def corpus_of(out: Path, warcs: list[Path]) -> bool:
    """Whether corpus/manifest.json was made from exactly these WARC files (names and sizes)."""
    try:
        manifest = json.loads((out / "corpus" / "manifest.json").read_text(encoding="utf-8"))
        sources = {(s["name"], s["bytes"]) for s in manifest.get("sources") or []}
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return bool(warcs) and not manifest.get("unfinished_warcs_ignored") and \
        sources == {(p.name, p.stat().st_size) for p in warcs}


def _older_than(outputs: list[Path], inputs: list[Path]) -> bool:
    """Whether any output is missing or older than the newest input."""
    try:
        oldest = min(p.stat().st_mtime_ns for p in outputs)
    except (OSError, ValueError):
        return True
    return any(p.stat().st_mtime_ns > oldest for p in inputs)


def _mtime_iso(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _config_fingerprint(config: str, overrides: list[str]) -> str:
    text = Path(config).read_bytes() if Path(config).exists() else b""
    return hashlib.sha256(text + json.dumps(overrides).encode("utf-8")).hexdigest()


def run_pipeline(config: str, out: Path, overrides: list[str], resume: bool, workers: int = 1,
                 ignore_robots: bool = False, display: Display | None = None,
                 quiet_warnings: tuple[str, ...] = (), copy: bool = False) -> int:
    """Run every stage not yet done; 0 if COMPLETE and verified, 1 if not, 2 on bad input.

    `quiet_warnings` names package warning codes not to print (the demo's operator is a placeholder
    on purpose).
    """
    from archive_out import ArchiveOutError, package, verify
    from archive_out.cdxj import warc_files
    from harvester import ConfigError, HarvestError, config_for, harvest, harvest_status
    from transform import TransformError, transform

    show = display or Display()
    out = Path(out)
    state = PipelineState.load(out)
    if not resume and (out / "harvest").exists():
        show.error(f"{out} already holds a harvest; rerun with --resume to continue it, or choose another --out")
        return 2
    try:
        cfg, changes = config_for(out, config, overrides, resume=resume)
    except ConfigError as exc:
        show.error(f"bad configuration: {exc}")
        return 2
    for line in describe_changes(changes, str(out)):
        show.line(line)

    config_print = _config_fingerprint(config, overrides)
    began = show.stage(1, "harvest", f"into {out / 'harvest'}")
    left_open = list((out / "harvest" / "warc").glob("*.open"))
    found = harvest_status(out) if resume and "harvest" not in state.stages and not changes else None
    if resume and state.done("harvest", config_print) and not left_open:
        show.done(began, "already finished")
    elif found is not None and found.complete:
        state.mark("harvest", config_print, finished=found.finished, recognised="from its outputs",
                   warc_files=[p.name for p in warc_files(out / "harvest" / "warc")])
        show.done(began, f"already complete (finished {found.finished})")
    else:
        if resume and (note := nothing_to_resume(out)):
            show.line(f"      {note}")
        try:
            result = harvest(cfg, out, resume=resume and (out / "harvest").exists(), ignore_robots=ignore_robots)
        except HarvestError as exc:
            show.error(f"harvest failed: {exc}")
            return 2 if type(exc).__name__ in ("StateError", "ConfigError") else 1
        counters = result.counters
        state.mark("harvest", config_print, warc_files=result.warc_files)
        show.done(began, f"{counters.get('responses', 0)} responses, {len(result.warc_files)} WARC file(s), "
                         f"chain of {result.chain.get('length', 0)} posts")

    warcs = warc_files(out / "harvest" / "warc")
    began = show.stage(2, "transform", f"into {out / 'corpus'}")
    warc_print = _fingerprint(warcs)
    manifest = out / "corpus" / "manifest.json"
    if resume and state.done("transform", warc_print) and manifest.exists():
        show.done(began, "already finished")
    elif resume and "transform" not in state.stages and corpus_of(out, warcs):
        state.mark("transform", warc_print, finished=_mtime_iso(manifest), recognised="from its outputs")
        show.done(began, f"already complete (corpus/manifest.json names the {len(warcs)} current WARC file(s))")
    else:
        try:
            tr = transform(out, workers=max(1, workers))
        except TransformError as exc:
            show.error(f"transform failed: {exc}")
            return 2
        state.mark("transform", warc_print)
        c = tr.counts
        show.done(began, f"{c.get('posts', 0)} posts, {c.get('pages', 0)} pages, {c.get('tumblr_posts', 0)} Tumblr "
                         f"posts, {c.get('media', 0)} media, {c.get('rejects', 0)} rejects")

    corpus_inputs = warcs + sorted(p for p in (out / "corpus").iterdir() if p.is_file())
    corpus_print = _fingerprint(corpus_inputs)
    began = show.stage(3, "package + report", f"into {out / 'package'} and {out / 'report'}")
    report_json = out / "report" / "completeness.json"
    outputs = package_outputs(out, state)
    gone = [p for p in outputs if not p.exists()]
    if resume and state.done("package", corpus_print) and gone:
        show.line(f"      {', '.join(str(p.relative_to(out)) for p in gone)} missing: packaging again")
    packaged_before = (resume and not gone and "package" not in state.stages
                       and not _older_than(outputs, corpus_inputs))
    if resume and (state.done("package", corpus_print) or packaged_before) and not gone:
        verdict = json.loads(report_json.read_text(encoding="utf-8"))
        if packaged_before:
            wacz = next(p.name for p in outputs if p.suffix == ".wacz")
            state.mark("package", corpus_print, finished=_mtime_iso(report_json), recognised="from its outputs",
                       wacz=wacz)
            show.done(began, f"already complete (every package and report file is newer than the corpus); "
                             f"verdict {verdict['verdict']}")
        else:
            show.done(began, f"already finished; verdict {verdict['verdict']}")
        reasons = verdict["reasons"]
        verdict_word = verdict["verdict"]
    else:
        try:
            packaged = package(out, copy=copy)
        except ArchiveOutError as exc:
            show.error(f"packaging failed: {exc}")
            return 2
        state.mark("package", corpus_print, wacz=packaged.wacz.path.name)
        verdict_word, reasons = packaged.report.verdict, packaged.report.reasons
        show.done(began, f"{packaged.cdxj_lines} index lines, {packaged.wacz.path.name} ({describe_wacz(packaged.wacz)}), "
                         f"bag of {describe_bag(packaged.bag)}; verdict {verdict_word}")
        for warning in packaged.warnings:
            if warning.code not in quiet_warnings:
                show.error(f"warning: {warning.message}")

    began = show.stage(4, "verify", str(out))
    bar = None
    if sys.stderr.isatty():
        from wparchive.cmd_archive import RichProgress

        bar = RichProgress()
    try:
        checked = verify(out, progress=bar)
    finally:
        if bar:
            bar.stop()
    show.done(began, describe(checked))
    for failure in checked.failures:
        show.line(f"      FAIL {failure}")
    state.mark("verify", corpus_print, ok=checked.ok, failures=len(checked.failures))

    closing(show, out, verdict_word, reasons, checked)
    return 0 if checked.ok and verdict_word == "COMPLETE" else 1


def closing(show: Display, out: Path, verdict_word: str, reasons: list[dict], checked) -> None:
    """The last lines of a run: the verdict, what it rests on, where everything is, what to open next."""
    checks = []
    try:
        checks = json.loads((out / "report" / "completeness.json").read_text(encoding="utf-8")).get("checks") or []
    except (OSError, ValueError):
        pass
    show.line("")
    show.line(f"verdict: {verdict_word}" + (f" ({sum(c['passed'] for c in checks)} of {len(checks)} checks passed)"
                                            if checks else ""))
    for reason in reasons:
        show.line(f"  - {reason['message']}")
    show.line(f"verify:  {'OK, everything holds' if checked.ok else f'{len(checked.failures)} problem(s)'}")
    show.line(f"report:  {(out / 'report' / 'index.html').resolve()}")
    show.line(f"corpus:  {(out / 'corpus').resolve()}{os.sep} (posts.jsonl, pages.jsonl, tumblr_posts.jsonl, "
              "media.jsonl; schema.json documents every field)")
    waczs = sorted((out / "package").glob("*.wacz"))
    if waczs:
        show.line(f"wacz:    {waczs[0].resolve()}")
    show.line(f"bag:     {(out / 'package' / 'bag').resolve()}{os.sep}")
    show.line("next:    open the report in a browser; load corpus/posts.jsonl into pandas or DuckDB; "
              "open the WACZ in ReplayWeb.page or pywb to browse the archived site")


def run_command(args) -> int:
    overrides = list(args.overrides)
    if args.proxy:
        overrides.append(f"network.proxy={args.proxy}")
    if not Path(args.config).exists():
        print(f"wparchive: no such config file: {args.config}", file=sys.stderr)
        return 2
    try:
        return run_pipeline(args.config, Path(args.out), overrides, args.resume, args.workers, args.ignore_robots,
                            copy=args.copy)
    except KeyboardInterrupt:
        print("wparchive run: interrupted; finished stages and the crawl state are saved. Continue with:\n  "
              + resume_command("run", args.config, args.out, args.ignore_robots), file=sys.stderr)
        return 130


def demo_command(args) -> int:
    from importlib.resources import as_file, files

    from replica import ReplicaConfig, ReplicaError, ReplicaServer

    out = Path(args.dir)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        print(f"wparchive demo: {out} is not empty; name a new folder: wparchive demo DIR", file=sys.stderr)
        return 2
    show = Display()
    start = time.monotonic()
    try:
        cfg = ReplicaConfig(posts=args.posts)
    except ReplicaError as exc:
        field_name = getattr(exc, "field", None)
        why = getattr(exc, "why", None) or str(exc)
        option = f"--{field_name.replace('_', '-')} {getattr(exc, 'value', '')}: " if field_name else ""
        print(f"wparchive demo: {option}{why}; the default, as on the real site, is 86", file=sys.stderr)
        return 2
    with ReplicaServer(cfg, port=0) as server, as_file(files("replica") / "harvest.toml") as config:
        show.line(f"replica of projektbesok.se and three Tumblr blogs on {server.proxy_url} "
                  f"({args.posts} posts); output in {out.resolve()}")
        code = run_pipeline(str(config), out, [f"network.proxy={server.proxy_url}"], resume=False,
                            workers=min(2, os.cpu_count() or 1), display=show,
                            quiet_warnings=("placeholder_operator",))
    show.line(f"demo finished in {time.monotonic() - start:.1f} s")
    return code
