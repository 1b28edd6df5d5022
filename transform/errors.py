"""One exception root for the transform stage; each subclass carries its facts as fields."""
from __future__ import annotations


class TransformError(Exception):
    """Root of every error the transform stage raises on purpose."""


class NoWarcFiles(TransformError):
    def __init__(self, where: str):
        self.where = where
        super().__init__(
            f"no WARC files found in {where}; run `wparchive harvest` first or name files with --warc"
        )


class WarcUnreadable(TransformError):
    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"cannot read WARC file {path}: {reason}")
