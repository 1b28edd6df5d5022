"""Pure extraction functions, on strings: no WARC, no server."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from transform.clean import clean_fragment, decode, repair_mojibake, text_of
from transform.dates import iso, rfc822, sort_key, text_date
from transform.platforms.wordpress.extract import extract_feed, extract_page, parse_html
from transform.records import Capture

SAMPLES = Path(__file__).parents[1] / "realwp" / "samples"
CAP = Capture("test.warc.gz", 0, 0, "<urn:uuid:x>", None, "2026-01-01T00:00:00Z", 200, "")


@pytest.mark.parametrize("text, expected", [
    ("Publicerat den 20 december, 2013 av Niclas", "2013-12-20"),
    ("juni 5, 2012", "2012-06-05"),
    ("5 maj 2012", "2012-05-05"),
    ("Posted on March 3, 2013", "2013-03-03"),
    ("ingen dag här", None),
])
def test_text_dates_in_swedish_and_english(text, expected):
    assert text_date(text) == expected


def test_iso_and_rfc822_keep_the_offset_and_sort_by_instant():
    assert iso("2012-05-29T10:15:00+02:00") == "2012-05-29T10:15:00+02:00"
    assert iso("2012-05-29 10:15Z") == "2012-05-29T10:15:00+00:00"
    assert rfc822("Wed, 29 May 2013 09:53:00 +0000") == "2013-05-29T09:53:00+00:00"
    assert sort_key("2012-05-29T10:15:00+02:00") < sort_key("2012-05-29T09:15:00+00:00")


def test_mojibake_is_repaired_but_real_text_is_left_alone():
    assert repair_mojibake("LÃ¤sfrÃ¤mjande fÃ¶r smÃ¥ barn, Ã…re och Ã–land") == (
        "Läsfrämjande för små barn, Åre och Öland", 6)
    assert repair_mojibake("Årets bästa: Åre, Öland, café") == ("Årets bästa: Åre, Öland, café", 0)


def test_every_utf8_character_read_as_windows_1252_is_repaired():
    """The fast pre-check on the UTF-8 bytes must never hide a repair the full search would make:
    every character from U+0080 to U+07FF whose UTF-8 bytes, read as windows-1252, form mojibake."""
    for code in range(0x80, 0x800):
        char = chr(code)
        try:
            mangled = char.encode("utf-8").decode("cp1252")
        except UnicodeDecodeError:
            continue
        if not any("\u00c2" <= c <= "\u00f4" for c in mangled[:1]):
            continue
        assert repair_mojibake(f"x {mangled} y") == (f"x {char} y", 1), hex(code)


def test_decode_falls_back_to_windows_1252_when_utf8_is_declared_but_false():
    text, warnings = decode("<meta charset='utf-8'><p>Östergötland – 5 €</p>".encode("cp1252"))
    assert "Östergötland – 5 €" in text and "windows-1252" in warnings[0]
    text, warnings = decode("<p>Östergötland</p>".encode("utf-8"), "utf-8")
    assert text == "<p>Östergötland</p>" and warnings == []


def test_cleaned_content_has_no_scripts_handlers_or_javascript_urls_and_absolute_urls():
    root = parse_html('<div class="entry-content"><p onclick="x()" style="color:red">Hej <a href="/om/">om</a>'
                      '<a href="javascript:alert(1)">x</a></p><script>alert(1)</script><style>p{}</style>'
                      '<img src="bild.jpg" srcset="bild-300x200.jpg 300w, /b.jpg 1024w" onerror="x()"><iframe src="/x"></iframe></div>')
    html, _ = clean_fragment(root.find(".//div"), "http://projektbesok.se/2012/05/29/a/")
    assert "script" not in html and "onclick" not in html and "onerror" not in html and "style" not in html
    assert "javascript:" not in html and "iframe" not in html
    assert 'href="http://projektbesok.se/om/"' in html
    assert 'src="http://projektbesok.se/2012/05/29/a/bild.jpg"' in html
    assert "http://projektbesok.se/b.jpg 1024w" in html


def test_content_text_keeps_paragraphs_and_normalises_whitespace_and_nfc():
    root = parse_html("<div><p>Första   stycket\n med  radbrytning.</p><p>Andra\u00a0stycket: Ö</p>"
                      "<ul><li>ett</li><li>två</li></ul></div>")
    assert text_of(root.find(".//div")) == "Första stycket med radbrytning.\n\nAndra stycket: Ö\n\nett\ntvå"


def _sample(theme: str, name: str):
    index = json.loads((SAMPLES / theme / "index.json").read_text(encoding="utf-8"))
    url = index[name]["url"]
    text, _ = decode((SAMPLES / theme / name).read_bytes(), "utf-8")
    return extract_page(text, url, CAP), url


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
@pytest.mark.parametrize("name", ["first-post.html", "last-post.html", "single-with-comments-and-image.html"])
def test_real_wordpress_61_single_posts_match_what_wordpress_says(theme, name):
    truth = {p["url"]: p for p in json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["posts"]}
    result, url = _sample(theme, name)
    post = result.post
    t = truth[url]
    assert post.kind == "post" and post.post_id == str(t["id"]) and post.url == t["url"]
    assert post.title == t["title"]
    assert post.published == t["published"]
    assert post.authors == t["authors"]
    assert post.categories == [c["name"] for c in t["categories"]]
    assert post.tags == [c["name"] for c in t["tags"]]
    assert post.comment_count == t["comment_count"]
    assert [(int(c.id), int(c.parent or 0), c.author, c.date) for c in post.comments] == [
        (c["id"], c["parent"], c["author"], c["published"]) for c in t["comments"]]
    assert sorted(m.url for m in post.media if m.kind == "image") == sorted(
        a["url"] for a in t["attachments"] if a["mime"].startswith("image/"))
    chain = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["chain"]
    i = chain.index(url)
    assert post.chain.previous == (chain[i - 1] if i > 0 else None)
    assert post.chain.next == (chain[i + 1] if i + 1 < len(chain) else None)
    assert post.warnings == []


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
def test_real_wordpress_61_listings_name_their_posts(theme):
    truth = json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))
    arkiv, _ = _sample(theme, "page-arkiv.html")
    assert arkiv.post.kind == "page" and arkiv.listing.listing_type == "page:arkiv"
    assert sorted(arkiv.listing.names) == sorted(truth["chain"])
    home, _ = _sample(theme, "front-page.html")
    assert home.listing.listing_type == "home" and len(home.listing.names) == 10
    assert set(home.listing.names) <= set(truth["chain"])
    category, _ = _sample(theme, "category-nyheter.html")
    assert category.listing.listing_type == "category" and category.listing.names


def test_real_wordpress_61_feed_gives_gmt_dates_and_creators():
    body = (SAMPLES / "twentytwentyone" / "feed.xml").read_bytes()
    result = extract_feed(body, "http://projektbesok.se/feed/", CAP)
    assert result.listing.listing_type == "feed" and len(result.feed_items) == 10
    item = result.feed_items[0]
    assert item.published.endswith("+00:00") and item.authors and item.url.startswith("http://projektbesok.se/")


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
@pytest.mark.parametrize("name", ["first-post.html", "last-post.html", "single-with-comments-and-image.html"])
def test_modified_is_never_the_publication_date_read_from_a_published_updated_time(theme, name):
    """tt1 prints one <time class="entry-date published updated"> holding the publication date,
    edited or not; neither theme shows the modified date, so `modified` is null (or WordPress's)."""
    truth = {p["url"]: p for p in json.loads((SAMPLES / "truth.json").read_text(encoding="utf-8"))["posts"]}
    result, url = _sample(theme, name)
    html = (SAMPLES / theme / name).read_text(encoding="utf-8")
    if theme == "twentytwentyone":
        assert 'class="entry-date published updated"' in html
    assert result.post.modified in (None, truth[url]["modified"])
    assert result.post.modified is None


def test_modified_comes_from_a_separate_updated_time_when_a_theme_prints_one():
    page = (SAMPLES / "twentytwentyone" / "first-post.html").read_text(encoding="utf-8")
    edited = page.replace('<time class="entry-date published updated" datetime="2012-05-29T08:00:00+02:00">',
                          '<time class="entry-date published" datetime="2012-05-29T08:00:00+02:00">'
                          '<time class="updated" datetime="2012-06-02T09:30:00+02:00">2 juni</time>', 1)
    assert edited != page
    url = json.loads((SAMPLES / "twentytwentyone" / "index.json").read_text(encoding="utf-8"))["first-post.html"]["url"]
    post = extract_page(edited, url, CAP).post
    assert post.published == "2012-05-29T08:00:00+02:00" and post.modified == "2012-06-02T09:30:00+02:00"


def test_windows_1252_bytes_mixed_into_utf8_are_converted_not_the_whole_page_reread():
    body = "<p>Östergötland</p>".encode("utf-8") + b"<p>\x93citat\x94 \x96 5 \x80</p>"
    text, warnings = decode(body, "utf-8")
    assert text == "<p>Östergötland</p><p>\u201ccitat\u201d \u2013 5 \u20ac</p>"
    assert "windows-1252 bytes mixed in" in warnings[0]


@pytest.mark.parametrize("body, expected", [
    ('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Åre 5 €</p>'.encode("cp1252"), "Åre 5 €"),
    ('<?xml version="1.0" encoding="windows-1252"?><p>Öland</p>'.encode("cp1252"), "Öland"),
    (b"\xef\xbb\xbf<meta charset='iso-8859-1'><p>" + "Linköping".encode("utf-8") + b"</p>", "Linköping"),
])
def test_declared_charset_is_found_in_meta_xml_declaration_and_byte_order_mark(body, expected):
    text, warnings = decode(body)
    assert expected in text and warnings == []


def test_tumblr_permalink_reads_its_own_post_block_not_another_post_on_the_page():
    from transform.platforms.tumblr.extract import extract_html

    other = ('<div class="post photo" id="post-47666516151"><img src="http://33.media.tumblr.com/aa/'
             'tumblr_l355abc1_500.jpg"></div>')
    own = ('<div class="post photo" id="post-46968053710"><a href="http://33.media.tumblr.com/bb/tumblr_myk355x1_1280.jpg">'
           '<img src="http://33.media.tumblr.com/bb/tumblr_myk355x1_500.jpg"></a><div class="caption"><p>Här</p></div></div>')
    page = f"<html><body class='permalink'><div id='posts'>{other}{own}</div></body></html>"
    url = "http://besokholland.tumblr.com/post/46968053710/har"
    (frag,) = extract_html(parse_html(page), url, CAP).tumblr
    assert [p["best"] for p in frag.fields["photos"]] == ["http://33.media.tumblr.com/bb/tumblr_myk355x1_1280.jpg"]


@pytest.mark.parametrize("theme", ["twentytwentyone", "twentytwentythree"])
@pytest.mark.parametrize("marker, teaser", [
    # <!--more--> on a line of its own: wpautop gives the span core prints a paragraph of its own.
    ('</p>\n<p><span id="more-4"></span></p>', "Dagen inleddes med en genomgång av hur premiärdagarna 29 kan "
                                               "utvecklas på våra bibliotek. Många tog med sig idéer hem om premiärdagarna 29."),
    # <!--more--> inside a paragraph: the teaser ends mid-paragraph.
    (' <span id="more-4"></span>', "Dagen inleddes med en genomgång av hur premiärdagarna 29 kan utvecklas på våra "
                                   "bibliotek."),
])
def test_excerpt_is_the_text_before_the_more_marker_wordpress_prints(theme, marker, teaser):
    """The samples' posts have no <!--more-->, so their excerpt is null; with core's marker put
    where WordPress prints it, the text before it is the excerpt and the content stays whole."""
    index = json.loads((SAMPLES / theme / "index.json").read_text(encoding="utf-8"))
    url = index["first-post.html"]["url"]
    html = (SAMPLES / theme / "first-post.html").read_text(encoding="utf-8")
    assert extract_page(html, url, CAP).post.excerpt is None
    cut = "premiärdagarna 29.</p>" if marker.startswith("</p>") else "på våra bibliotek."
    at = html.index(cut) + len(cut) - (len("</p>") if marker.startswith("</p>") else 0)
    post = extract_page(html[:at] + marker + html[at:], url, CAP).post
    assert post.excerpt == teaser
    assert post.content_text.startswith(teaser) and "förhållningssätt" in post.content_text


def test_excerpt_prefers_the_teaser_to_the_meta_description_and_falls_back_to_it():
    from transform_warcs import wp_post, wp_url

    meta = '<meta name="description" content="Sammanfattning för sökmotorer" />\n'
    plain = wp_post(7, "kort", "Kort", content="<p>Hela texten.</p>").replace("<script>var x", meta + "<script>var x")
    marked = plain.replace("<p>Hela texten.</p>", '<p>Ingressen.</p>\n<p><span id="more-7"></span></p>\n<p>Resten.</p>')
    assert extract_page(plain, wp_url("kort"), CAP).post.excerpt == "Sammanfattning för sökmotorer"
    assert extract_page(marked, wp_url("kort"), CAP).post.excerpt == "Ingressen."
    assert extract_page(marked.replace('id="more-7"', 'id="more-info"'), wp_url("kort"), CAP).post.excerpt == (
        "Sammanfattning för sökmotorer")


def test_an_archive_shows_a_posts_title_in_its_heading_link_not_in_its_date_link():
    url = "http://projektbesok.se/2012/05/29/premiar/"
    page = ("<html><head><meta name='generator' content='WordPress 3.8'></head><body class='archive date'>"
            f"<article id='post-4'><a href='{url}' rel='bookmark'><time>29 maj, 2012</time></a>"
            "<h2>{heading}</h2></article></body></html>")
    titled = extract_page(page.format(heading=f"<a href='{url}' rel='bookmark'>Premiär</a>"), "http://projektbesok.se/2012/05/", CAP)
    assert titled.listing.names == [url] and titled.listing.titles == {url: "Premiär"}
    dated = extract_page(page.format(heading="Premiär"), "http://projektbesok.se/2012/05/", CAP)
    assert dated.listing.names == [url] and dated.listing.titles == {}
