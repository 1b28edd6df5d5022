"""CLI for `wparchive pipeline` (placeholder: the owning stage fills this in)."""
from __future__ import annotations


def register(sub) -> None:
    pass
