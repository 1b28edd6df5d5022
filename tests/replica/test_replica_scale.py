"""The size knob: a 10,000-post replica starts and serves (pages render on request)."""
from __future__ import annotations

import pytest
from lxml import html


@pytest.mark.slow
def test_ten_thousand_post_replica_starts_and_serves(running, proxied):
    with running(posts=10_000) as srv:
        s = proxied(srv)
        home = html.fromstring(s.get("http://projektbesok.se/").content)
        last_page = home.xpath("//div[@class='nav-previous']/a/@href")[0]
        assert last_page == "http://projektbesok.se/page/2/"
        assert s.get("http://projektbesok.se/page/1000/").status_code == 200
        assert s.get("http://projektbesok.se/page/1001/").status_code == 404
        site = srv.sites.site
        for post in (site.posts[0], site.posts[4999], site.posts[-1]):
            doc = html.fromstring(s.get(post.url).content)
            assert doc.xpath("string(//h1[@class='entry-title'])") == post.title
        closing = html.fromstring(s.get(site.posts[-1].url).content).text_content()
        assert "9999 gånger" in closing
        assert s.get("http://besokholland.tumblr.com/api/read").status_code == 200
