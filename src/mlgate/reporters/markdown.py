"""GitHub-flavoured Markdown: what a reviewer reads in a job summary or PR comment.

Failing checks come first, then one collapsible section per gate, waivers, and the
inputs with their hashes. Every value that did not come from mlgate itself (data values,
group and column names, messages, waiver reasons) goes through :func:`esc` (text) or
:func:`code` (inside a code span): it cannot break a table, inject HTML, or become a link,
an image, an autolinked URL or e-mail address, or an ``@user``/``@org/team`` mention.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mlgate.report import CheckResult, GateResult, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import (
    detail,
    failing_first,
    input_details,
    number,
    observed,
    pack_label,
    where,
)

ICON = {
    Outcome.PASS: "✅",
    Outcome.WARN: "⚠️",
    Outcome.FAIL: "❌",
    Outcome.ERROR: "💥",
    Outcome.WAIVED: "🟦",
    Outcome.SKIPPED: "⏭️",
}
CHECK_HEADER = "| | check | observed | threshold | policy | details |\n|---|---|---|---|---|---|"


ZWSP = "\u200b"  # zero-width space: breaks autolinks and mentions, invisible to the reader
_PUNCTUATION = re.compile(r"([\\`*_\[\]~])")
_AUTOLINK = re.compile(r"(?i)(www)\.|(:)(//)|(@)")


def esc(text: object) -> str:
    """Escape a value for Markdown text: no HTML, link, image, autolink or mention."""
    out = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    out = _PUNCTUATION.sub(r"\\\1", out)
    out = _AUTOLINK.sub(_break_autolink, out)
    return out.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _break_autolink(match: re.Match[str]) -> str:
    if match.group(1):
        return f"{match.group(1)}{ZWSP}."
    if match.group(2):
        return f":{ZWSP}//"
    return f"@{ZWSP}"


def html(text: object) -> str:
    """Escape a value inside an HTML block (``<summary>``), where Markdown is not parsed."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code(text: object) -> str:
    """A value shown as a code span: nothing inside renders, so only the span must hold."""
    out = str(text).replace("`", "\u02cb").replace("|", "\\|")
    return "`" + out.replace("\r", " ").replace("\n", " ") + "`"


def render(report: Report, options: RenderOptions) -> str:
    """The report as Markdown."""
    lines = [_headline(report), "", _summary(report), ""]
    failing = [
        c for c in report.checks() if c.outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.WARN)
    ]
    errored = [g for g in report.gates if g.outcome is Outcome.ERROR and not g.checks]
    if failing or errored:
        lines += ["### Needs attention", "", CHECK_HEADER]
        lines += [_gate_error_row(g) for g in errored]
        lines += [_check_row(c) for c in sorted(failing, key=lambda c: -c.outcome.rank)]
        lines.append("")
    lines += _charts(report)
    lines += ["### Gates", ""]
    for gate in failing_first(report.gates):
        lines += _gate_section(gate)
    if report.compliance:
        lines += _compliance(report)
    if report.waivers:
        lines += _waivers(report)
    lines += _inputs(report)
    return "\n".join(lines).rstrip() + "\n"


MAX_MERMAID_BARS = 12


def _mermaid_label(text: object, limit: int = 32) -> str:
    """A label inside a quoted Mermaid string: no quote, fence, markup or comment marks."""
    cleaned = re.sub(r"[\"`\\<>;#%{}\r\n]", "_", str(text))
    cleaned = cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
    return _AUTOLINK.sub(_break_autolink, cleaned)  # no mention or link, even in a chart


def _mermaid_number(value: float) -> str:
    return f"{value:.4g}" if math.isfinite(value) else "0"


def _mermaid_bars(title: str, axis: str, labels: list[str], values: list[float]) -> list[str]:
    names = ", ".join(f'"{_mermaid_label(label)}"' for label in labels)
    return [
        "```mermaid",
        "xychart-beta",
        f'    title "{_mermaid_label(title, 60)}"',
        f"    x-axis [{names}]",
        f'    y-axis "{_mermaid_label(axis)}"',
        f"    bar [{', '.join(_mermaid_number(v) for v in values)}]",
        "```",
        "",
    ]


def _charts(report: Report) -> list[str]:
    """Charts GitHub draws from Mermaid, each with the table it was drawn from beside it:
    the change of headline metrics against the baseline, and the groups of the fairness
    check that needs attention most."""
    out: list[str] = []
    moved = [
        c
        for c in report.checks()
        if c.baseline is not None
        and c.observed is not None
        and "[" not in c.name
        and math.isfinite(c.observed - c.baseline)
    ]
    moved.sort(key=lambda c: -abs((c.observed or 0.0) - (c.baseline or 0.0)))
    moved = moved[:MAX_MERMAID_BARS]
    if moved:
        deltas = [(c.observed or 0.0) - (c.baseline or 0.0) for c in moved]
        out += ["### Change against the baseline", ""]
        out += _mermaid_bars("now minus baseline", "change", [c.id for c in moved], deltas)
        out += ["| check | baseline | now | change |", "|---|---|---|---|"]
        out += [
            f"| {code(c.id)} | {number(c.baseline)} | {number(c.observed)} | {d:+.4g} |"
            for c, d in zip(moved, deltas, strict=True)
        ]
        out.append("")
    fairness = [
        c
        for g in report.gates
        if g.type == "fairness"
        for c in g.checks
        if any(isinstance(r.get("value"), int | float) for r in c.evidence.get("groups") or [])
    ]
    if fairness:
        check = max(fairness, key=lambda c: (c.outcome.rank, c.observed or 0.0))
        groups = [r for r in check.evidence["groups"] if isinstance(r.get("value"), int | float)]
        groups = sorted(groups, key=lambda r: float(r["value"]))[:MAX_MERMAID_BARS]
        column = check.evidence.get("column", "group")
        out += [f"### Groups of {code(check.id)}", ""]
        out += _mermaid_bars(
            f"{check.name} by {column}",
            "value",
            [str(r["group"]) for r in groups],
            [float(r["value"]) for r in groups],
        )
        worst = check.evidence.get("worst_group")
        out += [f"| {esc(column)} | rows | value |", "|---|---|---|"]
        out += [
            f"| {esc(r['group'])}{' (worst)' if r['group'] == worst else ''} | {r.get('n', '')} "
            f"| {number(float(r['value']))} |"
            for r in groups
        ]
        out.append("")
    return out


def _headline(report: Report) -> str:
    name = esc(report.policy_name or report.policy)
    verdict = "failed" if report.failed() else "passed"
    icon = ICON[Outcome.FAIL] if report.failed() else ICON[report.outcome]
    if not report.failed() and report.outcome is Outcome.SKIPPED:
        icon = ICON[Outcome.SKIPPED]
    return f"## {icon} mlgate: {name} — {verdict}"


def _summary(report: Report) -> str:
    counts = report.counts()
    parts = [
        f"**{n} {k}**" if k in ("fail", "error") else f"{n} {k}" for k, n in counts.items() if n
    ]
    facts = [" · ".join(parts) or "no checks"]
    facts.append(f"policy {code(report.policy)} (sha256 `{report.policy_sha256[:12]}`)")
    packs = [pack_label(p) for p in report.packs if p.kind != "file"]
    if packs:
        facts.append("extends " + ", ".join(code(p) for p in packs))
    if report.git_commit:
        facts.append(f"commit {code(report.git_commit[:12])}")
    if report.baseline:
        facts.append(f"baseline {code(report.baseline)}")
    elif report.baseline_missing:
        facts.append(f"**{esc(report.baseline_missing)}**")
    if report.fail_on == "warning":
        facts.append("warnings fail this run")
    return " — ".join(facts)


def _check_row(check: CheckResult) -> str:
    cells = [
        ICON[check.outcome],
        code(check.id),
        esc(observed(check)),
        esc(check.threshold_text),
        esc(where(check.location)),
        esc(detail(check)),
    ]
    return "| " + " | ".join(cells) + " |"


def _gate_error_row(gate: GateResult) -> str:
    cells = [ICON[gate.outcome], f"{code(gate.id)} (gate)", "", "", esc(where(gate.location))]
    cells.append(esc(gate.message))
    return "| " + " | ".join(cells) + " |"


def _gate_section(gate: GateResult) -> list[str]:
    n = len(gate.checks)
    head = (
        f"<details{' open' if gate.outcome.failing else ''}><summary>{ICON[gate.outcome]} "
        f"<b>{html(gate.id)}</b> ({html(gate.type)}) — {gate.outcome.value}, "
        f"{n} check{'s' if n != 1 else ''}, {gate.duration_s:.2f} s</summary>"
    )
    out = [head, ""]
    if gate.message:
        out += [f"> {esc(gate.message)}", ""]
    if gate.checks:
        out += [CHECK_HEADER, *[_check_row(c) for c in gate.checks], ""]
    for check in gate.checks:
        out += _groups(check)
    return [*out, "</details>", ""]


def _groups(check: CheckResult) -> list[str]:
    groups: list[dict[str, Any]] = check.evidence.get("groups") or []
    if not groups:
        return []
    worst = check.evidence.get("worst_group")
    column = esc(check.evidence.get("column", "group"))
    fixed = ("group", "n", "judged")
    extra = [k for k in groups[0] if k not in fixed]
    count_label = esc(check.evidence.get("count_label", "rows"))
    head = [column, count_label, *[esc(k.replace("_", " ")) for k in extra], "judged"]
    out = [f"{code(check.id)} by {column}:", "", _row(head), _row(["---"] * len(head))]
    for g in groups:
        name = esc(g["group"])
        name = f"**{name}** (worst)" if g["group"] == worst else name
        judged = "yes" if g.get("judged") else "no (too small)"
        out.append(_row([name, str(g["n"]), *[_cell(g.get(k)) for k in extra], judged]))
    return [*out, ""]


def _cell(value: object) -> str:
    if isinstance(value, int | float) or value is None:
        return number(None if value is None else float(value))
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return esc(value)


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


STATUS_ICON = {
    "satisfied": "✅",
    "satisfied with warnings": "⚠️",
    "violated": "❌",
    "waived": "🟦",
    "no evidence": "⬜",
}


def _compliance(report: Report) -> list[str]:
    out = [
        "### Compliance",
        "",
        "| control | requirement | status | evidence |",
        "|---|---|---|---|",
    ]
    for c in report.compliance:
        title = esc(f"{c.clause} — {c.title}" if c.clause else c.title)
        icon = STATUS_ICON.get(c.status, "")
        evidence = ", ".join(code(e) for e in c.evidence[:8])
        if len(c.evidence) > 8:
            evidence += f" and {len(c.evidence) - 8} more"
        out.append(f"| {code(c.control)} | {title} | {icon} {c.status} | {evidence or '—'} |")
    return [*out, ""]


def _waivers(report: Report) -> list[str]:
    out = [
        "### Waivers",
        "",
        "| check | status | approved by | expires | reason |",
        "|---|---|---|---|---|",
    ]
    for w in report.waivers:
        status = f"{w.status}, ⚠️ matches checks of several gates" if w.broad else w.status
        cells = [code(w.check), status, esc(w.approved_by), w.expires, esc(w.reason)]
        out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]


def _inputs(report: Report) -> list[str]:
    if not report.inputs:
        return []
    out = ["### Inputs", "", "| input | path | rows | size | sha256 |", "|---|---|---|---|---|"]
    for i in report.inputs:
        size = f"{i.size:,} B" if i.size is not None else esc(i.error or "")
        rows = f"{i.rows:,}" if i.rows is not None else ""
        sha = f"`{i.sha256[:12]}`" if i.sha256 else ""
        details = input_details(i)
        where = code(i.path) + (f" ({esc(details)})" if details else "")
        out.append(f"| {esc(i.name)} | {where} | {rows} | {size} | {sha} |")
    return [*out, ""]
