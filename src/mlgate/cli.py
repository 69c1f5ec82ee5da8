"""The ``mlgate`` command. Thin: parse options, call the library, choose the exit code.

Start-up is kept fast: only click and this package's small modules are imported here;
pydantic, numpy, pandas and the gate libraries are imported inside the commands.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate._version import __version__
from mlgate.errors import ExitCode, MlgateError, PolicyError, UsageError
from mlgate.reporters import FORMATS

if TYPE_CHECKING:
    from mlgate.engine import ProgressHook
    from mlgate.report import Report

BUG_HINT = "this is a bug in mlgate; please report it with the traceback above"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="mlgate")
def cli() -> None:
    """mlgate: quality gates and compliance checks for machine-learning projects.

    A YAML policy names datasets, models and predictions and the gates they must pass;
    `mlgate check` runs them and exits 0 (passed), 1 (a gate failed or could not run),
    2 (the policy or command line is wrong) or 3 (mlgate itself broke).
    """


@cli.command()
@click.argument("policy", default="mlgate.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Output format; repeat for several (paired in order with --output).",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="File for the matching --format ('-' for standard output).",
)
@click.option("--only", multiple=True, metavar="GATE_ID", help="Run only this gate (repeatable).")
@click.option("--skip", multiple=True, metavar="GATE_ID", help="Skip this gate (repeatable).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning"]),
    default="error",
    show_default=True,
    help="Lowest outcome that fails the run.",
)
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Baseline report for regression thresholds (overrides the policy's).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a TTY)."
)
@click.option("-q", "--quiet", is_flag=True, help="No progress display.")
@click.option("--debug", is_flag=True, help="Show tracebacks of gates that raise.")
def check(
    policy: Path,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    only: tuple[str, ...],
    skip: tuple[str, ...],
    fail_on: str,
    baseline: Path | None,
    color: bool | None,
    quiet: bool,
    debug: bool,
) -> int:
    """Run the gates of POLICY (default: mlgate.yaml) and report the verdict."""
    from mlgate.engine import RunOptions, run_policy
    from mlgate.policy import load_policy

    targets = _pair_outputs(formats or _infer_formats(outputs), outputs)
    loaded = load_policy(policy)
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        baseline=baseline,
        debug=debug,
        created_at=_timestamp(),
        git_commit=_git_commit(loaded.file.parent),
        progress=None if quiet else _progress_hook(),
    )
    report, _ = run_policy(loaded, options)
    _write_reports(report, targets, color)
    return int(ExitCode.FAILED if report.failed() else ExitCode.OK)


SUFFIX_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown"}


def _infer_formats(outputs: Sequence[Path]) -> tuple[str, ...]:
    """Without --format, each --output's format follows its suffix (text otherwise)."""
    if not outputs:
        return ("text",)
    return tuple(SUFFIX_FORMATS.get(o.suffix.lower(), "text") for o in outputs)


def _pair_outputs(formats: Sequence[str], outputs: Sequence[Path]) -> list[tuple[str, Path | None]]:
    if len(outputs) > len(formats):
        raise UsageError("more --output than --format options; give one --format per --output")
    pairs = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    pairs = [(fmt, None if out is not None and str(out) == "-" else out) for fmt, out in pairs]
    if sum(1 for _, out in pairs if out is None) > 1:
        raise UsageError("only one --format can go to standard output; give the others --output")
    return pairs


def _write_reports(
    report: Report, targets: list[tuple[str, Path | None]], color: bool | None
) -> None:
    from mlgate.reporters import RenderOptions, renderer

    for fmt, out in targets:
        tty = out is None and sys.stdout.isatty()
        use_color = (
            color if color is not None else tty and "NO_COLOR" not in os.environ
        ) and out is None
        width = _width() if out is None else 160
        text = renderer(fmt)(report, RenderOptions(color=bool(use_color), width=width))
        if out is None:
            click.echo(text, nl=False)
            continue
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror}") from None


def _width() -> int:
    try:
        return max(80, min(os.get_terminal_size().columns, 200))
    except OSError:
        return 120


def _timestamp() -> str:
    import datetime as dt

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
        if epoch and epoch.isdigit()
        else dt.datetime.now(dt.timezone.utc)
    )
    return moment.replace(microsecond=0).isoformat()


def _git_commit(where: Path) -> str | None:
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    import subprocess

    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=where or Path(),
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _progress_hook() -> ProgressHook | None:
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.status import Status

    status = Status("", console=Console(stderr=True))

    def hook(event: str, gate_id: str, done: int, total: int) -> None:
        if event == "start":
            status.update(f"mlgate: running gate {gate_id} ({done + 1}/{total})")
            if done == 0:
                status.start()
        elif done == total:
            status.stop()

    return hook


@cli.command()
@click.argument("policies", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def validate(policies: tuple[Path, ...]) -> int:
    """Check that policy files load and validate (default: mlgate.yaml)."""
    from mlgate.policy import load_policy

    problems = []
    for path in policies or (Path("mlgate.yaml"),):
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        click.echo(
            f"{policy.display}: ok ({len(policy.gates)} gates, {len(policy.doc.inputs)} inputs)"
        )
    if problems:
        raise PolicyError(problems)
    return 0


@cli.command("list-gates")
def list_gates() -> int:
    """List the installed gate types (built-in and plug-ins)."""
    from mlgate.registry import available, load_gate

    for name, ep in available().items():
        gate = load_gate(name)
        dist = getattr(ep, "dist", None)
        origin = f"{dist.name} {dist.version}" if dist is not None else ep.value
        click.echo(f"{name:<14} {gate.summary}  [{origin}]")
    return 0


@cli.command()
@click.argument("gate_type")
def explain(gate_type: str) -> int:
    """Print the documentation of a gate type."""
    import inspect

    from mlgate.errors import did_you_mean
    from mlgate.registry import available, load_gate

    if gate_type not in available():
        raise UsageError(f"unknown gate type `{gate_type}`{did_you_mean(gate_type, available())}")
    gate = load_gate(gate_type)
    module = sys.modules[type(gate).__module__]
    click.echo(inspect.cleandoc(module.__doc__ or gate.summary))
    return 0


@cli.command()
def schema() -> int:
    """Print the JSON Schema of the policy format (for editor completion)."""
    import json

    from mlgate.policy.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))
    return 0


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and map every outcome to one exit code (the one error handler)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result: Any = cli.main(args=args, prog_name="mlgate", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except (click.Abort, KeyboardInterrupt):
        click.echo("mlgate: interrupted", err=True)
        return int(ExitCode.INTERRUPTED)
    except PolicyError as exc:
        click.echo(str(exc), err=True)
        n = len(exc.problems)
        click.echo(f"mlgate: the policy is invalid ({n} problem{'s' if n != 1 else ''})", err=True)
        return int(exc.exit_code)
    except MlgateError as exc:
        click.echo(f"mlgate: error: {exc}", err=True)
        return int(exc.exit_code)
    except Exception:
        traceback.print_exc()
        click.echo(f"mlgate: internal error: {BUG_HINT}", err=True)
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
