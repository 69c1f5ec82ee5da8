"""Every output format against reviewed golden files (`pytest --update-goldens`).

Reporters are tested apart from the gates: their goldens are rendered from fixed report
fixtures (`fixtures/pass.json`, `mixed.json`, `every-outcome.json`), so a change in a
metric does not churn them. The engine's own JSON is compared with `golden/engine/`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import EXAMPLE, GOLDEN

from mlgate.engine import RunOptions, run_policy
from mlgate.policy import load_policy
from mlgate.report import Outcome, Report
from mlgate.reporters import FORMATS, RenderOptions, renderer
from mlgate.reporters.markdown import esc

MIXED = """
  - id: broken
    type: performance
    data: missing
    task: regression
    label: y
    prediction: p
    metrics: {mae: {max: 1}}
  - id: paused
    type: row_count
    enabled: false
    data: train
    rows: {min: 1}
waivers:
  - check: model-quality/brier
    reason: "calibration fix | tracked in <RISK-9>"
    approved_by: risk-office
    expires: 2027-01-15
"""


def stable(report: Report) -> Report:
    """Zero the wall-clock fields so the report is byte-identical run to run."""
    gates = tuple(g.model_copy(update={"duration_s": 0.0}) for g in report.gates)
    return report.model_copy(update={"gates": gates, "duration_s": 0.0})


def make_report(example: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(example.parent)
    policy = Path(example.name) / "mlgate.yaml"
    if case == "mixed":
        text = (EXAMPLE / "mlgate.yaml").read_text()
        text = re.sub(
            r"^(inputs:.*\n)", r"\1  missing:     {path: data/missing.csv}\n", text, flags=re.M
        )
        text = text.replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}")
        text = text.replace("brier:    {max: 0.2}", "brier:    {max: 0.1}")
        text = text.replace("recall:   {min: 0.15", "recall:   {min: 0.5")
        policy.write_text(text + MIXED)
    options = RunOptions(today=dt.date(2026, 11, 27), created_at="2026-11-27T00:00:00+00:00")
    report, _ = run_policy(load_policy(policy), options)
    return stable(report)


SUFFIX = {
    "text": "txt",
    "json": "json",
    "markdown": "md",
    "github": "log",
    "sarif": "sarif",
    "junit": "xml",
    "html": "html",
    "gitlab": "json",
}


FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(case: str) -> Report:
    return Report.from_json((FIXTURES / f"{case}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", ["pass", "mixed", "every-outcome"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_format_matches_golden(fmt: str, case: str, golden: Callable[[str, str], None]) -> None:
    text = renderer(fmt)(fixture(case), RenderOptions(color=False, width=140))
    golden(f"{fmt}/{case}.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("case", ["pass", "mixed"])
def test_the_engine_report_matches_golden(
    case: str, example: Path, monkeypatch: pytest.MonkeyPatch, golden: Callable[[str, str], None]
) -> None:
    report = make_report(example, case, monkeypatch)
    golden(f"engine/{case}.json", report.to_json())


def test_the_every_outcome_fixture_has_every_outcome() -> None:
    counts = fixture("every-outcome").counts()
    assert all(counts[o.value] >= 1 for o in Outcome), counts


def test_rendering_is_deterministic(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_report(example, "mixed", monkeypatch)
    second = make_report(example, "mixed", monkeypatch)
    for fmt in FORMATS:
        options = RenderOptions()
        assert renderer(fmt)(first, options) == renderer(fmt)(second, options)


def test_mixed_report_outcomes(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report(example, "mixed", monkeypatch)
    assert {g.id: g.outcome.value for g in report.gates} == {
        "model-quality": "fail",
        "model-quality-live": "pass",
        "fairness": "pass",
        "special-categories": "pass",
        "documentation": "pass",
        "no-pii": "pass",
        "drift": "pass",
        "train-contract": "pass",
        "broken": "error",
        "paused": "skipped",
    }
    counts = report.counts()
    assert counts["waived"] >= 1
    assert counts["warn"] >= 1
    markdown = renderer("markdown")(report, RenderOptions())
    assert "calibration fix \\| tracked in &lt;RISK-9&gt;" in markdown
    assert "<RISK-9>" not in markdown
    attention = markdown.split("### Needs attention")[1].split("### Gates")[0]
    rows = [line for line in attention.splitlines() if line.startswith("| ")][1:]
    icons = [row.split("|")[1].strip() for row in rows if not row.startswith("|---")]
    assert icons[0] == "💥"  # errors first, then failures, then warnings
    assert icons.index("⚠️") > icons.index("❌")


def test_text_colour_only_when_asked(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = make_report(example, "pass", monkeypatch)
    plain = renderer("text")(report, RenderOptions(color=False))
    coloured = renderer("text")(report, RenderOptions(color=True))
    assert "\x1b[" not in plain
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured).split() == plain.split()


def test_markdown_escaping() -> None:
    assert esc("a|b\nc <script>&") == "a\\|b<br>c &lt;script&gt;&amp;"


def test_json_golden_is_a_valid_report() -> None:
    golden_json = GOLDEN / "engine" / "mixed.json"
    report = Report.from_json(golden_json.read_text())
    assert json.loads(report.to_json()) == json.loads(golden_json.read_text())


def test_inputs_say_where_mlflow_inputs_and_windows_came_from() -> None:
    from mlgate.report import InputRecord, PackRecord
    from mlgate.reporters import RenderOptions, renderer

    base = fixture("pass")
    inputs = (
        InputRecord(
            name="model", path="mlflow:models:/credit@candidate", format="skops",
            source="models:/credit/7 (run abc123)", flavor="sklearn (cloudpickle)",
            unsafe_load=True,
        ),
        InputRecord(
            name="live", path="logs/*.parquet", format="parquet", files=14,
            window="ts: last 7d before 2026-11-10T12:00:00+00:00 (711 of 1,400 rows)",
        ),
    )  # fmt: skip
    packs = (PackRecord(ref="git+/srv/p.git//credit.yaml@" + "a" * 40, kind="git", sha256="b" * 64,
                        version="1.1", pinned=False),)  # fmt: skip
    report = base.model_copy(update={"inputs": inputs, "packs": packs})
    for fmt in ("markdown", "html"):
        text = renderer(fmt)(report, RenderOptions())
        assert "models:/credit/7 (run abc123)" in text
        assert "sklearn (cloudpickle), unsafe load allowed" in text
        assert "14 files" in text
        assert "711 of 1,400 rows" in text
        assert "credit.yaml@aaaaaaaaaaaa v1.1" in text
        assert "unpinned" in text
