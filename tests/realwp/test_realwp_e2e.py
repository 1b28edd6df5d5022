"""The whole pipeline against a real WordPress 6.1 from Debian's packages, once per theme.

Each test reads one `wparchive run` (harvest → transform → package → report → verify) made through
the proxy in front of the real site, and compares what the archive holds with what WordPress itself
says (truth.json, dumped by php/truth.php). A classic theme (twentytwentyone) and a block theme
(twentytwentythree) serve the same posts with different markup; the same defaults must work on both.
"""
from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from realwp_run import PipelineRun, report
from truthcompare import HOST, compare_post, content_originals, record_id

pytestmark = [pytest.mark.realwp, pytest.mark.slow]


def test_pipeline_finishes_with_a_complete_report_and_a_clean_verify(run: PipelineRun):
    from archive_out import verify

    assert run.returncode == 0, f"wparchive run exited {run.returncode}:\n{run.output[-4000:]}"
    completeness = run.json("report", "completeness.json")
    assert completeness["verdict"] == "COMPLETE", completeness
    result = verify(run.out)
    assert result.ok, "\n".join(str(f) for f in result.failures)
    tools = Path(sys.executable).parent
    waczs = sorted((run.out / "package").glob("*.wacz"))
    assert len(waczs) == 1
    validated = subprocess.run([str(tools / "wacz"), "validate", "-f", str(waczs[0])], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-2000:] + validated.stderr[-2000:]
    bag = subprocess.run([str(tools / "bagit.py"), "--validate", str(run.out / "package" / "bag")],
                         capture_output=True, text=True)
    assert bag.returncode == 0, bag.stdout[-2000:] + bag.stderr[-2000:]
    report(f"[{run.theme}] report verdict {completeness['verdict']}; wparchive verify OK; "
           f"wacz validate OK on {waczs[0].name}; bagit.py --validate OK")


def test_every_published_post_matches_wordpress_field_by_field(run: PipelineRun):
    records = {r["id"]: r for r in run.jsonl("posts.jsonl")}
    posts = run.truth["posts"]
    mismatches = [m for post in posts for m in compare_post(post, records.get(record_id(post)))]
    fields = {m.field for m in mismatches}
    report(f"[{run.theme}] {len(posts)} published posts compared with WordPress field by field: "
           + ("all equal" if not mismatches else f"{len(mismatches)} mismatches in {sorted(fields)}"))
    for m in mismatches[:6]:
        report(f"[{run.theme}]   {m.field} of {m.url}: expected {m.expected!r:.120} found {m.found!r:.120}")
    assert not mismatches, f"{len(mismatches)} mismatches:\n" + "\n".join(map(str, mismatches[:40]))
    extra = sorted(set(records) - {record_id(p) for p in posts})
    assert not extra, f"posts.jsonl has records WordPress does not publish: {extra}"


def test_the_chain_follows_wordpress_next_post_links_in_publication_order(run: PipelineRun):
    chain = run.json("harvest", "summary.json")["chain"]
    truth_chain = run.truth["chain"]
    assert chain["start"] == truth_chain[0], "the chain must start at WordPress's first post"
    hops = sorted(chain["hops"], key=lambda hop: hop["position"])
    walked = [chain["start"]] + [hop["to"] for hop in hops]
    assert walked == truth_chain, "the chain must visit every post in WordPress's get_next_post order"
    for hop, (before, after) in zip(hops, zip(truth_chain, truth_chain[1:])):
        assert (hop["from"], hop["to"]) == (before, after)
    assert all("next" in hop["found_by"] for hop in hops), "every hop comes from a next-post link"
    assert chain["breaks"] == []
    assert chain["length"] == len(run.truth["posts"])
    report(f"[{run.theme}] chain: {len(hops)} hops from the first post to the last, "
           f"found by {sorted({hop['found_by'] for hop in hops})}, start found by {chain.get('start_found_by')!r}, "
           f"equal to WordPress's next-post order")


def test_no_draft_private_future_or_pending_post_is_requested_or_archived(run: PipelineRun):
    hidden = run.truth["hidden"]
    assert {h["status"] for h in hidden} == {"draft", "private", "future", "pending"}
    requested = [r["url"] for r in run.requests]
    corpus = "\n".join(
        (run.out / "corpus" / name).read_text(encoding="utf-8")
        for name in ("posts.jsonl", "pages.jsonl", "listings.jsonl", "media.jsonl")
    )
    index = (run.out / "package" / "index.cdxj").read_text(encoding="utf-8")
    for post in hidden:
        markers = (post["slug"], f"?p={post['id']}", f"{HOST}:{post['id']}\"")
        assert not [u for u in requested if any(m in u for m in markers[:2])], f"{post['status']} post requested"
        assert not [m for m in markers if m in corpus], f"{post['status']} post {post['slug']} in the corpus"
        assert post["title"] not in corpus, f"the {post['status']} post's title is in the corpus"
        assert post["slug"] not in index, f"the {post['status']} post is in the CDXJ index"
    report(f"[{run.theme}] 0 of {len(hidden)} non-public posts (draft, private, future, pending) requested or archived")


def test_pages_and_every_upload_shown_in_a_post_are_archived(run: PipelineRun):
    pages = {p["url"]: p for p in run.jsonl("pages.jsonl")}
    for page in run.truth["pages"]:
        assert page["url"] in pages, f"page {page['url']} missing"
        assert pages[page["url"]]["title"] == page["title"]
        assert pages[page["url"]]["id"] == record_id(page)
    arkiv = next(r for r in run.jsonl("listings.jsonl") if r["url"].endswith("/arkiv/"))
    assert sorted(arkiv["names"]) == sorted(run.truth["chain"]), "Arkiv lists every post"
    captured = {m["url"] for m in run.jsonl("media.jsonl")}
    originals = {a["url"] for p in run.truth["posts"] for a in p["attachments"]}
    shown = set().union(*(content_originals(p) for p in run.truth["posts"]))
    missing = sorted(shown - captured)
    assert not missing, f"uploads shown in posts but not archived: {missing}"
    report(f"[{run.theme}] {len(pages)} pages; {len(shown)} of {len(originals)} original uploads are shown in posts, "
           f"all archived ({len(captured)} media records)")


def test_the_crawl_stays_on_the_site_and_asks_robots_txt_first(run: PipelineRun):
    hosts = {r["host"] for r in run.requests}
    assert hosts == {HOST}, f"requests left the site: {sorted(hosts - {HOST})}"
    assert not [r for r in run.requests if r["status"] == 502]
    assert run.requests[0]["url"] == f"http://{HOST}/robots.txt"
    assert not [r["url"] for r in run.requests if "/wp-admin/" in r["url"] or "wp-login.php" in r["url"]]


def test_warc_files_pass_fastwarc_and_warcio_checks(run: PipelineRun):
    """Two validators nobody here wrote. WordPress answers chunked; warcio check hashes the chunked
    bytes (warcio issue #74), so its only allowed complaint is the payload digest of a chunked
    response, and that digest must equal sha1 of the de-chunked entity (WARC 1.1, section 5.9)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.bufferedreaders import ChunkedDataReader

    warcs = sorted((run.out / "harvest" / "warc").glob("*.warc.gz"))
    assert warcs
    tools = Path(sys.executable).parent
    for warc in warcs:
        fast = subprocess.run([str(tools / "fastwarc"), "check", "-q", str(warc)], capture_output=True, text=True)
        assert fast.returncode == 0, f"fastwarc check {warc.name}: {fast.stdout[-2000:]}{fast.stderr[-2000:]}"
    checked = subprocess.run([str(tools / "warcio"), "check", "-v", *map(str, warcs)], capture_output=True, text=True)
    complaints, current = {}, None
    for line in checked.stdout.splitlines():
        if "WARC-Record-ID" in line:
            current = line.split("WARC-Record-ID", 1)[1].split()[0]
        elif "failed" in line:
            complaints.setdefault(current, []).append(line.strip())
    chunked = 0
    for warc in warcs:
        with open(warc, "rb") as stream:
            for record in ArchiveIterator(stream):
                rid = record.rec_headers.get_header("WARC-Record-ID")
                if rid not in complaints:
                    continue
                assert [c.split()[:3] for c in complaints.pop(rid)] == [["payload", "digest", "failed"]], rid
                assert record.rec_type == "response"
                assert record.http_headers.get_header("Transfer-Encoding", "").lower() == "chunked", rid
                entity = ChunkedDataReader(record.raw_stream, decomp_type=None).read()
                digest = "sha1:" + base64.b32encode(hashlib.sha1(entity).digest()).decode()
                assert record.rec_headers.get_header("WARC-Payload-Digest") == digest, rid
                chunked += 1
    assert not complaints, f"warcio check found problems beyond chunked payload digests: {complaints}"
    report(f"[{run.theme}] fastwarc check OK on {len(warcs)} WARC file(s); warcio check OK except {chunked} chunked "
           f"responses whose payload digest was recomputed over the de-chunked entity and matches")


def test_oembed_alternates_are_a_counted_trap_and_every_month_archive_is_captured(run: PipelineRun):
    import json

    skips = run.json("harvest", "summary.json")["skips"]
    assert skips.get("trap:oembed", 0) >= len(run.truth["posts"]) and "trap:query_explosion" not in skips
    log = [json.loads(line) for line in (run.out / "harvest" / "crawl.log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert not [l["url"] for l in log if l["outcome"] in ("fetched", "revisit") and "/oembed/" in (l["url"] or "")]
    fetched = {l["url"] for l in log if l["outcome"] in ("fetched", "revisit")}
    months = {f"http://{HOST}/{p['published'][:4]}/{p['published'][5:7]}/" for p in run.truth["posts"]}
    assert months <= fetched, sorted(months - fetched)
    report(f"[{run.theme}] oEmbed links skipped as a trap ({skips['trap:oembed']}); "
           f"all {len(months)} month archives captured")
