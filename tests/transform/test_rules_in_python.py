"""The rules written in Python over lxml's tag filter, and the `Find` rules answered from a
ScopeIndex, select exactly what their XPath selects."""
import random

import pytest
from lxml import etree
from warcio.archiveiterator import ArchiveIterator

from transform.platforms.wordpress import rules as R
from transform.platforms.wordpress.extract import parse_html
from transform.platforms.wordpress.find import Find, ScopeIndex, ask

ARTICLE_XPATH = etree.XPath(f"/html/body/descendant::article[starts-with(@id, 'post-') and {R.NOT_IN_COMMENTS}]")
COMMENT_XPATH = etree.XPath(
    f"/html/body/descendant::li[({R._has_class('comment')} or {R._has_class('pingback')} or "
    f"{R._has_class('trackback')} or starts-with(@id, 'comment-') or starts-with(@id, 'li-comment-'))]")

CLASSES = ["comment", "comments", "pingback", "trackback", "comment-list", "comments-area", "wp-block-comments",
           "x comment", "comment\tbyuser", " comment ", "comment\u00a0x", "COMMENT", "nocomment", ""]
IDS = ["comment-1", "li-comment-2", "comments", "post-3", "post-", "xpost-4", "Comment-5", ""]
TAGS = ["li", "article", "div", "ul", "ol", "section"]


def _random_page(rnd: random.Random, tags: list[str], attributes, comments: float = 0.0) -> str:
    """A page of random nested elements; `attributes(rnd, tag)` writes each one's attributes, and
    a share `comments` of the children are HTML comments instead."""
    def element(depth: int) -> str:
        tag = rnd.choice(tags)
        attrs = attributes(rnd, tag)
        inner = "t"
        if depth < 4:
            inner = "".join("<!-- c -->t" if comments and rnd.random() < comments else element(depth + 1)
                            for _ in range(rnd.randint(0, 3)))
        return f"<{tag}{attrs}>{inner}</{tag}>"
    body = "".join(element(0) for _ in range(rnd.randint(1, 4)))
    return f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>"


def _comment_attributes(rnd: random.Random, tag: str) -> str:
    attrs = ""
    if rnd.random() < 0.7:
        attrs += f' class="{rnd.choice(CLASSES)}"'
    if rnd.random() < 0.5:
        attrs += f' id="{rnd.choice(IDS)}"'
    return attrs


def test_python_rules_equal_their_xpath_on_random_pages():
    rnd = random.Random(11)
    found = {"articles": 0, "comments": 0}
    for _ in range(3000):
        root = parse_html(_random_page(rnd, TAGS, _comment_attributes))
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


# Every Find rule against its own XPath: pages with the classes, rel words and tags the rules ask
# for, in odd whitespace, nested in each other and inside comment areas.
FIND_CLASSES = ["entry-title", "entry-content", "published", "updated", "entry-date", "author vcard", "vcard",
                "author", "byline", "entry-meta", "posted-on", "wp-block-post-date", "wp-block-post-title",
                "wp-block-post-content", "post-content", "entry", "fn", "comment-author", "comment-content",
                "comment-meta", "comment-metadata", "wp-block-comment-author-name", "wp-block-comment-content",
                "published updated", "updated\tpublished", " author\nvcard ",
                "author\u00a0vcard", "comment", "comments-area", "comment-list", "entry-title\x0cx", "ENTRY-TITLE",
                "xentry-title", "entry-titles", ""]
FIND_RELS = ["tag", "category tag", "author", " tag", "tag\t", "nofollow author", "categories", ""]
FIND_TAGS = ["div", "span", "time", "a", "h1", "li", "article", "p"]


def _find_attributes(rnd: random.Random, tag: str) -> str:
    attrs = ""
    if rnd.random() < 0.7:
        attrs += f' class="{rnd.choice(FIND_CLASSES)}"'
    if rnd.random() < 0.15:
        attrs += ' id="comments"'
    if tag == "a" and rnd.random() < 0.6:
        attrs += f' rel="{rnd.choice(FIND_RELS)}"'
    if tag == "time" and rnd.random() < 0.8:
        attrs += f' datetime="{rnd.choice(["2012-01-02T03:04:05+01:00", "", " ", "x"])}"'
    return attrs


def _find_rules() -> list:
    rules = []
    for name in dir(R):
        value = getattr(R, name)
        for rule in value if isinstance(value, list) else [value]:
            if isinstance(rule, Find) and rule not in rules:
                rules.append(rule)
    return rules


def test_find_rules_answer_from_the_index_what_their_xpath_answers():
    rules = _find_rules()
    assert len(rules) >= 20
    rnd = random.Random(5)
    answered = dict.fromkeys(range(len(rules)), 0)
    for _ in range(600):
        root = parse_html(_random_page(rnd, FIND_TAGS, _find_attributes, comments=0.2))
        for scope in root.iter(etree.Element):  # every element a scope: inside comment areas too
            index = ScopeIndex(scope)
            for i, rule in enumerate(rules):
                want = rule(scope)
                assert rule.select(index) == want, (rule, etree.tostring(scope))
                assert ask(rule, scope, index) == want
                answered[i] += bool(want)
    assert all(n > 20 for n in answered.values()), [(rules[i].xpath[-70:], n) for i, n in answered.items() if n <= 20]  # each found things


@pytest.fixture(scope="module")
def replica_pages(wget_warc) -> list[bytes]:
    """The HTML of the replica's pages as Debian's wget captured them."""
    pages = []
    with open(wget_warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response" and "html" in (rec.http_headers.get_header("Content-Type") or ""):
                pages.append(rec.content_stream().read())
    return pages


def test_find_rules_on_replica_pages(replica_pages):
    """The same on real WordPress markup: the article and comments of every replica page."""
    rules = _find_rules()
    checked = 0
    for body in replica_pages:
        root = parse_html(body.decode("utf-8", "replace"))
        if root is None:
            continue
        scopes = R.post_articles(root)[:1] + R.comment_nodes(root)[:3] + [root]
        for scope in scopes:
            index = ScopeIndex(scope)
            for rule in rules:
                assert rule.select(index) == rule(scope), rule
                checked += 1
    assert checked > 1000


def test_an_index_is_used_only_for_its_own_scope():
    root = parse_html("<html><body><div class='entry-title'>a</div><p><span class='entry-title'>b</span></p></body></html>")
    rule = R.TITLE[0]
    p = root.find(".//p")
    assert [e.text for e in ask(rule, p, ScopeIndex(root))] == ["b"]  # another node's index: the XPath runs
    assert [e.text for e in ask(rule, root, ScopeIndex(root))] == ["a", "b"]


@pytest.mark.parametrize("parts", [{"classes": ("a b",)}, {"then": "a[@href]"}, {"tag": "DIV"}, {"attr": "x'y"},
                                   {"any_class": ("x", "")}, {"rel": ("tag or 1",)}])
def test_a_find_rule_takes_plain_names_only(parts):
    """A name the index would read one way and the XPath another is refused when the rule is made."""
    with pytest.raises(ValueError):
        Find(**parts)


BODY_CLASS_XPATH = etree.XPath("string(/html/body/@class)")
HTML_LANG_XPATH = etree.XPath("string(/html/@lang)")
MORE_XPATH = etree.XPath("descendant::span[starts-with(@id, 'more-') and string-length(@id) > 5"
                         " and translate(substring(@id, 6), '0123456789', '') = '']")
MORE_IDS = ["more-1", "more-123", "more-", "more-x", "more-1x", "more-x1", "more-1 2", "more-١٢", "More-1",
            "xmore-1", "more--1", "more-0", " more-1", "more-1 ", ""]


def _more_attributes(rnd: random.Random, tag: str) -> str:
    attrs = f' id="{rnd.choice(MORE_IDS)}"' if rnd.random() < 0.6 else ""
    if tag in ("html", "body") and rnd.random() < 0.7:
        attrs += rnd.choice([' class="single postid-1"', ' class=""', ' lang="sv-SE"', ' lang=""', " class"])
    return attrs


def test_body_class_lang_and_more_marker_equal_their_xpath():
    rnd = random.Random(5)
    markers = 0
    for _ in range(2000):
        page = _random_page(rnd, ["span", "div", "p", "span", "a"], _more_attributes)
        head = rnd.choice(["<html>", '<html lang="sv-SE">', "<html lang=''>", '<html class="x" lang="en">'])
        body = rnd.choice(["<body>", '<body class="single postid-7">', "<body class=''>",
                           '<body id="b" class="page  page-id-2\tx">'])
        page = page.replace("<html>", head, 1).replace("<body>", body, 1)
        if rnd.random() < 0.1:
            page = page.replace("</body>", '</body><body class="second">', 1)
        root = parse_html(page)
        assert R.body_class(root) == BODY_CLASS_XPATH(root)
        assert R.html_lang(root) == HTML_LANG_XPATH(root)
        for node in [root, *root.iter("div", "p", "span")][:6]:
            expected = MORE_XPATH(node)
            assert R.more_marker(node) is (expected[0] if expected else None)
            markers += bool(expected)
    assert markers > 200
    detached = parse_html("<html lang='sv'><body class='a'><div><p>t</p></div></body></html>").find(".//div")
    detached.getparent().remove(detached)
    for node in (etree.fromstring("<page lang='sv'><body class='x'/></page>"),
                 etree.fromstring("<html lang='sv'><head/><body class='x'/></html>").find("head"), detached):
        assert R.body_class(node) == BODY_CLASS_XPATH(node)
        assert R.html_lang(node) == HTML_LANG_XPATH(node)


LISTED_PLAIN = etree.XPath(f"/html/body/descendant::*[contains(@class, 'title')][{R._has_class('entry-title')} or "
                           f"{R._has_class('wp-block-post-title')}]/descendant::a[@href]")
TITLE_CLASSES = ["entry-title", "wp-block-post-title", "entry-title x", "post-title", "title", "entry-titles",
                 "x\tentry-title", "", "ENTRY-TITLE"]


def _title_attributes(rnd: random.Random, tag: str) -> str:
    attrs = f' class="{rnd.choice(TITLE_CLASSES)}"' if rnd.random() < 0.5 else ""
    if tag == "a" and rnd.random() < 0.8:
        attrs += ' href="http://x/"'
    return attrs


def test_listed_posts_rule_selects_what_the_plain_xpath_selects():
    rnd = random.Random(9)
    found = 0
    for _ in range(2000):
        root = parse_html(_random_page(rnd, ["div", "h2", "a", "span", "article"], _title_attributes))
        expected = LISTED_PLAIN(root)
        assert R.LISTED_POSTS[0][0](root) == expected
        found += len(expected)
    assert found > 500


def test_rules_not_asked_again_of_the_root_answer_alike_from_any_element(wget_warc):
    """A rule `ask_root_too` rules out answered already when the article was asked: it gives the
    same answer asked of any element of the page."""
    lists = [R.TITLE, R.PUBLISHED, R.MODIFIED, R.DATE_TEXT, R.AUTHORS, R.TERM_LINKS, R.CONTENT]
    absolute = [rule for rules in lists for rule in rules if not R.ask_root_too(rule)]
    assert len(absolute) == 9 and all(rule.path.startswith("//") for rule in absolute)
    assert all(R.ask_root_too(rule) for rule in R.COMMENT_AUTHOR + R.COMMENT_DATE + R.COMMENT_TEXT)
    assert R.ask_root_too(R.X("//a")) and R.ask_root_too(R.CANONICAL)  # only what from_root made
    assert R.PUBLISHED_ON_ROOT == [rule for rule in R.PUBLISHED if R.ask_root_too(rule)]
    for path in (".//a", "/html/body//a", "//a | .//b"):
        with pytest.raises(ValueError):
            R.from_root(path)
    pages = 0
    with open(wget_warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response" or "html" not in (rec.http_headers.get_header("Content-Type") or ""):
                continue
            root = parse_html(rec.content_stream().read().decode("utf-8", "replace"))
            if root is None:
                continue
            pages += 1
            for node in [root, *R.post_articles(root)[:1], *root.iter("p")][:4]:
                for rule in absolute:
                    assert rule(node) == rule(root)
            if pages >= 60:
                break
    assert pages >= 60
