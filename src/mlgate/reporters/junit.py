"""JUnit XML: each gate a ``testsuite``, each check a ``testcase``.

Failed checks carry a ``failure`` with observed value and threshold, checks and gates that
could not run an ``error``, skipped ones ``skipped``; warnings and waivers pass with a
note in ``system-out`` (they fail under ``--fail-on warning``). The output validates
against the Jenkins/Surefire ``junit-10.xsd`` (times with three decimals, ``failures``
and ``errors`` on every suite, no ``properties`` under ``testsuites``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgate.report import CheckResult, GateResult, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import detail, observed, where


def _time(seconds: float) -> str:
    return f"{max(seconds, 0.0):.3f}"


def _case(suite: ET.Element, gate: GateResult, check: CheckResult, fail_on_warning: bool) -> str:
    case = ET.SubElement(suite, "testcase", name=check.name, classname=f"mlgate.{gate.id}")
    case.set("time", _time(0.0))
    text = (
        f"{check.id}\nobserved: {observed(check)}\nthreshold: {check.threshold_text}\n"
        f"policy: {where(check.location)}\n{detail(check)}"
    ).rstrip()
    outcome = check.outcome
    if outcome is Outcome.WARN and fail_on_warning:
        outcome = Outcome.FAIL
    if outcome is Outcome.FAIL:
        element = ET.SubElement(case, "failure", type=check.severity)
        element.set("message", check.message or "threshold violated")
        element.text = text
        return "failure"
    if outcome is Outcome.ERROR:
        element = ET.SubElement(case, "error", type="error", message=check.message)
        element.text = text
        return "error"
    if outcome is Outcome.SKIPPED:
        ET.SubElement(case, "skipped", message=detail(check) or "skipped")
        return "skipped"
    ET.SubElement(case, "system-out").text = f"{outcome.value}\n{text}"
    return "pass"


def _suite(root: ET.Element, gate: GateResult, fail_on_warning: bool) -> dict[str, int]:
    suite = ET.SubElement(root, "testsuite", name=gate.id)
    counts = {"tests": 0, "failure": 0, "error": 0, "skipped": 0}
    if not gate.checks:
        case = ET.SubElement(suite, "testcase", name="(gate)", classname=f"mlgate.{gate.id}")
        case.set("time", _time(gate.duration_s))
        if gate.outcome is Outcome.ERROR:
            ET.SubElement(case, "error", type="error", message=gate.message).text = gate.message
            counts["error"] += 1
        else:
            ET.SubElement(case, "skipped", message=gate.message or gate.outcome.value)
            counts["skipped"] += 1
        counts["tests"] += 1
    for check in gate.checks:
        kind = _case(suite, gate, check, fail_on_warning)
        counts["tests"] += 1
        if kind in counts:
            counts[kind] += 1
    suite.set("tests", str(counts["tests"]))
    suite.set("failures", str(counts["failure"]))
    suite.set("errors", str(counts["error"]))
    suite.set("skipped", str(counts["skipped"]))
    suite.set("time", _time(gate.duration_s))
    return counts


def render(report: Report, options: RenderOptions) -> str:
    """The report as JUnit XML."""
    root = ET.Element("testsuites", name=f"mlgate: {report.policy_name or report.policy}")
    totals = {"tests": 0, "failure": 0, "error": 0}
    fail_on_warning = report.fail_on == "warning"
    suites = []
    for gate in report.gates:
        counts = _suite(root, gate, fail_on_warning)
        suites.append(counts)
        for key in totals:
            totals[key] += counts[key]
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failure"]))
    root.set("errors", str(totals["error"]))
    root.set("time", _time(report.duration_s))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
