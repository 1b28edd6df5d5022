"""The comparison the end-to-end tests rely on notices every kind of wrong value (no server needed).

Built on samples/truth.json, WordPress's own dump of the test site: a record that says exactly what
WordPress says passes, and each single wrong field is named with what was expected and found.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from truthcompare import HOST, compare_post, content_originals, record_id

TRUTH = json.loads((Path(__file__).parent / "samples" / "truth.json").read_text(encoding="utf-8"))


def faithful_record(post: dict) -> dict:
    """A corpus record (docs/architecture.md field names) that agrees with WordPress on everything."""
    return {
        "id": record_id(post), "kind": "post", "platform": "wordpress", "url": post["url"],
        "canonical_url": post["url"], "title": post["title"], "published": post["published"], "modified": None,
        "authors": list(post["authors"]), "categories": [t["name"] for t in post["categories"]],
        "tags": [t["name"] for t in post["tags"]], "comment_count": post["comment_count"],
        "comments": [{"id": str(c["id"]), "parent": str(c["parent"]) if c["parent"] else None, "author": c["author"],
                      "date": c["published"], "text": c["text"]} for c in post["comments"]],
        "chain": {"position": post["position"], "previous": post["previous"], "next": post["next"]},
        "language": "sv-SE", "content_text": post["content_text"],
        "media": [{"url": url, "best": url, "captured": True} for url in sorted(content_originals(post))],
    }


def post_for(field: str) -> dict:
    """The first post where a wrong value in FIELD can show: edited, with media, with replies."""
    needs = {
        "modified (null allowed: no theme shows it)": lambda p: p["modified"] != p["published"],
        "media (original, captured)": lambda p: content_originals(p),
        "comments": lambda p: any(c["parent"] for c in p["comments"]),
        "tags": lambda p: p["tags"],
        "chain.position": lambda p: p["position"] > 1,
    }
    return next(p for p in TRUTH["posts"] if needs.get(field, lambda p: p["comment_count"])(p))


def test_a_record_that_agrees_with_wordpress_has_no_mismatch():
    assert all(compare_post(post, faithful_record(post)) == [] for post in TRUTH["posts"])


@pytest.mark.parametrize("field, change", [
    ("title", lambda r: r.update(title=r["title"] + "!")),
    ("published", lambda r: r.update(published=r["published"].replace("+0", "+1"))),
    ("authors", lambda r: r.update(authors=["Någon Annan"])),
    ("categories", lambda r: r["categories"].append("Okategoriserade")),
    ("tags", lambda r: r.update(tags=r["tags"][1:])),
    ("comment_count", lambda r: r.update(comment_count=r["comment_count"] + 1)),
    ("comments", lambda r: next(c for c in r["comments"] if c["parent"]).update(parent=None)),
    ("comments", lambda r: r["comments"][0].update(author="Anonym")),
    ("chain.next", lambda r: r["chain"].update(next=None)),
    ("chain.position", lambda r: r["chain"].update(position=1)),
    ("content_text (whitespace ignored)", lambda r: r.update(content_text=r["content_text"][:-5])),
    ("modified (null allowed: no theme shows it)", lambda r: r.update(modified=r["published"])),
    ("media (original, captured)", lambda r: r["media"][0].update(captured=False)),
    ("url", lambda r: r.update(url=r["url"].rstrip("/"))),
    ("language", lambda r: r.update(language="en-US")),
])
def test_one_wrong_field_is_reported_with_expected_and_found(field, change):
    post = post_for(field)
    record = faithful_record(post)
    change(record)
    mismatches = compare_post(post, record)
    assert [m.field for m in mismatches] == [field]
    assert mismatches[0].url == post["url"] and mismatches[0].expected != mismatches[0].found


def test_a_missing_record_is_reported():
    post = TRUTH["posts"][0]
    assert [m.field for m in compare_post(post, None)] == ["record"]


def test_the_sample_truth_describes_the_published_site():
    assert TRUTH["site"]["home"] == f"http://{HOST}/"
    assert len(TRUTH["posts"]) == len(TRUTH["chain"]) == 50
    assert [p["position"] for p in TRUTH["posts"]] == list(range(1, 51))
    assert {h["status"] for h in TRUTH["hidden"]} == {"draft", "private", "future", "pending"}
