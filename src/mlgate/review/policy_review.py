"""The review of policy changes in a run: ``--base-ref`` / ``--base-policy``.

The base policy is loaded (from git at a revision, or from a file), compared with the
policy being run, and turned into the ``policy-changes`` gate that the engine adds to the
report like any other gate's result.
"""

from __future__ import annotations

from pathlib import Path

from mlgate.changes import PolicyChange
from mlgate.errors import UsageError
from mlgate.paths import display_path
from mlgate.policy import Policy, load_policy
from mlgate.report import CheckResult, GateResult, Location, Outcome, worst
from mlgate.review.diff import diff_policies

GATE_ID = "policy-changes"


def load_at_ref(path: Path, ref: str) -> Policy | None:
    """The policy at ``path`` as it was at git revision ``ref`` (None: not there yet).

    Built-in packs come from the installed mlgate at both revisions, never from git.
    """
    from mlgate.policy.gitref import git_reader

    reader = git_reader(ref, path.resolve().parent)
    try:
        reader(path)
    except FileNotFoundError:
        return None
    return load_policy(path, reader=reader, label=f"{ref}:")


def policy_changes(
    head: Policy, base_ref: str | None, base_policy: Path | None
) -> tuple[list[PolicyChange] | None, str]:
    """(changes, what they were compared with); ``None`` when no review was asked for."""
    if base_ref and base_policy:
        raise UsageError("give --base-ref or --base-policy, not both")
    if base_policy is not None:
        return diff_policies(load_policy(base_policy), head), display_path(base_policy)
    if base_ref is None:
        return None, ""
    base = load_at_ref(head.file, base_ref)
    if base is None:
        return [], f"{base_ref} (the policy is new there)"
    return diff_policies(base, head), base_ref


def review_gate(policy: Policy, changes: list[PolicyChange], base: str) -> GateResult:
    """The review of policy changes as a gate: weakening changes warn (or fail)."""
    flagged = Outcome.FAIL if policy.doc.policy_changes == "fail" else Outcome.WARN
    checks = []
    for change in changes:
        loc = policy.loc(change.path)
        outcome = flagged if change.weakens else Outcome.PASS
        message = change.message + (" (weakens the policy)" if change.weakens else "")
        checks.append(
            CheckResult(
                id=f"{GATE_ID}/{change.where}",
                name=change.where,
                outcome=outcome,
                severity="error" if flagged is Outcome.FAIL else "warning",
                message=message,
                violated=change.weakens,
                location=Location(file=loc.file, line=loc.line),
                evidence={"kind": change.kind, "base": base},
            )
        )
    loc = policy.loc(("policy_changes",))
    summary = f"compared with {base}: {len(changes)} change(s), "
    summary += f"{sum(c.weakens for c in changes)} weakening"
    outcome = worst([c.outcome for c in checks]) if checks else Outcome.PASS
    return GateResult(
        id=GATE_ID,
        type=GATE_ID,
        outcome=outcome,
        message=summary,
        location=Location(file=loc.file, line=loc.line),
        checks=tuple(checks),
    )
