"""Typed models of the policy file's top level (gate blocks are typed by their gate)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from mlgate.formats import DATA_FORMATS, DOCUMENT_FORMATS, FORMATS, MODEL_FORMATS

__all__ = ["DATA_FORMATS", "DOCUMENT_FORMATS", "FORMATS", "MODEL_FORMATS"]

INPUT_NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WindowSpec(_Strict):
    """Rows of a dataset input in a time window: the last N units before the run, or bounds."""

    column: str = Field(min_length=1)
    last: str | None = Field(default=None, pattern=r"^\d+(\.\d+)?\s*(m|h|d|w)$")
    start: dt.datetime | dt.date | None = None
    end: dt.datetime | dt.date | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> WindowSpec:
        if self.last is not None and (self.start is not None or self.end is not None):
            raise ValueError("give `last:` or `start:`/`end:`, not both")
        if self.last is None and self.start is None and self.end is None:
            raise ValueError("give `last:` (e.g. 7d) or `start:` and/or `end:`")
        return self


class InputSpec(_Strict):
    """A named artifact the gates read: a file (``path``) or an MLflow URI (``mlflow``)."""

    path: str | None = Field(default=None, min_length=1)
    # models:/NAME@ALIAS, models:/NAME/VERSION or runs:/RUN_ID/PATH (extra mlgate[mlflow])
    mlflow: str | None = Field(
        default=None, pattern=r"^(models:/[^/@]+(@[^/]+|/\d+)|runs:/[0-9A-Za-z_-]+/.+)$"
    )
    format: Literal[FORMATS] | None = None  # type: ignore[valid-type]
    description: str | None = None
    sep: str | None = Field(default=None, min_length=1, max_length=1)
    allow_unsafe_load: bool = False
    trusted_types: list[str] = Field(default_factory=list)
    # bounds on what reading the input may cost (decompressed bytes, rows): a small
    # compressed file cannot expand without limit. Defaults: DEFAULT_MAX_BYTES / _ROWS.
    max_bytes: int | None = Field(default=None, ge=1)
    max_rows: int | None = Field(default=None, ge=1)
    # a dataset's rows in a time window (production inference logs: `last: 7d`)
    window: WindowSpec | None = None

    @model_validator(mode="after")
    def _one_source(self) -> InputSpec:
        if (self.path is None) == (self.mlflow is None):
            raise ValueError("give exactly one of `path:` (a file) and `mlflow:` (an MLflow URI)")
        return self

    @property
    def where(self) -> str:
        """The path or the MLflow URI, as written."""
        return self.path if self.path is not None else f"mlflow:{self.mlflow}"


DEFAULT_MAX_BYTES = 8 << 30  # 8 GiB of decompressed text or uncompressed Parquet columns
DEFAULT_MAX_ROWS = 200_000_000


class WaiverSpec(_Strict):
    """A documented, expiring exception for one check (or a glob of checks)."""

    check: str = Field(min_length=1)
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    expires: dt.date
    ticket: str | None = None


class ComplianceSpec(_Strict):
    """Which controls the compliance matrix must show, evidence or not."""

    require: list[str] = Field(default_factory=list)


NotifyOutcome = Literal["pass", "warn", "fail", "error", "skipped"]


def _failing_outcomes() -> list[NotifyOutcome]:
    return ["fail", "error"]


class NotifySpec(_Strict):
    """A webhook told the verdict (Slack-compatible or generic JSON), on chosen outcomes."""

    url_env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")  # the variable holding the URL
    format: Literal["slack", "json"] = "slack"
    when: list[NotifyOutcome] = Field(default_factory=_failing_outcomes, min_length=1)


class PolicyDoc(_Strict):
    """The top level of a policy file, after ``extends`` has been merged."""

    version: Literal[1]
    name: str | None = None
    description: str | None = None
    extends: list[str] = Field(default_factory=list)
    # remote `extends:` entries of this file may name a tag, a branch or nothing at all
    allow_unpinned: bool = False
    # this file's version as a pack, for required-pack floors (`builtin:gdpr-pii>=1.1`)
    pack_version: str | None = Field(default=None, pattern=r"^\d+(\.\d+){0,3}$")
    inputs: dict[str, InputSpec] = Field(default_factory=dict)
    baseline: str | None = None
    on_inconclusive: Literal["warn", "fail"] = "warn"
    policy_changes: Literal["warn", "fail"] = "warn"
    max_waiver_days: int = Field(default=90, ge=1, le=3650)
    control_catalogs: list[str] = Field(default_factory=list)
    compliance: ComplianceSpec = Field(default_factory=ComplianceSpec)
    gates: list[dict[str, Any]] = Field(default_factory=list)
    waivers: list[WaiverSpec] = Field(default_factory=list)
    notify: list[NotifySpec] = Field(default_factory=list)
