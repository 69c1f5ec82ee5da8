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
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.numbers import plain

if TYPE_CHECKING:
    import pandas as pd

SENSITIVE = re.compile(
    r"(^|_)(sex|gender|race|ethnic|ethnicity|age|age_band|age_group|religion|nationality"
    r"|disability|disabled|marital|marital_status|pregnan|orientation|citizenship)($|_)",
    re.I,
)
MAX_VALUE_SET = 20


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
    values = series.dropna().unique()
    limit = MAX_VALUE_SET if kind == "str" else 10
    if (
        kind in ("str", "int", "bool")
        and 0 < len(values) <= limit
        and len(series) >= 4 * len(values)
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
    low, high = float(series.min()), float(series.max())
    margin = 0.1 * (high - low) if high > low else abs(high) * 0.1 or 1.0
    floor = 0.0 if low >= 0 else -math.inf  # non-negative data stays non-negative
    low, high = max(low - margin, floor), high + margin
    if kind == "int":
        return float(math.floor(low)), float(math.ceil(high))
    return round(low, 6), round(high, 6)


def starter_policy(data: Path, frame: pd.DataFrame, out: Path, label: str | None) -> str:
    """The text of a starter policy for ``frame`` (read from ``data``)."""
    from mlgate.gates.pii.detect import column_signal, special_category

    rel = Path(os.path.relpath(data.resolve(), out.resolve().parent)).as_posix()
    lines = [
        f"# Starter policy written by `mlgate init` from {rel} ({len(frame):,} rows).",
        "# Review every line: the thresholds describe the data as it is today,",
        "# not as it should be.",
        "version: 1",
        f"name: {json.dumps(out.resolve().parent.name or 'my-model')}",
        "inputs:",
        f"  data: {{path: {json.dumps(rel)}}}",
        "  # eval: {path: data/eval.csv}          # add the evaluation set for the drift gate",
        "gates:",
        "  - id: data-contract",
        "    type: data",
        "    data: data",
        "    schema:",
        "      strict: true",
        "      columns:",
    ]
    expectations = []
    for column in frame.columns:
        series = frame[column]
        kind = _kind(series)
        values = _value_set(series, kind)
        spec = json.dumps(values) if values is not None else kind
        lines.append(f"        {json.dumps(str(column))}: {spec}")
        if series.notna().all():
            name = json.dumps(str(column))
            expectations.append(f"      - expect_column_values_to_not_be_null: {{column: {name}}}")
        bounds = _range(series, kind) if values is None else None
        if bounds is not None:
            expectations.append(
                f"      - expect_column_values_to_be_between: {{column: {json.dumps(str(column))}, "
                f"min_value: {plain(bounds[0])}, max_value: {plain(bounds[1])}}}"
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
    flagged = [c for c in frame.columns if column_signal(str(c))]
    if flagged:
        lines.append(f"    # columns whose names look personal: {', '.join(map(str, flagged))}")
    special = [c for c in frame.columns if special_category(str(c))]
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
    sensitive = [str(c) for c in frame.columns if SENSITIVE.search(str(c))]
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
