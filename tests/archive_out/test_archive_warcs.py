"""Digest recomputation on single records: chunked bodies, encodings, truncation."""
from __future__ import annotations

import base64
import gzip
import hashlib
import io

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive_out.errors import DigestMismatch, UnreadableRecord
from archive_out.warcs import decode_digest, encode_like, scan_warc

BODY = b"<html><body>" + "Välkommen till BESÖK. ".encode("utf-8") * 40 + b"</body></html>"


def chunked(data: bytes, size: int = 100) -> bytes:
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def write_response(path, body: bytes, headers, payload_digest: str | None):
    """One gzip member holding a response whose WARC headers we choose ourselves."""
    if payload_digest is None:
        with open(path, "wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record("http://projektbesok.se/", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
        return
    head = "HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    block = head.encode("latin-1") + body
    warc_head = (
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
        "WARC-Date: 2013-12-20T12:00:00Z\r\nWARC-Target-URI: http://projektbesok.se/\r\n"
        f"WARC-Block-Digest: {sha1_b32(block)}\r\nWARC-Payload-Digest: {payload_digest}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block)}\r\n\r\n"
    )
    path.write_bytes(gzip.compress(warc_head.encode("ascii") + block + b"\r\n\r\n"))


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_chunked_payload_digest_over_the_dechunked_body_is_accepted(tmp_path):
    path = tmp_path / "c.warc.gz"
    write_response(path, chunked(BODY), [("Transfer-Encoding", "chunked")], sha1_b32(BODY))
    scan = scan_warc(str(path), "c.warc.gz")
    assert scan.failures == [] and scan.digests_checked == 2


def test_chunked_payload_digest_over_the_raw_body_is_accepted(tmp_path):
    path = tmp_path / "c.warc.gz"
    write_response(path, chunked(BODY), [("Transfer-Encoding", "chunked")], None)
    scan = scan_warc(str(path), "c.warc.gz")
    assert scan.failures == [] and scan.digests_checked == 2


def test_payload_digest_of_other_bytes_is_a_mismatch_with_both_values(tmp_path):
    path = tmp_path / "c.warc.gz"
    wrong = sha1_b32(b"something else")
    write_response(path, BODY, [("Content-Length", str(len(BODY)))], wrong)
    scan = scan_warc(str(path), "c.warc.gz")
    assert [(type(f), f.detail, f.expected, f.found) for f in scan.failures] == [
        (DigestMismatch, "WARC-Payload-Digest", wrong, sha1_b32(BODY))]


def test_truncated_warc_is_reported_not_raised(tmp_path):
    path = tmp_path / "c.warc.gz"
    write_response(path, BODY, [("Content-Length", str(len(BODY)))], None)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 40])
    scan = scan_warc(str(path), "c.warc.gz")
    assert scan.failures and isinstance(scan.failures[0], (UnreadableRecord, DigestMismatch))
    assert scan.failures[0].file == "c.warc.gz"


def test_digest_encodings_round_trip():
    raw = hashlib.sha256(b"x").digest()
    for encoded in (raw.hex(), raw.hex().upper(), base64.b32encode(raw).decode(),
                    base64.b32encode(raw).decode().rstrip("="), base64.b64encode(raw).decode()):
        assert decode_digest(encoded, len(raw)) == raw
        assert encode_like(encoded, raw) == encoded


def test_non_gzip_garbage_is_an_unreadable_record(tmp_path):
    path = tmp_path / "bad.warc.gz"
    path.write_bytes(gzip.compress(b"this is not a WARC record\r\n\r\n"))
    scan = scan_warc(str(path), "bad.warc.gz")
    assert [type(f) for f in scan.failures] == [UnreadableRecord]


def _warc_of(path, bodies: list[bytes]) -> list[int]:
    """A gzip WARC of one response per body; returns each record's member offset and the file size."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        offsets = []
        for i, body in enumerate(bodies):
            offsets.append(fh.tell())
            http = StatusAndHeaders("200 OK", [("Content-Type", "application/octet-stream")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"http://projektbesok.se/f{i}", "response",
                                                          payload=io.BytesIO(body), http_headers=http))
        offsets.append(fh.tell())
    return offsets


def _flip(path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def test_corrupt_large_gzip_member_is_one_quiet_failure_and_the_scan_goes_on(tmp_path, capfd):
    import os

    path = tmp_path / "big.warc.gz"
    bodies = [BODY, os.urandom(200_000), BODY, BODY]
    offsets = _warc_of(path, bodies)
    _flip(path, offsets[1] + (offsets[2] - offsets[1]) * 3 // 4)

    scan = scan_warc(str(path), "big.warc.gz")

    assert capfd.readouterr().err == ""
    assert [type(f) for f in scan.failures] == [UnreadableRecord]
    failure = scan.failures[0]
    assert f"gzip member at offset {offsets[1]} is corrupt" in failure.detail
    assert "CRC/inflate error" in failure.detail and "truncated" not in failure.detail
    assert f"resumed at the next member (offset {offsets[2]})" in failure.detail
    assert scan.records >= 3 and scan.by_type["response"] >= 3 and scan.digests_checked >= 6
    assert scan.is_damaged(offsets[1]) and not scan.is_damaged(offsets[2])


def test_corrupt_small_gzip_member_is_named_without_raw_bytes(tmp_path, capfd):
    path = tmp_path / "small.warc.gz"
    offsets = _warc_of(path, [BODY, BODY, BODY])
    _flip(path, (offsets[1] + offsets[2]) // 2)

    scan = scan_warc(str(path), "small.warc.gz")

    assert capfd.readouterr().err == ""
    assert len(scan.failures) == 1
    detail = scan.failures[0].detail
    assert f"gzip member at offset {offsets[1]} is corrupt" in detail
    assert all(c.isprintable() for c in detail) and "\\x" not in detail
    assert scan.records == 2 and scan.unchecked_bytes == offsets[2] - offsets[1]


def test_corrupt_last_member_says_how_many_bytes_were_not_checked(tmp_path):
    path = tmp_path / "tail.warc.gz"
    offsets = _warc_of(path, [BODY, BODY])
    _flip(path, (offsets[1] + offsets[2]) // 2)

    scan = scan_warc(str(path), "tail.warc.gz")

    assert len(scan.failures) == 1
    assert f"the last {offsets[2] - offsets[1]} bytes of this file were not checked" in scan.failures[0].detail
