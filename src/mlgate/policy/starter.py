"""`mlgate init`: profile a dataset and write a commented starter policy.

The policy holds a data gate (columns, types, value sets of low-cardinality columns,
not-null where the data has no nulls, ranges with a 10 % margin), a PII gate, and as
comments: a drift gate stub, a performance gate stub when a label is given, and the
columns that look like sensitive features for a fairness gate. It validates, and passes on
the data it was made from.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.numbers import plain

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.backends import Table

SENSITIVE = re.compile(
    r"(^|_)(sex|gender|race|ethnic|ethnicity|age|age_band|age_group|religion|nationality"
    r"|disability|disabled|marital|marital_status|pregnan|orientation|citizenship)($|_)",
    re.I,
)
MAX_VALUE_SET = 20
# a wide table's policy lists this many of its columns (see starter_policy)
WIDE = 100


def _kind(series: pd.Series) -> str:
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "int"
    if pd.api.types.is_float_dtype(series):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "str"


def _value_set(series: pd.Series, kind: str) -> list[Any] | None:
    return _chosen_values(list(series.dropna().unique()), len(series), kind)


def _limit(kind: str) -> int:
    return MAX_VALUE_SET if kind == "str" else 10


def _chosen_values(values: list[Any], rows: int, kind: str) -> list[Any] | None:
    """A value set worth writing: few values, each frequent, none personal."""
    if (
        kind in ("str", "int", "bool")
        and 0 < len(values) <= _limit(kind)
        and rows >= 4 * len(values)
        and not (kind == "str" and _looks_personal([str(v) for v in values]))
    ):
        return sorted(v.item() if hasattr(v, "item") else v for v in values)
    return None


def _looks_personal(values: list[str]) -> bool:
    """Whether any value is personal data (never written into a policy file)."""
    from mlgate.gates.pii.detect import mask_text
    from mlgate.gates.pii.names import lexicon, name_cell_kind

    lex = lexicon()
    return any(mask_text(v) != v or name_cell_kind(v, lex) in ("full", "first") for v in values)


def _range(series: pd.Series, kind: str) -> tuple[float, float] | None:
    if kind not in ("int", "float") or series.dropna().empty:
        return None
    return _bounds(float(series.min()), float(series.max()), kind)


def _bounds(low: float, high: float, kind: str) -> tuple[float, float]:
    """The range an expectation allows: the data's, with a 10 % margin."""
    margin = 0.1 * (high - low) if high > low else abs(high) * 0.1 or 1.0
    floor = 0.0 if low >= 0 else -math.inf  # non-negative data stays non-negative
    low, high = max(low - margin, floor), high + margin
    if kind == "int":
        return float(math.floor(low)), float(math.ceil(high))
    return round(low, 6), round(high, 6)


@dataclass(frozen=True)
class Column:
    """What the starter policy says of one column."""

    name: str
    kind: str  # bool | int | float | datetime | str
    values: list[Any] | None  # a value set to expect, or None
    no_nulls: bool
    bounds: tuple[float, float] | None  # a range to expect, or None


def frame_columns(frame: pd.DataFrame) -> list[Column]:
    """The columns of a pandas frame, profiled."""
    out = []
    for column in frame.columns:
        series = frame[column]
        kind = _kind(series)
        values = _value_set(series, kind)
        bounds = _range(series, kind) if values is None else None
        out.append(Column(str(column), kind, values, bool(series.notna().all()), bounds))
    return out


def table_columns(table: Table) -> list[Column]:
    """The columns of an engine's table, profiled by the engine (one scan for counts and
    ranges, one small DISTINCT query per candidate value set)."""
    import pyarrow.types as t

    schema = table.schema()
    kinds = {}
    for field in schema:
        ty = field.type
        if t.is_boolean(ty):
            kinds[field.name] = "bool"
        elif t.is_integer(ty):
            kinds[field.name] = "int"
        elif t.is_floating(ty) or t.is_decimal(ty):
            kinds[field.name] = "float"
        elif t.is_temporal(ty):
            kinds[field.name] = "datetime"
        else:
            kinds[field.name] = "str"
    stats = table.column_stats([c for c, k in kinds.items() if k in ("int", "float")])
    rows = table.num_rows()
    out = []
    for name, kind in kinds.items():
        present, low, high = stats[name]
        values = None
        if kind in ("str", "int", "bool"):
            found = table.distinct_values(name, _limit(kind))
            values = _chosen_values(found, rows, kind) if found is not None else None
        bounds = None
        if values is None and kind in ("int", "float") and low is not None and high is not None:
            bounds = _bounds(float(low), float(high), kind)
        out.append(Column(name, kind, values, present == rows, bounds))
    return out


def starter_policy(
    data: Path, rows: int, columns: list[Column], out: Path, label: str | None, engine: str = ""
) -> str:
    """The text of a starter policy for a dataset (``data``) of ``rows`` rows."""
    from mlgate.gates.pii.detect import column_signal, special_category

    rel = Path(os.path.relpath(data.resolve(), out.resolve().parent)).as_posix()
    names = [c.name for c in columns]
    on = f", engine: {engine}" if engine else ""
    lines = [
        f"# Starter policy written by `mlgate init` from {rel} ({rows:,} rows).",
        "# Review every line: the thresholds describe the data as it is today,",
        "# not as it should be.",
        "version: 1",
        f"name: {json.dumps(out.resolve().parent.name or 'my-model')}",
        "inputs:",
        f"  data: {{path: {json.dumps(rel)}{on}}}",
        "  # eval: {path: data/eval.csv}          # add the evaluation set for the drift gate",
        "gates:",
        "  - id: data-contract",
        "    type: data",
        "    data: data",
        "    schema:",
        "      strict: true",
        "      columns:",
    ]
    if engine == "duckdb":
        lines[lines.index("    schema:")] = (
            "    # Great Expectations reads this input with pandas (it cannot run on DuckDB):\n"
            "    # above 5,000,000 rows raise `pandas_rows:` on the input, or use engine: spark\n"
            "    schema:"
        )
    # a wide table (gene expressions, pixels, embeddings): types and values are checked for
    # its first WIDE columns (and the label), the names of all of them by one expectation,
    # so that the policy stays readable, under the loader's size limit and quick to check
    # (every listed column is about four Great Expectations checks)
    listed = [c for i, c in enumerate(columns) if i < WIDE or c.name == label]
    expectations = []
    if len(listed) < len(columns):
        at = lines.index("      strict: true")
        lines[at : at + 1] = [
            f"      # {len(columns):,} columns: the first {WIDE:,} are listed (all names are",
            "      # checked below); list the ones that matter",
            "      strict: false",
        ]
        names_json = [json.dumps(c.name) for c in columns]
        expectations.append("      - expect_table_columns_to_match_set:")
        expectations.append("          column_set: [")
        wrapped = [", ".join(names_json[i : i + 8]) for i in range(0, len(names_json), 8)]
        expectations.append("            " + ",\n            ".join(wrapped))
        expectations.append("          ]")
    for column in listed:
        spec = json.dumps(column.values) if column.values is not None else column.kind
        lines.append(f"        {json.dumps(column.name)}: {spec}")
        if column.no_nulls:
            name = json.dumps(column.name)
            expectations.append(f"      - expect_column_values_to_not_be_null: {{column: {name}}}")
        if column.bounds is not None:
            low, high = column.bounds
            expectations.append(
                f"      - expect_column_values_to_be_between: {{column: {json.dumps(column.name)}, "
                f"min_value: {plain(low)}, max_value: {plain(high)}}}"
            )
    lines += ["    expectations:", *expectations] if expectations else []
    lines += [
        "",
        "  - id: no-pii",
        "    type: pii",
        "    data: data",
        "    max_findings: 0",
        "    column_names: {severity: warning}",
    ]
    flagged = [c for c in names if column_signal(c)]
    if flagged:
        lines.append(f"    # columns whose names look personal: {', '.join(map(str, flagged))}")
    special = [c for c in names if special_category(c)]
    if special:
        lines += [
            f"    # special categories (GDPR Art. 9): {', '.join(map(str, special))}; say why",
            "    # they are processed, or drop them:",
            "    # special_categories:",
            "    #   allow:",
            *(f'    #     - {{column: {json.dumps(str(c))}, purpose: "..."}}' for c in special),
        ]
    lines += [
        "",
        "  # - id: drift                          # needs the eval input above",
        "  #   type: drift",
        "  #   reference: data",
        "  #   current: eval",
    ]
    sensitive = [c for c in names if SENSITIVE.search(c)]
    if label is not None:
        lines += [
            "",
            "  # - id: model-quality                  # point `data` at a file with predictions",
            "  #   type: performance",
            "  #   data: data",
            "  #   task: binary",
            f"  #   label: {label}",
            "  #   prediction: y_pred",
            "  #   metrics: {accuracy: {min: 0.8}}",
        ]
    if sensitive:
        lines += [
            "",
            "  # Sensitive-feature candidates (confirm before use): " + ", ".join(sensitive),
            "  # - id: fairness",
            "  #   type: fairness",
            "  #   data: data",
            f"  #   label: {label or 'y_true'}",
            "  #   prediction: y_pred",
            f"  #   sensitive_features: {json.dumps(sensitive)}",
            "  #   metrics: {demographic_parity_difference: {max: 0.1}}",
        ]
    return "\n".join(lines) + "\n"
