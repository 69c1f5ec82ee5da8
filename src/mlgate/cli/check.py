"""`mlgate check`: run a policy and write its reports."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli._app import cli
from mlgate.errors import ExitCode, MlgateError, UsageError
from mlgate.reporters import FORMATS

if TYPE_CHECKING:
    from mlgate.engine import ProgressHook
    from mlgate.inputs import InputStore
    from mlgate.report import GateResult, Report


# options shared by `check` and `report`
format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(list(FORMATS)),
    help="Output format; repeat for several (paired in order with --output).",
)
output_option = click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="File for the matching --format ('-' for standard output).",
)
history_option = click.option(
    "--history",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of earlier JSON reports (e.g. CI artifacts of main): trends in the HTML report.",
)


def _offline(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--offline``: remote packs only from the cache, for this command."""
    if not value:
        return
    from mlgate.policy.remote import OFFLINE_ENV

    before = os.environ.get(OFFLINE_ENV)
    os.environ[OFFLINE_ENV] = "1"

    def restore() -> None:
        if before is None:
            os.environ.pop(OFFLINE_ENV, None)
        else:
            os.environ[OFFLINE_ENV] = before

    ctx.call_on_close(restore)


offline_option = click.option(
    "--offline",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_offline,
    help="Read remote packs only from the cache; never use the network (MLGATE_OFFLINE=1).",
)


@cli.command()
@click.argument("policy", default="mlgate.yaml", type=click.Path(dir_okay=False, path_type=Path))
@format_option
@output_option
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
@click.option(
    "--base-ref",
    metavar="REF",
    help="Review policy changes against the policy at this git revision.",
)
@click.option(
    "--base-policy",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Review policy changes against this policy file.",
)
@click.option(
    "--summary",
    "summary",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the Markdown report to this file (e.g. $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "--github-output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append outcome and counts as step outputs (e.g. $GITHUB_OUTPUT).",
)
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append a hash-chained record of this run to this JSON-lines file.",
)
@history_option
@offline_option
@click.option(
    "--mlflow-run",
    metavar="RUN_ID",
    envvar="MLFLOW_RUN_ID",
    help="Log reports, verdict tags and observed metrics on this MLflow run (default: "
    "MLFLOW_RUN_ID, MLflow's active run); `input:NAME` is the run of MLflow input NAME.",
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
    base_ref: str | None,
    base_policy: Path | None,
    summary: Path | None,
    github_output: Path | None,
    audit_log: Path | None,
    history: Path | None,
    mlflow_run: str | None,
    quiet: bool,
    debug: bool,
) -> int:
    """Run the gates of POLICY (default: mlgate.yaml) and report the verdict."""
    from mlgate import provenance as prov
    from mlgate.engine import RunOptions, run_policy
    from mlgate.policy import load_policy
    from mlgate.policy.required import check_required

    targets = _pair_outputs(formats or _infer_formats(outputs), outputs)
    earlier = _history(history)
    moment = prov.run_clock()
    loaded = load_policy(policy, today=moment.date())
    check_required(loaded)
    extra: tuple[GateResult, ...] = ()
    if base_ref or base_policy:
        from mlgate.review.policy_review import policy_changes, review_gate

        changes, base_label = policy_changes(loaded, base_ref, base_policy)
        extra = (review_gate(loaded, changes or [], base_label),)
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        baseline=baseline,
        debug=debug,
        created_at=prov.timestamp(moment),
        today=moment.date(),
        git_commit=prov.git_commit(loaded.file.parent),
        progress=None if quiet else _progress_hook(),
        extra_gates=extra,
        provenance=prov.provenance(),
    )
    report, store = run_policy(loaded, options)
    _write_reports(report, targets, color, earlier)
    _write_github(report, summary, github_output, targets)
    if mlflow_run and mlflow_run.startswith("input:"):
        mlflow_run = _input_run(store, mlflow_run.removeprefix("input:"))
    link = _write_back(mlflow_run, report, earlier) if mlflow_run else None
    if loaded.doc.notify:
        from mlgate.review.notify import send

        link = link or (report.provenance.ci_run_url if report.provenance else None)
        for note in send(report, loaded.doc.notify, os.environ, link):
            click.echo(f"mlgate: {note}", err=True)
    if audit_log is not None:
        from mlgate.review.audit import make_record

        text = report.to_json()
        append_audit(audit_log, lambda previous: make_record(report, text, previous))
    return int(ExitCode.FAILED if report.failed() else ExitCode.OK)


def append_audit(log: Path, build: Callable[[dict[str, Any] | None], dict[str, Any]]) -> None:
    """Append ``build(previous record)`` to the audit log and print the new head."""
    from mlgate.review.audit import append_with

    try:
        record = append_with(log, build)
    except OSError as exc:
        raise UsageError(f"cannot write the audit log {log}: {exc.strerror}") from None
    click.echo(
        f"mlgate: audit record {record['seq']} appended to {log}; "
        f"head {record['hash']} (keep it: mlgate audit verify --expect-head HASH)",
        err=True,
    )


def _input_run(store: InputStore, name: str) -> str:
    """The MLflow run behind input ``name`` (``--mlflow-run input:NAME``)."""
    from mlgate.errors import did_you_mean

    if name not in store.specs or store.specs[name].mlflow is None:
        known = [n for n, s in store.specs.items() if s.mlflow is not None]
        raise UsageError(
            f"--mlflow-run input:{name}: no MLflow input `{name}`{did_you_mean(name, known)}"
        )
    try:
        run_id = store.materialised(name).run_id
    except MlgateError as exc:
        raise UsageError(f"--mlflow-run input:{name}: {exc}") from None
    if run_id is None:
        raise UsageError(f"--mlflow-run input:{name}: the input names no MLflow run")
    return run_id


def _write_back(run_id: str, report: Report, history: tuple[Report, ...]) -> str | None:
    from mlgate.reporters import RenderOptions, renderer
    from mlgate.review.release import ARTIFACT_DIR, write_back

    options = RenderOptions(root=root(), history=history)
    rendered = {fmt: renderer(fmt)(report, options) for fmt in ("json", "markdown", "html")}
    count, link = write_back(run_id, report, rendered)
    click.echo(
        f"mlgate: verdict, reports ({ARTIFACT_DIR}/) and {count} metrics logged to MLflow run "
        f"{run_id}",
        err=True,
    )
    return link


def _write_github(
    report: Report,
    summary: Path | None,
    github_output: Path | None,
    targets: list[tuple[str, Path | None]],
) -> None:
    from mlgate.reporters import RenderOptions, renderer
    from mlgate.review.github import outputs_for, write_outputs

    try:
        if summary is not None:
            with summary.open("a", encoding="utf-8") as fh:
                fh.write(renderer("markdown")(report, RenderOptions(root=root())) + "\n")
        if github_output is not None:
            json_out = next((str(out) for fmt, out in targets if fmt == "json" and out), "")
            write_outputs(github_output, outputs_for(report, json_out))
    except OSError as exc:
        raise UsageError(f"cannot write GitHub step files: {exc}") from None


def root() -> str:
    from mlgate.review.github import workspace_root

    return workspace_root(os.environ, Path.cwd())


SUFFIX_FORMATS = {
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


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


def _history(folder: Path | None) -> tuple[Report, ...]:
    if folder is None:
        return ()
    from mlgate.review.reports import read_history

    reports, warnings = read_history(folder)
    for warning in warnings:
        click.echo(f"mlgate: {warning}", err=True)
    return reports


def _write_reports(
    report: Report,
    targets: list[tuple[str, Path | None]],
    color: bool | None,
    history: tuple[Report, ...] = (),
) -> None:
    from mlgate.reporters import RenderOptions, renderer

    for fmt, out in targets:
        tty = out is None and sys.stdout.isatty()
        use_color = (
            color if color is not None else tty and "NO_COLOR" not in os.environ
        ) and out is None
        width = _width() if out is None else 160
        base = "" if out is None else os.path.relpath(Path.cwd(), out.resolve().parent)
        options = RenderOptions(
            color=bool(use_color), width=width, root=root(), history=history, link_base=base
        )
        text = renderer(fmt)(report, options)
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


def _progress_hook() -> ProgressHook | None:
    if not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.status import Status

    status = Status("", console=Console(stderr=True))

    current = [""]

    def hook(event: str, gate_id: str, done: int, total: int) -> None:
        if event == "start":
            current[0] = f"mlgate: running gate {gate_id} ({done + 1}/{total})"
            status.update(current[0])
            if done == 0:
                status.start()
        elif event == "detail":  # an engine at work: gate_id holds what it scans
            status.update(f"{current[0]}: {gate_id}")
        elif done == total:
            status.stop()

    return hook


@cli.command("report")
@click.argument("report_file", metavar="REPORT", type=click.Path(dir_okay=False, path_type=Path))
@format_option
@output_option
@history_option
def report_command(
    report_file: Path,
    formats: tuple[str, ...],
    outputs: tuple[Path, ...],
    history: Path | None,
) -> int:
    """Render a saved JSON report again, in any format (e.g. -f html -o report.html).

    The exit code is the report's verdict, as `mlgate check` gave it: 0 passed, 1 failed.
    """
    from mlgate.review.reports import read_report

    saved = read_report(report_file)
    targets = _pair_outputs(formats or _infer_formats(outputs), outputs)
    _write_reports(saved, targets, None, _history(history))
    return int(ExitCode.FAILED) if saved.failed() else 0
