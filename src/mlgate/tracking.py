"""MLflow as a source of inputs and baselines (extra ``mlgate[mlflow]``, imported lazily).

An input may name an MLflow URI instead of a path:

- ``models:/credit@champion`` (an alias) or ``models:/credit/7`` (a version): the registered
  model's files are downloaded and the model file of a flavour mlgate can load is chosen —
  ``onnx`` (safe), ``sklearn`` saved with ``serialization_format="skops"`` (safe, skops'
  trusted types apply), ``sklearn`` pickled or cloudpickled (runs code when loaded: only with
  ``allow_unsafe_load: true``, as for a pickle file);
- ``runs:/<run id>/<artifact path>``: a run's artifact — a dataset file
  (``runs:/…/predictions.parquet``), a document, or a logged model folder.

The tracking server is ``MLFLOW_TRACKING_URI`` (MLflow's own variable, with its own
credentials variables). Files are downloaded once per run into a temporary folder and then
read like any other input: hashed, bounded, parsed once. The report records the URI as
resolved (``models:/credit/7``, with the run it came from), the flavour and whether unsafe
loading was allowed.

A baseline may be ``mlflow:models:/credit@champion``: the mlgate report logged (as
``mlgate/report.json``) on the run that produced that model version.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError, UsageError
from mlgate.formats import detect_format

if TYPE_CHECKING:
    from mlflow import MlflowClient

REPORT_ARTIFACT = "mlgate/report.json"
MODEL_URI = re.compile(r"models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/]+)|/(?P<version>\d+))")
RUN_URI = re.compile(r"runs:/(?P<run>[0-9A-Za-z_-]+)/(?P<path>.+)")


@dataclass(frozen=True)
class Materialised:
    """An MLflow input downloaded to a local file."""

    path: Path  # the file gates read
    format: str | None
    source: str  # as resolved: models:/credit/7 (run …) or runs:/<id>/<path>
    flavor: str | None = None  # for models: onnx, sklearn (skops), sklearn (pickle)
    model_version: tuple[str, str] | None = None  # (name, version) of a registered model
    run_id: str | None = None  # the run the model or artifact belongs to


def is_uri(value: str) -> bool:
    """Whether an input's ``mlflow:`` value has a supported form."""
    return bool(MODEL_URI.fullmatch(value) or RUN_URI.fullmatch(value))


def client(purpose: str) -> MlflowClient:
    """An MLflow client for ``MLFLOW_TRACKING_URI``; a clear error without the extra."""
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise UsageError(f"{purpose} needs MLflow: pip install 'mlgate[mlflow]'") from None
    return MlflowClient()


def message(exc: Exception) -> str:
    """The first line of an MLflow (or requests) error, bounded: what a user needs to read."""
    text = (getattr(exc, "message", None) or str(exc)).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def model_version(
    mlflow_client: MlflowClient, name: str, *, alias: str | None = None, version: str | None = None
) -> Any:
    """The registered version of model ``name`` that an alias or a version number names."""
    if alias is not None:
        return mlflow_client.get_model_version_by_alias(name, alias)
    return mlflow_client.get_model_version(name, str(version))


def _fail(name: str, uri: str, exc: Exception) -> InputError:
    return InputError(f"input `{name}`: MLflow `{uri}`: {message(exc)}")


def materialise(name: str, uri: str, dest: Path, allow_unsafe: bool) -> Materialised:
    """Download input ``name`` from MLflow into ``dest``; the model file for models."""
    mlflow_client = client(f"input `{name}` (mlflow: {uri})")
    import mlflow.artifacts

    found = MODEL_URI.fullmatch(uri)
    try:
        if found:
            mv = model_version(
                mlflow_client, found["name"], alias=found["alias"], version=found["version"]
            )
            resolved = f"models:/{mv.name}/{mv.version}"
            local = Path(mlflow.artifacts.download_artifacts(resolved, dst_path=str(dest)))
            source = f"{resolved} (run {mv.run_id})" if mv.run_id else resolved
            file, fmt, flavor = model_file(name, local, allow_unsafe)
            version = (mv.name, str(mv.version))
            return Materialised(file, fmt, source, flavor, version, mv.run_id or None)
        if not RUN_URI.fullmatch(uri):
            raise InputError(
                f"input `{name}`: `mlflow: {uri}` is not models:/NAME@ALIAS, models:/NAME/VERSION "
                "or runs:/RUN_ID/PATH"
            )
        local = Path(mlflow.artifacts.download_artifacts(uri, dst_path=str(dest)))
        run_id = RUN_URI.fullmatch(uri)["run"]  # type: ignore[index]
    except InputError:
        raise
    except Exception as exc:  # MLflow raises its own and requests' exceptions
        raise _fail(name, uri, exc) from None
    if local.is_dir():
        if not (local / "MLmodel").is_file():
            raise InputError(f"input `{name}`: MLflow `{uri}` is a folder without an MLmodel file")
        file, fmt, flavor = model_file(name, local, allow_unsafe)
        return Materialised(file, fmt, uri, flavor, run_id=run_id)
    return Materialised(local, detect_format(local), uri, run_id=run_id)


def logged_metrics(name: str, run_id: str) -> dict[str, float]:
    """The latest value of every metric logged on MLflow run ``run_id``."""
    mlflow_client = client(f"`metrics_source: {name}`")
    try:
        return {k: float(v) for k, v in mlflow_client.get_run(run_id).data.metrics.items()}
    except Exception as exc:
        raise InputError(f"MLflow run {run_id}: {message(exc)}") from None


def model_file(name: str, folder: Path, allow_unsafe: bool) -> tuple[Path, str, str]:
    """(model file, mlgate format, flavour) of an MLflow model folder.

    ONNX first, then sklearn saved with skops, then (only with ``allow_unsafe_load``) sklearn
    pickled with pickle or cloudpickle.
    """
    import yaml

    try:
        meta = yaml.safe_load((folder / "MLmodel").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        raise InputError(f"input `{name}`: the MLflow model has no readable MLmodel file") from None
    found: Any = meta.get("flavors") if isinstance(meta, dict) else None
    flavors: dict[str, Any] = found if isinstance(found, dict) else {}
    onnx = flavors.get("onnx")
    if isinstance(onnx, dict) and isinstance(onnx.get("data"), str):
        return _inside(name, folder, onnx["data"]), "onnx", "onnx"
    sklearn = flavors.get("sklearn")
    if isinstance(sklearn, dict) and isinstance(sklearn.get("pickled_model"), str):
        file = _inside(name, folder, sklearn["pickled_model"])
        serialization = str(sklearn.get("serialization_format", "cloudpickle"))
        if serialization == "skops":
            return file, "skops", "sklearn (skops)"
        if not allow_unsafe:
            raise InputError(
                f"input `{name}`: the MLflow model is sklearn saved with {serialization}, which "
                "runs code when loaded; refusing to load it. Log it with "
                "serialization_format='skops' or as ONNX, or set `allow_unsafe_load: true` on "
                "this input if you trust the model"
            )
        return file, "pickle", f"sklearn ({serialization})"
    known = ", ".join(sorted(flavors)) or "none"
    raise InputError(
        f"input `{name}`: no MLflow flavour mlgate can load (the model has: {known}; mlgate "
        "loads onnx and sklearn)"
    )


def _inside(name: str, folder: Path, relative: str) -> Path:
    path = (folder / relative).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        raise InputError(f"input `{name}`: the MLflow model's file `{relative}` is missing")
    return path


def baseline_report(uri: str) -> tuple[bytes | None, str]:
    """(report bytes or None, what was looked at) for ``baseline: mlflow:models:/…``."""
    target = uri.removeprefix("mlflow:")
    found = MODEL_URI.fullmatch(target)
    if not found:
        raise UsageError(
            f"baseline `{uri}`: write mlflow:models:/NAME@ALIAS or mlflow:models:/NAME/VERSION"
        )
    mlflow_client = client(f"baseline `{uri}`")
    import mlflow.artifacts

    try:
        mv = model_version(
            mlflow_client, found["name"], alias=found["alias"], version=found["version"]
        )
    except Exception as exc:
        first = message(exc).lower()
        if found["alias"] and "alias" in first and "not found" in first:
            return None, uri
        raise UsageError(f"baseline `{uri}`: {message(exc)}") from None
    shown = f"{uri} (version {mv.version}, run {mv.run_id})"
    if not mv.run_id:
        return None, shown
    with tempfile.TemporaryDirectory(prefix="mlgate-baseline-") as scratch:
        try:
            local = mlflow.artifacts.download_artifacts(
                f"runs:/{mv.run_id}/{REPORT_ARTIFACT}", dst_path=scratch
            )
        except Exception:  # no report was logged on that run
            return None, shown
        return Path(local).read_bytes(), shown
