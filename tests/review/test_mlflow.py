"""MLflow end to end: a real tracking server on 127.0.0.1 (SQLite backend store, artifacts in a
temporary folder), models logged and registered through MLflow's own client, and mlgate run
from the installed wheel in a repository outside the checkout: inputs from the registry and
from run artifacts, the baseline from the champion's run, the verdict written back, promotion
allowed and refused, a pickled flavour refused without the opt-in."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

mlflow = pytest.importorskip("mlflow")

Run = Callable[..., Result]
FEATURES = ["age", "income", "tenure", "debt_ratio", "late_payments"]
EXAMPLE_DATA = Path(__file__).resolve().parents[2] / "examples" / "credit-scoring" / "data"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mlflow server` on a free port of 127.0.0.1, stopped after the module's tests."""
    root = tmp_path_factory.mktemp("mlflow")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (root / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", str(port),
         "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
         "--artifacts-destination", str(root / "artifacts"), "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, cwd=root,
    )  # fmt: skip
    uri = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"mlflow server did not start: {(root / 'server.log').read_text()}")
            time.sleep(0.5)
        yield uri
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@dataclass
class Registry:
    uri: str
    eval_run: str  # a run holding eval.parquet
    good: str  # version 1: logistic regression, skops
    weak: str  # version 2: a constant model, skops
    pickled: str  # version 3: cloudpickle


@pytest.fixture(scope="module")
def registry(server: str, tmp_path_factory: pytest.TempPathFactory) -> Registry:
    import pandas as pd
    from mlflow import MlflowClient
    from sklearn.dummy import DummyClassifier
    from sklearn.linear_model import LogisticRegression

    os.environ["MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"] = "false"
    mlflow.set_tracking_uri(server)
    client = MlflowClient(server)
    train = pd.read_csv(EXAMPLE_DATA / "train.csv")
    evaluation = pd.read_csv(EXAMPLE_DATA / "eval.csv")
    runs: list[str] = []

    def log(estimator: Any, serialization: str, val_auc: float = 0.81) -> str:
        estimator.fit(train[FEATURES], train["defaulted"])
        with mlflow.start_run() as run:
            mlflow.log_metric("val_roc_auc", val_auc)
            mlflow.sklearn.log_model(
                estimator, name="model", serialization_format=serialization,
                registered_model_name="credit",
            )  # fmt: skip
            if not runs:  # the evaluation set, logged with the first model
                file = tmp_path_factory.mktemp("eval") / "eval.parquet"
                evaluation.to_parquet(file)
                mlflow.log_artifact(str(file))
            runs.append(run.info.run_id)
        return str(max(int(v.version) for v in client.search_model_versions("name='credit'")))

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # MLflow's own notes on type hints and environments
        good = log(LogisticRegression(max_iter=1000), "skops")
        weak = log(DummyClassifier(strategy="most_frequent"), "skops", val_auc=0.5)
        pickled = log(LogisticRegression(max_iter=1000), "cloudpickle")
    return Registry(server, runs[0], good, weak, pickled)


def write_policy(repo: Path, reg: Registry, model: str = "models:/credit@candidate") -> Path:
    path = repo / "release.yaml"
    path.write_text(
        f"""version: 1
name: credit-release
inputs:
  model: {{mlflow: "{model}"}}
  eval:  {{mlflow: "runs:/{reg.eval_run}/eval.parquet"}}
baseline: mlflow:models:/credit@champion
gates:
  - id: quality
    type: performance
    data: eval
    model: model
    features: {json.dumps(FEATURES)}
    task: binary
    label: defaulted
    metrics:
      roc_auc: {{min: 0.7, max_regression: 0.02}}
      accuracy: {{min: 0.7}}
"""
    )
    return path


def alias(reg: Registry, name: str, version: str) -> None:
    from mlflow import MlflowClient

    MlflowClient(reg.uri).set_registered_model_alias("credit", name, version)


def test_release_through_the_gate(user_mlgate: Run, user_repo: Path, registry: Registry) -> None:
    from mlflow import MlflowClient

    env = {"MLFLOW_TRACKING_URI": registry.uri}
    client = MlflowClient(registry.uri)
    write_policy(user_repo, registry)
    alias(registry, "candidate", registry.good)
    good_run = client.get_model_version("credit", registry.good).run_id
    done = user_mlgate(
        "check", "release.yaml", "-q", "-f", "json", "-o", "good.json",
        "--mlflow-run", good_run, cwd=user_repo, env=env,
    )  # fmt: skip
    assert done.code == 0, done.err
    report = json.loads((user_repo / "good.json").read_text())
    model = next(i for i in report["inputs"] if i["name"] == "model")
    assert model["source"] == f"models:/credit/{registry.good} (run {good_run})"
    assert model["flavor"] == "sklearn (skops)"
    assert model["unsafe_load"] is False
    assert model["path"] == "mlflow:models:/credit@candidate"
    assert report["baseline"] is None  # no champion yet
    assert report["baseline_missing"] == (
        "baseline mlflow:models:/credit@champion: the alias is not set yet (no model holds it)"
    )
    # written back: tags, metrics, the reports as artifacts
    run = client.get_run(good_run)
    assert run.data.tags["mlgate.outcome"] == "pass"
    assert run.data.tags["mlgate.policy_sha256"] == report["policy_sha256"]
    observed = next(c for g in report["gates"] for c in g["checks"] if c["id"] == "quality/roc_auc")
    assert run.data.metrics["mlgate.quality/roc_auc"] == pytest.approx(observed["observed"])
    logged = {a.path for a in client.list_artifacts(good_run, "mlgate")}
    assert logged == {"mlgate/report.json", "mlgate/report.md", "mlgate/report.html"}

    # promotion: allowed for the version the report evaluated, recorded in the audit log
    done = user_mlgate(
        "promote", "credit", registry.good, "--alias", "champion", "--report", "good.json",
        "--audit-log", "audit.jsonl", cwd=user_repo, env=env,
    )  # fmt: skip
    assert done.code == 0, done.err
    assert f"credit@champion → version {registry.good}" in done.out
    assert client.get_model_version_by_alias("credit", "champion").version == registry.good
    event = json.loads((user_repo / "audit.jsonl").read_text().splitlines()[-1])
    assert event["event"] == "promotion"
    assert event["version"] == registry.good
    assert user_mlgate("audit", "verify", "audit.jsonl", cwd=user_repo).code == 0
    # ... and refused for another version, which this report did not evaluate
    done = user_mlgate(
        "promote", "credit", registry.weak, "--report", "good.json", cwd=user_repo, env=env
    )
    assert done.code == 1
    assert "the report did not evaluate it" in done.err
    assert client.get_model_version_by_alias("credit", "champion").version == registry.good

    # the weak candidate, against the champion's logged report as its baseline
    alias(registry, "candidate", registry.weak)
    weak_run = client.get_model_version("credit", registry.weak).run_id
    done = user_mlgate(
        "check", "release.yaml", "-q", "-f", "json", "-o", "weak.json",
        "--mlflow-run", weak_run, cwd=user_repo, env=env,
    )  # fmt: skip
    assert done.code == 1
    weak = json.loads((user_repo / "weak.json").read_text())
    assert weak["baseline"] == (
        f"mlflow:models:/credit@champion (version {registry.good}, run {good_run})"
    )
    failed = {c["id"] for g in weak["gates"] for c in g["checks"] if c["outcome"] == "fail"}
    assert "quality/roc_auc" in failed
    assert client.get_run(weak_run).data.tags["mlgate.outcome"] == "fail"
    done = user_mlgate(
        "promote", "credit", registry.weak, "--report", "weak.json", cwd=user_repo, env=env
    )
    assert done.code == 1
    assert "the report failed" in done.err
    assert "quality/roc_auc: fail" in done.err
    assert client.get_model_version_by_alias("credit", "champion").version == registry.good


def test_a_pickled_flavour_needs_the_opt_in(
    user_mlgate: Run, user_repo: Path, registry: Registry
) -> None:
    env = {"MLFLOW_TRACKING_URI": registry.uri}
    policy = write_policy(user_repo, registry, model=f"models:/credit/{registry.pickled}")
    done = user_mlgate("check", "release.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert done.code == 1
    report = json.loads(done.out)
    gate = next(g for g in report["gates"] if g["id"] == "quality")
    assert gate["outcome"] == "error"
    assert "sklearn saved with cloudpickle, which runs code when loaded" in gate["message"]
    policy.write_text(
        policy.read_text().replace(
            f'model: {{mlflow: "models:/credit/{registry.pickled}"}}',
            f'model: {{mlflow: "models:/credit/{registry.pickled}", allow_unsafe_load: true}}',
        )
    )
    done = user_mlgate("check", "release.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    report = json.loads(done.out)
    model = next(i for i in report["inputs"] if i["name"] == "model")
    assert model["flavor"] == "sklearn (cloudpickle)"
    assert model["unsafe_load"] is True
    assert next(g for g in report["gates"] if g["id"] == "quality")["outcome"] != "error"


def test_mlflow_errors_are_clear(user_mlgate: Run, user_repo: Path, registry: Registry) -> None:
    env = {"MLFLOW_TRACKING_URI": registry.uri}
    write_policy(user_repo, registry, model="models:/credit@nosuchalias")
    done = user_mlgate("check", "release.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert done.code == 1
    gate = next(g for g in json.loads(done.out)["gates"] if g["id"] == "quality")
    assert "input `model`: MLflow `models:/credit@nosuchalias`:" in gate["message"]
    (user_repo / "bad.yaml").write_text(
        "version: 1\ninputs:\n  m: {mlflow: 'models:credit'}\n  n: {path: a.csv, mlflow: 'runs:/x/y'}\n"
    )
    done = user_mlgate("validate", "bad.yaml", cwd=user_repo, env=env)
    assert done.code == 2
    assert "bad.yaml:3" in done.err
    assert "give exactly one of `path:` (a file), `mlflow:`" in done.err
    done = user_mlgate(
        "promote", "credit", "999", "--report", "nothing.json", cwd=user_repo, env=env
    )
    assert done.code == 2
    assert "no such report file" in done.err


def test_gating_on_metrics_logged_in_training(
    user_mlgate: Run, user_repo: Path, registry: Registry
) -> None:
    env = {"MLFLOW_TRACKING_URI": registry.uri}
    policy = user_repo / "logged.yaml"
    policy.write_text(
        """version: 1
inputs:
  model: {mlflow: "models:/credit/{version}"}
gates:
  - id: training
    type: performance
    metrics_source: model
    logged_as: {roc_auc: val_roc_auc}
    metrics:
      roc_auc: {min: 0.7}
"""
    )
    text = policy.read_text()
    policy.write_text(text.replace("{version}", registry.good))
    done = user_mlgate("check", "logged.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert done.code == 0, done.err
    check = json.loads(done.out)["gates"][0]["checks"][0]
    assert check["observed"] == pytest.approx(0.81)
    assert check["evidence"]["logged_as"] == "val_roc_auc"
    policy.write_text(text.replace("{version}", registry.weak))
    done = user_mlgate("check", "logged.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert done.code == 1
    assert json.loads(done.out)["gates"][0]["checks"][0]["outcome"] == "fail"
    policy.write_text(text.replace("{version}", registry.good).replace("val_roc_auc", "auc"))
    done = user_mlgate("check", "logged.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert "metric `auc` is not logged on MLflow run" in done.out
    policy.write_text(
        text.replace("{version}", registry.good).replace(
            "{min: 0.7}", "{min: 0.7, confidence: 0.95}\n    data: model"
        )
    )
    done = user_mlgate("validate", "logged.yaml", cwd=user_repo, env=env)
    assert done.code == 2
    assert "a confidence bound needs the predictions" in done.err
    assert "`data:` and `metrics_source:` exclude each other" in done.err


def test_the_example_release_flow(user_mlgate: Run, tmp_path: Path, server: str) -> None:
    """examples/mlflow as the README runs it: train, check (written back), promote; then a
    weak candidate is stopped by the gate and by promote."""
    import shutil

    root = Path(__file__).resolve().parents[2] / "examples"
    repo = tmp_path / "project"
    shutil.copytree(root / "mlflow", repo / "examples" / "mlflow")
    shutil.copytree(root / "credit-scoring" / "data", repo / "examples" / "credit-scoring" / "data")
    env = {"MLFLOW_TRACKING_URI": server}

    def train(*args: str) -> tuple[str, str]:
        done = subprocess.run(
            [sys.executable, "examples/mlflow/train.py", *args],
            cwd=repo, env={**os.environ, **env}, capture_output=True, text=True, check=True,
        )  # fmt: skip
        line = next(ln for ln in done.stdout.splitlines() if ln.startswith("export "))
        run_id = line.split("=", 1)[1].split()[0]
        return run_id, line.rsplit("version ", 1)[1].split()[0]

    run_id, version = train()
    policy = "examples/mlflow/mlgate.yaml"
    done = user_mlgate(
        "check", policy, "-q", "-o", "report.json", cwd=repo, env={**env, "MLFLOW_RUN_ID": run_id}
    )
    assert done.code == 0, done.err
    assert f"logged to MLflow run {run_id}" in done.err
    assert "$MLGATE_SLACK_WEBHOOK is not set" not in done.err  # only on fail and error
    done = user_mlgate(  # the version the `candidate` alias names
        "promote", "credit-scoring", "candidate", "--report", "report.json", cwd=repo, env=env
    )
    assert done.code == 0, done.err
    assert f"credit-scoring@champion → version {version}" in done.out
    weak_run, weak_version = train("--weak")
    done = user_mlgate(  # as CI runs it: write back to the run of the candidate model input
        "check", policy, "-q", "-o", "weak.json", "--mlflow-run", "input:model", cwd=repo, env=env
    )
    assert done.code == 1
    assert f"logged to MLflow run {weak_run}" in done.err
    assert "warning: notify[0] (MLGATE_SLACK_WEBHOOK): $MLGATE_SLACK_WEBHOOK is not set" in done.err
    weak = json.loads((repo / "weak.json").read_text())
    assert weak["baseline"].startswith(f"mlflow:models:/credit-scoring@champion (version {version}")
    done = user_mlgate(
        "promote", "credit-scoring", weak_version, "--report", "weak.json", cwd=repo, env=env
    )
    assert done.code == 1
    assert "the report failed" in done.err
