"""https: the same raw capture over TLS, directly and through a CONNECT tunnel of a plain proxy."""
from __future__ import annotations

import datetime
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harvester.fetch import Fetcher

cryptography = pytest.importorskip("cryptography")


def self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Hello(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"hej over tls"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Tunnel(BaseHTTPRequestHandler):
    """A minimal forward proxy that only knows CONNECT (what https through http_proxy needs)."""

    def log_message(self, *args):
        pass

    def do_CONNECT(self):
        host, port = self.path.rsplit(":", 1)
        upstream = socket.create_connection(("127.0.0.1", int(port)))
        self.send_response(200, "Connection established")
        self.end_headers()
        self.wfile.flush()
        conns = [self.connection, upstream]

        def pump(a, b):
            try:
                while data := a.recv(65536):
                    b.sendall(data)
            except OSError:
                pass
            finally:
                for c in conns:
                    try:
                        c.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        t = threading.Thread(target=pump, args=(upstream, self.connection), daemon=True)
        t.start()
        pump(self.connection, upstream)
        t.join()


def serve(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.parametrize("through_proxy", [False, True])
def test_https_exchange_is_captured_directly_and_through_a_connect_tunnel(tmp_path, through_proxy):
    cert, key = self_signed(tmp_path)
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    origin.socket = ctx.wrap_socket(origin.socket, server_side=True)
    serve(origin)
    proxy = serve(ThreadingHTTPServer(("127.0.0.1", 0), Tunnel)) if through_proxy else None
    try:
        fetcher = Fetcher("wparchive-test (+mailto:t@example.org)",
                          f"http://127.0.0.1:{proxy.server_address[1]}" if proxy else "",
                          tls_context=ssl.create_default_context(cafile=str(cert)))
        ex = fetcher.fetch(f"https://localhost:{origin.server_address[1]}/hej")
        assert ex.status == 200 and ex.content == b"hej over tls"
        assert ex.request_bytes.startswith(b"GET /hej HTTP/1.1\r\nHost: localhost:")
        fetcher.close()
    finally:
        origin.shutdown()
        if proxy:
            proxy.shutdown()
