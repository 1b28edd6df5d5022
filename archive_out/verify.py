"""`verify(PATH)`: re-check every digest of an OUT folder, a bag or a WACZ; write nothing.

Each WARC is read once: record block and payload digests are recomputed while the file's
sha256/sha512 are taken in the same pass, and bag and WACZ manifests that point at the same
bytes (hard links, identical copies) are checked against those sums instead of re-reading.
The result names each part (harvest, corpus, index, WACZ, bag, report) as checked, absent
(not made yet) or missing (pipeline.json or a sibling output says it should exist), so an
empty or half-deleted folder can never pass as "everything holds". A corpus file that no
longer matches its manifest is compared, record by record, with the bag's copy when that copy
still matches the manifest, so the failure names the changed records and fields, not just the file.
Where an intact copy exists (the WACZ's, for a damaged WARC), the failure's `remedy` is the exact
command that restores it; verify never runs it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import shlex
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Protocol

import bagit
import jsonschema

from archive_out.cdxj import warc_files
from archive_out.errors import (
    ArchiveOutError, ChecksumMismatch, Failure, FileMissing, InvalidPackage, ProvenanceMismatch,
    RecordMismatch, SchemaViolation, UnexpectedFile, VerificationError,
)
from archive_out.layout import Layout, nfc
from archive_out.warcs import read_capture, scan_warc, summarise_error

CHUNK = 1 << 20
RECORD_FILES = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl")
SCHEMA_ANNOTATIONS = {"$schema", "$id", "$defs", "definitions", "title", "description", "version", "$comment", "oneOf"}
MAX_FAILURES_PER_FILE = 200
NAMED_PER_DAMAGED_SPAN = 3
NAMED_CHANGED_RECORDS = 20
SHOWN_VALUE = 120
PIPELINE_STATE = "pipeline.json"


class Progress(Protocol):
    """What verify reports while it reads: the total bytes it will read, then each chunk."""

    def start(self, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


@dataclass(frozen=True)
class Part:
    """One part of what verify looked at: `checked`, `failed` (checked, with failures), `absent` (not made
    yet, fine) or `missing` (something says it should be there); `note` says what was checked or why it is missing."""

    name: str
    state: str
    note: str = ""


@dataclass
class VerifyResult:
    """Outcome of one verify run; `ok` only when nothing failed."""

    path: Path
    kind: str
    failures: list[Failure] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    parts: list[Part] = field(default_factory=list)

    def part(self, name: str, state: str, note: str = "") -> None:
        self.parts = [p for p in self.parts if p.name != name] + [Part(name, state, note)]

    @property
    def ok(self) -> bool:
        return not self.failures

    def raise_for_failures(self) -> None:
        """For callers that prefer an exception: VerificationError carrying every failure."""
        if self.failures:
            raise VerificationError(f"{self.path}: {len(self.failures)} verification failure(s)", self.failures)

    def count(self, key: str, amount: int = 1) -> None:
        self.checked[key] = self.checked.get(key, 0) + amount


class _HashCache:
    """File sums computed once per inode, shared by the WARC scan, the bag and the WACZ checks."""

    def __init__(self) -> None:
        self.sums: dict[tuple, dict[str, str]] = {}

    @staticmethod
    def key(path: Path) -> tuple:
        st = path.stat()
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def put(self, path: Path, sums: dict[str, str]) -> None:
        self.sums.setdefault(self.key(path), {}).update(sums)

    def get(self, path: Path, algorithms: Iterable[str], progress: Progress | None) -> dict[str, str]:
        known = self.sums.setdefault(self.key(path), {})
        missing = [a for a in algorithms if a not in known]
        if missing:
            hashers = {a: hashlib.new(a) for a in missing}
            with open(path, "rb") as fh:
                while data := fh.read(CHUNK):
                    for h in hashers.values():
                        h.update(data)
                    if progress:
                        progress.advance(len(data))
            known.update({a: h.hexdigest() for a, h in hashers.items()})
        return known


def _pairs(obj) -> dict[str, str]:
    """{file name: sha256} from the shapes a manifest may use (dict or list of objects)."""
    out: dict[str, str] = {}
    if isinstance(obj, dict):
        for name, value in obj.items():
            digest = value.get("sha256") if isinstance(value, dict) else value
            if isinstance(digest, str):
                out[name] = digest.removeprefix("sha256:")
    elif isinstance(obj, list):
        for item in obj:
            if not isinstance(item, dict):
                continue
            name = item.get("file") or item.get("name") or item.get("path") or item.get("warc_file")
            digest = item.get("sha256")
            if name and isinstance(digest, str):
                out[name] = digest.removeprefix("sha256:")
    return out


def _manifest_sections(manifest: dict) -> tuple[dict[str, str], dict[str, str]]:
    files = _pairs(manifest.get("files") or {})
    warcs: dict[str, str] = {}
    for key in ("source_warcs", "warcs", "sources", "warc_files"):
        warcs.update(_pairs(manifest.get(key) or {}))
    return files, {os.path.basename(k): v for k, v in warcs.items()}


def _load_json(path: Path, result: VerifyResult, label: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except FileNotFoundError:
        result.failures.append(FileMissing(file=label))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        result.failures.append(InvalidPackage(file=label, detail=f"not valid JSON: {exc}"))
    return None


def _tree_bytes(layout: Layout) -> int:
    """Bytes verify will read for a tree: each WARC once, corpus files twice (sums, then records)."""
    total = sum(p.stat().st_size for p in warc_files(layout.warc_dir))
    if layout.corpus.is_dir():
        for p in layout.corpus.iterdir():
            if p.is_file():
                total += p.stat().st_size * (2 if p.name in RECORD_FILES else 1)
    return total


def _bag_copy_bytes(bag: Path, layout: Layout) -> int:
    """Bytes of bag files that are not hard links to WARCs already read."""
    if not bag.is_dir():
        return 0
    seen = {(p.stat().st_dev, p.stat().st_ino) for p in warc_files(layout.warc_dir)}
    return sum(p.stat().st_size for p in bag.rglob("*") if p.is_file() and (p.stat().st_dev, p.stat().st_ino) not in seen)


def _verify_warcs(layout: Layout, prefix: str, result: VerifyResult, cache: _HashCache,
                  algorithms: tuple[str, ...], progress: Progress | None, expected: dict[str, str | None]) -> dict:
    """Scan every WARC; returns {file name: WarcScan} so corpus checks can name what damage affects."""
    scans = {}
    present = {nfc(p.name): p for p in warc_files(layout.warc_dir)}
    expected = {nfc(k): v for k, v in expected.items()}
    if layout.warc_dir.is_dir():
        for path in sorted(layout.warc_dir.glob("*.open")):
            result.failures.append(UnexpectedFile(
                file=f"{prefix}harvest/warc/{path.name}",
                detail="a WARC still being written: the harvest did not finish; run `wparchive harvest --resume`"))
    for name in sorted(set(expected) - set(present)):
        result.failures.append(FileMissing(file=f"{prefix}harvest/warc/{name}",
                                           detail="listed by summary.json / corpus manifest.json"))
    if not present:
        where = f"{prefix}harvest/warc/"
        if not expected:
            result.failures.append(FileMissing(
                file=where, detail="no WARC files: the WARCs are the archive itself, so there is nothing to verify "
                "(run `wparchive harvest`, or point verify at the folder that holds harvest/warc/)"))
        result.part("harvest", "missing", "no WARC files" if layout.harvest.is_dir() else "no harvest/ folder")
    for name, path in sorted(present.items()):
        label = f"{prefix}harvest/warc/{path.name}"
        scan = scan_warc(str(path), label, algorithms, progress.advance if progress else None)
        scans[path.name] = scan
        cache.put(path, scan.file_hashes)
        result.count("warc_files")
        result.count("warc_records", scan.records)
        result.count("digests", scan.digests_checked)
        result.count("warc_records_unparsed", scan.unparsed)
        result.count("warc_records_damaged", len(scan.damaged))
        if scan.damaged:
            result.count("warc_files_damaged")
        if scan.unread:
            result.count("warc_bytes_unchecked", scan.unchecked_bytes)
        result.failures.extend(scan.failures)
        want = expected.get(name)
        if want and want.lower() != scan.file_hashes.get("sha256"):
            result.failures.append(ChecksumMismatch(file=label, expected=f"sha256:{want}",
                                                    found=f"sha256:{scan.file_hashes.get('sha256')}",
                                                    detail="differs from corpus/manifest.json"))
    if present:
        c = result.checked
        note = (f"{_n(c.get('warc_files', 0), 'WARC file')}, {_n(c.get('warc_records', 0), 'record')}, "
                f"{_n(c.get('digests', 0), 'record digest')} recomputed")
        if c.get("warc_bytes_unchecked"):
            note += f"; {c['warc_bytes_unchecked']:,} bytes unreadable and not checked"
        result.part("harvest", "checked", note)
    return scans


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def _find_warc(warc_dir: Path, name: str) -> Path | None:
    """The WARC a record names, also when one side of the copy normalised the name (NFC/NFD)."""
    for form in (name, nfc(name), unicodedata.normalize("NFD", name)):
        path = warc_dir / form
        if path.exists():
            return path
    return None


class _OpenFiles:
    """A few WARCs kept open while the corpus is checked, so each capture costs a seek, not an open."""

    def __init__(self, limit: int = 16) -> None:
        self.limit = limit
        self.files: dict[Path, BinaryIO] = {}

    def get(self, path: Path) -> BinaryIO:
        fh = self.files.pop(path, None)
        if fh is None:
            if len(self.files) >= self.limit:
                oldest = next(iter(self.files))
                self.files.pop(oldest).close()
            fh = open(path, "rb")
        self.files[path] = fh
        return fh

    def close(self) -> None:
        for fh in self.files.values():
            fh.close()
        self.files.clear()


def _lost(rid: str, url, capture: dict, target_uri=None) -> tuple[str, str]:
    """(record, detail) for a record whose WARC bytes are damaged: its id, its URL, and the WARC record's
    WARC-Target-URI and WARC-Record-ID (as read, else as the corpus recorded them) when known."""
    record = f"{rid}, url {url}" if url else rid
    uri = target_uri or capture.get("url")
    known = [f"WARC-Target-URI {uri}"] if uri else []
    if capture.get("record_id"):
        known.append(f"WARC-Record-ID {capture['record_id']}")
    return record, "capture" + (f" ({', '.join(known)})" if known else "")


def _check_capture(capture: dict, layout: Layout, prefix: str, label: str, rid: str, result: VerifyResult,
                   missing: dict[tuple[str, str], int], files: _OpenFiles, scans: dict, damaged: dict,
                   url=None) -> None:
    warc_name = capture.get("warc_file")
    offset = capture.get("offset")
    if not warc_name or not isinstance(offset, int):
        result.failures.append(ProvenanceMismatch(file=label, record=rid, detail="capture has no warc_file/offset"))
        return
    path = _find_warc(layout.warc_dir, os.path.basename(warc_name))
    scan = scans.get(path.name) if path is not None else None
    if path is None:
        key = (label, warc_name)
        if key not in missing:
            result.failures.append(ProvenanceMismatch(file=label, record=rid, expected=f"{prefix}harvest/warc/{warc_name}",
                                                      found="no such WARC file", detail="capture.warc_file"))
        missing[key] = missing.get(key, 0) + 1
        return
    span = scan.damaged_span(offset) if scan is not None else None
    if span is not None:
        key = (label, warc_name, span)
        damaged[key] = damaged.get(key, 0) + 1
        if damaged[key] <= NAMED_PER_DAMAGED_SPAN:
            record, detail = _lost(rid, url, capture)
            result.failures.append(ProvenanceMismatch(
                file=label, record=record, expected=f"a readable WARC record at {warc_name}:{offset}",
                found=f"the unreadable part of {warc_name} (bytes {span[0]}-{span[1]}, see the WARC failure above)",
                detail=detail))
        return
    try:
        facts = read_capture(str(path), offset, files.get(path))
    except Exception as exc:  # any parse failure at a wrong offset is the finding itself
        result.failures.append(ProvenanceMismatch(
            file=label, record=rid, expected=f"a WARC record at {warc_name}:{offset}",
            found=summarise_error(exc), detail="capture.offset"))
        return
    result.count("provenance")
    if scan is not None and scan.is_damaged(offset):
        record, detail = _lost(rid, url, capture, facts.target_uri)
        result.failures.append(ProvenanceMismatch(
            file=label, record=record, expected=f"intact bytes at {warc_name}:{offset}",
            found="a WARC record that fails its own checks (see the WARC failures above)", detail=detail))
    checks = (("record_id", facts.record_id), ("payload_digest", facts.payload_digest),
              ("length", facts.length), ("url", facts.target_uri))
    for key, found in checks:
        want = capture.get(key)
        if want is None or found is None:
            continue
        if str(want) != str(found):
            result.failures.append(ProvenanceMismatch(
                file=label, record=rid, expected=str(want), found=str(found),
                detail=f"capture.{key} vs the WARC record at {warc_name}:{offset}"))


_ABSENT = object()


def _hashable(value):
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _record_checker(schema: dict, label: str, result: VerifyResult):
    """A function record -> problem text or None, validating exactly as the schema says.

    A top-level `oneOf` is decided branch by branch with early-exit validators (exactly one
    branch must hold); a branch whose `kind` const/enum excludes the record's kind cannot hold
    and is not run. jsonschema's own oneOf collects every error of every branch, which made
    schema checks the slowest part of verify. The full validator still words the message.
    """
    try:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
        full = cls(schema)
    except jsonschema.SchemaError as exc:
        result.failures.append(InvalidPackage(file=label, detail=f"invalid schema: {exc.message}"))
        return None
    branches = schema.get("oneOf") if isinstance(schema.get("oneOf"), list) else None
    fast = None
    if branches and set(schema) <= SCHEMA_ANNOTATIONS:
        fast = []
        for branch in branches:
            if set(branch) == {"$ref"}:
                branch = full._resolver.lookup(branch["$ref"]).contents
            kind = (branch.get("properties") or {}).get("kind") if isinstance(branch, dict) else None
            kinds = None
            if isinstance(kind, dict) and "const" in kind:
                kinds = {kind["const"]}
            elif isinstance(kind, dict) and isinstance(kind.get("enum"), list):
                kinds = set(kind["enum"])
            fast.append((full.evolve(schema=branch), kinds))

    def describe(record: dict) -> str:
        error = jsonschema.exceptions.best_match(full.iter_errors(record))
        if error is None:
            return ""
        where = "/".join(str(p) for p in error.absolute_path) or "(record)"
        return f"{where}: {error.message}"

    def check(record: dict) -> str | None:
        if fast is None:
            return describe(record) or None
        kind = record.get("kind", _ABSENT)
        matched = sum(1 for validator, kinds in fast
                      if (kinds is None or kind is _ABSENT or _hashable(kind) in kinds) and validator.is_valid(record))
        if matched == 1:
            return None
        return describe(record) or f"(record): matches {matched} of the schema's oneOf branches, not exactly one"

    return check


def _verify_corpus(layout: Layout, prefix: str, result: VerifyResult, cache: _HashCache,
                   progress: Progress | None, scans: dict | None = None) -> dict[str, str]:
    """Manifest sums, schema and provenance of every record; returns the manifest's WARC sums."""
    corpus = layout.corpus
    if not corpus.is_dir():
        return {}
    records_present = [name for name in RECORD_FILES if (corpus / name).exists()]
    if not (corpus / "manifest.json").exists():
        result.failures.append(FileMissing(
            file=f"{prefix}corpus/manifest.json",
            detail="the corpus has no manifest, so its files cannot be checked; rerun `wparchive transform`"))
    manifest = _load_json(corpus / "manifest.json", result, f"{prefix}corpus/manifest.json") \
        if (corpus / "manifest.json").exists() else None
    manifest = manifest or {}
    files, warc_sums = _manifest_sections(manifest)
    if manifest and not files and not records_present:
        result.failures.append(FileMissing(
            file=f"{prefix}corpus/", detail="corpus/manifest.json lists no files and no record files are present; "
            "rerun `wparchive transform`"))
    for name, want in sorted(files.items()):
        path = corpus / name
        label = f"{prefix}corpus/{name}"
        if not path.exists():
            result.failures.append(FileMissing(file=label, detail="listed in corpus/manifest.json"))
            continue
        found = cache.get(path, ("sha256",), progress)["sha256"]
        result.count("corpus_files")
        if found != want.lower():
            result.failures.append(ChecksumMismatch(file=label, expected=f"sha256:{want}", found=f"sha256:{found}",
                                                    detail="differs from corpus/manifest.json"))
            copy = layout.bag / "data" / "corpus" / name
            if name in RECORD_FILES and copy.is_file() \
                    and cache.get(copy, ("sha256", "sha512"), progress)["sha256"] == want.lower():
                _name_changed_records(path, copy, label, f"{prefix}package/bag/data/corpus/{name}", result)
    schema = _load_json(corpus / "schema.json", result, f"{prefix}corpus/schema.json")
    check = _record_checker(schema, f"{prefix}corpus/schema.json", result) if schema is not None else None
    missing: dict[tuple[str, str], int] = {}
    damaged: dict[tuple, int] = {}
    scans = scans or {}
    open_files = _OpenFiles()
    try:
        _check_records(corpus, layout, prefix, result, check, missing, open_files, progress, scans, damaged)
    finally:
        open_files.close()
    for (label, warc_name, span), count in sorted(damaged.items()):
        if count > NAMED_PER_DAMAGED_SPAN:
            result.failures.append(ProvenanceMismatch(
                file=label, expected=f"readable WARC records in {warc_name}",
                found=f"the unreadable part of {warc_name} (bytes {span[0]}-{span[1]})",
                detail=f"{count - NAMED_PER_DAMAGED_SPAN} more record(s) point into it"))
    for (label, warc_name), count in sorted(missing.items()):
        if count > 1:
            result.failures.append(ProvenanceMismatch(
                file=label, expected=f"{prefix}harvest/warc/{warc_name}", found="no such WARC file",
                detail=f"{count - 1} more record(s) point into this missing WARC"))
    c = result.checked
    state = "checked" if (corpus / "manifest.json").exists() and (files or records_present) else "missing"
    result.part("corpus", state,
                f"{_n(c.get('corpus_files', 0), 'file')} against manifest.json, {_n(c.get('corpus_records', 0), 'record')}"
                f" against schema.json, {_n(c.get('provenance', 0), 'provenance check')} (seek, re-read, compare)"
                if state == "checked" else "incomplete: no manifest, or a manifest without record files")
    return warc_sums


def _record_key(record) -> str | None:
    """What names a record whatever line it is on: its id; else the WARC record it was made from
    (listings and rejects), with its url; else its url. None when it has none of these."""
    if not isinstance(record, dict):
        return None
    if record.get("id"):
        return str(record["id"])
    capture = record.get("capture") if isinstance(record.get("capture"), dict) else {}
    url = record.get("url") or capture.get("url")
    source = capture.get("record_id") or record.get("record_id")
    warc, offset = capture.get("warc_file") or record.get("warc_file"), capture.get("offset", record.get("offset"))
    if not source and warc and offset is not None:
        source = f"{warc} offset {offset}"
    if source:
        return f"{url} (from {source})" if url else f"from {source}"
    return str(url) if url else None


def _record_lines(path: Path) -> dict[str, tuple[int, str]]:
    """{record key: (line number, sha256 of the line)}. The key (`_record_key`) does not depend on the
    line number, so one line added or removed is one record added or removed; a record without a key,
    or whose key an earlier record took, is keyed by the sha256 of its line."""
    lines: dict[str, tuple[int, str]] = {}
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            raw = raw.rstrip(b"\r\n")
            if not raw.strip():
                continue
            digest = hashlib.sha256(raw).hexdigest()
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            key = _record_key(record)
            if key is None or key in lines:
                key = f"{key + ' ' if key else ''}line sha256:{digest[:16]}"
            same, copy = key, 1
            while key in lines:
                copy += 1
                key = f"{same} #{copy}"
            lines[key] = (number, digest)
    return lines


def _records_at(path: Path, numbers: set[int]) -> dict[int, object]:
    out: dict[int, object] = {}
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            if number in numbers:
                try:
                    out[number] = json.loads(raw)
                except ValueError:
                    out[number] = raw.decode("utf-8", errors="replace").strip()
    return out


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= SHOWN_VALUE else text[:SHOWN_VALUE - 1] + "…"


def _name_changed_records(path: Path, copy: Path, label: str, copy_label: str, result: VerifyResult) -> None:
    """Name the records of `path` that differ from `copy` (the bag's copy, known to match the manifest):
    changed ones with the fields that changed, and records added or removed. Reads both, writes nothing."""
    ours, theirs = _record_lines(path), _record_lines(copy)
    changed = [k for k in ours if k in theirs and ours[k][1] != theirs[k][1]]
    added = [k for k in ours if k not in theirs]
    removed = [k for k in theirs if k not in ours]
    named = (changed + added + removed)[:NAMED_CHANGED_RECORDS]
    now = _records_at(path, {ours[k][0] for k in named if k in ours})
    before = _records_at(copy, {theirs[k][0] for k in named if k in theirs})
    basis = f"the bag's copy {copy_label}, which matches corpus/manifest.json"
    for key in named:
        if key in ours and key in theirs:
            new, old = now.get(ours[key][0]), before.get(theirs[key][0])
            if isinstance(new, dict) and isinstance(old, dict):
                fields = sorted(f for f in set(new) | set(old) if new.get(f, _ABSENT) != old.get(f, _ABSENT))
                result.failures.append(RecordMismatch(
                    file=label, record=f"{key} (line {ours[key][0]})",
                    expected=_shown({f: old[f] for f in fields if f in old}),
                    found=_shown({f: new[f] for f in fields if f in new}),
                    detail=f"field(s) {', '.join(fields) or '(none: same values, other bytes)'} differ from "
                           f"line {theirs[key][0]} of {basis}"))
            else:
                result.failures.append(RecordMismatch(
                    file=label, record=f"{key} (line {ours[key][0]})", expected=_shown(old), found=_shown(new),
                    detail=f"differs from line {theirs[key][0]} of {basis}"))
        elif key in ours:
            result.failures.append(RecordMismatch(file=label, record=f"{key} (line {ours[key][0]})",
                                                  detail=f"a record that is not in {basis}"))
        else:
            result.failures.append(RecordMismatch(file=label, record=key,
                                                  detail=f"missing: line {theirs[key][0]} of {basis}"))
    more = len(changed) + len(added) + len(removed) - len(named)
    if more > 0:
        result.failures.append(RecordMismatch(file=label, detail=f"{more} more record(s) differ from {basis}"))
    if not named:
        result.failures.append(RecordMismatch(
            file=label, detail=f"the same records as {basis}, but in another order or with other line breaks"))


def _check_records(corpus: Path, layout: Layout, prefix: str, result: VerifyResult, check, missing: dict,
                   files: _OpenFiles, progress: Progress | None, scans: dict, damaged: dict) -> None:
    """Schema and provenance of every line of every record file, streaming."""
    for name in RECORD_FILES:
        path = corpus / name
        if not path.exists():
            continue
        label = f"{prefix}corpus/{name}"
        failures_here = 0
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if progress:
                    progress.advance(len(raw))
                line = raw.decode("utf-8", errors="replace")
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    result.failures.append(SchemaViolation(file=label, record=f"line {number}", detail=f"not JSON: {exc.msg}"))
                    continue
                result.count("corpus_records")
                rid = f"{record.get('id') or record.get('url') or 'line'} (line {number})"
                before = len(result.failures)
                if check is not None:
                    problem = check(record)
                    if problem:
                        result.failures.append(SchemaViolation(file=label, record=rid, detail=problem))
                capture = record.get("capture")
                if isinstance(capture, dict):
                    _check_capture(capture, layout, prefix, label, rid, result, missing, files, scans, damaged,
                                   record.get("url"))
                failures_here += len(result.failures) - before
                if failures_here > MAX_FAILURES_PER_FILE:
                    result.failures.append(Failure(file=label, detail=f"more than {MAX_FAILURES_PER_FILE} failures; stopped checking this file"))
                    break


def _expected_warcs(layout: Layout, manifest_warcs: dict[str, str], result: VerifyResult, prefix: str) -> dict[str, str | None]:
    expected: dict[str, str | None] = dict(manifest_warcs)
    if layout.summary.exists():
        summary = _load_json(layout.summary, result, f"{prefix}harvest/summary.json") or {}
        for name in summary.get("warc_files") or []:
            expected.setdefault(os.path.basename(str(name)), None)
    return expected


def _under(label: str, rel: str) -> str:
    """`rel` inside the bag as the user sees it: `package/bag/REL` for an OUT folder, `REL` for a bag
    verified on its own (where every path is relative to the bag)."""
    return f"{label}/{rel}" if label else rel


def _restore_command(copy: tuple[Path, str], dest: Path) -> str:
    """The shell command that writes the WACZ member `copy` over `dest`, in place: `>` keeps the inode,
    so a hard link to `dest` (the bag's) is repaired with it."""
    wacz, member = copy
    return f"unzip -p {shlex.quote(str(wacz))} {shlex.quote(member)} > {shlex.quote(str(dest))}"


def _verify_bag(bag_dir: Path, label: str, result: VerifyResult, cache: _HashCache, progress: Progress | None,
                links: dict[tuple[int, int], str] | None = None, intact_elsewhere: dict[str, str] | None = None,
                copies: dict[str, tuple[Path, str]] | None = None) -> None:
    """Bag completeness and every manifest sum; `links` maps inodes of harvest WARCs to their names,
    so damage to a hard-linked WARC is reported as one file seen twice, not as two bad copies.
    A file that fails several manifests (sha256 and sha512) is one failure naming each algorithm;
    `copies` (NFC WARC name -> intact WACZ member) gives the remedy for a bag WARC of its own."""
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        result.failures.append(InvalidPackage(file=label or ".", detail=str(exc)))
        result.part("bag", "checked", "not a readable bag")
        return
    try:
        bag.validate(completeness_only=True)
    except bagit.BagValidationError as exc:
        for d in exc.details or []:
            path = getattr(d, "path", "")
            kind = FileMissing if isinstance(d, bagit.FileMissing) else UnexpectedFile
            result.failures.append(kind(file=_under(label, path), detail=str(d)))
        if not exc.details:
            result.failures.append(InvalidPackage(file=_under(label, "bag-info.txt"), detail=str(exc)))
    except bagit.BagError as exc:
        result.failures.append(InvalidPackage(file=label or ".", detail=str(exc)))
        result.part("bag", "checked", "not a valid bag")
        return
    links = links or {}
    intact_elsewhere = intact_elsewhere or {}
    for rel, hashes in sorted(bag.entries.items()):
        path = bag_dir / bag.normalized_filesystem_names.get(rel, rel)
        if not path.exists():
            result.failures.append(FileMissing(file=_under(label, rel), detail="listed in a bag manifest"))
            continue
        sums = cache.get(path, tuple(hashes), progress)
        result.count("bag_files")
        result.count("bag_payload_files" if rel.startswith("data/") else "bag_tag_files")
        bad = [alg for alg, want in sorted(hashes.items()) if sums.get(alg) != want.lower()]
        if not bad:
            continue
        kind = "manifest" if rel.startswith("data/") else "tagmanifest"
        detail = f"differs from {' and '.join(f'{kind}-{alg}.txt' for alg in bad)}"
        remedy = None
        st = path.stat()
        linked = links.get((st.st_dev, st.st_ino))
        if linked:
            detail += (f"; this is one file, hard-linked into the bag from harvest/warc/{linked} (same "
                       "inode), so the damage shows in both places and the bag holds no second copy")
            if nfc(linked) in intact_elsewhere:
                detail += f"; the copy in {intact_elsewhere[nfc(linked)]} is intact"
                remedy = f"restoring harvest/warc/{linked} (its remedy above) repairs this too: it is the same file"
        elif rel.startswith("data/harvest/warc/") and nfc(os.path.basename(rel)) in (copies or {}):
            copy = copies[nfc(os.path.basename(rel))]
            remedy = f"the WACZ holds an intact copy: restore with `{_restore_command(copy, path)}`"
        result.failures.append(ChecksumMismatch(
            file=_under(label, rel), expected=", ".join(f"{alg}:{hashes[alg].lower()}" for alg in bad),
            found=", ".join(f"{alg}:{sums.get(alg)}" for alg in bad), detail=detail, remedy=remedy))
    result.count("bag_tag_manifests", len(list(bag_dir.glob("tagmanifest-*.txt"))))
    c = result.checked
    result.part("bag", "checked",
                f"{_n(c.get('bag_payload_files', 0), 'payload file')} against manifest-sha256/-sha512, "
                f"{_n(c.get('bag_tag_files', 0), 'tag file')} against the {c.get('bag_tag_manifests', 0)} tag manifests")


def _hash_stream(fh: BinaryIO, progress: Progress | None) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    while data := fh.read(CHUNK):
        sha.update(data)
        size += len(data)
        if progress:
            progress.advance(len(data))
    return sha.hexdigest(), size


def _verify_wacz(path: Path, label: str, result: VerifyResult, progress: Progress | None) -> dict[str, str]:
    """datapackage-digest → datapackage.json → every member's sha256 and size; zip CRCs as read.

    Returns {member path: sha256} of the members that match datapackage.json (the intact copies).
    """
    intact: dict[str, str] = {}
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        result.failures.append(InvalidPackage(file=label, detail=f"not a readable zip: {exc}"))
        return intact
    with zf:
        names = set(zf.namelist())
        result.count("wacz_entries", sum(1 for n in names if not n.endswith("/")))
        try:
            package_bytes = zf.read("datapackage.json")
            package = json.loads(package_bytes)
        except KeyError:
            result.failures.append(FileMissing(file=f"{label}!datapackage.json"))
            return intact
        except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
            result.failures.append(InvalidPackage(file=f"{label}!datapackage.json", detail=str(exc)))
            return intact
        if "datapackage-digest.json" in names:
            try:
                digest = json.loads(zf.read("datapackage-digest.json"))
                want = str(digest.get("hash", ""))
                found = "sha256:" + hashlib.sha256(package_bytes).hexdigest()
                if want != found:
                    result.failures.append(ChecksumMismatch(file=f"{label}!datapackage.json", expected=want, found=found,
                                                            detail="datapackage-digest.json"))
            except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
                result.failures.append(InvalidPackage(file=f"{label}!datapackage-digest.json", detail=str(exc)))
        else:
            result.failures.append(FileMissing(file=f"{label}!datapackage-digest.json"))
        listed = set()
        for resource in package.get("resources") or []:
            member = resource.get("path")
            listed.add(member)
            where = f"{label}!{member}"
            if member not in names:
                result.failures.append(FileMissing(file=where, detail="listed in datapackage.json"))
                continue
            try:
                with zf.open(member) as fh:
                    found, size = _hash_stream(fh, progress)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                result.failures.append(ChecksumMismatch(file=where, expected=resource.get("hash"), found=f"unreadable ({exc})",
                                                        detail="zip member"))
                continue
            result.count("wacz_members")
            want = str(resource.get("hash", "")).removeprefix("sha256:").lower()
            if found != want:
                result.failures.append(ChecksumMismatch(file=where, expected=resource.get("hash"), found=f"sha256:{found}",
                                                        detail="datapackage.json"))
            elif resource.get("bytes") is not None and resource["bytes"] != size:
                result.failures.append(ChecksumMismatch(file=where, expected=f"{resource['bytes']} bytes",
                                                        found=f"{size} bytes", detail="datapackage.json"))
            else:
                intact[member] = found
        for member in sorted(names - listed - {"datapackage.json", "datapackage-digest.json"}):
            if not member.endswith("/"):
                result.failures.append(UnexpectedFile(file=f"{label}!{member}", detail="not listed in datapackage.json"))
    c = result.checked
    result.part("wacz", "checked",
                f"{path.name}: {_n(c.get('wacz_members', 0), 'resource')} against datapackage.json, and "
                f"datapackage.json against datapackage-digest.json ({_n(c.get('wacz_entries', 0), 'zip entry', 'zip entries')} in all)")
    return intact


def _compare_copies(result: VerifyResult, warc_sums: dict[str, str], wacz_label: str, intact: dict[str, str],
                    wacz: Path, layout: Layout) -> None:
    """Harvest WARCs against the WACZ's copies, blaming the copy that disagrees with its own records;
    a damaged harvest WARC gets the command that restores it from the WACZ's intact copy."""
    harvest_failing = {nfc(f.file) for f in result.failures if f.file.startswith("harvest/warc/")}
    for member, wacz_sum in sorted(intact.items()):
        if not member.startswith("archive/"):
            continue
        base = nfc(os.path.basename(member))
        ours = warc_sums.get(base)
        if ours is None or ours == wacz_sum:
            continue
        label = f"harvest/warc/{base}"
        note = f"the copy in {wacz_label}!{member} is intact (it matches the WACZ's datapackage.json)"
        if label in harvest_failing:
            dest = _find_warc(layout.warc_dir, base) or layout.warc_dir / base
            remedy = (f"the WACZ holds an intact copy: restore with `{_restore_command((wacz, member), dest)}`, "
                      f"then rerun `wparchive verify {shlex.quote(str(layout.root))}`")
            in_bag = _find_warc(layout.bag / "data" / "harvest" / "warc", base)
            if in_bag is not None and os.path.samefile(in_bag, dest):
                remedy += " (this repairs the bag's hard link too)"
            for i, f in enumerate(result.failures):
                if nfc(f.file) == label and isinstance(f, ChecksumMismatch):
                    result.failures[i] = dataclasses.replace(f, detail=f"{f.detail}; {note}", remedy=remedy)
                    break
            else:
                result.failures.append(ChecksumMismatch(file=label, expected=f"sha256:{wacz_sum}",
                                                        found=f"sha256:{ours}", detail=f"differs from the WACZ copy; {note}",
                                                        remedy=remedy, part="harvest"))
        else:
            result.failures.append(ChecksumMismatch(
                file=f"{wacz_label}!{member}", expected=f"sha256:{ours}", found=f"sha256:{wacz_sum}",
                detail=f"differs from {label}, which passes every check: the WACZ was packaged from other bytes; "
                       "rerun `wparchive package`", part="wacz"))


def _scan_wacz_warcs(path: Path, label: str, result: VerifyResult, progress: Progress | None = None) -> None:
    """For a WACZ on its own: unpack each WARC member to a temporary file and check its records."""
    import tempfile

    try:
        with zipfile.ZipFile(path) as zf:
            for member in sorted(n for n in zf.namelist() if n.startswith("archive/")):
                with tempfile.NamedTemporaryFile(suffix=".warc.gz") as tmp:
                    try:
                        with zf.open(member) as src:
                            while data := src.read(CHUNK):
                                tmp.write(data)
                    except (zipfile.BadZipFile, OSError, zlib.error):
                        continue
                    tmp.flush()
                    scan = scan_warc(tmp.name, f"{label}!{member}", (), progress.advance if progress else None)
                    result.count("warc_files")
                    result.count("warc_records", scan.records)
                    result.count("digests", scan.digests_checked)
                    result.failures.extend(scan.failures)
    except zipfile.BadZipFile:
        return
    c = result.checked
    result.part("harvest", "checked", f"the WACZ's archive/: {_n(c.get('warc_files', 0), 'WARC file')}, "
                                      f"{_n(c.get('warc_records', 0), 'record')}, "
                                      f"{_n(c.get('digests', 0), 'record digest')} recomputed")


def _pipeline_stages(root: Path) -> dict[str, dict]:
    try:
        data = json.loads((root / PIPELINE_STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stages = data.get("stages") if isinstance(data, dict) else None
    return stages if isinstance(stages, dict) else {}


def _expected_parts(layout: Layout) -> dict[str, str]:
    """{part: why it must exist} from what is present: pipeline.json's finished stages, and package
    outputs that only ever appear together."""
    why: dict[str, str] = {}
    stages = _pipeline_stages(layout.root)
    for stage, parts in (("harvest", ("harvest",)), ("transform", ("corpus",)),
                         ("package", ("index", "wacz", "bag", "report"))):
        if stage in stages:
            when = stages[stage].get("finished") if isinstance(stages[stage], dict) else None
            for part in parts:
                why.setdefault(part, f"pipeline.json records that {stage} finished" + (f" at {when}" if when else ""))
    present = [name for name, here in (("index", layout.cdxj.exists()), ("wacz", bool(layout.waczs())),
                                       ("bag", layout.bag.is_dir())) if here]
    if present:
        for part in ("index", "wacz", "bag", "report", "corpus"):
            why.setdefault(part, f"`wparchive package` makes it together with the {' and '.join(present)} present here")
    if (layout.bag / "data" / "corpus").is_dir():
        why.setdefault("corpus", "the bag holds a corpus")
    return why


PART_PATHS = {"harvest": "harvest/warc/", "corpus": "corpus/", "index": "package/index.cdxj",
              "wacz": "package/NAME.wacz", "bag": "package/bag/", "report": "report/"}
ABSENT_HINTS = {"corpus": "not transformed yet (`wparchive transform`)", "index": "not packaged yet (`wparchive package`)",
                "wacz": "not packaged yet", "bag": "not packaged yet", "report": "not built yet (`wparchive package`)"}


def _check_report(layout: Layout, result: VerifyResult, cache: _HashCache, progress: Progress | None) -> None:
    """The report's files exist and equal the copies the bag holds (the bag's manifests cover those)."""
    bagged = {}
    manifest = layout.bag / "manifest-sha256.txt"
    if manifest.exists():
        for line in manifest.read_text(encoding="utf-8").splitlines():
            digest, _, rel = line.partition(" ")
            if rel.strip().startswith("data/report/"):
                bagged[rel.strip().removeprefix("data/report/")] = digest.lower()
    compared = 0
    for name in ("completeness.json", "index.html"):
        path = layout.report / name
        if not path.exists():
            result.failures.append(FileMissing(file=f"report/{name}", detail="the report is incomplete; rerun "
                                                                            "`wparchive package`"))
            continue
        if name in bagged:
            found = cache.get(path, ("sha256",), progress)["sha256"]
            compared += 1
            if found != bagged[name]:
                result.failures.append(ChecksumMismatch(
                    file=f"report/{name}", expected=f"sha256:{bagged[name]}", found=f"sha256:{found}",
                    detail="differs from the copy in package/bag; rerun `wparchive package` if it was rebuilt on purpose"))
    result.part("report", "checked", f"present; {compared} of 2 files equal to the bag's copies" if bagged
                else "present (no bag to compare with)")


def _check_index(layout: Layout, result: VerifyResult, cache: _HashCache, intact: dict[str, str],
                 progress: Progress | None) -> None:
    want = intact.get("indexes/index.cdx")
    if want is None:
        result.part("index", "checked", "present (no intact WACZ copy to compare with)")
        return
    found = cache.get(layout.cdxj, ("sha256",), progress)["sha256"]
    if found != want:
        result.failures.append(ChecksumMismatch(file="package/index.cdxj", expected=f"sha256:{want}",
                                                found=f"sha256:{found}", detail="differs from the WACZ's indexes/index.cdx"))
    result.part("index", "checked", "equal to the WACZ's indexes/index.cdx" if found == want else "differs from the WACZ")


def verify(path: str | os.PathLike, progress: Progress | None = None) -> VerifyResult:
    """Verify an OUT folder, a bag folder or a .wacz file; raise only if PATH is none of those.

    `result.parts` says which parts were checked, which are absent (not made yet) and which are
    missing although something present says they should exist; a missing part is a failure, and
    so is an archive without a single WARC file.
    """
    target = Path(path)
    cache = _HashCache()
    if not target.exists():
        raise ArchiveOutError(f"{target} does not exist")
    if target.is_file() and target.suffix == ".wacz":
        result = VerifyResult(target, "wacz")
        if progress:
            progress.start(2 * target.stat().st_size)
        with _tagged(result, "wacz"):
            _verify_wacz(target, target.name, result, progress)
        with _tagged(result, "harvest"):
            _scan_wacz_warcs(target, target.name, result, progress)
            result.parts.reverse()
            if not result.checked.get("warc_files"):
                result.failures.append(FileMissing(file=f"{target.name}!archive/", detail="the WACZ holds no WARC file"))
        _mark_failed(result)
        return result
    if target.is_dir() and (target / "bagit.txt").exists():
        result = VerifyResult(target, "bag")
        data = Layout(target / "data")
        if progress:
            progress.start(_tree_bytes(data) + _bag_copy_bytes(target, data))
        _verify_tree(data, "data/", result, cache, progress, ("sha256", "sha512"))
        with _tagged(result, "bag"):
            _verify_bag(target, "", result, cache, progress)
        _mark_failed(result)
        return result
    layout = Layout(target)
    markers = (layout.harvest, layout.corpus, layout.package, layout.report, target / PIPELINE_STATE)
    if not (target.is_dir() and any(p.exists() for p in markers)):
        raise ArchiveOutError(
            f"{target} is not an output folder (with harvest/ or corpus/), a bag (with bagit.txt) or a .wacz file")
    result = VerifyResult(target, "out")
    if progress:
        total = _tree_bytes(layout) + _bag_copy_bytes(layout.bag, layout)
        total += sum(p.stat().st_size for p in layout.waczs())
        progress.start(total)
    expected = _expected_parts(layout)
    warc_sums = _verify_tree(layout, "", result, cache, progress)
    if not layout.corpus.is_dir():
        result.part("corpus", "absent")
    intact_by_warc: dict[str, str] = {}
    copies: dict[str, tuple[Path, str]] = {}
    intact_index: dict[str, str] = {}
    for wacz in layout.waczs():
        label = f"package/{wacz.name}"
        with _tagged(result, "wacz"):
            intact = _verify_wacz(wacz, label, result, progress)
        _compare_copies(result, warc_sums, label, intact, wacz, layout)
        intact_index.update(intact)
        for member in intact:
            if member.startswith("archive/"):
                intact_by_warc.setdefault(nfc(os.path.basename(member)), f"{label}!{member}")
                copies.setdefault(nfc(os.path.basename(member)), (wacz, member))
    if not layout.waczs():
        result.part("wacz", "absent")
    if layout.cdxj.exists():
        with _tagged(result, "index"):
            _check_index(layout, result, cache, intact_index, progress)
    else:
        result.part("index", "absent")
    if layout.bag.is_dir():
        links = {}
        for warc in warc_files(layout.warc_dir):
            st = warc.stat()
            links[(st.st_dev, st.st_ino)] = warc.name
        with _tagged(result, "bag"):
            _verify_bag(layout.bag, "package/bag", result, cache, progress, links, intact_by_warc, copies)
    else:
        result.part("bag", "absent")
    if layout.report.is_dir():
        with _tagged(result, "report"):
            _check_report(layout, result, cache, progress)
    else:
        result.part("report", "absent")
    for part in [p for p in result.parts if p.state == "absent"]:
        if part.name in expected:
            result.failures.append(FileMissing(file=PART_PATHS[part.name], detail=f"absent, but {expected[part.name]}",
                                               part=part.name))
            result.part(part.name, "missing", expected[part.name])
        else:
            result.part(part.name, "absent", ABSENT_HINTS.get(part.name, ""))
    order = list(PART_PATHS)
    result.parts.sort(key=lambda p: order.index(p.name) if p.name in order else len(order))
    _mark_failed(result)
    return result


@contextlib.contextmanager
def _tagged(result: VerifyResult, part: str):
    """Failures added inside the block belong to `part` (unless they already name theirs)."""
    start = len(result.failures)
    yield
    result.failures[start:] = [f if f.part else dataclasses.replace(f, part=part) for f in result.failures[start:]]


def _mark_failed(result: VerifyResult) -> None:
    """A checked part with failures becomes `failed`, its note starting with what failed out of how many."""
    c = result.checked
    for i, part in enumerate(list(result.parts)):
        failures = [f for f in result.failures if f.part == part.name]
        if part.state != "checked" or not failures:
            continue
        if part.name == "harvest" and c.get("warc_records_damaged"):
            total = c.get("warc_records", 0) + c.get("warc_records_unparsed", 0)
            head = (f"{c['warc_records_damaged']:,} of {_n(total, 'record')} damaged, in "
                    f"{c.get('warc_files_damaged', 0)} of {_n(c.get('warc_files', 0), 'WARC file')}")
        elif part.name == "corpus" and any(f.record for f in failures):
            records = {(f.file, f.record.split(" ")[0]) for f in failures if f.record}
            head = f"{len(records):,} of {_n(c.get('corpus_records', 0), 'record')} fail their checks"
        elif part.name == "bag" and c.get("bag_files"):
            files = {f.file for f in failures}
            head = f"{len(files):,} of {_n(c['bag_files'], 'file')} fail their manifests"
        else:
            head = _n(len(failures), "problem")
        result.parts[i] = Part(part.name, "failed", f"{head}; {part.note}" if part.note else head)


def _verify_tree(layout: Layout, prefix: str, result: VerifyResult, cache: _HashCache,
                 progress: Progress | None, algorithms: tuple[str, ...] | None = None) -> dict[str, str]:
    """WARC records, then the corpus against them; returns the WARCs' sha256 sums by NFC name."""
    manifest_warcs: dict[str, str] = {}
    manifest_path = layout.corpus / "manifest.json"
    if manifest_path.exists():
        try:
            manifest_warcs = _manifest_sections(json.loads(manifest_path.read_text(encoding="utf-8")))[1]
        except (json.JSONDecodeError, UnicodeDecodeError):
            manifest_warcs = {}
    with _tagged(result, "harvest"):
        expected = _expected_warcs(layout, manifest_warcs, result, prefix)
        if algorithms is None:
            algorithms = ("sha256", "sha512") if layout.bag.is_dir() else ("sha256",)
        scans = _verify_warcs(layout, prefix, result, cache, algorithms, progress, expected)
    with _tagged(result, "corpus"):
        _verify_corpus(layout, prefix, result, cache, progress, scans)
    sums = {}
    for path in warc_files(layout.warc_dir):
        known = cache.sums.get(cache.key(path), {})
        if "sha256" in known:
            sums[nfc(path.name)] = known["sha256"]
    return sums
