"""Debian's wget mirrors the site through the replica into a WARC: the replica is a real HTTP server."""
from __future__ import annotations

import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

# The calendar's ?m= links never end; ?replytocom= only repeats the post with a reply form.
TRAPS = r"[?&](m|replytocom)="


@pytest.mark.slow
def test_wget_mirror_finishes_and_captures_every_post(wget, replica, truth, tmp_path):
    cmd = [wget, "--mirror", "-e", "robots=on", "-e", "use_proxy=yes", "-e", f"http_proxy={replica.proxy_url}",
           "--reject-regex", TRAPS, f"--warc-file={tmp_path / 'besok'}", "--no-verbose", "--tries=1",
           "--timeout=20", "-P", str(tmp_path / "files"), "http://projektbesok.se/"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    warc = tmp_path / "besok.warc.gz"
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-2000:] + check.stderr[-2000:]

    captured: dict[str, int] = {}
    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response":
                captured[record.rec_headers.get_header("WARC-Target-URI")] = int(record.http_headers.get_statuscode())
    wp = truth["wordpress"]
    for post in wp["posts"]:
        assert captured.get(post["url"]) == 200, post["url"]
    assert {u for u in wp["images"] + wp["documents"]} <= {u for u, s in captured.items() if s == 200}
    assert set(wp["urls"]) <= set(captured), sorted(set(wp["urls"]) - set(captured))[:10]
    assert not [u for u in captured if "?m=" in u]
    assert "http://projektbesok.se/robots.txt" in captured
    assert not [u for u in captured if "/wp-admin/" in u]
