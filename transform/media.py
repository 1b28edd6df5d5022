"""Media records: what a captured image or document is (type, size, pixels, sha256)."""
from __future__ import annotations

import hashlib
import io
import warnings as pywarnings
from urllib.parse import urlsplit

from PIL import Image

from transform.records import Capture, Media

DOCUMENT_MIMES = ("application/pdf", "application/msword", "application/vnd.", "application/zip",
                  "application/epub", "text/plain", "application/rtf")
MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF8", "image/gif"),
         (b"%PDF-", "application/pdf"), (b"RIFF", "image/webp"))


def media_id(url: str) -> str:
    return "media:" + hashlib.sha256(url.encode("utf-8")).hexdigest()


def sniff(head: bytes) -> str | None:
    for magic, mime in MAGIC:
        if head.startswith(magic):
            return mime
    return None


PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def image_size(head: bytes, sniffed: str | None = None) -> tuple[int | None, int | None, str | None]:
    """Pixel dimensions from the first bytes of an image; Pillow reads only the header. With the
    type `sniff` found, Pillow tries only that format's reader."""
    formats = [PILLOW_FORMATS[sniffed]] if sniffed in PILLOW_FORMATS else None
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            with Image.open(io.BytesIO(head), formats=formats) as im:
                return im.width, im.height, None
    except Exception as exc:  # noqa: BLE001 - any undecodable image is reported on the record
        return None, None, f"image dimensions unreadable: {type(exc).__name__}"


def media_record(url: str, mime: str | None, head: bytes, size: int, sha256: str, capture: Capture,
                 complete: bool, warnings: list[str]) -> Media:
    warnings = list(warnings)
    sniffed = sniff(head)
    if sniffed and mime and sniffed != mime and not (mime == "image/jpg" and sniffed == "image/jpeg"):
        warnings.append(f"declared {mime} but the bytes are {sniffed}")
    real = sniffed or mime
    width = height = None
    if real and real.startswith("image/") and real != "image/svg+xml":
        width, height, problem = image_size(head, sniffed)
        if problem:
            warnings.append(problem)
    kind = "image" if real and real.startswith("image/") else "document" if real and real.startswith(DOCUMENT_MIMES) else "other"
    if not complete:
        warnings.append("the captured payload is incomplete; sha256 and size are of what was captured")
    host = (urlsplit(url).hostname or "").lower()
    platform = "tumblr" if host.endswith("tumblr.com") else "wordpress"
    return Media(id=media_id(url), kind=kind, platform=platform, url=url, mime=real, size=size, width=width,
                 height=height, sha256=sha256, capture=capture, warnings=warnings)
