"""GitHub Actions workflow commands: one annotation per check that needs attention.

``::error`` for failed checks and gates that could not run, ``::warning`` for warnings,
``::notice`` for waived checks, each pointing at the policy file and the line where the
threshold is written, inside one ``::group::`` per gate. Data and properties are escaped
exactly as GitHub's toolkit escapes them (``@actions/core`` ``command.ts``).
"""

from __future__ import annotations

from mlgate.report import CheckResult, GateResult, Location, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import SYMBOL, observed

LEVEL = {Outcome.FAIL: "error", Outcome.ERROR: "error", Outcome.WARN: "warning"}
LEVEL[Outcome.WAIVED] = "notice"


def escape_data(text: str) -> str:
    """Escape a command's message (toolkit ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value (toolkit ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repo_path(root: str, location: Location) -> str:
    """The policy path relative to the repository root, POSIX style."""
    if not root or location.file.startswith("/"):
        return location.file
    return f"{root.rstrip('/')}/{location.file}"


def command(level: str, message: str, location: Location | None, title: str, root: str) -> str:
    """One workflow command line."""
    props = []
    if location is not None:
        props.append(f"file={escape_property(repo_path(root, location))}")
        if location.line:
            props.append(f"line={location.line}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def _check_lines(check: CheckResult, root: str) -> list[str]:
    line = f"{SYMBOL[check.outcome]} {check.outcome.value:<7} {check.id}  {observed(check)}"
    line += f"  ({check.threshold_text})" if check.threshold_text else ""
    out = [escape_data(line)]
    level = LEVEL.get(check.outcome)
    if level is not None:
        text = check.message or check.outcome.value
        if check.waiver:
            text = f"waived: {check.waiver}; {text}"
        message = (
            f"{check.id}: observed {observed(check)}, threshold {check.threshold_text}: {text}"
        )
        if check.location is not None and check.location.origin:
            message += f" (from {check.location.origin})"
        out.append(command(level, message, check.location, f"mlgate {check.id}", root))
    return out


def _gate_lines(gate: GateResult, root: str) -> list[str]:
    out = [f"::group::mlgate {escape_data(gate.id)} ({gate.type}): {gate.outcome.value}"]
    if not gate.checks:
        out.append(escape_data(f"{SYMBOL[gate.outcome]} {gate.outcome.value} {gate.message}"))
        if gate.outcome is Outcome.ERROR:
            title = f"mlgate {gate.id} could not run"
            out.append(command("error", gate.message, gate.location, title, root))
    for check in gate.checks:
        out.extend(_check_lines(check, root))
    return [*out, "::endgroup::"]


def render(report: Report, options: RenderOptions) -> str:
    """The report as workflow commands for the GitHub Actions log."""
    lines: list[str] = []
    for gate in report.gates:
        lines.extend(_gate_lines(gate, options.root))
    counts = ", ".join(f"{n} {k}" for k, n in report.counts().items() if n)
    verdict = "FAILED" if report.failed() else "PASSED"
    lines.append(escape_data(f"mlgate {verdict} ({counts})"))
    return "\n".join(lines) + "\n"
