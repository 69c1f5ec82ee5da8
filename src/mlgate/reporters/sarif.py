"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One rule per check kind (gate type + metric, e.g. ``mlgate/performance/roc_auc``), with
help text; one result per violated check, located at the policy line where its threshold
is written; waived checks carry a ``suppressions`` entry with the waiver's justification.
``partialFingerprints`` depend only on the check id, so code scanning tracks a check
across runs however its observed value moves.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from mlgate.report import CheckResult, GateResult, Location, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import observed
from mlgate.reporters.github import repo_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://pypi.org/project/mlgate/"
GATE_ERROR_RULE = "mlgate/gate-error"
_SLICE = re.compile(r"\[.*\]$")


def rule_id(gate_type: str, check: CheckResult) -> str:
    """Stable rule id of a check's kind: ``mlgate/<gate type>/<metric>``."""
    return f"mlgate/{gate_type}/{_SLICE.sub('', check.name)}"


def _rule(rid: str, gate_type: str, kind: str) -> dict[str, Any]:
    if rid == GATE_ERROR_RULE:
        text = "A gate could not run (missing or unreadable input, missing column, an error)."
        help_text = text + " A gate that cannot run fails the run; see the gate's message."
    else:
        text = f"mlgate {gate_type} check `{kind}` violated its policy threshold."
        help_text = (
            f"The `{kind}` value measured by the `{gate_type}` gate did not meet the threshold "
            f"written in the policy. Run `mlgate explain {gate_type}` for what it measures."
        )
    return {
        "id": rid,
        "name": rid.replace("/", "_").replace("-", "_"),
        "shortDescription": {"text": text},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": help_text},
        "helpUri": INFO_URI,
        "properties": {"tags": ["mlgate", gate_type]},
    }


def _location(location: Location | None, root: str) -> list[dict[str, Any]]:
    if location is None:
        return []
    physical: dict[str, Any] = {"artifactLocation": {"uri": repo_path(root, location)}}
    if location.line:
        physical["region"] = {"startLine": location.line}
    return [{"physicalLocation": physical}]


def _fingerprint(check_id: str) -> dict[str, str]:
    return {"mlgateCheckId/v1": hashlib.sha256(check_id.encode()).hexdigest()[:32]}


def _level(check: CheckResult) -> str | None:
    if check.outcome in (Outcome.FAIL, Outcome.ERROR):
        return "error"
    if check.outcome is Outcome.WARN:
        return "warning"
    if check.outcome is Outcome.WAIVED:
        return "error" if check.severity == "error" else "warning"
    if check.violated:
        return "note"
    return None


def _check_result(check: CheckResult, rid: str, level: str, root: str) -> dict[str, Any]:
    text = f"{check.id}: observed {observed(check)}, threshold {check.threshold_text}"
    if check.message:
        text += f": {check.message}"
    if check.location is not None and check.location.origin:
        text += f" (from {check.location.origin})"
    result: dict[str, Any] = {
        "ruleId": rid,
        "level": level,
        "message": {"text": text},
        "locations": _location(check.location, root),
        "partialFingerprints": _fingerprint(check.id),
        "properties": {
            "checkId": check.id,
            "outcome": check.outcome.value,
            "observed": check.observed,
            "threshold": check.threshold,
            "controls": list(check.controls),
        },
    }
    if check.outcome is Outcome.WAIVED:
        result["suppressions"] = [{"kind": "external", "justification": check.waiver or ""}]
    return result


def _gate_error(gate: GateResult, root: str) -> dict[str, Any]:
    return {
        "ruleId": GATE_ERROR_RULE,
        "level": "error",
        "message": {"text": f"{gate.id} could not run: {gate.message}"},
        "locations": _location(gate.location, root),
        "partialFingerprints": _fingerprint(f"{gate.id}/(gate)"),
        "properties": {"gateId": gate.id, "outcome": gate.outcome.value},
    }


def render(report: Report, options: RenderOptions) -> str:
    """The report as a SARIF 2.1.0 log."""
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for gate in report.gates:
        if gate.outcome is Outcome.ERROR and not gate.checks:
            rules.setdefault(GATE_ERROR_RULE, _rule(GATE_ERROR_RULE, gate.type, ""))
            results.append(_gate_error(gate, options.root))
        for check in gate.checks:
            level = _level(check)
            if level is None:
                continue
            rid = (
                rule_id(gate.type, check) if check.outcome is not Outcome.ERROR else GATE_ERROR_RULE
            )
            kind = _SLICE.sub("", check.name)
            rules.setdefault(rid, _rule(rid, gate.type, kind))
            results.append(_check_result(check, rid, level, options.root))
    ordered = sorted(rules)
    index = {rid: i for i, rid in enumerate(ordered)}
    for result in results:
        result["ruleIndex"] = index[result["ruleId"]]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mlgate",
                "version": report.tool_version or "0",
                "informationUri": INFO_URI,
                "rules": [rules[r] for r in ordered],
            }
        },
        "results": results,
        "properties": {"policy": report.policy, "outcome": report.outcome.value},
    }
    if report.git_commit:
        run["versionControlProvenance"] = [
            {"repositoryUri": "https://github.com/", "revisionId": report.git_commit}
        ]
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2) + "\n"
