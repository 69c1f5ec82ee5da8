"""Built-in policy packs, shipped inside the package (``extends: builtin:NAME``)."""

from __future__ import annotations

from pathlib import Path

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"


def pack_names() -> list[str]:
    """Names of the built-in packs."""
    if not PACKS_DIR.is_dir():
        return []
    return sorted(p.stem for p in PACKS_DIR.glob("*.yaml"))


def pack_path(name: str) -> Path | None:
    """The file of built-in pack ``name``, or None."""
    return PACKS_DIR / f"{name}.yaml" if name in pack_names() else None
