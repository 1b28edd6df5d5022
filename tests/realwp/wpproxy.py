"""A small forward HTTP proxy on loopback that sends requests for a public host name to a local server.

The harvester reaches the real WordPress the way it reaches any site through a proxy, so every URL it
archives is `http://projektbesok.se/...` and WordPress sees `Host: projektbesok.se` (it builds
redirects and links from that). Any other host gets 502 and is logged; nothing leaves the machine.
"""
from __future__ import annotations

import http.client
import http.server
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization",
     "te", "trailer", "transfer-encoding", "upgrade"}
)
ARTEFACTS = frozenset({"host"})
"""Response headers PHP's built-in server adds that no production server sends."""
CHUNK = 64 * 1024


@dataclass
class ForwardLog:
    """Every request the proxy saw, in order; tests read it to prove what was (not) asked for."""

    entries: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **entry) -> None:
        with self.lock:
            self.entries.append(entry)

    def snapshot(self) -> list[dict]:
        with self.lock:
            return list(self.entries)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "ForwardProxy"

    def log_message(self, format: str, *args) -> None:
        pass

    def _target(self) -> tuple[str, str]:
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            host = (parts.hostname or "").lower()
            if parts.port not in (None, 80):
                host = f"{host}:{parts.port}"
            path = parts.path or "/"
            if parts.query:
                path += "?" + parts.query
            return host, path
        host = (self.headers.get("Host") or "").lower()
        if host.endswith(":80"):
            host = host[:-3]
        return host, self.path

    def _refuse(self, status: int, message: str, host: str) -> None:
        body = (message + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.server.log.add(time=time.time(), method=self.command, url=self.path, host=host,
                            status=status, bytes=len(body), user_agent=self.headers.get("User-Agent"))

    def _forward(self) -> None:
        host, path = self._target()
        upstream = self.server.hosts.get(host)
        if upstream is None:
            self._refuse(502, f"this proxy only serves {', '.join(sorted(self.server.hosts))}; not {host or '(no host)'}", host)
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP and k.lower() != "host"}
        headers["Host"] = host
        headers["Connection"] = "close"
        conn = http.client.HTTPConnection(*upstream, timeout=self.server.timeout_s)
        try:
            conn.request(self.command, path, body=body, headers=headers)
            response = conn.getresponse()
        except OSError as exc:
            conn.close()
            self._refuse(502, f"upstream {upstream[0]}:{upstream[1]} failed: {exc}", host)
            return
        sent = 0
        try:
            self.send_response_only(response.status, response.reason)
            if response.getheader("Date") is None:
                self.send_header("Date", self.date_time_string())
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP and key.lower() not in ARTEFACTS:
                    self.send_header(key, value)
            known = response.getheader("Content-Length")
            no_body = self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
            chunked = known is None and not no_body
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if not no_body:
                while block := response.read(CHUNK):
                    sent += len(block)
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block) if chunked else block)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
        finally:
            conn.close()
            self.server.log.add(time=time.time(), method=self.command, url=f"http://{host}{path}", host=host,
                                status=response.status, bytes=sent, user_agent=self.headers.get("User-Agent"))

    def do_CONNECT(self) -> None:
        self._refuse(405, "CONNECT is not supported: the test sites are plain http://", "")

    do_GET = do_HEAD = do_POST = do_OPTIONS = _forward


class ForwardProxy(http.server.ThreadingHTTPServer):
    """Binds 127.0.0.1 (port 0 = any free port); `hosts` maps a public host name to a local (host, port)."""

    daemon_threads = True

    def __init__(self, hosts: dict[str, tuple[str, int]], port: int = 0, timeout_s: float = 120.0):
        super().__init__(("127.0.0.1", port), _Handler)
        self.hosts = {k.lower(): v for k, v in hosts.items()}
        self.timeout_s = timeout_s
        self.log = ForwardLog()
        self._thread: threading.Thread | None = None

    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "ForwardProxy":
        self._thread = threading.Thread(target=self.serve_forever, name="realwp-forwarder", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread:
            self._thread.join(timeout=10)
