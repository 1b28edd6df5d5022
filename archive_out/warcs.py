"""Re-read WARC files and recompute every record's block and payload digest, streaming.

A record is read once, in chunks, whatever its size; the file's own sha256/sha512 can be
computed in the same pass so bag and WACZ manifests need not read the WARC a second time.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
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
    """What one pass over a WARC file found: counts, file checksums, failures."""

    records: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    digests_checked: int = 0
    file_hashes: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)
    more_failures: int = 0
    damaged: set[int] = field(default_factory=set)
    unread_from: int | None = None

    def is_damaged(self, offset: int) -> bool:
        """Whether the record at `offset` failed a check or lies in the part that could not be read."""
        return offset in self.damaged or (self.unread_from is not None and offset >= self.unread_from)

    def fail(self, failure: Failure) -> None:
        if len(self.failures) < MAX_FAILURES:
            self.failures.append(failure)
        else:
            self.more_failures += 1


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


def scan_warc(
    path: str,
    name: str,
    file_algorithms: tuple[str, ...] = (),
    on_bytes: Callable[[int], None] | None = None,
) -> WarcScan:
    """Recompute every record's digests in one streaming pass; never raises on bad data."""
    scan = WarcScan()
    with open(path, "rb") as raw:
        reader = HashingReader(raw, file_algorithms, on_bytes)
        iterator = ArchiveIterator(reader, no_record_parse=True)
        offset = 0
        record_id = None
        try:
            for record in iterator:
                offset = iterator.offset
                headers = record.rec_headers
                record_id = headers.get_header("WARC-Record-ID")
                rec_type = headers.get_header("WARC-Type") or "unknown"
                scan.records += 1
                scan.by_type[rec_type] = scan.by_type.get(rec_type, 0) + 1
                if not str(record.format).startswith("warc"):
                    scan.fail(UnreadableRecord(
                        file=name, record=f"offset {offset}",
                        detail=f"not a WARC record (the bytes parse only as {record.format}); rest of file not read"))
                    scan.unread_from = offset
                    break
                _check_record(path, name, offset, record, rec_type, record_id, scan)
                record_id = None
        except (ArchiveLoadFailed, zlib.error, EOFError, OSError, ValueError) as exc:
            where = f"offset {iterator.offset}" + (f" {record_id}" if record_id else "")
            scan.fail(
                UnreadableRecord(file=name, record=where, detail=f"{type(exc).__name__}: {exc}; rest of file not read")
            )
            scan.unread_from = iterator.offset
        scan.file_hashes = reader.finish()
    if scan.more_failures:
        scan.failures.append(Failure(file=name, detail=f"{scan.more_failures} more failures in this file not listed"))
    return scan


def _check_record(path, name, offset, record, rec_type, record_id, scan: WarcScan) -> None:
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


def read_capture(path: str, offset: int, fh: BinaryIO | None = None) -> CaptureFacts:
    """Seek to `offset`, parse one record and return its identifying headers and member length.

    Pass an open `fh` of the same file to avoid reopening it for every record.
    """
    if fh is None:
        with open(path, "rb") as own:
            return read_capture(path, offset, own)
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
