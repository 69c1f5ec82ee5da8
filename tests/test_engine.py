"""The engine: inputs read once, fail-closed gates, waivers, plug-ins."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from mlgate.engine import RunOptions, run_policy
from mlgate.errors import PluginError
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.gates.registry import _validate
from mlgate.policy import load_policy
from mlgate.report import Report

Run = Callable[..., Result]


def test_each_input_is_parsed_once_however_many_gates_read_it(example: Path) -> None:
    policy_file = example / "mlgate.yaml"
    text = policy_file.read_text()
    extra = """
  - id: second-look
    type: performance
    data: predictions
    task: binary
    label: y_true
    prediction: y_pred
    metrics: {f1: {min: 0.1}}
  - id: rows
    type: row_count
    data: predictions
    rows: {min: 100}
"""
    policy_file.write_text(text + extra)
    report, store = run_policy(load_policy(policy_file))
    assert store.loads == {"predictions": 1, "eval": 1, "model": 1, "model_card": 1, "train": 1}
    assert {g.outcome.value for g in report.gates} == {"pass"}
    assert len(report.gates) == 10


def test_input_digests_hashed_while_the_gates_run_are_the_files_sha256(example: Path) -> None:
    import hashlib

    report, store = run_policy(load_policy(example / "mlgate.yaml"))
    recorded = {i.name: i.sha256 for i in report.inputs}
    assert len(recorded) >= 5
    for name, digest in recorded.items():
        if store.is_set(name):
            continue
        assert digest == hashlib.sha256(store.path(name).read_bytes()).hexdigest(), name
    assert store._hashing == {}  # every started digest was collected


WAIVED = """
waivers:
  - check: model-quality/accuracy*
    reason: recalibration tracked in RISK-7
    approved_by: risk-office
    expires: 2027-01-31
  - check: model-quality-live/*
    reason: old waiver
    approved_by: risk-office
    expires: 2026-01-01
  - check: nothing/here
    reason: stale
    approved_by: someone
    expires: 2027-01-01
"""


def test_waivers_apply_until_they_expire(example: Path) -> None:
    policy_file = example / "mlgate.yaml"
    text = policy_file.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.95}")
    text = text.replace("accuracy: {min: 0.75}", "accuracy: {min: 0.95}")
    policy_file.write_text(text + WAIVED)
    options = RunOptions(today=dt.date(2026, 11, 27))
    report, _ = run_policy(load_policy(policy_file), options)
    outcomes = {c.id: c.outcome.value for c in report.checks()}
    assert outcomes["model-quality/accuracy"] == "waived"
    assert outcomes["model-quality/accuracy[region]"] == "waived"
    assert outcomes["model-quality-live/accuracy"] == "fail"  # its waiver expired
    live = next(c for c in report.checks() if c.id == "model-quality-live/accuracy")
    assert "waiver expired on 2026-01-01" in live.notes[-1]
    assert [w.status for w in report.waivers] == ["applied", "expired", "stale"]
    assert report.gates[0].outcome.value == "waived"
    assert report.failed()


def test_a_gate_that_raises_does_not_stop_the_others(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mlgate.gates.registry import load_gate

    gate_class = type(load_gate("performance"))
    original = gate_class.run

    def flaky(self: object, config: object, ctx: object) -> object:
        if getattr(config, "id", "") == "model-quality":
            raise ZeroDivisionError("unexpected")
        return original(self, config, ctx)

    monkeypatch.setattr(gate_class, "run", flaky)
    report, _ = run_policy(load_policy(example / "mlgate.yaml"))
    outcomes = {g.id: g.outcome.value for g in report.gates}
    assert outcomes.pop("model-quality") == "error"
    assert set(outcomes.values()) == {"pass"}
    assert report.gates[0].message == "the gate raised ZeroDivisionError: unexpected"
    assert report.failed()


def test_disabled_gate_is_skipped_and_recorded(example: Path) -> None:
    policy_file = example / "mlgate.yaml"
    policy_file.write_text(
        policy_file.read_text().replace(
            "  - id: model-quality-live\n", "  - id: model-quality-live\n    enabled: false\n"
        )
    )
    report, _ = run_policy(load_policy(policy_file))
    gate = next(g for g in report.gates if g.id == "model-quality-live")
    assert (gate.outcome.value, gate.message) == ("skipped", "disabled in the policy")


def test_plugin_gate_runs_like_a_builtin(cli: Run, example: Path) -> None:
    policy_file = example / "mlgate.yaml"
    policy_file.write_text(
        policy_file.read_text() + "  - type: row_count\n    data: train\n    rows: {min: 5000}\n"
    )
    result = cli("check", policy_file, "-f", "json")
    report = Report.model_validate_json(result.out)
    rows = next(c for c in report.checks() if c.id == "row_count/rows")
    assert (rows.observed, rows.outcome.value) == (4000, "fail")
    assert rows.location is not None
    assert (
        rows.location.line
        == policy_file.read_text().splitlines().index("    rows: {min: 5000}") + 1
    )
    assert result.code == 1


class NoType(BaseGate):
    config_model = GateConfig


class WrongModel(BaseGate):
    type = "wrong"
    config_model = dict  # type: ignore[assignment]


class NoRun(BaseGate):
    type = "norun"


class Good(BaseGate):
    type = "good"

    def run(self, config: object, ctx: object) -> list[object]:
        return []


@pytest.mark.parametrize(
    ("cls", "name", "message"),
    [
        (lambda: None, "x", "is not a class"),
        (NoType, "x", "declares type None, registered as 'x'"),
        (WrongModel, "wrong", "config_model must subclass"),
        (NoRun, "norun", "has no `run` method"),
    ],
)
def test_broken_plugins_are_named(cls: object, name: str, message: str) -> None:
    with pytest.raises(PluginError, match=message):
        _validate(cls, name, f"gate plug-in `{name}`")


def test_a_valid_plugin_class_passes_validation() -> None:
    _validate(Good, "good", "gate plug-in `good`")
    assert inspect.isclass(Good)


@pytest.mark.parametrize(
    ("name", "writer"),
    [
        ("data.csv", lambda f, p: f.to_csv(p, index=False)),
        ("data.tsv", lambda f, p: f.to_csv(p, index=False, sep="\t")),
        ("data.csv.gz", lambda f, p: f.to_csv(p, index=False)),
        ("data.parquet", lambda f, p: f.to_parquet(p)),
        ("data.feather", lambda f, p: f.to_feather(p)),
        ("data.jsonl", lambda f, p: f.to_json(p, orient="records", lines=True)),
        ("data.json", lambda f, p: f.to_json(p, orient="records")),
    ],
)
def test_every_dataset_format_is_read(
    name: str, writer: Callable[..., None], tmp_path: Path
) -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": range(42), "b": [f"x{i}" for i in range(42)]})
    writer(frame, tmp_path / name)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        f"version: 1\ninputs:\n  d: {{path: {name}}}\ngates:\n"
        "  - type: row_count\n    data: d\n    rows: {between: [42, 42]}\n"
    )
    report, _ = run_policy(load_policy(policy))
    assert report.gates[0].outcome.value == "pass", report.gates[0].message
    assert report.inputs[0].rows == 42
