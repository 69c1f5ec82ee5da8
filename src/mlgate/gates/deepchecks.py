"""deepchecks gate: deepchecks tabular suites or checks, with their conditions, as checks.

What it checks
    A deepchecks tabular suite (``data_integrity``, ``train_test_validation``,
    ``model_evaluation``, ``full_suite``) or a list of checks with constructor parameters
    and conditions (``add_condition_*`` name and arguments). Every condition result is one
    mlgate check: PASS -> pass, WARN -> warn, FAIL -> fail (``severity`` can lower a check's
    failures per check class), ERROR -> error. A check deepchecks reports as not applicable
    (no datetime column, no index, ...) is ``skipped`` with deepchecks' reason; any other
    failure of a check is ``error``.

Why it matters
    deepchecks' suites cover integrity and leakage problems (conflicting labels, mixed types,
    train-test sample mix, feature-label correlation) that metric thresholds do not see.

Policy example::

    - id: integrity
      type: deepchecks
      suite: data_integrity          # or: checks: [...]
      train: train
      test: eval                     # train_test_validation / model_evaluation
      label: defaulted
      cat_features: [sex, region]
      exclude_checks: [ConflictingLabels]      # the slowest checks can be left out
      n_samples: 100000
      severity: {MixedDataTypes: warning}
      save_html: reports/deepchecks.html
    - id: drift-checks
      type: deepchecks
      train: train
      test: eval
      label: defaulted
      checks:
        - name: FeatureDrift
          params: {n_samples: 100000}
          conditions:
            - add_condition_drift_score_less_than: {max_allowed_categorical_score: 0.2}

HTML
    ``save_html`` writes deepchecks' own HTML report to exactly that path (relative to the
    policy; an earlier run's file is replaced, not kept beside a ``name (1).html``), and the
    report notes where it went. Each check row shows deepchecks' details (which feature,
    which pair, what share); deepchecks' own FutureWarnings are not passed on to stderr.

Installation and licence
    ``pip install 'mlgate[deepchecks]'``. deepchecks 0.19.1 needs numpy < 2 and
    scikit-learn < 1.8, so install it in its own virtual environment; mlgate's core keeps
    running on the current stack. deepchecks is AGPL-3.0 licensed: keeping it an optional
    extra keeps mlgate's core free of that licence. Without it the gate is ``error`` with
    this hint, and ``mlgate validate`` warns.

Cost
    On 100,000 rows (2 cores): data_integrity ~13 s (ConflictingLabels 42 %,
    FeatureLabelCorrelation 26 %), train_test_validation ~9 s (TrainTestSamplesMix 77 %),
    model_evaluation ~37 s (WeakSegmentsPerformance 85 %). Exclude those checks or lower
    ``n_samples`` to keep CI fast.
"""

from __future__ import annotations

import builtins
import importlib.util
import logging
import warnings
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import GateError, NodePath
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.report import CheckResult, Outcome

if TYPE_CHECKING:
    from mlgate.gates.base import RunContext

SUITES = ("data_integrity", "train_test_validation", "model_evaluation", "full_suite")
NOT_APPLICABLE = {
    "DatasetValidationError",
    "DeepchecksNotSupportedError",
    "ModelValidationError",
    "DeepchecksNotApplicableError",
}
HINT = "pip install 'mlgate[deepchecks]' (in its own environment: it needs numpy < 2)"


class CheckSpec(BaseModel):
    """One deepchecks check with parameters and conditions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Z][A-Za-z0-9]*$")
    params: dict[str, Any] = Field(default_factory=dict)
    conditions: list[dict[str, dict[str, Any]]] = Field(default_factory=list)


class DeepchecksConfig(GateConfig):
    """Keys of a ``type: deepchecks`` gate."""

    type: Literal["deepchecks"]
    suite: (
        Literal["data_integrity", "train_test_validation", "model_evaluation", "full_suite"] | None
    ) = None
    checks: list[CheckSpec] = Field(default_factory=list)
    train: str
    test: str | None = None
    model: str | None = None
    label: str | None = None
    cat_features: list[str] | None = None
    features: list[str] | None = None
    index_name: str | None = None
    datetime_name: str | None = None
    exclude_checks: list[str] = Field(default_factory=list)
    n_samples: int | None = Field(default=None, ge=100)
    severity: dict[str, Literal["error", "warning", "info"]] = Field(default_factory=dict)
    save_html: str | None = None


class DeepchecksGate(BaseGate[DeepchecksConfig]):
    """deepchecks suites and checks (see the module docstring)."""

    type: ClassVar[str] = "deepchecks"
    summary: ClassVar[str] = "deepchecks tabular suites and checks with their conditions"
    config_model: ClassVar[builtins.type[GateConfig]] = DeepchecksConfig
    input_fields: ClassVar[tuple[str, ...]] = ("train", "test", "model")

    def validate_config(self, config: DeepchecksConfig) -> list[tuple[NodePath, str]]:
        """A suite or checks; conditions are single-key mappings."""
        out: list[tuple[NodePath, str]] = []
        if (config.suite is None) == (not config.checks):
            out.append(((), "give either `suite:` or `checks:`"))
        for i, check in enumerate(config.checks):
            for j, condition in enumerate(check.conditions):
                if len(condition) != 1 or not next(iter(condition)).startswith("add_condition_"):
                    out.append(
                        (
                            ("checks", i, "conditions", j),
                            "a condition is `add_condition_...: {arguments}`",
                        )
                    )
        return out

    def missing_dependency(self) -> str | None:
        """Why this gate cannot run here, checked without importing deepchecks."""
        return (
            None
            if importlib.util.find_spec("deepchecks")
            else f"deepchecks is not installed: {HINT}"
        )

    def run(self, config: DeepchecksConfig, ctx: RunContext) -> list[CheckResult]:
        """Run the suite or checks once; one mlgate check per condition result."""
        missing = self.missing_dependency()
        if missing:
            raise GateError(missing)
        import deepchecks

        deepchecks.set_verbosity(logging.WARNING)  # no progress bars in CI logs
        suite = _suite(config)
        train = _dataset(config, ctx.frame(config.train))
        test = _dataset(config, ctx.frame(config.test)) if config.test else None
        model = ctx.model(config.model).estimator if config.model else None
        with warnings.catch_warnings():
            # deepchecks and its dependencies warn about their own internals (FutureWarning,
            # DeprecationWarning): nothing a user of the gate can act on, so not on stderr
            warnings.simplefilter("ignore", FutureWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            result = suite.run(
                train_dataset=train,
                test_dataset=test,
                model=model,
                with_display=bool(config.save_html),
            )
            html = _save_html(config, ctx, result) if config.save_html else None
        checks = [c for item in result.results for c in _checks(config, ctx, item)]
        if html is not None and checks:
            note = f"deepchecks HTML report: {html}"
            evidence = {**checks[0].evidence, "html_report": html}  # linked from mlgate's HTML
            update = {"notes": (*checks[0].notes, note), "evidence": evidence}
            checks[0] = checks[0].model_copy(update=update)
        return checks


def _save_html(config: DeepchecksConfig, ctx: RunContext, result: Any) -> str:
    """Write the suite's HTML to exactly ``save_html`` (replacing an earlier run's file).

    deepchecks itself would write ``name (1).html`` next to an existing file; the file is
    written under a temporary name and moved into place instead.
    """
    import os
    import tempfile

    assert config.save_html is not None
    target = ctx.resolve(("save_html",), config.save_html)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".mlgate-", suffix=".html", dir=target.parent)
    os.close(fd)
    os.unlink(temp)
    written = result.save_as_html(temp, as_widget=False)
    os.replace(written if isinstance(written, str) and written else temp, target)
    from mlgate.paths import display_path

    return display_path(target)


def _dataset(config: DeepchecksConfig, frame: Any) -> Any:
    from deepchecks.tabular import Dataset

    return Dataset(
        frame,
        label=config.label,
        cat_features=config.cat_features,
        features=config.features,
        index_name=config.index_name,
        datetime_name=config.datetime_name,
    )


def _suite(config: DeepchecksConfig) -> Any:
    from deepchecks.tabular import Suite, suites
    from deepchecks.tabular import checks as dc_checks

    if config.suite is not None:
        kwargs = {"n_samples": config.n_samples} if config.n_samples else {}
        suite = getattr(suites, config.suite)(**kwargs)
        for index, check in list(suite.checks.items()):
            if type(check).__name__ in config.exclude_checks:
                suite.remove(index)
        return suite
    built = []
    for spec in config.checks:
        cls = getattr(dc_checks, spec.name, None)
        if cls is None:
            raise GateError(f"deepchecks has no tabular check `{spec.name}`")
        check = cls(**spec.params)
        for condition in spec.conditions:
            name, kwargs = next(iter(condition.items()))
            method = getattr(check, name, None)
            if method is None:
                raise GateError(f"`{spec.name}` has no condition `{name}`")
            check = method(**kwargs)
        built.append(check)
    return Suite("mlgate", *built)


def _checks(config: DeepchecksConfig, ctx: RunContext, item: Any) -> list[CheckResult]:
    check_name = type(item.check).__name__
    rel: NodePath = ("suite",) if config.suite else ("checks",)
    if not hasattr(item, "conditions_results"):  # CheckFailure
        exc = item.exception
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        result = ctx.assertion(check_name, False, reason, rel, severity="error")
        outcome = Outcome.SKIPPED if type(exc).__name__ in NOT_APPLICABLE else Outcome.ERROR
        return [
            result.model_copy(
                update={"outcome": outcome, "notes": (f"deepchecks: {type(exc).__name__}",)}
            )
        ]
    conditions = item.conditions_results
    if not conditions:
        return []
    out = []
    severity = config.severity.get(check_name, "error")
    for j, condition in enumerate(conditions):
        category = condition.category.value  # PASS / WARN / FAIL / ERROR
        name = check_name if len(conditions) == 1 else f"{check_name}[{j}]"
        details = str(condition.details or "")
        check = ctx.assertion(
            name,
            category == "PASS",
            details or "condition not met",
            rel,
            severity=severity,
            evidence={"condition": condition.name, "details": details},
        )
        if category == "PASS" and details:
            check = check.model_copy(update={"notes": (details,)})
        if category == "WARN":
            check = check.model_copy(update={"outcome": Outcome.WARN})
        elif category == "ERROR":
            check = check.model_copy(update={"outcome": Outcome.ERROR})
        out.append(check.model_copy(update={"threshold_text": condition.name}))
    return out
