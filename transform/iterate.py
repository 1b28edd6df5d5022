"""Stream the records of a WARC file, carrying (file, offset, length) through as provenance.

Bodies are read with the HTTP transfer and content encodings removed and capped in size; the
size of the whole payload, and the sha256 of any payload not kept whole, are computed while
streaming, so a huge medium costs the same memory as a small one. A record that cannot be read
becomes a `Broken` item, never an exception, so one bad file never stops a run.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import zlib
from dataclasses import dataclass, field
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from transform.records import Capture

log = logging.getLogger(__name__)

TEXT_CAP = 32 * 1024 * 1024
HEAD_CAP = 1024 * 1024
CHUNK = 64 * 1024
TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/rss", "application/atom",
              "application/json", "application/javascript", "application/x-javascript")


@dataclass
class WarcItem:
    """One WARC record that may carry content: response, resource or revisit."""

    rec_type: str
    url: str
    capture: Capture
    mime: str | None
    charset: str | None
    http_headers: StatusAndHeaders | None
    body: bytes
    size: int
    sha256: str | None  # of the whole payload; None when `body` is all of it (see `payload_sha256`)
    complete: bool
    refers_to_uri: str | None = None
    refers_to_date: str | None = None
    warnings: list[str] = field(default_factory=list)

    def payload_sha256(self) -> str:
        """sha256 of the whole payload: only media records need it, so a text body that was kept
        whole is hashed on demand, not on every read."""
        return self.sha256 or hashlib.sha256(self.body).hexdigest()


@dataclass
class Broken:
    """A place in a WARC file where reading failed: one damaged record (reading goes on at the next
    gzip member) or, in an uncompressed file, the rest of the file."""

    warc_file: str
    offset: int
    url: str | None
    record_id: str | None
    reason: str
    detail: str


@dataclass
class Skipped:
    """A record of a type that carries no content (warcinfo, request, metadata)."""

    rec_type: str


def clean_uri(value: str | None) -> str:
    value = (value or "").strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    return value


def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = [p.strip() for p in value.split(";")]
    mime = parts[0].lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip("'\"").lower() or None
    return mime, charset


def _is_text(mime: str | None, url: str) -> bool:
    if mime is None:
        return True
    return mime.startswith(TEXT_TYPES) or mime.endswith("+xml") or mime.endswith("+json")


RANGE_BYTES = 8 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"


def _is_member_start(fh, pos: int) -> bool:
    fh.seek(pos)
    d = zlib.decompressobj(31)
    try:
        head = d.decompress(fh.read(65536), 16)
    except zlib.error:
        return False
    return head.startswith((b"WARC/1.", b"WARC/0."))


def next_member_start(fh, after: int, end: int | None = None) -> int | None:
    """The first offset past `after` (and before `end`) where a gzip member holding a WARC record
    starts: where reading resumes after a damaged member."""
    pos = after + 1
    while end is None or pos < end:
        fh.seek(pos)
        window = fh.read(CHUNK)
        if len(window) < len(_GZIP_MAGIC):
            return None
        i = window.find(_GZIP_MAGIC)
        while i >= 0:
            if end is not None and pos + i >= end:
                return None
            if _is_member_start(fh, pos + i):
                return pos + i
            i = window.find(_GZIP_MAGIC, i + 1)
        pos += len(window) - len(_GZIP_MAGIC) + 1
    return None


def split_points(path: str | os.PathLike, every: int = RANGE_BYTES) -> list[int]:
    """Offsets where a gzip member holding a WARC record starts, about every `every` bytes.

    They depend on the file alone, so the work splits the same way whatever the number of
    workers; an uncompressed or odd file is one piece."""
    size = os.path.getsize(path)
    points = [0]
    with open(path, "rb") as fh:
        if fh.read(3) != _GZIP_MAGIC:
            return points
        target = every
        while target < size:
            fh.seek(target)
            window = fh.read(every)
            found = None
            i = window.find(_GZIP_MAGIC)
            while i >= 0:
                if _is_member_start(fh, target + i):
                    found = target + i
                    break
                i = window.find(_GZIP_MAGIC, i + 1)
            if found is None:
                target += every
                continue
            points.append(found)
            target = found + every
    return points


def iter_warc(path: str | os.PathLike, name: str | None = None, start: int = 0,
              end: int | None = None) -> Iterator[WarcItem | Broken | Skipped]:
    """Yield each record of `path` that starts in [start, end); `start` must be a record boundary.

    A damaged record is one `Broken` at its offset; in a gzip file reading then resumes at the next
    member that starts a WARC record, so one bad member costs one record, not the rest of the file."""
    name = name or os.path.basename(os.fspath(path))
    with open(path, "rb") as fh:
        gzipped = fh.read(3) == _GZIP_MAGIC
        offset = start
        first_format = None
        while offset is not None and (end is None or offset < end):
            fh.seek(offset)
            it = ArchiveIterator(fh, arc2warc=True, ensure_http_headers=False)
            broken, first_format = yield from _records(it, name, offset, end, first_format)
            if broken is None:
                return
            resume = next_member_start(fh, broken.offset, end) if gzipped else None
            if resume is None and gzipped and end is not None:
                resume = end  # a piece ends where a member starts: the first one after the damage
            broken.detail = _broken_detail(resume, gzipped)
            yield broken
            offset = resume


def _records(it: ArchiveIterator, name: str, offset: int, end: int | None, first_format):
    """Records from `it` until the end, `end`, or a damaged one: returns (Broken or None, format).
    A record whose headers cannot be read has no URL or id to report (never its predecessor's)."""
    while end is None or offset < end:
        try:
            record = next(it)
        except StopIteration:
            return None, first_format
        except Exception as exc:  # noqa: BLE001 - any parse failure is reported, not raised
            log.info("%s: unreadable after offset %s: %s", name, offset, exc)
            return Broken(name, offset, None, None, "unreadable_record", ""), first_format
        first_format = first_format or record.format
        url = clean_uri(record.rec_headers.get_header("WARC-Target-URI")) or None
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        if record.format != first_format or _garbled(url) or _garbled(record_id):
            # A damaged gzip member can still inflate its first bytes ("WARC/1.1 ...") and then
            # garbage, or be read raw as an ARC header: either way, this is the damaged place.
            log.info("%s: damaged record header at offset %s", name, offset)
            return Broken(name, offset, None, None, "unreadable_record", ""), first_format
        try:
            item = _read(record, it, name)
            offset = it.get_record_offset() + it.get_record_length()
        except Exception as exc:  # noqa: BLE001
            log.info("%s: record at %s unreadable: %s", name, offset, exc)
            return Broken(name, offset, url, record_id, "unreadable_record", ""), first_format
        yield item
    return None, first_format


def _broken_detail(resume: int | None, gzipped: bool) -> str:
    """Words that depend on the file alone, never on where it was cut into pieces."""
    what = "this record is truncated or corrupt (gzip or WARC headers)"
    if resume is not None:
        return f"{what}; reading went on at the next record, at byte {resume}"
    if not gzipped:
        return f"{what}; the file is not gzip-compressed, so the records after it were not read"
    return f"{what}; no record starts after it: it is the last one in the file"


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _garbled(value: str | None) -> bool:
    """A header value no WARC writer produces: the format forbids control characters there."""
    return bool(value) and _CONTROL.search(value) is not None


def _read(record, it: ArchiveIterator, name: str) -> WarcItem | Broken | Skipped:
    rec_type = record.rec_type
    if rec_type not in ("response", "resource", "revisit"):
        it.read_to_end(record)
        return Skipped(rec_type)
    headers = record.rec_headers
    url = clean_uri(headers.get_header("WARC-Target-URI"))
    http = record.http_headers if record.http_headers and record.http_headers.protocol else None
    status = None
    if http is not None:
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            status = None
        ctype = http.get_header("Content-Type")
    else:
        ctype = headers.get_header("Content-Type")
    mime, charset = split_content_type(ctype)
    warnings: list[str] = []
    keep = _is_text(mime, url)
    digest = None if keep else hashlib.sha256()
    parts: list[bytes] = []
    kept = 0
    size = 0
    complete = True
    if rec_type != "revisit":
        stream = record.content_stream()
        try:
            while True:
                chunk = stream.read(CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if digest is None and size > TEXT_CAP:  # a text body cut to its cap: hashed as it streams
                    digest = hashlib.sha256(b"".join(parts))
                if digest is not None:
                    digest.update(chunk)
                cap = TEXT_CAP if keep else HEAD_CAP
                if kept < cap:
                    parts.append(chunk[: cap - kept])
                    kept += min(len(chunk), cap - kept)
        except Exception as exc:  # noqa: BLE001 - a bad gzip/chunked body is reported and kept raw
            warnings.append(f"payload could not be decoded ({type(exc).__name__}: {exc}); kept as far as read")
            complete = False
        if keep and size > TEXT_CAP:
            warnings.append(f"payload of {size} bytes cut to the first {TEXT_CAP} bytes")
    remaining = getattr(record.raw_stream, "limit", 0) or 0
    it.read_to_end(record)
    offset = it.get_record_offset()
    length = it.get_record_length()
    if remaining > 0 and rec_type != "revisit":
        complete = False
        warnings.append(f"WARC record is truncated: {remaining} bytes of its declared length are missing")
    if headers.get_header("WARC-Truncated"):
        complete = False
        warnings.append(f"WARC-Truncated: {headers.get_header('WARC-Truncated')}")
    if http is not None and complete and rec_type != "revisit":
        declared = http.get_header("Content-Length")
        if (declared and declared.isdigit() and not http.get_header("Content-Encoding")
                and not http.get_header("Transfer-Encoding") and size < int(declared)):
            complete = False
            warnings.append(f"HTTP body is truncated: {size} of {declared} bytes")
    capture = Capture(
        warc_file=name,
        offset=offset,
        length=length,
        record_id=headers.get_header("WARC-Record-ID") or "",
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        captured=headers.get_header("WARC-Date") or "",
        status=status,
        url=url,
    )
    return WarcItem(
        rec_type=rec_type,
        url=url,
        capture=capture,
        mime=mime,
        charset=charset,
        http_headers=http,
        body=b"".join(parts),
        size=size,
        sha256=digest.hexdigest() if digest is not None else None,
        complete=complete,
        refers_to_uri=clean_uri(headers.get_header("WARC-Refers-To-Target-URI")) or None,
        refers_to_date=headers.get_header("WARC-Refers-To-Date"),
        warnings=warnings,
    )
