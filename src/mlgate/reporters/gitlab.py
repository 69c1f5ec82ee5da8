"""GitLab Code Quality: the findings a merge request widget shows beside the diff.

A JSON array of issues in the subset of the Code Climate format GitLab reads
(``artifacts: reports: codequality``): ``description``, ``check_name``, ``fingerprint``,
``severity`` and ``location`` (the policy file and the line of the threshold). One issue per
failed, errored or warned check and per gate that could not run; waived and passed checks
are not issues. Fingerprints hash only the check id and the policy path, so GitLab follows a
check across runs however its value moves and tells new findings from fixed ones.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from mlgate.report import CheckResult, GateResult, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import observed
from mlgate.reporters.github import repo_path
from mlgate.reporters.sarif import rule_id


def severity(outcome: Outcome, check_severity: str = "error") -> str:
    """GitLab's scale (info, minor, major, critical, blocker) for an outcome."""
    if outcome is Outcome.ERROR:
        return "blocker"  # a gate that could not run: nothing was checked
    if outcome is Outcome.FAIL:
        return "critical" if check_severity == "error" else "major"
    return "minor" if check_severity != "info" else "info"


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\0".join(("mlgate", *parts)).encode("utf-8")).hexdigest()[:32]


def _issue(
    check_name: str, description: str, level: str, path: str, line: int, key: str
) -> dict[str, Any]:
    return {
        "description": description,
        "check_name": check_name,
        "fingerprint": _fingerprint(key, path),
        "severity": level,
        "location": {"path": path, "lines": {"begin": max(line, 1)}},
    }


def _check_issue(gate: GateResult, check: CheckResult, root: str) -> dict[str, Any]:
    text = f"mlgate {check.id}: {observed(check)}"
    if check.threshold_text:
        text += f" (threshold {check.threshold_text})"
    if check.message:
        text += f" — {check.message}"
    location = check.location or gate.location
    path = repo_path(root, location) if location else ""
    line = location.line if location else 1
    return _issue(
        rule_id(gate.type, check),
        text,
        severity(check.outcome, check.severity),
        path,
        line,
        check.id,
    )


def render(report: Report, options: RenderOptions) -> str:
    """The report as a GitLab Code Quality array."""
    issues = []
    for gate in report.gates:
        if gate.outcome is Outcome.ERROR and not gate.checks:
            path = repo_path(options.root, gate.location) if gate.location else report.policy
            line = gate.location.line if gate.location else 1
            text = f"mlgate gate {gate.id} could not run: {gate.message}"
            issues.append(
                _issue("mlgate/gate-error", text, "blocker", path, line, f"{gate.id}/gate")
            )
            continue
        for check in gate.checks:
            if check.outcome in (Outcome.FAIL, Outcome.ERROR, Outcome.WARN):
                issues.append(_check_issue(gate, check, options.root))
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
