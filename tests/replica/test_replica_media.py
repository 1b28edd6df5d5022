"""Images and PDFs are real files: Pillow decodes every JPEG at the size its name says, PDFs parse."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image


def test_wordpress_images_are_jpegs_of_the_size_in_their_names(http, truth):
    checked = 0
    for post in truth["wordpress"]["posts"][:25]:
        for m in post["media"]:
            if m["kind"] != "image":
                continue
            for url in [m["url"], *m["variants"]]:
                r = http.get(url)
                assert r.status_code == 200 and r.headers["Content-Type"] == "image/jpeg"
                img = Image.open(io.BytesIO(r.content))
                img.verify()
                img = Image.open(io.BytesIO(r.content))
                assert img.format == "JPEG"
                sized = re.search(r"-(\d+)x(\d+)\.jpg$", url)
                if sized:
                    assert img.size == (int(sized.group(1)), int(sized.group(2))), url
                else:
                    assert max(img.size) == 1600
                checked += 1
    assert checked >= 20


def test_variants_cover_thumbnail_medium_and_large(truth):
    image = next(m for p in truth["wordpress"]["posts"] for m in p["media"] if m["kind"] == "image")
    stem = image["url"][:-4]
    sizes = sorted(re.search(r"-(\d+x\d+)\.jpg$", v).group(1) for v in image["variants"])
    assert all(v.startswith(stem + "-") for v in image["variants"])
    assert "150x150" in sizes and len(sizes) == 3


def test_pdfs_are_valid(http, truth):
    for url in truth["wordpress"]["documents"]:
        r = http.get(url)
        assert r.status_code == 200 and r.headers["Content-Type"] == "application/pdf"
        body = r.content
        assert body.startswith(b"%PDF-1.")
        assert body.rstrip().endswith(b"%%EOF")
        startxref = int(re.search(rb"startxref\s+(\d+)", body).group(1))
        assert body[startxref:startxref + 4] == b"xref"
        assert b"/Type /Catalog" in body


def test_media_answer_conditional_requests(http, truth):
    url = truth["wordpress"]["images"][0]
    first = http.get(url)
    again = http.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = http.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    assert http.get(url).content == first.content


def test_tumblr_photos_have_the_width_their_size_names(http, truth):
    post = next(p for p in truth["tumblr"]["besokholland"]["posts"] if p["photos"])
    photo = post["photos"][0]
    assert re.fullmatch(r"http://\d+\.media\.tumblr\.com/[0-9a-f]{32}/tumblr_[0-9A-Za-z]+o1_1280\.jpg", photo["best"])
    for size, url in photo["sizes"].items():
        img = Image.open(io.BytesIO(http.get(url).content))
        assert img.format == "JPEG"
        if size == "75sq":
            assert img.size == (75, 75)
        else:
            assert img.size[0] == min(int(size), photo["width"]), (size, img.size)


def test_unknown_media_path_is_refused(http):
    r = http.get("http://25.media.tumblr.com/00000000000000000000000000000000/tumblr_nothing_500.jpg")
    assert r.status_code == 403


@pytest.mark.parametrize("size", [0, 1000, (1 << 20) + 5, 5 << 20])
def test_gzip_bomb_inflates_to_exactly_its_size_in_zeros_with_a_valid_trailer(size):
    import gzip

    from replica import media

    bomb = media.gzip_bomb(size)
    assert gzip.decompress(bomb) == bytes(size)  # checks CRC-32 and ISIZE too
    assert len(bomb) < max(200, size // 500)
