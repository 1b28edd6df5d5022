"""`verify(PATH)`: re-check every digest of an OUT folder, a bag or a WACZ; write nothing.

Each WARC is read once: record block and payload digests are recomputed while the file's
sha256/sha512 are taken in the same pass, and bag and WACZ manifests that point at the same
bytes (hard links, identical copies) are checked against those sums instead of re-reading.
"""
from __future__ import annotations

import hashlib
import json
import os
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
    SchemaViolation, UnexpectedFile, VerificationError,
)
from archive_out.layout import Layout
from archive_out.warcs import read_capture, scan_warc

CHUNK = 1 << 20
RECORD_FILES = ("posts.jsonl", "pages.jsonl", "tumblr_posts.jsonl", "media.jsonl", "listings.jsonl", "rejects.jsonl")
SCHEMA_ANNOTATIONS = {"$schema", "$id", "$defs", "definitions", "title", "description", "version", "$comment", "oneOf"}
MAX_FAILURES_PER_FILE = 200


class Progress(Protocol):
    """What verify reports while it reads: the total bytes it will read, then each chunk."""

    def start(self, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


@dataclass
class VerifyResult:
    """Outcome of one verify run; `ok` only when nothing failed."""

    path: Path
    kind: str
    failures: list[Failure] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

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
    present = {_nfc(p.name): p for p in warc_files(layout.warc_dir)}
    expected = {_nfc(k): v for k, v in expected.items()}
    if layout.warc_dir.is_dir():
        for path in sorted(layout.warc_dir.glob("*.open")):
            result.failures.append(UnexpectedFile(
                file=f"{prefix}harvest/warc/{path.name}",
                detail="a WARC still being written: the harvest did not finish; run `wparchive harvest --resume`"))
    for name in sorted(set(expected) - set(present)):
        result.failures.append(FileMissing(file=f"{prefix}harvest/warc/{name}",
                                           detail="listed by summary.json / corpus manifest.json"))
    for name, path in sorted(present.items()):
        label = f"{prefix}harvest/warc/{path.name}"
        scan = scan_warc(str(path), label, algorithms, progress.advance if progress else None)
        scans[path.name] = scan
        cache.put(path, scan.file_hashes)
        result.count("warc_files")
        result.count("warc_records", scan.records)
        result.count("digests", scan.digests_checked)
        result.failures.extend(scan.failures)
        want = expected.get(name)
        if want and want.lower() != scan.file_hashes.get("sha256"):
            result.failures.append(ChecksumMismatch(file=label, expected=f"sha256:{want}",
                                                    found=f"sha256:{scan.file_hashes.get('sha256')}",
                                                    detail="differs from corpus/manifest.json"))
    return scans


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", name)


def _find_warc(warc_dir: Path, name: str) -> Path | None:
    """The WARC a record names, also when one side of the copy normalised the name (NFC/NFD)."""
    for form in (name, _nfc(name), unicodedata.normalize("NFD", name)):
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


def _check_capture(capture: dict, layout: Layout, prefix: str, label: str, rid: str, result: VerifyResult,
                   missing: dict[tuple[str, str], int], files: _OpenFiles, scans: dict) -> None:
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
    try:
        facts = read_capture(str(path), offset, files.get(path))
    except Exception as exc:  # any parse failure at a wrong offset is the finding itself
        result.failures.append(ProvenanceMismatch(
            file=label, record=rid, expected=f"a WARC record at {warc_name}:{offset}",
            found=f"{type(exc).__name__}: {exc}", detail="capture.offset"))
        return
    result.count("provenance")
    if scan is not None and scan.is_damaged(offset):
        result.failures.append(ProvenanceMismatch(
            file=label, record=rid, expected=f"intact bytes at {warc_name}:{offset}",
            found="a WARC record that fails its own checks (see the WARC failures above)", detail="capture"))
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
    manifest = _load_json(corpus / "manifest.json", result, f"{prefix}corpus/manifest.json") or {}
    files, warc_sums = _manifest_sections(manifest)
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
    schema = _load_json(corpus / "schema.json", result, f"{prefix}corpus/schema.json")
    check = _record_checker(schema, f"{prefix}corpus/schema.json", result) if schema is not None else None
    missing: dict[tuple[str, str], int] = {}
    scans = scans or {}
    open_files = _OpenFiles()
    try:
        _check_records(corpus, layout, prefix, result, check, missing, open_files, progress, scans)
    finally:
        open_files.close()
    for (label, warc_name), count in sorted(missing.items()):
        if count > 1:
            result.failures.append(ProvenanceMismatch(
                file=label, expected=f"{prefix}harvest/warc/{warc_name}", found="no such WARC file",
                detail=f"{count - 1} more record(s) point into this missing WARC"))
    return warc_sums


def _check_records(corpus: Path, layout: Layout, prefix: str, result: VerifyResult, check, missing: dict,
                   files: _OpenFiles, progress: Progress | None, scans: dict) -> None:
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
                    _check_capture(capture, layout, prefix, label, rid, result, missing, files, scans)
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


def _verify_bag(bag_dir: Path, label: str, result: VerifyResult, cache: _HashCache, progress: Progress | None) -> None:
    try:
        bag = bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        result.failures.append(InvalidPackage(file=label, detail=str(exc)))
        return
    try:
        bag.validate(completeness_only=True)
    except bagit.BagValidationError as exc:
        for d in exc.details or []:
            path = getattr(d, "path", "")
            kind = FileMissing if isinstance(d, bagit.FileMissing) else UnexpectedFile
            result.failures.append(kind(file=f"{label}/{path}", detail=str(d)))
        if not exc.details:
            result.failures.append(InvalidPackage(file=f"{label}/bag-info.txt", detail=str(exc)))
    except bagit.BagError as exc:
        result.failures.append(InvalidPackage(file=label, detail=str(exc)))
        return
    for rel, hashes in sorted(bag.entries.items()):
        path = bag_dir / bag.normalized_filesystem_names.get(rel, rel)
        if not path.exists():
            result.failures.append(FileMissing(file=f"{label}/{rel}", detail="listed in a bag manifest"))
            continue
        sums = cache.get(path, tuple(hashes), progress)
        result.count("bag_files")
        for alg, want in sorted(hashes.items()):
            if sums.get(alg) != want.lower():
                result.failures.append(ChecksumMismatch(file=f"{label}/{rel}", expected=f"{alg}:{want.lower()}",
                                                        found=f"{alg}:{sums.get(alg)}", detail="bag manifest"))


def _hash_stream(fh: BinaryIO, progress: Progress | None) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    while data := fh.read(CHUNK):
        sha.update(data)
        size += len(data)
        if progress:
            progress.advance(len(data))
    return sha.hexdigest(), size


def _verify_wacz(path: Path, label: str, result: VerifyResult, progress: Progress | None,
                 warc_sums: dict[str, str] | None = None) -> None:
    """datapackage-digest → datapackage.json → every member's sha256 and size; zip CRCs as read."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        result.failures.append(InvalidPackage(file=label, detail=f"not a readable zip: {exc}"))
        return
    with zf:
        names = set(zf.namelist())
        try:
            package_bytes = zf.read("datapackage.json")
            package = json.loads(package_bytes)
        except KeyError:
            result.failures.append(FileMissing(file=f"{label}!datapackage.json"))
            return
        except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError) as exc:
            result.failures.append(InvalidPackage(file=f"{label}!datapackage.json", detail=str(exc)))
            return
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
            if warc_sums and member.startswith("archive/"):
                base = os.path.basename(member)
                if base in warc_sums and warc_sums[base] != found:
                    result.failures.append(ChecksumMismatch(
                        file=where, expected=f"sha256:{warc_sums[base]}", found=f"sha256:{found}",
                        detail=f"differs from harvest/warc/{base}"))
        for member in sorted(names - listed - {"datapackage.json", "datapackage-digest.json"}):
            if not member.endswith("/"):
                result.failures.append(UnexpectedFile(file=f"{label}!{member}", detail="not listed in datapackage.json"))


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


def verify(path: str | os.PathLike, progress: Progress | None = None) -> VerifyResult:
    """Verify an OUT folder, a bag folder or a .wacz file; raise only if PATH is none of those."""
    target = Path(path)
    cache = _HashCache()
    if target.is_file() and target.suffix == ".wacz":
        result = VerifyResult(target, "wacz")
        if progress:
            progress.start(2 * target.stat().st_size)
        _verify_wacz(target, target.name, result, progress)
        _scan_wacz_warcs(target, target.name, result, progress)
        return result
    if target.is_dir() and (target / "bagit.txt").exists():
        result = VerifyResult(target, "bag")
        data = Layout(target / "data")
        if progress:
            progress.start(_tree_bytes(data) + _bag_copy_bytes(target, data))
        _verify_tree(data, "data/", result, cache, progress, ("sha256", "sha512"))
        _verify_bag(target, target.name, result, cache, progress)
        return result
    layout = Layout(target)
    if target.is_dir() and (layout.harvest.is_dir() or layout.corpus.is_dir()):
        result = VerifyResult(target, "out")
        if progress:
            total = _tree_bytes(layout) + _bag_copy_bytes(layout.bag, layout)
            total += sum(p.stat().st_size for p in layout.waczs())
            progress.start(total)
        warc_sums = _verify_tree(layout, "", result, cache, progress)
        if layout.bag.is_dir():
            _verify_bag(layout.bag, "package/bag", result, cache, progress)
        for wacz in layout.waczs():
            _verify_wacz(wacz, f"package/{wacz.name}", result, progress, warc_sums)
        return result
    raise ArchiveOutError(
        f"{target} is not an output folder (with harvest/ or corpus/), a bag (with bagit.txt) or a .wacz file")


def _verify_tree(layout: Layout, prefix: str, result: VerifyResult, cache: _HashCache,
                 progress: Progress | None, algorithms: tuple[str, ...] | None = None) -> dict[str, str]:
    """WARC records, then the corpus against them; returns the WARCs' sha256 sums by name."""
    manifest_warcs: dict[str, str] = {}
    manifest_path = layout.corpus / "manifest.json"
    if manifest_path.exists():
        try:
            manifest_warcs = _manifest_sections(json.loads(manifest_path.read_text(encoding="utf-8")))[1]
        except (json.JSONDecodeError, UnicodeDecodeError):
            manifest_warcs = {}
    expected = _expected_warcs(layout, manifest_warcs, result, prefix)
    if algorithms is None:
        algorithms = ("sha256", "sha512") if layout.bag.is_dir() else ("sha256",)
    scans = _verify_warcs(layout, prefix, result, cache, algorithms, progress, expected)
    _verify_corpus(layout, prefix, result, cache, progress, scans)
    sums = {}
    for path in warc_files(layout.warc_dir):
        known = cache.sums.get(cache.key(path), {})
        if "sha256" in known:
            sums[path.name] = known["sha256"]
    return sums
