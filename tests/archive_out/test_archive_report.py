"""The completeness report: COMPLETE when every route agrees, otherwise INCOMPLETE with named reasons."""
from __future__ import annotations

import json

from archive_out import build_report
from archive_out.report.completeness import assemble, corpus_view, crawl_view, norm_url
from out_synth import BLOG, IMAGE, PDF, PHOTO, POSTS, TUMBLR_UNARCHIVED, build_out, log_entry

SITE = "projektbesok.se"


def _site(report, host=SITE):
    return next(s for s in report.data["sites"] if s["host"] == host)


def test_full_archive_is_complete_with_counts(synth_out):
    report = build_report(synth_out.root)

    assert report.verdict == "COMPLETE", report.reasons
    site = _site(report)
    assert site["posts"] == 3 and site["chain"]["length"] == 3 and site["chain"]["hops"] == 2
    assert site["images"] == {"referenced": 1, "captured": 1, "missing": []}
    assert site["documents"]["referenced"] == 1 and site["documents"]["captured"] == 1
    assert site["posts_per_month"] == {"2012-05": 1, "2012-09": 1, "2013-12": 1}
    blog = report.data["blogs"][0]
    assert (blog["posts"], blog["api_total"], blog["photos"]["captured"]) == (1, 1, 1)
    crawl = report.data["crawl"]
    assert crawl["traps"]["by_reason"] == {"calendar": 1} and crawl["out_of_scope"]["count"] == 1
    assert report.data["totals"]["warc_files"] == 1 and report.data["totals"]["corpus"]["posts"] == 3
    on_disk = json.loads(report.json_path.read_text(encoding="utf-8"))
    assert on_disk["verdict"] == "COMPLETE"


def test_post_skipped_by_the_chain_is_named_with_the_route_that_reached_it(tmp_path):
    synth = build_out(tmp_path / "out", chain_skip=(2,))
    skipped_url, skipped_title = POSTS[1][0], POSTS[1][1]

    report = build_report(synth.root)

    assert report.verdict == "INCOMPLETE"
    reason = next(r for r in report.reasons if r["code"] == "not_on_chain")
    assert skipped_title in reason["message"] and skipped_url in reason["message"]
    assert "page:arkiv" in reason["message"]
    item = reason["items"][0]
    assert item["url"] == skipped_url and item["reached_via"] == ["page:arkiv"]
    assert item["discovered_by"] == "listing:page:arkiv"
    assert [r["code"] for r in report.reasons] == ["not_on_chain"]


def test_post_unreachable_everywhere_is_named_with_the_listings_that_promise_it(tmp_path):
    synth = build_out(tmp_path / "out", unreachable=(2,))
    lost = POSTS[1][0]

    report = build_report(synth.root)

    assert report.verdict == "INCOMPLETE"
    reason = next(r for r in report.reasons if r["code"] == "missing_posts")
    assert lost in reason["message"] and "page:arkiv" in reason["message"]
    assert reason["items"] == [{"url": lost, "title": POSTS[1][1], "promised_by": ["page:arkiv"]}]
    assert POSTS[1][1] in reason["message"]
    assert _site(report)["posts"] == 2
    assert any(e["url"] == lost and e["status"] == 404 for e in report.data["crawl"]["http_errors"])


def test_image_referenced_but_not_captured_makes_it_incomplete(tmp_path):
    synth = build_out(tmp_path / "out", missing_image=True)

    report = build_report(synth.root)

    reason = next(r for r in report.reasons if r["code"] == "images_missing")
    assert IMAGE in reason["message"]
    assert _site(report)["images"]["missing"][0]["url"] == IMAGE


def test_listing_total_larger_than_the_archive_is_a_reason():
    posts = [{"id": f"wp:{SITE}:1", "url": POSTS[0][0], "title": "A", "published": "2012-05-29T10:00:00+02:00"}]
    listings = [{"url": "http://projektbesok.se/arkiv/", "site": SITE, "listing_type": "page:arkiv",
                 "names": [POSTS[0][0]], "total": 86}]
    view = corpus_view(posts, [], [], [], listings)
    summary = {"chain": {"start": POSTS[0][0], "hops": [], "length": 1, "breaks": []}}

    report = assemble(summary, view, crawl_view([], set()), {})

    assert report["verdict"] == "INCOMPLETE"
    assert any(r["code"] == "listing_total_exceeds" and "86" in r["message"] for r in report["reasons"])


def test_unbridged_chain_break_is_a_reason_and_a_bridged_one_is_not():
    posts = [{"id": f"wp:{SITE}:{i}", "url": u, "title": t, "published": p} for i, (u, t, p, _) in enumerate(POSTS)]
    hops = [{"position": 2, "from": POSTS[0][0], "to": POSTS[1][0], "found_by": "rel-next"},
            {"position": 3, "from": POSTS[1][0], "to": POSTS[2][0], "found_by": "listing"}]
    bridged = {"after_position": 2, "from": POSTS[1][0], "reason": "404", "bridged_to": POSTS[2][0], "bridged_via": "page:arkiv"}
    view = corpus_view(posts, [], [], [], [])
    for breaks, expected in (([bridged], "COMPLETE"), ([dict(bridged, bridged_to=None, bridged_via=None)], "INCOMPLETE")):
        summary = {"chain": {"start": POSTS[0][0], "hops": hops, "length": 3, "breaks": breaks}}
        assert assemble(summary, view, crawl_view([], set()), {})["verdict"] == expected


def test_server_errors_that_were_retried_successfully_are_not_reasons():
    log = [{"url": POSTS[0][0], "outcome": "http_error", "status": 503},
           {"url": POSTS[0][0], "outcome": "retry", "status": 503},
           {"url": POSTS[0][0], "outcome": "fetched", "status": 200},
           {"url": "http://projektbesok.se/gone/", "outcome": "network_error", "status": None, "reason": "reset"}]
    crawl = crawl_view(log, set())
    assert crawl.retries == 1 and list(crawl.http_errors) == [norm_url("http://projektbesok.se/gone/")]


def test_empty_corpus_is_never_complete():
    report = assemble({}, corpus_view([], [], [], [], []), crawl_view([], set()), {})
    assert report["verdict"] == "INCOMPLETE" and report["reasons"][0]["code"] == "empty"


def test_report_html_is_self_contained(synth_out):
    report = build_report(synth_out.root)
    html = report.html_path.read_text(encoding="utf-8")
    assert "<svg" in html and "COMPLETE" in html and "<table>" in html
    assert "<script" not in html and 'src="http' not in html and "stylesheet" not in html


def _add_log(root, *entries):
    log = root / "harvest" / "crawl.log.jsonl"
    with open(log, "a", encoding="utf-8") as fh:
        for url, status, by in entries:
            fh.write(json.dumps({"time": "2013-12-20T12:00:00Z", "url": url, "outcome": "http_error",
                                 "reason": f"HTTP {status}", "status": status, "discovered_by": by}) + "\n")


EXPECTED_FAILURES = (("http://66.media.tumblr.com/robots.txt", 403, "robots"),
                     ("http://projektbesok.se/wp-sitemap.xml", 404, "seed:sitemap"),
                     ("http://projektbesok.se/kalender/", 404, "seed:listing"))


def test_complete_report_lists_every_check_that_passed(synth_out):
    report = build_report(synth_out.root)

    checks = report.data["checks"]
    assert report.verdict == "COMPLETE" and all(c["passed"] for c in checks)
    assert {"chain", "routes", "documents", "images", "tumblr_posts", "photos", "errors", "limits"} <= {c["code"] for c in checks}
    assert any("chain vs listings" in c["message"] for c in checks)
    html = report.html_path.read_text(encoding="utf-8")
    assert f"What was checked ({len(checks)} of {len(checks)} passed)" in html


def test_failed_check_and_reason_agree(tmp_path):
    synth = build_out(tmp_path / "out", missing_image=True)
    report = build_report(synth.root)
    failed = {c["code"] for c in report.data["checks"] if not c["passed"]}
    assert failed == {"images"} and [r["code"] for r in report.reasons] == ["images_missing"]


def test_robots_403_absent_sitemap_and_missing_listing_are_not_errors_of_a_complete_report(synth_out):
    _add_log(synth_out.root, *EXPECTED_FAILURES)

    report = build_report(synth_out.root)

    crawl = report.data["crawl"]
    assert report.verdict == "COMPLETE"
    assert crawl["http_error_classes"] == {"error": 0, "robots_unavailable": 1, "absent_probe": 1, "absent_listing": 1}
    assert crawl["real_error_count"] == 0
    html = report.html_path.read_text(encoding="utf-8")
    assert "<td>HTTP/network errors on content (not recovered)</td><td class=\"n\">0</td>" in html
    assert "Failed fetches that do not affect completeness" in html and 'id="errors-alert"' not in html


def test_real_error_next_to_a_complete_verdict_is_shown_prominently(synth_out):
    _add_log(synth_out.root, ("http://projektbesok.se/wp-content/uploads/gone.pdf", 404, "link"),
             *EXPECTED_FAILURES)

    report = build_report(synth_out.root)

    errors = report.data["crawl"]["http_errors"]
    assert errors[0]["url"].endswith("gone.pdf") and errors[0]["class"] == "error"
    html = report.html_path.read_text(encoding="utf-8")
    alert = html.index('id="errors-alert"')
    assert alert < html.index('id="totals"') and "do not change the verdict" in html


def test_report_html_is_written_for_people(synth_out):
    report = build_report(synth_out.root)
    html = report.html_path.read_text(encoding="utf-8")
    size = report.data["totals"]["warc_bytes"]

    assert f"({size:,} bytes)" in html and "made with wparchive" in html
    assert "expected (named by any route) vs captured" in html and "Posts per route vs archived" not in html
    assert "claimed total" not in html
    assert '<td class="sub">' in html and '<div class="scroll"><table>' in html


def test_report_links_go_to_the_live_url_and_say_when_it_was_captured(tmp_path):
    synth = build_out(tmp_path / "out", chain_skip=(2,))
    html = build_report(synth.root).html_path.read_text(encoding="utf-8")
    link = f'<a href="{POSTS[1][0]}" title="live URL">{POSTS[1][1]}'
    assert link in html
    after = html[html.index(link):]
    assert after[:400].count("(captured 2013-12-20 12:00:00 UTC)") == 1
    assert "1 posts (show)" in html or "1 post (show)" in html


def test_posts_per_month_compares_captured_with_what_the_routes_promise(tmp_path):
    synth = build_out(tmp_path / "out", unreachable=(2,))
    report = build_report(synth.root)
    site = _site(report)
    assert site["posts_per_month"] == {"2012-05": 1, "2013-12": 1}
    assert site["posts_per_month_expected"] == {"2012-05": 1, "2012-09": 1, "2013-12": 1}


def _only_reason(report, code):
    """The report is INCOMPLETE for exactly this one reason, and the matching check failed."""
    assert report.verdict == "INCOMPLETE"
    assert [r["code"] for r in report.reasons] == [code], report.reasons
    return report.reasons[0]


def test_tumblr_post_the_api_names_but_the_archive_lacks_is_named(tmp_path):
    synth = build_out(tmp_path / "out", tumblr_unarchived=True)

    report = build_report(synth.root)

    reason = _only_reason(report, "tumblr_posts_missing")
    assert TUMBLR_UNARCHIVED in reason["message"] and BLOG in reason["message"]
    assert [(i["url"], i["promised_by"]) for i in reason["items"]] == [(TUMBLR_UNARCHIVED, ["api"])]
    assert report.data["blogs"][0]["missing"] == [TUMBLR_UNARCHIVED]
    assert [c["code"] for c in report.data["checks"] if not c["passed"]] == ["tumblr_posts"]


def test_tumblr_api_total_above_the_archive_is_a_reason_naming_the_blog(tmp_path):
    synth = build_out(tmp_path / "out", api_total=24)

    report = build_report(synth.root)

    reason = _only_reason(report, "tumblr_api_total_exceeds")
    assert reason["message"] == f"{BLOG}: the API v1 reports 24 posts, the archive holds 1"
    assert report.data["blogs"][0]["api_total"] == 24


def test_tumblr_photo_not_captured_is_named(tmp_path):
    synth = build_out(tmp_path / "out", missing_photo=True)

    report = build_report(synth.root)

    reason = _only_reason(report, "photos_missing")
    assert PHOTO in reason["message"] and BLOG in reason["message"]
    assert [i["url"] for i in reason["items"]] == [PHOTO]
    assert report.data["blogs"][0]["photos"]["captured"] == 0


def test_linked_document_not_captured_is_named(tmp_path):
    synth = build_out(tmp_path / "out", missing_pdf=True)

    report = build_report(synth.root)

    reason = _only_reason(report, "documents_missing")
    assert PDF in reason["message"]
    assert reason["items"] == [{"url": PDF, "referenced_by": POSTS[0][0], "title": POSTS[0][1]}]
    assert _site(report)["documents"] == {"referenced": 1, "captured": 0, "missing": reason["items"]}


def test_server_and_network_errors_left_after_the_retries_are_named(tmp_path):
    failing = "http://projektbesok.se/wp-content/uploads/2012/09/slutrapport.pdf"
    reset = "http://projektbesok.se/2012/09/page/2/"
    retried = [log_entry(failing, "retry", 503, "HTTP 503", attempt=n) for n in (1, 2, 3)]
    given_up = (log_entry(failing, "http_error", 503, "HTTP 503", attempt=4),
                log_entry(reset, "network_error", None, "connection reset", attempt=4))
    synth = build_out(tmp_path / "out", extra_log=(*retried, *given_up))

    report = build_report(synth.root)

    reason = _only_reason(report, "unrecovered_errors")
    assert failing in reason["message"] and reset in reason["message"]
    assert {i["url"] for i in reason["items"]} == {failing, reset}
    crawl = report.data["crawl"]
    assert crawl["retries"] == 3 and crawl["real_error_count"] == 2
    assert [c["code"] for c in report.data["checks"] if not c["passed"]] == ["errors"]


def test_urls_cut_by_a_size_or_page_limit_are_named(tmp_path):
    big = "http://projektbesok.se/wp-content/uploads/2013/02/film.mp4"
    later = "http://projektbesok.se/2013/03/page/9/"
    synth = build_out(tmp_path / "out", extra_log=(log_entry(big, "too_large", None, "max_bytes"),
                                                   log_entry(later, "limit", None, "max_pages")))

    report = build_report(synth.root)

    reason = _only_reason(report, "crawl_cut_short")
    assert f"{big} (too_large)" in reason["message"] and f"{later} (limit)" in reason["message"]
    assert [i["url"] for i in reason["items"]] == [big, later]
    assert [c["code"] for c in report.data["checks"] if not c["passed"]] == ["limits"]


def test_sitemap_that_names_every_archived_post_keeps_the_archive_complete(tmp_path):
    synth = build_out(tmp_path / "out", sitemap=(1, 2, 3))

    report = build_report(synth.root)

    assert report.verdict == "COMPLETE", report.reasons
    row = next(r for r in _site(report)["routes"] if r["route"] == "sitemap")
    assert (row["named"], row["posts"]) == (3, 3)


def test_sitemap_that_leaves_out_an_archived_post_is_an_observation_not_a_gap(tmp_path):
    synth = build_out(tmp_path / "out", sitemap=(1, 3))
    left_out_url, left_out_title = POSTS[1][0], POSTS[1][1]

    report = build_report(synth.root)

    assert report.verdict == "COMPLETE", report.reasons
    assert all(c["passed"] for c in report.data["checks"])
    (note,) = report.data["observations"]
    assert note["code"] == "full_route_lacks_posts" and note["route"] == "sitemap"
    assert f"{left_out_title} ({left_out_url})" in note["message"] and "the sitemap" in note["message"]
    assert [(i["url"], i["title"]) for i in note["items"]] == [(left_out_url, left_out_title)]
    on_disk = json.loads(report.json_path.read_text(encoding="utf-8"))
    assert on_disk["observations"] == report.data["observations"]
    html = report.html_path.read_text(encoding="utf-8")
    observations = html[html.index('id="observations"'):html.index('id="checks"')]
    assert "do not change the verdict" in observations
    assert f'<a href="{left_out_url}" title="live URL">{left_out_title} <span class="muted">{left_out_url}</span></a>' \
        in observations


def test_post_the_sitemap_names_but_the_archive_lacks_still_makes_it_incomplete(tmp_path):
    synth = build_out(tmp_path / "out", sitemap=(1, 2, 3), unreachable=(2,))

    report = build_report(synth.root)

    reason = _only_reason(report, "missing_posts")
    assert reason["items"] == [{"url": POSTS[1][0], "title": POSTS[1][1], "promised_by": ["page:arkiv", "sitemap"]}]
    assert report.data["observations"] == []


def test_a_listing_that_is_not_meant_to_name_every_post_may_name_fewer(tmp_path):
    synth = build_out(tmp_path / "out")
    listings = synth.root / "corpus" / "listings.jsonl"
    records = [json.loads(line) for line in listings.read_text(encoding="utf-8").splitlines()]
    category = dict(records[0], url="http://projektbesok.se/category/lasframjande/", listing_type="category",
                    names=[POSTS[1][0]])
    listings.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records + [category]),
                        encoding="utf-8")

    report = build_report(synth.root)

    assert report.verdict == "COMPLETE", report.reasons


def test_missing_tumblr_post_is_named_by_the_title_its_listing_shows(tmp_path):
    from out_synth import TUMBLR_UNARCHIVED_TITLE

    synth = build_out(tmp_path / "out", tumblr_unarchived=True)

    report = build_report(synth.root)

    (item,) = next(r for r in report.reasons if r["code"] == "tumblr_posts_missing")["items"]
    assert (item["url"], item["title"]) == (TUMBLR_UNARCHIVED, TUMBLR_UNARCHIVED_TITLE)
    assert TUMBLR_UNARCHIVED_TITLE in report.html_path.read_text(encoding="utf-8")


def test_chain_break_bridged_via_a_listing_links_to_that_listing(synth_out):
    from lxml import html as lxml_html
    from out_synth import ARKIV

    summary_path = synth_out.root / "harvest" / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary["chain"]["breaks"] = [{"after_position": 1, "from": POSTS[0][0], "reason": "404",
                                   "bridged_to": POSTS[1][0], "bridged_via": ARKIV}]
    summary_path.write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")

    report = build_report(synth_out.root)

    page = lxml_html.parse(str(report.html_path))
    (row,) = page.xpath("//table[caption='Chain breaks']/tbody/tr")
    assert [td.xpath("string(a/@href)") for td in row.xpath("./td")] == ["", POSTS[0][0], "", POSTS[1][0], ARKIV]
