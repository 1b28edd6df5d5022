"""Pure functions: a decoded WordPress page, feed or sitemap plus its URL in, what it means out.

No I/O and no knowledge of WARC files beyond the `Capture` they are handed, so every rule can be
tested on a string.
"""
from __future__ import annotations

import json
import re
from copy import deepcopy
from datetime import datetime
from functools import lru_cache
from urllib.parse import SplitResult, urldefrag, urlsplit, unquote

from lxml import etree, html as lxml_html

from transform.clean import absolutize, clean_fragment, inline_text, norm_text, text_of, texts_of
from transform.dates import iso, rfc822, text_date
from transform.extracted import Extracted, FeedItem, RestItem
from transform.platforms.wordpress import rules as R
from transform.platforms.wordpress.find import ScopeIndex, ask
from transform.records import Capture, Chain, Comment, Link, Listing, MediaRef, Post

XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)
# lxml.html's own element lookup is Python code run for every element a rule touches; lxml's
# default lookup, in C, gives the same HtmlElement classes (bar the form-control subclasses,
# which no rule uses, forms being dropped). No rule looks elements up by id() either, so the
# parser does not build the id table (a tenth of the parse).
def _html_parser(**options) -> lxml_html.HTMLParser:
    parser = lxml_html.HTMLParser(collect_ids=False, **options)
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
        element=lxml_html.HtmlElement, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction,
        entity=lxml_html.HtmlEntity))
    return parser


HTML_PARSER = _html_parser()
# Text is decoded before it is parsed, so the parser is told UTF-8 and never guesses from a <meta>.
UTF8_PARSER = _html_parser(encoding="utf-8")


def parse_html(text: str, utf8: bytes | None = None):
    """An lxml tree for `text`, or None when there is nothing to parse. `utf8`: the text's UTF-8
    bytes, when the caller has them (parsed as they are: the same tree, a little sooner)."""
    if not text.strip():
        return None
    try:
        if utf8 is not None:
            return lxml_html.document_fromstring(utf8, parser=UTF8_PARSER)
        return lxml_html.document_fromstring(text, parser=HTML_PARSER)
    except (etree.ParserError, ValueError):
        try:
            return lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=UTF8_PARSER)
        except (etree.ParserError, ValueError):
            return None


def _first(node, rules, want_str: bool = True, index: ScopeIndex | None = None):
    """The first answer of the first rule that has one: a non-blank string, or an element (with
    `want_str`, only one with text). `index`: a `ScopeIndex` of `node`, for the rules that use one."""
    return _first_with_text(node, rules, want_str, index)[0]


def _first_with_text(node, rules, want_str: bool = True, index: ScopeIndex | None = None):
    """`_first` and, for a string or (with `want_str`) an element, its text, computed once."""
    for rule in rules:
        found = ask(rule, node, index)
        if isinstance(found, list):
            for value in found:
                if isinstance(value, str):
                    if value.strip():
                        return value.strip(), value.strip()
                elif not want_str:
                    return value, None
                else:
                    text = inline_text(value)
                    if text:
                        return value, text
        elif isinstance(found, str) and found.strip():
            return found.strip(), found.strip()
    return None, None


def head_index(root) -> dict[str, str]:
    """Each `<link rel>` token and `<meta name|property>` of the head, first one winning:
    one short walk instead of a document scan per fact."""
    found: dict[str, str] = {}
    for el in R.HEAD(root):
        if el.tag == "link":
            value = el.get("href", "").strip()
            keys = el.get("rel", "").lower().split()
        else:
            value = el.get("content", "").strip()
            keys = [(el.get("name") or el.get("property") or "").strip().lower()]
        for key in keys:
            if value and key not in found:
                found[key] = value
    return found


# Pure functions of one URL, asked again for the links every listing and post repeats (bounded).
URL_CACHE = 1 << 14


@lru_cache(maxsize=URL_CACHE)
def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@lru_cache(maxsize=URL_CACHE)
def canonical(url: str | None) -> str | None:
    """A URL as the corpus names it: absolute, fragment dropped."""
    if not url:
        return None
    return urldefrag(url.strip())[0] or None


def _slug(url: str) -> str | None:
    path = re.sub(r"/page/\d+/?$", "", urlsplit(url).path).rstrip("/")
    seg = path.rsplit("/", 1)[-1] if path else ""
    return unquote(seg) or None


def post_id_of(body_class: str, root, shortlink: str | None) -> tuple[int | None, str]:
    m = R.POSTID.search(body_class) or R.PAGEID.search(body_class)
    if m:
        return int(m.group(1)), "body_class"
    if shortlink:
        m = R.QUERY_P.search(shortlink)
        if m:
            return int(m.group(1)), "shortlink"
    articles = root.xpath("//article[starts-with(@id, 'post-')]/@id")
    if len(articles) == 1:
        m = R.ARTICLE_ID.match(articles[0])
        if m:
            return int(m.group(1)), "article_id"
    return None, "none"


def skip_by_body_class(classes: set[str]) -> str | None:
    """Why a page whose body has these classes is no content (attachment, 404, search), or None."""
    for name in R.SKIP_BODY_CLASSES:
        if name in classes:
            return name
    if any(c.startswith("attachmentid-") for c in classes):
        return "attachment"
    return None


def skipped_before_parse(text: str) -> str | None:
    """The skip reason of a page that its `<body>` start tag alone rules out, found by parsing
    the document only up to that tag; None when it may be content or the tag is not plain (the
    whole parse decides). The prefix is parsed as the whole is, and the body's classes are fixed
    by the tag that opens it, so the answer is the one the whole parse would give; an attachment
    page, a third of a WordPress crawl, then costs a tenth of its parse."""
    tag = R.BODY_START.search(text)
    if tag is None or not R.SKIP_HINT.search(tag.group(0)):
        return None
    root = parse_html(text[:tag.end()])
    if root is None:
        return None
    return skip_by_body_class(set(R.body_class(root).split()))


def page_role(body_class: str, root) -> tuple[str, str | None]:
    """(`post` | `page` | `listing` | `skip`, listing type or skip reason)."""
    classes = set(body_class.split())
    skip = skip_by_body_class(classes)
    if skip:
        return "skip", skip
    if ("single" in classes or "single-post" in classes) and R.POSTID.search(body_class):
        return "post", None
    if "page" in classes and R.PAGEID.search(body_class):
        return "page", None
    for cls, kind in R.LISTING_BY_BODY_CLASS:
        if cls in classes:
            return "listing", kind
    if not classes:
        articles = root.xpath("//article[starts-with(@id, 'post-')]")
        if len(articles) == 1 and root.xpath("string(//link[@rel='shortlink']/@href)"):
            return "post", None
        if len(articles) > 1:
            return "listing", "home"
    return "skip", "no_wordpress_role"


def looks_like_post(url: str, host: str, parts: SplitResult | None = None) -> bool | None:
    """True for dated permalinks and ?p=N, None (maybe) for other same-site paths, False otherwise.
    `parts`: `urlsplit(url)`, when the caller has it."""
    parts = parts or urlsplit(url)
    if (parts.hostname or "").lower() != host:
        return False
    path = parts.path or "/"
    if R.NON_POST_PATH.search(path) or "wp-content" in path or R.IMAGE_EXT.search(path) or R.DOCUMENT_EXT.search(path):
        return False
    if parts.query:
        return bool(re.match(r"^p=\d+$", parts.query))
    if R.DATED_PERMALINK.match(path):
        return True
    if path.strip("/") and "/" not in path.strip("/"):
        return None
    return False


def _ask_on_page(rule, article, root, index: ScopeIndex, root_index: ScopeIndex) -> list:
    """The rule's answer in the article, else in the whole page, unless that is the same question
    (the article is the page, or the rule selects from the document root: `R.ask_root_too`)."""
    found = ask(rule, article, index)
    if found or article is root or not R.ask_root_too(rule):
        return found
    return ask(rule, root, root_index)


def _first_on_page(article, root, rules: list, rules_on_root: list, want_str: bool, index: ScopeIndex,
                   root_index: ScopeIndex):
    """`_first` of the article, else of the whole page by `rules_on_root` (`R.on_root(rules)`)."""
    found = _first(article, rules, want_str, index)
    if found is None and article is not root:
        found = _first(root, rules_on_root, want_str, root_index)
    return found


def _terms(article, root, host: str, index: ScopeIndex | None = None,
           root_index: ScopeIndex | None = None) -> tuple[list[str], list[str], list[str]]:
    cats: list[str] = []
    tags: list[str] = []
    warnings: list[str] = []
    links = []
    for rule in R.TERM_LINKS:
        links = _ask_on_page(rule, article, root, index, root_index)
        if links:
            break
    for a in links:
        name = inline_text(a)
        if not name:
            continue
        rel = f" {a.get('rel', '')} "
        href = a.get("href", "")
        is_cat = " category " in rel or "/category/" in href or "cat=" in href or _in_category_box(a)
        target = cats if is_cat else tags
        if name not in target:
            target.append(name)
    if not cats and not tags:
        classes = article.get("class", "") if article is not None else ""
        for kind, slug in R.POST_CLASS_TERM.findall(classes):
            (cats if kind == "category" else tags).append(unquote(slug))
        if cats or tags:
            warnings.append("categories/tags taken from post classes (slugs, not names)")
    return cats, tags, warnings


def _in_category_box(a) -> bool:
    """Whether a term link sits in a theme's category box (its classes tell when rel does not)."""
    container = " ".join(anc.get("class", "") for anc in a.iterancestors())
    return "taxonomy-category" in container or "cat-links" in container


def _nav(root, head_value: str | None, rules, text_rx) -> str | None:
    value = head_value or _first(root, rules)
    if value:
        return value
    for a in R.NAV_LINKS(root):
        if text_rx.search(inline_text(a)):
            return a.get("href")
    return None


def _comments(nodes: list) -> tuple[list[Comment], list[str]]:
    """The comments of a page from its comment nodes (`R.comment_nodes`)."""
    out: list[Comment] = []
    warnings: list[str] = []
    node_ids = {}
    for li in nodes:
        cid = _comment_id(li)
        if cid is None:
            continue
        node_ids[li] = cid
    for li, cid in node_ids.items():
        parent = None
        for anc in li.iterancestors("li"):
            if anc in node_ids:
                parent = node_ids[anc]
                break
        body = _own_body(li)
        index = ScopeIndex(body)
        _, author_text = _first_with_text(body, R.COMMENT_AUTHOR, index=index)
        date_raw, date_text = _first_with_text(body, R.COMMENT_DATE, index=index)
        date = None
        if isinstance(date_raw, str):
            date = iso(date_raw)
        elif date_raw is not None:
            date = text_date(date_text)
        text_el = _first(body, R.COMMENT_TEXT, want_str=False, index=index)
        text = text_of(text_el) if text_el is not None else text_of(body)
        if author_text is None:
            warnings.append(f"comment {cid} has no author")
        out.append(Comment(id=cid, parent=parent, author=author_text or None, date=date, text=text))
    return out, warnings


def _comment_id(li) -> str | None:
    """The comment number in the id of the <li>, else of its first child, article or div."""
    m = R.COMMENT_ID.match(li.get("id", ""))
    if m is None:
        m = next(filter(None, (R.COMMENT_ID.match(cand or "") for cand in R.COMMENT_CHILD_IDS(li))), None)
    return m.group(1) if m else None


def _own_body(li):
    """The part of a comment <li> that is its own, without its nested replies."""
    for child in li:
        if isinstance(child.tag, str) and child.tag in ("article", "div") and not R.HAS_LI(child):
            return child
    copy = deepcopy(li)
    for child in R.COMMENT_REPLIES(copy):
        child.drop_tree()
    return copy


class Anchor:
    """An `<a>` of the content with its absolute URL, fragment dropped (None without one), that
    URL split and the link's text: asked by the media, link and named-post lists alike, so each
    is worked out once (the split and the text when first asked)."""

    __slots__ = ("el", "href", "_parts", "_text")

    def __init__(self, el, href: str | None):
        self.el, self.href, self._parts, self._text = el, href, None, None

    @property
    def parts(self) -> SplitResult:
        if self._parts is None:
            self._parts = urlsplit(self.href)
        return self._parts

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = inline_text(self.el)
        return self._text


def _anchors(content, base: str) -> list[Anchor]:
    """The content's `Anchor`s, in document order."""
    if content is None:
        return []
    return [Anchor(a, canonical(absolutize(a.get("href"), base))) for a in content.iter("a")]


def _media(content, base: str, published: str | None, anchors: list[Anchor]) -> list[MediaRef]:
    if content is None:
        return []
    found: dict[str, MediaRef] = {}
    order: list[str] = []
    for img in content.iter("img"):
        src = absolutize(img.get("src"), base)
        if not src:
            continue
        variants = {src}
        for cand in (img.get("srcset") or "").split(","):
            bits = cand.strip().split()
            if bits:
                u = absolutize(bits[0], base)
                if u:
                    variants.add(u)
        original = absolutize(img.get("data-orig-file"), base)
        parent = img.getparent()
        if original is None and parent is not None and parent.tag == "a":
            href = absolutize(parent.get("href"), base)
            if href and R.IMAGE_EXT.search(urlsplit(href).path):
                original = href
        if original is None:
            original = R.SIZE_SUFFIX.sub("", src)
        variants.add(original)
        ref = found.get(original)
        if ref is None:
            ref = MediaRef(url=original, kind="image", role="embedded", variants=[], best=original,
                           mime=_mime_from(original))
            found[original] = ref
            order.append(original)
        ref.variants = sorted(set(ref.variants) | variants)
    for anchor in anchors:
        href = anchor.href
        if not href:
            continue
        path = anchor.parts.path
        if R.DOCUMENT_EXT.search(path) or ("/wp-content/uploads/" in path and not R.IMAGE_EXT.search(path)):
            if href not in found:
                month = R.UPLOAD_MONTH.search(path)
                attached = bool(month and published and published[:7] == f"{month.group(1)}-{month.group(2)}")
                found[href] = MediaRef(url=href, kind="document", role="attached" if attached else "linked",
                                       variants=[href], best=href, mime=_mime_from(href))
                order.append(href)
    return [found[u] for u in order]


_MIMES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
          "webp": "image/webp", "svg": "image/svg+xml", "pdf": "application/pdf",
          "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def _mime_from(url: str) -> str | None:
    ext = urlsplit(url).path.rsplit(".", 1)[-1].lower() if "." in urlsplit(url).path else ""
    return _MIMES.get(ext)


def _links(anchors: list[Anchor], host: str) -> list[Link]:
    out: list[Link] = []
    seen = set()
    for anchor in anchors:
        href = anchor.href
        if not href or not href.startswith(("http://", "https://")) or href in seen:
            continue
        seen.add(href)
        scope = "internal" if (anchor.parts.hostname or "").lower() == host else "external"
        out.append(Link(url=href, text=anchor.text, scope=scope))
    return out


def unpublished(url: str, body_class: str, article) -> str | None:
    """Why this page shows a post the public cannot see (a draft, pending, private or scheduled
    post, or a preview), or None; such a page must never become a record."""
    query = urlsplit(url).query
    if query and R.PREVIEW_QUERY.search(query):
        return f"a preview URL (?{query})"
    classes = set(body_class.split()) | set((article.get("class") or "").split())
    for status in R.UNPUBLISHED_STATUS:
        if status in classes:
            return f"the post is marked {status}"
    return None


def text_and_teaser(content) -> tuple[str, str | None]:
    """The content's text, and the text before WordPress's more marker, the part the author chose
    to show in listings: the post's own excerpt, whole (the feed's is cut at 55 words); None
    without a marker."""
    if content is None:
        return "", None
    marker = R.more_marker(content)
    whole, before = texts_of(content, marker)
    return whole, (before or None) if marker is not None else None


def _title(article, root, head: dict[str, str], index: ScopeIndex | None = None) -> str | None:
    el = _first(article, R.TITLE, want_str=False, index=index)
    if el is not None and not isinstance(el, str):
        return inline_text(el) or None
    for value in (head.get(R.META_TITLE, ""), R.TITLE_TAG(root).strip()):
        if value:
            return re.split(r"\s+[|–—-]\s+", value)[0].strip() or None
    return None


def extract_page(text: str, url: str, capture: Capture, tree=None) -> Extracted:
    """Everything a WordPress HTML page says: a post or page record, or a listing, or why neither."""
    root = tree if tree is not None else parse_html(text)
    if root is None:
        return Extracted(skip="empty_html")
    host = _host(url)
    body_class = R.body_class(root)
    role, detail = page_role(body_class, root)
    if role == "skip":
        return Extracted(skip=f"wordpress_{detail}")
    if role == "listing":
        return _listing(root, url, host, capture, detail)
    warnings: list[str] = []
    articles, comment_nodes = R.articles_and_comments(root)
    article = articles[0] if articles else _first(root, R.ARTICLE_FALLBACKS, want_str=False)
    if article is None or isinstance(article, str):
        article = root
    why = unpublished(url, body_class, article)
    if why:
        return Extracted(skip="unpublished", warnings=[f"not published: {why}"])
    head = head_index(root)
    shortlink = canonical(absolutize(head.get(R.SHORTLINK_REL) or R.SHORTLINK(root), url))
    canon = canonical(absolutize(head.get(R.CANONICAL_REL) or R.CANONICAL(root), url))
    post_id, id_source = post_id_of(body_class, root, shortlink)
    record_url = canon or canonical(url) or url
    if post_id is None:
        warnings.append("no WordPress post id found (body class, shortlink, article id); id derived from the URL")
    if id_source != "body_class" and post_id is not None:
        warnings.append(f"post id taken from {id_source}")
    # The rules below ask the article, and the whole page where it has no answer: one walk over
    # each answers the rules that name classes.
    index = ScopeIndex(article)
    root_index = ScopeIndex(root) if article is not root else index
    title = _title(article, root, head, index)
    if not title:
        warnings.append("no title found")
    published = iso(_first_on_page(article, root, R.PUBLISHED, R.PUBLISHED_ON_ROOT, True, index, root_index))
    if published is None:
        el = _first_on_page(article, root, R.DATE_TEXT, R.DATE_TEXT_ON_ROOT, False, index, root_index)
        day = text_date(inline_text(el)) if el is not None and not isinstance(el, str) else None
        if day:
            published = day
            warnings.append("published date read from the page text (no <time datetime>); no time of day")
        elif role == "post":
            warnings.append("no published date found on the page")
    modified = iso(_first_on_page(article, root, R.MODIFIED, R.MODIFIED_ON_ROOT, True, index, root_index)
                   or head.get(R.META_MODIFIED))
    authors = []
    for rule in R.AUTHORS:
        for el in _ask_on_page(rule, article, root, index, root_index):
            name = inline_text(el)
            if name and name not in authors:
                authors.append(name)
        if authors:
            break
    if not authors and head.get(R.META_AUTHOR):
        authors = [head[R.META_AUTHOR]]
    if not authors and role == "post":
        warnings.append("no author found")
    cats, tags, term_warnings = _terms(article, root, host, index, root_index) if role == "post" else ([], [], [])
    warnings.extend(term_warnings)
    content = _first(article, R.CONTENT, want_str=False, index=index)
    if content is None or isinstance(content, str):
        content = None
        warnings.append("no entry content found")
    content_text, teaser = text_and_teaser(content)
    anchors = _anchors(content, url)
    media = _media(content, url, published, anchors)
    links = _links(anchors, host)
    names, maybe, titles = _named_posts(anchors, host) if role == "page" else ([], [], {})
    comments, comment_warnings = _comments(comment_nodes) if role == "post" else ([], [])
    warnings.extend(comment_warnings)
    excerpt = teaser or next((head[k] for k in R.META_DESCRIPTION if head.get(k)), None)
    lang = R.html_lang(root).strip() or None
    previous = next_ = None
    if role == "post":
        previous = canonical(absolutize(_nav(root, head.get(R.PREV_REL), R.PREVIOUS, R.PREV_TEXT), url))
        next_ = canonical(absolutize(_nav(root, head.get(R.NEXT_REL), R.NEXT, R.NEXT_TEXT), url))
    # Last use of the tree: cleaned in place, which spares a copy of the largest pages.
    content_html, clean_warnings = clean_fragment(content, url, in_place=True)
    warnings.extend(clean_warnings)
    pid_part = str(post_id) if post_id is not None else "url:" + record_url
    post = Post(
        id=f"wp:{host}:{pid_part}",
        kind=role,
        platform="wordpress",
        site=host,
        post_id=str(post_id) if post_id is not None else None,
        url=record_url,
        canonical_url=canon,
        shortlink=shortlink,
        title=title,
        published=published,
        modified=modified,
        authors=authors,
        categories=cats,
        tags=tags,
        language=lang,
        content_html=content_html,
        content_text=content_text,
        excerpt=norm_text(excerpt) or None,
        comments=comments,
        comment_count=len(comments),
        media=media,
        links=links,
        chain=Chain(previous=previous, next=next_),
        capture=capture,
        slug=_slug(record_url),
        warnings=warnings,
    )
    result = Extracted(post=post)
    if role == "page":
        if names or maybe:
            slug = post.slug or str(post_id)
            result.listing = Listing(kind="listing", url=record_url, site=host, listing_type=f"page:{slug}",
                                     names=names, total=None, capture=capture, titles=titles)
            result.maybe_names = maybe
    return result


def _named_posts(anchors: list[Anchor], host: str) -> tuple[list[str], list[str], dict[str, str]]:
    """The post links of a page's content (its `_anchors`), the links that may be posts, and the
    text each shows (an Arkiv-like page shows each post by its title)."""
    names: dict[str, None] = {}
    maybe: dict[str, None] = {}
    titles: dict[str, str] = {}
    for anchor in anchors:
        href = anchor.href
        if not href:
            continue
        verdict = looks_like_post(href, host, anchor.parts)
        if verdict:
            names.setdefault(href, None)
        elif verdict is None:
            maybe.setdefault(href, None)
        else:
            continue
        if href not in titles:
            text = anchor.text
            if text:
                titles[href] = text
    return list(names), list(maybe), titles


def _listing(root, url: str, host: str, capture: Capture, listing_type: str) -> Extracted:
    found: dict[str, None] = {}
    titles: dict[str, str] = {}
    for rule, in_title in R.LISTED_POSTS:
        for a in rule(root):
            u = canonical(absolutize(a.get("href"), url))
            if u and _host(u) == host:
                found.setdefault(u, None)
                text = inline_text(a) if u not in titles and (in_title is None or in_title(a)) else ""
                if text:
                    titles[u] = text
        if found:
            break
    names = list(found)
    listing = Listing(kind="listing", url=canonical(url) or url, site=host, listing_type=listing_type,
                      names=names, total=None, capture=capture, titles=titles)
    if not names:
        listing.warnings.append("listing names no posts")
    return Extracted(listing=listing)


def _xml_root(body: bytes):
    try:
        return etree.fromstring(body, XML_PARSER)
    except (etree.XMLSyntaxError, ValueError):
        return None


NS = {"dc": "http://purl.org/dc/elements/1.1/", "content": "http://purl.org/rss/1.0/modules/content/",
      "slash": "http://purl.org/rss/1.0/modules/slash/", "wfw": "http://wellformedness.com/wfw/"}


def extract_feed(body: bytes, url: str, capture: Capture) -> Extracted:
    """A WordPress RSS 2.0 feed: a `feed` listing and one FeedItem per post it names."""
    root = _xml_root(body)
    if root is None:
        return Extracted(skip="unparseable_feed")
    host = _host(url)
    items = root.findall("./channel/item")
    comments_feed = False
    channel_title = (root.findtext("./channel/title") or "").strip().lower()
    if channel_title.startswith(("kommentarer", "comments")):
        comments_feed = True
    names: list[str] = []
    feed_items: list[FeedItem] = []
    for item in items:
        link = canonical(absolutize((item.findtext("link") or "").strip(), url))
        if not link:
            continue
        if "#comment-" in (item.findtext("link") or ""):
            comments_feed = True
        if link not in names:
            names.append(link)
        guid = item.findtext("guid") or ""
        m = R.QUERY_P.search(guid)
        slash = item.findtext("slash:comments", namespaces=NS)
        feed_items.append(FeedItem(
            url=link,
            post_id=int(m.group(1)) if m else None,
            title=norm_text(item.findtext("title")) or None,
            published=rfc822(item.findtext("pubDate")),
            authors=[c.text.strip() for c in item.findall("dc:creator", NS) if c.text and c.text.strip()],
            categories=[c.text.strip() for c in item.findall("category") if c.text and c.text.strip()],
            comment_count=int(slash) if slash and slash.strip().isdigit() else None,
            excerpt=norm_text(item.findtext("description")) or None,
        ))
    titles: dict[str, str] = {}
    for fi in [] if comments_feed else feed_items:
        if fi.title and fi.url not in titles:
            titles[fi.url] = fi.title
    listing = Listing(kind="listing", url=canonical(url) or url, site=host, listing_type="feed",
                      names=names, total=None, capture=capture, titles=titles)
    return Extracted(listing=listing, feed_items=[] if comments_feed else feed_items)


def extract_sitemap(body: bytes, url: str, capture: Capture) -> Extracted:
    root = _xml_root(body)
    if root is None:
        return Extracted(skip="unparseable_sitemap")
    host = _host(url)
    locs = [t.strip() for t in root.xpath("//*[local-name()='url']/*[local-name()='loc']/text()")]
    found: dict[str, None] = {}
    maybe: list[str] = []
    for loc in locs:
        verdict = looks_like_post(loc, host)
        if verdict:
            found.setdefault(loc, None)
        elif verdict is None:
            maybe.append(loc)
    names = list(found)
    listing = Listing(kind="listing", url=canonical(url) or url, site=host, listing_type="sitemap",
                      names=names, total=None, capture=capture)
    return Extracted(listing=listing, maybe_names=maybe)


def _with_offset(local: str | None, gmt: str | None) -> str | None:
    """REST API times come as local and GMT wall clocks; their difference is the site's offset."""
    try:
        lt, gt = datetime.fromisoformat(local or ""), datetime.fromisoformat(gmt or "")
    except ValueError:
        return None
    minutes = round((lt - gt).total_seconds() / 60)
    if minutes % 15 or abs(minutes) > 14 * 60:
        return None
    sign = "+" if minutes >= 0 else "-"
    return lt.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def extract_rest_post(body: bytes, url: str) -> Extracted:
    """`/wp-json/wp/v2/posts/N` (or `/pages/N`): the post's dates, above all its modified date."""
    m = R.REST_POST.search(urlsplit(url).path)
    try:
        data = json.loads(body)
    except ValueError:
        return Extracted(skip="unparseable_rest_post")
    if m is None or not isinstance(data, dict) or str(data.get("id")) != m.group(1):
        return Extracted(skip="not_content.wp_rest_api")
    item = RestItem(site=_host(url), post_id=m.group(1), url=canonical(data.get("link")),
                    published=_with_offset(data.get("date"), data.get("date_gmt")),
                    modified=_with_offset(data.get("modified"), data.get("modified_gmt")))
    return Extracted(rest=item)
