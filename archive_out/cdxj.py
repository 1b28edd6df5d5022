"""The CDXJ index of the harvest's WARCs, exactly as `cdxj-indexer --sort` writes it by default.

The library is the reference implementation pywb and py-wacz use; generating with it (rather
than re-implementing SURT and field rules) keeps our index line-for-line equal to theirs.

The default record selection indexes response, revisit, resource and metadata records except
`application/warc-fields` metadata, which is how the harvester writes its crawl facts, so
a page's URL replays the page, not its crawl facts, and other crawlers' WARCs index as pywb
would index them.

The `filename` field names each WARC as the WACZ (`archive/NAME`) and the bag
(`data/harvest/warc/NAME`) store it: in NFC. Against those the index always resolves. Against
OUT/harvest/warc itself it resolves only where the file system holds the name in NFC too: a
non-ASCII WARC name stored decomposed (NFD, as on Linux after a copy from macOS) does not match
byte for byte there; replay from the WACZ or the bag, or index that folder again.
"""
from __future__ import annotations

import os
from pathlib import Path

from cdxj_indexer.main import CDXJIndexer

from archive_out.errors import PackageError
from archive_out.layout import nfc


class _Indexer(CDXJIndexer):
    """cdxj-indexer with NFC file names in the `filename` field."""

    def _resolve_rel_path(self, filename):
        return nfc(super()._resolve_rel_path(filename))


def warc_files(warc_dir: Path) -> list[Path]:
    """Closed WARC files of a harvest, sorted by name; `*.open` files are not ready to package."""
    if not warc_dir.is_dir():
        return []
    return sorted(
        p for p in warc_dir.iterdir() if p.is_file() and p.name.endswith((".warc.gz", ".warc"))
    )


def write_cdxj(warcs: list[Path], dest: Path) -> int:
    """Index the records cdxj-indexer indexes by default, SURT-sorted; return the line count."""
    if not warcs:
        raise PackageError("no closed WARC files to index; run `wparchive harvest` (or --resume) first")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    indexer = _Indexer(str(tmp), [str(p) for p in warcs], sort=True)
    indexer.process_all()
    os.replace(tmp, dest)
    with open(dest, "rb") as fh:
        return sum(1 for _ in fh)
