"""Policy file -> validated :class:`Policy`, with every problem reported at once."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from mlgate.errors import NodePath, PluginError, PolicyError, Problem, did_you_mean
from mlgate.gates.base import Gate, GateConfig
from mlgate.policy.merge import merge
from mlgate.policy.model import PolicyDoc
from mlgate.policy.pydantic_errors import problems_from_validation
from mlgate.policy.source import Loc, Marks, Reader, Source, load_yaml, nearest, read_file
from mlgate.registry import available, load_gate

if TYPE_CHECKING:
    from mlgate.controls import Control

MAX_EXTENDS_DEPTH = 10


@dataclass
class GateSpec:
    """One validated gate block of a policy."""

    index: int
    id: str
    gate: Gate
    config: GateConfig

    @property
    def path(self) -> NodePath:
        """Key path of this gate in the merged policy."""
        return ("gates", self.index)


@dataclass
class Policy:
    """A loaded, merged and validated policy."""

    file: Path
    display: str
    sha256: str
    doc: PolicyDoc
    gates: list[GateSpec]
    marks: Marks
    sources: list[Path] = field(default_factory=list)
    controls: dict[str, Control] = field(default_factory=dict)

    def loc(self, path: NodePath) -> Loc:
        """Where ``path`` (or its nearest ancestor) was written."""
        return nearest(self.marks, path, self.display)

    def resolve(self, path: NodePath, value: str) -> Path:
        """A path value resolved relative to the file that wrote it."""
        p = Path(value)
        if p.is_absolute():
            return p
        file = Path(self.loc(path).file)
        return (file.parent / p) if file.parent != Path() else p


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when below it, POSIX-style."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix() if not rel.startswith("..") else path.as_posix()


def load_policy(
    path: Path | str, reader: Reader = read_file, label: str = "", today: dt.date | None = None
) -> Policy:
    """Load, merge and validate a policy file; raise :class:`PolicyError` on any problem.

    ``reader`` reads files (the file system by default; ``git show`` for a base revision),
    ``label`` is prefixed to the displayed file name (e.g. ``origin/main:``).
    """
    file = Path(path)
    display = label + display_path(file)
    source = load_yaml(file, display, reader)
    data, marks, sources = _resolve_extends(source, [file.resolve()], reader)
    problems: list[Problem] = []
    doc = _validate_doc(data, marks, display, problems)
    gates = _validate_gates(data, marks, display, doc, problems)
    controls: dict[str, Control] = {}
    if doc is not None:
        _validate_waivers(doc, marks, display, today or dt.date.today(), problems)
        controls = _validate_controls(doc, gates, marks, display, problems)
    if problems or doc is None:
        raise PolicyError(problems)
    sha = hashlib.sha256(b"".join(reader(p) for p in sources)).hexdigest()
    return Policy(file, display, sha, doc, gates, marks, sources, controls)


def find_controls(value: Any, path: NodePath) -> list[tuple[NodePath, str]]:
    """Every ``controls:`` entry inside a gate config (gate, threshold and part level)."""
    out: list[tuple[NodePath, str]] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            item = getattr(value, name)
            if name == "controls" and isinstance(item, list):
                out += [((*path, "controls", j), str(c)) for j, c in enumerate(item)]
            else:
                out += find_controls(item, (*path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            out += find_controls(item, (*path, str(key)))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += find_controls(item, (*path, i))
    return out


def _validate_waivers(
    doc: PolicyDoc, marks: Marks, display: str, today: dt.date, problems: list[Problem]
) -> None:
    for i, waiver in enumerate(doc.waivers):
        days = (waiver.expires - today).days
        if days > doc.max_waiver_days:
            msg = (
                f"expires {waiver.expires} is {days} days away; waivers may reach at most "
                f"max_waiver_days ({doc.max_waiver_days}) days"
            )
            problems.append(_problem(marks, display, ("waivers", i, "expires"), msg))


def _validate_controls(
    doc: PolicyDoc, gates: list[GateSpec], marks: Marks, display: str, problems: list[Problem]
) -> dict[str, Control]:
    from mlgate.controls import load_controls, unknown_control_problem

    paths = []
    for i, ref in enumerate(doc.control_catalogs):
        base = Path(nearest(marks, ("control_catalogs", i), display).file).parent
        paths.append(Path(ref) if Path(ref).is_absolute() else base / ref)
    try:
        known = load_controls(paths)
    except PolicyError as exc:
        problems.extend(exc.problems)
        return {}
    cited: list[tuple[NodePath, str]] = []
    for spec in gates:
        cited += find_controls(spec.config, spec.path)
    for j, ref in enumerate(doc.compliance.require):
        cited.append((("compliance", "require", j), ref))
    for at, ref in cited:
        if ref.endswith(":*") and any(k.startswith(ref[:-1]) for k in known):
            continue
        if ref not in known:
            problems.append(unknown_control_problem(ref, known, nearest(marks, at, display), at))
    return known


def _problem(marks: Marks, display: str, path: NodePath, message: str) -> Problem:
    loc = nearest(marks, path, display)
    return Problem(loc.file, loc.line, loc.column, path, message)


def _resolve_extends(
    source: Source, stack: list[Path], reader: Reader
) -> tuple[Any, Marks, list[Path]]:
    data, marks = source.data, source.marks
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError([_problem(marks, str(source.path), (), "a policy must be a mapping")])
    extends = data.get("extends", [])
    if isinstance(extends, str):
        extends = [extends]
    if not isinstance(extends, list):
        return data, marks, [stack[-1]]
    merged: Any = None
    merged_marks: Marks = {}
    sources: list[Path] = []
    for i, ref in enumerate(extends):
        base = _load_base(ref, source, marks, ("extends", i), stack, reader)
        bdata, bmarks, bsources = _resolve_extends(base, [*stack, base.path.resolve()], reader)
        sources.extend(bsources)
        bdata = {k: v for k, v in bdata.items() if k != "extends"}
        if merged is None:
            merged, merged_marks = bdata, bmarks
        else:
            merged, merged_marks = merge(merged, merged_marks, bdata, bmarks)
    sources.append(stack[-1])
    if merged is None:
        return data, marks, sources
    out, out_marks = merge(merged, merged_marks, data, marks)
    return out, out_marks, sources


def _load_base(
    ref: Any, source: Source, marks: Marks, at: NodePath, stack: list[Path], reader: Reader
) -> Source:
    name = str(source.path)
    if not isinstance(ref, str):
        raise PolicyError([_problem(marks, name, at, "must be a path to a policy file")])
    if ref.startswith("builtin:"):
        from mlgate.policy.packs import pack_path

        target = pack_path(ref.removeprefix("builtin:"))
        if target is None:
            raise PolicyError([_problem(marks, name, at, f"no built-in policy pack `{ref}`")])
    else:
        target = (source.path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
    if target.resolve() in stack:
        raise PolicyError([_problem(marks, name, at, f"`{ref}` extends itself (a cycle)")])
    if len(stack) > MAX_EXTENDS_DEPTH:
        raise PolicyError([_problem(marks, name, at, "`extends` is nested too deeply")])
    builtin = ref.startswith("builtin:")
    try:
        return load_yaml(target, display_path(target), read_file if builtin else reader)
    except PolicyError as exc:
        if any(p.message == "file not found" for p in exc.problems):
            raise PolicyError(
                [_problem(marks, name, at, f"extended policy `{ref}` not found")]
            ) from None
        raise


def _validate_doc(
    data: Any, marks: Marks, display: str, problems: list[Problem]
) -> PolicyDoc | None:
    try:
        return PolicyDoc.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, PolicyDoc, data, marks, display, ()))
        return None


def _validate_gates(
    data: Any, marks: Marks, display: str, doc: PolicyDoc | None, problems: list[Problem]
) -> list[GateSpec]:
    raw = data.get("gates") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return []
    raw_inputs = data.get("inputs") if isinstance(data, dict) else None
    inputs = set(doc.inputs) if doc else set(raw_inputs if isinstance(raw_inputs, dict) else {})
    specs: list[GateSpec] = []
    seen: dict[str, int] = {}
    for i, block in enumerate(raw):
        spec = _validate_gate(i, block, marks, display, inputs, problems)
        if spec is None:
            continue
        if spec.id in seen:
            msg = f"duplicate gate id `{spec.id}` (also gates[{seen[spec.id]}]); set `id:`"
            problems.append(_problem(marks, display, ("gates", i, "id"), msg))
        seen[spec.id] = i
        specs.append(spec)
    return specs


def _validate_gate(
    i: int, block: Any, marks: Marks, display: str, inputs: set[str], problems: list[Problem]
) -> GateSpec | None:
    at: NodePath = ("gates", i)
    if not isinstance(block, dict):
        problems.append(_problem(marks, display, at, "a gate must be a mapping with a `type`"))
        return None
    kind = block.get("type")
    if not isinstance(kind, str):
        problems.append(_problem(marks, display, at, "a gate needs `type: <gate type>`"))
        return None
    if kind not in available():
        hint = did_you_mean(kind, available())
        msg = f"unknown gate type `{kind}`{hint}; installed: {', '.join(available())}"
        problems.append(_problem(marks, display, (*at, "type"), msg))
        return None
    try:
        gate = load_gate(kind)
    except PluginError as exc:
        problems.append(_problem(marks, display, (*at, "type"), str(exc)))
        return None
    try:
        config = gate.config_model.model_validate(block)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, gate.config_model, block, marks, display, at))
        return None
    for name in gate.input_fields:
        _check_input_ref(config, name, inputs, marks, display, at, problems)
    for rel, message in gate.validate_config(config):
        problems.append(_problem(marks, display, (*at, *rel), message))
    return GateSpec(i, config.id or kind, gate, config)


def _check_input_ref(
    config: BaseModel,
    name: str,
    inputs: set[str],
    marks: Marks,
    display: str,
    at: NodePath,
    problems: list[Problem],
) -> None:
    value = getattr(config, name, None)
    if isinstance(value, dict):
        values = [*value.keys(), *value.values()]
    else:
        values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and v not in inputs:
            known = ", ".join(sorted(inputs)) or "none"
            msg = f"input `{v}` is not defined under `inputs:`{did_you_mean(v, inputs)}"
            problems.append(_problem(marks, display, (*at, name), f"{msg} (defined: {known})"))
