"""The forward HTTP proxy on loopback that answers for the original host names."""
from __future__ import annotations

import gzip as gzip_mod
import json
import socket
import struct
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from replica import media
from replica.config import Fault, ReplicaConfig
from replica.errors import ReplicaError
from replica.response import REASONS, Response
from replica.sites import Sites

LOG_FIELDS = ("time", "method", "url", "host", "status", "bytes", "user_agent", "fault", "arrived")


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _FaultCounter:
    """How many times each fault has fired; thread-safe."""

    def __init__(self, faults: tuple[Fault, ...]) -> None:
        self._faults = faults
        self._used = [0] * len(faults)
        self._lock = threading.Lock()

    def take(self, host: str, path: str) -> Fault | None:
        base = path.split("?", 1)[0]
        with self._lock:
            for i, f in enumerate(self._faults):
                if f.host != host:
                    continue
                if f.kind == "redirect_loop":
                    hit = base == f.path.split("?", 1)[0]
                else:
                    hit = path == f.path or ("?" not in f.path and base == f.path)
                if hit and (f.times == 0 or self._used[i] < f.times):
                    self._used[i] += 1
                    return f
        return None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
        pass

    def parse_request(self) -> bool:
        self.arrived = datetime.now(timezone.utc)  # the request line is in; headers and the page follow
        return super().parse_request()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except (ConnectionError, socket.timeout, BrokenPipeError):
            self.close_connection = True

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= 1 << 20:
            self.rfile.read(length)
        elif length:
            self.close_connection = True
        self._serve(head=False, method_allowed=False)

    def do_CONNECT(self) -> None:
        resp = Response(501, b"CONNECT is not supported: the replica speaks plain http:// only.\n", "text/plain")
        self._send(resp, url=self.path, host=self.path.split(":")[0], head=False, fault=None)
        self.close_connection = True

    def _target(self) -> tuple[str, str]:
        raw = self.path
        if raw.startswith(("http://", "https://")):
            parts = urlsplit(raw)
            host = (parts.hostname or "").lower()
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return host, path
        host = (self.headers.get("Host") or "").lower()
        if host.startswith("["):
            host = host.split("]")[0] + "]"
        else:
            host = host.split(":")[0]
        return host, raw if raw.startswith("/") else "/" + raw

    def _serve(self, head: bool, method_allowed: bool = True) -> None:
        srv = self.server
        host, path = self._target()
        url = f"http://{host}{path}"
        fault = srv.faults.take(host, path)
        if not srv.sites.knows(host):
            resp = Response(502, f"Bad gateway: the replica does not serve {host or 'this host'}.\n".encode(),
                            "text/plain", server="replica")
            fault = None
        elif not method_allowed:
            resp = Response(405, b"Method not allowed\n", "text/plain", [("Allow", "GET, HEAD")])
        elif fault is not None and fault.kind in ("status_503", "status_429"):
            status = 503 if fault.kind == "status_503" else 429
            resp = Response(status, f"<h1>{REASONS[status]}</h1>\n".encode(), "text/html; charset=UTF-8",
                            [("Retry-After", str(fault.retry_after))])
        elif fault is not None and fault.kind == "redirect_loop":
            base = path.split("?", 1)[0]
            target = base if "?loop=1" in path else base + "?loop=1"
            resp = Response(302, b"", "text/html; charset=UTF-8", [("Location", f"http://{host}{target}")])
        elif fault is not None and fault.kind == "gzip_bomb":
            resp = Response(200, media.gzip_bomb(fault.size), "text/html; charset=UTF-8",
                            [("Content-Encoding", "gzip")])
        else:
            try:
                resp = srv.sites.get(host, path, self.headers)
            except Exception as exc:  # a replica bug must not look like a network failure
                resp = Response(500, f"replica error: {type(exc).__name__}: {exc}\n".encode(), "text/plain; charset=utf-8")
        if fault is not None and fault.kind == "slow":
            time.sleep(fault.delay_s)
        if srv.config.latency_ms:
            time.sleep(srv.config.latency_ms / 1000.0)
        self._send(resp, url=url, host=host, head=head, fault=fault)

    def _send(self, resp: Response, url: str, host: str, head: bool, fault: Fault | None) -> None:
        cfg = self.server.config
        body = resp.body
        headers = [("Server", resp.server), ("Date", self.date_time_string())]
        encoded = any(k.lower() == "content-encoding" for k, _ in resp.headers)
        if (cfg.gzip and not encoded and resp.is_text and len(body) > 0
                and "gzip" in (self.headers.get("Accept-Encoding") or "").lower()):
            body = gzip_mod.compress(body, 6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        if resp.is_text and not encoded:
            headers.append(("Vary", "Accept-Encoding"))
        if resp.status != 304 and resp.status >= 200:
            headers.append(("Content-Type", resp.content_type))
        headers.extend(resp.headers)
        chunked = cfg.chunked and resp.content_type.startswith("text/html") and resp.status == 200 and fault is None
        if chunked:
            headers.append(("Transfer-Encoding", "chunked"))
        elif resp.status != 304:
            headers.append(("Content-Length", str(len(body))))
        if self.close_connection or (fault is not None and fault.kind in ("reset", "truncate")):
            headers.append(("Connection", "close"))
        sent_body = 0 if head or resp.status == 304 else len(body)
        if fault is not None and fault.kind in ("reset", "truncate"):
            sent_body = len(body) // 2
        self.server.record(self.command, url, host, resp.status, sent_body, self.headers.get("User-Agent"),
                           fault.kind if fault else None, self.arrived)
        head_bytes = f"HTTP/1.1 {resp.status} {REASONS.get(resp.status, 'Unknown')}\r\n".encode("latin-1")
        head_bytes += b"".join(f"{k}: {v}\r\n".encode("latin-1") for k, v in headers) + b"\r\n"
        try:
            if fault is not None and fault.kind in ("reset", "truncate"):
                self.wfile.write(head_bytes + body[: len(body) // 2])
                self.wfile.flush()
                if fault.kind == "reset":
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    self.connection.close()  # no FIN first: the peer sees a reset
                self.close_connection = True
                return
            if head or resp.status == 304:
                self.wfile.write(head_bytes)
            elif chunked:
                out = [head_bytes]
                step = 8192
                for i in range(0, len(body), step):
                    piece = body[i: i + step]
                    out.append(b"%x\r\n" % len(piece) + piece + b"\r\n")
                out.append(b"0\r\n\r\n")
                self.wfile.write(b"".join(out))
            else:
                self.wfile.write(head_bytes + body)
            self.wfile.flush()
        except (ConnectionError, BrokenPipeError, socket.timeout):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], config: ReplicaConfig, sites: Sites) -> None:
        self.config = config
        self.sites = sites
        self.faults = _FaultCounter(config.faults)
        self._log: list[tuple] = []  # compact rows; a long benchmark logs hundreds of thousands
        self._log_lock = threading.Lock()
        self._log_file = open(Path(config.log_path), "a", encoding="utf-8") if config.log_path else None
        super().__init__(address, _Handler)

    def record(self, method: str, url: str, host: str, status: int, nbytes: int, user_agent: str | None,
               fault: str | None, arrived: datetime) -> None:
        now = datetime.now(timezone.utc)
        row = (_stamp(now), method, url, host, status, nbytes, user_agent, fault, _stamp(arrived))
        with self._log_lock:
            self._log.append(row)
            if self._log_file:
                self._log_file.write(json.dumps(dict(zip(LOG_FIELDS, row)), ensure_ascii=False, sort_keys=True) + "\n")
                self._log_file.flush()

    def log_entries(self) -> list[dict[str, Any]]:
        with self._log_lock:
            rows = list(self._log)
        return [dict(zip(LOG_FIELDS, row)) for row in rows]

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass

    def server_close(self) -> None:
        super().server_close()
        if self._log_file:
            self._log_file.close()
            self._log_file = None


class ReplicaServer:
    """The replica as a context manager: binds 127.0.0.1:port (0 = any free port) and serves in threads."""

    def __init__(self, config: ReplicaConfig | None = None, port: int = 0, host: str = "127.0.0.1") -> None:
        self.config = config or ReplicaConfig()
        self.sites = Sites(self.config)
        try:
            self._server = _Server((host, port), self.config, self.sites)
        except OSError as exc:
            raise ReplicaError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port or 0 for any free port") from exc
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ReplicaServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1},
                                            name=f"replica:{self.port}", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the CLI)."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        finally:
            self._server.server_close()

    def __enter__(self) -> "ReplicaServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def ground_truth(self) -> dict[str, Any]:
        """What a complete harvest must find (tests only; see replica/__init__.py)."""
        return self.sites.ground_truth()

    def request_log(self) -> list[dict[str, Any]]:
        """Every request so far, oldest first (by answer): time (UTC, ms, when the answer was sent),
        method, url (absolute), host, status, bytes (body bytes sent on the wire, after gzip), user_agent,
        fault (kind served, or None), arrived (UTC, ms, when the request line came in: before the page
        was built, the latency slept, the answer sent; what request-spacing checks should compare)."""
        return self._server.log_entries()
