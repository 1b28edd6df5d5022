"""WARC writing on warcio: one gzip member per record, warcinfo first, rotation, `*.open` until closed.

This module writes records and nothing else; it knows no crawl logic. Digests arrive precomputed by
the fetcher (payload digest over the entity with transfer coding removed), so warcio never has to
guess them from the chunked bytes.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from harvester.fetch import Exchange, sha1_b32
from harvester.metadata import CONTENT_TYPE as METADATA_CONTENT_TYPE, CaptureMetadata, to_warc_fields
from harvester.urls import safe_name

PAYLOAD_DIGEST_POLICY = (
    "WARC-Payload-Digest is sha1 (base32) of the HTTP entity body with any transfer coding removed "
    "and any content coding kept (WARC 1.1 section 5.9, RFC 9112 6.1); the record block keeps the "
    "response exactly as received, chunk framing included. Tools that hash the transfer-encoded "
    "bytes (warcio check, fastwarc check -p) report chunked records as payload mismatches."
)


@dataclass(frozen=True)
class RecordRef:
    """Where a record sits: the final (closed) file name, its offset and its length in that file."""

    warc_file: str
    offset: int
    length: int
    record_id: str


def warc_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _RawHeaders(StatusAndHeaders):
    """HTTP headers warcio writes byte for byte as received (used for revisit records)."""

    def __init__(self, raw: bytes):
        super().__init__("200 OK", [], protocol="HTTP/1.1")
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter=None):
        return None


def make_name(prefix: str, when: datetime, serial: int, host: str | None = None) -> str:
    host = safe_name(host or socket.gethostname(), 40)
    return f"{safe_name(prefix, 40)}-{when.strftime('%Y%m%d%H%M%S')}-{serial:05d}-{host}.warc.gz"


class RotatingWarcWriter:
    """Appends records to PREFIX-…-SERIAL-HOST.warc.gz.open and renames it when it passes max_size."""

    def __init__(self, directory: Path, prefix: str, max_size: int, warcinfo: dict[str, Any],
                 next_serial: int = 1, on_open=None, on_close=None):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_size = max_size
        self.warcinfo = warcinfo
        self.serial = next_serial
        self.on_open = on_open
        self.on_close = on_close
        self.name: str | None = None
        self._fh = None
        self._writer: WARCWriter | None = None

    @property
    def open_path(self) -> Path | None:
        return self.directory / f"{self.name}.open" if self.name else None

    def size(self) -> int:
        return self._fh.tell() if self._fh else 0

    def _ensure_open(self) -> None:
        if self._fh is not None:
            return
        now = datetime.now(timezone.utc)
        self.name = make_name(self.prefix, now, self.serial)
        self.serial += 1
        self._fh = open(self.directory / f"{self.name}.open", "xb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version="WARC/1.1")
        info = dict(self.warcinfo)
        info["start-time"] = warc_date(now)
        fields = {k: (v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False))
                  for k, v in info.items()}
        record = self._writer.create_warcinfo_record(self.name, fields)
        self._writer.write_record(record)
        self._fh.flush()
        if self.on_open:
            self.on_open(self.name, self._fh.tell())

    def _write(self, record) -> RecordRef:
        self._ensure_open()
        offset = self._fh.tell()
        self._writer.write_record(record)
        return RecordRef(self.name, offset, self._fh.tell() - offset,
                         record.rec_headers.get_header("WARC-Record-ID"))

    def write_exchange(self, ex: Exchange, revisit_of: tuple[str, str, str] | None = None,
                       ip: str | None = None) -> tuple[RecordRef, RecordRef]:
        """Response (or revisit) then request, linked by WARC-Concurrent-To; returns (response, request)."""
        self._ensure_open()
        date = warc_date(ex.date)
        w = self._writer
        common = {"WARC-Date": date}
        if ip:
            common["WARC-IP-Address"] = ip
        if revisit_of:
            target, refers_date, refers_id = revisit_of
            headers = dict(common)
            headers.update({
                "WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
                "WARC-Refers-To-Target-URI": target,
                "WARC-Refers-To-Date": refers_date,
                "WARC-Refers-To": refers_id,
                "WARC-Payload-Digest": ex.payload_digest,
            })
            headers["WARC-Block-Digest"] = sha1_b32(hashlib.sha1(ex.head_bytes))
            record = w.create_warc_record(ex.url, "revisit", http_headers=_RawHeaders(ex.head_bytes),
                                          warc_headers_dict=headers)
            record.length = len(ex.head_bytes)
        else:
            headers = dict(common)
            headers.update({"WARC-Payload-Digest": ex.payload_digest, "WARC-Block-Digest": ex.block_digest})
            ex.body.seek(0)
            record = w.create_warc_record(ex.url, "response", payload=ex.body, length=ex.body_length,
                                          http_headers=_RawHeaders(ex.head_bytes),
                                          warc_content_type="application/http; msgtype=response",
                                          warc_headers_dict=headers)
        resp_ref = self._write(record)
        req_headers = dict(common)
        req_headers["WARC-Concurrent-To"] = resp_ref.record_id
        req_headers["WARC-Block-Digest"] = sha1_b32(hashlib.sha1(ex.request_bytes))
        request = w.create_warc_record(ex.url, "request", payload=io.BytesIO(b""), length=0,
                                       http_headers=_RawHeaders(ex.request_bytes),
                                       warc_content_type="application/http; msgtype=request",
                                       warc_headers_dict=req_headers)
        req_ref = self._write(request)
        return resp_ref, req_ref

    def write_metadata(self, url: str, concurrent_to: str, meta: CaptureMetadata, date: datetime) -> RecordRef:
        """A `metadata` record (application/warc-fields) WARC-Concurrent-To the capture it describes."""
        data = to_warc_fields(meta)
        headers = {"WARC-Date": warc_date(date), "WARC-Concurrent-To": concurrent_to,
                   "WARC-Block-Digest": sha1_b32(hashlib.sha1(data))}
        record = self._writer_or_open().create_warc_record(url, "metadata", payload=io.BytesIO(data),
                                                           length=len(data),
                                                           warc_content_type=METADATA_CONTENT_TYPE,
                                                           warc_headers_dict=headers)
        return self._write(record)

    def _writer_or_open(self) -> WARCWriter:
        self._ensure_open()
        return self._writer

    def flush(self) -> None:
        if self._fh:
            self._fh.flush()

    def mark(self) -> tuple[str, int]:
        """(file name, size) before a group of records, for `truncate_to` if the group is not committed."""
        self._ensure_open()
        return self.name, self._fh.tell()

    def truncate_to(self, mark: tuple[str, int]) -> None:
        """Cut the open file back to `mark`, dropping records written after it (one gzip member each)."""
        name, size = mark
        if self._fh is None or self.name != name or self._fh.tell() <= size:
            return
        self._fh.flush()
        self._fh.truncate(size)
        self._fh.seek(size)
        os.fsync(self._fh.fileno())

    def maybe_rotate(self) -> None:
        if self._fh is not None and self._fh.tell() >= self.max_size:
            self.close()

    def close(self) -> None:
        if self._fh is None:
            return
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        self._fh = None
        os.replace(self.directory / f"{self.name}.open", self.directory / self.name)
        if self.on_close:
            self.on_close(self.name)


def complete_members_end(path: Path) -> int:
    """Offset just past the last record that reads back whole (a kill -9 can cut the last one)."""
    end = 0
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, check_digests=False)
            for record in it:
                record.content_stream().read()
                it.read_to_end()
                end = it.get_record_offset() + it.get_record_length()
    except Exception:
        pass
    return end


def recover_open_file(path: Path, good_size: int) -> tuple[int, bool]:
    """Cut an interrupted `*.open` file back to its last committed record; returns (size, cut)."""
    actual = path.stat().st_size
    if good_size > actual:
        good_size = complete_members_end(path)
    cut = actual != good_size
    if cut:
        with open(path, "r+b") as fh:
            fh.truncate(good_size)
            fh.flush()
            os.fsync(fh.fileno())
    return good_size, cut
