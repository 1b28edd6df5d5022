"""WACZ 1.1.1 packaging: the WARCs, the CDXJ index and a page list in one zip replay tools open.

WARCs are stored uncompressed in the zip (they are gzip already, and replay tools seek into
them); every member's sha256 and size go into datapackage.json, whose own digest goes into
datapackage-digest.json, as `wacz validate` and ReplayWeb.page expect. Member names are NFC, as
in the bag and in the index's `filename` fields, whatever form the file system gave the WARC.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from archive_out.errors import PackageError
from archive_out.layout import nfc

WACZ_VERSION = "1.1.1"
PAGES_PATH = "pages/pages.jsonl"
INDEX_PATH = "indexes/index.cdx"
ENTRY_KINDS = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl")


@dataclass(frozen=True)
class WaczInfo:
    path: Path
    pages: int
    resources: int
    bytes: int


def _resource_name(path: str) -> str:
    return re.sub(r"[^-a-z0-9._/]", "-", os.path.basename(path).lower())


def _zip_time(created: datetime) -> tuple[int, int, int, int, int, int]:
    stamp = max(created.astimezone(timezone.utc), datetime(1980, 1, 1, tzinfo=timezone.utc))
    return stamp.timetuple()[:6]


def iter_pages(corpus_dir: Path) -> Iterator[dict]:
    """One entry point per captured post, page and Tumblr post: url, title, ts, text."""
    for name in ENTRY_KINDS:
        path = corpus_dir / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                record = json.loads(line)
                capture = record.get("capture") or {}
                url = capture.get("url") or record.get("url")
                ts = capture.get("captured")
                if not url or not ts:
                    continue
                page = {"id": record.get("id"), "url": url, "ts": ts}
                if record.get("title"):
                    page["title"] = record["title"]
                if record.get("content_text"):
                    page["text"] = record["content_text"]
                yield page


class _HashingWriter:
    def __init__(self, fh):
        self.fh = fh
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)


def write_wacz(
    dest: Path,
    warcs: Iterable[Path],
    cdxj: Path,
    pages: Iterable[dict],
    created: datetime,
    title: str,
    description: str = "",
    main_page: str | None = None,
    software: str = "wparchive",
) -> WaczInfo:
    """Write the WACZ atomically; the result is byte-identical for identical inputs."""
    when = _zip_time(created)
    resources: list[dict] = []
    tmp = dest.with_name(dest.name + ".tmp")
    dest.parent.mkdir(parents=True, exist_ok=True)
    page_count = 0
    total = 0
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf:

        def add(member: str, source, compress: int) -> None:
            nonlocal total
            info = zipfile.ZipInfo(member, date_time=when)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as out:
                writer = _HashingWriter(out)
                if isinstance(source, Path):
                    with open(source, "rb") as fh:
                        shutil.copyfileobj(fh, writer, 1 << 20)
                else:
                    for chunk in source:
                        writer.write(chunk)
            total += writer.size
            resources.append({
                "name": _resource_name(member),
                "path": member,
                "hash": "sha256:" + writer.sha.hexdigest(),
                "bytes": writer.size,
            })

        for warc in warcs:
            add("archive/" + nfc(warc.name), warc, zipfile.ZIP_STORED)
        add(INDEX_PATH, cdxj, zipfile.ZIP_DEFLATED)

        def page_lines() -> Iterator[bytes]:
            nonlocal page_count
            header = {"format": "json-pages-1.0", "id": "pages", "title": "Posts and pages", "hasText": True}
            yield (json.dumps(header, ensure_ascii=False) + "\n").encode("utf-8")
            for page in pages:
                page_count += 1
                yield (json.dumps(page, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")

        add(PAGES_PATH, page_lines(), zipfile.ZIP_DEFLATED)

        package = {
            "profile": "data-package",
            "resources": resources,
            "title": title,
            "created": created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "wacz_version": WACZ_VERSION,
            "software": software,
        }
        if description:
            package["description"] = description
        if main_page:
            package["mainPageURL"] = main_page
        package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
        info = zipfile.ZipInfo("datapackage.json", date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, package_bytes)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        info = zipfile.ZipInfo("datapackage-digest.json", date_time=when)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, json.dumps(digest, indent=2).encode("utf-8"))
    if page_count == 0:
        tmp.unlink()
        raise PackageError("no posts or pages with a capture in the corpus: a WACZ needs entry points; run `wparchive transform` first")
    os.replace(tmp, dest)
    return WaczInfo(path=dest, pages=page_count, resources=len(resources), bytes=total)
