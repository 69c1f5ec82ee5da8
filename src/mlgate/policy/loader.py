"""Policy file -> validated :class:`Policy`, with every problem reported at once."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ValidationError

from mlgate.errors import NodePath, PluginError, PolicyError, Problem, did_you_mean
from mlgate.gates.base import Gate, GateConfig
from mlgate.gates.registry import available, load_gate
from mlgate.paths import display_path
from mlgate.policy.merge import merge
from mlgate.policy.model import PolicyDoc
from mlgate.policy.pydantic_errors import problems_from_validation
from mlgate.policy.source import Loc, Marks, Reader, Source, load_yaml, nearest, read_file

if TYPE_CHECKING:
    from mlgate.policy.controls import Control
    from mlgate.policy.remote import Fetcher, RemoteRef

MAX_EXTENDS_DEPTH = 10
MAX_POLICY_DOCUMENTS = 50
MAX_EXTENDS_REFERENCES = 500
# keys that speak for the file that writes them and are not inherited by extending policies
PER_FILE_KEYS = ("extends", "allow_unpinned", "pack_version")


@dataclass
class GateSpec:
    """One validated gate block of a policy."""

    index: int
    id: str
    gate: Gate[Any]
    config: GateConfig

    @property
    def path(self) -> NodePath:
        """Key path of this gate in the merged policy."""
        return ("gates", self.index)


@dataclass(frozen=True)
class Extended:
    """One file a policy extends, directly or not, as it was read (for reports and audits)."""

    ref: str  # builtin:NAME, git+REPO//PATH@COMMIT, https://...#sha256=..., or a file path
    kind: Literal["builtin", "git", "https", "file"]
    identity: str  # what a required-pack setting names: the ref without its pin, or a path
    sha256: str
    version: str | None = None  # the file's `pack_version:`
    pinned: bool = True  # False for a remote reference allowed by `allow_unpinned: true`


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
    extended: tuple[Extended, ...] = ()  # every file it extends, directly or not

    @property
    def packs(self) -> tuple[str, ...]:
        """The built-in packs it extends, directly or not (``builtin:NAME``)."""
        return tuple(sorted({e.identity for e in self.extended if e.kind == "builtin"}))

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


def load_policy(
    path: Path | str,
    reader: Reader = read_file,
    label: str = "",
    today: dt.date | None = None,
    pack: bool = False,
    fetcher: Fetcher | None = None,
) -> Policy:
    """Load, merge and validate a policy file; raise :class:`PolicyError` on any problem.

    ``reader`` reads files (the file system by default; ``git show`` for a base revision),
    ``label`` is prefixed to the displayed file name (e.g. ``origin/main:``). ``pack``: the
    file is a pack, whose gates name inputs that the extending policy defines. ``fetcher``
    fetches remote packs (default: one configured from the environment, on first use).
    """
    file = Path(path)
    display = label + display_path(file)
    resolver = _Resolver(reader, fetcher)
    source = resolver.load(file, display, builtin=False)
    data, marks, sources = resolver.resolve(source, [file.resolve()], builtin=False)
    marks = _point_at_user(marks, resolver.packs, source.marks, data)
    problems: list[Problem] = []
    doc = _validate_doc(data, marks, display, problems)
    partial = doc if doc is not None else _partial_doc(data)
    gates = _validate_gates(data, marks, display, partial, problems, pack)
    controls: dict[str, Control] = {}
    if partial is not None:
        before = len(problems)
        _validate_waivers(partial, marks, display, today or dt.date.today(), problems)
        controls = _validate_controls(partial, gates, marks, display, problems)
        if doc is None:
            reported = {p.path for p in problems[:before]}
            problems[before:] = [p for p in problems[before:] if not _covered(p.path, reported)]
    if problems or doc is None:
        raise PolicyError(problems)
    sha = hashlib.sha256(b"".join(resolver.raw[p] for p in sources)).hexdigest()
    extended = tuple(resolver.extended.values())
    return Policy(file, display, sha, doc, gates, marks, sources, controls, extended)


def _point_at_user(marks: Marks, packs: dict[str, str], own: Marks, data: Any) -> Marks:
    """Move locations inside built-in packs to the user's policy, keeping the pack as origin.

    A node a pack wrote points at the user's override of its gate when there is one (the
    nearest ancestor the user wrote), otherwise at the ``extends:`` entry naming the pack:
    annotations, SARIF and the text table then point into the user's repository.
    """
    if not packs:
        return marks
    extends = _extends_marks(own, data)
    out: Marks = {}
    for path, loc in marks.items():
        pack = packs.get(loc.file)
        if pack is None:
            out[path] = loc
            continue
        origin = f"{pack} line {loc.line}"
        anchor = next(
            (
                marks[path[:end]]
                for end in range(len(path) - 1, 1, -1)
                if path[:end] in marks and marks[path[:end]].file not in packs
            ),
            None,
        )
        target = anchor or extends.get(pack) or own.get(("extends",)) or own.get(())
        out[path] = Loc(target.file, target.line, target.column, origin) if target else loc
    return out


def _extends_marks(own: Marks, data: Any) -> dict[str, Loc]:
    refs = data.get("extends") if isinstance(data, dict) else None
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list):
        return {}
    found = {}
    for i, ref in enumerate(refs):
        loc = own.get(("extends", i)) or own.get(("extends",))
        if isinstance(ref, str) and loc is not None:
            found[ref] = loc
    return found


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
    from mlgate.policy.controls import load_controls, unknown_control_problem

    paths = []
    for i, ref in enumerate(doc.control_catalogs):
        base = Path(nearest(marks, ("control_catalogs", i), display).file).parent
        path = Path(ref) if Path(ref).is_absolute() else base / ref
        try:
            read_file(path)
        except OSError as exc:
            reason = "file not found" if isinstance(exc, FileNotFoundError) else exc.strerror
            msg = f"control catalog `{ref}`: {reason}"
            problems.append(_problem(marks, display, ("control_catalogs", i), msg))
            continue
        paths.append(path)
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


class _Resolver:
    """Follows ``extends`` once per file: each document is read and merged at most once.

    ``builtin:`` packs always come from the installed mlgate (never from ``reader``, which
    may be reading the user's git history), and so do the files a pack extends.
    """

    def __init__(self, reader: Reader, fetcher: Fetcher | None = None) -> None:
        self.reader = reader
        self.fetcher = fetcher
        self.raw: dict[Path, bytes] = {}
        self.done: dict[Path, tuple[Any, Marks, list[Path]]] = {}
        self.references = 0
        # displayed file of a built-in or remote pack -> the reference that named it
        self.packs: dict[str, str] = {}
        self.remote: dict[Path, RemoteRef] = {}  # cached file -> its pinned reference
        self.extended: dict[Path, Extended] = {}

    def load(self, path: Path, display: str, builtin: bool) -> Source:
        reader = read_file if builtin else self.reader
        key = path.resolve()
        if key not in self.raw and len(self.raw) >= MAX_POLICY_DOCUMENTS:
            msg = f"more than {MAX_POLICY_DOCUMENTS} policy files are extended"
            raise PolicyError([Problem(display, 1, 1, (), msg)])

        def remember(p: Path) -> bytes:
            data = reader(p)
            self.raw[key] = data
            return data

        return load_yaml(path, display, remember)

    def resolve(
        self, source: Source, stack: list[Path], builtin: bool
    ) -> tuple[Any, Marks, list[Path]]:
        key = stack[-1]
        if key in self.done:
            return self.done[key]
        data, marks = source.data, source.marks
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise PolicyError([_problem(marks, str(source.path), (), "a policy must be a mapping")])
        extends = data.get("extends", [])
        if isinstance(extends, str):
            extends = [extends]
        if not isinstance(extends, list):
            return data, marks, [key]
        merged: Any = None
        merged_marks: Marks = {}
        sources: list[Path] = []
        for i, ref in enumerate(extends):
            self.references += 1
            if self.references > MAX_EXTENDS_REFERENCES:
                msg = f"more than {MAX_EXTENDS_REFERENCES} `extends` references in all"
                raise PolicyError([_problem(marks, str(source.path), ("extends", i), msg)])
            base, base_builtin = self._base(ref, source, ("extends", i), stack, builtin)
            bdata, bmarks, bsources = self.resolve(
                base, [*stack, base.path.resolve()], base_builtin
            )
            sources.extend(bsources)
            bdata = {k: v for k, v in bdata.items() if k not in PER_FILE_KEYS}
            if merged is None:
                merged, merged_marks = bdata, bmarks
            else:
                merged, merged_marks = merge(merged, merged_marks, bdata, bmarks)
        sources.append(key)
        result = (data, marks, sources)
        if merged is not None:
            out, out_marks = merge(merged, merged_marks, data, marks)
            result = (out, out_marks, sources)
        self.done[key] = result
        return result

    def _base(
        self, ref: Any, source: Source, at: NodePath, stack: list[Path], builtin: bool
    ) -> tuple[Source, bool]:
        name = str(source.path)
        marks = source.marks
        if not isinstance(ref, str) or not ref or not ref.isprintable():
            raise PolicyError([_problem(marks, name, at, "must be a path to a policy file")])
        from mlgate.policy import remote

        parent = self.remote.get(source.path.resolve())
        if remote.is_remote(ref) or (parent is not None and not ref.startswith("builtin:")):
            return self._remote(ref, source, at, stack, parent), True
        if ref.startswith("builtin:"):
            from mlgate.policy.packs import pack_names, pack_path

            target = pack_path(ref.removeprefix("builtin:"))
            if target is None:
                hint = did_you_mean(ref.removeprefix("builtin:"), pack_names())
                msg = f"no built-in policy pack `{ref}`{hint}; see `mlgate packs list`"
                raise PolicyError([_problem(marks, name, at, msg)])
            builtin = True
        else:
            target = (source.path.parent / ref) if not Path(ref).is_absolute() else Path(ref)
        self._check_stack(target, ref, source, at, stack)
        if ref.startswith("builtin:"):
            self.packs[display_path(target)] = ref
        try:
            loaded = self.load(target, display_path(target), builtin)
        except PolicyError as exc:
            if any(p.message == "file not found" for p in exc.problems):
                raise PolicyError(
                    [_problem(marks, name, at, f"extended policy `{ref}` not found")]
                ) from None
            if any(p.message.startswith("cannot read") for p in exc.problems):
                reason = exc.problems[0].message
                msg = f"extended policy `{ref}`: {reason}"
                raise PolicyError([_problem(marks, name, at, msg)]) from None
            raise
        kind: Literal["builtin", "file"] = "builtin" if ref.startswith("builtin:") else "file"
        identity = ref if kind == "builtin" else str(target.resolve())
        shown = ref if kind == "builtin" else display_path(target)
        self._record(target, Extended(shown, kind, identity, "", _version(loaded)))
        return loaded, builtin

    def _remote(
        self, ref: str, source: Source, at: NodePath, stack: list[Path], parent: RemoteRef | None
    ) -> Source:
        from mlgate.policy import remote

        name = str(source.path)

        def fail(reason: str) -> PolicyError:
            msg = f"extended policy `{remote.redact(ref)}`: {reason}"
            return PolicyError([_problem(source.marks, name, at, msg)])

        try:
            wanted = parent.sibling(ref) if parent and not remote.is_remote(ref) else None
            wanted = wanted or remote.parse(ref, source.path.parent)
        except remote.RemoteError as exc:
            raise fail(str(exc)) from None
        allowed = isinstance(source.data, dict) and source.data.get("allow_unpinned") is True
        if not wanted.pinned and not allowed:
            pin = "a full commit id (`@<commit>`)" if wanted.kind == "git" else "`#sha256=<digest>`"
            raise fail(
                f"not pinned: name {pin} so its content cannot change under the policy, "
                "or set `allow_unpinned: true` (the policy review flags it)"
            )
        if self.fetcher is None:
            self.fetcher = remote.Fetcher()
        try:
            fetched = self.fetcher.fetch(wanted)
        except remote.RemoteError as exc:
            raise fail(str(exc)) from None
        self._check_stack(fetched.file, ref, source, at, stack)
        display = fetched.ref.text
        self.remote[fetched.file.resolve()] = fetched.ref
        self.packs[display] = ref
        try:
            loaded = self.load(fetched.file, display, builtin=True)
        except PolicyError as exc:
            reason = exc.problems[0].message if exc.problems else "not a policy"
            raise fail(f"not a policy file ({reason})") from None
        if not isinstance(loaded.data, dict):
            raise fail("not a policy file (a policy is a mapping)")
        kind, identity = fetched.ref.kind, fetched.ref.identity
        extended = Extended(
            display, kind, identity, fetched.sha256, _version(loaded), wanted.pinned
        )
        self._record(fetched.file, extended)
        return loaded

    def _check_stack(
        self, target: Path, ref: str, source: Source, at: NodePath, stack: list[Path]
    ) -> None:
        name, marks = str(source.path), source.marks
        if target.resolve() in stack:
            raise PolicyError([_problem(marks, name, at, f"`{ref}` extends itself (a cycle)")])
        if len(stack) > MAX_EXTENDS_DEPTH:
            raise PolicyError([_problem(marks, name, at, "`extends` is nested too deeply")])

    def _record(self, file: Path, extended: Extended) -> None:
        key = file.resolve()
        if key in self.extended:
            return
        raw = self.raw.get(key, b"")
        sha = extended.sha256 or hashlib.sha256(raw).hexdigest()
        self.extended[key] = Extended(
            extended.ref, extended.kind, extended.identity, sha, extended.version, extended.pinned
        )


def _version(source: Source) -> str | None:
    value = source.data.get("pack_version") if isinstance(source.data, dict) else None
    return str(value) if isinstance(value, str | int | float) else None


def _validate_doc(
    data: Any, marks: Marks, display: str, problems: list[Problem]
) -> PolicyDoc | None:
    try:
        return PolicyDoc.model_validate(data)
    except ValidationError as exc:
        problems.extend(problems_from_validation(exc, PolicyDoc, data, marks, display, ()))
        return None


def _partial_doc(data: Any) -> PolicyDoc | None:
    """The top level with its invalid nodes removed, for the checks that need a document."""
    if not isinstance(data, dict):
        return None
    try:
        PolicyDoc.model_validate(data)
    except ValidationError as exc:
        partial = _without_invalid(PolicyDoc, data, exc)
        return partial if isinstance(partial, PolicyDoc) else None
    return None


def _validate_gates(
    data: Any,
    marks: Marks,
    display: str,
    doc: PolicyDoc | None,
    problems: list[Problem],
    pack: bool = False,
) -> list[GateSpec]:
    raw = data.get("gates") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return []
    raw_inputs = data.get("inputs") if isinstance(data, dict) else None
    inputs: set[str] | None = (
        set(doc.inputs) if doc else set(raw_inputs if isinstance(raw_inputs, dict) else {})
    )
    if pack:
        inputs = None  # a pack's gates name the inputs of the policies that extend it
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
    i: int,
    block: Any,
    marks: Marks,
    display: str,
    inputs: set[str] | None,
    problems: list[Problem],
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
        found = problems_from_validation(exc, gate.config_model, block, marks, display, at)
        problems.extend(found)
        partial = _without_invalid(gate.config_model, block, exc)
        if partial is not None:
            # the rest of the block is still checked, so every problem shows in one pass
            reported = {p.path for p in found}
            more: list[Problem] = []
            _semantic_checks(gate, partial, i, inputs, marks, display, more)
            problems.extend(p for p in more if not _covered(p.path, reported))
        return None
    _semantic_checks(gate, config, i, inputs, marks, display, problems)
    return GateSpec(i, config.id or kind, gate, config)


def _semantic_checks(
    gate: Gate[Any],
    config: GateConfig,
    i: int,
    inputs: set[str] | None,
    marks: Marks,
    display: str,
    problems: list[Problem],
) -> None:
    at: NodePath = ("gates", i)
    for name in gate.input_fields:
        _check_input_ref(config, name, inputs, marks, display, at, problems)
    for rel, message in gate.validate_config(config):
        problems.append(_problem(marks, display, (*at, *rel), message))


def _covered(path: NodePath, reported: set[NodePath]) -> bool:
    return any(path[: len(r)] == r or r[: len(path)] == path for r in reported)


def _without_invalid(model: type[BaseModel], block: Any, exc: ValidationError) -> Any:
    """The block with every invalid node removed, validated; None when that cannot work.

    Used only to find more problems in the same pass: a block whose structural errors are
    in removable places (a bad threshold, an unknown key) still gets its semantic checks.
    """
    import copy

    from mlgate.policy.pydantic_errors import data_path

    data = copy.deepcopy(block)
    for _ in range(4):
        removed = False
        for err in exc.errors(include_url=False):
            path = data_path(data, tuple(err["loc"]))
            if err["type"] == "missing" or len(path) < 1:
                return None
            removed |= _remove(data, path)
        if not removed:
            return None
        try:
            return model.model_validate(data)
        except ValidationError as again:
            exc = again
    return None


def _remove(data: Any, path: NodePath) -> bool:
    node = data
    for part in path[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = path[-1]
    if isinstance(node, dict) and last in node and last not in ("id", "type"):
        del node[last]
        return True
    return False  # list items are not removed: later items would change their index


def _check_input_ref(
    config: BaseModel,
    name: str,
    inputs: set[str] | None,
    marks: Marks,
    display: str,
    at: NodePath,
    problems: list[Problem],
) -> None:
    if inputs is None:
        return
    value = getattr(config, name, None)
    if isinstance(value, dict):
        values = [*value.keys(), *value.values()]
    else:
        values = value if isinstance(value, list) else [value]
    for v in values:
        if isinstance(v, str) and v and v not in inputs:
            known = ", ".join(sorted(inputs)) or "none"
            msg = f"input `{v}` is not defined under `inputs:`{did_you_mean(v, inputs)}"
            problems.append(_problem(marks, display, (*at, name), f"{msg} (defined: {known})"))
