"""One exception root for the harvester; each subclass carries the facts as fields."""
from __future__ import annotations


class HarvestError(Exception):
    """Root of every error the harvester raises on purpose."""


class ConfigError(HarvestError):
    """The configuration cannot be used; `key` names the offending setting when known."""

    def __init__(self, message: str, key: str | None = None):
        self.key = key
        super().__init__(f"{key}: {message}" if key else message)


class FetchError(HarvestError):
    """A fetch failed at the network level; `retryable` says whether another attempt may help."""

    def __init__(self, message: str, url: str, retryable: bool = True, outcome: str = "network_error"):
        self.url = url
        self.retryable = retryable
        self.outcome = outcome
        super().__init__(f"{url}: {message}")


class ResponseTooLarge(FetchError):
    """The response (raw or decompressed) passed a configured cap."""

    def __init__(self, message: str, url: str):
        super().__init__(message, url, retryable=False, outcome="too_large")


class StateError(HarvestError):
    """The crawl state or output folder cannot be used as asked (e.g. not empty without --resume)."""


class NothingCaptured(HarvestError):
    """The harvest ended without a single response; `cause` names why (the first failure's reason)."""

    def __init__(self, cause: str, out_dir: str = ""):
        self.cause = cause
        self.out_dir = out_dir
        super().__init__(f"nothing was captured: {cause}")
