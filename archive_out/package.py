"""`package(OUT)`: the CDXJ index, the WACZ, the report and the BagIt bag, in that order.

The report is built before the bag because the bag carries it; nothing here touches the
harvest or corpus files, which stay the single source the packages are made from.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from archive_out.bag import BagEntry, BagInfo, bagging_date, write_bag
from archive_out.cdxj import warc_files, write_cdxj
from archive_out.errors import MissingInputError, PackageError
from archive_out.layout import Layout, read_json
from archive_out.report import Report, build_report
from archive_out.report.completeness import host_of
from archive_out.wacz import WaczInfo, iter_pages, write_wacz

TOOL = "wparchive"


PLACEHOLDER_OPERATOR = "Your archive, archive@example.org"
PLACEHOLDER_DOMAIN = re.compile(r"@example\.(org|com|net)\b", re.I)


@dataclass(frozen=True)
class PackageWarning:
    """Something packaging did not stop for but the operator should fix; `code` lets callers choose."""

    code: str
    message: str


@dataclass(frozen=True)
class PackageResult:
    cdxj: Path
    cdxj_lines: int
    wacz: WaczInfo
    bag: BagInfo
    report: Report
    warnings: tuple[PackageWarning, ...] = ()


def _tool_version() -> str:
    try:
        from importlib.metadata import version

        return f"{TOOL} {version('wparchive')}"
    except Exception:
        return TOOL


def _parse_time(value: str | None) -> datetime:
    if value:
        try:
            stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
        except ValueError:
            pass
    return datetime(1980, 1, 1, tzinfo=timezone.utc)


def _package_settings(summary: dict) -> dict:
    config = summary.get("config") or {}
    merged: dict = {}
    for key in ("harvest", "archive", "package"):
        section = config.get(key)
        if isinstance(section, dict):
            merged.update(section)
    return merged


def _seed_hosts(summary: dict) -> list[str]:
    scope = summary.get("scope")
    hosts: list[str] = []
    if isinstance(scope, dict):
        for key in ("hosts", "allowed_hosts", "allow_hosts"):
            if isinstance(scope.get(key), list):
                hosts += [str(h) for h in scope[key]]
    elif isinstance(scope, list):
        hosts += [str(h) for h in scope]
    start = host_of((summary.get("chain") or {}).get("start"))
    if start:
        hosts = [start] + [h for h in hosts if h != start]
    return hosts


def wacz_name(summary: dict) -> str:
    settings = _package_settings(summary)
    name = settings.get("name") or (_seed_hosts(summary) or ["archive"])[0]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(name)).strip("-.") or "archive"


def _named_version(value) -> str:
    """`0.1.0` says nothing in bag-info.txt on its own; name the tool."""
    text = str(value or "").strip()
    return f"{TOOL} {text}" if text[:1].isdigit() else text


def operator_warnings(summary: dict) -> list[PackageWarning]:
    """Warn when bag-info.txt would name the example config's placeholder archive as its maker."""
    settings = _package_settings(summary)
    if settings.get("source_organization"):
        return []
    operator = str(settings.get("operator") or "").strip()
    if operator == PLACEHOLDER_OPERATOR or PLACEHOLDER_DOMAIN.search(operator):
        return [PackageWarning("placeholder_operator",
                               f"bag-info.txt names the example operator {settings.get('operator')!r} as Source-Organization "
                               "and Contact: set [harvest] operator = \"Your organisation, you@your.domain\" (or [package] "
                               "source_organization and contact_email) in the harvest config, then rerun `wparchive package`")]
    return []


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def bag_info(summary: dict, now: datetime | None = None) -> dict[str, str]:
    """bag-info.txt: who made it, how to reach them, what it is, when it was harvested and of what.

    Read from the harvest config: `[package]` source_organization, contact_name, contact_email,
    description, external_identifier; else `[harvest]` operator ("Name, email") and description.
    """
    settings = _package_settings(summary)
    operator = str(settings.get("operator") or "")
    email = EMAIL.search(operator) or EMAIL.search(str(settings.get("user_agent") or ""))
    operator_name = EMAIL.sub("", operator).strip(" ,;<>()") if operator else ""
    hosts = _seed_hosts(summary)
    info = {
        "Source-Organization": settings.get("source_organization") or operator_name
        or "not stated in the harvest config ([package] source_organization)",
        "Contact-Name": settings.get("contact_name") or operator_name,
        "Contact-Email": settings.get("contact_email") or (email.group(0) if email else ""),
        "External-Description": settings.get("external_description") or (
            f"{settings['description']}. " if settings.get("description") else "")
        + f"Web archive of {', '.join(hosts) or 'the harvested sites'}: WARC files, a JSON corpus of the posts, "
        "the crawl log and a completeness report, made by wparchive.",
        "Bagging-Date": bagging_date(now),
        "Harvest-Started": str(summary.get("started") or ""),
        "Harvest-Finished": str(summary.get("finished") or ""),
        "Harvest-Scope": " ".join(hosts),
        "Harvest-Tool": _named_version(summary.get("tool_version")),
        "Bag-Software-Agent": _tool_version() + " (bagit-python)",
    }
    if settings.get("external_identifier"):
        info["External-Identifier"] = str(settings["external_identifier"])
    return {k: v for k, v in info.items() if v}


def bag_entries(layout: Layout, warcs: list[Path]) -> list[BagEntry]:
    entries = [BagEntry(p, f"harvest/warc/{p.name}", link=True) for p in warcs]
    for name in ("crawl.log.jsonl", "summary.json", "config.toml"):
        path = layout.harvest / name
        if path.exists():
            entries.append(BagEntry(path, f"harvest/{name}", link=False))
    for folder, prefix in ((layout.corpus, "corpus"), (layout.report, "report")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file() and not path.name.endswith(".tmp"):
                    entries.append(BagEntry(path, f"{prefix}/{path.relative_to(folder).as_posix()}", link=False))
    return entries


def package(out_dir: str | os.PathLike, now: datetime | None = None, copy: bool = False) -> PackageResult:
    """Write OUT/package/index.cdxj, NAME.wacz and bag/, and OUT/report/; raise PackageError on bad input.

    The bag hard-links the WARCs unless `copy` is set (see archive_out.bag).
    """
    layout = Layout(Path(out_dir))
    summary = read_json(layout.summary, "harvest/summary.json", "run `wparchive harvest` (or `harvest --resume`) first")
    open_files = sorted(p.name for p in layout.warc_dir.glob("*.open")) if layout.warc_dir.is_dir() else []
    if open_files:
        raise PackageError(
            f"the harvest is unfinished ({', '.join(open_files)} still open); run `wparchive harvest --resume` first")
    warcs = warc_files(layout.warc_dir)
    if not warcs:
        raise MissingInputError(str(layout.warc_dir), "no WARC files; run `wparchive harvest` (or `harvest --resume`) first")
    if not (layout.corpus / "manifest.json").exists():
        raise MissingInputError(str(layout.corpus / "manifest.json"), "run `wparchive transform` first")
    lines = write_cdxj(warcs, layout.cdxj)
    report = build_report(out_dir)
    name = wacz_name(summary)
    chain_start = (summary.get("chain") or {}).get("start")
    for stale in layout.waczs():
        if stale.name != f"{name}.wacz":
            stale.unlink()
    wacz = write_wacz(
        layout.package / f"{name}.wacz",
        warcs,
        layout.cdxj,
        iter_pages(layout.corpus),
        created=_parse_time(summary.get("finished") or summary.get("started")),
        title=f"{name} web archive",
        description=bag_info(summary, now)["External-Description"],
        main_page=chain_start,
        software=_tool_version(),
    )
    bag = write_bag(layout.bag, bag_entries(layout, warcs), bag_info(summary, now), copy=copy)
    return PackageResult(layout.cdxj, lines, wacz, bag, report, tuple(operator_warnings(summary)))
