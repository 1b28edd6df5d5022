"""Rules that name their elements by tag, class tokens and rel words, and an index that answers
them for one scope (an article, a comment) from a single walk.

Each `Find` is an XPath (`Find.xpath`, what calling it runs) and the same question put to a
`ScopeIndex`. A post page asks a dozen such rules of its article; as XPath that is a dozen scans of
the article, through the index one walk (and a second, for document order, only when one rule
finds several of its classes). The answers are the same, element for element and string for
string (tests compare the two on real and random pages).
"""
from __future__ import annotations

import re

from lxml import etree

_XML_SPACE = re.compile(r"[ \t\r\n]+")
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")  # what a rule may name: one class token, tag or attribute
COMMENT_AREA_CLASSES = frozenset(("comment", "comments-area", "comment-list", "wp-block-comments"))


def has_class(name: str) -> str:
    """The XPath class token test; the cheap substring test first lets XPath skip most elements."""
    return f"(contains(@class, '{name}') and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"


NOT_IN_COMMENTS = (f"not(ancestor::*[{has_class('comment')} or {has_class('comments-area')} "
                   f"or {has_class('comment-list')} or @id='comments' or {has_class('wp-block-comments')}])")


def _tokens(value: str) -> list[str] | set[str]:
    """The distinct tokens of a non-empty class attribute as XPath's normalize-space splits it (XML
    whitespace only); a list when there is just one, sparing a set."""
    if value.isascii() and value.isprintable():  # the only whitespace left is the space
        tokens = value.split()
        return tokens if len(tokens) < 2 else set(tokens)
    return set(_XML_SPACE.split(value.strip(" \t\r\n")))


def class_tokens(value: str | None) -> set[str]:
    """The tokens of a class attribute, as a set."""
    if not value:
        return set()
    tokens = _tokens(value)
    return tokens if isinstance(tokens, set) else set(tokens)


def _comment_area(el) -> bool:
    """Whether `el` is a comment or the comment area (the test NOT_IN_COMMENTS puts to each ancestor)."""
    cls = el.get("class")
    return el.get("id") == "comments" or bool(cls and "comment" in cls and class_tokens(cls) & COMMENT_AREA_CLASSES)


def not_in_comments(el) -> bool:
    """NOT_IN_COMMENTS: no ancestor is a comment or the comment area."""
    return not any(_comment_area(anc) for anc in el.iterancestors())


class ScopeIndex:
    """The elements below `scope` (not itself) by class token, in document order; walked when a
    rule first asks (a fallback scope may never be asked)."""

    __slots__ = ("scope", "_by_class", "_scope_clear", "_position")

    def __init__(self, scope):
        self.scope = scope
        self._by_class: dict[str, list] | None = None
        self._scope_clear: bool | None = None
        self._position: dict | None = None

    def by_class(self) -> dict[str, list]:
        if self._by_class is not None:
            return self._by_class
        by_class: dict[str, list] = {}
        for el in self.scope.iterdescendants(etree.Element):
            cls = el.get("class")
            if not cls:
                continue
            for token in _tokens(cls):
                found = by_class.get(token)
                if found is None:
                    by_class[token] = [el]
                else:
                    found.append(el)
        self._by_class = by_class
        return by_class

    def in_order(self, lists: list[list]) -> list:
        """The elements of several token lists, each once, in document order."""
        if self._position is None:
            self._position = {el: i for i, el in enumerate(self.scope.iterdescendants(etree.Element))}
        return sorted(dict.fromkeys(el for found in lists for el in found), key=self._position.__getitem__)

    def not_in_comments(self, el) -> bool:
        """`not_in_comments(el)` for an element below the scope: the ancestors from the scope up
        are the same for every element, so they are looked at once."""
        for anc in el.iterancestors():
            if anc is self.scope:
                if self._scope_clear is None:
                    self._scope_clear = not _comment_area(anc) and not_in_comments(anc)
                return self._scope_clear
            if _comment_area(anc):
                return False
        return not_in_comments(el)


class Find:
    """`.//TAG[every class of `classes`, one of `any_class`, none of `not_class`, a rel word of
    `rel`, outside the comments]`, then `//THEN` below each, then `/@ATTR`; every part optional."""

    __slots__ = ("tag", "classes", "any_class", "not_class", "rel", "outside_comments", "then", "attr",
                 "xpath", "_compiled", "_need_tokens")

    def __init__(self, tag: str = "*", classes: tuple[str, ...] = (), any_class: tuple[str, ...] = (),
                 not_class: tuple[str, ...] = (), rel: tuple[str, ...] = (), outside_comments: bool = False,
                 then: str | None = None, attr: str | None = None):
        self.tag, self.classes, self.any_class, self.not_class = tag, tuple(classes), tuple(any_class), tuple(not_class)
        self.rel, self.outside_comments, self.then, self.attr = tuple(rel), outside_comments, then, attr
        names = [*self.classes, *self.any_class, *self.not_class, *self.rel, then or "x", attr or "x"]
        if not all(_NAME.match(n) for n in names) or not (tag == "*" or _NAME.match(tag)):
            # a name with spaces, quotes or XPath in it would make the XPath ask something else
            raise ValueError(f"a Find rule names single lower-case tokens, tags and attributes: {names + [tag]}")
        self._need_tokens = len(self.classes) > 1 or bool(self.classes and self.any_class) or bool(self.not_class)
        tests = [has_class(c) for c in self.classes]
        if self.any_class:
            tests.append("(" + " or ".join(has_class(c) for c in self.any_class) + ")")
        tests += [f"not({has_class(c)})" for c in self.not_class]
        if self.rel:
            tests.append("(" + " or ".join(f"contains(concat(' ', @rel, ' '), ' {r} ')" for r in self.rel) + ")")
        if outside_comments:
            tests.append(NOT_IN_COMMENTS)
        path = f".//{tag}" + (f"[{' and '.join(tests)}]" if tests else "")
        if then:
            path += f"//{then}"
        if attr:
            path += f"/@{attr}"
        self.xpath = path
        self._compiled = etree.XPath(path)

    def __repr__(self) -> str:
        return f"Find({self.xpath!r})"

    def __call__(self, node) -> list:
        return self._compiled(node)

    def select(self, index: ScopeIndex) -> list:
        """What calling the rule on `index.scope` gives (attribute values as plain strings)."""
        found = self._candidates(index)
        if self.then:
            found = self._below(found)
        if self.attr:
            attr = self.attr
            return [v for el in found if (v := el.get(attr)) is not None]
        return found

    def _candidates(self, index: ScopeIndex) -> list:
        if self.classes:
            entries = index.by_class().get(self.classes[0], ())
        elif self.any_class:
            by_class = index.by_class()
            lists = [found for name in self.any_class if (found := by_class.get(name))]
            entries = index.in_order(lists) if len(lists) > 1 else lists[0] if lists else ()
        else:  # by tag alone: lxml's tag filter finds those
            entries = index.scope.iterdescendants(etree.Element if self.tag == "*" else self.tag)
        out = []
        for el in entries:
            if self.tag != "*" and el.tag != self.tag:
                continue
            if self._need_tokens:
                tokens = class_tokens(el.get("class"))
                if not tokens.issuperset(self.classes) or (self.any_class and tokens.isdisjoint(self.any_class)) \
                        or not tokens.isdisjoint(self.not_class):
                    continue
            if self.rel:
                words = f" {el.get('rel') or ''} "
                if not any(f" {r} " in words for r in self.rel):
                    continue
            if self.outside_comments and not index.not_in_comments(el):
                continue
            out.append(el)
        return out

    def _below(self, found: list) -> list:
        """`//THEN` below each element, in document order, each once (the elements are in
        document order, so a match inside an earlier one only repeats what that one gave)."""
        out: list = []
        seen: set = set()
        for el in found:
            for d in el.iterdescendants(self.then):
                if d not in seen:
                    seen.add(d)
                    out.append(d)
        return out


def ask(rule, node, index: ScopeIndex | None):
    """`rule(node)`, from `index` when it is the index of `node` and the rule can use it."""
    if index is not None and type(rule) is Find and index.scope is node:
        return rule.select(index)
    return rule(node)
