"""The ``mlgate`` command. Thin: parse options, call the library, choose the exit code.

Start-up is kept fast: only click and this package's small modules are imported here;
pydantic, numpy, pandas and the gate libraries are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
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
from mlgate.textsafe import clean

if TYPE_CHECKING:
    from mlgate.engine import ProgressHook
    from mlgate.policy import Policy
    from mlgate.report import Provenance, Report
    from mlgate.review.diff import PolicyChange

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
    quiet: bool,
    debug: bool,
) -> int:
    """Run the gates of POLICY (default: mlgate.yaml) and report the verdict."""
    from mlgate.engine import RunOptions, run_policy
    from mlgate.policy import load_policy

    targets = _pair_outputs(formats or _infer_formats(outputs), outputs)
    moment = run_clock()
    loaded = load_policy(policy, today=moment.date())
    changes, base_label = _policy_changes(loaded, base_ref, base_policy)
    options = RunOptions(
        only=only,
        skip=skip,
        fail_on=fail_on,
        baseline=baseline,
        debug=debug,
        created_at=moment.replace(microsecond=0).isoformat(),
        today=moment.date(),
        git_commit=_git_commit(loaded.file.parent),
        progress=None if quiet else _progress_hook(),
        policy_changes=changes,
        base_label=base_label,
        provenance=_provenance(),
    )
    report, _ = run_policy(loaded, options)
    _write_reports(report, targets, color)
    _write_github(report, summary, github_output, targets)
    if audit_log is not None:
        from mlgate.review.audit import append

        try:
            record = append(audit_log, report, report.to_json())
        except OSError as exc:
            raise UsageError(f"cannot write the audit log {audit_log}: {exc.strerror}") from None
        click.echo(
            f"mlgate: audit record {record['seq']} appended to {audit_log}; "
            f"head {record['hash']} (keep it: mlgate audit verify --expect-head HASH)",
            err=True,
        )
    return int(ExitCode.FAILED if report.failed() else ExitCode.OK)


LIBRARIES = (
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "fairlearn",
    "great-expectations",
    "deepchecks",
    "skops",
    "onnxruntime",
    "pydantic",
)


def _provenance() -> Provenance:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from mlgate.report import Provenance
    from mlgate.review.github import run_url

    libraries = {}
    for name in LIBRARIES:
        try:
            libraries[name] = version(name)
        except PackageNotFoundError:
            continue
    return Provenance(
        ci_run_url=run_url(os.environ), python=platform.python_version(), libraries=libraries
    )


def _policy_changes(
    head: Policy, base_ref: str | None, base_policy: Path | None
) -> tuple[list[PolicyChange] | None, str]:
    from mlgate.policy import load_policy
    from mlgate.review.diff import diff_policies

    if base_ref and base_policy:
        raise UsageError("give --base-ref or --base-policy, not both")
    if base_policy is not None:
        return diff_policies(load_policy(base_policy), head), _display(base_policy)
    if base_ref is None:
        return None, ""
    base = _load_at_ref(head.file, base_ref)
    if base is None:
        return [], f"{base_ref} (the policy is new there)"
    return diff_policies(base, head), base_ref


def _load_at_ref(path: Path, ref: str) -> Policy | None:
    from mlgate.policy import load_policy
    from mlgate.policy.gitref import git_reader

    reader = git_reader(ref, path.resolve().parent)
    try:
        reader(path)
    except FileNotFoundError:
        return None
    return load_policy(path, reader=reader, label=f"{ref}:")


def _display(path: Path) -> str:
    from mlgate.paths import display_path

    return display_path(path)


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
                fh.write(renderer("markdown")(report, RenderOptions(root=_root())) + "\n")
        if github_output is not None:
            json_out = next((str(out) for fmt, out in targets if fmt == "json" and out), "")
            write_outputs(github_output, outputs_for(report, json_out))
    except OSError as exc:
        raise UsageError(f"cannot write GitHub step files: {exc}") from None


def _root() -> str:
    from mlgate.review.github import workspace_root

    return workspace_root(os.environ, Path.cwd())


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
        options = RenderOptions(color=bool(use_color), width=width, root=_root())
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


def run_clock() -> dt.datetime:
    """The one "now" of a run: ``SOURCE_DATE_EPOCH`` when set (reproducible reports), else
    the clock. The report's date and waiver expiry both use it."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.timezone.utc)
    if not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01, not {epoch!r}")
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise UsageError(f"SOURCE_DATE_EPOCH {epoch[:30]} is out of the range of dates") from None


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
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--policy", "policies", is_flag=True, help="Compare two policy files instead of two reports."
)
@click.option("--base-ref", metavar="REF", help="With --policy: the base is HEAD's policy at REF.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
def diff(paths: tuple[Path, ...], policies: bool, base_ref: str | None, fmt: str) -> int:
    """Compare two reports (BASE HEAD), or policies (--policy BASE HEAD, --base-ref REF HEAD).

    Reports: new failures, fixed checks, metric deltas (better/worse), added/removed gates.
    Policies: loosened thresholds, removed or disabled gates and checks, lowered
    severities, dropped confidence, added or extended waivers.
    """
    expected = 1 if base_ref else 2
    if len(paths) != expected:
        raise UsageError("usage: mlgate diff BASE HEAD | --policy BASE HEAD | --base-ref REF HEAD")
    base, head = (None, paths[0]) if base_ref else (paths[0], paths[1])
    from mlgate.review import diff as d

    if policies or base_ref:
        click.echo(_policy_diff(base, head, base_ref, fmt), nl=False)
        return 0
    if base is None:
        raise UsageError("give two reports: mlgate diff BASE_REPORT HEAD_REPORT")
    result = d.diff_reports(_read_report(base), _read_report(head))
    if fmt == "json":
        import json

        click.echo(json.dumps(d.report_diff_json(result), indent=2))
    else:
        render_report = d.report_diff_markdown if fmt == "markdown" else d.report_diff_text
        click.echo(render_report(result), nl=False)
    return 0


def _policy_diff(base: Path | None, head: Path, base_ref: str | None, fmt: str) -> str:
    import json

    from mlgate.policy import load_policy
    from mlgate.review import diff as d

    head_policy = load_policy(head)
    if base_ref:
        base_policy = _load_at_ref(head, base_ref)
        changes = d.diff_policies(base_policy, head_policy) if base_policy else []
    elif base is None:
        raise UsageError("give BASE and HEAD policy files, or --base-ref REF HEAD")
    else:
        changes = d.diff_policies(load_policy(base), head_policy)
    if fmt == "json":
        rows = [
            {"kind": c.kind, "where": c.where, "message": c.message, "weakens": c.weakens}
            for c in changes
        ]
        return json.dumps(rows, indent=2) + "\n"
    render = d.policy_diff_markdown if fmt == "markdown" else d.policy_diff_text
    return render(changes)


def _read_report(path: Path) -> Report:
    from mlgate.report import Report
    from mlgate.safe_io import MAX_REPORT_BYTES, read_bounded

    try:
        return Report.from_json(read_bounded(path, MAX_REPORT_BYTES, allow_pipe=True))
    except FileNotFoundError:
        raise UsageError(f"{path}: no such report file") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"{path}: not a valid mlgate report ({first})") from None


@cli.command()
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also show what changed since this baseline report.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the comment that would be posted; call no API."
)
def comment(report: Path, baseline: Path | None, dry_run: bool) -> int:
    """Create or update the sticky mlgate comment on the pull request.

    Uses GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (for the PR number) and
    GITHUB_API_URL (https, or http on a loopback address; the token is sent to no other
    host). Problems talking to GitHub are warnings: they never change the verdict.
    """
    from mlgate.reporters import RenderOptions, renderer
    from mlgate.review import github
    from mlgate.review.diff import diff_reports, report_diff_markdown

    head = _read_report(report)
    body = renderer("markdown")(head, RenderOptions(root=_root()))
    if baseline is not None and baseline.exists():
        body += "\n" + report_diff_markdown(diff_reports(_read_report(baseline), head))
    env = os.environ
    key = head.policy or "mlgate"
    if dry_run:
        click.echo(github.comment_body(body, key, github.run_url(env)), nl=False)
        return 0
    number = github.pr_number(env)
    missing = [k for k in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not env.get(k)]
    if number is None or missing:
        why = f"missing {', '.join(missing)}" if missing else "no pull request in GITHUB_EVENT_PATH"
        click.echo(f"mlgate: warning: not commenting ({why})", err=True)
        return 0
    api = env.get("GITHUB_API_URL", "https://api.github.com")
    text = github.comment_body(body, key, github.run_url(env))
    try:
        client = github.GitHubClient(api, env["GITHUB_REPOSITORY"], env["GITHUB_TOKEN"])
        done = client.upsert_comment(number, text, github.MARKER.format(key=key))
    except github.CommentError as exc:
        click.echo(f"mlgate: warning: could not comment on the pull request: {exc}", err=True)
        return 0
    click.echo(f"mlgate: {done} the report comment on pull request #{number}")
    return 0


@cli.command()
@click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The dataset to profile (csv, parquet, jsonl, ...).",
)
@click.option("--label", help="The label column, if the data has one.")
@click.option(
    "--out",
    "out",
    default="mlgate.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file to write.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing policy file.")
def init(data: Path, label: str | None, out: Path, force: bool) -> int:
    """Write a commented starter policy from a dataset."""
    from mlgate.errors import did_you_mean
    from mlgate.inputs import detect_format, read_frame
    from mlgate.policy import load_policy
    from mlgate.policy.model import DATA_FORMATS, InputSpec
    from mlgate.policy.starter import starter_policy

    if out.exists() and not force:
        raise UsageError(f"{out} exists; not overwriting it (use --force)")
    fmt = detect_format(data)
    if fmt not in DATA_FORMATS:
        raise UsageError(f"{data}: not a dataset file (csv, tsv, parquet, jsonl, json, feather)")
    if not data.is_file():
        raise UsageError(f"{data} not found")
    frame = read_frame("data", data, fmt, InputSpec(path=str(data)))
    if label is not None and label not in frame.columns:
        raise UsageError(
            f"{data} has no column `{label}`{did_you_mean(label, map(str, frame.columns))}"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(starter_policy(data, frame, out, label), encoding="utf-8")
    policy = load_policy(out)
    shown = _display(out)
    click.echo(
        f"{shown}: written ({len(policy.gates)} gates); review it, then: mlgate check {shown}"
    )
    return 0


@cli.group()
def audit() -> None:
    """The audit trail written by `mlgate check --audit-log FILE`."""


@audit.command("verify")
@click.argument("log", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--expect-head",
    metavar="SHA256",
    help="The hash of the last record, kept outside the log (finds removals from the end).",
)
@click.option(
    "--expect-count", type=click.IntRange(min=0), help="The number of records the log must hold."
)
def audit_verify(log: Path, expect_head: str | None, expect_count: int | None) -> int:
    """Check that no record of LOG was edited, removed or reordered."""
    from mlgate.review.audit import verify

    try:
        count, problems, head = verify(log, expect_head, expect_count)
    except FileNotFoundError:
        raise UsageError(f"{log}: no such audit log") from None
    except OSError as exc:
        raise UsageError(f"cannot read {log}: {exc.strerror}") from None
    for problem in problems:
        click.echo(f"{log}: {problem}", err=True)
    if problems:
        click.echo(f"mlgate: the audit log is NOT intact ({len(problems)} problem(s))", err=True)
        return int(ExitCode.FAILED)
    click.echo(f"{log}: {count} records, chain intact, head {head}")
    return 0


@cli.command()
@click.argument("policy", default="mlgate.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Lock file to write (default: mlgate.lock beside the policy).",
)
def lock(policy: Path, output: Path | None) -> int:
    """Record the sha256 of every input of POLICY, for governance lineage checks."""
    from mlgate.gates.governance.documents import lock_document
    from mlgate.inputs import InputStore
    from mlgate.policy import load_policy

    loaded = load_policy(policy)
    target = output or loaded.file.parent / "mlgate.lock"
    store = InputStore(loaded)
    entries = {}
    for name in loaded.doc.inputs:
        path = store.path(name)
        digest = store.sha256(name)
        if digest is None:
            raise UsageError(f"input `{name}`: {path} not found; cannot lock it")
        rel = os.path.relpath(path.resolve(), target.resolve().parent)
        entries[name] = (Path(rel).as_posix(), digest, path.stat().st_size)
    target.write_text(lock_document(entries), encoding="utf-8")
    click.echo(f"{_display(target)}: locked {len(entries)} inputs")
    return 0


@cli.group()
def packs() -> None:
    """Built-in policy packs (use them with `extends: [builtin:NAME]`)."""


@packs.command("list")
def packs_list() -> int:
    """List the built-in packs."""
    from mlgate.policy.packs import pack_names, pack_path
    from mlgate.policy.source import load_yaml

    for name in pack_names():
        path = pack_path(name)
        assert path is not None
        data = load_yaml(path).data or {}
        click.echo(f"{name:<22} {data.get('description', '')}".rstrip())
    return 0


@packs.command("show")
@click.argument("name")
def packs_show(name: str) -> int:
    """Print a built-in pack."""
    from mlgate.errors import did_you_mean
    from mlgate.policy.packs import pack_names, pack_path

    path = pack_path(name)
    if path is None:
        raise UsageError(f"no built-in pack `{name}`{did_you_mean(name, pack_names())}")
    click.echo(path.read_text(encoding="utf-8"), nl=False)
    return 0


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
        for spec in policy.gates:
            missing = getattr(spec.gate, "missing_dependency", lambda: None)()
            if missing:
                click.echo(f"{policy.display}: warning: gate `{spec.id}`: {missing}", err=True)
    if problems:
        raise PolicyError(problems)
    return 0


@cli.command("list-gates")
def list_gates() -> int:
    """List the installed gate types (built-in and plug-ins)."""
    from mlgate.gates.registry import available, load_gate

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
    import importlib
    import inspect

    from mlgate.errors import did_you_mean
    from mlgate.gates.registry import available, load_gate

    if gate_type not in available():
        raise UsageError(f"unknown gate type `{gate_type}`{did_you_mean(gate_type, available())}")
    gate = load_gate(gate_type)
    module = importlib.import_module(type(gate).__module__)
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
        click.echo(clean(str(exc)), err=True)
        n = len(exc.problems)
        click.echo(f"mlgate: the policy is invalid ({n} problem{'s' if n != 1 else ''})", err=True)
        return int(exc.exit_code)
    except MlgateError as exc:
        click.echo(f"mlgate: error: {clean(str(exc))}", err=True)
        return int(exc.exit_code)
    except Exception:
        traceback.print_exc()
        click.echo(f"mlgate: internal error: {BUG_HINT}", err=True)
        return int(ExitCode.INTERNAL)
    return int(result) if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
