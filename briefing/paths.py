"""Where the tool keeps its files: the cache (extractions, assembled models) and the data dir (the call log)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``BRIEFING_CACHE_DIR``, else the user cache dir (``~/.cache/briefing`` on Linux)."""
    from platformdirs import user_cache_dir

    return Path(os.environ.get("BRIEFING_CACHE_DIR") or user_cache_dir("briefing"))


def data_dir() -> Path:
    """``BRIEFING_DATA_DIR``, else the user data dir (``~/.local/share/briefing`` on Linux)."""
    from platformdirs import user_data_dir

    return Path(os.environ.get("BRIEFING_DATA_DIR") or user_data_dir("briefing"))


def prefix_dir() -> Path:
    """Where the local server keeps the KV state of the prompt's first turn between runs (``prefix-*.kv``):
    under the cache dir, so ``briefing cache clear`` clears it with the extractions."""
    return cache_dir() / "prefix"
