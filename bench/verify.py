"""Benchmark: `wparchive verify` against bare baselines over the same files, in the same run.

Builds an archive of the replica (harvest → transform → package), then times
  ours:       archive_out.verify(OUT) — every WARC record's block and payload digest, corpus schema
              and provenance, bag manifests (sha256 + sha512), WACZ hashes;
  warcio:     `warcio check` over the WARCs (record digests only, nothing else);
  sha256sum:  `sha256sum` over the WARCs and the WACZ (whole-file hashing only, no parsing),
and prints wall time, MB/s, peak RSS and the ratios. Usage:
    python bench/verify.py [--posts 1000] [--out DIR] [--keep]
"""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path

# bench/ holds harvest.py and transform.py, which would shadow the packages of the same name.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


def build(out: Path, posts: int) -> None:
    from replica import ReplicaConfig, ReplicaServer
    from wparchive.cmd_pipeline import Display, run_pipeline

    with ReplicaServer(ReplicaConfig(posts=posts), port=0) as server:
        started = time.monotonic()
        code = run_pipeline(str(files("replica") / "harvest.toml"), out, [f"network.proxy={server.proxy_url}"],
                            resume=False, workers=2, display=Display(io.StringIO()))
        print(f"built a {posts}-post archive in {time.monotonic() - started:.1f} s (pipeline exit {code})")


MEASURE = """
import sys, time
kind, args = sys.argv[1], sys.argv[2:]
started = time.monotonic()
code = 0
if kind == "ours":
    from archive_out import verify
    code = 0 if verify(args[0]).ok else 1
elif kind == "ours-warc":
    from archive_out.warcs import scan_warc
    code = sum(len(scan_warc(path, path).failures) for path in args)
else:
    from warcio.cli import main
    try:
        code = main(["check", *args]) or 0
    except SystemExit as exc:
        code = exc.code or 0
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(time.monotonic() - started, hwm, code, file=sys.stderr)
"""


def measured(kind: str, args: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS (VmHWM, KiB) of one check, each in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-c", MEASURE, kind, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds, rss, code = proc.stderr.decode().strip().splitlines()[-1].split()
    if proc.returncode != 0 or int(code) != 0:
        sys.exit(f"{kind} check failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return float(seconds), int(rss)


def timed(cmd: list[str]) -> float:
    started = time.monotonic()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        sys.exit(f"{cmd[0]} failed: {proc.stderr.decode(errors='replace')[-2000:]}")
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=1000, help="replica size (default 1000)")
    parser.add_argument("--out", type=Path, help="reuse (or create) this archive folder")
    parser.add_argument("--keep", action="store_true", help="keep the temporary archive")
    args = parser.parse_args()

    tmp = None
    out = args.out
    if out is None:
        tmp = Path(tempfile.mkdtemp(prefix="wparchive-bench-"))
        out = tmp / "out"
    if not (out / "package" / "bag").exists():
        build(out, args.posts)

    from archive_out import verify

    warcs = sorted((out / "harvest" / "warc").glob("*.warc.gz"))
    waczs = sorted((out / "package").glob("*.wacz"))
    size = sum(p.stat().st_size for p in warcs)
    print(f"archive: {len(warcs)} WARC file(s), {size / 1e6:.1f} MB; WACZ {sum(p.stat().st_size for p in waczs) / 1e6:.1f} MB")

    warcio_s, warcio_rss = measured("warcio", [str(p) for p in warcs])
    sha_s = timed(["sha256sum", *map(str, warcs + waczs)])
    ours_s, ours_rss = measured("ours", [str(out)])
    warc_only_s, warc_only_rss = measured("ours-warc", [str(p) for p in warcs])
    result = verify(out)

    rows = [("ours (wparchive verify)", ours_s, ours_rss), ("ours, WARC digests only", warc_only_s, warc_only_rss),
            ("warcio check", warcio_s, warcio_rss),
            ("sha256sum WARCs+WACZ", sha_s, None)]
    print(f"{'':28} {'seconds':>8} {'MB/s':>8} {'peak RSS':>10}")
    for name, seconds, rss in rows:
        rss_text = f"{rss / 1024:.0f} MiB" if rss else "-"
        print(f"{name:28} {seconds:8.2f} {size / 1e6 / seconds:8.1f} {rss_text:>10}")
    print(f"checked: {result.checked}")
    print(f"ratio ours / warcio check: {ours_s / warcio_s:.2f}x  (ours also checks corpus, bag, WACZ)")
    print(f"ratio ours (WARC digests only) / warcio check: {warc_only_s / warcio_s:.2f}x  (same work)")
    print(f"ratio ours / sha256sum:    {ours_s / sha_s:.2f}x")
    if tmp and not args.keep:
        shutil.rmtree(tmp)
    elif tmp:
        print(f"archive kept in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
