"""Re-read WARC files and recompute every record's block and payload digest, streaming.

A record is read once, in chunks, whatever its size; the file's own sha256/sha512 can be
computed in the same pass so bag and WACZ manifests need not read the WARC a second time.
"""
from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import io
import os
import re
import sys
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO, Callable

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from archive_out.errors import DigestMismatch, Failure, UnreadableRecord

CHUNK = 1 << 16
MAX_HTTP_HEAD = 1 << 20
MAX_FAILURES = 1000
HTTP_TYPES = ("application/http",)


def parse_digest(value: str) -> tuple[str, str]:
    """Split `sha1:ABC...` into a hashlib name and the encoded value."""
    algo, _, encoded = value.strip().partition(":")
    return algo.lower().replace("-", ""), encoded


def encode_like(encoded: str, raw: bytes) -> str:
    """Encode a raw digest the way the recorded one is written (base32, hex or base64)."""
    if len(encoded) == len(raw) * 2 and all(c in "0123456789abcdefABCDEF" for c in encoded):
        return raw.hex().upper() if encoded.isupper() else raw.hex()
    b32 = base64.b32encode(raw).decode("ascii")
    if len(encoded.rstrip("=")) == len(b32.rstrip("=")):
        return b32 if encoded.endswith("=") else b32.rstrip("=")
    return base64.b64encode(raw).decode("ascii")


def decode_digest(encoded: str, size: int) -> bytes | None:
    """Raw digest bytes from any of the encodings WARC writers use, or None if undecodable."""
    candidates = []
    if len(encoded) == size * 2:
        candidates.append(lambda: bytes.fromhex(encoded))
    candidates.append(lambda: base64.b32decode(encoded.upper() + "=" * (-len(encoded) % 8)))
    candidates.append(lambda: base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True))
    for decode in candidates:
        try:
            value = decode()
        except (binascii.Error, ValueError):
            continue
        if len(value) == size:
            return value
    return None


def digest_equal(recorded: str, raw: bytes) -> bool:
    _, encoded = parse_digest(recorded)
    return decode_digest(encoded, len(raw)) == raw


def new_hasher(recorded: str | None):
    if not recorded:
        return None
    algo, _ = parse_digest(recorded)
    try:
        return hashlib.new(algo)
    except ValueError:
        return None


class HashingReader(io.RawIOBase):
    """A read-only file wrapper that hashes every byte read, for a single-pass file checksum."""

    def __init__(self, fh: BinaryIO, algorithms: tuple[str, ...], on_bytes: Callable[[int], None] | None):
        self.fh = fh
        self.hashers = {name: hashlib.new(name) for name in algorithms}
        self.on_bytes = on_bytes
        self.position = fh.tell()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        for hasher in self.hashers.values():
            hasher.update(data)
        self.position += len(data)
        if self.on_bytes and data:
            self.on_bytes(len(data))
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def tell(self) -> int:
        return self.position

    def finish(self) -> dict[str, str]:
        while self.read(CHUNK):
            pass
        return {name: h.hexdigest() for name, h in self.hashers.items()}


@dataclass
class BlockDigests:
    """Block and payload digests of one record, computed from its raw block."""

    block: "hashlib._Hash | None"
    payload: "hashlib._Hash | None"
    http: bool
    head: bytearray = field(default_factory=bytearray)
    in_payload: bool = False
    chunked: bool = False

    def update(self, data: bytes) -> None:
        if self.block is not None:
            self.block.update(data)
        if self.payload is None:
            return
        if not self.http or self.in_payload:
            self.payload.update(data)
            return
        self.head += data
        end = self.head.find(b"\r\n\r\n")
        if end < 0:
            if len(self.head) > MAX_HTTP_HEAD:
                self.http = False
                self.payload.update(self.head)
                self.head = bytearray()
            return
        headers = bytes(self.head[:end]).lower()
        self.chunked = b"transfer-encoding: chunked" in headers or b"transfer-encoding:chunked" in headers
        self.payload.update(self.head[end + 4 :])
        self.head = bytearray()
        self.in_payload = True

    def close(self) -> None:
        if self.payload is not None and self.http and not self.in_payload and self.head:
            self.payload.update(bytes(self.head))


@dataclass
class WarcScan:
    """What one pass over a WARC file found: counts, file checksums, failures, unchecked spans."""

    records: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    digests_checked: int = 0
    file_hashes: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    more_failures: int = 0
    damaged: set[int] = field(default_factory=set)
    unread: list[tuple[int, int]] = field(default_factory=list)
    resumed: int = 0
    unparsed: int = 0  # damaged records so broken that `records` never counted them

    @property
    def unchecked_bytes(self) -> int:
        return sum(end - start for start, end in self.unread)

    def damaged_span(self, offset: int) -> tuple[int, int] | None:
        """The unreadable span (corrupt member, or the unchecked rest of the file) holding `offset`."""
        for start, end in self.unread:
            if start <= offset < end:
                return start, end
        return None

    def is_damaged(self, offset: int) -> bool:
        """Whether the record at `offset` failed a check or lies in a part that could not be read."""
        return offset in self.damaged or self.damaged_span(offset) is not None

    def fail(self, failure: Failure) -> None:
        if len(self.failures) < MAX_FAILURES:
            self.failures.append(failure)
        else:
            self.more_failures += 1


class _WarcioNoise:
    """Stands in for sys.stderr while warcio reads: keeps its inflate complaints (printed once per
    read, hundreds of lines for one bad member), which scan_warc turns into one failure, and
    passes everything else (a progress bar) through unchanged."""

    NOISE = re.compile(r"^Error -?\d+ while decompressing")

    def __init__(self, target) -> None:
        self.target = target
        self.lines: list[str] = []

    def write(self, text: str) -> int:
        if self.NOISE.match(text):
            self.lines.append(text.strip())
            return len(text)
        return self.target.write(text)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def __getattr__(self, name):
        return getattr(self.target, name)


@contextlib.contextmanager
def _quiet_warcio():
    noise = _WarcioNoise(sys.stderr)
    saved, sys.stderr = sys.stderr, noise
    try:
        yield noise
    finally:
        sys.stderr = saved


def _dechunked_payload_digest(path: str, offset: int, algo: str) -> bytes | None:
    """Payload digest over the body with chunked transfer coding removed (WARC 1.1 reading)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        record = next(iter(ArchiveIterator(fh)))
        hasher = hashlib.new(algo)
        reader = ChunkedDataReader(record.raw_stream, decomp_type=None)
        while True:
            data = reader.read(CHUNK)
            if not data:
                break
            hasher.update(data)
        return hasher.digest()


GZIP_MAGIC = b"\x1f\x8b\x08"


def _is_gzip(path: str) -> bool:
    with open(path, "rb") as fh:
        return fh.read(3) == GZIP_MAGIC


def inflate_member(fh: BinaryIO, offset: int) -> tuple[int | None, str | None]:
    """Inflate the gzip member at `offset`: (end offset, None) if intact, (None, zlib's complaint) if not."""
    fh.seek(offset)
    if fh.read(3) != GZIP_MAGIC:
        return None, "no gzip member header here"
    fh.seek(offset)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    position = offset
    while True:
        data = fh.read(CHUNK)
        if not data:
            return None, "member ends before its gzip trailer (truncated)"
        try:
            inflater.decompress(data)
        except zlib.error as exc:
            return None, str(exc)
        if inflater.eof:
            return position + len(data) - len(inflater.unused_data), None
        position += len(data)


def next_member(fh: BinaryIO, after: int) -> int | None:
    """Offset of the next gzip member that starts with a WARC header, searching from `after` + 1.

    Each record is its own member, so the scan can go on behind a corrupt one; a candidate
    counts only if it inflates to `WARC/`, which rules out the magic bytes occurring by chance.
    """
    position = after + 1
    while True:
        fh.seek(position)
        window = fh.read(CHUNK + 2)
        if len(window) < 3:
            return None
        index = window.find(GZIP_MAGIC)
        while index >= 0:
            candidate = position + index
            fh.seek(candidate)
            head = fh.read(4096)
            try:
                if zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16).startswith(b"WARC/"):
                    return candidate
            except zlib.error:
                pass
            index = window.find(GZIP_MAGIC, index + 1)
        position += CHUNK


def summarise_error(exc: BaseException) -> str:
    """An exception as one readable line: warcio quotes the raw bytes it could not parse, which
    for a gzip member is binary; keep its words and say what kind of bytes followed."""
    text = str(exc)
    cut = re.search(r"[,:]?\s*first line:", text)
    if cut:
        rest = text[cut.end():]
        text = text[: cut.start()]
        printable = sum(1 for c in rest if c.isprintable() or c in "\r\n\t")
        escaped = re.search(r"\\x[0-9a-fA-F]{2}", rest)
        if rest.strip():
            text += " (the bytes there are binary, not a WARC header)" if escaped or printable < 0.9 * len(rest) \
                else f" (first line: {rest.strip()[:60]!r})"
    text = "".join(c if c.isprintable() else "?" for c in text)
    return f"{type(exc).__name__}: {text[:300]}"


def scan_warc(
    path: str,
    name: str,
    file_algorithms: tuple[str, ...] = (),
    on_bytes: Callable[[int], None] | None = None,
) -> WarcScan:
    """Recompute every record's digests in one streaming pass; never raises on bad data.

    A corrupt gzip member is reported once, with its offset and zlib's reason, and the scan
    resumes at the next intact member; whatever cannot be read is reported in bytes.
    """
    scan = WarcScan()
    size = os.path.getsize(path)
    gzipped = _is_gzip(path)
    with open(path, "rb") as raw, open(path, "rb") as side:
        reader = HashingReader(raw, file_algorithms, on_bytes)
        start = _scan_from(path, name, reader, 0, gzipped, size, side, scan)
        scan.file_hashes = reader.finish()
        while start is not None:
            side.seek(start)
            start = _scan_from(path, name, side, start, gzipped, size, side, scan)
    if scan.more_failures:
        scan.failures.append(Failure(file=name, detail=f"{scan.more_failures} more failures in this file not listed"))
    return scan


def _scan_from(path, name, stream, base: int, gzipped: bool, size: int, side: BinaryIO, scan: WarcScan) -> int | None:
    """Check records from `base` on; return where to resume after a corrupt member, or None when done."""
    iterator = ArchiveIterator(stream, no_record_parse=True)
    record_id = None
    counted = False
    offset = base
    with _quiet_warcio() as noise:
        try:
            for record in iterator:
                offset = base + iterator.offset
                headers = record.rec_headers
                record_id = headers.get_header("WARC-Record-ID")
                rec_type = headers.get_header("WARC-Type") or "unknown"
                if not str(record.format).startswith("warc"):
                    scan.unparsed += 1
                    return _damaged(name, offset, None, "not a WARC record", gzipped, size, side, scan)
                scan.records += 1
                counted = True
                scan.by_type[rec_type] = scan.by_type.get(rec_type, 0) + 1
                heard = len(noise.lines)
                _check_record(path, name, offset, record, rec_type, record_id, scan,
                              inflate_failed=lambda: len(noise.lines) > heard)
                if len(noise.lines) > heard:
                    return _damaged(name, offset, record_id, None, gzipped, size, side, scan)
                record_id = None
                counted = False
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            offset = base + iterator.offset
            if not counted:
                scan.unparsed += 1
            return _damaged(name, offset, record_id, summarise_error(exc), gzipped, size, side, scan)
    return None


def _damaged(name: str, offset: int, record_id: str | None, problem: str | None, gzipped: bool, size: int,
             side: BinaryIO, scan: WarcScan) -> int | None:
    """Report the unreadable part at `offset` once and find where reading can go on."""
    where = f"offset {offset}" + (f" {record_id}" if record_id else "")
    scan.damaged.add(offset)
    if gzipped:
        _, zlib_error = inflate_member(side, offset)
        resume = next_member(side, offset)
        end = resume if resume is not None else size
        scan.unread.append((offset, end))
        if zlib_error:
            detail = f"gzip member at offset {offset} is corrupt (CRC/inflate error: {zlib_error})"
        else:
            detail = f"the record at offset {offset} is not a readable WARC record ({problem or 'bad header'})"
        if resume is not None:
            detail += f"; its {end - offset} bytes were not checked, scanning resumed at the next member (offset {resume})"
            scan.resumed += 1
        else:
            detail += f"; no intact member follows: the last {end - offset} bytes of this file were not checked"
        scan.fail(UnreadableRecord(file=name, record=where, detail=detail))
        return resume
    scan.unread.append((offset, size))
    scan.fail(UnreadableRecord(file=name, record=where, detail=f"{problem or 'not a WARC record'}; the remaining "
                                                              f"{size - offset} bytes of this file were not checked"))
    return None


def _check_record(path, name, offset, record, rec_type, record_id, scan: WarcScan, inflate_failed=None) -> None:
    headers = record.rec_headers
    block_recorded = headers.get_header("WARC-Block-Digest")
    payload_recorded = headers.get_header("WARC-Payload-Digest")
    content_type = (headers.get_header("Content-Type") or "").split(";")[0].strip().lower()
    http = content_type in HTTP_TYPES
    check_payload = payload_recorded if rec_type in ("response", "request", "resource", "conversion") else None
    digests = BlockDigests(new_hasher(block_recorded), new_hasher(check_payload), http)
    stream = record.raw_stream
    expected_len = int(headers.get_header("Content-Length") or 0)
    read = 0
    while True:
        data = stream.read(CHUNK)
        if not data:
            break
        read += len(data)
        digests.update(data)
    digests.close()
    if inflate_failed is not None and inflate_failed():
        return
    label = f"{record_id} at offset {offset}"
    before = len(scan.failures) + scan.more_failures
    _compare(path, name, offset, label, read, expected_len, digests, block_recorded, check_payload, scan)
    if len(scan.failures) + scan.more_failures > before:
        scan.damaged.add(offset)


def _compare(path, name, offset, label, read, expected_len, digests, block_recorded, check_payload, scan) -> None:
    if read < expected_len:
        scan.fail(
            UnreadableRecord(file=name, record=label, expected=f"{expected_len} bytes", found=f"{read} bytes",
                             detail="record block truncated")
        )
        return
    if digests.block is not None:
        scan.digests_checked += 1
        if not digest_equal(block_recorded, digests.block.digest()):
            _, enc = parse_digest(block_recorded)
            scan.fail(
                DigestMismatch(file=name, record=label, expected=block_recorded,
                               found=f"{block_recorded.split(':')[0]}:{encode_like(enc, digests.block.digest())}",
                               detail="WARC-Block-Digest")
            )
    if digests.payload is not None:
        scan.digests_checked += 1
        raw = digests.payload.digest()
        ok = digest_equal(check_payload, raw)
        if not ok and digests.chunked:
            dechunked = _dechunked_payload_digest(path, offset, digests.payload.name)
            if dechunked is not None and digest_equal(check_payload, dechunked):
                ok = True
        if not ok:
            _, enc = parse_digest(check_payload)
            scan.fail(
                DigestMismatch(file=name, record=label, expected=check_payload,
                               found=f"{check_payload.split(':')[0]}:{encode_like(enc, raw)}",
                               detail="WARC-Payload-Digest")
            )


@dataclass(frozen=True)
class CaptureFacts:
    """The record found at a (file, offset): what a corpus record's provenance must agree with."""

    record_id: str | None
    rec_type: str | None
    target_uri: str | None
    payload_digest: str | None
    length: int


RECORD_STARTS = (b"\x1f\x8b", b"WARC/")  # a gzip member, or an uncompressed record's version line


def read_capture(path: str, offset: int, fh: BinaryIO | None = None) -> CaptureFacts:
    """Seek to `offset`, parse one record and return its identifying headers and member length.

    Raises ArchiveLoadFailed unless a record starts exactly there: warcio, started inside a gzip
    member, can fall back to raw deflate and now and then decode the member's own record.
    Pass an open `fh` of the same file to avoid reopening it for every record.
    """
    if fh is None:
        with open(path, "rb") as own:
            return read_capture(path, offset, own)
    fh.seek(offset)
    if not fh.read(5).startswith(RECORD_STARTS):
        raise ArchiveLoadFailed(f"no WARC record starts at offset {offset}: neither a gzip member nor a "
                                "'WARC/' line begins there")
    fh.seek(offset)
    iterator = ArchiveIterator(fh, no_record_parse=True)
    record = next(iter(iterator))
    headers = record.rec_headers
    iterator.read_to_end()
    return CaptureFacts(
        record_id=headers.get_header("WARC-Record-ID"),
        rec_type=headers.get_header("WARC-Type"),
        target_uri=headers.get_header("WARC-Target-URI"),
        payload_digest=headers.get_header("WARC-Payload-Digest"),
        length=iterator.get_record_length(),
    )
