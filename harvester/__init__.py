"""harvester: a polite, resumable crawl of a WordPress site and Tumblr blogs into WARC files.

Public API (docs/architecture.md): `load_config(path, overrides=[...])`, `harvest(cfg, out_dir,
resume=False) -> HarvestResult`, `HarvestError`, `ConfigError`;
`harvest_status(out_dir)`: whether a harvest in OUT is finished (what `run --resume` skips).
"""
from harvester.config import HarvestConfig, config_for, load_config, resume_config
from harvester.crawler import HarvestResult, harvest
from harvester.errors import ConfigError, FetchError, HarvestError, NothingCaptured, StateError
from harvester.status import HarvestStatus, harvest_status

__all__ = ["load_config", "harvest", "HarvestConfig", "HarvestResult", "HarvestError", "ConfigError",
           "FetchError", "NothingCaptured", "StateError", "config_for", "resume_config",
           "HarvestStatus", "harvest_status"]
