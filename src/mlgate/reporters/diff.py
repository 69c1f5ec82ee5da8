"""Renderers of report and policy diffs (``mlgate diff``, the pull-request comment).

Pure functions of a :class:`ReportDiff` or a list of :class:`PolicyChange`; the formats are
registered in :data:`REPORT_DIFF` and :data:`POLICY_DIFF`, so a new one is a function and a
line, and ``mlgate diff --format`` offers it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mlgate.changes import CheckDelta, PolicyChange, ReportDiff
from mlgate.numbers import number
from mlgate.reporters.markdown import code, esc


def _num(value: float | None) -> str:
    return number(value)


def report_diff_markdown(diff: ReportDiff) -> str:
    """The report diff as Markdown, for the PR comment."""
    lines = ["### What this change did", ""]
    if not (
        diff.new_failures or diff.fixed or diff.changed or diff.added_gates or diff.removed_gates
    ):
        return "\n".join([*lines, "No check changed.", ""])
    if diff.new_failures:
        lines += [
            f"**New failures ({len(diff.new_failures)}):** "
            + ", ".join(code(d.id) for d in diff.new_failures),
            "",
        ]
    if diff.fixed:
        lines += [
            f"**Fixed ({len(diff.fixed)}):** " + ", ".join(code(d.id) for d in diff.fixed),
            "",
        ]
    for label, items in (("Gates added", diff.added_gates), ("Gates removed", diff.removed_gates)):
        if items:
            lines += [f"**{label}:** " + ", ".join(code(g) for g in items), ""]
    if diff.changed:
        lines += ["| check | base | head | change |", "|---|---|---|---|"]
        icon = {"better": "🟢 better", "worse": "🔴 worse", "same": "same"}
        for d in sorted(diff.changed, key=lambda d: (d.change != "worse", d.id)):
            base = d.base.observed if d.base else None
            head = d.head.observed if d.head else None
            delta = number(d.delta or 0.0, sign=True)
            lines.append(
                f"| {code(d.id)} | {_num(base)} | {_num(head)} | {icon[d.change]} ({delta}) |"
            )
        lines.append("")
    return "\n".join(lines)


def report_diff_json(diff: ReportDiff) -> dict[str, Any]:
    """The report diff as plain data."""

    def item(d: CheckDelta) -> dict[str, Any]:
        return {
            "id": d.id,
            "base": d.base.observed if d.base else None,
            "head": d.head.observed if d.head else None,
            "base_outcome": d.base.outcome.value if d.base else None,
            "head_outcome": d.head.outcome.value if d.head else None,
            "delta": d.delta,
            "change": d.change,
        }

    return {
        "new_failures": [item(d) for d in diff.new_failures],
        "fixed": [item(d) for d in diff.fixed],
        "changed": [item(d) for d in diff.changed],
        "added_gates": diff.added_gates,
        "removed_gates": diff.removed_gates,
        "added_checks": diff.added_checks,
        "removed_checks": diff.removed_checks,
    }


def report_diff_text(diff: ReportDiff) -> str:
    """The report diff as plain text."""
    lines = []
    for d in diff.new_failures:
        lines.append(f"NEW FAILURE  {d.id}")
    for d in diff.fixed:
        lines.append(f"FIXED        {d.id}")
    for d in diff.changed:
        base = d.base.observed if d.base else None
        head = d.head.observed if d.head else None
        delta = number(d.delta or 0.0, sign=True)
        lines.append(f"{d.change:<12} {d.id}: {_num(base)} -> {_num(head)} ({delta})")
    for g in diff.added_gates:
        lines.append(f"GATE ADDED   {g}")
    for g in diff.removed_gates:
        lines.append(f"GATE REMOVED {g}")
    return "\n".join(lines or ["no check changed"]) + "\n"


def policy_diff_text(changes: list[PolicyChange]) -> str:
    """Policy changes as plain text, weakening ones marked."""
    if not changes:
        return "no policy change\n"
    return (
        "\n".join(
            f"{'WEAKENS' if c.weakens else 'changes'}  {c.where}: {c.message}" for c in changes
        )
        + "\n"
    )


def policy_diff_markdown(changes: list[PolicyChange]) -> str:
    """Policy changes as Markdown."""
    if not changes:
        return "### Policy changes\n\nNone.\n"
    lines = ["### Policy changes", "", "| | where | change |", "|---|---|---|"]
    for c in changes:
        flag = "⚠️ weakens" if c.weakens else "changes"
        lines.append(f"| {flag} | {code(c.where)} | {esc(c.message)} |")
    return "\n".join(lines) + "\n"


def report_diff_json_text(diff: ReportDiff) -> str:
    """The report diff as indented JSON text."""
    return json.dumps(report_diff_json(diff), indent=2) + "\n"


def policy_diff_json(changes: list[PolicyChange]) -> str:
    """Policy changes as a JSON list."""
    rows = [
        {"kind": c.kind, "where": c.where, "message": c.message, "weakens": c.weakens}
        for c in changes
    ]
    return json.dumps(rows, indent=2) + "\n"


REPORT_DIFF: dict[str, Callable[[ReportDiff], str]] = {
    "text": report_diff_text,
    "markdown": report_diff_markdown,
    "json": report_diff_json_text,
}
POLICY_DIFF: dict[str, Callable[[list[PolicyChange]], str]] = {
    "text": policy_diff_text,
    "markdown": policy_diff_markdown,
    "json": policy_diff_json,
}
