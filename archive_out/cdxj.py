"""The CDXJ index of the harvest's WARCs, exactly as `cdxj-indexer --sort --records ...` writes it.

The library is the reference implementation pywb and py-wacz use; generating with it (rather
than re-implementing SURT and field rules) keeps our index line-for-line equal to theirs.

Only records a replay tool may serve are indexed: our `metadata` records carry the page's own
URL as WARC-Target-URI, and at the same timestamp "application/json" sorts before the page's
MIME type, so pywb would answer a post's URL with the crawl metadata instead of the post.
"""
from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from archive_out.errors import PackageError


def warc_files(warc_dir: Path) -> list[Path]:
    """Closed WARC files of a harvest, sorted by name; `*.open` files are not ready to package."""
    if not warc_dir.is_dir():
        return []
    return sorted(
        p for p in warc_dir.iterdir() if p.is_file() and p.name.endswith((".warc.gz", ".warc"))
    )


REPLAY_RECORDS = "response,revisit,resource"


def write_cdxj(warcs: list[Path], dest: Path) -> int:
    """Index every response, revisit and resource record, SURT-sorted; return the line count."""
    if not warcs:
        raise PackageError("no closed WARC files to index; run `wparchive harvest` (or --resume) first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    indexer = CDXJIndexer(str(tmp), [str(p) for p in warcs], sort=True, records=REPLAY_RECORDS)
    indexer.process_all()
    os.replace(tmp, dest)
    with open(dest, "rb") as fh:
        return sum(1 for _ in fh)
