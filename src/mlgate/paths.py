"""How paths are shown to users: relative to the working directory when below it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it, POSIX-style."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def cache_dir(env: Mapping[str, str]) -> Path:
    """mlgate's cache folder: ``MLGATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlgate``, else
    ``~/.cache/mlgate`` (fetched packs, drift reference profiles)."""
    if env.get("MLGATE_CACHE_DIR"):
        return Path(env["MLGATE_CACHE_DIR"])
    xdg = env.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "mlgate"
