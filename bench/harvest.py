"""Harvest benchmark: wparchive vs Debian's `wget --mirror --warc-file` on a large replica.

Both crawl the same replica (default 2,000 posts, 20 ms latency per response) through its proxy,
with no crawl delay, robots.txt obeyed and the crawler traps excluded (wget by --reject-regex).
Prints wall time, requests (from the replica's own log), posts captured (from each tool's WARC)
and peak RSS for each run, and the ratios against wget measured in the same run.

    python bench/harvest.py [--posts 2000] [--latency-ms 20] [--connections 1 4]
Targets (issue 3): time <= 1.0x wget at 1 connection per host, <= 0.5x at 4; every post
captured; fewer requests than wget.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parents[1]
TOML = ROOT / "replica" / "harvest.toml"
WGET_REJECT = r"[?&](m|replytocom|s|share|like_comment|preview)=|wp-login\.php|wp-admin|/.+/feed/|xmlrpc\.php"


def run_measured(cmd: list[str], cwd: Path) -> tuple[float, int, int]:
    """(wall seconds, exit code, peak RSS in kB) of one child process."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - start, proc.returncode, usage.ru_maxrss


def posts_in(warcs: list[Path], post_urls: set[str]) -> int:
    found = set()
    for path in warcs:
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "revisit"):
                    url = rec.rec_headers.get_header("WARC-Target-URI")
                    if url in post_urls and rec.http_headers and rec.http_headers.get_statuscode() == "200":
                        found.add(url)
    return len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--latency-ms", type=float, default=20.0)
    ap.add_argument("--connections", type=int, nargs="+", default=[1, 4])
    ap.add_argument("--keep", help="keep outputs in this folder")
    args = ap.parse_args(argv)

    from replica import ReplicaConfig, ReplicaServer

    wget = shutil.which("wget")
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-harvest-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    with ReplicaServer(ReplicaConfig(posts=args.posts, latency_ms=args.latency_ms), port=0) as srv:
        truth = srv.ground_truth()
        post_urls = {p["url"] for p in truth["wordpress"]["posts"]}
        blogs = [b["host"] for b in truth["tumblr"].values()]
        seeds = ["http://projektbesok.se/"] + [f"http://{b}/" for b in blogs]

        def measure(name: str, cmd: list[str], warc_glob: str, out: Path) -> dict:
            before = len(srv.request_log())
            wall, code, rss = run_measured(cmd, out)
            requests = len(srv.request_log()) - before
            warcs = sorted(out.glob(warc_glob))
            row = {"name": name, "wall": wall, "exit": code, "requests": requests,
                   "posts": posts_in(warcs, post_urls), "rss_mb": rss / 1024}
            print(f"  {name:<28} {wall:8.1f} s  {requests:7d} requests  {row['posts']:5d}/{len(post_urls)} posts"
                  f"  {row['rss_mb']:7.1f} MB peak RSS  (exit {code})", flush=True)
            return row

        print(f"replica: {args.posts} posts, {args.latency_ms:g} ms latency, proxy {srv.proxy_url}")
        if wget:
            out = work / "wget"
            out.mkdir(exist_ok=True)
            cmd = [wget, "--mirror", "--warc-file=wget", "--no-verbose", "-e", "robots=on", "-e", "use_proxy=yes",
                   "-e", f"http_proxy={srv.proxy_url}", "--span-hosts",
                   f"--domains=projektbesok.se,{','.join(blogs)},media.tumblr.com",
                   f"--reject-regex={WGET_REJECT}", "--directory-prefix=files", "--tries=3", "--timeout=30", *seeds]
            rows.append(measure("wget --mirror (1 connection)", cmd, "*.warc.gz", out))
        else:
            print("  wget not installed: no baseline (apt-get install wget)")
        for conns in args.connections:
            out = work / f"ours-{conns}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            cmd = [sys.executable, "-m", "wparchive", "harvest", str(TOML), "--out", str(out),
                   "--proxy", srv.proxy_url, "--set", "politeness.delay=0",
                   "--set", f"politeness.max_connections_per_host={conns}",
                   "--set", f"politeness.concurrency={max(4, conns)}", "--set", "progress.mode=quiet"]
            rows.append(measure(f"wparchive ({conns} conn/host)", cmd, "harvest/warc/*.warc.gz", out))
    base = rows[0] if wget else None
    if base:
        print("\nratios against wget (same run):")
        for row in rows[1:]:
            print(f"  {row['name']:<28} time {row['wall'] / base['wall']:.2f}x  requests "
                  f"{row['requests'] / max(1, base['requests']):.2f}x  RSS {row['rss_mb'] / max(1e-9, base['rss_mb']):.2f}x"
                  f"  posts {row['posts']}/{len(post_urls)}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
