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
    assert listing["titles"] == {post: "Mål", f"http://{HOST}/2012/05/22/saknas/": "Saknas"}
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


def test_a_revisit_resolves_to_the_url_it_refers_to_when_two_urls_share_its_payload(tmp_path):
    """Two Tumblr permalinks serve the very same bytes (a theme that prints nothing of the post's
    own), so the payload digest alone cannot tell them apart; a URL-agnostic revisit of a share
    link names the second as its original (WARC-Refers-To-Target-URI and -Date), and a listing
    that names the share link must name that post, not the first."""
    blog = "http://besokholland.tumblr.com"
    first, second = f"{blog}/post/111/forsta", f"{blog}/post/222/andra"
    share = second + "?source=share"
    same = ("<html><head><title>BESÖK Holland</title></head><body><article class='post text'>"
            "<h2>Samma sida</h2><div class='body-text'><p>Samma text.</p></div></article></body></html>").encode()
    b = WarcBuilder(tmp_path / "shared.warc.gz")
    b.response(first, same)
    original = b.response(second, same)
    b.revisit(share, original)
    b.response(f"{blog}/", f"<html><body><a href='{share}'>Samma sida</a></body></html>".encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "shared.warc.gz"])
    corpus = tmp_path / "out" / "corpus"
    assert {p["url"] for p in _lines(corpus / "tumblr_posts.jsonl")} == {first, second}
    (index,) = [l for l in _lines(corpus / "listings.jsonl") if l["listing_type"] == "tumblr_index"]
    assert index["names"] == [second]
    assert json.loads((corpus / "manifest.json").read_text())["stats"]["dedup.revisits_resolved"] == 1


def _feed(items: list[tuple[str, str, str]]) -> bytes:
    """A WordPress RSS 2.0 feed of (url, title, description) items."""
    body = "".join(f"<item><title>{t}</title><link>{u}</link><pubDate>Tue, 29 May 2012 08:15:00 +0000</pubDate>"
                   f"<description><![CDATA[{d}]]></description></item>" for u, t, d in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>BESÖK</title>'
            f"<link>http://{HOST}/</link><generator>https://wordpress.org/?v=3.8</generator>{body}</channel></rss>").encode()


def test_excerpt_is_the_teaser_before_the_more_marker_and_else_the_feeds_description(tmp_path):
    marked, plain = wp_url("ingress", day="22"), wp_url("utan", day="23")
    b = WarcBuilder(tmp_path / "excerpt.warc.gz")
    b.response(marked, wp_post(501, "ingress", "Med ingress", day="22", content=(
        '<p>Ingressen, hela.</p>\n<p><span id="more-501"></span></p>\n<p>Resten av texten.</p>')).encode())
    b.response(plain, wp_post(502, "utan", "Utan ingress", day="23").encode())
    b.response(f"http://{HOST}/feed/", _feed([(marked, "Med ingress", "Ingressen, avkortad [&#8230;]"),
                                              (plain, "Utan ingress", "Hej på er! [&#8230;]")]),
               content_type="application/rss+xml; charset=UTF-8")
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "excerpt.warc.gz"])
    posts = {p["url"]: p for p in _lines(tmp_path / "out" / "corpus" / "posts.jsonl")}
    assert posts[marked]["excerpt"] == "Ingressen, hela."
    assert posts[plain]["excerpt"] == "Hej på er!"


def test_an_image_captured_only_as_a_revisit_counts_as_captured_through_its_original(tmp_path):
    """Two upload URLs serve the same bytes; the harvester stores the second as a revisit. The post
    that shows the second must still say its image was captured, and point at the original's media
    record (same bytes), not report it missing."""
    import io
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(buf, "JPEG")
    first = f"http://{HOST}/wp-content/uploads/2012/05/bild.jpg"
    again = f"http://{HOST}/wp-content/uploads/2012/05/bild-kopia.jpg"
    post = wp_url("kopia", day="24")
    b = WarcBuilder(tmp_path / "media.warc.gz")
    original = b.response(first, buf.getvalue(), content_type="image/jpeg")
    b.revisit(again, original)
    b.response(post, wp_post(601, "kopia", "Kopia", day="24", content=f'<p><img src="{again}" alt="" /></p>').encode())
    b.close()
    transform(tmp_path / "out", warcs=[tmp_path / "media.warc.gz"])
    corpus = tmp_path / "out" / "corpus"
    (media,) = [m for m in _lines(corpus / "media.jsonl") if m["url"] == first]
    (rec,) = _lines(corpus / "posts.jsonl")
    (ref,) = [m for m in rec["media"] if m["url"] == again]
    assert ref["best"] == again and ref["media_id"] == media["id"]
    assert ref["captured"] is True
