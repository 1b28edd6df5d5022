"""The WACZ replays in pywb, and `wparchive demo` works end to end in a subprocess."""
from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from warcio.archiveiterator import ArchiveIterator

import e2e_helpers  # noqa: E402,F401  (puts the archive_out helpers on the path)
from archive_helpers import chromium, venv_tool  # noqa: E402

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cdxj_entry(index: Path, url: str) -> tuple[str, dict]:
    for line in index.read_text(encoding="utf-8").splitlines():
        _, ts, blob = line.split(" ", 2)
        entry = json.loads(blob)
        if entry["url"] == url and entry.get("status") == "200":
            return ts, entry
    raise AssertionError(f"{url} not in {index}")


def warc_payload(warc_dir: Path, entry: dict) -> bytes:
    with open(warc_dir / entry["filename"], "rb") as fh:
        fh.seek(int(entry["offset"]))
        record = next(iter(ArchiveIterator(fh)))
        return record.content_stream().read()


@contextlib.contextmanager
def wayback_of(root: Path, sources: list[Path], *add_options: str):
    """pywb's `wb-manager init/add` of the given files into collection `besok`, served by `wayback`."""
    root.mkdir()
    init = subprocess.run([venv_tool("wb-manager"), "init", "besok"], cwd=root, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    add = subprocess.run([venv_tool("wb-manager"), "add", *add_options, "besok", *map(str, sources)], cwd=root,
                         capture_output=True, text=True, timeout=300)
    assert add.returncode == 0, add.stderr
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    proc = subprocess.Popen([venv_tool("wayback"), "-p", str(port), "-b", "127.0.0.1"], cwd=root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    session = requests.Session()
    session.trust_env = False
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if session.get(base + "/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("pywb's wayback did not start: " + proc.stdout.read1(4000).decode(errors="replace"))
        yield base, session
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def wayback(pipeline, tmp_path):
    out = pipeline[0]
    wacz = next((out / "package").glob("*.wacz"))
    with wayback_of(tmp_path / "pywb", [wacz], "--unpack-wacz") as (base, session):
        yield base, session, out


def test_pywb_replays_a_post_its_image_and_a_tumblr_photo_byte_for_byte(wayback, pipeline):
    base, session, out = wayback
    truth = pipeline[3]
    post = truth["wordpress"]["posts"][0]
    image = post["media"][0]["url"]
    photo = next(p["photos"][0]["best"] for blog in truth["tumblr"].values() for p in blog["posts"] if p["photos"])
    index = out / "package" / "index.cdxj"
    post_ts = cdxj_entry(index, post["url"])[0]
    for url in (post["url"], image, photo):
        ts, entry = cdxj_entry(index, url)
        replayed = session.get(f"{base}/besok/{ts}id_/{url}", timeout=30)
        assert replayed.status_code == 200, (url, replayed.status_code)
        assert replayed.content == warc_payload(out / "harvest" / "warc", entry), url
    rewritten = session.get(f"{base}/besok/{post_ts}mp_/{post['url']}", timeout=30)
    assert rewritten.status_code == 200 and post["title"] in rewritten.text
    assert f"/besok/{post_ts}" in rewritten.text


def test_demo_runs_end_to_end_and_says_complete(tmp_path):
    target = tmp_path / "demo"
    started = time.monotonic()
    proc = subprocess.run([venv_tool("wparchive"), "demo", str(target)], capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "verdict: COMPLETE" in proc.stdout and "verify:  OK" in proc.stdout
    for stage in ("[1/4] harvest", "[2/4] transform", "[3/4] package", "[4/4] verify"):
        assert stage in proc.stdout
    report = target / "report" / "index.html"
    assert f"report:  {report.resolve()}" in proc.stdout
    assert f"corpus:  {(target / 'corpus').resolve()}" in proc.stdout and "wacz:    " in proc.stdout
    assert "warning" not in proc.stderr, proc.stderr
    dom = chromium(report.resolve().as_uri(), "--dump-dom")
    assert dom.returncode == 0 and b'<span class="verdict COMPLETE">COMPLETE</span>' in dom.stdout
    print(f"demo took {elapsed:.1f} s")


def test_demo_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")
    proc = subprocess.run([venv_tool("wparchive"), "demo", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "not empty" in proc.stderr
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_pywb_replays_a_post_from_the_raw_warcs_not_its_crawl_metadata(pipeline, tmp_path):
    out, truth = pipeline[0], pipeline[3]
    post = truth["wordpress"]["posts"][0]
    warcs = sorted((out / "harvest" / "warc").glob("*.warc.gz"))
    ts, entry = cdxj_entry(out / "package" / "index.cdxj", post["url"])
    with wayback_of(tmp_path / "pywb-raw", warcs) as (base, session):
        replayed = session.get(f"{base}/besok/{ts}id_/{post['url']}", timeout=30)
        assert replayed.status_code == 200
        assert replayed.headers["Content-Type"].startswith("text/html")
        assert replayed.content == warc_payload(out / "harvest" / "warc", entry)
        page = session.get(f"{base}/besok/{ts}mp_/{post['url']}", timeout=30)
        assert page.status_code == 200 and post["title"] in page.text and "<html" in page.text.lower()


def test_index_of_a_real_harvest_equals_plain_cdxj_indexer_and_names_no_metadata(pipeline):
    out = pipeline[0]
    cli = subprocess.run([venv_tool("cdxj-indexer"), "--sort", str(out / "harvest" / "warc")],
                         capture_output=True, text=True, timeout=300)
    assert cli.returncode == 0, cli.stderr
    ours = (out / "package" / "index.cdxj").read_text(encoding="utf-8").splitlines()
    assert ours == cli.stdout.splitlines()
    replayable = 0
    for path in sorted((out / "harvest" / "warc").glob("*.warc.gz")):
        with open(path, "rb") as fh:
            replayable += sum(1 for rec in ArchiveIterator(fh) if rec.rec_type in ("response", "revisit"))
    assert len(ours) == replayable, "one line per response and revisit; crawl metadata is not indexed"
