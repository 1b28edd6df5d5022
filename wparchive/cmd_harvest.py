"""CLI for `wparchive harvest CONFIG.toml [--out DIR] [--resume] [--set k=v ...] [--proxy URL] [--ignore-robots]`
and `wparchive harvest --example-config` (prints the shipped example)."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "harvest",
        help="crawl a WordPress site and Tumblr blogs into WARC files",
        description="Crawl the site and blogs named in CONFIG.toml into OUT/harvest (WARC files, crawl "
        "state, crawl.log.jsonl, summary.json). Interrupt at any time; --resume continues.",
    )
    p.add_argument("config", nargs="?", help="harvest configuration (TOML); start from the documented example "
                   "that --example-config prints (examples/besok.toml in the source)")
    p.add_argument("--example-config", action="store_true",
                   help="print the documented configuration for projektbesok.se and its blogs, and exit "
                   "(wparchive harvest --example-config > besok.toml)")
    p.add_argument("--out", default="out", help="output folder (default: ./out)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted harvest in --out")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one setting, e.g. --set politeness.delay=0.5 (repeatable)")
    p.add_argument("--proxy", help="HTTP proxy URL (default: network.proxy, else the http_proxy variable)")
    p.add_argument("--ignore-robots", action="store_true",
                   help="do not obey robots.txt (recorded in every warcinfo record)")
    p.set_defaults(func=run, usage_error=p.error)


def example_config() -> str:
    """The documented example configuration shipped in the package (examples/besok.toml links to it)."""
    from importlib.resources import files

    return (files("wparchive") / "besok.toml").read_text(encoding="utf-8")


def resume_command(command: str, config: str, out: str, ignore_robots: bool = False) -> str:
    """The exact command that continues this harvest (stored settings, proxy included, apply on resume)."""
    words = ["wparchive", command, config, "--out", out, "--resume"]
    if ignore_robots:
        words.append("--ignore-robots")
    return shlex.join(words)


def describe_changes(changes: list[str] | None, out: str) -> list[str]:
    """What a resume prints about its settings: that the stored ones hold, and each one the user changed."""
    if changes is None:
        return []
    stored = Path(out) / "harvest" / "config.toml"
    if not changes:
        return [f"resuming with the settings stored in {stored} (nothing changed)"]
    return [f"resuming with the settings stored in {stored}; changed by this command:"] + [f"  {c}" for c in changes]


def nothing_to_resume(out: str | Path) -> str | None:
    """What `--resume` says when OUT holds no crawl state: it starts a new harvest (nothing is lost)."""
    if (Path(out) / "harvest" / "state.sqlite").exists():
        return None
    return f"nothing to resume in {out} (no harvest/state.sqlite): starting a new harvest"


def interrupted_message(out: str, resume: str) -> str:
    """What Ctrl-C leaves, as found on disk: WARC files closed, or which are still `*.open` and what resume does."""
    left_open = sorted(p.name for p in (Path(out) / "harvest" / "warc").glob("*.open"))
    if left_open:
        files = f"{len(left_open)} WARC file(s) still open ({', '.join(left_open)}); --resume cuts them back " \
                "to their last committed record and closes them"
    else:
        files = "the WARC files are closed"
    return f"wparchive harvest: interrupted; {files}, and the crawl state is saved. Continue with:\n  {resume}"


def run(args) -> int:
    from harvester import ConfigError, HarvestError, NothingCaptured, config_for, harvest

    if args.example_config:
        sys.stdout.write(example_config())
        return 0
    if args.config is None:
        args.usage_error("the following arguments are required: config (or --example-config)")
    overrides = list(args.overrides)
    if args.proxy:
        overrides.append(f"network.proxy={args.proxy}")
    try:
        cfg, changes = config_for(args.out, args.config, overrides, resume=args.resume)
    except ConfigError as exc:
        print(f"wparchive harvest: bad configuration: {exc}", file=sys.stderr)
        return 2
    for line in describe_changes(changes, args.out):
        print(f"wparchive harvest: {line}", file=sys.stderr)
    if args.resume and (note := nothing_to_resume(args.out)):
        print(f"wparchive harvest: {note}", file=sys.stderr)
    try:
        result = harvest(cfg, args.out, resume=args.resume, ignore_robots=args.ignore_robots)
    except KeyboardInterrupt:
        print(interrupted_message(args.out, resume_command("harvest", args.config, args.out, args.ignore_robots)),
              file=sys.stderr)
        return 130
    except NothingCaptured as exc:
        print(f"wparchive harvest: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        print(f"wparchive harvest: bad configuration: {exc}", file=sys.stderr)
        return 2
    except HarvestError as exc:
        print(f"wparchive harvest: {exc}", file=sys.stderr)
        return 2 if type(exc).__name__ == "StateError" else 1
    failed = result.summary.get("internal_errors")
    return 1 if failed else 0
