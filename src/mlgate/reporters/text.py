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
    table.add_column("", no_wrap=True)
    table.add_column("check", overflow="fold", ratio=2)
    table.add_column("observed", overflow="fold", ratio=2)
    table.add_column("threshold", overflow="fold", ratio=2)
    table.add_column("line", no_wrap=True)
    table.add_column("details", overflow="fold", ratio=3)
    for gate in report.gates:
        if not gate.checks:
            table.add_row(
                *_gate_row(gate.outcome, gate.id, gate.message, _line(report, gate.location))
            )
        for check in gate.checks:
            table.add_row(
                Text(f"{SYMBOL[check.outcome]} {check.outcome.value}", style=STYLE[check.outcome]),
                Text(check.id),
                Text(observed(check)),
                Text(check.threshold_text),
                Text(_line(report, check.location)),
                Text(detail(check)),
            )
    console.print(table)
    if report.baseline is None and any(
        c.threshold.get("max_regression") is not None
        or c.threshold.get("max_relative_regression") is not None
        for c in report.checks()
    ):
        console.print(Text("note: no baseline report, regression thresholds were not judged"))
    console.print(Text(f"policy: {report.policy}"))
    console.print(_verdict(report))
    return buffer.getvalue()


def _line(report: Report, location: Location | None) -> str:
    if location is None:
        return ""
    if location.file == report.policy:
        return str(location.line) if location.line else ""
    return where(location)


def _gate_row(outcome: Outcome, gate_id: str, message: str, location: str) -> list[Text]:
    mark = Text(f"{SYMBOL[outcome]} {outcome.value}", style=STYLE[outcome])
    return [mark, Text(f"{gate_id} (gate)"), Text(""), Text(""), Text(location), Text(message)]


def _verdict(report: Report) -> Text:
    counts = report.counts()
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    if report.failed():
        return Text(f"FAILED ({summary})", style="bold red")
    return Text(f"PASSED ({summary})", style="bold green")
