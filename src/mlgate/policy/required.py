"""Required packs: a repository or organisation setting that every policy must extend them.

A compliance office writes the packs; a central CI template (``MLGATE_REQUIRED_PACKS``) or the
repository (``[tool.mlgate] required = [...]`` in ``pyproject.toml``, or ``required = [...]``
in ``mlgate.toml``, in the policy's folder or any folder above it up to the repository root)
names the ones a policy may not drop. A policy that does not extend one of them, directly or
through another pack, fails to load with exit 2 — so dropping the compliance pack is itself a
failed check, visible in review. Entries are built-in packs (``builtin:gdpr-pii``) or pack
files (relative to the settings file that names them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import PolicyError, Problem
from mlgate.paths import display_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

if TYPE_CHECKING:
    from mlgate.policy.loader import Policy

ENV = "MLGATE_REQUIRED_PACKS"


@dataclass(frozen=True)
class Requirement:
    """One required pack and where the requirement was written."""

    ref: str  # "builtin:NAME" or an absolute path
    origin: str  # "pyproject.toml [tool.mlgate]", "MLGATE_REQUIRED_PACKS", ...
    shown: str  # as the setting writes it


def _settings(folder: Path) -> list[tuple[Path, list[str]]]:
    """(settings file, required entries) from ``folder`` up to the repository root."""
    found: list[tuple[Path, list[str]]] = []
    for directory in [folder, *folder.parents]:
        for name, table in (("mlgate.toml", ()), ("pyproject.toml", ("tool", "mlgate"))):
            path = directory / name
            if not path.is_file():
                continue
            try:
                data: object = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise PolicyError(
                    [Problem(_relative(path), 0, 0, (), f"cannot read the settings: {exc}")]
                ) from None
            for key in table:
                data = data.get(key, {}) if isinstance(data, dict) else {}
            entries = data.get("required") if isinstance(data, dict) else None
            if entries is None:
                continue
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                where = "[tool.mlgate] required" if table else "required"
                raise PolicyError(
                    [Problem(_relative(path), 0, 0, (), f"{where} must be a list of packs")]
                )
            found.append((path, entries))
        if (directory / ".git").exists():
            break
    return found


def requirements(policy_file: Path, env: Mapping[str, str]) -> list[Requirement]:
    """Every pack a policy at ``policy_file`` must extend."""
    out: list[Requirement] = []
    for settings, entries in _settings(policy_file.resolve().parent):
        origin = _relative(settings) + (
            " [tool.mlgate] required" if settings.name == "pyproject.toml" else " required"
        )
        for entry in entries:
            ref = (
                entry if entry.startswith("builtin:") else str((settings.parent / entry).resolve())
            )
            out.append(Requirement(ref, origin, entry))
    for entry in env.get(ENV, "").replace(",", " ").split():
        ref = entry if entry.startswith("builtin:") else _path(Path(entry))
        out.append(Requirement(ref, ENV, entry))
    return out


def check_required(policy: Policy, env: Mapping[str, str] | None = None) -> None:
    """Raise :class:`PolicyError` (exit 2) when ``policy`` does not extend a required pack."""
    needed = requirements(policy.file, os.environ if env is None else env)
    have = set(policy.packs) | {str(p.resolve()) for p in policy.sources}
    problems = [
        Problem(
            policy.display,
            0,
            0,
            ("extends",),
            f"the policy does not extend the required pack `{r.shown}` (required by "
            f"{r.origin}); add it to `extends:`",
        )
        for r in needed
        if r.ref not in have
    ]
    if problems:
        raise PolicyError(problems)


def _path(path: Path) -> str:
    return str(path.resolve())


def _relative(path: Path) -> str:
    """A settings file as the user finds it from here (``../pyproject.toml``)."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive
        return display_path(path)
