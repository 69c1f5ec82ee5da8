"""Inputs: each is located, hashed and parsed at most once per run.

Parsing happens on first use and is cached, so however many gates read ``train`` it is
parsed once (``InputStore.loads`` counts it). Hashing is a separate streaming pass with a
small buffer, so the audit trail costs no extra memory.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError
from mlgate.policy.loader import Policy, display_path
from mlgate.policy.model import DATA_FORMATS, InputSpec
from mlgate.report import InputRecord

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.models import LoadedModel

EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".feather": "feather",
    ".arrow": "feather",
    ".skops": "skops",
    ".onnx": "onnx",
    ".pkl": "pickle",
    ".pickle": "pickle",
    ".joblib": "joblib",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".yaml": "yaml",
    ".yml": "yaml",
}
COMPRESSION = (".gz", ".bz2", ".xz", ".zst", ".zip")
HASH_CHUNK = 1 << 20


def detect_format(path: Path) -> str | None:
    """The format implied by a file name (``data.csv.gz`` -> ``csv``), or None."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION:
        suffixes = suffixes[:-1]
    return EXTENSIONS.get(suffixes[-1]) if suffixes else None


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class InputStore:
    """Resolves, reads (once) and records the inputs of one policy run."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.specs: dict[str, InputSpec] = dict(policy.doc.inputs)
        self.loads: dict[str, int] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._models: dict[str, LoadedModel] = {}
        self._hashes: dict[str, str] = {}
        self._texts: dict[str, str] = {}

    def path(self, name: str) -> Path:
        """Resolved file path of input ``name``."""
        spec = self.specs[name]
        return self.policy.resolve(("inputs", name, "path"), spec.path)

    def format(self, name: str) -> str:
        """The declared or detected format of input ``name``."""
        spec = self.specs[name]
        fmt = spec.format or detect_format(Path(spec.path))
        if fmt is None:
            raise InputError(
                f"input `{name}`: cannot tell the format of `{spec.path}`; set `format:`"
            )
        return fmt

    def _existing(self, name: str) -> Path:
        path = self.path(name)
        if not path.is_file():
            raise InputError(f"input `{name}`: file not found: {display_path(path)}")
        return path

    def frame(self, name: str) -> pd.DataFrame:
        """Input ``name`` as a DataFrame, parsed on first use and cached."""
        if name not in self._frames:
            fmt = self.format(name)
            if fmt not in DATA_FORMATS:
                raise InputError(f"input `{name}` is a {fmt} file, not a dataset")
            path = self._existing(name)
            self._frames[name] = read_frame(name, path, fmt, self.specs[name])
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._frames[name]

    def model(self, name: str) -> LoadedModel:
        """Input ``name`` as a model, loaded on first use (safe formats only by default)."""
        if name not in self._models:
            from mlgate.models import load_model

            path = self._existing(name)
            self._models[name] = load_model(name, path, self.format(name), self.specs[name])
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._models[name]

    def text(self, name: str) -> str:
        """Input ``name`` as UTF-8 text (documents: model cards, datasheets), cached."""
        if name not in self._texts:
            path = self._existing(name)
            try:
                self._texts[name] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                raise InputError(
                    f"input `{name}` ({display_path(path)}) is not UTF-8 text"
                ) from None
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._texts[name]

    def sha256(self, name: str) -> str | None:
        """sha256 of input ``name``'s file, or None when it does not exist."""
        path = self.path(name)
        if not path.is_file():
            return None
        if name not in self._hashes:
            self._hashes[name] = sha256_file(path)
        return self._hashes[name]

    def record(self, name: str) -> InputRecord:
        """Path, size, hash and shape of input ``name`` for the report."""
        spec = self.specs[name]
        path = self.path(name)
        fmt = spec.format or detect_format(Path(spec.path)) or "unknown"
        shown = display_path(path)
        if not path.is_file():
            return InputRecord(name=name, path=shown, format=fmt, error="file not found")
        if name not in self._hashes:
            self._hashes[name] = sha256_file(path)
        frame = self._frames.get(name)
        rows, cols = frame.shape if frame is not None else (None, None)
        return InputRecord(
            name=name,
            path=shown,
            format=fmt,
            size=path.stat().st_size,
            sha256=self._hashes[name],
            rows=rows,
            columns=cols,
        )


def read_frame(name: str, path: Path, fmt: str, spec: InputSpec) -> pd.DataFrame:
    """Parse one dataset file; any parse failure becomes an :class:`InputError`."""
    import pandas as pd

    readers: dict[str, Any] = {
        "csv": lambda: pd.read_csv(path, sep=spec.sep or ","),
        "tsv": lambda: pd.read_csv(path, sep=spec.sep or "\t"),
        "parquet": lambda: pd.read_parquet(path),
        "feather": lambda: pd.read_feather(path),
        "jsonl": lambda: pd.read_json(path, lines=True),
        "json": lambda: pd.read_json(path),
    }
    try:
        frame: pd.DataFrame = readers[fmt]()
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        # These messages name positions, not values, so they are safe to show.
        raise InputError(f"input `{name}` ({display_path(path)}): not valid {fmt}: {exc}") from None
    except Exception as exc:
        # Other parsers may quote file content; say what failed, not what was read.
        msg = (
            f"input `{name}` ({display_path(path)}): cannot be read as {fmt} ({type(exc).__name__})"
        )
        raise InputError(msg) from None
    return frame
