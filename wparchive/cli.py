"""The `wparchive` command: argument parsing only; each stage lives in its own package.

Every subcommand lives in a `cmd_*` module beside this one that exposes
`register(subparsers)`; the parser it adds sets `func(args) -> int` (the exit code).
Exit codes: 0 success, 1 the work ran but found a failure (damage, incomplete),
2 bad usage or configuration, 130 interrupted.
"""
from __future__ import annotations

import argparse
import sys

from wparchive import __version__
from wparchive import cmd_replica, cmd_harvest, cmd_transform, cmd_archive, cmd_pipeline

COMMANDS = (cmd_harvest, cmd_transform, cmd_archive, cmd_pipeline, cmd_replica)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wparchive",
        description="Harvest a WordPress site and its Tumblr blogs into WARC files, "
        "a JSON corpus, CDXJ/WACZ/BagIt packages and a completeness report.",
    )
    parser.add_argument("--version", action="version", version=f"wparchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("wparchive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
