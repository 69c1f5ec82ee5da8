"""Typed models of the policy file's top level (gate blocks are typed by their gate)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlgate.formats import DATA_FORMATS, DOCUMENT_FORMATS, FORMATS, MODEL_FORMATS, NA_VALUES

__all__ = ["DATA_FORMATS", "DOCUMENT_FORMATS", "FORMATS", "MODEL_FORMATS"]

INPUT_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowSpec(_Strict):
    """Rows of a dataset input in a time window: the last N units before the run, or bounds."""

    column: str = Field(min_length=1, description="the timestamp column", examples=["ts"])
    last: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+)?\s*(m|h|d|w)$",
        description="the last N minutes/hours/days/weeks before the run",
        examples=["7d"],
    )
    start: dt.datetime | dt.date | None = Field(
        default=None, description="first moment kept", examples=["2026-11-01"]
    )
    end: dt.datetime | dt.date | None = Field(
        default=None, description="end (a date includes that day)", examples=["2026-11-07"]
    )

    @model_validator(mode="after")
    def _one_kind(self) -> WindowSpec:
        if self.last is not None and (self.start is not None or self.end is not None):
            raise ValueError("give `last:` or `start:`/`end:`, not both")
        if self.last is None and self.start is None and self.end is None:
            raise ValueError("give `last:` (e.g. 7d) or `start:` and/or `end:`")
        return self


class InputSpec(_Strict):
    """A named artifact the gates read: a file (``path``) or an MLflow URI (``mlflow``)."""

    path: str | None = Field(
        default=None,
        min_length=1,
        description="a file (relative to the policy) or a glob naming a set of files",
        examples=["data/eval.parquet", "logs/inferences-*.parquet"],
    )
    # models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH (extra mlgate[mlflow])
    mlflow: str | None = Field(
        default=None,
        pattern=r"^(models:/[^/@]+(@[^/]+|/\d+)|runs:/[0-9A-Za-z_-]+/.+)$",
        description="an MLflow model or run artifact instead of a path",
        examples=["models:/credit@champion", "runs:/<run id>/predictions.parquet"],
    )
    format: Literal[FORMATS] | None = Field(  # type: ignore[valid-type]
        default=None, description="otherwise from the file name", examples=["csv"]
    )
    description: str | None = None
    sep: str | None = Field(
        default=None, min_length=1, max_length=1, description="delimiter", examples=[";"]
    )
    na_values: list[str] | None = Field(
        default=None,
        description="the texts that mean a missing value in a CSV or TSV file, on every engine "
        "(default: pandas' list -- empty, NA, N/A, NULL, null, NaN, nan, None, ...)",
        examples=[["", "NA"]],
    )
    allow_unsafe_load: bool = Field(
        default=False, description="allow model formats that run code (pickle, joblib)"
    )
    trusted_types: list[str] = Field(
        default_factory=list,
        description="types a skops file may hold beyond skops' own",
        examples=[["xgboost.sklearn.XGBClassifier"]],
    )
    # bounds on what reading the input may cost (decompressed bytes, rows): a small
    # compressed file cannot expand without limit. Defaults: DEFAULT_MAX_BYTES / _ROWS.
    max_bytes: int | None = Field(
        default=None, ge=1, description="decompressed bytes (default 8 GiB)", examples=[10**9]
    )
    max_rows: int | None = Field(
        default=None, ge=1, description="rows (default 200,000,000)", examples=[5_000_000]
    )
    # a dataset's rows in a time window (production inference logs: `last: 7d`)
    window: WindowSpec | None = None
    # where a dataset is computed (mlgate.backends): pandas in memory, DuckDB or Spark
    engine: Literal["auto", "pandas", "duckdb", "spark"] = Field(
        default="auto",
        description="pandas in memory; duckdb or spark for larger-than-memory data; auto: "
        "duckdb above 256 MiB on disk or for a folder, when installed",
        examples=["duckdb"],
    )
    table: str | None = Field(
        default=None,
        min_length=1,
        description="a Spark table instead of a path (engine: spark)",
        examples=["lakehouse.scoring.predictions"],
    )
    sql: str | None = Field(
        default=None,
        min_length=1,
        description="a Spark SQL query instead of a path (engine: spark)",
        examples=["SELECT * FROM predictions WHERE day >= '2026-11-01'"],
    )
    pandas_rows: int | None = Field(
        default=None,
        ge=1,
        description="rows a gate that needs a pandas frame may read from a duckdb or spark "
        "input (default 5,000,000)",
        examples=[20_000_000],
    )

    @model_validator(mode="after")
    def _one_source(self) -> InputSpec:
        given = [k for k in ("path", "mlflow", "table", "sql") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of `path:` (a file), `mlflow:` (an MLflow URI), `table:` or "
                "`sql:` (Spark)"
            )
        if (self.table is not None or self.sql is not None) and self.engine != "spark":
            raise ValueError(f"`{given[0]}:` names Spark data; set `engine: spark`")
        if self.mlflow is not None and self.engine in ("duckdb", "spark"):
            raise ValueError("an `mlflow:` input is read by pandas; remove `engine:`")
        if self.window is not None and self.engine in ("duckdb", "spark"):
            raise ValueError("`window:` is applied by the pandas engine; remove `engine:`")
        return self

    @property
    def missing_texts(self) -> tuple[str, ...]:
        """The texts read as missing values in a CSV or TSV file (``na_values`` or the
        default list)."""
        return NA_VALUES if self.na_values is None else tuple(self.na_values)

    @property
    def where(self) -> str:
        """The path, the MLflow URI, the Spark table or query, as written."""
        if self.path is not None:
            return self.path
        if self.mlflow is not None:
            return f"mlflow:{self.mlflow}"
        if self.table is not None:
            return f"spark:{self.table}"
        return "spark:sql"


DEFAULT_MAX_BYTES = 8 << 30  # 8 GiB of decompressed text or uncompressed Parquet columns
DEFAULT_MAX_ROWS = 200_000_000


class WaiverSpec(_Strict):
    """A documented, expiring exception for one check (or a glob of checks)."""

    check: str = Field(
        min_length=1, description="a check id or glob", examples=["model-quality/f1"]
    )
    reason: str = Field(min_length=1, examples=["recalibration tracked in RISK-42"])
    approved_by: str = Field(min_length=1, examples=["risk-office"])
    expires: dt.date = Field(description="at most max_waiver_days away", examples=["2027-01-31"])
    ticket: str | None = Field(default=None, examples=["RISK-42"])


class ComplianceSpec(_Strict):
    """Which controls the compliance matrix must show, evidence or not."""

    require: list[str] = Field(
        default_factory=list,
        description="controls the matrix must show, evidence or not",
        examples=[["eu-ai-act:*"]],
    )


NotifyOutcome = Literal["pass", "warn", "fail", "error", "skipped"]


def _failing_outcomes() -> list[NotifyOutcome]:
    return ["fail", "error"]


class NotifySpec(_Strict):
    """A webhook told the verdict (Slack-compatible or generic JSON), on chosen outcomes."""

    url_env: str = Field(
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="the environment variable holding the webhook URL",
        examples=["SLACK_WEBHOOK_URL"],
    )
    format: Literal["slack", "json"] = "slack"
    when: list[NotifyOutcome] = Field(
        default_factory=_failing_outcomes, min_length=1, examples=[["fail", "error"]]
    )


class PolicyDoc(_Strict):
    """The top level of a policy file, after ``extends`` has been merged."""

    version: Literal[1] = Field(description="the policy format's version", examples=[1])
    name: str | None = Field(default=None, examples=["credit-scoring-release"])
    description: str | None = None
    extends: list[str] = Field(
        default_factory=list,
        description="files, built-in packs and pinned remote packs this policy builds on",
        examples=[["builtin:gdpr-pii", "../shared/base.yaml"]],
    )
    # remote `extends:` entries of this file may name a tag, a branch or nothing at all
    allow_unpinned: bool = Field(
        default=False, description="allow remote extends without a commit or digest pin"
    )
    # this file's version as a pack, for required-pack floors (`builtin:gdpr-pii>=1.1`)
    pack_version: str | None = Field(
        default=None,
        pattern=r"^\d+(\.\d+){0,3}$",
        description="this file's version as a pack (for required-pack floors)",
        examples=["1.2"],
    )
    inputs: dict[str, InputSpec] = Field(
        default_factory=dict,
        description="named files or MLflow artifacts the gates read",
        examples=[{"eval": {"path": "data/eval.parquet"}}],
    )
    baseline: str | None = Field(
        default=None,
        description="a report of main, or mlflow:models:/NAME@ALIAS",
        examples=["reports/main.json"],
    )
    on_inconclusive: Literal["warn", "fail"] = Field(
        default="warn", description="what too little evidence means"
    )
    policy_changes: Literal["warn", "fail"] = Field(
        default="warn", description="what a loosening change of the policy means in review"
    )
    max_waiver_days: int = Field(default=90, ge=1, le=3650, examples=[30])
    control_catalogs: list[str] = Field(
        default_factory=list,
        description="your own control catalogs",
        examples=[["compliance/bank-controls.yaml"]],
    )
    compliance: ComplianceSpec = Field(default_factory=ComplianceSpec)
    gates: list[dict[str, Any]] = Field(default_factory=list)
    waivers: list[WaiverSpec] = Field(default_factory=list)
    notify: list[NotifySpec] = Field(default_factory=list)
