"""The real CLI, end to end: exit codes, outputs, and the example project."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from mlgate.report import Report

Run = Callable[..., Result]


def test_example_passes_through_the_installed_entry_point(mlgate_exe: Run, example: Path) -> None:
    result = mlgate_exe(
        "check",
        example / "mlgate.yaml",
        "-f",
        "text",
        "-f",
        "markdown",
        "-o",
        "-",
        "-o",
        example / "out" / "report.md",
    )
    assert result.code == 0, result.err
    assert "PASSED" in result.out
    markdown = (example / "out" / "report.md").read_text()
    assert markdown.startswith("## ✅ mlgate: credit-scoring-release — passed")
    assert "model-quality/roc_auc[region]" in markdown


def test_unmeetable_threshold_fails_and_names_check_and_line(
    mlgate_exe: Run, example: Path
) -> None:
    policy = example / "mlgate.yaml"
    text = policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}")
    policy.write_text(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "min: 0.99" in s)
    result = mlgate_exe("check", policy, "-f", "markdown")
    assert result.code == 1
    out = result.out
    needs_attention = out.split("### Needs attention")[1].split("### Gates")[0]
    assert "`model-quality/accuracy`" in needs_attention
    assert f"mlgate.yaml:{line}" in needs_attention
    assert "min: 0.7865 is not &gt;= 0.99" in needs_attention


def test_invalid_policy_exits_2_without_traceback(
    mlgate_exe: Run, write: Callable[[str, str], Path]
) -> None:
    policy = write("mlgate.yaml", "version: 1\ngates:\n  - type: performance\n    data: x\n")
    result = mlgate_exe("check", policy)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert re.search(r"mlgate.yaml:3: gates\[0\]\.task: required key is missing", result.err)


def test_missing_and_unreadable_inputs_error_their_gate_only(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    (example / "data" / "eval.csv").unlink()
    report_path = example / "report.json"
    result = cli("check", policy, "-f", "json", "-o", report_path)
    assert result.code == 1
    report = Report.from_json(report_path.read_bytes())
    outcomes = {g.id: g.outcome.value for g in report.gates}
    assert outcomes == {
        "model-quality": "pass",
        "model-quality-live": "error",
        "fairness": "pass",
        "special-categories": "pass",
        "documentation": "fail",  # lineage: data/eval.csv is in mlgate.lock but gone
        "no-pii": "pass",
        "drift": "error",  # its current input is the missing eval.csv
        "train-contract": "pass",
    }
    live = next(g for g in report.gates if g.id == "model-quality-live")
    assert "input `eval`: file not found" in live.message
    assert next(i for i in report.inputs if i.name == "eval").error == "file not found"


def test_unparseable_input_is_a_gate_error(cli: Run, example: Path) -> None:
    (example / "artifacts" / "predictions.csv").write_bytes(b'a,b\n1,"unterminated\n')
    result = cli("check", example / "mlgate.yaml", "--only", "model-quality", "-f", "json")
    assert result.code == 1
    gate = Report.model_validate_json(result.out).gates[0]
    assert (gate.id, gate.outcome.value) == ("model-quality", "error")
    assert "not valid csv" in gate.message


def test_missing_column_names_input_and_suggests(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("label: y_true", "label: y_ture"))
    result = cli("check", policy, "--only", "model-quality", "-f", "json")
    report = Report.model_validate_json(result.out)
    assert (
        report.gates[0].message
        == "input `predictions` has no column `y_ture` (did you mean `y_true`?)"
    )


def test_only_and_skip(cli: Run, example: Path) -> None:
    result = cli("check", example / "mlgate.yaml", "--skip", "model-quality-live", "-f", "json")
    report = Report.model_validate_json(result.out)
    outcomes = {g.id: g.outcome.value for g in report.gates}
    assert outcomes["model-quality-live"] == "skipped"
    assert {v for k, v in outcomes.items() if k != "model-quality-live"} == {"pass"}
    bad = cli("check", example / "mlgate.yaml", "--only", "model-qualty")
    assert bad.code == 2
    assert "did you mean `model-quality`" in bad.err


def test_fail_on_warning(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("recall:   {min: 0.15", "recall:   {min: 0.5"))
    assert cli("check", policy).code == 0
    assert cli("check", policy, "--fail-on", "warning").code == 1


def test_regression_against_a_baseline_report(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    baseline = example / "baseline" / "main.json"
    assert cli("check", policy, "-f", "json", "-o", baseline).code == 0
    # the same predictions, with 8 % of scores replaced by noise: roc_auc drops
    preds = example / "artifacts" / "predictions.csv"
    lines = preds.read_text().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    for i, row in enumerate(rows):
        if i % 12 == 0:
            row[2] = f"{(i * 7919 % 1000) / 1000:.3f}"
    preds.write_text("\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n")
    result = cli("check", policy, "-f", "json")
    report = Report.model_validate_json(result.out)
    check = next(c for c in report.checks() if c.id == "model-quality/roc_auc")
    assert check.baseline is not None
    assert check.outcome.value == "fail"
    assert "max_regression" in check.message
    assert report.baseline is not None


def test_bad_baseline_is_a_usage_error(cli: Run, example: Path) -> None:
    bad = example / "bad.json"
    bad.write_text("{not json")
    result = cli("check", example / "mlgate.yaml", "--baseline", bad)
    assert result.code == 2
    assert "not a valid mlgate report" in result.err


def test_output_pairing_errors(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    two_stdout = cli("check", policy, "-f", "json", "-f", "markdown")
    assert two_stdout.code == 2
    too_many = cli("check", policy, "-f", "json", "-o", example / "a.json", "-o", example / "b.md")
    assert too_many.code == 2
    inferred = cli("check", policy, "-o", example / "a.json", "-o", example / "b.md")
    assert inferred.code == 0
    assert Report.from_json((example / "a.json").read_bytes()).outcome.value == "pass"
    assert (example / "b.md").read_text().startswith("## ✅")
    unknown = cli("check", policy, "-f", "yaml")
    assert unknown.code == 2


def test_json_report_round_trips(cli: Run, example: Path) -> None:
    result = cli("check", example / "mlgate.yaml", "-f", "json")
    report = Report.from_json(result.out)
    assert report.to_json() == result.out
    assert report.schema_version == 1
    assert {i.name for i in report.inputs} == {
        "train",
        "eval",
        "predictions",
        "model",
        "model_card",
    }
    assert all(len(i.sha256 or "") == 64 for i in report.inputs)


def test_validate_list_gates_schema_explain_version(cli: Run, example: Path) -> None:
    ok = cli("validate", example / "mlgate.yaml")
    assert ok.code == 0
    assert "ok (8 gates, 5 inputs)" in ok.out
    gates = cli("list-gates").out
    assert "performance" in gates
    assert "row_count" in gates
    schema = json.loads(cli("schema").out)
    assert schema["title"] == "mlgate policy"
    assert "PerformanceConfig" in json.dumps(schema["properties"]["gates"])
    assert "Policy example" in cli("explain", "performance").out
    assert cli("explain", "perf").code == 2
    assert cli("--version").out.strip().startswith("mlgate, version")


def test_internal_error_exits_3_with_traceback(
    cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlgate.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(mlgate.engine, "run_policy", broken)
    result = cli("check", example / "mlgate.yaml")
    assert result.code == 3
    assert "Traceback" in result.err
    assert "this is a bug in mlgate" in result.err


def test_ctrl_c_exits_130(cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlgate.engine

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mlgate.engine, "run_policy", interrupted)
    result = cli("check", example / "mlgate.yaml")
    assert result.code == 130
    assert "interrupted" in result.err


def test_sigint_to_a_real_process_exits_130(example: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import time, mlgate.engine, mlgate.cli\n"
        "def slow(*a, **k):\n    print('ready', flush=True); time.sleep(60)\n"
        "mlgate.engine.run_policy = slow\n"
        f"raise SystemExit(mlgate.cli.run(['check', {str(example / 'mlgate.yaml')!r}]))\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.1)
        os.kill(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130
        assert "interrupted" in err


def test_click_runner_drives_the_same_commands(example: Path) -> None:
    from click.testing import CliRunner

    from mlgate.cli import cli as click_cli

    runner = CliRunner()
    result = runner.invoke(click_cli, ["check", str(example / "mlgate.yaml"), "-f", "json"])
    assert result.exit_code == 0
    assert Report.from_json(result.stdout).outcome.value == "pass"
    listed = runner.invoke(click_cli, ["list-gates"])
    assert "performance" in listed.stdout


def test_a_program_without_a_main_file_gets_the_real_verdict(tmp_path: Path) -> None:
    """A `python -c` program has a ``__main__`` with no file: pyspark 4 (a dev
    dependency here, without grpcio) takes that for its doctests and ends the process with
    status 0 when Great Expectations imports it -- a failing data gate must still fail."""
    import subprocess
    import sys

    (tmp_path / "d.csv").write_text("a,b\n1,x\n,y\n3,z\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: d.csv}}\ngates:\n  - id: contract\n    type: data\n"
        "    data: d\n    expectations:\n      - expect_column_values_to_not_be_null: {column: a}\n"
    )
    script = f"import mlgate.cli\nraise SystemExit(mlgate.cli.run(['check', {str(policy)!r}]))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stdout
    assert "1 of 3 null" in done.stdout


def test_a_gate_that_ends_the_process_errors_the_run(
    cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate_rowcount import RowCountGate

    def leaves(*args: object, **kwargs: object) -> None:
        raise SystemExit(0)  # as a library calling sys.exit() would

    monkeypatch.setattr(RowCountGate, "run", leaves)
    policy_file = example / "mlgate.yaml"
    policy_file.write_text(
        policy_file.read_text() + "  - type: row_count\n    data: train\n    rows: {min: 1}\n"
    )
    result = cli("check", policy_file, "-f", "json")
    report = Report.from_json(result.out)
    gate = next(g for g in report.gates if g.type == "row_count")
    assert gate.outcome.value == "error"
    assert gate.message == "the gate tried to end mlgate (SystemExit with status 0)"
    assert result.code == 1
