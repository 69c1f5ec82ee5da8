"""Model inputs: safe formats load, code-executing formats need an explicit opt-in."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result
from sklearn.linear_model import LogisticRegression

from mlgate.report import Report

Run = Callable[..., Result]


class Exploit:
    """A pickle payload that creates a file when unpickled."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.target}",))


class CustomModel(LogisticRegression):
    """A class skops does not know, so a file holding it must not load by default."""


def policy_for(model_file: str, unsafe: bool = False) -> str:
    flag = ", allow_unsafe_load: true" if unsafe else ""
    return f"""\
version: 1
inputs:
  eval: {{path: eval.csv}}
  model: {{path: {model_file}{flag}}}
gates:
  - id: live
    type: performance
    data: eval
    model: model
    features: [a, b]
    task: binary
    label: y
    metrics:
      accuracy: {{min: 0.0}}
      roc_auc: {{min: 0.0}}
"""


def eval_frame(path: Path) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    frame["y"] = ((frame.a + 0.5 * frame.b + rng.normal(0, 0.5, 400)) > 0).astype(int)
    frame.to_csv(path, index=False)
    return frame


def test_malicious_pickle_is_refused_without_opt_in(cli: Run, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(Exploit(marker)))
    eval_frame(tmp_path / "eval.csv")
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(policy_for("model.pkl"))
    result = cli("check", policy, "-f", "json")
    assert result.code == 1
    report = Report.model_validate_json(result.out)
    assert report.gates[0].outcome.value == "error"
    assert "runs code when loaded; refusing to load it" in report.gates[0].message
    assert not marker.exists()


def test_pickle_loads_only_with_allow_unsafe_load(cli: Run, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(Exploit(marker)))
    eval_frame(tmp_path / "eval.csv")
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(policy_for("model.pkl", unsafe=True))
    cli("check", policy)
    assert marker.exists()  # the opt-in really loads the file: the user accepted the risk


def test_skops_and_onnx_give_the_same_metrics_as_sklearn(cli: Run, tmp_path: Path) -> None:
    import skops.io as sio
    from skl2onnx import to_onnx
    from sklearn.metrics import accuracy_score, roc_auc_score

    frame = eval_frame(tmp_path / "eval.csv")
    model = LogisticRegression().fit(frame[["a", "b"]], frame.y)
    sio.dump(model, tmp_path / "model.skops")
    onx = to_onnx(model, frame[["a", "b"]].to_numpy(np.float32), options={"zipmap": False})
    (tmp_path / "model.onnx").write_bytes(onx.SerializeToString())
    expected_acc = accuracy_score(frame.y, model.predict(frame[["a", "b"]]))
    expected_auc = roc_auc_score(frame.y, model.predict_proba(frame[["a", "b"]])[:, 1])
    for name in ("model.skops", "model.onnx"):
        policy = tmp_path / f"{name}.yaml"
        policy.write_text(policy_for(name))
        result = cli("check", policy, "-f", "json")
        assert result.code == 0, result.out
        checks = {c.name: c.observed for c in Report.model_validate_json(result.out).checks()}
        assert checks["accuracy"] == pytest.approx(expected_acc, abs=1e-9)
        assert checks["roc_auc"] == pytest.approx(expected_auc, abs=1e-5)  # float32 in ONNX


def test_skops_untrusted_types_are_refused(cli: Run, tmp_path: Path) -> None:
    import skops.io as sio

    frame = eval_frame(tmp_path / "eval.csv")
    sio.dump(CustomModel().fit(frame[["a", "b"]], frame.y), tmp_path / "model.skops")
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(policy_for("model.skops"))
    result = cli("check", policy, "-f", "json")
    report = Report.model_validate_json(result.out)
    assert "types that are not trusted: test_models.CustomModel" in report.gates[0].message
    assert "trusted_types" in report.gates[0].message
