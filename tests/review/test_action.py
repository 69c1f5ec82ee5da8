"""The composite action, its pre-commit hooks and the pytest plug-in, run for real.

The action test executes the steps of action.yml in a simulated runner: a temporary
GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ENV, GITHUB_WORKSPACE, GITHUB_ACTION_PATH and
event file, `${{ }}` expressions resolved the way the runner does for the few forms the
action uses. Two steps are not executed: `actions/setup-python` (the test's interpreter
stands in) and the pip install of this checkout (already installed in the test venv).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, parse_outputs

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class Runner:
    def __init__(self, tmp: Path, inputs: dict[str, str]) -> None:
        self.tmp = tmp
        defaults = {k: str(v.get("default", "")) for k, v in ACTION["inputs"].items()}
        self.inputs = {**defaults, **inputs}
        self.outputs: dict[str, dict[str, str]] = {}
        self.files = {n: tmp / f"{n}.txt" for n in ("output", "summary", "env")}
        for f in self.files.values():
            f.write_text("")
        event = tmp / "event.json"
        event.write_text(json.dumps({"pull_request": {"number": 1}}))
        self.env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "GITHUB_WORKSPACE": str(ROOT),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_STEP_SUMMARY": str(self.files["summary"]),
            "GITHUB_ENV": str(self.files["env"]),
            "GITHUB_EVENT_PATH": str(event),
            "RUNNER_TEMP": str(tmp),
            "NO_COLOR": "1",
        }
        self.env.pop("GITHUB_SHA", None)

    def value(self, expr: str) -> Any:
        expr = expr.strip()
        if expr == "github.action_path":
            return str(ROOT)
        if expr == "github.token":
            return "token"
        if expr.startswith("inputs."):
            return self.inputs[expr.removeprefix("inputs.")]
        match = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if match:
            return self.outputs.get(match.group(1), {}).get(match.group(2), "")
        raise AssertionError(f"expression not supported by the simulated runner: {expr}")

    def substitute(self, text: str) -> str:
        return EXPR.sub(lambda m: str(self.value(m.group(1))), text)

    def condition(self, text: str) -> bool:
        expr = EXPR.sub(lambda m: m.group(1), text)
        expr = expr.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
        expr = re.sub(
            r"(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+)",
            lambda m: repr(self.value(m.group(1))),
            expr,
        )
        return bool(eval(expr, {"__builtins__": {}}, {"True": True}))

    def run(self) -> tuple[int, list[str]]:
        ran, status = [], 0
        for step in ACTION["runs"]["steps"]:
            if "uses" in step or step.get("id") == "install":
                continue
            if "if" in step and not self.condition(step["if"]):
                continue
            env = {
                **self.env,
                **{k: self.substitute(str(v)) for k, v in step.get("env", {}).items()},
            }
            self.files["output"].write_text("")
            env["GITHUB_OUTPUT"] = str(self.files["output"])
            cwd = ROOT / self.substitute(step.get("working-directory", "."))
            done = subprocess.run(
                ["bash", "-e", "-c", step["run"]],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            ran.append(step["name"])
            if "id" in step:
                self.outputs[step["id"]] = parse_outputs(self.files["output"].read_text())
            self.log = getattr(self, "log", "") + done.stdout + done.stderr
            status = done.returncode
            if status != 0:
                break
        return status, ran

    def action_outputs(self) -> dict[str, str]:
        return {k: self.substitute(v["value"]) for k, v in ACTION["outputs"].items()}


def test_every_input_reaches_scripts_through_env() -> None:
    for step in ACTION["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step["name"]
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert re.search(r"@[0-9a-f]{40}$", step["uses"]), step["uses"]


def test_action_on_the_passing_example(tmp_path: Path) -> None:
    runner = Runner(
        tmp_path,
        {"policy": "examples/credit-scoring/mlgate.yaml", "sarif": str(tmp_path / "m.sarif")},
    )
    status, ran = runner.run()
    assert status == 0, runner.log
    assert ran == ["Run mlgate", "Finish with mlgate's exit status"]
    outputs = runner.action_outputs()
    assert outputs["outcome"] == "pass"
    assert outputs["failed"] == "0"
    assert Report.from_json(Path(outputs["report"]).read_bytes()).outcome.value == "pass"
    assert "## ✅ mlgate: credit-scoring-release — passed" in runner.files["summary"].read_text()
    assert (tmp_path / "m.sarif").is_file()
    assert "::group::mlgate model-quality (performance): pass" in runner.log


def test_action_on_a_failing_fixture(tmp_path: Path) -> None:
    runner = Runner(
        tmp_path, {"policy": "tests/cases/action/failing/mlgate.yaml", "annotations": "true"}
    )
    status, _ = runner.run()
    assert status == 1
    outputs = runner.action_outputs()
    assert (outputs["outcome"], outputs["failed"], outputs["errored"]) == ("fail", "1", "0")
    assert (
        "::error file=tests/cases/action/failing/mlgate.yaml,line=14,title=mlgate too-strict/accuracy::"
        in runner.log
    )
    assert "## ❌ mlgate: must-fail — failed" in runner.files["summary"].read_text()


def test_action_with_a_broken_policy_ends_with_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 2\n")
    runner = Runner(tmp_path, {"policy": str(bad), "working-directory": "."})
    status, _ = runner.run()
    assert status == 2
    assert runner.action_outputs()["report"] == ""


def test_comment_step_runs_only_when_asked(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"policy": "examples/credit-scoring/mlgate.yaml", "comment": "true"})
    runner.env.pop("GITHUB_TOKEN", None)
    runner.env["GITHUB_REPOSITORY"] = ""
    status, ran = runner.run()
    assert "Comment on the pull request" in ran
    assert "not commenting (missing GITHUB_REPOSITORY)" in runner.log
    assert status == 0


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["mlgate-validate", "mlgate-check"]
    for hook in hooks:
        assert hook["language"] == "python"
        command = hook["entry"].split()
        assert command[0] == "mlgate"
        done = subprocess.run(
            [str(Path(sys.executable).parent / "mlgate"), command[1], "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert re.search(hooks[0]["files"], "configs/mlgate.yaml")
    assert not re.search(hooks[0]["files"], "mlgate.yaml.bak")


def test_pre_commit_validate_hook_fails_on_a_bad_policy(tmp_path: Path) -> None:
    good = ROOT / "examples" / "credit-scoring" / "mlgate.yaml"
    bad = tmp_path / "mlgate.yaml"
    bad.write_text("version: 1\ngatse: []\n")
    mlgate = str(Path(sys.executable).parent / "mlgate")
    done = subprocess.run(
        [mlgate, "validate", str(good), str(bad)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "gatse: unknown key (did you mean `gates`?)" in done.stderr


pytest_plugins = ["pytester"]


def test_pytest_plugin_turns_checks_into_items(pytester: pytest.Pytester) -> None:
    policy = ROOT / "tests" / "cases" / "action" / "failing" / "mlgate.yaml"
    result = pytester.runpytest_subprocess("--mlgate", str(policy), "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*too-strict/accuracy fail: observed 0.7865, threshold >= 0.99*"])
    example = ROOT / "examples" / "credit-scoring" / "mlgate.yaml"
    passing = pytester.runpytest_subprocess(
        "--mlgate", str(example), "-p", "no:cacheprovider", "-q"
    )
    # counted in a subprocess: pytester removes modules imported during the test afterwards,
    # and Great Expectations cannot be imported a second time in one process
    mlgate = str(Path(sys.executable).parent / "mlgate")
    done = subprocess.run(
        [mlgate, "check", str(example), "-f", "json"], capture_output=True, text=True, check=True
    )
    expected = len(Report.model_validate_json(done.stdout).checks())
    passing.assert_outcomes(passed=expected)


def test_pytest_plugin_reports_policy_errors_as_a_failing_item(pytester: pytest.Pytester) -> None:
    bad = pytester.path / "bad.yaml"
    bad.write_text("version: 1\ngatse: []\n")
    result = pytester.runpytest_subprocess("--mlgate", str(bad), "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*gatse: unknown key*"])


from mlgate.report import Report  # noqa: E402
