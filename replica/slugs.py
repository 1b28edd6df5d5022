"""Slugs the way WordPress 3.x made them (remove_accents + sanitize_title_with_dashes, 'save' context)."""
from __future__ import annotations

import re
import unicodedata

_SPECIAL = {"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "æ": "ae", "ø": "o",
            "Æ": "AE", "Ø": "O", "ß": "ss", "é": "e", "è": "e", "ü": "u", "ë": "e"}


def remove_accents(text: str) -> str:
    """Latin letters without their marks: å→a, ä→a, ö→o (WordPress's remove_accents table)."""
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ord(ch) < 128:
            out.append(ch)
        else:
            base = unicodedata.normalize("NFD", ch)[0]
            out.append(base if ord(base) < 128 else ch)
    return "".join(out)


def sanitize_title(title: str) -> str:
    """A post title as its slug: 'Läsfrämjande – dag 2' → 'lasframjande-dag-2'."""
    s = remove_accents(title).lower()
    s = re.sub(r"[\u2013\u2014\u00a0]", "-", s)
    s = re.sub(r"&.+?;", "", s)
    s = s.replace(".", "-")
    s = re.sub(r"[^%a-z0-9 _-]", "", s)
    s = re.sub(r"\s+", "-", s)
    s = re.sub(r"-+", "-", s)
    return s.strip("-")


def unique_slug(slug: str, taken: set[str]) -> str:
    """WordPress appends -2, -3, ... to a slug already in use."""
    if slug not in taken:
        taken.add(slug)
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    taken.add(f"{slug}-{n}")
    return f"{slug}-{n}"
