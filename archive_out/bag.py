"""A BagIt bag (RFC 8493) of the harvest, the corpus and the report, made with bagit-python.

Closed WARCs never change, so by default they enter the bag as hard links (no second copy of
gigabytes): the bag and OUT/harvest/warc then share one file, and damage to it shows in both.
`copy=True` (`wparchive package --copy`) makes independent copies for a bag that must survive
on its own. Everything else is small and may be rewritten by a later stage, so it is copied.
Names are NFC-normalised on the way in: a bag made on Linux must validate on macOS and vice versa.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import bagit

from archive_out.errors import PackageError
from archive_out.layout import nfc

CHECKSUMS = ("sha256", "sha512")


@dataclass(frozen=True)
class BagInfo:
    """What went into the bag: `files` counts payload files (under data/); the tag files
    (bagit.txt, bag-info.txt, manifests, tag manifests) are `tag_files`."""

    path: Path
    files: int
    linked: int
    copied: int
    tag_files: int = 0


@dataclass(frozen=True)
class BagEntry:
    source: Path
    target: str
    link: bool


def _place(entry: BagEntry, root: Path) -> bool:
    """Put one file into the staging tree; True if hard-linked."""
    dest = root.joinpath(*[nfc(part) for part in entry.target.split("/")])
    dest.parent.mkdir(parents=True, exist_ok=True)
    if entry.link:
        try:
            os.link(entry.source, dest)
            return True
        except OSError:
            pass
    shutil.copy2(entry.source, dest)
    return False


def storage_note(linked: int, copy: bool) -> str:
    """bag-info.txt's WARC-Storage: whether the bag's WARCs are a second copy or the same file."""
    if linked:
        return (f"{linked} WARC file(s) hard-linked to OUT/harvest/warc: one file on disk, not a second copy "
                "(damage to it shows in both places); `wparchive package --copy` makes independent copies")
    if copy:
        return "independent copies of the WARC files (made with --copy)"
    return "independent copies of the WARC files (the file system allowed no hard links)"


def write_bag(dest: Path, entries: list[BagEntry], info: dict[str, str], copy: bool = False) -> BagInfo:
    """Build the bag beside `dest`, then swap it in, so a failed run leaves the old bag intact."""
    if not entries:
        raise PackageError("nothing to bag")
    staging = dest.with_name(dest.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    linked = copied = 0
    seen: set[str] = set()
    for entry in entries:
        key = nfc(entry.target)
        if key in seen:
            raise PackageError(f"two files would share the bag path {key!r} after NFC normalisation")
        seen.add(key)
        if copy and entry.link:
            entry = BagEntry(entry.source, entry.target, link=False)
        if _place(entry, staging):
            linked += 1
        else:
            copied += 1
    info = dict(info)
    if any(e.link for e in entries):
        info["WARC-Storage"] = storage_note(linked, copy)
    try:
        bagit.make_bag(str(staging), bag_info=info, checksums=list(CHECKSUMS))
    except (bagit.BagError, OSError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise PackageError(f"bagit could not make the bag: {exc}") from exc
    if dest.exists():
        shutil.rmtree(dest)
    os.replace(staging, dest)
    tag_files = sum(1 for p in dest.iterdir() if p.is_file())
    return BagInfo(path=dest, files=len(entries), linked=linked, copied=copied, tag_files=tag_files)


def bagging_date(now: datetime | None = None) -> str:
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%d")
