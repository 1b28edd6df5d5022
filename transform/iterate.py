"""Stream the records of a WARC file, carrying (file, offset, length) through as provenance.

Two readers share one item builder. FastWARC reads gzip and uncompressed WARC files: it parses
headers in C, several times faster than warcio, whose header parsing was most of a transform's
reading time. It is trusted with a record only when its
answer must equal warcio's: the headers it parsed account for every byte of the record (checked
against the gzip member's size trailer, or against where the next record starts), the HTTP headers
are parsed exactly when warcio would parse them, and nothing raised. Anything else (ARC files,
damaged or truncated records, odd header layouts, a payload that fails to decode, the last record
of a file) is read by warcio from that record on, which also reports damage and resumes after it;
FastWARC takes over again at the next clean record boundary.

Bodies are read with the HTTP transfer and content encodings removed and capped in size; the
size of the whole payload, and the sha256 of any payload not kept whole, are computed while
streaming, so a huge medium costs the same memory as a small one. A record that cannot be read
becomes a `Broken` item, never an exception, so one bad file never stops a run.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import zlib
from dataclasses import dataclass, field
from typing import Iterator, NamedTuple

from fastwarc.warc import ArchiveIterator as FastIterator
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

from transform.records import Capture

log = logging.getLogger(__name__)

TEXT_CAP = 32 * 1024 * 1024
HEAD_CAP = 1024 * 1024
CHUNK = 64 * 1024
WINDOW = 64 * 1024
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
    location: str | None  # the HTTP Location header, for redirects
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


@functools.lru_cache(maxsize=1024)
def split_content_type(value: str | None) -> tuple[str | None, str | None]:
    """(mime type, charset); cached, as a WARC file holds few distinct Content-Type values."""
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
    pos = max(after, -1) + 1
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
            found = next_member_start(fh, target - 1)
            if found is None:
                break
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
        state = _State()
        offset, mark = start, start
        while offset is not None and (end is None or offset < end):
            if state.first_format in (None, "warc"):
                offset, mark = yield from _fast_records(fh, name, offset, mark, end, gzipped, state)
                if offset is None or (end is not None and offset >= end):
                    return
            began = offset
            offset, mark = yield from _warcio_records(fh, name, offset, mark, end, gzipped, state)
            if offset is not None and offset <= began:  # no way forward from there: never loop
                offset = mark = next_member_start(fh, began, end) if gzipped else None


# Readers hand over at an `offset` where a record starts, with the `mark` where the previous one
# ended (as warcio's offset + length): a damaged record there is reported at the mark, as one
# warcio pass reports it. They differ only in an uncompressed file, by the blank lines between.

@dataclass
class _State:
    """Carried across reader switches: a file whose first record is ARC stays with warcio, and a
    WARC record after an ARC one marks damage, as in one warcio pass."""

    first_format: str | None = None


class _Head(NamedTuple):
    """What the item builder needs from one record's headers, whichever reader parsed them."""

    rec_type: str
    url: str
    mime: str | None
    charset: str | None
    warc: dict[str, str | None]
    http: dict[str, str | None] | None  # None: no HTTP headers, or a status line with no protocol
    status: int | None


class _Body(NamedTuple):
    data: bytes
    size: int
    sha256: str | None  # of the whole payload, when `data` is not all of it or not text
    complete: bool = True
    warnings: tuple[str, ...] | list[str] = ()
    failed: bool = False


_WARC_NAMES = ("WARC-Target-URI", "WARC-Record-ID", "WARC-Payload-Digest", "WARC-Date", "WARC-Truncated",
               "WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "Content-Type")
_HTTP_NAMES = ("Content-Type", "Content-Encoding", "Transfer-Encoding", "Content-Length", "Location")
_CONTENT_TYPES = ("response", "resource", "revisit")
_EMPTY_SHA256 = hashlib.sha256().hexdigest()


def _head(rec_type: str, warc: dict[str, str | None], http: dict[str, str | None] | None,
          status: int | None) -> _Head:
    mime, charset = split_content_type((http if http is not None else warc)["Content-Type"])
    return _Head(rec_type, clean_uri(warc["WARC-Target-URI"]), mime, charset, warc, http, status)


def _status(protocol_and_rest: str) -> tuple[str, int | None]:
    """(protocol, status code) from an HTTP status line, split the way warcio splits it."""
    protocol, _, rest = protocol_and_rest.partition(" ")
    code = rest.strip().split(" ", 1)[0]
    try:
        return protocol, int(code)
    except ValueError:
        return protocol, None


def _encodings(http: dict[str, str | None] | None) -> tuple[bool, str | None]:
    """(chunked, content encoding): what warcio's content_stream removes from the payload."""
    if http is None or not (http["Content-Encoding"] or http["Transfer-Encoding"]):
        return False, None
    encoding = (http["Content-Encoding"] or "").lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    return http["Transfer-Encoding"] == "chunked", encoding


def _payload_stream(raw, chunked: bool, encoding: str | None):
    """The payload with those encodings removed, by warcio's own decoders, so both readers decode,
    and fail, alike."""
    if chunked:
        return ChunkedDataReader(raw, decomp_type=encoding)
    if encoding:
        return BufferedReader(raw, decomp_type=encoding)
    return raw


def _read_body(stream, keep: bool) -> _Body:
    """Stream the payload: keep up to the cap, count it all, hash what is not kept whole."""
    digest = None if keep else hashlib.sha256()
    parts: list[bytes] = []
    warnings: list[str] = []
    kept = size = 0
    failed = False
    cap = TEXT_CAP if keep else HEAD_CAP
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
            if kept < cap:
                parts.append(chunk[: cap - kept])
                kept += min(len(chunk), cap - kept)
    except Exception as exc:  # noqa: BLE001 - a bad gzip/chunked body is reported and kept raw
        warnings.append(f"payload could not be decoded ({type(exc).__name__}: {exc}); kept as far as read")
        failed = True
    if keep and size > TEXT_CAP:
        warnings.append(f"payload of {size} bytes cut to the first {TEXT_CAP} bytes")
    return _Body(b"".join(parts), size, digest.hexdigest() if digest is not None else None,
                 not failed, warnings, failed)


def _whole_body(data: bytes, keep: bool) -> _Body:
    """A payload read in one piece, no bigger than its cap: what `_read_body` gives for it."""
    return _Body(data, len(data), None if keep else hashlib.sha256(data).hexdigest())


def _revisit_body(keep: bool) -> _Body:
    return _Body(b"", 0, None if keep else _EMPTY_SHA256)


def _item(head: _Head, body: _Body, name: str, offset: int, length: int, remaining: int) -> WarcItem:
    """The one WarcItem builder: every completeness check lives here, whichever reader read the record."""
    warc, http, rec_type = head.warc, head.http, head.rec_type
    complete, warnings = body.complete, list(body.warnings)
    if remaining > 0 and rec_type != "revisit":
        complete = False
        warnings.append(f"WARC record is truncated: {remaining} bytes of its declared length are missing")
    if warc["WARC-Truncated"]:
        complete = False
        warnings.append(f"WARC-Truncated: {warc['WARC-Truncated']}")
    if http is not None and complete and rec_type != "revisit":
        declared = http["Content-Length"]
        if (declared and declared.isdigit() and not http["Content-Encoding"]
                and not http["Transfer-Encoding"] and body.size < int(declared)):
            complete = False
            warnings.append(f"HTTP body is truncated: {body.size} of {declared} bytes")
    capture = Capture(warc_file=name, offset=offset, length=length, record_id=warc["WARC-Record-ID"] or "",
                      payload_digest=warc["WARC-Payload-Digest"], captured=warc["WARC-Date"] or "",
                      status=head.status, url=head.url)
    return WarcItem(
        rec_type=rec_type, url=head.url, capture=capture, mime=head.mime, charset=head.charset,
        location=http["Location"] if http is not None else None,
        body=body.data, size=body.size, sha256=body.sha256, complete=complete,
        refers_to_uri=clean_uri(warc["WARC-Refers-To-Target-URI"]) or None,
        refers_to_date=warc["WARC-Refers-To-Date"],
        warnings=warnings,
    )


# --- warcio: ARC files, and any record FastWARC cannot be trusted with ---------------------------

def _warcio_records(fh, name: str, offset: int, mark: int, end: int | None, gzipped: bool, state: _State):
    """warcio from `offset` until it has read a record and stands at a clean record boundary (where
    FastWARC may take over: returns that (offset, mark)), or to the end (returns None). After a
    damaged record it yields the `Broken` and returns where reading resumes."""
    fh.seek(offset)
    it = ArchiveIterator(fh, arc2warc=True, ensure_http_headers=False)
    broken, handback = yield from _records(it, name, mark, end, gzipped, state)
    if broken is None:
        return handback
    resume = next_member_start(fh, broken.offset, end) if gzipped else None
    if resume is None and gzipped and end is not None:
        resume = end  # a piece ends where a member starts: the first one after the damage
    broken.detail = _broken_detail(resume, gzipped)
    yield broken
    return resume, resume


def _records(it: ArchiveIterator, name: str, offset: int, end: int | None, gzipped: bool, state: _State):
    """Records from `it` until the end, `end`, a damaged one, or a clean boundary after a record:
    returns (Broken or None, (offset, mark) to hand back, or Nones at the end).
    A record whose headers cannot be read has no URL or id to report (never its predecessor's)."""
    while end is None or offset < end:
        try:
            record = next(it)
        except StopIteration:
            return None, (None, None)
        except Exception as exc:  # noqa: BLE001 - any parse failure is reported, not raised
            log.info("%s: unreadable after offset %s: %s", name, offset, exc)
            return Broken(name, offset, None, None, "unreadable_record", ""), None
        state.first_format = state.first_format or record.format
        url = clean_uri(record.rec_headers.get_header("WARC-Target-URI")) or None
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        if record.format != state.first_format or _garbled(url) or _garbled(record_id):
            # A damaged gzip member can still inflate its first bytes ("WARC/1.1 ...") and then
            # garbage, or be read raw as an ARC header: either way, this is the damaged place.
            log.info("%s: damaged record header at offset %s", name, offset)
            return Broken(name, offset, None, None, "unreadable_record", ""), None
        try:
            item = _read(record, it, name)
            at, length = it.get_record_offset(), it.get_record_length()
            if at < offset or length <= 0:
                # A gzip member holding more than one record: they have no offsets of their own
                # to give as provenance, and warcio's offsets from there on go backwards.
                log.info("%s: gzip member with more than one record after offset %s", name, offset)
                return Broken(name, max(at, offset), url, record_id, "unreadable_record", ""), None
            offset = at + length
        except Exception as exc:  # noqa: BLE001
            log.info("%s: record at %s unreadable: %s", name, offset, exc)
            return Broken(name, offset, url, record_id, "unreadable_record", ""), None
        yield item
        if state.first_format == "warc" and _clean_boundary(it, gzipped):
            return None, (it.offset, offset)
    return None, (None, None)


def _clean_boundary(it: ArchiveIterator, gzipped: bool) -> bool:
    """warcio has read nothing of the next record yet, so FastWARC may take over at `it.offset`.
    Both are private to warcio's ArchiveIterator: a release without them leaves warcio reading on."""
    if not isinstance(getattr(it, "offset", None), int):
        return False
    return not gzipped or getattr(it, "next_line", b"") is None


def _warcio_head(record) -> _Head:
    headers = record.rec_headers
    http = record.http_headers if record.http_headers and record.http_headers.protocol else None
    status = None
    if http is not None:
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            status = None
    return _head(record.rec_type, {n: headers.get_header(n) for n in _WARC_NAMES},
                 {n: http.get_header(n) for n in _HTTP_NAMES} if http is not None else None, status)


def _read(record, it: ArchiveIterator, name: str) -> WarcItem | Skipped:
    if record.rec_type not in _CONTENT_TYPES:
        it.read_to_end(record)
        return Skipped(record.rec_type)
    head = _warcio_head(record)
    keep = _is_text(head.mime, head.url)
    if head.rec_type == "revisit":
        body = _revisit_body(keep)
    else:
        body = _read_body(record.content_stream(), keep)
    remaining = getattr(record.raw_stream, "limit", 0) or 0
    it.read_to_end(record)
    return _item(head, body, name, it.get_record_offset(), it.get_record_length(), remaining)


# --- FastWARC: the fast path for WARC records it reads exactly as warcio would --------------------

class _Pending(NamedTuple):
    """A record FastWARC has read whole, waiting for the next one to show where it ends."""

    pos: int
    size: int  # its bytes, uncompressed, if its headers are laid out as parsed
    head_len: int
    result: object  # a Skipped, or (head, body, remaining) for the WarcItem


class _Counting:
    """Counts the raw payload bytes a decoder takes, which warcio reports as 'remaining'."""

    def __init__(self, raw):
        self.raw = raw
        self.taken = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.taken += len(data)
        return data

    def readline(self, n: int = 8192) -> bytes:
        data = self.raw.readline(n)
        self.taken += len(data)
        return data


def _fast_records(fh, name: str, offset: int, mark: int, end: int | None, gzipped: bool, state: _State):
    """FastWARC from `offset` while every record checks out. Returns (None, None) at `end`, else
    (offset, mark) of the first record it does not vouch for (the last one in the file included:
    its end is not confirmed by a next record), for warcio to read from there."""
    fh.seek(offset)
    records = FastIterator(fh, parse_http=True, auto_decode="none", fsspec_args=False)
    window = _Window(fh)
    pending: _Pending | None = None
    while True:
        try:
            record = next(records)
        except Exception:  # noqa: BLE001 - StopIteration included: warcio reads the rest
            return (pending.pos, mark) if pending else (offset, mark)
        pos = record.stream_pos
        if pending is None and pos != offset:
            return offset, mark
        if pending is not None:
            length = _length(window, pending, pos, gzipped)
            if length is None:
                return pending.pos, mark
            yield _finish(pending, name, length)
            state.first_format = "warc"
            mark = pending.pos + length
            if end is not None and pos >= end:
                return None, None
        try:
            pending = _fast_one(record, pos)
        except Exception:  # noqa: BLE001 - whatever FastWARC cannot read, warcio reads (and reports)
            pending = None
        if pending is None:
            return pos, mark


def _finish(pending: _Pending, name: str, length: int) -> WarcItem | Skipped:
    if isinstance(pending.result, Skipped):
        return pending.result
    head, body, remaining = pending.result
    return _item(head, body, name, pending.pos, length, remaining)


class _Window:
    """The file's bytes a block at a time, for the few bytes `_length` checks at each record's end:
    one read serves the many small records in a block."""

    def __init__(self, fh):
        self.fd, self.start, self.data = fh.fileno(), 0, b""

    def read(self, pos: int, n: int) -> bytes:
        i = pos - self.start
        if i < 0 or i + n > len(self.data):
            self.start, self.data, i = pos, os.pread(self.fd, WINDOW, pos), 0
        return self.data[i:i + n]


def _length(window: _Window, pending: _Pending, next_pos: int, gzipped: bool) -> int | None:
    """The record's length in the file as warcio gives it, if the bytes confirm that the record
    ends where the next begins and holds exactly the headers FastWARC parsed; else None."""
    if gzipped:
        tail = window.read(next_pos - 4, 7) if next_pos - 4 > pending.pos else b""
        if tail == (pending.size & 0xFFFFFFFF).to_bytes(4, "little") + _GZIP_MAGIC:
            return next_pos - pending.pos
        return None
    if (next_pos == pending.pos + pending.size and window.read(next_pos - 4, 4) == b"\r\n\r\n"
            and window.read(pending.pos + pending.head_len - 4, 4) == b"\r\n\r\n"):
        return pending.size - 4
    return None


def _decode(value: bytes) -> str:
    """A header line as warcio decodes it: UTF-8, else ISO-8859-1."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("iso-8859-1")


def _lookup(headers) -> tuple[dict[bytes, bytes], int]:
    """(first value of each name, lower-cased as warcio compares names; bytes the header lines take
    laid out as "Name: value\\r\\n")."""
    items = headers.items_bytes()
    found: dict[bytes, bytes] = {}
    size = 4 * len(items)
    for key, value in items:
        size += len(key) + len(value)
        found.setdefault(key.lower(), value)
    return found, size


def _value(value: bytes | None) -> str | None:
    """A header value as warcio reads it: decoded, and stripped of what Python counts as whitespace
    (FastWARC strips only spaces and tabs)."""
    return None if value is None else _decode(value).strip()


def _values(found: dict[bytes, bytes], keys: tuple[tuple[str, bytes], ...]) -> dict[str, str | None]:
    return {n: None if (v := found.get(k)) is None else _decode(v).strip() for n, k in keys}


def _keys(names: tuple[str, ...]) -> tuple[tuple[str, bytes], ...]:
    return tuple((n, n.lower().encode()) for n in names)


@functools.lru_cache(maxsize=256)
def _http_status(status_line: bytes) -> tuple[str, int | None]:
    """`_status` of a raw status line; cached, as a file holds few distinct ones."""
    return _status(_decode(status_line).rstrip())


def _warcio_uri(uri: str | None) -> str | None:
    """WARC-Target-URI as warcio rewrites it: <...> removed, spaces percent-encoded."""
    if uri is not None and uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1]
    if uri is not None and " " in uri:
        uri = uri.replace(" ", "%20")
    return uri


_FAST_WARC = (b"WARC/1.0", b"WARC/1.1")
_CONTENT_RECORDS = _keys(tuple(n for n in _WARC_NAMES if n not in ("WARC-Target-URI", "WARC-Record-ID")))
_HTTP_KEYS = _keys(_HTTP_NAMES)
_HTTP_RECORDS = ("response", "request", "revisit")
_HTTP_SCHEMES = ("http:", "https:")


def _fast_one(record, pos: int) -> _Pending | None:
    """Read one FastWARC record whole, or None if its answer might differ from warcio's.

    A record that yields a Skipped needs no look at its HTTP headers: warcio (verify_http=False)
    parses the HTTP header block of any whole record without failing, and the record's end is
    checked without them."""
    headers = record.headers
    status_line = headers.status_line_bytes
    if status_line not in _FAST_WARC:
        return None
    found, lines = _lookup(headers)
    rec_type, declared = found.get(b"warc-type"), found.get(b"content-length")
    if rec_type is None or declared is None or not declared.isdigit():
        return None
    rec_type = _value(rec_type)
    uri, record_id = _warcio_uri(_value(found.get(b"warc-target-uri"))), _value(found.get(b"warc-record-id"))
    url = clean_uri(uri)
    if _garbled(url) or _garbled(record_id):
        return None
    block = int(declared)
    head_len = len(status_line) + 2 + lines + 2
    size = head_len + block + 4
    http_records = rec_type in _HTTP_RECORDS
    if http_records and block and uri is None:
        return None
    parse_http = bool(block) and http_records and uri.startswith(_HTTP_SCHEMES)
    payload = record.content_length
    if parse_http != record.is_http_parsed or (not parse_http and payload != block):
        return None
    if rec_type not in _CONTENT_TYPES:
        if record.reader.consume() != payload:
            return None
        return _Pending(pos, size, head_len, Skipped(rec_type))
    warc = _values(found, _CONTENT_RECORDS)
    warc["WARC-Target-URI"], warc["WARC-Record-ID"] = uri, record_id
    http, status = None, None
    if parse_http:
        http_head = _fast_http(record, block - payload)
        if http_head is None:
            return None
        http, status = http_head
    head = _Head(rec_type, url, *split_content_type((http if http is not None else warc)["Content-Type"]),
                 warc, http, status)
    result = _fast_body(record.reader, head, payload)
    return None if result is None else _Pending(pos, size, head_len, result)


def _fast_http(record, http_len: int) -> tuple[dict[str, str | None] | None, int | None] | None:
    """The HTTP headers and status as warcio would parse them; None if FastWARC may have parsed
    them otherwise (their bytes do not add up to where the payload starts)."""
    http = record.http_headers
    status_line = http.status_line_bytes or b""
    found, lines = _lookup(http)
    if len(status_line) + 2 + lines + 2 != http_len:
        return None
    protocol, status = _http_status(status_line)
    if not protocol:
        return None, None
    return _values(found, _HTTP_KEYS), status


def _fast_body(reader, head: _Head, payload: int) -> tuple[_Head, _Body, int] | None:
    """(head, body, bytes of the payload left unread), as warcio reads them; None if reading failed
    or took other than the whole payload. With no encoding to remove, the bytes read are the bytes
    taken, so no counting wrapper is needed, and a payload within its cap is read in one piece."""
    keep = _is_text(head.mime, head.url)
    if head.rec_type == "revisit":
        return (head, _revisit_body(keep), 0) if reader.consume() == payload else None
    chunked, encoding = _encodings(head.http)
    if not chunked and not encoding:
        if payload <= (TEXT_CAP if keep else HEAD_CAP):
            data = reader.read(payload)
            return (head, _whole_body(data, keep), 0) if len(data) == payload else None
        body = _read_body(reader, keep)
        taken = body.size
    else:
        raw = _Counting(reader)
        body = _read_body(_payload_stream(raw, chunked, encoding), keep)
        taken = raw.taken
    if body.failed or taken + reader.consume() != payload:
        return None
    return head, body, payload - taken


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
    """A header value no WARC writer produces: the format forbids control characters there (none
    of which is printable, so a printable value needs no search)."""
    return bool(value) and not value.isprintable() and _CONTROL.search(value) is not None
