"""Real, small media files: JPEGs of an exact pixel size and valid one-page PDFs.

Bytes depend only on their arguments (the seed is part of them), so every request for the same
URL gets the same bytes, and they are made on first request and kept in a bounded cache.
"""
from __future__ import annotations

import io
import random
import struct
import zlib
from functools import lru_cache

from PIL import Image


@lru_cache(maxsize=512)
def jpeg(width: int, height: int, key: str) -> bytes:
    """A baseline JPEG of exactly width x height: soft colour fields, so it stays small."""
    rng = random.Random(key)
    small = Image.new("RGB", (4, 3))
    small.putdata([(rng.randrange(40, 230), rng.randrange(40, 230), rng.randrange(40, 230)) for _ in range(12)])
    img = small.resize((width, height), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=60, optimize=False)
    return out.getvalue()


def _pdf_text(s: str) -> str:
    """Latin-1 text for a PDF string literal (WinAnsi covers å, ä, ö)."""
    s = s.replace("–", "-").replace("—", "-").replace("’", "'")
    s = s.encode("latin-1", "replace").decode("latin-1")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


@lru_cache(maxsize=256)
def pdf(title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A valid PDF 1.4 with one A4 page showing the title and a few lines, with a correct xref."""
    text_ops = ["BT", "/F1 18 Tf", "56 770 Td", f"({_pdf_text(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text_ops += ["0 -22 Td", f"({_pdf_text(line)}) Tj"]
    text_ops.append("ET")
    stream = zlib.compress("\n".join(text_ops).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (" + _pdf_text(title).encode("latin-1") + b") /Producer (BESOK) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % n + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


@lru_cache(maxsize=4)
def gzip_bomb(size: int) -> bytes:
    """A gzip member that inflates to `size` zero bytes (about size/1000 on the wire).

    After a full flush deflate forgets its history, so every 1 MiB block of zeros compresses to the
    same bytes: one block is compressed and repeated, which makes a 1 GiB bomb in a fraction of a
    second instead of deflating the whole GiB.
    """
    chunk = bytes(1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(chunk) + comp.flush(zlib.Z_FULL_FLUSH)
    count, rest = divmod(size, len(chunk))
    tail = comp.compress(chunk[:rest]) + comp.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(chunk[:rest], crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + block * count + tail + struct.pack("<II", crc, size & 0xFFFFFFFF)
