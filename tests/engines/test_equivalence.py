"""The same policy gives the same verdicts and numbers on pandas, DuckDB and Spark.

Every gate type but deepchecks and governance (which read no dataset of this kind) runs over
the same Parquet data on each engine; the JSON reports are
compared check by check: outcomes always, values exactly where the engine counts (counts,
count-based metrics, rank metrics on scores that are counted as they are, drift quantiles
and histograms), intervals of resampled rank and row metrics within Monte Carlo error (the
engines resample counted rows with a multinomial draw, pandas resamples row indices).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

duckdb = pytest.importorskip("duckdb")

ENGINES = ["pandas", "duckdb", "spark"]


def predictions(n: int, seed: int, shift: float = 0.0) -> pa.Table:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], n, p=[0.4, 0.6])
    region = rng.choice(["north", "south", "east"], n)
    age = rng.integers(18, 90, n)
    income = rng.lognormal(10 + shift, 0.5, n)
    logit = (income / 20000 - 1.2) + (sex == "male") * 0.3 + rng.normal(0, 1, n)
    score = np.round(1 / (1 + np.exp(-logit)), 3)  # counted as they are: exact on engines
    label = (rng.random(n) < score).astype(np.int64)
    city = rng.choice(["Lyon", "Graz", "Porto", None], n, p=[0.3, 0.3, 0.3, 0.1])
    note = np.where(
        rng.random(n) < 0.02,
        np.char.add(np.char.add("mail ", rng.choice(["ana", "bo", "cy"], n)), "@example.org"),
        "no contact",
    )
    return pa.table(
        {
            "label": label,
            "prediction": (score >= 0.5).astype(np.int64),
            "score": score,
            "sex": sex,
            "region": region,
            "age": age,
            "income": income,
            "city": pa.array(city, type=pa.string()),
            "note": pa.array(note.tolist(), type=pa.string()),
        }
    )


POLICY = """version: 1
inputs:
  reference: {{path: data/reference.parquet, engine: {engine}}}
  current: {{path: {current}, engine: {engine}}}
gates:
  - id: performance
    type: performance
    data: current
    task: binary
    label: label
    prediction: prediction
    score: score
    slices: [region]
    metrics:
      accuracy: {{min: 0.6, confidence: 0.95}}
      f1: {{min: 0.5}}
      roc_auc: {{min: 0.7, confidence: 0.95}}
      log_loss: {{max: 0.7}}
      brier: {{max: 0.25, confidence: 0.9}}
  - id: fairness
    type: fairness
    data: current
    task: binary
    label: label
    prediction: prediction
    score: score
    sensitive_features: [sex, region]
    metrics:
      demographic_parity_difference: {{max: 0.2, confidence: 0.95}}
      equalized_odds_difference: {{max: 0.2}}
      roc_auc_difference: {{max: 0.1}}
  - id: drift
    type: drift
    reference: reference
    current: current
    metrics:
      psi: {{max: 0.25}}
      ks: {{max: 0.1}}
      js: {{max: 0.2}}
      wasserstein: {{max: 1000000}}
      chi2_pvalue: {{min: 0.001}}
      missing: {{max: 0.05}}
    exclude_columns: [note]
  - id: pii
    type: pii
    data: current
    max_findings: 0
  - id: data
    type: data
    data: current
    schema:
      columns: {{age: int, income: float, sex: str, score: float, label: int}}
    expectations:
      - expect_column_values_to_not_be_null: {{column: label}}
      - expect_column_values_to_be_between: {{column: age, min_value: 18, max_value: 100}}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("engines")
    (root / "data").mkdir()
    pq.write_table(predictions(6000, 1), root / "data" / "reference.parquet")
    current = predictions(5000, 2, shift=0.05)
    pq.write_table(current, root / "data" / "current.parquet")
    # the same rows as a hive-partitioned folder
    pq.write_to_dataset(current, root / "data" / "current_by_region", partition_cols=["region"])
    return root


def run(
    cli: Any, project: Path, engine: str, current: str = "data/current.parquet"
) -> dict[str, Any]:
    policy = project / f"policy-{engine}-{Path(current).stem}.yaml"
    policy.write_text(POLICY.format(engine=engine, current=current))
    result = cli("check", policy, "-f", "json")
    assert result.code in (0, 1), result.err
    report: dict[str, Any] = json.loads(result.out)
    return report


def checks(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for g in report["gates"] for c in g["checks"]}


ROW_RESAMPLED = ("roc_auc", "brier")  # intervals from index resampling on pandas


def same(a: dict[str, Any], b: dict[str, Any]) -> None:
    left, right = checks(a), checks(b)
    assert sorted(left) == sorted(right)
    for check_id, x in left.items():
        y = right[check_id]
        assert x["outcome"] == y["outcome"], check_id
        if x.get("observed") is not None:
            assert y["observed"] == pytest.approx(x["observed"], rel=1e-9, abs=1e-12), check_id
        if x.get("interval"):
            tol = 0.01 if any(m in check_id for m in ROW_RESAMPLED) else 1e-9
            assert y["interval"] == pytest.approx(x["interval"], abs=tol), check_id
        ev_x, ev_y = x.get("evidence", {}), y.get("evidence", {})
        if check_id.startswith("pii/"):  # where findings are depends on the rows' order
            ev_x, ev_y = _unplaced(ev_x), _unplaced(ev_y)
        for key in ("groups", "histogram", "statistics", "worst_group", "reference_n", "n"):
            if key in ev_x:
                assert json.dumps(ev_y.get(key), sort_keys=True) == pytest.approx(
                    json.dumps(ev_x[key], sort_keys=True)
                ) or _close(ev_y.get(key), ev_x[key]), (check_id, key)


def _unplaced(evidence: dict[str, Any]) -> dict[str, Any]:
    """PII evidence without positions and examples (a hive folder orders rows otherwise)."""
    groups = [
        {k: v for k, v in g.items() if k not in ("positions", "examples")}
        for g in evidence.get("groups", [])
    ]
    return {**evidence, "groups": groups}


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(a, b, rtol=1e-9, atol=1e-12))
    return bool(a == b)


@pytest.fixture(scope="module")
def pandas_report(project: Path) -> dict[str, Any]:
    from mlgate.cli import run as cli_run

    policy = project / "policy-pandas.yaml"
    policy.write_text(POLICY.format(engine="pandas", current="data/current.parquet"))
    out = project / "pandas.json"
    code = cli_run(["check", str(policy), "-f", "json", "-o", str(out)])
    assert code in (0, 1)
    report: dict[str, Any] = json.loads(out.read_text())
    return report


@pytest.fixture
def engine_env(monkeypatch: pytest.MonkeyPatch, engine: str) -> str:
    if engine == "spark":
        pytest.importorskip("pyspark")
        if shutil.which("java") is None:
            pytest.skip("Spark needs Java (17 or later) on the PATH")
        monkeypatch.setenv("MLGATE_SPARK_MASTER", "local[2]")
    return engine


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
@pytest.mark.parametrize("current", ["data/current.parquet", "data/current_by_region"])
def test_every_gate_gives_the_same_report_on_each_engine(
    project: Path, cli: Any, engine_env: str, current: str, pandas_report: dict[str, Any]
) -> None:
    """Performance, fairness, drift (numeric and categorical) and data gates: one file
    and the same rows as a hive-partitioned folder, on DuckDB and on Spark local[2]."""
    other = run(cli, project, engine_env, current)
    assert {i["name"]: i.get("engine") for i in other["inputs"]} == {
        "reference": engine_env,
        "current": engine_env,
    }
    assert [i["rows"] for i in other["inputs"]] == [6000, 5000]
    assert checks(pandas_report), "the policy made checks"
    same(pandas_report, other)


MISSING_CSV = """region,airbags,x,f,flag,empty,answer,NA,x,
NA,None,1,1.5,True,,yes,0.1,7,a
EU,Driver only,2,2,false,,no,0.2,8,b
NA,None,NA,n/a,TRUE,,yes,0.3,9,c
AS,,4,4.25,NULL,,no,0.4,10,d
EU,Driver only,5,#N/A,False,,no,0.5,11,e
"""

MISSING_POLICY = """version: 1
inputs:
  a: {{path: a.csv, engine: {engine}{extra}}}
  b: {{path: b.csv, engine: {engine}{extra}}}
gates:
  - id: data
    type: data
    data: a
    expectations:
{nulls}
  - id: drift
    type: drift
    reference: a
    current: b
    metrics: {{psi: {{max: 10}}}}
"""


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
@pytest.mark.parametrize("extra", ["", ", na_values: ['']"])
def test_csv_missing_value_texts_are_the_same_on_each_engine(
    tmp_path: Path, cli: Any, engine_env: str, extra: str
) -> None:
    """R writes `NA`, spreadsheets `#N/A`, Python `None`: pandas' list of missing texts is
    every engine's default (DuckDB and Spark alone take only the empty field), so null
    counts, column kinds and drift are the same; `na_values:` narrows it everywhere. A
    column named `NA` (sodium) keeps its name; repeated and empty names are named as pandas
    names them."""
    (tmp_path / "a.csv").write_text(MISSING_CSV)
    (tmp_path / "b.csv").write_text(MISSING_CSV.replace("4.25", "NaN"))
    # the names pandas gives: a repeated name and an empty one (DuckDB: `x_1`, `column9`)
    columns = [*MISSING_CSV.splitlines()[0].split(",")[:-2], "x.1", "Unnamed: 9"]
    nulls = "\n".join(
        f"      - expect_column_values_to_not_be_null: {{column: '{c}'}}" for c in columns
    )
    reports = {}
    for name in ("pandas", engine_env):
        policy = tmp_path / f"{name}.yaml"
        policy.write_text(MISSING_POLICY.format(engine=name, extra=extra, nulls=nulls))
        result = cli("check", policy, "-f", "json")
        assert result.code in (0, 1), result.err
        reports[name] = json.loads(result.out)
    same(reports["pandas"], reports[engine_env])
    observed = {c["name"]: c["observed"] for c in reports[engine_env]["gates"][0]["checks"]}
    share = {c: observed[f"expect_column_values_to_not_be_null[{c}]"] for c in columns}
    if extra:  # only the empty field is missing
        assert share == {**dict.fromkeys(columns, 1.0), "airbags": 0.8, "empty": 0.0}
    else:
        assert share == {
            "region": 0.6, "airbags": 0.4, "x": 0.8, "f": 0.6, "flag": 0.8, "empty": 0.0,
            "answer": 1.0, "NA": 1.0, "x.1": 1.0, "Unnamed: 9": 1.0,
        }  # fmt: skip
    drift = {c["name"]: c["evidence"]["kind"] for c in reports[engine_env]["gates"][1]["checks"]}
    kinds = {"x": "numeric", "f": "numeric", "empty": "numeric", "region": "categorical"}
    if extra:  # `NA`, `n/a`, `#N/A` are text now
        kinds = {**kinds, "x": "categorical", "f": "categorical"}
    assert {k: drift[f"psi[{k}]"] for k in kinds} == kinds


ODD_CSV = """a b,x.y,1,ä,q't,sel`ect,select
1,2.5,a,True,4,5,x
2,3.5,b,False,5,6,y
"""


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_odd_column_names_and_types_read_the_same_on_each_engine(
    tmp_path: Path, cli: Any, engine_env: str
) -> None:
    """What `mlgate init` writes for pandas holds on the engines: pandas' type names in
    `schema:` (GX on Spark knows only its own), names with a dot or a backtick (GX on Spark
    read `x.y` as a field of a struct)."""
    (tmp_path / "d.csv").write_text(ODD_CSV)
    body = """version: 1
inputs:
  d: {{path: d.csv, engine: {engine}}}
gates:
  - id: data
    type: data
    data: d
    schema:
      strict: true
      columns: {{"a b": int, "x.y": float, "1": str, "ä": bool, "q't": int, "sel`ect": int,
                 "select": str}}
    expectations:
      - expect_column_values_to_be_between: {{column: "x.y", min_value: 2, max_value: 4}}
      - expect_column_values_to_be_between: {{column: "sel`ect", min_value: 5, max_value: 6}}
      - expect_column_values_to_be_of_type: {{column: "q't", type_: int64}}
"""
    reports = {}
    for name in ("pandas", engine_env):
        policy = tmp_path / f"{name}.yaml"
        policy.write_text(body.format(engine=name))
        result = cli("check", policy, "-f", "json")
        assert result.code == 0, result.out
        reports[name] = json.loads(result.out)
    same(reports["pandas"], reports[engine_env])
    assert len(checks(reports[engine_env])) == 18  # exist + type per column, set, 3
