"""The replica's one exception root."""
from __future__ import annotations


class ReplicaError(Exception):
    """Anything the replica refuses to do: a bad configuration, a port it cannot bind."""


class ConfigError(ReplicaError):
    """A ReplicaConfig that cannot describe a site (say, skipping the closing post from the chain)."""

    def __init__(self, field: str, value: object, why: str) -> None:
        self.field = field
        self.value = value
        self.why = why
        super().__init__(f"ReplicaConfig.{field}={value!r}: {why}")
