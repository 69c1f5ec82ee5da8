"""Review commands: `mlgate diff`, `mlgate comment`, `mlgate audit verify`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mlgate.cli._app import cli
from mlgate.errors import ExitCode, UsageError
from mlgate.reporters import DIFF_FORMATS

if TYPE_CHECKING:
    pass


# the output format of `mlgate diff` and `mlgate packs diff`
diff_format_option = click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(DIFF_FORMATS),
    default="text",
    show_default=True,
)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--policy", "policies", is_flag=True, help="Compare two policy files instead of two reports."
)
@click.option("--base-ref", metavar="REF", help="With --policy: the base is HEAD's policy at REF.")
@diff_format_option
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
    if policies or base_ref:
        click.echo(_policy_diff(base, head, base_ref, fmt), nl=False)
        return 0
    if base is None:
        raise UsageError("give two reports: mlgate diff BASE_REPORT HEAD_REPORT")
    from mlgate.reporters.diff import REPORT_DIFF
    from mlgate.review.diff import diff_reports
    from mlgate.review.reports import read_report

    click.echo(REPORT_DIFF[fmt](diff_reports(read_report(base), read_report(head))), nl=False)
    return 0


def _policy_diff(base: Path | None, head: Path, base_ref: str | None, fmt: str) -> str:
    from mlgate.policy import load_policy
    from mlgate.reporters.diff import POLICY_DIFF
    from mlgate.review.diff import diff_policies
    from mlgate.review.policy_review import load_at_ref

    head_policy = load_policy(head)
    if base_ref:
        base_policy = load_at_ref(head, base_ref)
        changes = diff_policies(base_policy, head_policy) if base_policy else []
    elif base is None:
        raise UsageError("give BASE and HEAD policy files, or --base-ref REF HEAD")
    else:
        changes = diff_policies(load_policy(base), head_policy)
    return POLICY_DIFF[fmt](changes)


@cli.command()
@click.argument("report", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also show what changed since this baseline report.",
)
@click.option(
    "--html-url",
    metavar="URL",
    help="Link to the HTML report (https; e.g. the uploaded artifact's URL).",
)
@click.option(
    "--platform",
    type=click.Choice(["auto", "github", "gitlab"]),
    default="auto",
    show_default=True,
    help="Where to comment; auto: GitLab when GITLAB_CI is set, else GitHub.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the comment that would be posted; call no API."
)
def comment(
    report: Path, baseline: Path | None, html_url: str | None, platform: str, dry_run: bool
) -> int:
    """Create or update the sticky mlgate comment on the pull or merge request.

    GitHub: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH (for the PR number) and
    GITHUB_API_URL. GitLab: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID and a token
    in MLGATE_GITLAB_TOKEN or GITLAB_TOKEN (api scope). The API URL must be https (or http on
    a loopback address); the token is sent to no other host. Problems talking to the API are
    warnings: they never change the verdict.
    """
    from mlgate.cli.check import root
    from mlgate.provenance import run_url
    from mlgate.reporters import RenderOptions, renderer
    from mlgate.reporters.diff import report_diff_markdown
    from mlgate.review import github
    from mlgate.review.diff import diff_reports
    from mlgate.review.reports import read_report

    head = read_report(report)
    body = renderer("markdown")(head, RenderOptions(root=root()))
    if baseline is not None and baseline.exists():
        body += "\n" + report_diff_markdown(diff_reports(read_report(baseline), head))
    if html_url:
        if not html_url.startswith("https://") or any(c in html_url for c in " ()<>\n"):
            raise UsageError(f"--html-url must be an https URL, not {html_url!r}")
        body = body.replace(
            "\n", f"\n\n📊 [Full HTML report with charts]({html_url}) (artifact of this run)\n", 1
        )
    key = head.policy or "mlgate"
    on_gitlab = platform == "gitlab" or (platform == "auto" and bool(os.environ.get("GITLAB_CI")))
    if dry_run:
        link = os.environ.get("CI_JOB_URL") if on_gitlab else run_url(os.environ)
        click.echo(github.comment_body(body, key, link), nl=False)
        return 0
    if on_gitlab:
        from mlgate.review.gitlab import post_note

        done = post_note(body, key, os.environ)
    else:
        done = github.post_comment(body, key, os.environ)
    if done.warning:
        click.echo(f"mlgate: warning: {done.text}", err=True)
    else:
        click.echo(f"mlgate: {done.text}")
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
@click.argument("model")
@click.argument("version")
@click.option("--alias", default="champion", show_default=True, help="The alias to set.")
@click.option(
    "--report",
    "report_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON report of `mlgate check` that evaluated this model version.",
)
@click.option(
    "--audit-log",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append the promotion to this hash-chained audit log.",
)
def promote(model: str, version: str, alias: str, report_path: Path, audit_log: Path | None) -> int:
    """Point MLflow alias --alias of registered MODEL at VERSION, through the gate.

    VERSION is a version number or an alias (e.g. `candidate`: the version it names now).
    Only when the report passed and evaluated that exact version (the sha256 of the version's
    model file is among the report's inputs); otherwise exit 1 with the reasons. The tracking
    server is MLFLOW_TRACKING_URI.
    """
    import hashlib

    from mlgate.review.release import promote as do_promote
    from mlgate.review.reports import read_report

    report = read_report(report_path)
    done = do_promote(model, version, alias, report)
    before = f" (was version {done.previous})" if done.previous else ""
    click.echo(f"mlgate: {model}@{alias} → version {done.version}{before}")
    if audit_log is not None:
        from mlgate import provenance as prov
        from mlgate.cli.check import append_audit
        from mlgate.review.audit import make_event

        text = report_path.read_bytes()
        fields = {
            "event": "promotion",
            "time": prov.timestamp(prov.run_clock()),
            "model": model,
            "version": done.version,
            "alias": alias,
            "previous_version": done.previous,
            "model_sha256": done.model_sha256,
            "run_id": done.run_id,
            "report_sha256": hashlib.sha256(text).hexdigest(),
            "policy_sha256": report.policy_sha256,
        }
        append_audit(audit_log, lambda previous: make_event(fields, previous))
    return 0
