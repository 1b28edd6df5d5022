"""`wparchive replica serve` starts the proxy, says how to use it, and serves until stopped."""
from __future__ import annotations

import re
import signal
import subprocess
import sys

import requests


def test_serve_prints_the_proxy_to_export_and_serves(tmp_path):
    log = tmp_path / "requests.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "wparchive.cli", "replica", "serve", "--port", "0", "--posts", "20",
                             "--log", str(log)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        while not any("export http_proxy=" in line for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        proxy = re.search(r"export http_proxy=(http://127\.0\.0\.1:\d+)", "".join(lines)).group(1)
        s = requests.Session()
        s.trust_env = False
        r = s.get("http://projektbesok.se/robots.txt", proxies={"http": proxy})
        assert r.status_code == 200 and "Disallow: /wp-admin/" in r.text
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert '"url": "http://projektbesok.se/robots.txt"' in log.read_text()


def test_serve_refuses_a_bad_size_with_exit_2():
    done = subprocess.run([sys.executable, "-m", "wparchive.cli", "replica", "serve", "--port", "0", "--posts", "1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "posts" in done.stderr


def test_serve_rejects_a_port_out_of_range_or_taken_in_plain_words():
    import socket

    bad = subprocess.run([sys.executable, "-m", "wparchive.cli", "replica", "serve", "--port", "99999"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2
    assert "--port 99999: a port is between 0 and 65535" in bad.stderr and "Traceback" not in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run([sys.executable, "-m", "wparchive.cli", "replica", "serve", "--port", str(port),
                               "--posts", "20"], capture_output=True, text=True, timeout=60)
    assert busy.returncode == 2 and f"cannot listen on 127.0.0.1:{port}" in busy.stderr
    assert "Traceback" not in busy.stderr
