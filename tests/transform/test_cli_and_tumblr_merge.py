"""`wparchive transform` as a user runs it, and the merge of a Tumblr post's several views."""
from __future__ import annotations

import json
import subprocess
import sys

from transform.extracted import TumblrFragment
from transform.platforms.tumblr.merge import merge_fragments
from transform.records import Capture
from transform_warcs import WarcBuilder, wp_post, wp_url


def _run(*args):
    return subprocess.run([sys.executable, "-m", "wparchive", *args], capture_output=True, text=True, timeout=300)


def test_cli_reads_out_harvest_warc_and_prints_counts(tmp_path):
    warc_dir = tmp_path / "harvest" / "warc"
    warc_dir.mkdir(parents=True)
    b = WarcBuilder(warc_dir / "besok-20260101000000-00000-host.warc.gz")
    b.response(wp_url("cli", day="15"), wp_post(500, "cli", "Från kommandoraden", day="15").encode())
    b.close()
    (warc_dir / "besok-20260101000001-00001-host.warc.gz.open").write_bytes(b"")
    proc = _run("transform", str(tmp_path), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert "1 posts" in proc.stdout
    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text())
    assert manifest["sources"][0]["path"] == "harvest/warc/besok-20260101000000-00000-host.warc.gz"
    assert manifest["unfinished_warcs_ignored"] == ["besok-20260101000001-00001-host.warc.gz.open"]


def test_cli_without_warcs_exits_2_with_a_hint(tmp_path):
    proc = _run("transform", str(tmp_path))
    assert proc.returncode == 2
    assert "no WARC files" in proc.stderr and "harvest" in proc.stderr


CAP = Capture("t.warc.gz", 0, 10, "<urn:uuid:1>", None, "2026-01-01T00:00:00Z", 200, "http://b.tumblr.com/post/1")


def test_tumblr_views_merge_with_the_api_first_and_disagreements_kept():
    api = TumblrFragment("b", "1", "api_xml", {"type": "photo", "published": "2013-04-09T06:45:56+00:00",
                                              "tags": ["holland"], "note_count": 7, "url": "http://b.tumblr.com/post/1/x"})
    page = TumblrFragment("b", "1", "permalink", {"published": "2013-04-09", "tags": ["holland"], "note_count": 9,
                                                 "url": "http://b.tumblr.com/post/1/x"})
    rss = TumblrFragment("b", "1", "rss", {"published": "2013-04-09T02:45:56-04:00", "tags": ["holland"]})
    post = merge_fragments("b", "1", [(page, CAP), (rss, CAP), (api, CAP)])
    assert post.id == "tumblr:b:1" and post.sources == ["api_xml", "permalink", "rss"]
    assert post.note_count == 7 and post.field_sources["note_count"] == "api_xml"
    assert post.disagreements == {"note_count": {"api_xml": 7, "permalink": 9}}
    assert post.published == "2013-04-09T06:45:56+00:00" and "published" not in post.disagreements
    assert post.capture == CAP


def test_a_day_on_the_page_and_a_timestamp_on_that_day_are_compatible_not_a_disagreement():
    page = TumblrFragment("b", "2", "permalink", {"published": "2013-04-08", "type": "photo"})
    rss = TumblrFragment("b", "2", "rss", {"published": "2013-04-08T13:44:08-04:00"})
    post = merge_fragments("b", "2", [(page, CAP), (rss, CAP)])
    assert post.published == "2013-04-08T13:44:08-04:00" and post.field_sources["published"] == "rss"
    assert post.disagreements == {}
    assert post.authors == ["b"] and post.post_id == "2"


def test_timestamps_of_different_instants_or_a_day_far_off_are_disagreements():
    api = TumblrFragment("b", "3", "api_xml", {"published": "2013-04-08T17:44:08+00:00"})
    rss = TumblrFragment("b", "3", "rss", {"published": "2013-04-08T17:44:08-04:00"})
    page = TumblrFragment("b", "3", "permalink", {"published": "2013-04-08"})
    post = merge_fragments("b", "3", [(api, CAP), (rss, CAP), (page, CAP)])
    assert set(post.disagreements["published"]) == {"api_xml", "permalink", "rss"}
    same_instant = TumblrFragment("b", "3", "rss", {"published": "2013-04-08T13:44:08-04:00"})
    far_day = TumblrFragment("b", "3", "permalink", {"published": "2013-04-12"})
    assert merge_fragments("b", "3", [(api, CAP), (same_instant, CAP)]).disagreements == {}
    assert "published" in merge_fragments("b", "3", [(api, CAP), (far_day, CAP)]).disagreements


def test_a_reblog_source_named_without_its_slug_by_the_api_keeps_the_url_the_page_links():
    src = {"blog": "a", "post_id": "5"}
    api = TumblrFragment("b", "4", "api_xml", {"reblogged_from": dict(src, url="http://a.tumblr.com/post/5")})
    page = TumblrFragment("b", "4", "permalink", {"reblogged_from": dict(src, url="http://a.tumblr.com/post/5/vy")})
    other = TumblrFragment("b", "4", "permalink", {"reblogged_from": {"blog": "c", "post_id": "6",
                                                                     "url": "http://a.tumblr.com/post/5/x"}})
    post = merge_fragments("b", "4", [(api, CAP), (page, CAP)])
    assert post.reblogged_from == dict(src, url="http://a.tumblr.com/post/5/vy")
    assert post.field_sources["reblogged_from"] == "api_xml" and post.field_sources["reblogged_from.url"] == "permalink"
    assert post.disagreements == {}
    assert merge_fragments("b", "4", [(api, CAP), (other, CAP)]).reblogged_from["url"] == "http://a.tumblr.com/post/5"


API_XML = """<?xml version="1.0" encoding="UTF-8"?>
<tumblr version="1.0"><tumblelog name="b" title="B"/><posts start="0" total="2">
<post id="1" url="http://b.tumblr.com/post/1" type="photo" unix-timestamp="1365489956" width="1280" height="853">
<photo-caption>Bibliotek</photo-caption>
<photo-url max-width="1280">http://33.media.tumblr.com/aa/tumblr_x1o1_1280.jpg</photo-url>
<photo-url max-width="500">http://33.media.tumblr.com/aa/tumblr_x1o1_500.jpg</photo-url></post>
<post id="2" url="http://b.tumblr.com/post/2" type="photo" unix-timestamp="1365489957" width="1280" height="960">
<photo-caption>Två</photo-caption>
<photo-url max-width="1280">http://33.media.tumblr.com/bb/tumblr_x2o1_1280.jpg</photo-url>
<photoset><photo offset="o1" caption="" width="1280" height="960">
<photo-url max-width="1280">http://33.media.tumblr.com/bb/tumblr_x2o1_1280.jpg</photo-url></photo>
<photo offset="o2" caption="Trappan" width="800" height="1200">
<photo-url max-width="1280">http://33.media.tumblr.com/cc/tumblr_x2o2_1280.jpg</photo-url></photo></photoset></post>
</posts></tumblr>""".encode()


def _photos(frag):
    return [(p["caption"], p["width"], p["height"]) for p in frag.fields["photos"]]


def test_photo_dimensions_and_own_captions_come_from_the_api_and_a_page_gives_none():
    from lxml import html

    from transform.platforms.tumblr.extract import extract_api_json, extract_api_xml, extract_html

    single, photoset = extract_api_xml(API_XML, "http://b.tumblr.com/api/read", CAP).tumblr
    assert _photos(single) == [(None, 1280, 853)] and single.fields["caption"] == "<div>Bibliotek</div>"
    assert _photos(photoset) == [(None, 1280, 960), ("Trappan", 800, 1200)]
    doc = {"tumblelog": {"name": "b"}, "posts": [
        {"id": "2", "type": "photo", "width": 1280, "height": 960, "photo-url-1280": "http://33.media.tumblr.com/bb/tumblr_x2o1_1280.jpg",
         "photos": [{"offset": "o1", "caption": "", "width": 1280, "height": 960,
                     "photo-url-1280": "http://33.media.tumblr.com/bb/tumblr_x2o1_1280.jpg"},
                    {"offset": "o2", "caption": "Trappan", "width": "800", "height": "1200",
                     "photo-url-1280": "http://33.media.tumblr.com/cc/tumblr_x2o2_1280.jpg"}]},
        {"id": "3", "type": "photo", "photo-url-500": "http://33.media.tumblr.com/dd/tumblr_x3o1_500.jpg"}]}
    two, bare = extract_api_json("var tumblr_api_read = " + json.dumps(doc) + ";", "http://b.tumblr.com/api/read/json",
                                 CAP).tumblr
    assert _photos(two) == [(None, 1280, 960), ("Trappan", 800, 1200)] and _photos(bare) == [(None, None, None)]
    page = html.fromstring('<html><body><div class="post photo" id="post-1"><a href="http://33.media.tumblr.com/aa/'
                           'tumblr_x1o1_1280.jpg"><img src="http://33.media.tumblr.com/aa/tumblr_x1o1_500.jpg" '
                           'width="500" height="333"></a></div></body></html>')
    (frag,) = extract_html(page, "http://b.tumblr.com/post/1", CAP).tumblr
    assert _photos(frag) == [(None, None, None)]
    post = merge_fragments("b", "1", [(frag, CAP), (single, CAP)])
    assert [(p.best, p.width, p.height) for p in post.photos] == [
        ("http://33.media.tumblr.com/aa/tumblr_x1o1_1280.jpg", 1280, 853)]
