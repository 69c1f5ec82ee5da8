"""Required packs: a repository or organisation setting that every policy must extend them.

A compliance office writes the packs; a central CI template (``MLGATE_REQUIRED_PACKS``) or the
repository (``[tool.mlgate] required = [...]`` in ``pyproject.toml``, or ``required = [...]``
in ``mlgate.toml``, in the policy's folder or any folder above it up to the repository root)
names the ones a policy may not drop. A policy that does not extend one of them, directly or
through another pack, fails to load with exit 2 — so dropping the compliance pack is itself a
failed check, visible in review. Entries are built-in packs (``builtin:gdpr-pii``), pack
files (relative to the settings file that names them) or remote packs
(``git+https://host/org/policies.git//packs/credit.yaml``, ``https://host/credit.yaml``). An
entry may add a version floor, ``builtin:gdpr-pii>=1.1``, met by the ``pack_version:`` the
extended pack declares, or a pin (``...@COMMIT``, ``...#sha256=DIGEST``) that the policy
must extend exactly.
"""

from __future__ import annotations

import os
import re
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
VERSION = re.compile(r"\d+(\.\d+){0,3}")


@dataclass(frozen=True)
class Requirement:
    """One required pack and where the requirement was written."""

    ref: str  # the pack's identity: "builtin:NAME", an absolute path, a remote pack unpinned
    origin: str  # "pyproject.toml [tool.mlgate]", "MLGATE_REQUIRED_PACKS", ...
    shown: str  # as the setting writes it
    floor: str | None = None  # the lowest `pack_version` accepted
    pin: str | None = None  # a remote reference that must be extended exactly


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
        out += [_requirement(e, settings.parent, origin, _relative(settings)) for e in entries]
    for entry in env.get(ENV, "").replace(",", " ").split():
        out.append(_requirement(entry, Path.cwd(), ENV, ENV))
    return out


def _requirement(entry: str, base: Path, origin: str, where: str) -> Requirement:
    from mlgate.policy import remote

    ref, sep, floor = entry.partition(">=")
    ref = ref.strip()
    if sep and not VERSION.fullmatch(floor.strip()):
        msg = f"`{entry}`: a version floor is written `>=1.2` (numbers and dots)"
        raise PolicyError([Problem(where, 0, 0, (), msg)])
    pin = None
    if remote.is_remote(ref):
        try:
            parsed = remote.parse(ref, base)
        except remote.RemoteError as exc:
            msg = f"required pack `{remote.redact(entry)}`: {exc}"
            raise PolicyError([Problem(where, 0, 0, (), msg)]) from None
        identity, pin = parsed.identity, (parsed.text if parsed.pinned else None)
    elif ref.startswith("builtin:"):
        identity = ref
    else:
        identity = _path(base / ref)
    return Requirement(identity, origin, entry, floor.strip() if sep else None, pin)


def check_required(policy: Policy, env: Mapping[str, str] | None = None) -> None:
    """Raise :class:`PolicyError` (exit 2) when ``policy`` does not extend a required pack."""
    needed = requirements(policy.file, os.environ if env is None else env)
    have = {e.identity: e for e in policy.extended}
    problems = []
    for r in needed:
        found = have.get(r.ref)
        if found is None and r.ref == _path(policy.file):
            continue  # the policy is the required pack itself
        why = f"(required by {r.origin})"
        if found is None:
            msg = f"the policy does not extend the required pack `{r.shown}` {why}"
            msg += "; add it to `extends:`"
        elif r.pin is not None and found.ref != r.pin:
            msg = f"the policy extends `{found.ref}`, not the required pin `{r.shown}` {why}"
        elif r.floor is not None and found.version is None:
            msg = (
                f"`{found.ref}` declares no `pack_version:`; the required pack `{r.shown}` "
                f"needs a version {why}"
            )
        elif r.floor is not None and _older(found.version or "", r.floor):
            msg = (
                f"the policy extends `{found.ref}` at version {found.version}, below the "
                f"required `{r.shown}` {why}; extend a newer version"
            )
        else:
            continue
        problems.append(Problem(policy.display, 0, 0, ("extends",), msg))
    if problems:
        raise PolicyError(problems)


def _older(version: str, floor: str) -> bool:
    def parts(text: str) -> tuple[int, ...]:
        numbers = [int(p) for p in text.split(".")]
        return tuple(numbers + [0] * (4 - len(numbers)))

    return parts(version) < parts(floor)


def _path(path: Path) -> str:
    return str(path.resolve())


def _relative(path: Path) -> str:
    """A settings file as the user finds it from here (``../pyproject.toml``)."""
    try:
        return Path(os.path.relpath(path)).as_posix()
    except ValueError:  # another drive
        return display_path(path)
