"""The crawl facts of one capture as a WARC `metadata` record body (`application/warc-fields`).

Named fields, one `name: value` per line, as Heritrix writes them: replay tools (pywb,
cdxj-indexer) skip `application/warc-fields` metadata, so a page's URL always replays the page.
`parse_fields` is the reader the tests and any later tool use; it never needs the network.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

CONTENT_TYPE = "application/warc-fields"


@dataclass(frozen=True)
class CaptureMetadata:
    """How a URL was reached and what it links to; `chain_hop` when the page is a hop of the chain."""

    via: str | None
    discovered_by: str
    depth: int
    outlinks: tuple[str, ...] = ()
    chain_hop: dict[str, Any] | None = field(default=None, compare=False)


def _clean(value: Any) -> str:
    return " ".join(str(value).split())


def to_warc_fields(meta: CaptureMetadata) -> bytes:
    """The record block: `via`, `wparchive-discovered-by`, `wparchive-depth`, `outlink`s, the hop as compact JSON."""
    lines = []
    if meta.via:
        lines.append(("via", meta.via))
    lines.append(("wparchive-discovered-by", meta.discovered_by or ""))
    lines.append(("wparchive-depth", str(int(meta.depth or 0))))
    for url in sorted(set(meta.outlinks)):
        lines.append(("outlink", url))
    if meta.chain_hop is not None:
        lines.append(("wparchive-chain-hop",
                      json.dumps(meta.chain_hop, sort_keys=True, ensure_ascii=False, separators=(",", ":"))))
    return "".join(f"{name}: {_clean(value)}\r\n" for name, value in lines).encode("utf-8")


def parse_fields(block: bytes) -> list[tuple[str, str]]:
    """`application/warc-fields` bytes as (name, value) pairs in order (names kept as written)."""
    pairs = []
    for line in block.decode("utf-8").splitlines():
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise ValueError(f"not a warc-fields line: {line!r}")
        pairs.append((name.strip(), value.strip()))
    return pairs


def from_warc_fields(block: bytes) -> CaptureMetadata:
    """Read back what `to_warc_fields` wrote (unknown fields, e.g. other crawlers', are ignored)."""
    via, discovered_by, depth, hop = None, "", 0, None
    outlinks: list[str] = []
    for name, value in parse_fields(block):
        key = name.lower()
        if key == "via":
            via = value or None
        elif key == "wparchive-discovered-by":
            discovered_by = value
        elif key == "wparchive-depth":
            depth = int(value or 0)
        elif key == "outlink":
            outlinks.append(value.split()[0] if value else value)
        elif key == "wparchive-chain-hop":
            hop = json.loads(value)
    return CaptureMetadata(via, discovered_by, depth, tuple(outlinks), hop)
