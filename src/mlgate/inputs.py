"""Inputs: each is located, hashed and parsed at most once per run.

Parsing happens on first use and is cached, so however many gates read ``train`` it is
parsed once (``InputStore.loads`` counts it). Hashing is a separate streaming pass with a
small buffer, so the audit trail costs no extra memory.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import hashlib
import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from mlgate.errors import InputError, UsageError
from mlgate.formats import detect_format
from mlgate.paths import display_path
from mlgate.policy.loader import Policy
from mlgate.policy.model import DATA_FORMATS, DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, InputSpec
from mlgate.report import InputRecord

if TYPE_CHECKING:
    from concurrent.futures import Future

    import pandas as pd

    from mlgate.backends import Table
    from mlgate.models import LoadedModel
    from mlgate.tracking import Materialised

HASH_CHUNK = 1 << 20
GLOB = re.compile(r"[*?\[]")
UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _duration(text: str) -> dt.timedelta:
    number, unit = float(text[:-1].strip()), text[-1]
    return dt.timedelta(**{UNITS[unit]: number})


def _bound(value: dt.datetime | dt.date | None, end: bool = False) -> Any:
    """A window bound as a UTC timestamp; a date as an end bound means the whole day."""
    import pandas as pd

    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        stamp = pd.Timestamp(value, tz="UTC")
        return stamp + pd.Timedelta(days=1) if end else stamp
    stamp = pd.Timestamp(value)
    return stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")


def sha256_file(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class InputStore:
    """Resolves, reads (once) and records the inputs of one policy run."""

    def __init__(self, policy: Policy, now: dt.datetime | None = None) -> None:
        self.policy = policy
        self.now = now or dt.datetime.now(dt.timezone.utc)  # `window: {last: 7d}` ends here
        self._windows: dict[str, str] = {}
        self._sets: dict[str, list[Path]] = {}
        self.specs: dict[str, InputSpec] = dict(policy.doc.inputs)
        self.loads: dict[str, int] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        self._models: dict[str, LoadedModel] = {}
        self._hashes: dict[str, str] = {}
        self._hashing: dict[str, Future[str]] = {}
        self._texts: dict[str, str] = {}
        self._mlflow: dict[str, Materialised] = {}
        self._mlflow_errors: dict[str, InputError | UsageError] = {}
        self._metrics: dict[str, dict[str, float]] = {}
        self._scratch: Path | None = None
        self._engines: dict[str, str] = {}
        # what an engine is scanning, for the terminal's progress line (set by the engine)
        self.progress: Callable[[str], None] | None = None
        self.forced_engine = os.environ.get("MLGATE_ENGINE", "")
        if self.forced_engine not in ("", "duckdb", "spark"):
            raise UsageError(
                f"MLGATE_ENGINE is {self.forced_engine!r}; it names an engine: duckdb or spark"
            )
        self._tables: dict[str, Table] = {}

    def path(self, name: str) -> Path:
        """Resolved file path of input ``name`` (an MLflow input is downloaded first)."""
        spec = self.specs[name]
        if spec.mlflow is not None:
            return self.materialised(name).path
        if spec.path is None:
            raise InputError(f"input `{name}` is Spark data ({spec.where}); it has no path")
        return self.policy.resolve(("inputs", name, "path"), spec.path)

    # -- engines (mlgate.backends)
    def engine(self, name: str) -> str:
        """pandas, duckdb or spark: where dataset input ``name`` is computed."""
        if name not in self._engines:
            self._engines[name] = self._choose_engine(name)
        return self._engines[name]

    def _choose_engine(self, name: str) -> str:
        import importlib.util

        from mlgate.backends import AUTO_BYTES

        spec = self.specs[name]
        forced = self.forced_engine
        if forced and spec.engine != "pandas" and spec.path is not None and spec.window is None:
            return forced  # every input not pinned to pandas moves (one setting for a run)
        if spec.engine != "auto":
            return spec.engine
        if spec.path is None or spec.window is not None:
            return "pandas"
        path = self.path(name)
        if path.is_dir():
            return "duckdb"
        if self.detected_format(name) not in ("parquet", "csv", "tsv"):
            return "pandas"
        try:
            size = sum(p.stat().st_size for p in self.files(name))
        except InputError:
            return "pandas"  # reading it reports what is wrong
        if size > AUTO_BYTES and importlib.util.find_spec("duckdb") is not None:
            return "duckdb"
        return "pandas"

    def table(self, name: str) -> Table:
        """Dataset input ``name`` on its engine (DuckDB or Spark), opened once per run."""
        if name not in self._tables:
            from mlgate.backends import (
                DuckDBTable,
                SparkTable,
                checked_header,
                duckdb_source,
                spark_reader,
            )

            engine = self.engine(name)
            spec = self.specs[name]
            where = self._scan_path(name) if spec.path is not None else None
            form = self.format(name) if spec.path is not None else None
            header: list[str] = []
            if where is not None and form is not None:
                header = checked_header(where, form, spec.sep, f"input `{name}`", engine)
            if engine == "duckdb":
                import importlib.util

                if importlib.util.find_spec("duckdb") is None:
                    raise InputError(
                        f"input `{name}`: engine duckdb needs DuckDB: pip install 'mlgate[duckdb]'"
                    )
                assert where is not None  # duckdb reads paths only
                assert form is not None
                source = duckdb_source(where, form, spec.sep, spec.missing_texts, header)
                self._tables[name] = DuckDBTable(name, source)
            elif engine == "spark":
                make = spark_reader(
                    name, where, form, spec.table, spec.sql, spec.sep, spec.missing_texts, header
                )
                self._tables[name] = SparkTable(name, make)
            else:
                raise InputError(f"input `{name}` is read by pandas, not by an engine")
            self._tables[name].progress = lambda text: self.progress and self.progress(text)
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._tables[name]

    def _scan_path(self, name: str) -> str:
        """What an engine reads: the file, the glob, or every data file under the folder."""
        path = self.path(name)
        if path.is_dir():
            fmt = self.format(name)
            ext = {"tsv": "tsv", "jsonl": "jsonl"}.get(fmt, fmt)
            return str(path / "**" / f"*.{ext}") if self.engine(name) == "duckdb" else str(path)
        self.files(name)  # a clear error when nothing is there
        return str(path)

    def materialised(self, name: str) -> Materialised:
        """MLflow input ``name``, downloaded once per run into a temporary folder."""
        if name not in self._mlflow:
            from mlgate.tracking import materialise

            spec = self.specs[name]
            assert spec.mlflow is not None
            if self._scratch is None:
                import shutil
                import tempfile
                import weakref

                self._scratch = Path(tempfile.mkdtemp(prefix="mlgate-mlflow-"))
                weakref.finalize(self, shutil.rmtree, self._scratch, ignore_errors=True)
            if name in self._mlflow_errors:
                raise self._mlflow_errors[name]
            dest = self._scratch / name
            dest.mkdir(exist_ok=True)
            try:
                self._mlflow[name] = materialise(name, spec.mlflow, dest, spec.allow_unsafe_load)
            except (InputError, UsageError) as exc:
                self._mlflow_errors[name] = exc  # tried once per run
                raise
        return self._mlflow[name]

    def logged_metrics(self, name: str) -> tuple[str, dict[str, float]]:
        """(run id, metrics) of the MLflow run behind input ``name``, read once per run."""
        if self.specs[name].mlflow is None:
            raise InputError(f"input `{name}` is not an MLflow input (`mlflow:`); it has no run")
        run_id = self.materialised(name).run_id
        if run_id is None:
            raise InputError(f"input `{name}`: its MLflow model version names no run")
        if run_id not in self._metrics:
            from mlgate.tracking import logged_metrics

            self._metrics[run_id] = logged_metrics(name, run_id)
        return run_id, self._metrics[run_id]

    def detected_format(self, name: str) -> str | None:
        """The declared or detected format of input ``name``, or None."""
        spec = self.specs[name]
        if spec.format:
            return str(spec.format)
        if spec.mlflow is not None:
            return self.materialised(name).format
        if spec.path is None:
            return "spark"
        path = self.path(name)
        if path.is_dir():
            from mlgate.backends import folder_format

            return folder_format(path)
        return detect_format(Path(spec.where))

    def format(self, name: str) -> str:
        """The declared or detected format of input ``name``."""
        fmt = self.detected_format(name)
        if fmt is None:
            where = self.specs[name].where
            raise InputError(f"input `{name}`: cannot tell the format of `{where}`; set `format:`")
        return fmt

    def _existing(self, name: str) -> Path:
        path = self.path(name)
        if not path.is_file():
            raise InputError(f"input `{name}`: file not found: {display_path(path)}")
        return path

    def is_set(self, name: str) -> bool:
        """Whether input ``name``'s path is a glob or a folder naming a set of files."""
        where = self.specs[name].path
        return where is not None and (GLOB.search(where) is not None or self.path(name).is_dir())

    def files(self, name: str) -> list[Path]:
        """The files of a set input (its glob or folder, sorted); one file otherwise."""
        if not self.is_set(name):
            return [self._existing(name)]
        if name not in self._sets:
            pattern = self.path(name)
            if pattern.is_dir():
                pattern = pattern / "**" / "*"
            found = sorted(
                Path(p)
                for p in glob.glob(str(pattern), recursive=True)
                if not Path(p).name.startswith(("_", "."))
            )
            found = [p for p in found if p.is_file()]
            if not found:
                raise InputError(f"input `{name}`: no file matches {display_path(pattern)}")
            self._sets[name] = found
        return self._sets[name]

    def frame(self, name: str) -> pd.DataFrame:
        """Input ``name`` as a DataFrame, parsed on first use and cached."""
        if name not in self._frames and self.engine(name) != "pandas":
            from mlgate.backends import PANDAS_ROWS

            limit = self.specs[name].pandas_rows or PANDAS_ROWS
            self._frames[name] = self.table(name).to_pandas(limit)
        if name not in self._frames:
            fmt = self.format(name)
            if fmt not in DATA_FORMATS:
                raise InputError(f"input `{name}` is a {fmt} file, not a dataset")
            spec = self.specs[name]
            parts = [read_frame(name, path, fmt, spec) for path in self.files(name)]
            frame = parts[0]
            if len(parts) > 1:
                import pandas as pd

                frame = pd.concat(parts, ignore_index=True)
                limit = spec.max_rows or DEFAULT_MAX_ROWS
                if len(frame) > limit:
                    raise InputError(
                        f"input `{name}`: {len(frame):,} rows in its {len(parts)} files, more "
                        f"than max_rows {limit:,}"
                    )
            if spec.window is not None:
                frame = self._in_window(name, frame)
            self._frames[name] = frame
            self.loads[name] = self.loads.get(name, 0) + 1
        return self._frames[name]

    def _in_window(self, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        import pandas as pd

        from mlgate.errors import did_you_mean

        window = self.specs[name].window
        assert window is not None
        column = window.column
        if column not in frame.columns:
            hint = did_you_mean(column, map(str, frame.columns))
            raise InputError(f"input `{name}`: window column `{column}` not found{hint}")
        stamps = pd.to_datetime(frame[column], utc=True, errors="coerce", format="mixed")
        if bool(stamps.isna().all()):
            raise InputError(f"input `{name}`: window column `{column}` holds no timestamps")
        if window.last is not None:
            end = _bound(self.now)
            start = end - _duration(window.last)
            mask = (stamps > start) & (stamps <= end)
            shown = f"{column}: last {window.last} before {end.isoformat()}"
        else:
            start = _bound(window.start)
            end = _bound(window.end, end=True)
            mask = stamps.notna()
            if start is not None:
                mask &= stamps >= start
            if end is not None:
                mask &= stamps < end
            left = start.isoformat() if start is not None else "…"
            right = end.isoformat() if end is not None else "…"
            shown = f"{column}: from {left} until {right}"
        kept: pd.DataFrame = frame[mask.to_numpy()].reset_index(drop=True)
        if kept.empty:
            raise InputError(f"input `{name}`: no row in the window ({shown})")
        self._windows[name] = f"{shown} ({len(kept):,} of {len(frame):,} rows)"
        return kept

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

    def start_hashing(self) -> None:
        """Hash every plain-file input in a background thread while the gates run.

        The report and the audit trail record each input's sha256; hashing a large file
        takes about as long as reading it (0.35 s for 400 MB here), and hashlib releases
        the GIL, so on a second core it costs nothing. Globs, folders, windows, MLflow and
        Spark inputs are hashed when asked, as before."""
        from concurrent.futures import ThreadPoolExecutor

        files = []
        for name, spec in self.specs.items():
            if spec.path is None or spec.mlflow is not None or spec.window is not None:
                continue
            try:
                if self.is_set(name):
                    continue
                path = self.path(name)
            except (InputError, UsageError):
                continue
            if path.is_file():
                files.append((name, path))
        if not files:
            return
        pool = ThreadPoolExecutor(1, thread_name_prefix="mlgate-sha256")
        self._hashing = {name: pool.submit(sha256_file, path) for name, path in files}
        pool.shutdown(wait=False)

    def _file_sha256(self, name: str, path: Path) -> str:
        if name not in self._hashes:
            pending = self._hashing.pop(name, None)
            self._hashes[name] = pending.result() if pending else sha256_file(path)
        return self._hashes[name]

    def sha256(self, name: str) -> str | None:
        """sha256 of input ``name``'s file, or None when it does not exist.

        A set of files hashes the list of (name relative to the policy, sha256) of its files.
        """
        spec = self.specs[name]
        if spec.table is not None or spec.sql is not None:
            return None  # Spark data has no file here to hash
        if self.is_set(name):
            if name not in self._hashes:
                try:
                    files = self.files(name)
                except InputError:
                    return None
                lines = [f"{display_path(p)} {sha256_file(p)}\n" for p in files]
                self._hashes[name] = hashlib.sha256("".join(lines).encode()).hexdigest()
            return self._hashes[name]
        path = self.path(name)
        if not path.is_file():
            return None
        return self._file_sha256(name, path)

    def record(self, name: str) -> InputRecord:
        """Path, size, hash and shape of input ``name`` for the report."""
        spec = self.specs[name]
        extra: dict[str, Any] = {}
        table = self._tables.get(name)
        if table is not None:
            extra["engine"] = table.engine
            with contextlib.suppress(InputError):  # the gate that read it reported the error
                extra["rows"], extra["columns"] = table.num_rows(), len(table.columns())
        if spec.table is not None or spec.sql is not None:
            return InputRecord(name=name, path=spec.where, format="spark", **extra)
        if spec.mlflow is not None:
            try:
                got = self.materialised(name)
            except (InputError, UsageError) as exc:
                return InputRecord(
                    name=name, path=spec.where, format=spec.format or "unknown", error=str(exc)
                )
            extra = {"source": got.source, "flavor": got.flavor}
            if got.flavor is not None:
                extra["unsafe_load"] = spec.allow_unsafe_load
        path = self.path(name)
        fmt = self.detected_format(name) or "unknown"
        shown = spec.where if spec.mlflow is not None else display_path(path)
        if name in self._windows:
            extra["window"] = self._windows[name]
        if self.is_set(name):
            digest = self.sha256(name)
            if digest is None:
                return InputRecord(name=name, path=shown, format=fmt, error="no file matches")
            files = self._sets[name]
            frame = self._frames.get(name)
            if frame is not None:
                extra["rows"], extra["columns"] = frame.shape
            return InputRecord(
                name=name,
                path=shown,
                format=fmt,
                size=sum(p.stat().st_size for p in files),
                sha256=digest,
                files=len(files),
                **extra,
            )
        if not path.is_file():
            return InputRecord(name=name, path=shown, format=fmt, error="file not found")
        digest = self._file_sha256(name, path)
        frame = self._frames.get(name)
        if frame is not None:
            extra["rows"], extra["columns"] = frame.shape
        return InputRecord(
            name=name,
            path=shown,
            format=fmt,
            size=path.stat().st_size,
            sha256=digest,
            **extra,
        )


class _Bounded(io.RawIOBase):
    """A decompressing reader that stops with an :class:`InputError` past ``limit`` bytes."""

    def __init__(self, stream: BinaryIO, limit: int, name: str) -> None:
        self.stream, self.limit, self.name, self.count = stream, limit, name, 0

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        if not self.closed:
            self.stream.close()
        super().close()

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        self.count += len(data)
        if self.count > self.limit:
            raise InputError(
                f"input `{self.name}`: more than {self.limit:,} bytes once decompressed "
                "(a decompression bomb?); raise `max_bytes:` on the input if it is genuine"
            )
        buffer[: len(data)] = data
        return len(data)


def _decompressed(path: Path, name: str) -> Any:
    import bz2
    import gzip
    import lzma

    openers: dict[str, Any] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
    suffix = path.suffix.lower()
    if suffix in openers:
        return openers[suffix](path, "rb")
    if suffix == ".zip":
        import zipfile

        archive = zipfile.ZipFile(path)
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise InputError(f"input `{name}`: a .zip input must hold exactly one file")
        return archive.open(members[0])
    if suffix == ".zst":
        import zstandard  # type: ignore[import-not-found]

        return zstandard.open(path, "rb")
    return path.open("rb")


def _open_text_input(path: Path, limit: int, name: str) -> io.BufferedReader:
    stream = _decompressed(path, name)
    return io.BufferedReader(_Bounded(stream, limit, name), buffer_size=1 << 20)


def _check_parquet(path: Path, name: str, max_bytes: int, max_rows: int) -> None:
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(path).metadata
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if meta.num_rows > max_rows:
        raise InputError(f"input `{name}`: {meta.num_rows:,} rows, more than max_rows {max_rows:,}")
    if size > max_bytes:
        raise InputError(
            f"input `{name}`: {size:,} bytes uncompressed, more than max_bytes {max_bytes:,}"
        )


def _read_parquet(path: Path, name: str, max_bytes: int, max_rows: int) -> pd.DataFrame:
    import pandas as pd

    _check_parquet(path, name, max_bytes, max_rows)
    return pd.read_parquet(path)


def _read_csv(stream: Any, sep: str, spec: InputSpec, max_rows: int) -> pd.DataFrame:
    """A CSV or TSV file; only the input's missing-value texts are missing values (the same
    texts DuckDB and Spark are given)."""
    import pandas as pd

    return pd.read_csv(
        stream,
        sep=sep,
        nrows=max_rows + 1,
        na_values=list(spec.missing_texts),
        keep_default_na=False,
    )


def read_frame(name: str, path: Path, fmt: str, spec: InputSpec) -> pd.DataFrame:
    """Parse one dataset file, within its byte and row limits; failures are InputErrors."""
    import pandas as pd

    max_bytes = spec.max_bytes or DEFAULT_MAX_BYTES
    max_rows = spec.max_rows or DEFAULT_MAX_ROWS

    def text(reader: Any) -> Any:
        with _open_text_input(path, max_bytes, name) as stream:
            return reader(stream)

    readers: dict[str, Any] = {
        "csv": lambda: text(lambda f: _read_csv(f, spec.sep or ",", spec, max_rows)),
        "tsv": lambda: text(lambda f: _read_csv(f, spec.sep or "\t", spec, max_rows)),
        "parquet": lambda: _read_parquet(path, name, max_bytes, max_rows),
        "feather": lambda: pd.read_feather(path),
        "jsonl": lambda: text(lambda f: pd.read_json(f, lines=True, nrows=max_rows + 1)),
        "json": lambda: text(pd.read_json),
    }
    try:
        frame: pd.DataFrame = readers[fmt]()
    except InputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        # These messages name positions, not values, so they are safe to show.
        raise InputError(f"input `{name}` ({display_path(path)}): not valid {fmt}: {exc}") from None
    except Exception as exc:
        # Other parsers may quote file content; say what failed, not what was read.
        msg = (
            f"input `{name}` ({display_path(path)}): cannot be read as {fmt} ({type(exc).__name__})"
        )
        raise InputError(msg) from None
    if len(frame) > max_rows:
        raise InputError(
            f"input `{name}`: more than max_rows {max_rows:,} rows; raise `max_rows:` on the "
            "input if that is expected"
        )
    return frame
