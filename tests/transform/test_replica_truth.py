"""The corpus of a harvest of the replica equals its ground truth, field by field."""
from __future__ import annotations


import pytest

from transform_truth import compare_tumblr, compare_wordpress, load


def _report(diffs: list[str]) -> str:
    return f"{len(diffs)} difference(s):\n" + "\n".join(d[:500] for d in diffs[:40])


def test_wget_warcs_give_every_post_page_and_tumblr_post_with_equal_fields(wget_corpus, replica):
    truth = replica.ground_truth()
    diffs = compare_wordpress(wget_corpus, truth) + compare_tumblr(wget_corpus, truth)
    assert not diffs, _report(diffs)


@pytest.mark.slow
def test_our_harvest_gives_every_post_page_and_tumblr_post_with_equal_fields(harvested_corpus, replica):
    truth = replica.ground_truth()
    diffs = compare_wordpress(harvested_corpus, truth) + compare_tumblr(harvested_corpus, truth)
    assert not diffs, _report(diffs)


def test_chain_positions_follow_the_nasta_sequence_from_first_to_closing_post(wget_corpus, replica):
    truth = replica.ground_truth()["wordpress"]
    posts = load(wget_corpus, "posts.jsonl")
    by_pos = sorted((p["chain"]["position"], p["url"]) for p in posts if p["chain"]["position"])
    assert [u for _, u in by_pos] == truth["chain"]
    assert by_pos[0][1] == truth["first_post"] and by_pos[-1][1] == truth["closing_post"]
    first = next(p for p in posts if p["url"] == truth["first_post"])
    assert first["chain"]["previous"] is None and first["chain"]["next"] == truth["chain"][1]


def test_media_of_posts_are_captured_originals_with_sizes_and_digests(wget_corpus):
    media = {m["url"]: m for m in load(wget_corpus, "media.jsonl")}
    posts = load(wget_corpus, "posts.jsonl")
    embedded = [m for p in posts for m in p["media"] if m["kind"] == "image"]
    assert embedded, "the replica's posts show images"
    for ref in embedded:
        assert ref["captured"] and ref["best"] == ref["url"], ref
        rec = media[ref["url"]]
        assert rec["id"] == ref["media_id"] and rec["mime"] == "image/jpeg"
        assert rec["width"] and rec["height"] and len(rec["sha256"]) == 64 and rec["size"] > 0
    documents = [m for m in media.values() if m["kind"] == "document"]
    assert documents and all(d["mime"] == "application/pdf" for d in documents)


def test_listings_name_posts_by_their_corpus_url(wget_corpus, replica):
    truth = replica.ground_truth()["wordpress"]
    post_urls = {p["url"] for p in truth["posts"]}
    listings = load(wget_corpus, "listings.jsonl")
    arkiv = [l for l in listings if l["listing_type"] == "page:arkiv"]
    assert arkiv, "the Arkiv page is a listing"
    named = {u for l in arkiv for u in l["names"]}
    assert named == post_urls
    api = [l for l in listings if l["listing_type"] == "tumblr_api" and "/api/read" in l["url"]]
    assert api and all(l["total"] is not None for l in api)
    for blog, data in replica.ground_truth()["tumblr"].items():
        totals = {l["total"] for l in api if l["site"] == data["host"]}
        assert totals == {data["total"]}, blog


def test_tumblr_posts_without_any_api_response_come_from_permalink_pages_and_rss(wget_warc, replica, tmp_path):
    """Merged from what other sources say when no /api/read was captured: all posts still there,
    their content fields equal; the dates come from RSS or the page (so only the day is compared)."""
    from datetime import date

    from warcio.archiveiterator import ArchiveIterator
    from warcio.warcwriter import WARCWriter

    from transform import transform

    no_api = tmp_path / "no-api.warc.gz"
    with open(wget_warc, "rb") as src, open(no_api, "wb") as dst:
        writer = WARCWriter(dst, gzip=True)
        for record in ArchiveIterator(src):
            if "/api/read" not in (record.rec_headers.get_header("WARC-Target-URI") or ""):
                writer.write_record(record)
    transform(tmp_path / "out", warcs=[no_api])
    records = {r["id"]: r for r in load(tmp_path / "out" / "corpus", "tumblr_posts.jsonl")}
    diffs = []
    for blog, data in replica.ground_truth()["tumblr"].items():
        for t in data["posts"]:
            rec = records.get(f"tumblr:{blog}:{t['id']}")
            if rec is None:
                diffs.append(f"{blog}/{t['id']} missing")
                continue
            assert "api_xml" not in rec["sources"] and "permalink" in rec["sources"]
            for field in ("url", "slug", "type", "tags", "title", "quote", "source", "link_url", "link_text"):
                if t[field] != rec[field]:
                    diffs.append(f"{rec['id']}: {field}: expected {t[field]!r}, found {rec[field]!r}")
            if [p["best"] for p in t["photos"]] != [p["best"] for p in rec["photos"]]:
                diffs.append(f"{rec['id']}: photos")
            if any(p["width"] is not None or p["height"] is not None for p in rec["photos"]):
                diffs.append(f"{rec['id']}: photo dimensions without an API response (a page shows a scaled size only)")
            if t["note_count"] and t["note_count"] != rec["note_count"]:
                diffs.append(f"{rec['id']}: note_count {t['note_count']} != {rec['note_count']}")
            src, got = t["reblogged_from"], rec["reblogged_from"]
            if (src and (src["blog"], str(src["post_id"]), src["url"])) != (
                    got and (got["blog"], got["post_id"], got["url"])):
                diffs.append(f"{rec['id']}: reblogged_from: expected {src!r}, found {got!r}")
            days = abs((date.fromisoformat(t["published"][:10]) - date.fromisoformat(rec["published"][:10])).days)
            if days > 1:
                diffs.append(f"{rec['id']}: published {t['published']} vs {rec['published']}")
    assert not diffs, _report(diffs)


def test_tumblr_views_of_the_replica_agree_on_dates(wget_corpus):
    """API timestamps (UTC), RSS pubDates (the blog's offset) and permalink days name the same
    moments: none of them is recorded as a disagreement."""
    posts = load(wget_corpus, "tumblr_posts.jsonl")
    assert posts and any(len(p["sources"]) > 2 for p in posts)
    assert [p["id"] for p in posts if "published" in p["disagreements"]] == []
    assert all(p["authors"] == [p["blog"]] for p in posts)


def _check_listing_titles(corpus, truth, kinds) -> None:
    wp_titles = {p["url"]: p["title"] for p in truth["wordpress"]["posts"]}
    listings = load(corpus, "listings.jsonl")
    shown: dict[str, set] = {}
    for listing in listings:
        assert set(listing["titles"]) <= set(listing["names"]), listing["url"]
        shown.setdefault(listing["listing_type"].split(":")[0], set()).update(listing["titles"])
        if listing["site"] == truth["wordpress"]["host"]:
            for url, title in listing["titles"].items():
                assert title == wp_titles[url], (listing["url"], url)
    arkiv = [l for l in listings if l["listing_type"] == "page:arkiv"]
    assert {u for l in arkiv for u in l["titles"]} == {u for l in arkiv for u in l["names"]} == set(wp_titles)
    for kind in kinds:
        assert shown.get(kind), f"no {kind} listing shows a title"
    for blog, data in truth["tumblr"].items():
        titled = {p["url"]: p["title"] for p in data["posts"] if p["title"]}
        api = [l for l in listings if l["listing_type"] == "tumblr_api" and l["site"] == data["host"]]
        assert {u: t for l in api for u, t in l["titles"].items()} == titled, blog
        rss = [l for l in listings if l["listing_type"] == "tumblr_rss" and l["site"] == data["host"]]
        assert rss and all(set(l["titles"]) == set(l["names"]) for l in rss), blog


def test_listings_carry_the_title_they_show_for_each_post(wget_corpus, replica):
    """So that the completeness report can name a post no capture holds by its title."""
    _check_listing_titles(wget_corpus, replica.ground_truth(), ("category", "date", "home", "author", "tag"))


@pytest.mark.slow
def test_listings_of_our_harvest_carry_titles_feeds_included(harvested_corpus, replica):
    _check_listing_titles(harvested_corpus, replica.ground_truth(), ("category", "date", "home", "feed"))
