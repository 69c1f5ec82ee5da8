"""Control catalogs and the compliance matrix.

A control catalog is a YAML file naming the requirements of one source document (an EU AI
Act article, a NIST AI RMF subcategory, ...). Gates and single checks cite controls as
``catalog:id``; the report then shows, for every control the policy cites or requires,
the checks that give evidence and a status: ``satisfied``, ``violated``, ``waived`` or
``no evidence`` — a control nobody measured is visible, never silently green.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mlgate.errors import PolicyError, Problem
from mlgate.policy.pydantic_errors import problems_from_validation
from mlgate.policy.source import load_yaml
from mlgate.report import ControlStatus, GateResult, Outcome

BUILTIN_DIR = "controls"


class ControlSpec(BaseModel):
    """One control of a catalog."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    title: str
    clause: str = ""
    url: str | None = None


class CatalogSpec(BaseModel):
    """A control catalog file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    catalog: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    title: str
    source: str = ""
    url: str | None = None
    controls: list[ControlSpec] = Field(min_length=1)


@dataclass(frozen=True)
class Control:
    """A control with the catalog it belongs to."""

    ref: str  # catalog:id
    title: str
    clause: str
    source: str
    url: str | None


def load_catalog(path: Path) -> list[Control]:
    """Every control of one catalog file; errors are policy errors located in that file."""
    from mlgate.paths import display_path

    source = load_yaml(path, display_path(path))
    try:
        spec = CatalogSpec.model_validate(source.data)
    except ValidationError as exc:
        problems = problems_from_validation(
            exc, CatalogSpec, source.data, source.marks, str(source.path), ()
        )
        raise PolicyError(problems) from None
    return [
        Control(
            f"{spec.catalog}:{c.id}",
            c.title,
            c.clause,
            spec.source or spec.title,
            c.url or spec.url,
        )
        for c in spec.controls
    ]


def builtin_catalogs() -> list[Path]:
    """The catalogs shipped with mlgate."""
    from mlgate.policy.packs import policies_dir

    root = policies_dir()
    return sorted((root / BUILTIN_DIR).glob("*.yaml")) if root else []


def load_controls(extra: list[Path]) -> dict[str, Control]:
    """All known controls: built-in catalogs plus the policy's own."""
    controls: dict[str, Control] = {}
    for path in [*builtin_catalogs(), *extra]:
        for control in load_catalog(path):
            controls[control.ref] = control
    return controls


def expand_required(patterns: list[str], known: dict[str, Control]) -> list[str]:
    """``catalog:*`` expanded to every control of that catalog."""
    out: list[str] = []
    for pattern in patterns:
        if pattern.endswith(":*"):
            prefix = pattern[:-1]
            out.extend(ref for ref in known if ref.startswith(prefix))
        else:
            out.append(pattern)
    return list(dict.fromkeys(out))


def unknown_control_problem(ref: str, known: dict[str, Control], loc: Any, path: Any) -> Problem:
    """A located 'unknown control' problem with a suggestion."""
    from mlgate.errors import did_you_mean

    catalogs = sorted({k.split(":")[0] for k in known})
    hint = did_you_mean(ref, known)
    msg = f"unknown control `{ref}`{hint}; catalogs: {', '.join(catalogs) or 'none'}"
    return Problem(loc.file, loc.line, loc.column, path, msg)


def compliance_matrix(
    gates: list[GateResult], required: list[str], known: dict[str, Control]
) -> list[ControlStatus]:
    """Status of every cited or required control, with the checks that give evidence."""
    evidence: dict[str, list[tuple[str, Outcome]]] = {}
    for gate in gates:
        if not gate.checks and gate.outcome is Outcome.ERROR:
            for ref in gate.controls:
                evidence.setdefault(ref, []).append((f"{gate.id} (gate)", Outcome.ERROR))
        for check in gate.checks:
            for ref in dict.fromkeys(check.controls):
                evidence.setdefault(ref, []).append((check.id, check.outcome))
    refs = list(dict.fromkeys([*required, *evidence]))
    out = []
    for ref in refs:
        items = evidence.get(ref, [])
        control = known.get(ref)
        out.append(
            ControlStatus(
                control=ref,
                title=control.title if control else "",
                clause=control.clause if control else "",
                source=control.source if control else "",
                status=_status([o for _, o in items]),
                evidence=tuple(cid for cid, _ in items),
                required=ref in required,
            )
        )
    return out


def _status(outcomes: list[Outcome]) -> str:
    judged = [o for o in outcomes if o is not Outcome.SKIPPED]
    if not judged:
        return "no evidence"
    if any(o in (Outcome.FAIL, Outcome.ERROR) for o in judged):
        return "violated"
    if any(o is Outcome.WAIVED for o in judged):
        return "waived"
    if any(o is Outcome.WARN for o in judged):
        return "satisfied with warnings"
    return "satisfied"
