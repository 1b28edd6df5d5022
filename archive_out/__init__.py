"""archive_out: CDXJ, WACZ and BagIt packages of a harvest, its completeness report, and verify.

Reads OUT/harvest and OUT/corpus (never the network); writes OUT/package and OUT/report.
"""
from archive_out.errors import (
    ArchiveOutError, ChecksumMismatch, DigestMismatch, Failure, FileMissing, InvalidPackage,
    MissingInputError, PackageError, ProvenanceMismatch, RecordMismatch, SchemaViolation, UnexpectedFile,
    UnreadableRecord, VerificationError,
)
from archive_out.package import PackageResult, package
from archive_out.report import Report, build_report
from archive_out.verify import Part, VerifyResult, verify

__all__ = [
    "package", "build_report", "verify", "PackageResult", "Report", "VerifyResult", "Part",
    "ArchiveOutError", "MissingInputError", "PackageError", "VerificationError", "Failure",
    "DigestMismatch", "UnreadableRecord", "FileMissing", "UnexpectedFile", "ChecksumMismatch",
    "ProvenanceMismatch", "RecordMismatch", "SchemaViolation", "InvalidPackage",
]
