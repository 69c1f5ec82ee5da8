"""Terminal table: one row per check, observed vs threshold, coloured only on a TTY."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from mlgate.report import Location, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import SYMBOL, detail, observed, where

STYLE = {
    Outcome.PASS: "green",
    Outcome.WARN: "yellow",
    Outcome.FAIL: "bold red",
    Outcome.ERROR: "bold red",
    Outcome.WAIVED: "cyan",
    Outcome.SKIPPED: "dim",
}


def render(report: Report, options: RenderOptions) -> str:
    """The report as a terminal table plus a one-line verdict."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=options.width,
        color_system="standard" if options.color else None,
        force_terminal=options.color,
        highlight=False,
        emoji=False,
    )
    title = f"mlgate · {report.policy_name or report.policy}"
    table = Table(title=title, title_justify="left", expand=False, show_lines=False)
    longest = max((len(c.id) for c in report.checks()), default=10)
    table.add_column("", no_wrap=True)
    # Check ids stay whole (waivers and searches use them): the check column is as wide as
    # the longest id (up to 3/5 of the width) and a check's details go on a row below it.
    table.add_column("check", overflow="fold", width=min(longest + 1, options.width * 3 // 5))
    table.add_column("observed", overflow="fold")
    table.add_column("threshold", overflow="fold")
    table.add_column("line", no_wrap=True)
    for gate in report.gates:
        if not gate.checks:
            mark = Text(f"{SYMBOL[gate.outcome]} {gate.outcome.value}", style=STYLE[gate.outcome])
            table.add_row(mark, Text(f"{gate.id} (gate)"), "", "", _line(report, gate.location))
            if gate.message:
                table.add_row("", Text(f"  {gate.message}", style="dim"), "", "", "")
        for check in gate.checks:
            table.add_row(
                Text(f"{SYMBOL[check.outcome]} {check.outcome.value}", style=STYLE[check.outcome]),
                Text(check.id),
                Text(observed(check)),
                Text(check.threshold_text),
                Text(_line(report, check.location)),
            )
            text = detail(check)
            if check.location is not None and check.location.origin:
                text += ("; " if text else "") + f"from {check.location.origin}"
            if text:
                table.add_row("", Text(f"  {text}", style="dim"), "", "", "")
    console.print(table)
    if (
        report.baseline is None
        and not report.baseline_missing
        and any(
            c.threshold.get("max_regression") is not None
            or c.threshold.get("max_relative_regression") is not None
            for c in report.checks()
        )
    ):
        console.print(Text("note: no baseline report, regression thresholds were not judged"))
    if report.baseline_missing:
        console.print(Text(f"note: {report.baseline_missing}"))
    _needs_attention(console, report)
    console.print(Text(f"policy: {report.policy}"))
    console.print(_verdict(report))
    return buffer.getvalue()


def _needs_attention(console: Console, report: Report) -> None:
    """A short list of what failed, errored or warned, after the table."""
    rows: list[tuple[Outcome, str, str, str]] = [
        (g.outcome, f"{g.id} (gate)", g.message, where(g.location))
        for g in report.gates
        if g.outcome is Outcome.ERROR and not g.checks
    ]
    checks = [
        c for c in report.checks() if c.outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.WARN)
    ]
    for c in sorted(checks, key=lambda c: -c.outcome.rank):
        limit = f"{observed(c)} ({c.threshold_text})" if c.threshold_text else observed(c)
        rows.append(
            (c.outcome, c.id, limit if c.observed is not None else c.message, where(c.location))
        )
    if not rows:
        return
    console.print(Text("needs attention:", style="bold"))
    for outcome, name, text, place in rows:
        line = Text(f"  {SYMBOL[outcome]} {outcome.value:<5} ", style=STYLE[outcome])
        line.append(f"{name}  {text}" + (f"  [{place}]" if place else ""))
        console.print(line, overflow="fold")


def _line(report: Report, location: Location | None) -> str:
    if location is None:
        return ""
    if location.file == report.policy:
        return str(location.line) if location.line else ""
    return where(location)


def _verdict(report: Report) -> Text:
    counts = report.counts()
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    if report.failed():
        return Text(f"FAILED ({summary})", style="bold red")
    return Text(f"PASSED ({summary})", style="bold green")
