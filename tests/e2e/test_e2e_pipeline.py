"""`wparchive run` end to end against the replica: report, packages and verify on real harvests."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from e2e_helpers import run_against  # noqa: E402,I001
from archive_helpers import venv_tool, visible_lines, visible_text  # noqa: E402
from archive_out import verify  # noqa: E402
from replica import Fault, ReplicaConfig, ReplicaServer  # noqa: E402

TUMBLR_RSS_ITEMS = 20  # a Tumblr blog's /rss lists its 20 newest posts, as Tumblr's does


def listing_routes_naming(out: Path, url: str) -> set[str]:
    """The listing types (as the report names routes) whose captured listings name url."""
    routes = set()
    with open(out / "corpus" / "listings.jsonl", encoding="utf-8") as fh:
        for line in fh:
            listing = json.loads(line)
            if url in listing["names"]:
                routes.add(listing["listing_type"])
    return routes


def load_report(out: Path) -> dict:
    return json.loads((out / "report" / "completeness.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gap_runs(tmp_path_factory):
    """One harvest of a replica with post 5 left out of the chain and post 7 answering 404."""
    with ReplicaServer(ReplicaConfig(chain_skip=(5,), unreachable=(7,)), port=0) as server:
        out = tmp_path_factory.mktemp("gaps") / "out"
        code, text = run_against(server, out)
        yield out, code, text, server.ground_truth()


@pytest.fixture(scope="module")
def break_run(tmp_path_factory):
    """One harvest of a 20-post replica whose 5th post always answers 503: the chain breaks there."""
    with ReplicaServer(ReplicaConfig(posts=20), port=0) as plain:
        truth = plain.ground_truth()
    broken = next(p for p in truth["wordpress"]["posts"] if p["publication_position"] == 5)
    fault = Fault(urlsplit(broken["url"]).path, "status_503", times=0)
    with ReplicaServer(ReplicaConfig(posts=20, faults=(fault,)), port=0) as server:
        out = tmp_path_factory.mktemp("break") / "out"
        code, text = run_against(server, out)
        yield out, code, text, server.ground_truth(), broken


def test_run_says_complete_with_counts_equal_to_the_ground_truth(pipeline):
    out, code, text, truth = pipeline
    report = load_report(out)

    assert code == 0, text
    assert "verdict: COMPLETE" in text and "verify:  OK" in text
    assert report["verdict"] == "COMPLETE" and report["reasons"] == []
    wp = truth["wordpress"]
    site = next(s for s in report["sites"] if s["host"] == wp["host"])
    assert site["posts"] == len(wp["posts"])
    assert site["pages"] == len(wp["pages"])
    assert site["chain"]["length"] == len(wp["chain"]) and site["chain"]["hops"] == len(wp["chain"]) - 1
    assert site["chain"]["start"] == wp["first_post"]
    assert site["documents"]["referenced"] == site["documents"]["captured"] == len(wp["documents"])
    assert site["images"]["referenced"] == site["images"]["captured"] == len(wp["images"])
    assert sum(site["posts_per_month"].values()) == len(wp["posts"])
    blogs = {b["blog"]: b for b in report["blogs"]}
    for name, blog in truth["tumblr"].items():
        row = blogs[blog["host"]]
        photos = sum(len(p["photos"]) for p in blog["posts"])
        assert (row["posts"], row["api_total"], row["pagination"]) == (blog["total"],) * 3
        assert row["rss"] == min(TUMBLR_RSS_ITEMS, blog["total"])
        assert row["photos"]["referenced"] == row["photos"]["captured"] == photos


def test_the_printed_report_of_the_run_shows_its_verdict_and_tables(pipeline, tmp_path):
    out, _, _, truth = pipeline

    lines = visible_lines(visible_text(out / "report" / "index.html", tmp_path))

    assert "COMPLETE" in lines and "INCOMPLETE" not in lines
    for heading in ("Totals", f"WordPress: {truth['wordpress']['host']}", "The Nästa chain", "Routes to the posts",
                    "Documents and images", "Tumblr blogs", "Crawl", "Crawl log outcomes"):
        assert heading in lines, heading
    assert "start found by length hops breaks" in lines and "outcome count" in lines
    start = lines.index("Tumblr blogs")
    for blog in truth["tumblr"].values():
        assert any(line.startswith(f"{blog['host']} {blog['total']} ") for line in lines[start:]), blog["host"]


def test_real_clients_accept_the_packages(pipeline):
    out = pipeline[0]
    warcs = sorted((out / "harvest" / "warc").glob("*.warc.gz"))
    check = subprocess.run([venv_tool("warcio"), "check", *map(str, warcs)], capture_output=True, text=True, timeout=600)
    assert check.returncode == 0, check.stdout[-3000:]
    wacz = next((out / "package").glob("*.wacz"))
    valid = subprocess.run([venv_tool("wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True, timeout=600)
    assert valid.returncode == 0 and "Validation succeeded" in valid.stdout, valid.stdout[-3000:]
    bag = subprocess.run([venv_tool("bagit.py"), "--validate", str(out / "package" / "bag")], capture_output=True,
                         text=True, timeout=600)
    assert bag.returncode == 0, bag.stderr[-3000:]
    cdxj = subprocess.run([venv_tool("cdxj-indexer"), "--sort", "--records", "response,revisit,resource",
                           *map(str, warcs)], capture_output=True, text=True, timeout=600)
    assert cdxj.returncode == 0
    assert (out / "package" / "index.cdxj").read_text(encoding="utf-8").splitlines() == cdxj.stdout.splitlines()


def test_wacz_pages_list_every_post_and_tumblr_post(pipeline):
    import zipfile

    out, _, _, truth = pipeline
    with zipfile.ZipFile(next((out / "package").glob("*.wacz"))) as zf:
        pages = [json.loads(line) for line in zf.read("pages/pages.jsonl").decode("utf-8").splitlines()[1:]]
    urls = {p["url"] for p in pages}
    assert {p["url"] for p in truth["wordpress"]["posts"]} <= urls
    assert {p["url"] for blog in truth["tumblr"].values() for p in blog["posts"]} <= urls
    assert all(p["title"] and p["ts"] and p["text"] for p in pages if "/post/" not in p["url"])


def test_verify_cli_exits_zero_on_the_intact_output(pipeline):
    out = pipeline[0]
    proc = subprocess.run([venv_tool("wparchive"), "verify", "--json", str(out)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:]
    result = json.loads(proc.stdout)
    assert result["ok"] and result["failures"] == []
    assert result["checked"]["provenance"] == result["checked"]["corpus_records"] > 100
    assert result["checked"]["warc_records"] == load_report(out)["totals"]["warc_records"] > 1000


def test_resume_after_a_finished_run_redoes_nothing_but_verify(pipeline, replica):
    out = pipeline[0]
    before = (out / "package" / "index.cdxj").stat().st_mtime_ns
    code, text = run_against(replica, out, resume=True)
    assert code == 0, text
    assert text.count("already finished") == 3
    assert (out / "package" / "index.cdxj").stat().st_mtime_ns == before


@pytest.mark.parametrize("lost", ["package/WACZ", "package/index.cdxj", "report/index.html"])
def test_resume_rebuilds_a_deleted_package_output_and_verifies(pipeline, replica, tmp_path, lost):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(pipeline[0], out, copy_function=shutil.copy2)
    wacz = next((out / "package").glob("*.wacz"))
    target = wacz if lost == "package/WACZ" else out / lost
    target.unlink()
    assert not verify(out).ok

    code, text = run_against(replica, out, resume=True)

    assert code == 0, text
    assert text.count("already finished") == 2 and f"{target.relative_to(out)} missing: packaging again" in text
    assert target.exists() and wacz.exists()
    result = verify(out)
    assert result.ok, [str(f) for f in result.failures]
    assert ("wacz", "checked") in [(p.name, p.state) for p in result.parts]


def test_run_refuses_an_existing_output_without_resume(pipeline, replica):
    code, text = run_against(replica, pipeline[0])
    assert code == 2 and "--resume" in text


def test_post_left_out_of_the_chain_is_named_with_how_it_was_reached(gap_runs):
    out, code, text, truth = gap_runs
    skipped = next(p for p in truth["wordpress"]["posts"] if p["publication_position"] == 5)
    report = load_report(out)

    assert code == 1 and report["verdict"] == "INCOMPLETE"
    reason = next(r for r in report["reasons"] if r["code"] == "not_on_chain")
    assert skipped["title"] in reason["message"] and skipped["url"] in reason["message"]
    item = next(i for i in reason["items"] if i["url"] == skipped["url"])
    assert item["reached_via"] and set(item["reached_via"]) <= listing_routes_naming(out, skipped["url"])
    assert all(route in reason["message"] for route in item["reached_via"])
    assert skipped["title"] in text


def test_chain_break_is_bridged_and_the_report_says_how(break_run):
    out, code, text, truth, broken = break_run
    chain = truth["wordpress"]["chain"]
    after = chain[chain.index(broken["url"]) + 1]
    report = load_report(out)

    assert code == 1 and report["verdict"] == "INCOMPLETE"
    breaks = report["sites"][0]["chain"]["breaks"]
    assert len(breaks) == 1
    gap = breaks[0]
    assert (gap["from"], gap["reason"], gap["bridged_to"]) == (broken["url"], "error", after)
    assert gap["after_position"] == chain.index(broken["url"]) + 1
    bridges = {json.loads(line)["url"] for line in open(out / "corpus" / "listings.jsonl", encoding="utf-8")
               if after in json.loads(line)["names"]}
    assert gap["bridged_via"] in bridges, (gap["bridged_via"], bridges)
    assert report["sites"][0]["chain"]["length"] == len(chain)
    assert {r["code"] for r in report["reasons"]} == {"missing_posts", "unrecovered_errors"}
    assert all(broken["url"] in r["message"] for r in report["reasons"])

    page = lxml_html.parse(str(out / "report" / "index.html"))
    table = page.xpath("//table[caption='Chain breaks']")
    assert len(table) == 1
    headers = [th.text_content() for th in table[0].xpath(".//th")]
    rows = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in table[0].xpath("./tbody/tr")]
    assert headers == ["after position", "from", "reason", "bridged to", "bridged via"]
    assert rows == [[str(gap["after_position"]), broken["url"], "error", after, gap["bridged_via"]]]


def test_post_unreachable_from_every_route_is_named_with_what_promised_it(gap_runs):
    out, _, _, truth = gap_runs
    lost = next(p for p in truth["wordpress"]["posts"] if p["publication_position"] == 7)
    report = load_report(out)

    reason = next(r for r in report["reasons"] if r["code"] == "missing_posts")
    item = next(i for i in reason["items"] if i["url"] == lost["url"])
    assert item["promised_by"] and set(item["promised_by"]) == listing_routes_naming(out, lost["url"])
    assert item["title"] == lost["title"], "the listings that name the lost post show its title"
    assert lost["url"] in reason["message"] and lost["title"] in reason["message"]
    site = report["sites"][0]
    assert site["posts"] == len([p for p in truth["wordpress"]["posts"] if p["reachable"]])
    assert any(e["url"] == lost["url"] and e["status"] == 404 for e in report["crawl"]["http_errors"])
    assert verify(out).ok


@pytest.mark.slow
def test_run_killed_during_the_harvest_resumes_to_a_complete_verified_archive(replica, tmp_path):
    import signal
    import time

    from e2e_helpers import CONFIG

    out = tmp_path / "out"
    cmd = [venv_tool("wparchive"), "run", CONFIG, "--out", str(out), "--proxy", replica.proxy_url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    warc_dir = out / "harvest" / "warc"
    while time.monotonic() < deadline and proc.poll() is None:
        if warc_dir.exists() and sum(p.stat().st_size for p in warc_dir.iterdir()) > 300_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (out / "report").exists()

    again = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert again.returncode == 2 and "--resume" in again.stderr

    resumed = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=600)

    assert resumed.returncode == 0, resumed.stdout[-3000:] + resumed.stderr[-3000:]
    assert "verdict: COMPLETE" in resumed.stdout and "verify:  OK" in resumed.stdout
    truth = replica.ground_truth()
    report = load_report(out)
    assert report["sites"][0]["posts"] == len(truth["wordpress"]["posts"])
    assert verify(out).ok


def test_run_ends_with_where_everything_is_and_what_to_open_next(pipeline):
    out, _, text, _ = pipeline
    tail = text[text.index("verdict: COMPLETE"):]
    wacz = next((out / "package").glob("*.wacz")).resolve()
    assert f"corpus:  {(out / 'corpus').resolve()}" in tail and f"wacz:    {wacz}" in tail
    assert "next:" in tail and "checks passed" in tail.splitlines()[0]


def test_run_of_the_replica_reports_its_expected_failed_fetches_apart_from_errors(pipeline):
    report = load_report(pipeline[0])
    crawl = report["crawl"]
    assert report["verdict"] == "COMPLETE" and crawl["real_error_count"] == 0
    assert all(e["class"] != "error" for e in crawl["http_errors"])
    assert sum(crawl["http_error_classes"].values()) == crawl["http_error_count"]


def test_verify_of_the_run_names_every_part_it_checked(pipeline):
    result = verify(pipeline[0])
    assert result.ok
    assert [(p.name, p.state) for p in result.parts] == [
        ("harvest", "checked"), ("corpus", "checked"), ("index", "checked"), ("wacz", "checked"), ("bag", "checked"),
        ("report", "checked")]


def test_demo_rejects_a_bad_post_count_in_plain_words(tmp_path, capsys):
    from wparchive.cli import main

    assert main(["demo", "--posts", "0", str(tmp_path / "demo")]) == 2
    err = capsys.readouterr().err
    assert "--posts 0: need at least 2 posts" in err and "ReplicaConfig" not in err
    assert not (tmp_path / "demo").exists()


def test_damaged_warc_after_a_run_blames_one_file_seen_twice_and_keeps_stderr_quiet(pipeline, tmp_path, capfd):
    import shutil

    out = tmp_path / "copy"
    shutil.copytree(pipeline[0], out, copy_function=shutil.copy2)
    warc = next((out / "harvest" / "warc").glob("*.warc.gz"))
    bagged = out / "package" / "bag" / "data" / "harvest" / "warc" / warc.name
    bagged.unlink()
    import os

    os.link(warc, bagged)
    data = bytearray(warc.read_bytes())
    data[len(data) // 2] ^= 0x01
    warc.write_bytes(bytes(data))

    result = verify(out)

    assert capfd.readouterr().err == ""
    assert not result.ok
    assert not any(".wacz" in f.file for f in result.failures), [str(f) for f in result.failures]
    unreadable = [f for f in result.failures if "gzip member at offset" in (f.detail or "")]
    assert len(unreadable) == 1 and "scanning resumed" in unreadable[0].detail
    assert result.checked["warc_records"] >= load_report(pipeline[0])["totals"]["warc_records"] - 1
    assert any("one file, hard-linked into the bag" in (f.detail or "") for f in result.failures)


def test_run_of_the_replica_config_names_the_demo_as_operator_without_a_placeholder_warning(pipeline):
    text = pipeline[2]
    assert "example operator" not in text and "warning:" not in text
    info = (pipeline[0] / "package" / "bag" / "bag-info.txt").read_text(encoding="utf-8")
    assert "Source-Organization: wparchive demo, replica of projektbesok.se\n" in info


def test_the_example_config_operator_is_still_warned_about():
    from archive_out.package import operator_warnings
    from harvester import load_config

    cfg = load_config(Path(__file__).parents[2] / "examples" / "besok.toml")
    warnings = operator_warnings({"config": cfg.to_dict()})
    assert [w.code for w in warnings] == ["placeholder_operator"]
