"""Loading model files safely.

skops and ONNX are the safe formats: skops refuses any type that is not trusted (the
policy may trust more with ``trusted_types:``), ONNX is a computation graph. pickle and
joblib files execute code when loaded, so they are refused unless the policy sets
``allow_unsafe_load: true`` on that input.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mlgate.errors import InputError


class InputSpec(Protocol):
    """What loading a model needs from its input's policy block (``policy.model.InputSpec``)."""

    @property
    def allow_unsafe_load(self) -> bool:
        """Whether code-executing formats (pickle, joblib) may be loaded."""
        ...

    @property
    def trusted_types(self) -> list[str]:
        """Types a skops file may contain beyond those skops trusts."""
        ...


if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


@dataclass
class LoadedModel:
    """A model that can predict on a feature frame."""

    name: str
    format: str
    estimator: Any

    def predict(self, features: pd.DataFrame) -> np.ndarray:
        """Predicted labels (or values, for regression)."""
        if self.format == "onnx":
            return _onnx_run(self.estimator, features)[0]
        return self.estimator.predict(features)  # type: ignore[no-any-return]

    def predict_proba(self, features: pd.DataFrame) -> np.ndarray | None:
        """Class probabilities (columns in ``classes`` order), or None if unavailable."""
        if self.format == "onnx":
            outputs = _onnx_run(self.estimator, features)
            return outputs[1] if len(outputs) > 1 else None
        if not hasattr(self.estimator, "predict_proba"):
            return None
        return self.estimator.predict_proba(features)  # type: ignore[no-any-return]

    @property
    def classes(self) -> list[Any] | None:
        """Class labels in probability-column order, when the model says."""
        classes = getattr(self.estimator, "classes_", None)
        return list(classes) if classes is not None else None


def load_model(name: str, path: Path, fmt: str, spec: InputSpec) -> LoadedModel:
    """Load model input ``name``; unsafe formats only with ``allow_unsafe_load``."""
    loaders = {"skops": _load_skops, "onnx": _load_onnx, "pickle": _load_pickle}
    loaders["joblib"] = _load_joblib
    if fmt not in loaders:
        raise InputError(f"input `{name}` is a {fmt} file, not a model (skops, onnx, ...)")
    if fmt in ("pickle", "joblib") and not spec.allow_unsafe_load:
        raise InputError(
            f"input `{name}` is a {fmt} file, which runs code when loaded; refusing to load "
            "it. Convert the model to skops or ONNX, or set `allow_unsafe_load: true` on "
            "this input if you trust the file"
        )
    return LoadedModel(name, fmt, loaders[fmt](name, path, spec))


def _missing(name: str, package: str) -> InputError:
    return InputError(f"input `{name}` needs the `{package}` package: pip install 'mlgate[models]'")


def _load_skops(name: str, path: Path, spec: InputSpec) -> Any:
    try:
        import skops.io as sio
    except ImportError:
        raise _missing(name, "skops") from None
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:
        raise InputError(f"input `{name}`: not a valid skops file ({type(exc).__name__})") from None
    refused = sorted(set(untrusted) - set(spec.trusted_types))
    if refused:
        raise InputError(
            f"input `{name}`: the skops file contains types that are not trusted: "
            f"{', '.join(refused)}; review them and list them under `trusted_types:`"
        )
    return sio.load(path, trusted=list(untrusted))


def _load_onnx(name: str, path: Path, spec: InputSpec) -> Any:
    try:
        import onnxruntime as ort
    except ImportError:
        raise _missing(name, "onnxruntime") from None
    try:
        return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise InputError(f"input `{name}`: not a valid ONNX model ({type(exc).__name__})") from None


def _onnx_run(session: Any, features: pd.DataFrame) -> list[np.ndarray]:
    import numpy as np

    first = session.get_inputs()[0]
    dtype = np.float32 if "float" in first.type and "double" not in first.type else np.float64
    outputs = session.run(None, {first.name: features.to_numpy(dtype=dtype)})
    result = [np.asarray(outputs[0])]
    if len(outputs) > 1:
        probs = outputs[1]
        if isinstance(probs, list) and probs and isinstance(probs[0], dict):
            keys = sorted(probs[0])
            probs = [[row[k] for k in keys] for row in probs]
        result.append(np.asarray(probs, dtype=np.float64))
    return result


def _load_pickle(name: str, path: Path, spec: InputSpec) -> Any:
    import pickle

    with path.open("rb") as fh:
        return pickle.load(fh)  # allowed only by allow_unsafe_load (checked above)


def _load_joblib(name: str, path: Path, spec: InputSpec) -> Any:
    try:
        import joblib
    except ImportError:
        raise _missing(name, "joblib") from None
    return joblib.load(path)  # allowed only by allow_unsafe_load (checked above)
