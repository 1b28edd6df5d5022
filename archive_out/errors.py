"""One exception root for archive_out, and the typed failures `verify` reports.

Modelled on bagit-python: a failure is a plain value naming the file, the record inside it
(if any), what was expected and what was found, so callers can print it or act on it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


class ArchiveOutError(Exception):
    """Root of every error archive_out raises."""


class MissingInputError(ArchiveOutError):
    """A stage output that packaging or reporting needs is absent."""

    def __init__(self, path: str, hint: str = "") -> None:
        self.path = path
        self.hint = hint
        message = f"missing input: {path}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class PackageError(ArchiveOutError):
    """Packaging could not produce a valid CDXJ, WACZ or bag."""


class VerificationError(ArchiveOutError):
    """Raised by callers that want an exception instead of a result; carries every failure."""

    def __init__(self, message: str, failures: list["Failure"]) -> None:
        self.failures = failures
        super().__init__(message)


@dataclass(frozen=True)
class Failure:
    """One thing that does not hold: which file, which record, expected vs found; `remedy` says how to
    repair it where verify knows a good copy, `part` which part of the archive (harvest, corpus, ...) it is in."""

    file: str
    record: str | None = None
    expected: str | None = None
    found: str | None = None
    detail: str | None = None
    remedy: str | None = None
    part: str | None = None

    what: ClassVar[str] = "failure"

    def __str__(self) -> str:
        parts = [f"{self.what}: {self.file}"]
        if self.record:
            parts.append(f"record {self.record}")
        text = ", ".join(parts)
        if self.detail:
            text += f": {self.detail}"
        if self.expected is not None or self.found is not None:
            text += f" (expected {self.expected}, found {self.found})"
        return text


@dataclass(frozen=True)
class DigestMismatch(Failure):
    """A WARC record's block or payload digest does not match its bytes."""

    what: ClassVar[str] = "digest mismatch"


@dataclass(frozen=True)
class UnreadableRecord(Failure):
    """A WARC record (or the file from that point on) cannot be parsed."""

    what: ClassVar[str] = "unreadable record"


@dataclass(frozen=True)
class FileMissing(Failure):
    """A file some manifest or record refers to does not exist."""

    what: ClassVar[str] = "file missing"


@dataclass(frozen=True)
class UnexpectedFile(Failure):
    """A file is present that no manifest lists."""

    what: ClassVar[str] = "unexpected file"


@dataclass(frozen=True)
class ChecksumMismatch(Failure):
    """A whole file's checksum differs from the manifest that lists it."""

    what: ClassVar[str] = "checksum mismatch"


@dataclass(frozen=True)
class ProvenanceMismatch(Failure):
    """A corpus record's capture does not point at the WARC record it claims."""

    what: ClassVar[str] = "provenance mismatch"


@dataclass(frozen=True)
class RecordMismatch(Failure):
    """A corpus record differs from the intact copy of its file that the bag holds."""

    what: ClassVar[str] = "record mismatch"


@dataclass(frozen=True)
class SchemaViolation(Failure):
    """A corpus record does not validate against corpus/schema.json."""

    what: ClassVar[str] = "schema violation"


@dataclass(frozen=True)
class InvalidPackage(Failure):
    """A bag or WACZ is structurally wrong (bad zip, bad tag file, bad datapackage)."""

    what: ClassVar[str] = "invalid package"
