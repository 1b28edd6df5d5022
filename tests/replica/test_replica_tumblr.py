"""The three blogs: pages, permalinks, tags, archive, RSS and API v1 (XML and JSON) match the ground truth."""
from __future__ import annotations

import json
import re

import pytest
from lxml import etree, html

BLOGS = ("besokholland", "besokdanmark", "besokengland")
SAFE = etree.XMLParser(resolve_entities=False, no_network=True)


def api_pages(http, blog: str, num: int = 7):
    start = 0
    while True:
        r = http.get(f"http://{blog}.tumblr.com/api/read", params={"start": start, "num": num})
        assert r.status_code == 200
        root = etree.fromstring(r.content, SAFE)
        posts = root.find("posts")
        yield root, posts
        start += num
        if start >= int(posts.get("total")):
            return


@pytest.mark.parametrize("blog", BLOGS)
def test_api_v1_xml_totals_and_ids_match_ground_truth(http, truth, blog):
    gt = truth["tumblr"][blog]
    ids, types = [], []
    for root, posts in api_pages(http, blog):
        assert root.tag == "tumblr" and root.find("tumblelog").get("name") == blog
        assert int(posts.get("total")) == gt["total"]
        for post in posts.findall("post"):
            assert {"id", "url", "url-with-slug", "type", "date-gmt", "date", "unix-timestamp", "format",
                    "reblog-key", "slug", "note-count"} <= set(post.attrib)
            ids.append(int(post.get("id")))
            types.append(post.get("type"))
    assert ids == [p["id"] for p in gt["posts"]]
    assert types == [p["type"] for p in gt["posts"]]
    assert 15 <= gt["total"] <= 30


def test_api_v1_xml_uses_the_real_element_names(http, truth):
    root = etree.fromstring(http.get("http://besokholland.tumblr.com/api/read", params={"num": 50}).content, SAFE)
    by_type = {}
    for post in root.iter("post"):
        by_type.setdefault(post.get("type"), post)
    photo = by_type["photo"]
    assert photo.find("photo-caption") is not None
    assert {e.get("max-width") for e in photo.findall("photo-url")} == {"1280", "500", "400", "250", "100", "75"}
    assert by_type["regular"].find("regular-title") is not None and by_type["regular"].find("regular-body") is not None
    assert photo.findall("tag")
    multi = [p for p in root.iter("post") if p.find("photoset") is not None]
    if multi:
        assert multi[0].find("photoset/photo").get("offset") == "o1"
    gt_post = truth["tumblr"]["besokholland"]["posts"][0]
    first = root.find("posts/post")
    assert first.get("url-with-slug") == gt_post["url"]
    assert int(first.get("unix-timestamp")) == gt_post["unix_timestamp"]


@pytest.mark.parametrize("blog", BLOGS)
def test_api_v1_json_matches_xml(http, truth, blog):
    r = http.get(f"http://{blog}.tumblr.com/api/read/json", params={"num": 50})
    m = re.fullmatch(r"var tumblr_api_read = (.*);\s*", r.text, re.S)
    assert m, r.text[:80]
    doc = json.loads(m.group(1))
    gt = truth["tumblr"][blog]
    assert doc["posts-total"] == gt["total"]
    assert [int(p["id"]) for p in doc["posts"]] == [p["id"] for p in gt["posts"]]
    photo = next(p for p in doc["posts"] if p["type"] == "photo")
    assert photo["photo-url-1280"].endswith("_1280.jpg") and photo["photo-url-75"].endswith("_75sq.jpg")


def test_one_reblog_between_the_blogs(http, truth):
    reblogs = [(b, p) for b in BLOGS for p in truth["tumblr"][b]["posts"] if p["reblogged_from"]]
    assert len(reblogs) == 1
    blog, post = reblogs[0]
    src = post["reblogged_from"]
    assert src["blog"] != blog and src["blog"] in BLOGS
    assert any(p["id"] == src["post_id"] for p in truth["tumblr"][src["blog"]]["posts"])
    page = html.fromstring(http.get(post["url"]).content)
    assert src["url"] in page.xpath("//a[@class='tumblr_blog']/@href")


@pytest.mark.parametrize("blog", BLOGS)
def test_index_pages_and_permalinks_reach_every_post(http, truth, blog):
    gt = truth["tumblr"][blog]
    url, seen = f"http://{blog}.tumblr.com/", []
    while url:
        doc = html.fromstring(http.get(url).content)
        seen += doc.xpath("//a[@class='permalink']/@href")
        nxt = doc.xpath("//div[@id='pagination']/a[@class='next']/@href")
        url = nxt[0] if nxt else None
    assert seen == [p["url"] for p in gt["posts"]]
    for p in gt["posts"][:5]:
        r = http.get(p["url"])
        assert r.status_code == 200
        assert re.search(r"/post/\d{11}/", p["url"])
        assert http.get(f"http://{blog}.tumblr.com/post/{p['id']}").status_code == 200


def test_tagged_archive_and_rss(http, truth):
    gt = truth["tumblr"]["besokengland"]
    doc = html.fromstring(http.get("http://besokengland.tumblr.com/tagged/england").content)
    tagged = [p["url"] for p in gt["posts"] if "england" in p["tags"]]
    assert doc.xpath("//a[@class='permalink']/@href") == tagged[:10]
    archive = html.fromstring(http.get("http://besokengland.tumblr.com/archive").content)
    assert set(archive.xpath("//a[contains(@class,'brick')]/@href")) == {p["url"] for p in gt["posts"]}
    rss = etree.fromstring(http.get("http://besokengland.tumblr.com/rss").content, SAFE)
    assert [i.findtext("link") for i in rss.iter("item")] == [p["url"] for p in gt["posts"][:20]]


def test_every_blog_ground_truth_url_answers_200(http, truth):
    for blog in BLOGS:
        for url in truth["tumblr"][blog]["urls"]:
            assert http.get(url).status_code == 200, url
