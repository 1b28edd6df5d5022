"""Where each stage's files live inside OUT, and small readers for them."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive_out.errors import ArchiveOutError, MissingInputError


def nfc(name: str) -> str:
    """A file name in the composed form (å as one code point): what the bag, the WACZ and the index store."""
    return unicodedata.normalize("NFC", name)

CORPUS_FILES = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl")


@dataclass(frozen=True)
class Layout:
    """The folders of one output directory (or of a bag's data/ folder, which mirrors it)."""

    root: Path

    @property
    def harvest(self) -> Path:
        return self.root / "harvest"

    @property
    def warc_dir(self) -> Path:
        return self.harvest / "warc"

    @property
    def summary(self) -> Path:
        return self.harvest / "summary.json"

    @property
    def crawl_log(self) -> Path:
        return self.harvest / "crawl.log.jsonl"

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def package(self) -> Path:
        return self.root / "package"

    @property
    def report(self) -> Path:
        return self.root / "report"

    @property
    def cdxj(self) -> Path:
        return self.package / "index.cdxj"

    @property
    def bag(self) -> Path:
        return self.package / "bag"

    def waczs(self) -> list[Path]:
        return sorted(self.package.glob("*.wacz")) if self.package.is_dir() else []


def read_json(path: Path, what: str, hint: str = "") -> dict:
    if not path.exists():
        raise MissingInputError(str(path), hint or what)
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArchiveOutError(f"{path} is not valid JSON ({exc}); rerun the stage that writes {what}") from exc


def iter_jsonl(path: Path) -> Iterator[dict]:
    """Records of a JSON Lines file, one at a time; a missing file yields nothing."""
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ArchiveOutError(f"{path}:{number} is not valid JSON ({exc.msg})") from exc
