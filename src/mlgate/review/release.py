"""MLflow write-back and promotion through the gate (extra ``mlgate[mlflow]``).

``write_back`` logs a run's verdict where the model lives: the reports as artifacts under
``mlgate/``, the outcome and policy hash as tags, every numeric observed value as a metric
with a stable name (``mlgate.<gate>/<check>``, brackets turned into dots).

``promote`` sets a registered model alias only when a passing report evaluated that exact
version: the sha256 of the version's model file must be among the report's input hashes.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mlgate.errors import ExitCode, MlgateError, UsageError
from mlgate.report import Outcome, Report
from mlgate.tracking import client, message, model_file, model_version

ARTIFACT_DIR = "mlgate"
MAX_METRIC_KEY = 250


class PromotionRefusedError(MlgateError):
    """The report does not allow promoting this version (exit 1, like a failed gate)."""

    exit_code = ExitCode.FAILED


def metric_key(check_id: str) -> str:
    """A check id as an MLflow metric name: stable, within MLflow's allowed characters."""
    key = "mlgate." + check_id.replace("[", ".").replace("]", "")
    return re.sub(r"[^0-9A-Za-z_\-. :/]", "_", key)[:MAX_METRIC_KEY]


def write_back(run_id: str, report: Report, rendered: dict[str, str]) -> tuple[int, str | None]:
    """Log reports, tags and metrics on MLflow run ``run_id``.

    Returns the number of metrics logged and the run's address in the MLflow UI (when the
    tracking server is reached over http).
    """
    from mlflow.entities import Metric, RunTag

    mlflow_client = client("--mlflow-run")
    names = {"json": "report.json", "markdown": "report.md", "html": "report.html"}
    now = int(time.time() * 1000)
    metrics = {}
    for check in report.checks():
        if isinstance(check.observed, int | float) and not isinstance(check.observed, bool):
            metrics[metric_key(check.id)] = float(check.observed)
    tags = {
        "mlgate.outcome": "fail" if report.failed() else report.outcome.value,
        "mlgate.policy_sha256": report.policy_sha256,
        "mlgate.version": report.tool_version,
    }
    try:
        for fmt, text in rendered.items():
            mlflow_client.log_text(run_id, text, f"{ARTIFACT_DIR}/{names[fmt]}")
        batch = [Metric(k, v, now, 0) for k, v in sorted(metrics.items())]
        for start in range(0, max(len(batch), 1), 1000):
            mlflow_client.log_batch(
                run_id,
                metrics=batch[start : start + 1000],
                tags=[RunTag(k, v) for k, v in tags.items()] if start == 0 else [],
            )
    except Exception as exc:  # MLflow's and requests' exceptions
        raise UsageError(
            f"cannot write the verdict to MLflow run {run_id}: {message(exc)}"
        ) from None
    link = None
    uri = str(mlflow_client.tracking_uri)
    if uri.startswith(("http://", "https://")):
        try:
            experiment = mlflow_client.get_run(run_id).info.experiment_id
            link = f"{uri.rstrip('/')}/#/experiments/{experiment}/runs/{run_id}"
        except Exception:  # the link is a convenience
            link = None
    return len(metrics), link


@dataclass(frozen=True)
class Promotion:
    """What ``promote`` did."""

    name: str
    version: str
    alias: str
    run_id: str | None
    model_sha256: str
    previous: str | None  # the version the alias named before


def promote(name: str, version: str, alias: str, report: Report) -> Promotion:
    """Point ``alias`` at ``name`` version ``version`` if ``report`` passed for that version."""
    failing = [
        c
        for c in report.checks()
        if c.outcome in (Outcome.FAIL, Outcome.ERROR)
        or (report.fail_on == "warning" and c.outcome is Outcome.WARN)
    ]
    errored = [g for g in report.gates if not g.checks and g.outcome.failing]
    if report.failed():
        lines = [
            f"{c.id}: {c.outcome.value}" + (f" ({c.message})" if c.message else "") for c in failing
        ]
        lines += [f"{g.id}: {g.outcome.value} ({g.message})" for g in errored]
        shown = "; ".join(lines[:10]) + (f"; and {len(lines) - 10} more" if len(lines) > 10 else "")
        shown = shown or "see the report"
        raise PromotionRefusedError(
            f"not promoting {name} version {version}: the report failed — {shown}"
        )
    mlflow_client = client("mlgate promote")
    import mlflow.artifacts

    try:
        # an alias names the version it points at now (the hash check below pins it)
        by_number = version.isdigit()
        mv = model_version(
            mlflow_client,
            name,
            version=version if by_number else None,
            alias=None if by_number else version,
        )
        version = str(mv.version)
        with tempfile.TemporaryDirectory(prefix="mlgate-promote-") as scratch:
            local = Path(
                mlflow.artifacts.download_artifacts(f"models:/{name}/{version}", dst_path=scratch)
            )
            # the file is hashed, never loaded: choosing it needs no unsafe opt-in
            file, _fmt, _flavor = model_file(f"{name}/{version}", local, allow_unsafe=True)
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        try:
            before = mlflow_client.get_model_version_by_alias(name, alias).version
        except Exception:  # the alias does not exist yet
            before = None
    except MlgateError:
        raise
    except Exception as exc:
        raise UsageError(f"MLflow: {message(exc)}") from None
    evaluated = {i.sha256 for i in report.inputs if i.sha256}
    if digest not in evaluated:
        models = [
            f"{i.name} ({i.source or i.path}, sha256 {str(i.sha256)[:12]})"
            for i in report.inputs
            if i.flavor or i.format in ("onnx", "skops", "pickle", "joblib")
        ]
        raise PromotionRefusedError(
            f"not promoting {name} version {version}: the report did not evaluate it (its model "
            f"file has sha256 {digest[:12]}; the report's models: {', '.join(models) or 'none'})"
        )
    try:
        mlflow_client.set_registered_model_alias(name, alias, version)
    except Exception as exc:
        raise UsageError(f"MLflow: cannot set alias {alias}: {message(exc)}") from None
    return Promotion(name, str(mv.version), alias, mv.run_id, digest, before)
