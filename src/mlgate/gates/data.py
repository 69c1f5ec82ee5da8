"""Data gate: Great Expectations 1.x expectations on a dataset input, as mlgate checks.

What it checks
    Any core GX 1.x expectation, written inline with GX's own snake_case names and keyword
    arguments (so GX documentation applies unchanged), read from an existing GX suite file
    (the 1.x JSON format, or the 0.x format with ``expectation_type``), or compiled from a
    ``schema:`` shortcut. Each expectation is one check: its observed value is the share of
    values that meet it (the unit of ``mostly``; the message gives counts, e.g. ``592 of
    12,137 null (4.88 %); mostly >= 0.99``) or, for table-level expectations, GX's observed
    value; its arguments are the threshold; ``severity`` (default error) and ``controls`` per
    expectation or per gate. An expectation on a column the data does not have is ``error``
    naming the column, with a did-you-mean.

Why it matters
    Training and evaluation data that silently changed shape, lost values or left their
    range make every later metric meaningless.

Policy example::

    - id: train-contract
      type: data
      data: train
      suite: gx/expectations/train.json        # optional, GX 1.x or 0.x JSON
      schema:                                  # optional shortcut
        columns: {age: int, income: float, sex: [M, F]}
        strict: true                           # no other columns
      sensitive_columns: [email]               # their unexpected values are masked
      expectations:
        - expect_column_values_to_not_be_null: {column: income, mostly: 0.99}
        - expect_column_values_to_be_between: {column: age, min_value: 18, max_value: 100}
        - expect_table_row_count_to_be_between: {min_value: 1000, severity: warning}

Notes
    Names and arguments are checked by ``mlgate validate`` against a catalog of the GX
    version mlgate was built with (``gates/gx_expectations.json``), without importing GX.
    GX runs with an ephemeral context: nothing is written to the repository, no usage
    statistics are sent, no progress bars are printed. Partial unexpected values appear as
    evidence, masked for ``sensitive_columns``, for columns whose name signals personal data,
    and for any value in which the PII engine finds personal data. Needs ``mlgate[data]``.

References
    Great Expectations 1.x documentation (Expectations gallery, result formats).
"""

from __future__ import annotations

import builtins
import functools
import json
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.report import CheckResult, Outcome

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.gates.base import RunContext

MLGATE_KEYS = ("severity", "controls")
TYPES = {
    "int": ["int8", "int16", "int32", "int64", "Int8", "Int16", "Int32", "Int64", "int"],
    "float": ["float16", "float32", "float64", "Float32", "Float64", "float"],
    "str": ["object", "str", "string", "string[pyarrow]", "large_string"],
    "bool": ["bool", "boolean"],
    "datetime": ["datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]"],
}

# the same types as Spark names them (GX on Spark checks its own type names): a policy written
# for pandas (`mlgate init`, `schema:`) reads the same on a Spark input
SPARK_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("int8", "Int8"), ("ByteType",)),
    **dict.fromkeys(("int16", "Int16"), ("ShortType",)),
    **dict.fromkeys(("int32", "Int32"), ("IntegerType",)),
    **dict.fromkeys(("int64", "Int64"), ("LongType",)),
    "int": ("ByteType", "ShortType", "IntegerType", "LongType"),
    **dict.fromkeys(("float16", "float32", "Float32"), ("FloatType",)),
    **dict.fromkeys(("float64", "Float64"), ("DoubleType",)),
    "float": ("FloatType", "DoubleType", "DecimalType"),
    **dict.fromkeys(TYPES["str"], ("StringType",)),
    **dict.fromkeys(TYPES["bool"], ("BooleanType",)),
    **dict.fromkeys(TYPES["datetime"], ("TimestampType", "TimestampNTZType")),
}


@functools.cache
def catalog() -> dict[str, dict[str, Any]]:
    """Expectation names -> class name, arguments and required arguments."""
    text = resources.files("mlgate.gates").joinpath("gx_expectations.json").read_text("utf-8")
    data: dict[str, dict[str, Any]] = json.loads(text)["expectations"]
    return data


class SchemaSpec(BaseModel):
    """Column names and types (or allowed values) that compile to expectations."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    columns: dict[str, Literal["int", "float", "str", "bool", "datetime", "any"] | list[Any]]
    strict: bool = False


class DataConfig(GateConfig):
    """Keys of a ``type: data`` gate."""

    type: Literal["data"]
    data: str
    expectations: list[dict[str, dict[str, Any]]] = Field(default_factory=list)
    suite: str | None = None
    schema_: SchemaSpec | None = Field(default=None, alias="schema")
    sensitive_columns: list[str] = Field(default_factory=list)
    partial_unexpected_count: int = Field(default=5, ge=0, le=20)


def check_expectation(entry: Any) -> list[tuple[NodePath, str]]:
    """Problems of one ``{name: {kwargs}}`` entry, relative to the entry."""
    if not isinstance(entry, dict) or len(entry) != 1:
        return [((), "each expectation is a mapping with one key: `expect_...: {arguments}`")]
    name, kwargs = next(iter(entry.items()))
    known = catalog()
    if name not in known:
        return [((name,), f"unknown expectation{did_you_mean(name, known)}")]
    if not isinstance(kwargs, dict):
        return [((name,), "arguments must be a mapping")]
    spec = known[name]
    out: list[tuple[NodePath, str]] = []
    allowed = [*spec["args"], *MLGATE_KEYS]
    for key in kwargs:
        if key not in allowed:
            out.append(
                ((name, key), f"`{name}` has no argument `{key}`{did_you_mean(key, allowed)}")
            )
    for key in spec["required"]:
        if key not in kwargs:
            out.append(((name,), f"`{name}` needs the argument `{key}`"))
    if kwargs.get("severity", "error") not in ("error", "warning", "info"):
        out.append(((name, "severity"), "must be one of error, warning, info"))
    return out


class DataGate(BaseGate[DataConfig]):
    """Great Expectations expectations as checks (see the module docstring)."""

    type: ClassVar[str] = "data"
    summary: ClassVar[str] = "Great Expectations 1.x expectations, suites and schema on a dataset"
    config_model: ClassVar[builtins.type[GateConfig]] = DataConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data",)

    def validate_config(self, config: DataConfig) -> list[tuple[NodePath, str]]:
        """Expectation names and arguments, checked against the GX catalog."""
        out: list[tuple[NodePath, str]] = []
        for i, entry in enumerate(config.expectations):
            out += [(("expectations", i, *rel), msg) for rel, msg in check_expectation(entry)]
        if not (config.expectations or config.suite or config.schema_):
            out.append(((), "nothing to check: give expectations, suite or schema"))
        return out

    def run(self, config: DataConfig, ctx: RunContext) -> list[CheckResult]:
        """Validate the dataset with GX once; one check per expectation."""
        planned = _schema_expectations(config) + _inline(config) + _suite(config, ctx)
        if ctx.engine(config.data) == "spark":  # GX's own Spark execution engine
            return _validate(config, ctx, ctx.table(config.data).native(), planned, spark=True)
        frame = ctx.frame(config.data)
        return _validate(config, ctx, frame, planned)


Planned = tuple[str, dict[str, Any], NodePath]


def _inline(config: DataConfig) -> list[Planned]:
    return [
        (name, dict(kwargs), ("expectations", i))
        for i, entry in enumerate(config.expectations)
        for name, kwargs in entry.items()
    ]


def _schema_expectations(config: DataConfig) -> list[Planned]:
    schema = config.schema_
    if schema is None:
        return []
    out: list[Planned] = []
    for column, kind in schema.columns.items():
        rel: NodePath = ("schema", "columns", column)
        out.append(("expect_column_to_exist", {"column": column}, rel))
        if isinstance(kind, list):
            out.append(
                ("expect_column_values_to_be_in_set", {"column": column, "value_set": kind}, rel)
            )
        elif kind == "str":
            out.append(
                ("expect_column_values_to_be_of_type", {"column": column, "type_": "str"}, rel)
            )
        elif kind != "any":
            spec = {"column": column, "type_list": TYPES[kind]}
            out.append(("expect_column_values_to_be_in_type_list", spec, rel))
    if schema.strict:
        out.append(
            (
                "expect_table_columns_to_match_set",
                {"column_set": list(schema.columns), "exact_match": True},
                ("schema", "strict"),
            )
        )
    return out


def _suite(config: DataConfig, ctx: RunContext) -> list[Planned]:
    from mlgate.paths import display_path

    if config.suite is None:
        return []
    path = ctx.resolve(("suite",), config.suite)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GateError(f"suite {display_path(path)} not found") from None
    except (OSError, ValueError) as exc:
        raise GateError(
            f"suite {display_path(path)} is not valid JSON ({type(exc).__name__})"
        ) from None
    out: list[Planned] = []
    for i, item in enumerate(data.get("expectations") or []):
        name = item.get("type") or item.get("expectation_type")  # 1.x or 0.x
        kwargs = dict(item.get("kwargs") or {})
        if item.get("severity") in ("critical", "warning", "info"):
            kwargs["severity"] = {"critical": "error"}.get(item["severity"], item["severity"])
        problems = check_expectation({name: kwargs})
        if problems:
            raise GateError(f"suite {display_path(path)}, expectation {i + 1}: {problems[0][1]}")
        out.append((name, kwargs, ("suite",)))
    return out


@contextmanager
def _main_module_named() -> Iterator[None]:
    """Let pyspark's import-time check know this is no doctest run.

    Great Expectations imports ``pyspark.sql.connect`` when pyspark is installed; pyspark 4
    takes a ``__main__`` module with neither a spec nor a file (a ``python -c`` program)
    for its own doctests and, without grpcio, ends the process with
    exit status 0 -- a silent pass of ``mlgate check``. While GX is imported, such a
    ``__main__`` gets a placeholder ``__file__``; pyspark then raises ImportError, which GX
    handles (Spark Connect unavailable)."""
    main = sys.modules.get("__main__")
    if (
        main is None
        or getattr(main, "__spec__", None) is not None
        or hasattr(main, "__file__")
        or hasattr(sys, "ps1")
    ):
        yield
        return
    main.__file__ = "<mlgate>"
    try:
        yield
    finally:
        del main.__file__


@functools.cache
def _gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    try:
        with warnings.catch_warnings(), _main_module_named():  # GX's import-time noise
            warnings.simplefilter("ignore")
            import great_expectations as gx
    except ImportError:
        raise GateError(
            "the data gate needs Great Expectations: pip install 'mlgate[data]'"
        ) from None
    return gx


def _validate(
    config: DataConfig,
    ctx: RunContext,
    frame: pd.DataFrame | Any,
    planned: list[Planned],
    spark: bool = False,
) -> list[CheckResult]:
    """Validate ``frame`` (pandas, or a Spark DataFrame with ``spark``) with GX."""
    gx = _gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = (
        context.data_sources.add_spark("mlgate")
        if spark
        else context.data_sources.add_pandas("mlgate")
    )
    batch_definition = source.add_dataframe_asset(ctx.gate_id).add_batch_definition_whole_dataframe(
        "all"
    )
    built = []
    entries = []
    checks: list[CheckResult | None] = []
    have = [str(c) for c in frame.columns]
    aliases = _gx_aliases(have, spark)
    if aliases:  # see _gx_aliases: GX would read another column than the one named
        if spark:  # a Spark DataFrame
            frame = frame.toDF(*[aliases.get(c, c) for c in have])  # type: ignore[operator]
        else:
            frame = frame.rename(columns=aliases)
    for name, kwargs, rel in planned:
        missing = _missing_column(name, kwargs, have)
        if missing is not None:
            hint = did_you_mean(missing, have)
            message = f"input `{config.data}` has no column `{missing}`{hint}"
            checks.append(_broken(ctx, name, kwargs, rel, message))
            continue
        gx_kwargs = _aliased({k: v for k, v in kwargs.items() if k not in MLGATE_KEYS}, aliases)
        if spark:
            gx_kwargs = _spark_typed(gx_kwargs)
        cls = getattr(gx.expectations, catalog()[name]["class"])
        try:
            built.append(cls(**gx_kwargs))
        except Exception as exc:
            checks.append(
                _broken(ctx, name, kwargs, rel, f"invalid arguments ({type(exc).__name__}: {exc})")
            )
            continue
        entries.append((name, kwargs, rel))
        checks.append(None)
    # the suite is built whole, then added: an expectation added to a suite the context
    # holds rebuilds the stored suite (600 expectations: 114 s, built whole: 0.4 s)
    suite = context.suites.add(gx.ExpectationSuite(name=ctx.gate_id, expectations=built))
    ids = [expectation.id for expectation in suite.expectations]
    result_format = {
        "result_format": "SUMMARY",
        "partial_unexpected_count": config.partial_unexpected_count,
    }
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    results = {
        r.expectation_config.id: r
        for r in batch.validate(suite, result_format=result_format).results
    }
    done = iter(
        _to_check(config, ctx, name, kwargs, rel, results.get(eid))
        for eid, (name, kwargs, rel) in zip(ids, entries, strict=True)
    )
    return [c if c is not None else next(done) for c in checks]


COLUMN_ARGS = ("column", "column_A", "column_B")
COLUMN_LISTS = ("column_list", "column_set")


def _gx_aliases(columns: list[str], spark: bool = False) -> dict[str, str]:
    """Stand-in names for the columns GX would not read as named.

    Great Expectations 1.x finds a column on pandas by its name case-insensitively, and
    where two match it reads the first: an expectation on ``P95`` checked ``p95``'s values
    (found in a real table). On Spark it reads a dot as a field of a struct and a backtick
    as quoting (``x.y`` "does not exist"). Such columns are handed to GX under names that
    match nothing else, and the expectations' column arguments with them."""
    groups: dict[str, list[str]] = {}
    for column in columns:
        groups.setdefault(column.casefold(), []).append(column)
    odd = {c for group in groups.values() if len(group) > 1 for c in group}
    if spark:
        odd |= {c for c in columns if "." in c or "`" in c}
    return {c: f"__mlgate_column_{i}__" for i, c in enumerate(c for c in columns if c in odd)}


def _spark_typed(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Type arguments with pandas' type names given as Spark's too (:data:`SPARK_TYPES`)."""
    out = dict(kwargs)
    if isinstance(out.get("type_list"), list):
        names = [n for t in out["type_list"] for n in (t, *SPARK_TYPES.get(str(t), ()))]
        out["type_list"] = list(dict.fromkeys(names))
    if isinstance(out.get("type_"), str) and out["type_"] in SPARK_TYPES:
        out["type_"] = SPARK_TYPES[out["type_"]][0]
    return out


def _aliased(kwargs: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """``kwargs`` with the column names of :func:`_gx_aliases` replaced."""
    if not aliases:
        return kwargs
    out = dict(kwargs)
    for key in COLUMN_ARGS:
        if isinstance(out.get(key), str):
            out[key] = aliases.get(out[key], out[key])
    for key in COLUMN_LISTS:
        if isinstance(out.get(key), list):
            out[key] = [aliases.get(c, c) if isinstance(c, str) else c for c in out[key]]
    return out


MULTI_COLUMN = ("expect_compound_columns", "expect_select_column", "expect_multicolumn")


def _missing_column(name: str, kwargs: dict[str, Any], have: list[str]) -> str | None:
    """The first column an expectation reads that the data does not have.

    (``expect_table_columns_*`` lists are what the table should have: GX judges those.)
    """
    named = [kwargs[k] for k in COLUMN_ARGS if isinstance(kwargs.get(k), str)]
    if name.startswith(MULTI_COLUMN) and isinstance(kwargs.get("column_list"), list):
        named += [c for c in kwargs["column_list"] if isinstance(c, str)]
    return next((c for c in named if c not in have), None)


def _label(name: str, kwargs: dict[str, Any]) -> str:
    column = kwargs.get("column")
    return f"{name}[{column}]" if column else name


def _threshold_text(kwargs: dict[str, Any]) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in (*MLGATE_KEYS, "column", "mostly")}
    parts = [f"{k}={v!r}" for k, v in shown.items()]
    if "mostly" in kwargs:
        parts.append(f"mostly >= {kwargs['mostly']}")
    text = ", ".join(parts)
    return text if len(text) <= 120 else text[:117] + "..."


def _broken(
    ctx: RunContext, name: str, kwargs: dict[str, Any], rel: NodePath, message: str
) -> CheckResult:
    check = ctx.assertion(
        _label(name, kwargs),
        False,
        message,
        rel,
        severity="error",
        controls=kwargs.get("controls", []),
    )
    return check.model_copy(
        update={"outcome": Outcome.ERROR, "threshold_text": _threshold_text(kwargs)}
    )


def _to_check(
    config: DataConfig,
    ctx: RunContext,
    name: str,
    kwargs: dict[str, Any],
    rel: NodePath,
    result: Any,
) -> CheckResult:
    label = _label(name, kwargs)
    severity = kwargs.get("severity", "error")
    if result is None:
        return _broken(ctx, name, kwargs, rel, "Great Expectations returned no result")
    info = result.exception_info or {}
    if info.get("raised_exception"):
        message = str(info.get("exception_message") or "the expectation raised").splitlines()[0]
        return _broken(ctx, name, kwargs, rel, f"could not run: {message}")
    details = result.result or {}
    evidence = {
        k: details[k]
        for k in ("element_count", "unexpected_count", "unexpected_percent", "missing_count")
        if k in details
    }
    observed = details.get("observed_value")
    import numpy as np

    if isinstance(observed, np.generic):  # GX answers column aggregates as numpy scalars
        observed = observed.item()
    if isinstance(observed, (int, float, str, bool)) or observed is None:
        evidence["observed_value"] = observed
    partial = details.get("partial_unexpected_list")
    if partial:
        evidence["partial_unexpected"] = _mask(config, kwargs.get("column"), partial)
    message = "" if result.success else _failure_text(name, kwargs, evidence)
    check = ctx.assertion(
        label,
        bool(result.success),
        message,
        rel,
        severity=severity,
        evidence=evidence,
        controls=kwargs.get("controls", []),
    )
    # Observed is in the threshold's unit: the share of values that meet the expectation
    # (what `mostly` bounds); expectations without a per-value count show their observed value.
    percent = details.get("unexpected_percent")
    value = (
        1 - float(percent) / 100
        if isinstance(percent, (int, float)) and not isinstance(percent, bool)
        else observed
        if isinstance(observed, (int, float))
        else None
    )
    return check.model_copy(
        update={
            "threshold_text": _threshold_text(kwargs),
            "observed": float(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else None,
        }
    )


def _failure_text(name: str, kwargs: dict[str, Any], evidence: dict[str, Any]) -> str:
    if "unexpected_count" in evidence:
        what = "null" if name == "expect_column_values_to_not_be_null" else "unexpected"
        count, total = evidence["unexpected_count"], evidence.get("element_count")
        text = f"{count:,} of {total:,} {what}" if isinstance(total, int) else f"{count:,} {what}"
        percent = evidence.get("unexpected_percent")
        if isinstance(percent, (int, float)):
            text += f" ({percent:.3g} %)"
        if "mostly" in kwargs:
            text += f"; mostly >= {kwargs['mostly']}"
        if evidence.get("partial_unexpected") and what != "null":
            text += f" (e.g. {', '.join(map(str, evidence['partial_unexpected'][:3]))})"
        return text
    if "observed_value" in evidence:
        return f"observed {evidence['observed_value']!r}"
    return "expectation not met"


def _mask(config: DataConfig, column: str | None, values: list[Any]) -> list[str]:
    from mlgate.gates.pii.detect import builtin_entities, column_signal, mask_all

    entities = builtin_entities(["US", "GB", "DE", "FR", "ES"], False)
    sensitive = column is not None and (
        column in config.sensitive_columns or column_signal(column) is not None
    )
    out = []
    for value in values:
        text = str(value)
        if sensitive or any(e.find(text) for e in entities.values()):
            out.append(mask_all(text))
        else:
            out.append(text)
    return out
