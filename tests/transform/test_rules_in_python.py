"""The rules written in Python over lxml's tag filter select exactly what their XPath selects."""
import random

from lxml import etree

from transform.platforms.wordpress import rules as R
from transform.platforms.wordpress.extract import parse_html

ARTICLE_XPATH = etree.XPath(f"/html/body/descendant::article[starts-with(@id, 'post-') and {R.NOT_IN_COMMENTS}]")
COMMENT_XPATH = etree.XPath(
    f"/html/body/descendant::li[({R._has_class('comment')} or {R._has_class('pingback')} or "
    f"{R._has_class('trackback')} or starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-'))]")

CLASSES = ["comment", "comments", "pingback", "trackback", "comment-list", "comments-area", "wp-block-comments",
           "x comment", "comment\tbyuser", " comment ", "comment\u00a0x", "COMMENT", "nocomment", ""]
IDS = ["comment-1", "li-comment-2", "comments", "post-3", "post-", "xpost-4", "Comment-5", ""]
TAGS = ["li", "article", "div", "ul", "ol", "section"]


def _random_page(rnd: random.Random) -> str:
    def element(depth: int) -> str:
        tag = rnd.choice(TAGS)
        attrs = ""
        if rnd.random() < 0.7:
            attrs += f' class="{rnd.choice(CLASSES)}"'
        if rnd.random() < 0.5:
            attrs += f' id="{rnd.choice(IDS)}"'
        inner = "".join(element(depth + 1) for _ in range(rnd.randint(0, 3))) if depth < 4 else "t"
        return f"<{tag}{attrs}>{inner}</{tag}>"
    body = "".join(element(0) for _ in range(rnd.randint(1, 4)))
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


def test_python_rules_equal_their_xpath_on_random_pages():
    rnd = random.Random(11)
    found = {"articles": 0, "comments": 0}
    for _ in range(3000):
        root = parse_html(_random_page(rnd))
        for node in (root, root.find(".//body"), root.find(".//li")):
            if node is None:
                continue
            assert R.post_articles(node) == ARTICLE_XPATH(node)
            assert R.comment_nodes(node) == COMMENT_XPATH(node)
        found["articles"] += len(ARTICLE_XPATH(root))
        found["comments"] += len(COMMENT_XPATH(root))
    assert found["articles"] > 100 and found["comments"] > 100  # the pages do exercise both rules


def test_python_rules_outside_an_html_root_find_nothing():
    root = etree.fromstring("<page><body><li class='comment'/><article id='post-1'/></body></page>")
    assert R.comment_nodes(root) == COMMENT_XPATH(root) == []
    assert R.post_articles(root) == ARTICLE_XPATH(root) == []
