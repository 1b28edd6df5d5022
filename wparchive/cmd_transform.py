"""CLI for `wparchive transform OUT [--warc PATH...] [--workers N]`."""
from __future__ import annotations

import os
import sys


def register(sub) -> None:
    p = sub.add_parser("transform", help="turn WARC files into the JSON corpus (OUT/corpus)",
                       description="Read OUT/harvest/warc (or the WARC files given with --warc; never the network) "
                                   "and write OUT/corpus: posts, pages, tumblr_posts, media, listings, rejects, "
                                   "schema.json and manifest.json. The same WARCs give the same bytes.")
    p.add_argument("out", metavar="OUT", help="the output folder (OUT/corpus is written)")
    p.add_argument("--warc", action="append", metavar="PATH", default=None,
                   help="a WARC file or a folder of them (repeatable); default OUT/harvest/warc")
    p.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), metavar="N",
                   help="worker processes (does not change the output; default: %(default)s)")
    p.set_defaults(func=run)


def run(args) -> int:
    from transform import TransformError, transform

    if args.workers < 1:
        print("wparchive transform: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.warc is None and not os.path.exists(args.out):
        print(f"wparchive transform: {args.out} does not exist", file=sys.stderr)
        return 2
    try:
        result = transform(args.out, warcs=args.warc, workers=args.workers)
    except TransformError as exc:
        print(f"wparchive transform: {exc}", file=sys.stderr)
        return 2
    c = result.counts
    print(f"corpus: {result.corpus_dir}")
    print(f"  {c.get('posts', 0)} posts, {c.get('pages', 0)} pages, {c.get('tumblr_posts', 0)} Tumblr posts, "
          f"{c.get('media', 0)} media, {c.get('listings', 0)} listings, {c.get('rejects', 0)} rejects "
          f"(from {len(result.warc_files)} WARC file(s))")
    if c.get("rejects"):
        print(f"  see {result.corpus_dir / 'rejects.jsonl'} for what could not be used and why")
    return 0
