"""Save real WordPress 6.1 pages, as served to a visitor, to tests/realwp/samples/<theme>/.

Extractor and harvester rules are written against these, so they key on what WordPress core emits
rather than on the replica's markup. Rerun after changing the populate recipe:

    python3 tests/realwp/wpsite.py build && python3 tests/realwp/save_samples.py
"""
from __future__ import annotations

import json
import shutil
import sys
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from wpsite import THEMES, RealWordPress  # noqa: E402

SAMPLES = HERE / "samples"


def pick_single(truth: dict) -> dict:
    """A post that shows everything at once: image, threaded comments, categories and tags."""
    for post in truth["posts"]:
        depth = {c["id"]: 0 for c in post["comments"]}
        for c in post["comments"]:
            depth[c["id"]] = depth.get(c["parent"], -1) + 1
        images = [a for a in post["attachments"] if a["mime"].startswith("image/")]
        if images and post["tags"] and max(depth.values(), default=0) >= 2 and post["position"] > 1:
            return post
    raise SystemExit("no post has an image, tags and comments two levels deep; check populate.php")


def wanted(truth: dict) -> dict[str, str]:
    single = pick_single(truth)
    category = max(truth["listings"]["categories"], key=lambda c: c["count"])
    month = max(truth["listings"]["months"], key=lambda m: len(m["posts"]))
    return {
        "single-with-comments-and-image.html": single["url"],
        "front-page.html": truth["site"]["home"],
        "front-page-2.html": truth["site"]["home"] + "page/2/",
        f"category-{category['slug']}.html": category["url"],
        f"date-{month['month']}.html": month["url"],
        "tag.html": truth["listings"]["tags"][0]["url"],
        "author.html": truth["listings"]["authors"][0]["url"],
        "page-arkiv.html": next(p["url"] for p in truth["pages"] if p["slug"] == "arkiv"),
        "first-post.html": truth["chain"][0],
        "last-post.html": truth["chain"][-1],
        "feed.xml": truth["site"]["feed"],
        "comments-feed.xml": truth["site"]["comments_feed"],
        "wp-sitemap.xml": truth["site"]["sitemap"],
        "wp-sitemap-posts-post-1.xml": truth["site"]["home"] + "wp-sitemap-posts-post-1.xml",
        "robots.txt": truth["site"]["home"] + "robots.txt",
        "rest-post.json": f"{truth['site']['home']}wp-json/wp/v2/posts/{single['id']}",
        "shortlink.http": single["shortlink"],
        "draft-url.http": truth["hidden"][0]["url"],
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, url: str) -> tuple[int, dict, bytes]:
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def main() -> int:
    with RealWordPress() as site:
        truth = site.truth()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({"http": site.proxy_url}), _NoRedirect)
        SAMPLES.mkdir(exist_ok=True)
        (SAMPLES / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        for theme in THEMES:
            site.switch_theme(theme)
            folder = SAMPLES / theme
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            index = {}
            for name, url in wanted(truth).items():
                status, headers, body = fetch(opener, url)
                keep = {k: v for k, v in headers.items() if k.lower() in ("content-type", "location", "link", "x-redirect-by")}
                index[name] = {"url": url, "status": status, "headers": keep}
                if not name.endswith(".http"):
                    (folder / name).write_bytes(body)
                print(f"{theme}: {status} {url} -> {name}")
            (folder / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
