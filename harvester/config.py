"""Harvest settings: TOML file < `--set section.key=value` overrides, validated into frozen dataclasses.

Every setting has a default here (one place, as Scrapy's default_settings); `load_config` reports the
first bad key with its section so the CLI can exit 2 with a message a user can act on.
"""
from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from harvester.errors import ConfigError
from harvester.selectors import selector_xpath
from harvester.urls import normalize, split_host_port, valid_port

TRAP_RULES = (
    "calendar", "replytocom", "share", "like_comment", "login_admin", "search", "amp", "feed_fanout",
    "attachment", "event_calendar", "preview", "session_id", "oembed", "query_explosion", "page_beyond_last",
)


@dataclass(frozen=True)
class HarvestSettings:
    name: str = "wparchive"
    operator: str = ""
    user_agent: str = "wparchive/0.1 (+https://example.org/wparchive; archive@example.org)"
    description: str = ""


@dataclass(frozen=True)
class WordPressSettings:
    site: str = ""
    chain_start: str = "auto"
    auto_strategy: tuple[str, ...] = ("date-archives", "previous-links")
    next_rel: str = "next"
    prev_rel: str = "prev"
    next_text: str = r"N[äa]sta|Next"
    prev_text: str = r"F[öo]reg[åa]ende|Previous"
    nav_selectors: tuple[str, ...] = (
        ".post-navigation", ".navigation-post", "#nav-above", "#nav-below", ".nav-links",
        ".navigation", "nav",
    )
    post_pattern: str = r"^/\d{4}/\d{2}/\d{2}/[^/]+/?$"
    listings: tuple[str, ...] = ()
    menu_listings: bool = True
    sitemaps: bool = True
    feeds: bool = True
    shortlinks: bool = True
    original_images: bool = True


@dataclass(frozen=True)
class TumblrSettings:
    blogs: tuple[str, ...] = ()
    api: bool = True
    api_page_size: int = 50
    rss: bool = True
    archive: bool = True


@dataclass(frozen=True)
class ScopeSettings:
    extra_hosts: tuple[str, ...] = ()
    media_hosts: tuple[str, ...] = ("*.media.tumblr.com",)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    requisite_extensions: tuple[str, ...] = (
        "jpg", "jpeg", "png", "gif", "webp", "svg", "ico", "css", "js", "pdf", "doc", "docx", "ppt",
        "pptx", "xls", "xlsx", "odt", "mp3", "mp4", "woff", "woff2", "ttf",
    )


@dataclass(frozen=True)
class PolitenessSettings:
    delay: float = 1.0
    max_connections_per_host: int = 1
    concurrency: int = 4
    respect_robots: bool = True


@dataclass(frozen=True)
class NetworkSettings:
    proxy: str = ""
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 1.0
    max_backoff: float = 60.0
    max_retry_after: float = 120.0
    accept_encoding: str = "gzip"


@dataclass(frozen=True)
class LimitSettings:
    max_response_bytes: int = 100_000_000
    max_decompressed_bytes: int = 20_000_000
    max_pages: int = 0
    max_depth: int = 0


@dataclass(frozen=True)
class TrapSettings:
    enabled: bool = True
    rules: tuple[str, ...] = TRAP_RULES
    max_query_variants: int = 20
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class WarcSettings:
    prefix: str = ""
    max_size: int = 1_000_000_000
    revisits: bool = True


@dataclass(frozen=True)
class ProgressSettings:
    mode: str = "auto"
    interval: float = 5.0


@dataclass(frozen=True)
class HarvestConfig:
    harvest: HarvestSettings = field(default_factory=HarvestSettings)
    wordpress: WordPressSettings = field(default_factory=WordPressSettings)
    tumblr: TumblrSettings = field(default_factory=TumblrSettings)
    scope: ScopeSettings = field(default_factory=ScopeSettings)
    politeness: PolitenessSettings = field(default_factory=PolitenessSettings)
    network: NetworkSettings = field(default_factory=NetworkSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    traps: TrapSettings = field(default_factory=TrapSettings)
    warc: WarcSettings = field(default_factory=WarcSettings)
    progress: ProgressSettings = field(default_factory=ProgressSettings)
    source: str = ""

    def replace(self, **sections: Any) -> "HarvestConfig":
        return dataclasses.replace(self, **sections)

    @property
    def warc_prefix(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]+", "-", self.warc.prefix or self.harvest.name).strip("-") or "wparchive"

    @property
    def site_hosts(self) -> tuple[str, ...]:
        """Allowed hosts as `host` (the scheme's default port) or `host:port`, as scope compares them."""
        hosts = []
        if self.wordpress.site:
            site = normalize(self.wordpress.site)
            hosts.append(urlsplit(site).netloc if site else "")
        hosts.extend(self.tumblr.blogs)
        hosts.extend(self.scope.extra_hosts)
        return tuple(h for h in hosts if h)

    def redacted(self) -> "HarvestConfig":
        """The same settings with proxy credentials removed: what logs, WARCs and summaries may show."""
        proxy = self.network.proxy
        parts = urlsplit(proxy) if proxy else None
        if parts is None or not (parts.username or parts.password):
            return self
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        clean = proxy.replace(parts.netloc, host, 1)
        return dataclasses.replace(self, network=dataclasses.replace(self.network, proxy=clean))

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("source", None)
        return _plain(data)


SECTIONS = {f.name: f.type for f in fields(HarvestConfig) if f.name != "source"}
_SECTION_CLASSES = {
    "harvest": HarvestSettings, "wordpress": WordPressSettings, "tumblr": TumblrSettings,
    "scope": ScopeSettings, "politeness": PolitenessSettings, "network": NetworkSettings,
    "limits": LimitSettings, "traps": TrapSettings, "warc": WarcSettings, "progress": ProgressSettings,
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def parse_override(text: str) -> tuple[str, str, Any]:
    """`section.key=value` -> (section, key, value); value is TOML when it parses as TOML, else a string."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} is not of the form section.key=value")
    dotted, raw = text.split("=", 1)
    parts = dotted.strip().split(".")
    if len(parts) != 2 or not all(parts):
        raise ConfigError(f"override {text!r}: the key must be section.key (e.g. politeness.delay=0.5)")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return parts[0], parts[1], value


def _coerce(section: str, key: str, ftype: Any, value: Any) -> Any:
    where = f"{section}.{key}"
    tname = ftype if isinstance(ftype, str) else getattr(ftype, "__name__", str(ftype))
    if tname.startswith("tuple"):
        if isinstance(value, str):
            value = [value] if value else []
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError("expected a list of strings", where)
        return tuple(value)
    if tname == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"expected true or false, got {value!r}", where)
        return value
    if tname == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected an integer, got {value!r}", where)
        return value
    if tname == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"expected a number, got {value!r}", where)
        return float(value)
    if not isinstance(value, str):
        raise ConfigError(f"expected a string, got {value!r}", where)
    return value


def build_config(data: dict[str, Any], source: str = "") -> HarvestConfig:
    """Validate a parsed TOML mapping into a HarvestConfig (ConfigError names the first bad key)."""
    sections: dict[str, Any] = {}
    for section, values in data.items():
        cls = _SECTION_CLASSES.get(section)
        if cls is None:
            raise ConfigError(f"unknown section [{section}]; known: {', '.join(sorted(_SECTION_CLASSES))}")
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table")
        known = {f.name: f.type for f in fields(cls)}
        kwargs = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"unknown setting; known in [{section}]: {', '.join(sorted(known))}",
                                  f"{section}.{key}")
            kwargs[key] = _coerce(section, key, known[key], value)
        sections[section] = cls(**kwargs)
    cfg = HarvestConfig(**sections, source=source)
    validate(cfg)
    return cfg


CREDENTIALS_ADVICE = (
    "remove the user:password@ part: URL settings are written as given into config.toml, summary.json "
    "and every warcinfo record (a proxy that needs a login belongs in network.proxy, whose credentials "
    "are never stored)"
)


def _masked(value: str) -> str:
    """The value with everything from `//` to the last `@` replaced by `***`, so an error message never
    repeats a secret, not even a password holding `/`, `?` or `#` (which end the host part of a URL)."""
    prefix, sep, rest = value.partition("//")
    prefix, rest = (prefix + sep, rest) if sep else ("", value)
    if "@" not in rest:
        return value
    return prefix + "***" + rest[rest.rindex("@"):]


def _credentials(value: str, where: str, note: str = "") -> ConfigError:
    return ConfigError(f"{_masked(value)!r} carries credentials (user:password@){note}; {CREDENTIALS_ADVICE}",
                       where)


def _check_url(value: str, where: str, credentials_ok: bool = False) -> None:
    """An absolute http(s) URL with a numeric port; credentials only where the setting keeps them secret.

    Any `@` after `//` counts as the end of a user:password part, wherever a parser would put it: in
    `http://u:p/ss@h/` or `http://u:12#x@evil/` the host is `h` or `evil` to whoever wrote it.
    """
    rest = value.partition("//")[2]
    beyond_host = rest.count("@") - re.split(r"[/?#]", rest, maxsplit=1)[0].count("@")
    if "@" in rest and not credentials_ok:
        raise _credentials(value, where, " (an '@' that belongs to the path or query is written %40)"
                           if beyond_host else "")
    if beyond_host:
        raise ConfigError(f"{_masked(value)!r}: the user:password part holds '/', '?' or '#', which end the "
                          "host part of a URL; percent-encode them (%2F, %3F, %23)", where)
    try:
        parts = urlsplit(value)
        parts.port
    except ValueError as exc:
        why = "its port is not a number from 0 to 65535" if "port" in str(exc).lower() else str(exc)
        raise ConfigError(f"{_masked(value)!r} is not a usable URL: {why}", where) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"expected an http(s) URL, got {_masked(value)!r}", where)


def _check_host(entry: str, where: str) -> None:
    """A scope entry: `host` (the scheme's default port) or `host:port`, never with credentials; the
    host may be an fnmatch pattern (`[0-9]*.media.tumblr.com`), so it is split here, not by urlsplit."""
    if "@" in entry:
        raise _credentials(entry, where)
    host, port = split_host_port(entry)
    if not host or (port is not None and not valid_port(port)):
        raise ConfigError(f"expected host or host:port with a port from 0 to 65535, got {entry!r}", where)


def _check_listing(entry: str, where: str) -> None:
    """A listing is a path on the site or an absolute http(s) URL; an absolute one is checked like a URL."""
    if "://" in entry or entry.startswith("//"):
        _check_url(entry if "://" in entry else "http:" + entry, where)


def validate(cfg: HarvestConfig) -> None:
    wp, tb, pol, net, lim = cfg.wordpress, cfg.tumblr, cfg.politeness, cfg.network, cfg.limits
    if not wp.site and not tb.blogs:
        raise ConfigError("nothing to harvest: set wordpress.site and/or tumblr.blogs")
    if wp.site:
        _check_url(wp.site, "wordpress.site")
    if wp.chain_start != "auto":
        _check_url(wp.chain_start, "wordpress.chain_start")
    for entry in wp.listings:
        _check_listing(entry, "wordpress.listings")
    for sel in wp.nav_selectors:
        try:
            selector_xpath(sel)
        except ValueError as exc:
            raise ConfigError(str(exc), "wordpress.nav_selectors") from None
    for strategy in wp.auto_strategy:
        if strategy not in ("date-archives", "previous-links"):
            raise ConfigError(f"unknown strategy {strategy!r}; use date-archives and/or previous-links",
                              "wordpress.auto_strategy")
    for key in ("next_text", "prev_text", "post_pattern"):
        try:
            re.compile(getattr(wp, key))
        except re.error as exc:
            raise ConfigError(f"not a regular expression: {exc}", f"wordpress.{key}") from None
    for blog in tb.blogs:
        if "@" in blog:
            raise _credentials(blog, "tumblr.blogs")
        if not re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}", blog):
            raise ConfigError(f"expected a blog host name like name.tumblr.com, got {blog!r}", "tumblr.blogs")
    if not 1 <= tb.api_page_size <= 50:
        raise ConfigError("must be between 1 and 50 (the API's maximum)", "tumblr.api_page_size")
    for key in ("extra_hosts", "media_hosts"):
        for entry in getattr(cfg.scope, key):
            _check_host(entry, f"scope.{key}")
    for key in ("include", "exclude"):
        for pattern in getattr(cfg.scope, key):
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"not a regular expression: {pattern!r} ({exc})", f"scope.{key}") from None
    for pattern in cfg.traps.extra:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ConfigError(f"not a regular expression: {pattern!r} ({exc})", "traps.extra") from None
    for rule in cfg.traps.rules:
        if rule not in TRAP_RULES:
            raise ConfigError(f"unknown trap rule {rule!r}; known: {', '.join(TRAP_RULES)}", "traps.rules")
    if pol.delay < 0:
        raise ConfigError("must be >= 0", "politeness.delay")
    if pol.max_connections_per_host < 1:
        raise ConfigError("must be >= 1", "politeness.max_connections_per_host")
    if pol.concurrency < 1:
        raise ConfigError("must be >= 1", "politeness.concurrency")
    if net.proxy:
        _check_url(net.proxy, "network.proxy", credentials_ok=True)
    if net.timeout <= 0:
        raise ConfigError("must be > 0", "network.timeout")
    if net.retries < 0:
        raise ConfigError("must be >= 0", "network.retries")
    if net.accept_encoding not in ("gzip", "identity"):
        raise ConfigError("must be gzip or identity", "network.accept_encoding")
    for key in ("max_pages", "max_depth"):
        if getattr(lim, key) < 0:
            raise ConfigError(f"must be >= 0 (0 = no limit), got {getattr(lim, key)}", f"limits.{key}")
    if lim.max_response_bytes < 1024 or lim.max_decompressed_bytes < 1024:
        raise ConfigError("size caps must be at least 1024 bytes", "limits")
    if cfg.warc.max_size < 1024:
        raise ConfigError("must be at least 1024 bytes", "warc.max_size")
    if cfg.progress.mode not in ("auto", "bar", "plain", "quiet"):
        raise ConfigError("must be auto, bar, plain or quiet", "progress.mode")
    if "@" not in cfg.harvest.user_agent and "http" not in cfg.harvest.user_agent:
        raise ConfigError("the User-Agent must carry a contact URL or e-mail address", "harvest.user_agent")


def load_config(path: str | os.PathLike[str] | None, overrides: list[str] | tuple[str, ...] = ()) -> HarvestConfig:
    """Read a TOML config (or only defaults when path is None) and apply `section.key=value` overrides."""
    data: dict[str, Any] = {}
    source = ""
    if path is not None:
        source = str(Path(path))
        data = _read_toml(path)
    for text in overrides:
        section, key, value = parse_override(text)
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            raise ConfigError(f"[{section}] must be a table")
        data[section][key] = value
    return build_config(data, source=source)


def _read_toml(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {p}") from None
    except IsADirectoryError:
        raise ConfigError(f"{p} is a folder, not a config file; give the path of a .toml file") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the config file {p}: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p} is not valid TOML: {exc}") from None


def _flat(cfg: HarvestConfig) -> dict[str, Any]:
    return {f"{section}.{key}": value for section, values in cfg.to_dict().items() for key, value in values.items()}


def resume_config(stored: str | os.PathLike[str], path: str | os.PathLike[str] | None,
                  overrides: list[str] | tuple[str, ...] = ()) -> tuple[HarvestConfig, list[str]]:
    """The settings of a resumed harvest and what changed: the stored run's, then what the user gives now.

    The config file's keys apply where they differ from the stored value, except empty strings, which
    mean "not set" (e.g. `proxy = ""`); `--set`/`--proxy` overrides always apply. Returns the config and
    one line per changed setting.
    """
    base = _read_toml(stored)
    before = build_config(base, source=str(stored))
    data = {section: dict(values) for section, values in base.items() if isinstance(values, dict)}
    given = _read_toml(path) if path is not None else {}
    for section, values in given.items():
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table")
        for key, value in values.items():
            if value != "":
                data.setdefault(section, {})[key] = value
    for text in overrides:
        section, key, value = parse_override(text)
        data.setdefault(section, {})[key] = value
    cfg = build_config(data, source=str(path or stored))
    old, new = _flat(before.redacted()), _flat(cfg.redacted())
    changes = [f"{key}: {old.get(key)!r} (stored) -> {new[key]!r}" for key in sorted(new) if old.get(key) != new[key]]
    return cfg, changes


def config_for(out_dir: str | os.PathLike[str], path: str | os.PathLike[str] | None,
               overrides: list[str] | tuple[str, ...] = (), resume: bool = False) -> tuple[HarvestConfig, list[str] | None]:
    """The config a (resumed) harvest into OUT uses: `resume_config` when OUT/harvest/config.toml exists and
    `resume` is set, else `load_config`. The second item lists changed settings, or None if nothing was stored."""
    stored = Path(out_dir) / "harvest" / "config.toml"
    if resume and stored.is_file():
        return resume_config(stored, path, overrides)
    return load_config(path, overrides), None


def effective_proxy(cfg: HarvestConfig) -> str:
    """The proxy in force: the config key (or --proxy), else the standard http_proxy variable, checked like the key."""
    if cfg.network.proxy:
        return cfg.network.proxy
    for name in ("http_proxy", "HTTP_PROXY"):
        value = os.environ.get(name)
        if value:
            _check_url(value, f"{name} (environment variable)", credentials_ok=True)
            return value
    return ""


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dump_toml(cfg: HarvestConfig) -> str:
    """The effective configuration as TOML (what OUT/harvest/config.toml records)."""
    lines = ["# effective configuration of this harvest (defaults, file and overrides merged)"]
    for section, values in cfg.to_dict().items():
        lines.append(f"\n[{section}]")
        for key, value in values.items():
            lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"
