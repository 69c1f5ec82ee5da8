"""Built-in policy packs and control catalogs (``extends: builtin:NAME``).

They live in the repository's top-level ``policies/`` folder and are shipped inside the
wheel as ``mlgate/policies``.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent


def policies_dir() -> Path | None:
    """The folder holding packs and ``controls/`` (inside the wheel, or the checkout)."""
    for candidate in (_HERE / "policies", _HERE.parent.parent / "policies"):
        if candidate.is_dir():
            return candidate
    return None


def pack_names() -> list[str]:
    """Names of the built-in packs."""
    root = policies_dir()
    return sorted(p.stem for p in root.glob("*.yaml")) if root else []


def pack_path(name: str) -> Path | None:
    """The file of built-in pack ``name``, or None."""
    root = policies_dir()
    return root / f"{name}.yaml" if root and name in pack_names() else None
