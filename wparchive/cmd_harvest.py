"""CLI for `wparchive harvest CONFIG.toml [--out DIR] [--resume] [--set k=v ...] [--proxy URL] [--ignore-robots]`."""
from __future__ import annotations

import sys


def register(sub) -> None:
    p = sub.add_parser(
        "harvest",
        help="crawl a WordPress site and Tumblr blogs into WARC files",
        description="Crawl the site and blogs named in CONFIG.toml into OUT/harvest (WARC files, crawl "
        "state, crawl.log.jsonl, summary.json). Interrupt at any time; --resume continues.",
    )
    p.add_argument("config", help="harvest configuration (TOML); see examples/besok.toml")
    p.add_argument("--out", default="out", help="output folder (default: ./out)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted harvest in --out")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one setting, e.g. --set politeness.delay=0.5 (repeatable)")
    p.add_argument("--proxy", help="HTTP proxy URL (default: network.proxy, else the http_proxy variable)")
    p.add_argument("--ignore-robots", action="store_true",
                   help="do not obey robots.txt (recorded in every warcinfo record)")
    p.set_defaults(func=run)


def run(args) -> int:
    from harvester import ConfigError, HarvestError, harvest, load_config

    overrides = list(args.overrides)
    if args.proxy:
        overrides.append(f"network.proxy={args.proxy}")
    try:
        cfg = load_config(args.config, overrides=overrides)
    except ConfigError as exc:
        print(f"wparchive harvest: bad configuration: {exc}", file=sys.stderr)
        return 2
    try:
        result = harvest(cfg, args.out, resume=args.resume, ignore_robots=args.ignore_robots)
    except HarvestError as exc:
        print(f"wparchive harvest: {exc}", file=sys.stderr)
        return 2 if type(exc).__name__ == "StateError" else 1
    failed = result.summary.get("internal_errors")
    return 1 if failed else 0
