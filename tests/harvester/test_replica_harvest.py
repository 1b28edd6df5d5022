"""A full harvest of the replica, judged against its ground truth, its request log and WARC tools."""
from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader

from harvester.metadata import from_warc_fields


def warcs(out: Path) -> list[Path]:
    return sorted((out / "harvest" / "warc").glob("*.warc.gz"))


def records(out: Path):
    for path in warcs(out):
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                yield path, rec


def captured(out: Path) -> dict[str, int]:
    """URL -> HTTP status of every response/revisit record."""
    got = {}
    for _, rec in records(out):
        if rec.rec_type in ("response", "revisit"):
            got[rec.rec_headers.get_header("WARC-Target-URI")] = rec.http_headers.get_statuscode()
    return got


@pytest.fixture(scope="module")
def truth(replica):
    return replica.ground_truth()


@pytest.fixture(scope="module")
def summary(harvested):
    return json.loads((harvested / "harvest" / "summary.json").read_text())


def ok(got: dict[str, int], url: str) -> bool:
    return str(got.get(url, "")).startswith("2")


def test_every_post_page_document_and_original_image_is_captured(harvested, truth):
    got = captured(harvested)
    wp = truth["wordpress"]
    wanted = ([p["url"] for p in wp["posts"]] + [p["url"] for p in wp["pages"]] + list(wp["documents"])
              + list(wp["images"]))
    missing = [u for u in wanted if not ok(got, u)]
    assert not missing, f"{len(missing)} not captured with 2xx, e.g. {missing[:5]}"


def test_every_tumblr_post_and_largest_photo_is_captured(harvested, truth):
    got = captured(harvested)
    missing = []
    for blog in truth["tumblr"].values():
        for post in blog["posts"]:
            if not ok(got, post["url"]):
                missing.append(post["url"])
            for photo in post.get("photos", []):
                largest = photo["sizes"][str(max(int(k) for k in photo["sizes"] if k.isdigit()))]
                if not ok(got, largest):
                    missing.append(largest)
    assert not missing, f"{len(missing)} not captured, e.g. {missing[:5]}"


def test_chain_has_posts_minus_one_hops_in_publication_order(summary, truth):
    chain = summary["chain"]
    order = truth["wordpress"]["chain"]
    posts = sorted(truth["wordpress"]["posts"], key=lambda p: p["published"])
    assert chain["start"] == truth["wordpress"]["first_post"]
    assert chain["start_found_by"] == "date-archives"
    assert len(chain["hops"]) == len(posts) - 1
    assert [h["to"] for h in chain["hops"]] == [p["url"] for p in posts[1:]] == order[1:]
    assert [h["position"] for h in chain["hops"]] == list(range(2, len(posts) + 1))
    assert all(h["found_by"] == "nav-rel-next" for h in chain["hops"])
    assert chain["breaks"] == []


def test_every_post_metadata_record_carries_its_chain_hop(harvested, truth):
    hops = {}
    for _, rec in records(harvested):
        if rec.rec_type == "metadata":
            body = from_warc_fields(rec.content_stream().read())
            if body.chain_hop:
                hops[rec.rec_headers.get_header("WARC-Target-URI")] = body.chain_hop
    order = truth["wordpress"]["chain"]
    assert [hops[u]["position"] for u in order] == list(range(1, len(order) + 1))
    assert hops[order[0]]["from"] is None
    assert all(hops[order[i]]["from"] == order[i - 1] for i in range(1, len(order)))


def test_metadata_records_are_warc_fields_that_pywb_and_cdxj_indexer_leave_out(harvested):
    metas = [(rec.rec_headers.get_header("Content-Type"), from_warc_fields(rec.content_stream().read()))
             for _, rec in records(harvested) if rec.rec_type == "metadata"]
    assert metas and {ctype for ctype, _ in metas} == {"application/warc-fields"}
    assert all(m.discovered_by for _, m in metas) and any(m.outlinks and m.via for _, m in metas)
    index = subprocess.run([str(Path(sys.executable).with_name("cdxj-indexer")), "--sort",
                            *map(str, warcs(harvested))], capture_output=True, text=True, timeout=300)
    assert index.returncode == 0, index.stderr
    replayable = sum(1 for _, rec in records(harvested) if rec.rec_type in ("response", "revisit"))
    assert len(index.stdout.splitlines()) == replayable


def test_drafts_are_never_requested_and_no_host_outside_scope_is_asked(harvested_requests, truth, summary):
    asked = {r["url"] for r in harvested_requests}
    drafts = {d["url"] for d in truth["wordpress"]["drafts"]}
    assert not asked & drafts
    hosts = {r["host"] for r in harvested_requests}
    allowed = set(summary["scope"]["hosts"])
    assert all(h in allowed or h.endswith(".media.tumblr.com") for h in hosts), hosts
    assert not [r for r in harvested_requests if r["status"] == 502]


def test_robots_txt_is_the_first_request_to_every_host(harvested_requests):
    first: dict[str, str] = {}
    for r in harvested_requests:
        first.setdefault(r["host"], urlsplit(r["url"]).path)
    assert first and all(path == "/robots.txt" for path in first.values()), first


def test_traps_are_bounded_and_counted(harvested_requests, truth, summary):
    truth_urls = set(truth["wordpress"]["urls"])
    for blog in truth["tumblr"].values():
        truth_urls |= set(blog["urls"]) | set(blog["media_urls"])
    assert len(harvested_requests) <= 1.3 * len(truth_urls)
    assert summary["skips"]["trap:calendar"] > 0 and summary["skips"]["trap:replytocom"] > 0
    assert not [r for r in harvested_requests if "?m=" in r["url"] or "replytocom" in r["url"]]


def test_warcio_check_passes_on_every_warc(harvested):
    files = warcs(harvested)
    assert files and not list((harvested / "harvest" / "warc").glob("*.open"))
    proc = subprocess.run([str(Path(sys.executable).with_name("warcio")), "check", "-v", *map(str, files)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert "digest pass" in proc.stdout


def test_fastwarc_verifies_every_block_digest(harvested):
    fastwarc = Path(sys.executable).with_name("fastwarc")
    for path in warcs(harvested):
        proc = subprocess.run([str(fastwarc), "check", "-q", str(path)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_warcinfo_first_and_every_response_has_its_request(harvested):
    by_file = defaultdict(list)
    for path, rec in records(harvested):
        h = rec.rec_headers
        body = rec.content_stream().read() if rec.rec_type == "warcinfo" else b""
        by_file[path].append((rec.rec_type, h.get_header("WARC-Record-ID"), h.get_header("WARC-Concurrent-To"),
                              h.get_header("WARC-Target-URI"), body.decode()))
    for path, recs in by_file.items():
        assert recs[0][0] == "warcinfo", path
        assert "payload-digest-policy" in recs[0][4] and "robots: obey" in recs[0][4]
        concurrent = Counter(r[2] for r in recs if r[0] == "request")
        for rtype, rid, _, uri, _ in recs:
            if rtype in ("response", "revisit"):
                assert concurrent[rid] == 1, uri


def b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_payload_digests_recompute_from_the_entity_body(harvested):
    checked = 0
    for _, rec in records(harvested):
        if rec.rec_type != "response":
            continue
        raw = rec.raw_stream.read()
        if rec.http_headers.get_header("Transfer-Encoding", "").lower() == "chunked":
            import io
            raw = ChunkedDataReader(io.BytesIO(raw), decomp_type=None).read()
        assert b32(raw) == rec.rec_headers.get_header("WARC-Payload-Digest")
        checked += 1
    assert checked > 500


def test_crawl_log_and_summary_follow_the_contract(harvested, summary):
    lines = [json.loads(l) for l in (harvested / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    keys = {"time", "url", "outcome", "reason", "status", "bytes", "payload_digest", "via", "discovered_by",
            "depth", "hop", "warc_file", "warc_offset", "attempt"}
    assert all(keys <= set(l) for l in lines)
    outcomes = Counter(l["outcome"] for l in lines)
    assert outcomes["fetched"] > 500 and outcomes["trap"] > 0 and outcomes["out_of_scope"] > 0
    fetched = [l for l in lines if l["outcome"] == "fetched"]
    assert all(l["warc_file"] in summary["warc_files"] and l["warc_offset"] >= 0 for l in fetched)
    for key in ("started", "finished", "tool_version", "config", "scope", "robots_policy", "counters", "skips",
                "chain", "warc_files"):
        assert key in summary
    assert (harvested / "harvest" / "config.toml").read_text().count("[politeness]") == 1


def test_robots_txt_unavailable_and_absent_sitemaps_are_counted_apart_from_errors(harvested, summary):
    import io

    from archive_out.report.completeness import classify_error
    from harvester.progress import Progress

    lines = [json.loads(l) for l in (harvested / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    failed = [l for l in lines if l["outcome"] == "http_error"]
    classes = Counter(classify_error(l) for l in failed)
    assert classes["robots_unavailable"] and classes["absent_probe"], "media hosts answer 403, no sitemap exists"
    expected = classes["robots_unavailable"] + classes["absent_probe"]
    counters = summary["counters"]
    assert counters["expected_absences"] == expected
    assert counters.get("errors", 0) == classes["error"] + classes["absent_listing"] == 0
    assert counters["outcome:http_error"] == len(failed), "the crawl log keeps every 4xx for the report"
    stream = io.StringIO()
    Progress(mode="plain", stream=stream).final(summary)
    assert f", 0 errors, {expected} expected absences (robots.txt, sitemaps, feeds), " in stream.getvalue()


def test_repeated_payloads_become_revisits_that_point_at_their_original(harvested):
    responses, revisits = {}, []
    for _, rec in records(harvested):
        h = rec.rec_headers
        if rec.rec_type == "response":
            responses[h.get_header("WARC-Record-ID")] = (h.get_header("WARC-Target-URI"),
                                                         h.get_header("WARC-Payload-Digest"))
        elif rec.rec_type == "revisit":
            revisits.append(h)
    assert revisits, "the replica serves identical payloads under several URLs"
    for h in revisits:
        assert h.get_header("WARC-Profile").endswith("/revisit/identical-payload-digest")
        original = responses[h.get_header("WARC-Refers-To")]
        assert original == (h.get_header("WARC-Refers-To-Target-URI"), h.get_header("WARC-Payload-Digest"))
        assert original[0] != h.get_header("WARC-Target-URI")


def test_urls_disallowed_by_robots_txt_are_recorded_and_never_requested(harvested, harvested_requests):
    lines = [json.loads(l) for l in (harvested / "harvest" / "crawl.log.jsonl").read_text().splitlines()]
    refused = {l["url"] for l in lines if l["outcome"] == "robots"}
    assert refused and all("disallowed by robots.txt" in l["reason"] for l in lines if l["outcome"] == "robots")
    assert not refused & {r["url"] for r in harvested_requests}


def test_every_listing_page_to_its_last_page_is_captured(harvested, truth):
    from harvester.config import TRAP_RULES
    from harvester.traps import rule_match

    got = captured(harvested)
    rules = frozenset(TRAP_RULES)
    wanted = [u for u in truth["wordpress"]["urls"]
              if not rule_match(u, rules) and "xmlrpc.php" not in u]
    paged = [u for u in wanted if "/page/" in u]
    assert len(paged) > 10
    missing = [u for u in wanted if u not in got]
    assert not missing, missing[:10]


def test_every_tumblr_page_tag_archive_and_feed_is_captured(harvested, truth):
    got = captured(harvested)
    for blog in truth["tumblr"].values():
        wanted = [u for u in blog["urls"] if "/api/read" not in u]
        assert any("/page/" in u for u in wanted) and any(u.endswith("/rss") for u in wanted)
        missing = [u for u in wanted if u not in got]
        assert not missing, missing[:10]
        api = [u for u in got if u.startswith(f"http://{blog['host']}/api/read?")]
        assert api, "the API is read with start/num paging"
