"""A small HTTP/1.1 client that keeps the exchange exactly as it went over the wire.

The WARC must hold the response as received (chunk framing and gzip included), so this client
reads the socket itself instead of using a library that decodes on the way. While reading it
computes the block digest (all bytes) and the payload digest over the entity body with the
transfer coding removed and the content coding kept (WARC 1.1, section 5.9; RFC 9112 6.1).
"""
from __future__ import annotations

import base64
import hashlib
import socket
import ssl
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import BinaryIO
from urllib.parse import unquote, urlsplit

from harvester.errors import FetchError, ResponseTooLarge

MAX_HEAD = 64 * 1024
MAX_LINE = 8 * 1024
SPOOL = 1024 * 1024
PARSEABLE = ("text/html", "application/xhtml", "text/xml", "application/xml", "application/rss",
             "application/atom", "application/json", "text/plain", "text/css", "application/javascript",
             "text/javascript")


def sha1_b32(digest: "hashlib._Hash") -> str:
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


@dataclass
class Exchange:
    """One request/response pair as it went over the wire, plus what the crawler needs to parse it."""

    url: str
    date: datetime
    request_bytes: bytes
    status: int
    reason: str
    http_version: str
    head_bytes: bytes
    headers: list[tuple[str, str]]
    body: BinaryIO
    body_length: int
    block_digest: str
    payload_digest: str
    entity_length: int
    chunked: bool
    content: bytes | None = None
    content_note: str = ""
    elapsed: float = 0.0
    extra: dict = field(default_factory=dict)

    def header(self, name: str, default: str = "") -> str:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    @property
    def record_length(self) -> int:
        return len(self.head_bytes) + self.body_length

    def record_stream(self) -> BinaryIO:
        """The whole HTTP response (head + raw body) as a stream, for the WARC writer."""
        self.body.seek(0)
        return _Concat(self.head_bytes, self.body)

    def close(self) -> None:
        self.body.close()


class _Concat:
    def __init__(self, head: bytes, body: BinaryIO):
        self.head = head
        self.pos = 0
        self.body = body

    def read(self, size: int = -1) -> bytes:
        if self.pos < len(self.head):
            end = len(self.head) if size < 0 else min(len(self.head), self.pos + size)
            out = self.head[self.pos:end]
            self.pos = end
            return out
        return self.body.read(size)


class _Conn:
    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.rfile = sock.makefile("rb", buffering=65536)
        self.used = 0

    def close(self) -> None:
        try:
            self.rfile.close()
        finally:
            self.sock.close()


def decode_content(body: BinaryIO, encoding: str, cap: int) -> tuple[bytes | None, str]:
    """The entity with its content coding removed, for parsing; never more than `cap` bytes in memory."""
    body.seek(0)
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        data = body.read(cap + 1)
        if len(data) > cap:
            return None, f"body exceeds {cap} bytes; stored, not parsed"
        return data, ""
    if encoding not in ("gzip", "x-gzip", "deflate"):
        return None, f"content coding {encoding!r} not decoded; stored, not parsed"
    wbits = 16 + zlib.MAX_WBITS if "gzip" in encoding else zlib.MAX_WBITS
    dec = zlib.decompressobj(wbits)
    out = bytearray()
    try:
        while True:
            chunk = body.read(65536)
            data = dec.unconsumed_tail + chunk if dec.unconsumed_tail else chunk
            if not data:
                break
            while data:
                piece = dec.decompress(data, cap + 1 - len(out))
                out += piece
                if len(out) > cap:
                    return None, f"decompressed body exceeds {cap} bytes (gzip bomb?); stored, not parsed"
                data = dec.unconsumed_tail
                if not piece and data:
                    break
            if dec.eof:
                break
        out += dec.flush(max(1, cap + 1 - len(out)))
    except zlib.error as exc:
        return None, f"content coding {encoding} is corrupt ({exc}); stored, not parsed"
    if len(out) > cap:
        return None, f"decompressed body exceeds {cap} bytes (gzip bomb?); stored, not parsed"
    return bytes(out), ""


class Fetcher:
    """Thread-safe: one keep-alive connection pool per target host, through the proxy when one is set."""

    def __init__(self, user_agent: str, proxy: str = "", timeout: float = 30.0,
                 max_response_bytes: int = 100_000_000, max_decompressed_bytes: int = 20_000_000,
                 accept_encoding: str = "gzip", tls_context: ssl.SSLContext | None = None):
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_response = max_response_bytes
        self.max_decompressed = max_decompressed_bytes
        self.accept_encoding = accept_encoding
        self.proxy = None
        self.proxy_auth = ""
        if proxy:
            p = urlsplit(proxy)
            self.proxy = (p.hostname, p.port or 80)
            if p.username:
                token = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
                self.proxy_auth = "Basic " + base64.b64encode(token).decode()
        self._pool: dict[str, list[_Conn]] = {}
        self._lock = threading.Lock()
        self._tls = tls_context or ssl.create_default_context()

    def close(self) -> None:
        with self._lock:
            for conns in self._pool.values():
                for conn in conns:
                    conn.close()
            self._pool.clear()

    def _connect(self, scheme: str, host: str, port: int) -> _Conn:
        addr = self.proxy or (host, port)
        try:
            sock = socket.create_connection(addr, timeout=self.timeout)
        except OSError as exc:
            why = exc.strerror or str(exc) or "timed out"
            what = f"the proxy {addr[0]}:{addr[1]}" if self.proxy else f"{host}:{port}"
            raise OSError(f"could not connect to {what} ({why})") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if scheme != "https":
            return _Conn(sock)
        try:
            if self.proxy:
                self._tunnel(sock, host, port)
            return _Conn(self._tls.wrap_socket(sock, server_hostname=host))
        except BaseException:
            sock.close()
            raise

    def _tunnel(self, sock: socket.socket, host: str, port: int) -> None:
        """CONNECT through the proxy for https; the tunnel's own exchange is not part of the capture."""
        lines = [f"CONNECT {host}:{port} HTTP/1.1", f"Host: {host}:{port}", f"User-Agent: {self.user_agent}"]
        if self.proxy_auth:
            lines.append(f"Proxy-Authorization: {self.proxy_auth}")
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        reader = sock.makefile("rb", buffering=0)
        status = reader.readline(MAX_LINE)
        while True:
            line = reader.readline(MAX_LINE)
            if line in (b"\r\n", b"\n", b""):
                break
        parts = status.split()
        if len(parts) < 2 or parts[1] != b"200":
            raise OSError(f"proxy refused CONNECT {host}:{port}: {status.strip().decode('latin-1', 'replace')}")

    def _checkout(self, key: str) -> _Conn | None:
        with self._lock:
            conns = self._pool.get(key)
            return conns.pop() if conns else None

    def _checkin(self, key: str, conn: _Conn) -> None:
        with self._lock:
            self._pool.setdefault(key, []).append(conn)

    def build_request(self, url: str, method: str = "GET") -> tuple[bytes, bytes]:
        """(bytes sent, bytes recorded): the recorded copy never carries proxy credentials."""
        parts = urlsplit(url)
        origin_form = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        target = url if self.proxy and parts.scheme == "http" else origin_form
        lines = [
            f"{method} {target} HTTP/1.1",
            f"Host: {parts.netloc}",
            f"User-Agent: {self.user_agent}",
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            f"Accept-Encoding: {self.accept_encoding}",
            "Connection: keep-alive",
        ]
        recorded = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        if self.proxy_auth:
            lines.append(f"Proxy-Authorization: {self.proxy_auth}")
        sent = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace")
        return sent, recorded

    def fetch(self, url: str, method: str = "GET", parse: bool = True) -> Exchange:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        sent, recorded = self.build_request(url, method)
        conn = self._checkout(key)
        reused = conn is not None
        for _ in range(2):
            if conn is None:
                try:
                    default_port = 443 if parts.scheme == "https" else 80
                    conn = self._connect(parts.scheme, parts.hostname or "", parts.port or default_port)
                except OSError as exc:
                    raise FetchError(str(exc) if str(exc).startswith("could not connect") else f"could not connect: {exc}",
                                     url) from None
            try:
                return self._exchange(conn, key, url, method, sent, recorded, parse)
            except _StaleConnection:
                conn.close()
                conn = None
                if not reused:
                    raise FetchError("connection closed before any response", url) from None
                reused = False
            except BaseException:
                conn.close()
                raise
        raise FetchError("connection closed before any response", url)

    def _exchange(self, conn: _Conn, key: str, url: str, method: str, sent: bytes, recorded: bytes,
                  parse: bool) -> Exchange:
        date = datetime.now(timezone.utc).replace(microsecond=0)
        started = time.monotonic()
        deadline = started + max(self.timeout * 4, 10.0)
        try:
            conn.sock.sendall(sent)
            first = conn.rfile.readline(MAX_LINE)
        except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
            raise _StaleConnection() from None
        except socket.timeout:
            raise FetchError(f"no response within {self.timeout:g}s", url) from None
        except OSError as exc:
            raise FetchError(f"network error: {exc}", url) from None
        if not first:
            raise _StaleConnection()
        spools: list = []  # the body files, closed here if reading fails (else the Exchange owns them)
        try:
            try:
                head = bytearray(first)
                status_parts = first.decode("latin-1").rstrip("\r\n").split(" ", 2)
                if len(status_parts) < 2 or not status_parts[0].startswith("HTTP/"):
                    raise FetchError(f"not an HTTP response: {first[:60]!r}", url)
                version = status_parts[0]
                status = int(status_parts[1])
                reason = status_parts[2] if len(status_parts) > 2 else ""
                headers: list[tuple[str, str]] = []
                while True:
                    line = conn.rfile.readline(MAX_LINE)
                    if not line:
                        raise FetchError("connection closed inside the response headers", url)
                    head += line
                    if len(head) > MAX_HEAD:
                        raise FetchError(f"response headers exceed {MAX_HEAD} bytes", url, retryable=False)
                    if line in (b"\r\n", b"\n"):
                        break
                    if b":" in line:
                        name, value = line.decode("latin-1").split(":", 1)
                        headers.append((name.strip(), value.strip()))
                hmap = {k.lower(): v for k, v in headers}
                block = hashlib.sha1(head)
                payload = hashlib.sha1()
                raw = tempfile.SpooledTemporaryFile(max_size=SPOOL)
                spools.append(raw)
                te = hmap.get("transfer-encoding", "").lower()
                chunked = "chunked" in te
                entity_file = raw
                if chunked:
                    entity_file = tempfile.SpooledTemporaryFile(max_size=SPOOL)
                    spools.append(entity_file)
                counters = [0, 0]

                def take_raw(data: bytes) -> None:
                    counters[0] += len(data)
                    if counters[0] > self.max_response:
                        raise ResponseTooLarge(f"response exceeds {self.max_response} bytes", url)
                    if time.monotonic() > deadline:
                        raise FetchError(f"response too slow (over {deadline - started:.0f}s)", url)
                    raw.write(data)
                    block.update(data)

                def take_entity(data: bytes) -> None:
                    counters[1] += len(data)
                    payload.update(data)
                    if chunked:
                        entity_file.write(data)

                reusable = version == "HTTP/1.1" and hmap.get("connection", "").lower() != "close"
                no_body = method == "HEAD" or status in (204, 304) or 100 <= status < 200
                if no_body:
                    pass
                elif chunked:
                    self._read_chunked(conn, url, take_raw, take_entity)
                elif "content-length" in hmap:
                    try:
                        length = int(hmap["content-length"])
                    except ValueError:
                        raise FetchError(f"bad Content-Length {hmap['content-length']!r}", url, retryable=False) from None
                    if length > self.max_response:
                        raise ResponseTooLarge(f"Content-Length {length} exceeds {self.max_response} bytes", url)
                    remaining = length
                    while remaining:
                        data = conn.rfile.read1(min(remaining, 65536))
                        if not data:
                            raise FetchError(f"truncated body: got {length - remaining} of {length} bytes", url)
                        take_raw(data)
                        take_entity(data)
                        remaining -= len(data)
                else:
                    reusable = False
                    while True:
                        data = conn.rfile.read1(65536)
                        if not data:
                            break
                        take_raw(data)
                        take_entity(data)
            except (ConnectionResetError, BrokenPipeError, ConnectionAbortedError) as exc:
                raise FetchError(f"connection reset: {exc}", url) from None
            except socket.timeout:
                raise FetchError(f"read timed out after {self.timeout:g}s", url) from None
            except ValueError as exc:
                raise FetchError(f"malformed response: {exc}", url, retryable=False) from None
            except OSError as exc:
                raise FetchError(f"network error: {exc}", url) from None
        except BaseException:
            for spool in spools:
                spool.close()
            raise
        if reusable:
            self._checkin(key, conn)
        else:
            conn.close()
        ex = Exchange(
            url=url, date=date, request_bytes=recorded, status=status, reason=reason, http_version=version,
            head_bytes=bytes(head), headers=headers, body=raw, body_length=counters[0],
            block_digest=sha1_b32(block), payload_digest=sha1_b32(payload), entity_length=counters[1],
            chunked=chunked, elapsed=time.monotonic() - started,
        )
        try:
            if parse and any(ex.content_type.startswith(t) for t in PARSEABLE):
                ex.content, ex.content_note = decode_content(entity_file, hmap.get("content-encoding", ""),
                                                             self.max_decompressed)
        except BaseException:
            raw.close()
            raise
        finally:
            if chunked:
                entity_file.close()
        return ex

    def _read_chunked(self, conn: _Conn, url: str, take_raw, take_entity) -> None:
        while True:
            line = conn.rfile.readline(MAX_LINE)
            if not line:
                raise FetchError("truncated chunked body: connection closed before the last chunk", url)
            take_raw(line)
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16)
            except ValueError:
                raise FetchError(f"bad chunk size {size_text[:20]!r}", url, retryable=False) from None
            if size == 0:
                while True:
                    trailer = conn.rfile.readline(MAX_LINE)
                    if not trailer:
                        raise FetchError("truncated chunked body: no final CRLF", url)
                    take_raw(trailer)
                    if trailer in (b"\r\n", b"\n"):
                        return
            remaining = size
            while remaining:
                data = conn.rfile.read1(min(remaining, 65536))
                if not data:
                    raise FetchError("truncated chunked body: connection closed inside a chunk", url)
                take_raw(data)
                take_entity(data)
                remaining -= len(data)
            crlf = conn.rfile.readline(MAX_LINE)
            if crlf not in (b"\r\n", b"\n"):
                raise FetchError("chunk not followed by CRLF", url, retryable=False)
            take_raw(crlf)


class _StaleConnection(Exception):
    """A kept-alive connection the server had already closed; the request is resent on a fresh one."""
