"""The merge: the chain rebuilt from prev/next links alone, duplicates folded, listings resolved."""
from __future__ import annotations

import json

from transform import transform
from transform_warcs import HOST, WarcBuilder, wp_post, wp_url


def _lines(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines()]


def test_chain_is_rebuilt_from_next_links_and_a_skipped_post_gets_no_position(tmp_path):
    u = [wp_url(f"p{i}", day=f"{10 + i}") for i in range(1, 5)]
    b = WarcBuilder(tmp_path / "chain.warc.gz")
    # p1 → p3 → p4; p2 is left out of the chain (its own "Nästa" still points on to p3).
    links = {1: (None, u[2]), 2: (u[0], u[2]), 3: (u[0], u[3]), 4: (u[2], None)}
    for i in (4, 2, 1, 3):
        prev, nxt = links[i]
        b.response(u[i - 1], wp_post(200 + i, f"p{i}", f"Inlägg {i}", day=f"{10 + i}", prev=prev, next=nxt,
                                     published=f"2012-05-{10 + i}T10:00:00+02:00").encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "chain.warc.gz"])
    posts = {p["title"]: p for p in _lines(tmp_path / "out" / "corpus" / "posts.jsonl")}
    assert [posts[f"Inlägg {i}"]["chain"]["position"] for i in (1, 2, 3, 4)] == [1, None, 2, 3]
    assert posts["Inlägg 1"]["chain"]["next"] == u[2]
    assert [p["title"] for p in _lines(tmp_path / "out" / "corpus" / "posts.jsonl")] == [
        "Inlägg 1", "Inlägg 2", "Inlägg 3", "Inlägg 4"]


def test_a_post_captured_twice_and_through_replytocom_is_one_record_from_its_permalink(tmp_path):
    url = wp_url("dubbel", day="20")
    b = WarcBuilder(tmp_path / "dup.warc.gz")
    b.response(url + "?replytocom=5", wp_post(300, "dubbel", "Dubbel", day="20").encode())
    first = b.response(url, wp_post(300, "dubbel", "Dubbel", day="20").encode())
    b.response(url, wp_post(300, "dubbel", "Dubbel", day="20", content="<p>Ändrad</p>").encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "dup.warc.gz"])
    corpus = tmp_path / "out" / "corpus"
    (post,) = _lines(corpus / "posts.jsonl")
    assert post["capture"]["record_id"] == first.rec_headers.get_header("WARC-Record-ID")
    manifest = json.loads((corpus / "manifest.json").read_text())
    assert manifest["stats"]["dedup.duplicate_captures_merged"] == 2


def test_listing_names_resolve_shortlinks_and_drop_pages(tmp_path):
    post = wp_url("mal", day="21")
    b = WarcBuilder(tmp_path / "l.warc.gz")
    b.response(post, wp_post(400, "mal", "Mål", day="21").encode())
    b.redirect(f"http://{HOST}/?p=400", post)
    page = f"""<html><head><link rel='canonical' href='http://{HOST}/arkiv/' /></head>
<body class="page page-id-9"><article id="post-9" class="post-9 page type-page hentry">
<h1 class="entry-title">Arkiv</h1><div class="entry-content"><ul>
<li><a href="http://{HOST}/?p=400">Mål</a></li><li><a href="http://{HOST}/2012/05/22/saknas/">Saknas</a></li>
<li><a href="http://{HOST}/arkiv/">Arkiv</a></li><li><a href="http://{HOST}/category/teknik/">Teknik</a></li>
</ul></div></article></body></html>"""
    b.response(f"http://{HOST}/arkiv/", page.encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "l.warc.gz"])
    (listing,) = _lines(tmp_path / "out" / "corpus" / "listings.jsonl")
    assert listing["listing_type"] == "page:arkiv"
    assert listing["names"] == [post, f"http://{HOST}/2012/05/22/saknas/"]
    (page_rec,) = _lines(tmp_path / "out" / "corpus" / "pages.jsonl")
    assert page_rec["title"] == "Arkiv" and page_rec["kind"] == "page"


def test_modified_comes_from_the_rest_api_when_the_theme_shows_none(tmp_path):
    """WordPress 6 themes print no modified date; /wp-json/wp/v2/posts/N has it, as local and GMT
    wall clocks whose difference is the site's offset."""
    from pathlib import Path

    samples = Path(__file__).parents[1] / "realwp" / "samples" / "twentytwentyone"
    index = json.loads((samples / "index.json").read_text(encoding="utf-8"))
    page_url = index["single-with-comments-and-image.html"]["url"]
    rest = json.loads((samples / "rest-post.json").read_text(encoding="utf-8"))
    rest.update(modified="2012-11-02T09:15:00", modified_gmt="2012-11-02T08:15:00")
    b = WarcBuilder(tmp_path / "rest.warc.gz")
    b.response(page_url, (samples / "single-with-comments-and-image.html").read_bytes())
    b.response(f"http://{HOST}/wp-json/wp/v2/posts/{rest['id']}", json.dumps(rest).encode(),
               content_type="application/json; charset=UTF-8")
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "rest.warc.gz"])
    (post,) = _lines(tmp_path / "out" / "corpus" / "posts.jsonl")
    assert post["post_id"] == str(rest["id"])
    assert post["published"] == "2012-06-28T11:08:00+02:00"
    assert post["modified"] == "2012-11-02T09:15:00+01:00"
    assert any("REST API" in w for w in post["warnings"])
