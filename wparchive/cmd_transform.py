"""CLI for `wparchive transform` (placeholder: the owning stage fills this in)."""
from __future__ import annotations


def register(sub) -> None:
    pass
