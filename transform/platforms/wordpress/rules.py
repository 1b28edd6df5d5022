"""Where WordPress puts each fact, as ordered XPath rules: core markup first, theme guesses last.

A new theme quirk is a new rule at the right place in a list, not a new branch in extract.py.
Rules for things inside the post exclude the comment area. A rule relative to the post or a
comment that names its elements by tag, class and rel is a `Find` (an XPath too, see find.py).
"""
from __future__ import annotations

import re

from lxml import etree

from transform.platforms.wordpress.find import (NOT_IN_COMMENTS, Find, class_tokens, has_class as _has_class,
                                                 not_in_comments)


def X(path: str) -> etree.XPath:
    return etree.XPath(path)


_FROM_ROOT: set = set()


def from_root(path: str) -> etree.XPath:
    """An XPath that selects from the document root (`//...`): its answer is the same whatever
    it is asked of, so once the article had none, the page is not asked again (`ask_root_too`)."""
    if not path.startswith("//") or "|" in path:
        raise ValueError(f"not a location path from the document root: {path}")
    rule = X(path)
    _FROM_ROOT.add(rule)
    return rule


def ask_root_too(rule) -> bool:
    """Whether a rule the article had no answer to may have one for the whole page: any but a
    `from_root` rule."""
    return rule not in _FROM_ROOT


def on_root(rules: list) -> list:
    """The rules of a list worth asking of the page once its article had no answer (`ask_root_too`)."""
    return [rule for rule in rules if ask_root_too(rule)]


# The <head> is read once into a dict (rel or meta name -> value); these keys are looked up there.
HEAD = X("/html/head/link[@rel and @href] | /html/head/meta[(@name or @property) and @content]")
CANONICAL_REL, SHORTLINK_REL, PREV_REL, NEXT_REL = "canonical", "shortlink", "prev", "next"
META_DESCRIPTION = ("description", "og:description")
META_TITLE = "og:title"
META_AUTHOR = "author"
META_MODIFIED = "article:modified_time"
# Where the head is missing or misplaced (broken markup), the whole document is searched.
CANONICAL = X("string(//link[@rel='canonical']/@href)")
SHORTLINK = X("string(//link[@rel='shortlink']/@href)")

# Rules that name their element are Python over lxml's tag filter (C), which skips every other
# element faster than an XPath scan tests it, or a step down from the root, which costs less than
# starting an XPath; each does exactly what the XPath in its docstring says (tests compare them).
COMMENT_NODE_CLASSES = frozenset(("comment", "pingback", "trackback"))


def _root(node):
    """The document's root element (of the document `node` belongs to, even once detached)."""
    return node.getroottree().getroot()


def _bodies(node) -> list:
    """/html/body: the `body` children of the document's `html` root."""
    root = _root(node)
    return list(root.iterchildren("body")) if root.tag == "html" else []


def body_class(node) -> str:
    """string(/html/body/@class)"""
    for body in _bodies(node):
        cls = body.get("class")
        if cls is not None:
            return cls
    return ""


def html_lang(node) -> str:
    """string(/html/@lang)"""
    root = _root(node)
    return (root.get("lang") or "") if root.tag == "html" else ""


def more_marker(content):
    """descendant::span[starts-with(@id, 'more-') and string-length(@id) > 5 and
    translate(substring(@id, 6), '0123456789', '') = ''][1], or None: where core put the
    <span id="more-N"></span> of the author's <!--more--> (the teaser ends there)."""
    for span in content.iterdescendants("span"):
        id_ = span.get("id")
        if id_ and len(id_) > 5 and id_.startswith("more-") and not id_[5:].strip("0123456789"):
            return span
    return None


def post_articles(node) -> list:
    """/html/body/descendant::article[starts-with(@id, 'post-') and NOT_IN_COMMENTS]"""
    return articles_and_comments(node)[0]


def comment_nodes(node) -> list:
    """/html/body/descendant::li[(has_class comment, pingback or trackback) or starts-with(@id,
    'comment-') or starts-with(@id, 'li-comment-')]"""
    return articles_and_comments(node)[1]


def articles_and_comments(node) -> tuple[list, list]:
    """(`post_articles`, `comment_nodes`) from one walk: a post page asks both, and a walk of the
    whole page costs more than the tests on the elements it stops at."""
    articles, comments = [], []
    for body in _bodies(node):
        for el in body.iterdescendants("article", "li"):
            if el.tag == "li":
                if _is_comment_node(el.get("class"), el.get("id")):
                    comments.append(el)
            elif (el.get("id") or "").startswith("post-") and not_in_comments(el):
                articles.append(el)
    return articles, comments


def _is_comment_node(cls: str | None, id_: str | None) -> bool:
    if cls and ("comment" in cls or "back" in cls) and class_tokens(cls) & COMMENT_NODE_CLASSES:
        return True
    return bool(id_) and id_.startswith(("comment-", "li-comment-"))


# After the post articles `articles_and_comments` finds, where the post may be instead.
ARTICLE_FALLBACKS = [
    X(f"//*[{_has_class('hentry')} and {NOT_IN_COMMENTS}]"),
    X(f"//*[{_has_class('type-post')} or {_has_class('type-page')}]"),
    X("//main"),
    X("//*[@id='content']"),
    X("//body"),
]

TITLE = [
    Find(classes=("entry-title",), outside_comments=True),
    Find(classes=("wp-block-post-title",), outside_comments=True),
    from_root(f"//*[{_has_class('entry-title')}]"),
    from_root(f"//*[{_has_class('wp-block-post-title')}]"),
]
TITLE_TAG = X("string(//title)")

PUBLISHED = [
    Find("time", ("published",), outside_comments=True, attr="datetime"),
    Find("time", ("entry-date",), outside_comments=True, attr="datetime"),
    Find(classes=("wp-block-post-date",), outside_comments=True, then="time", attr="datetime"),
    from_root(f"//*[{_has_class('wp-block-post-date')}]//time/@datetime"),
    from_root("//meta[@property='article:published_time']/@content"),
    Find(any_class=("entry-meta", "posted-on"), then="time", attr="datetime"),
]
MODIFIED = [
    # A theme that prints one <time class="published updated"> shows the publication date there.
    Find("time", ("updated",), not_class=("published",), outside_comments=True, attr="datetime"),
]
DATE_TEXT = [
    Find("time", ("entry-date",), outside_comments=True),
    Find(any_class=("posted-on", "entry-date", "entry-meta"), outside_comments=True),
    from_root(f"//*[{_has_class('wp-block-post-date')}]"),
]

PUBLISHED_ON_ROOT, MODIFIED_ON_ROOT, DATE_TEXT_ON_ROOT = on_root(PUBLISHED), on_root(MODIFIED), on_root(DATE_TEXT)

AUTHORS = [
    Find(classes=("author", "vcard"), outside_comments=True, then="a"),
    Find(classes=("byline",), outside_comments=True, then="a"),
    Find("a", rel=("author",), outside_comments=True),
    from_root(f"//*[{_has_class('wp-block-post-author-name')} or {_has_class('wp-block-post-author__name')}][{NOT_IN_COMMENTS}]"),
    Find(classes=("author", "vcard"), outside_comments=True),
]

TERM_LINKS = [
    Find("a", rel=("tag", "category"), outside_comments=True),
    from_root(f"//*[{_has_class('wp-block-post-terms')}]//a"),
]

CONTENT = [
    Find(classes=("entry-content",), outside_comments=True),
    Find(classes=("wp-block-post-content",)),
    from_root(f"//*[{_has_class('entry-content')}]"),
    from_root(f"//*[{_has_class('wp-block-post-content')}]"),
    Find(any_class=("post-content", "entry")),
]

PREVIOUS = [
    X(f"//*[{_has_class('nav-previous')} or {_has_class('post-navigation-link-previous')}]//a/@href"),
    X(f"//*[{_has_class('post-navigation')} or {_has_class('navigation')} or self::nav]//a[contains(concat(' ', @rel, ' '), ' prev ')]/@href"),
]
NEXT = [
    X(f"//*[{_has_class('nav-next')} or {_has_class('post-navigation-link-next')}]//a/@href"),
    X(f"//*[{_has_class('post-navigation')} or {_has_class('navigation')} or self::nav]//a[contains(concat(' ', @rel, ' '), ' next ')]/@href"),
]
NAV_LINKS = X("//nav//a[@href] | //*[contains(@class, 'navigation')]//a[@href]")
NEXT_TEXT = re.compile(r"^\W*(nästa|next|nyare|newer)\b", re.I)
PREV_TEXT = re.compile(r"^\W*(föregående|previous|äldre|older)\b", re.I)

COMMENT_ID = re.compile(r"^(?:li-|div-)?comment-(\d+)$")
COMMENT_CHILD_IDS = X("./*[1]/@id | ./article/@id | ./div/@id")  # where the id is when not on the <li>
HAS_LI = X("boolean(.//li)")  # a comment's own body holds no replies
COMMENT_REPLIES = X(".//ul[contains(@class, 'children')] | .//ol[contains(@class, 'children')]")
COMMENT_AUTHOR = [Find(classes=("fn",)), Find(classes=("comment-author",)),
                  Find(classes=("wp-block-comment-author-name",))]
COMMENT_DATE = [Find("time", attr="datetime"),
                Find(any_class=("comment-metadata", "comment-meta", "wp-block-comment-date"))]
COMMENT_TEXT = [Find(any_class=("comment-content", "wp-block-comment-content"))]

# A listed post's link text is its title only inside the title heading (rel=bookmark also wraps dates).
IN_TITLE = X("boolean(ancestor::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
             " or contains(@class, 'entry-title') or contains(@class, 'post-title')])")
# (the links to listed posts, the test that a link's text is the post's title; None: it always is,
# the link being inside an entry-title or wp-block-post-title).
# The first is `/html/body/descendant::*[contains(@class, 'title')][...]/descendant::a[@href]`
# reached through the class attributes: the same node-set, in a fifth less time (libxml2 tests an
# attribute's value faster than it finds the attribute of each element).
LISTED_POSTS = [
    (X(f"/html/body/descendant::*/@class[contains(., 'title')]/parent::*[{_has_class('entry-title')} or "
       f"{_has_class('wp-block-post-title')}]/descendant::a[@href]"), None),
    (X("//article//a[@rel='bookmark' and @href]"), IN_TITLE),
]

REST_POST = re.compile(r"/wp-json/wp/v2/(?:posts|pages)/(\d+)/?$")
POSTID = re.compile(r"\bpostid-(\d+)\b")
PAGEID = re.compile(r"\bpage-id-(\d+)\b")
ARTICLE_ID = re.compile(r"^post-(\d+)$")
QUERY_P = re.compile(r"[?&](?:p|page_id)=(\d+)")
POST_CLASS_TERM = re.compile(r"\b(category|tag)-([^\s]+)")
SIZE_SUFFIX = re.compile(r"-(\d+)x(\d+)(?=\.[A-Za-z0-9]+$)")
IMAGE_EXT = re.compile(r"\.(jpe?g|png|gif|webp|bmp|tiff?|svg)$", re.I)
DOCUMENT_EXT = re.compile(r"\.(pdf|docx?|pptx?|xlsx?|odt|ods|odp|rtf|txt|zip|epub)$", re.I)
DATED_PERMALINK = re.compile(r"^/\d{4}/\d{2}/(?:\d{2}/)?(?!page/)[^/]+/?$")
NON_POST_PATH = re.compile(r"^/(category|tag|author|feed|comments|wp-[a-z]+|page|search)(/|$)|/feed/?$|/trackback/?$")

LISTING_BY_BODY_CLASS = (
    ("category", "category"), ("tag", "tag"), ("author", "author"), ("date", "date"),
    ("home", "home"), ("blog", "home"), ("tax", "category"), ("archive", "date"),
)
# The first <body ...> start tag, and a skip class possibly in it (a cheap test before any parse).
BODY_START = re.compile(r"<body\b[^>]*>", re.I)
SKIP_HINT = re.compile(r"attachment|error404|search")
SKIP_BODY_CLASSES = ("error404", "search", "search-results", "search-no-results", "attachment", "single-attachment")
# Core's post_class() (and some themes' body classes) mark a post the public cannot see; a
# preview URL shows unpublished edits. Such a page is rejected, never a record.
UNPUBLISHED_STATUS = ("status-draft", "status-pending", "status-private", "status-future", "status-auto-draft")
PREVIEW_QUERY = re.compile(r"(?:^|&)(?:preview|preview_id)=")
UPLOAD_MONTH = re.compile(r"/wp-content/uploads/(\d{4})/(\d{2})/")
