"""The small CSS-selector subset the harvester understands, compiled to XPath.

One compiler for both places that need it: the config validates `wordpress.nav_selectors` with it,
so a selector the crawl could not use is refused before the crawl starts.
"""
from __future__ import annotations

import re

_SIMPLE = re.compile(r"([a-zA-Z][a-zA-Z0-9]*)?(?:([.#])([A-Za-z0-9_-]+))?")


def selector_xpath(selector: str) -> str:
    """`tag`, `.class`, `#id` or `tag.class` as XPath (enough for navigation containers); ValueError otherwise."""
    m = _SIMPLE.fullmatch(selector.strip())
    if not m or not (m.group(1) or m.group(3)):
        raise ValueError(f"unsupported selector {selector!r}: use tag, .class, #id or tag.class")
    tag = m.group(1) or "*"
    if m.group(2) == ".":
        return f"//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {m.group(3)} ')]"
    if m.group(2) == "#":
        return f"//{tag}[@id='{m.group(3)}']"
    return f"//{tag}"
