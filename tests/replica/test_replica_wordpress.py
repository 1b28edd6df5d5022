"""projektbesok.se through the proxy: posts, the Nästa chain, shortlinks, listings, feeds, the calendar trap."""
from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml import etree, html

HOME = "http://projektbesok.se/"


def page(http, url: str):
    r = http.get(url, allow_redirects=False)
    assert r.status_code == 200, (url, r.status_code)
    return html.fromstring(r.content, base_url=url)


def test_every_post_answers_200_with_its_title(http, truth):
    posts = truth["wordpress"]["posts"]
    assert len(posts) == 86
    for post in posts:
        doc = page(http, post["url"])
        assert doc.xpath("string(//h1[@class='entry-title'])") == post["title"]
        assert f"postid-{post['id']}" in doc.xpath("string(//body/@class)").split()


def test_posts_carry_wordpress_core_markup(http, truth):
    post = truth["wordpress"]["posts"][10]
    doc = page(http, post["url"])
    article = doc.xpath(f"//article[@id='post-{post['id']}']")[0]
    classes = article.get("class").split()
    assert {"post", "type-post", "status-publish", "hentry"} <= set(classes)
    assert doc.xpath("string(//link[@rel='shortlink']/@href)") == post["shortlink"]
    assert doc.xpath("string(//link[@rel='canonical']/@href)") == post["url"]
    assert doc.xpath("string(//meta[@name='generator']/@content)").startswith("WordPress 3.")
    meta = doc.xpath("//header[@class='entry-header']/div[@class='entry-meta']")[0]
    assert meta.xpath("string(.//time[contains(@class,'entry-date')]/@datetime)") == post["published"]
    assert meta.xpath("string(.//span[contains(@class,'author')]//a)") == post["author"]
    assert re.search(r"\+0[12]:00$", post["published"])


def test_summer_and_winter_posts_have_stockholm_offsets(truth):
    offsets = {p["published"][-6:] for p in truth["wordpress"]["posts"]}
    assert offsets == {"+01:00", "+02:00"}
    assert truth["wordpress"]["posts"][0]["published"].startswith("2012-05-29T")
    assert truth["wordpress"]["posts"][-1]["published"].startswith("2013-12-20T")


def test_slugs_are_transliterated_like_wordpress(truth):
    for post in truth["wordpress"]["posts"]:
        assert re.fullmatch(r"[a-z0-9-]+", post["slug"]), post["slug"]
        assert post["url"].endswith(f"/{post['slug']}/")
    closing = truth["wordpress"]["posts"][-1]
    assert closing["slug"] == "besok-gar-i-mal-efter-mer-an-150-utbildningar"


def next_link(doc) -> str | None:
    links = doc.xpath("//nav[contains(@class,'post-navigation')]//a[@rel='next']/@href")
    return links[0] if links else None


def test_following_only_nasta_visits_every_post_in_publication_order(http, truth):
    wp = truth["wordpress"]
    url = wp["first_post"]
    visited = []
    while url and len(visited) <= len(wp["posts"]):
        visited.append(url)
        doc = page(http, url)
        assert [a.text for a in doc.xpath("//nav[contains(@class,'post-navigation')]//a[@rel='next']")] in ([], ["Nästa"])
        url = next_link(doc)
    assert visited == [p["url"] for p in wp["posts"]]
    assert visited == wp["chain"]
    assert visited[-1] == wp["closing_post"]


def test_head_prev_next_links_match_the_navigation(http, truth):
    posts = truth["wordpress"]["posts"]
    doc = page(http, posts[5]["url"])
    assert doc.xpath("string(//link[@rel='next']/@href)") == posts[6]["url"]
    assert doc.xpath("string(//link[@rel='prev']/@href)") == posts[4]["url"]
    prev = doc.xpath("//nav[contains(@class,'post-navigation')]//a[@rel='prev']")[0]
    assert prev.text == "Föregående" and prev.get("href") == posts[4]["url"]


def test_closing_post_tells_how_many_times_to_press_nasta(http, truth):
    wp = truth["wordpress"]
    doc = page(http, wp["closing_post"])
    content = doc.xpath("//div[@class='entry-content']")[0]
    text = content.text_content()
    hops = len(wp["chain"]) - 1
    assert f"\"Nästa\" i det övre högra hörnet {hops} gånger" in text
    hrefs = set(content.xpath(".//a/@href"))
    pages = {p["slug"]: p["url"] for p in wp["pages"]}
    assert {wp["first_post"], pages["arkiv"], pages["utbildningar"], pages["dokument"]} <= hrefs
    for blog in ("besokholland", "besokdanmark", "besokengland"):
        assert f"http://{blog}.tumblr.com/" in hrefs
    for figure in ("360 personer", "11722 timmar", "75", "5,7 miljoner", "15 bibliotek"):
        assert figure in text


def test_shortlink_redirects_permanently_to_the_permalink(http, truth):
    post = truth["wordpress"]["posts"][3]
    r = http.get(post["shortlink"], allow_redirects=False)
    assert r.status_code == 301
    assert r.headers["Location"] == post["url"]


def test_draft_is_not_public(http, truth):
    draft = truth["wordpress"]["drafts"][0]
    assert http.get(draft["url"], allow_redirects=False).status_code == 404
    for url in (HOME, truth["wordpress"]["pages"][2]["url"]):
        assert draft["url"] not in http.get(url).text


def test_calendar_trap_generates_months_without_end(http):
    url = HOME
    months = []
    for _ in range(40):
        doc = page(http, url)
        months.append(doc.xpath("string(//table[@id='wp-calendar']/caption)"))
        url = urljoin(url, doc.xpath("//table[@id='wp-calendar']//td[@id='next']/a/@href")[0])
    assert len(set(months)) == 40
    assert re.search(r"\?m=2017\d\d$", url)
    back = HOME
    for _ in range(30):
        doc = page(http, back)
        back = urljoin(back, doc.xpath("//table[@id='wp-calendar']//td[@id='prev']/a/@href")[0])
    assert re.search(r"\?m=2011\d\d$", back)


def test_home_is_paginated_ten_posts_a_page_newest_first(http, truth):
    posts = truth["wordpress"]["posts"][::-1]
    seen = []
    url = HOME
    while url:
        doc = page(http, url)
        titles = doc.xpath("//article//h1[@class='entry-title']/a/@href")
        assert len(titles) <= 10
        seen += titles
        older = doc.xpath("//nav[contains(@class,'paging-navigation')]//div[@class='nav-previous']/a/@href")
        url = older[0] if older else None
    assert seen == [p["url"] for p in posts]


def test_arkiv_lists_all_posts_newest_first(http, truth):
    arkiv = next(p for p in truth["wordpress"]["pages"] if p["slug"] == "arkiv")
    assert arkiv["url"] == "http://projektbesok.se/kalender/arkiv/"
    names, url = [], arkiv["url"]
    while url:
        doc = page(http, url)
        names += doc.xpath("//ul[@class='arkiv-lista']/li/a/@href")
        older = doc.xpath("//div[@class='nav-previous']/a/@href")
        url = older[0] if older else None
    assert names == [p["url"] for p in truth["wordpress"]["posts"][::-1]]


def test_utbildningar_groups_every_post_under_its_categories(http, truth):
    doc = page(http, "http://projektbesok.se/utbildningar/")
    for post in truth["wordpress"]["posts"]:
        for cat in post["categories"]:
            section = doc.xpath(f"//h2[a='{cat}']/following-sibling::ul[1]/li/a/@href")
            assert post["url"] in section, (cat, post["url"])


def test_dokument_links_every_pdf(http, truth):
    doc = page(http, "http://projektbesok.se/dokument/")
    assert set(truth["wordpress"]["documents"]) <= set(doc.xpath("//a/@href"))


def test_category_tag_author_and_date_archives_list_their_posts(http, truth):
    post = truth["wordpress"]["posts"][20]
    cat = page(http, HOME)  # category links come from the sidebar
    cat_url = next(u for u in cat.xpath("//aside[contains(@class,'widget_categories')]//a/@href"))
    assert cat_url.startswith("http://projektbesok.se/category/")
    y, m = post["published"][:4], post["published"][5:7]
    doc = page(http, f"{HOME}{y}/{m}/")
    month_posts = [p["url"] for p in truth["wordpress"]["posts"] if p["published"][:7] == f"{y}-{m}"]
    listed = doc.xpath("//article//h1[@class='entry-title']/a/@href")
    assert listed == month_posts[::-1][:10]
    author = page(http, f"{HOME}author/niclas/")
    assert "author-niclas" in author.xpath("string(//body/@class)")


def test_feeds_are_rss2_with_wordpress_generator(http, truth):
    r = http.get(f"{HOME}feed/")
    assert r.headers["Content-Type"].startswith("application/rss+xml")
    root = etree.fromstring(r.content, etree.XMLParser(resolve_entities=False, no_network=True))
    assert root.get("version") == "2.0"
    assert root.findtext("channel/generator").startswith("http://wordpress.org/?v=3.")
    items = root.findall("channel/item")
    newest = truth["wordpress"]["posts"][::-1][:10]
    assert [i.findtext("link") for i in items] == [p["url"] for p in newest]
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "content": "http://purl.org/rss/1.0/modules/content/"}
    assert items[0].findtext("dc:creator", namespaces=ns) == newest[0]["author"]
    assert items[0].findtext("content:encoded", namespaces=ns)
    comments = etree.fromstring(http.get(f"{HOME}comments/feed/").content)
    assert comments.findall("channel/item")
    post = next(p for p in truth["wordpress"]["posts"] if p["comment_count"] >= 2)
    per_post = etree.fromstring(http.get(post["url"] + "feed/").content)
    assert len(per_post.findall("channel/item")) == post["comment_count"]


def test_threaded_comments_with_replytocom_links(http, truth):
    post = next(p for p in truth["wordpress"]["posts"] if any(c["parent"] for c in p["comments"]))
    doc = page(http, post["url"])
    child = next(c for c in post["comments"] if c["parent"])
    li = doc.xpath(f"//ol[@class='comment-list']//li[@id='comment-{child['id']}']")[0]
    assert "depth-1" not in li.get("class")
    assert li.xpath(f"ancestor::li[@id='comment-{child['parent']}']")
    replies = doc.xpath("//a[@class='comment-reply-link']/@href")
    assert f"{post['url']}?replytocom={post['comments'][0]['id']}#respond" in replies
    assert http.get(f"{post['url']}?replytocom={post['comments'][0]['id']}").status_code == 200


def test_images_in_posts_link_a_size_variant_to_the_original(http, truth):
    post = next(p for p in truth["wordpress"]["posts"] if any(m["kind"] == "image" for m in p["media"]))
    image = next(m for m in post["media"] if m["kind"] == "image")
    doc = page(http, post["url"])
    img = doc.xpath(f"//div[@class='entry-content']//a[@href='{image['url']}']/img")[0]
    assert "size-medium" in img.get("class") and re.search(r"wp-image-\d+", img.get("class"))
    assert img.get("src") in image["variants"]
    assert re.search(r"/wp-content/uploads/\d{4}/\d\d/[^/]+-\d+x\d+\.jpg$", img.get("src"))


def test_attachment_pages_answer_pretty_and_by_id(http, truth):
    wp = truth["wordpress"]
    redirects = {k: v for k, v in wp["redirects"].items() if "attachment_id=" in k or "?p=" in k}
    post = next(p for p in wp["posts"] if sum(m["kind"] == "image" for m in p["media"]) >= 2)
    doc = page(http, post["url"])
    attachment_page = doc.xpath("//div[contains(@class,'gallery')]//a/@href")[0]
    assert attachment_page.startswith(post["url"]) and attachment_page != post["url"]
    att = page(http, attachment_page)
    att_id = re.search(r"attachmentid-(\d+)", att.xpath("string(//body/@class)")).group(1)
    r = http.get(f"{HOME}?attachment_id={att_id}", allow_redirects=False)
    assert r.status_code == 301 and r.headers["Location"] == attachment_page
    assert redirects


def test_robots_txt_disallows_wp_admin(http):
    r = http.get(f"{HOME}robots.txt")
    assert r.status_code == 200
    lines = r.text.splitlines()
    assert "Disallow: /wp-admin/" in lines
    assert not any(line.lower().startswith("sitemap") for line in lines)


def test_unknown_path_is_a_themed_404(http):
    r = http.get(f"{HOME}finns-inte/")
    assert r.status_code == 404
    assert "error404" in r.text


def test_every_ground_truth_url_answers_200(http, truth):
    urls = truth["wordpress"]["urls"]
    assert len(urls) > 500
    for url in urls:
        assert http.get(url, allow_redirects=False).status_code == 200, url
    posts = {p["url"] for p in truth["wordpress"]["posts"]}
    assert posts <= set(urls)
    assert set(truth["wordpress"]["documents"]) <= set(urls)
