"""Pre-merge review: what a change did to every check, and to the policy itself.

``diff_reports`` compares two reports check by check (new failures, fixed checks, metric
deltas with direction). ``diff_policies`` compares two versions of a policy and lists every
change that makes it easier to pass: loosened thresholds, removed or disabled gates and
checks, lowered severities, dropped confidence requirements, new or extended waivers.
"""

from __future__ import annotations

import json
from typing import Any

from mlgate.changes import CheckDelta, PolicyChange, ReportDiff
from mlgate.errors import NodePath, format_path
from mlgate.numbers import number, plain
from mlgate.policy import Policy
from mlgate.report import CheckResult, Outcome, Report
from mlgate.thresholds import Threshold, find_thresholds
from mlgate.waivers import gates_covered

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


def _failing(check: CheckResult | None) -> bool:
    return check is not None and check.outcome in (Outcome.FAIL, Outcome.ERROR)


def diff_reports(base: Report, head: Report) -> ReportDiff:
    """Compare two reports check by check."""
    before = {c.id: c for c in base.checks()}
    after = {c.id: c for c in head.checks()}
    out = ReportDiff()
    base_gates, head_gates = {g.id for g in base.gates}, {g.id for g in head.gates}
    out.added_gates = sorted(head_gates - base_gates)
    out.removed_gates = sorted(base_gates - head_gates)
    out.added_checks = sorted(set(after) - set(before))
    out.removed_checks = sorted(set(before) - set(after))
    for cid in [c for c in after if c in before]:
        delta = CheckDelta(cid, before[cid], after[cid])
        if _failing(delta.head) and not _failing(delta.base):
            out.new_failures.append(delta)
        elif _failing(delta.base) and not _failing(delta.head):
            out.fixed.append(delta)
        if delta.delta is not None:
            out.changed.append(delta)
    for cid in out.added_checks:
        if _failing(after[cid]):
            out.new_failures.append(CheckDelta(cid, None, after[cid]))
    return out


# --------------------------------------------------------------------------- policies


def _threshold_changes(
    gid: str, rel: NodePath, old: Threshold, new: Threshold
) -> list[tuple[str, bool]]:
    notes: list[tuple[str, bool]] = []

    def compare(label: str, a: float | None, b: float | None, loose_if_higher: bool) -> None:
        if a == b:
            return
        if b is None:
            notes.append((f"`{label}` removed (was {number(a)})", True))
        elif a is None:
            notes.append((f"`{label}` added ({plain(b)})", False))
        else:
            weakens = (b > a) == loose_if_higher
            notes.append((f"`{label}` {plain(a)} → {plain(b)}", weakens))

    compare("min", old.lower, new.lower, loose_if_higher=False)
    compare("max", old.upper, new.upper, loose_if_higher=True)
    compare("max_regression", old.max_regression, new.max_regression, loose_if_higher=True)
    compare(
        "max_relative_regression", old.max_relative_regression, new.max_relative_regression, True
    )
    if old.confidence != new.confidence:
        weaker = new.confidence is None or (old.confidence or 0) > new.confidence
        notes.append((f"`confidence` {old.confidence} → {new.confidence}", weaker))
    if old.severity != new.severity:
        lowered = SEVERITY_RANK[new.severity] < SEVERITY_RANK[old.severity]
        notes.append((f"`severity` {old.severity} → {new.severity}", lowered))
    return notes


def diff_policies(base: Policy, head: Policy) -> list[PolicyChange]:
    """Every change from ``base`` to ``head``; ``weakens`` marks the ones a reviewer must see.

    Thresholds are compared direction-aware. Every other change to what a gate looks at
    (inputs, columns, allow-lists, exclusions, samples, slices, group sizes, bins, ...) is
    classified where its direction is known, and listed as "changed, review" (flagged)
    where it is not: nothing a gate reads can change unseen.
    """
    changes: list[PolicyChange] = []
    old_gates = {g.id: g for g in base.gates}
    new_gates = {g.id: g for g in head.gates}
    for gid, old in old_gates.items():
        if gid not in new_gates:
            changes.append(PolicyChange("removed", gid, f"gate `{gid}` removed", old.path, True))
            continue
        new = new_gates[gid]
        if old.config.enabled and not new.config.enabled:
            changes.append(PolicyChange("disabled", gid, f"gate `{gid}` disabled", new.path, True))
        before, after = find_thresholds(old.config), find_thresholds(new.config)
        for rel, threshold in before.items():
            where = f"{gid}/{format_path(rel)}"
            if rel not in after:
                changes.append(
                    PolicyChange("removed", where, f"check `{where}` removed", new.path, True)
                )
                continue
            for note, weakens in _threshold_changes(gid, rel, threshold, after[rel]):
                kind = "loosened" if weakens else "tightened"
                changes.append(PolicyChange(kind, where, note, (*new.path, *rel), weakens))
        for rel in after:
            if rel not in before:
                where = f"{gid}/{format_path(rel)}"
                changes.append(
                    PolicyChange("added", where, f"check `{where}` added", (*new.path, *rel), False)
                )
        skip = {*before, *after}
        old_leaves = _leaves(old.config.model_dump(mode="json"), skip)
        new_leaves = _leaves(new.config.model_dump(mode="json"), skip)
        changes.extend(_setting_changes(gid, new.path, old_leaves, new_leaves))
    for gid, new in new_gates.items():
        if gid not in old_gates:
            changes.append(PolicyChange("added", gid, f"gate `{gid}` added", new.path, False))
    changes.extend(_top_level_changes(base, head))
    changes.extend(_waiver_changes(base, head))
    return changes


# Keys whose direction is known. Lists: which way of changing them loosens the gate.
GROWING_LOOSENS = {
    "allow",
    "allowed",
    "patterns",
    "values",
    "exclude",
    "exclude_columns",
    "ignore",
    "ignore_columns",
    "skip",
    "allow_columns",
    "trusted_types",
}
SHRINKING_LOOSENS = {
    "entities",
    "columns",
    "include",
    "include_columns",
    "sensitive_features",
    "slices",
    "sections",
    "required_files",
    "expectations",
    "features",
    "require",
    "checks",
    "conditions",
    "licenses_denied",
}
RAISING_LOOSENS = {"min_group_size", "min_samples", "max_waiver_days"}
IGNORED = {"enabled", "description", "id", "type"}


def _leaves(value: Any, skip: set[NodePath], path: NodePath = ()) -> dict[NodePath, Any]:
    """Scalar and list leaves of a dumped config, without the threshold blocks."""
    if path in skip:
        return {}
    if isinstance(value, dict):
        out: dict[NodePath, Any] = {}
        for key, item in value.items():
            out.update(_leaves(item, skip, (*path, str(key))))
        return out
    return {path: value}


def _setting_changes(
    gid: str, at: NodePath, old: dict[NodePath, Any], new: dict[NodePath, Any]
) -> list[PolicyChange]:
    out = []
    for rel in sorted({*old, *new}, key=lambda p: tuple(map(str, p))):
        before, after = old.get(rel), new.get(rel)
        if before == after or not rel or rel[-1] in IGNORED:
            continue
        where = f"{gid}/{format_path(rel)}"
        message, weakens = _classify(str(rel[-1]), before, after)
        kind = "loosened" if weakens is True else "tightened" if weakens is False else "review"
        out.append(PolicyChange(kind, where, message, (*at, *rel), weakens is not False))
    return out


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _classify(key: str, before: Any, after: Any) -> tuple[str, bool | None]:
    """(message, True if it loosens / False if it tightens / None if a reviewer must judge)."""
    change = f"`{key}` {_show(before)} → {_show(after)}"
    if isinstance(before, list | type(None)) and isinstance(after, list | type(None)):
        old, new = set(map(_show, before or [])), set(map(_show, after or []))
        added, removed = sorted(new - old), sorted(old - new)
        parts = [f"added {', '.join(added)}"] if added else []
        parts += [f"removed {', '.join(removed)}"] if removed else []
        message = f"`{key}` " + ("; ".join(parts) or "reordered")
        loosening, tightening = (added, removed) if key in GROWING_LOOSENS else (removed, added)
        if key in GROWING_LOOSENS | SHRINKING_LOOSENS and (loosening or tightening):
            return message, bool(loosening)
        return message + " (changed, review)", None
    numbers = isinstance(before, int | float) and isinstance(after, int | float)
    if numbers and not isinstance(before, bool) and not isinstance(after, bool):
        up = after > before
        if key in RAISING_LOOSENS or key.startswith("max"):
            return change, up
        if key.startswith("min"):
            return change, not up
    if isinstance(before, bool) and isinstance(after, bool) and key.startswith("allow"):
        return change, after
    if key == "on_inconclusive" and {before, after} <= {"warn", "fail", None}:
        return change, after != "fail"
    return change + " (changed, review)", None


def _top_level_changes(base: Policy, head: Policy) -> list[PolicyChange]:
    out = []
    old, new = _leaves(_top(base), set()), _leaves(_top(head), set())
    for rel in sorted({*old, *new}, key=lambda p: tuple(map(str, p))):
        before, after = old.get(rel), new.get(rel)
        if before == after:
            continue
        if rel[0] == "policy_changes":
            message, weakens = f"`policy_changes` {before} → {after}", after == "warn"
        else:
            message, weakens = _classify(str(rel[-1]), before, after)
        kind = "loosened" if weakens is True else "tightened" if weakens is False else "review"
        out.append(PolicyChange(kind, format_path(rel), message, rel, weakens is not False))
    old_inputs, new_inputs = base.doc.inputs, head.doc.inputs
    for name in sorted({*old_inputs, *new_inputs}):
        at: NodePath = ("inputs", name)
        if name not in old_inputs:
            out.append(PolicyChange("added", f"inputs.{name}", f"input `{name}` added", at, False))
        elif name not in new_inputs:
            msg = f"input `{name}` removed (changed, review)"
            out.append(PolicyChange("review", f"inputs.{name}", msg, at, True))
        else:
            before_leaves = _leaves(old_inputs[name].model_dump(mode="json"), set())
            after_leaves = _leaves(new_inputs[name].model_dump(mode="json"), set())
            out.extend(_setting_changes(f"inputs.{name}", at, before_leaves, after_leaves))
    return out


def _top(policy: Policy) -> dict[str, Any]:
    exclude = {"gates", "waivers", "name", "description", "inputs"}
    return policy.doc.model_dump(mode="json", exclude=exclude)


def _waiver_changes(base: Policy, head: Policy) -> list[PolicyChange]:
    old = {w.check: w for w in base.doc.waivers}
    out = []
    gate_ids = [g.id for g in head.gates]
    for i, w in enumerate(head.doc.waivers):
        path: NodePath = ("waivers", i)
        covered = gates_covered(w.check, gate_ids)
        if len(covered) > 1 and (w.check not in old or old[w.check].expires != w.expires):
            msg = (
                f"waiver `{w.check}` can waive checks of {len(covered)} gates: {', '.join(covered)}"
            )
            out.append(PolicyChange("waiver", w.check, msg, path, True))
        if w.check not in old:
            out.append(
                PolicyChange(
                    "waiver", w.check, f"waiver added for `{w.check}` until {w.expires}", path, True
                )
            )
        elif w.expires > old[w.check].expires:
            msg = f"waiver for `{w.check}` extended {old[w.check].expires} → {w.expires}"
            out.append(PolicyChange("waiver", w.check, msg, path, True))
    return out
