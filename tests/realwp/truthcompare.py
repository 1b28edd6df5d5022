"""Field-by-field comparison of a corpus record with what WordPress itself says about the post.

Pure functions over truth.json entries and corpus records, shared by the end-to-end tests and by
the test that proves the comparison notices a wrong value.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

HOST = "projektbesok.se"


@dataclass(frozen=True)
class Mismatch:
    url: str
    field: str
    expected: object
    found: object

    def __str__(self) -> str:
        return f"{self.url}\n    {self.field}: expected {self.expected!r}\n    {' ' * len(self.field)}  found    {self.found!r}"


def squeeze(text: str | None) -> str:
    """Text without any whitespace: the same characters in the same order, however blocks are spaced."""
    return re.sub(r"\s+", "", text or "")


def record_id(post: dict) -> str:
    return f"wp:{HOST}:{post['id']}"


def expected_comments(post: dict) -> list[tuple]:
    return [(str(c["id"]), str(c["parent"]) if c["parent"] else None, c["author"], c["published"], squeeze(c["text"]))
            for c in sorted(post["comments"], key=lambda c: c["id"])]


def found_comments(record: dict) -> list[tuple]:
    out = []
    for c in record.get("comments") or []:
        parent = c.get("parent")
        out.append((str(c.get("id")), str(parent) if parent not in (None, "", 0, "0") else None, c.get("author"),
                    c.get("date") or c.get("published"), squeeze(c.get("text"))))
    return sorted(out, key=lambda c: int(c[0]) if c[0].isdigit() else c[0])


def content_originals(post: dict) -> set[str]:
    """Original uploads behind every image or document the post's content shows or links."""
    originals = set()
    for attachment in post["attachments"]:
        shown = {attachment["url"], *attachment["sizes"].values()}
        if shown & set(post["media_in_content"]):
            originals.add(attachment["url"])
    return originals


def compare_post(post: dict, record: dict | None) -> list[Mismatch]:
    """Every field a reader of the corpus relies on, against WordPress's own value."""
    url = post["url"]
    if record is None:
        return [Mismatch(url, "record", record_id(post), None)]
    checks = [
        ("kind", "post", record.get("kind")),
        ("platform", "wordpress", record.get("platform")),
        ("url", url, record.get("url")),
        ("canonical_url", url, record.get("canonical_url")),
        ("title", post["title"], record.get("title")),
        ("published", post["published"], record.get("published")),
        ("authors", post["authors"], record.get("authors")),
        ("categories", sorted(t["name"] for t in post["categories"]), sorted(record.get("categories") or [])),
        ("tags", sorted(t["name"] for t in post["tags"]), sorted(record.get("tags") or [])),
        ("comment_count", post["comment_count"], record.get("comment_count")),
        ("comments", expected_comments(post), found_comments(record)),
        ("chain.position", post["position"], (record.get("chain") or {}).get("position")),
        ("chain.previous", post["previous"], (record.get("chain") or {}).get("previous")),
        ("chain.next", post["next"], (record.get("chain") or {}).get("next")),
        ("language", "sv-SE", record.get("language")),
        ("content_text (whitespace ignored)", squeeze(post["content_text"]), squeeze(record.get("content_text"))),
    ]
    mismatches = [Mismatch(url, name, want, got) for name, want, got in checks if want != got]
    # WordPress shows no modified time in either theme: unknown (null) is honest, another date is not.
    if record.get("modified") not in (None, post["modified"]):
        mismatches.append(Mismatch(url, "modified (null allowed: no theme shows it)", post["modified"], record.get("modified")))
    media = {m.get("best") or m.get("url"): m for m in record.get("media") or []}
    for original in sorted(content_originals(post)):
        entry = media.get(original)
        if entry is None or not entry.get("captured"):
            mismatches.append(Mismatch(url, "media (original, captured)", original, entry))
    return mismatches
