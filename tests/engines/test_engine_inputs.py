"""Engine inputs as a user meets them: the lakehouse example from a repository of its own with
the installed wheel, the one-setting switch, and every way an engine input can be wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import Result, on_terminal

pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[2]
Run = Callable[..., Result]


def test_the_lakehouse_example_runs_on_duckdb_as_its_readme_says(
    user_mlgate: Run, tmp_path: Path
) -> None:
    repo = tmp_path / "lakehouse"
    shutil.copytree(ROOT / "examples" / "lakehouse", repo, ignore=shutil.ignore_patterns("data"))
    subprocess.run(
        [sys.executable, "generate.py", "--rows", "70000"], cwd=repo, check=True, timeout=120
    )
    assert len(list((repo / "data" / "scored").glob("day=*/part-*.parquet"))) == 7
    done = user_mlgate("check", "mlgate.yaml", "-f", "json", cwd=repo)
    assert done.code == 0, done.err
    report = json.loads(done.out)
    scored = {i["name"]: i for i in report["inputs"]}["scored"]
    assert (scored["engine"], scored["rows"], scored["files"]) == ("duckdb", 70000, 7)
    assert scored["path"] == "data/scored"
    assert len(scored["sha256"]) == 64
    ids = [c["id"] for g in report["gates"] for c in g["checks"]]
    assert "performance/roc_auc[region]" in ids
    assert "fairness/demographic_parity_difference[sex]" in ids
    assert "drift/psi[f1]" in ids


def table(path: Path, n: int = 300) -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, n)
    pq.write_table(
        pa.table(
            {
                "y": y,
                "p": np.where(rng.random(n) < 0.8, y, 1 - y),
                "s": rng.random(n),
                "text": ["note"] * n,
            }
        ),
        path,
    )


def test_a_gate_that_reads_a_pandas_frame_is_refused_above_pandas_rows(
    cli: Run, tmp_path: Path
) -> None:
    table(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        "  t: {path: t.parquet, engine: duckdb, pandas_rows: 100}\n"
        "gates:\n"
        "  - {id: data, type: data, data: t,\n"
        "     expectations: [{expect_column_values_to_not_be_null: {column: y}}]}\n"
        "  - {id: pii, type: pii, data: t}\n"
        "  - {id: perf, type: performance, data: t, task: binary, label: y, prediction: p,\n"
        "     metrics: {accuracy: {min: 0.5}}}\n"
    )
    done = cli("check", tmp_path / "p.yaml", "-f", "json")
    assert done.code == 1, done.err
    gates = {g["id"]: g for g in json.loads(done.out)["gates"]}
    assert gates["perf"]["outcome"] == "pass"  # counted on DuckDB: no frame needed
    assert gates["pii"]["outcome"] == "pass"  # scanned in record batches
    # Great Expectations runs on pandas for a DuckDB input: refused above pandas_rows
    assert gates["data"]["outcome"] == "error"
    assert "input `t` has 300 rows on duckdb" in gates["data"]["message"]
    assert "refused above 100 rows" in gates["data"]["message"]
    assert "pandas_rows:" in gates["data"]["message"]


def test_model_predictions_are_not_made_on_an_engine(cli: Run, tmp_path: Path) -> None:
    table(tmp_path / "t.parquet")
    (tmp_path / "m.onnx").write_bytes(b"")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        "  t: {path: t.parquet, engine: duckdb}\n  m: {path: m.onnx}\n"
        "gates:\n"
        "  - {id: perf, type: performance, data: t, task: binary, label: y, model: m,\n"
        "     features: [s], metrics: {accuracy: {min: 0.5}}}\n"
    )
    done = cli("check", tmp_path / "p.yaml", "-f", "json")
    assert done.code == 1
    gate = json.loads(done.out)["gates"][0]
    assert "input `t` is on duckdb: `model:` predicts in this process" in gate["message"]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{table: sales.scored}", "`table:` names Spark data; set `engine: spark`"),
        ("{sql: 'SELECT 1'}", "`sql:` names Spark data; set `engine: spark`"),
        ("{path: t.parquet, table: x, engine: spark}", "give exactly one of `path:`"),
        ("{path: t.parquet, engine: polars}", "engine"),
        (
            "{path: t.parquet, engine: duckdb, window: {column: ts, last: 7d}}",
            "`window:` is applied by the pandas engine",
        ),
    ],
)
def test_wrong_engine_inputs_are_policy_errors_at_their_line(
    cli: Run, tmp_path: Path, spec: str, message: str
) -> None:
    table(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        f"  t: {spec}\n"
        "gates:\n"
        "  - {id: perf, type: performance, data: t, task: binary, label: y, prediction: p,\n"
        "     metrics: {accuracy: {min: 0.5}}}\n"
    )
    done = cli("validate", tmp_path / "p.yaml")
    assert done.code == 2
    assert message in done.err
    assert "p.yaml:3" in done.err
    assert "Traceback" not in done.err


def test_a_missing_column_and_a_continuous_group_are_clear_errors(cli: Run, tmp_path: Path) -> None:
    table(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        "  t: {path: t.parquet, engine: duckdb}\n"
        "gates:\n"
        "  - {id: a, type: performance, data: t, task: binary, label: y, prediction: q,\n"
        "     metrics: {accuracy: {min: 0.5}}}\n"
        "  - {id: b, type: drift, reference: t, current: t, columns: [nope]}\n"
    )
    done = cli("check", tmp_path / "p.yaml", "-f", "json")
    assert done.code == 1
    errors = {g["id"]: g["message"] for g in json.loads(done.out)["gates"]}
    assert errors["a"] == "input `t` has no column `q` (did you mean `p`?)" or errors[
        "a"
    ].startswith("input `t` has no column `q`")
    assert errors["b"].startswith("input `t` has no column `nope`")


def test_mlgate_engine_moves_every_input_not_pinned_to_pandas(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        "  t: {path: t.parquet}\n  u: {path: t.parquet, engine: pandas}\n"
        "gates:\n"
        "  - {id: a, type: performance, data: t, task: binary, label: y, prediction: p,\n"
        "     metrics: {accuracy: {min: 0.5}}}\n"
        "  - {id: b, type: performance, data: u, task: binary, label: y, prediction: p,\n"
        "     metrics: {accuracy: {min: 0.5}}}\n"
    )
    monkeypatch.setenv("MLGATE_ENGINE", "duckdb")
    done = cli("check", tmp_path / "p.yaml", "-f", "json")
    assert done.code == 0, done.err
    engines = {i["name"]: i.get("engine") for i in json.loads(done.out)["inputs"]}
    assert engines == {"t": "duckdb", "u": None}
    monkeypatch.setenv("MLGATE_ENGINE", "polars")
    done = cli("check", tmp_path / "p.yaml")
    assert done.code == 2
    assert "MLGATE_ENGINE is 'polars'; it names an engine: duckdb or spark" in done.err


def test_a_terminal_sees_what_the_engine_scans(tmp_path: Path) -> None:
    """On a terminal the progress line names the gate and what the engine is doing; in a
    pipe (CI logs) nothing of it is printed."""
    table(tmp_path / "t.parquet", n=3000)
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n"
        "  t: {path: t.parquet, engine: duckdb}\n"
        "gates:\n"
        "  - {id: pii, type: pii, data: t}\n"
        "  - {id: drift, type: drift, reference: t, current: t, columns: [s]}\n"
    )
    code, text = on_terminal(tmp_path, "check", "p.yaml", "-f", "json", "-o", "r.json")
    assert code == 0
    assert "running gate pii (1/2)" in text
    assert "t on duckdb" in text
    assert "rows scanned for personal data" in text
    assert "histograms of s" in text
    piped = subprocess.run(
        [sys.executable, "-m", "mlgate", "check", "p.yaml", "-q", "-f", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "on duckdb" not in piped.stderr


def test_init_profiles_a_partitioned_folder_through_duckdb(
    user_mlgate: Run, tmp_path: Path
) -> None:
    """`mlgate init --data FOLDER` profiles on DuckDB (counts, ranges and value sets by the
    engine); the starter policy passes on the data it was made from — the hive partition
    column included, and the `region` column of compass directions not taken for names."""
    repo = tmp_path / "lakehouse"
    shutil.copytree(ROOT / "examples" / "lakehouse", repo, ignore=shutil.ignore_patterns("data"))
    subprocess.run(
        [sys.executable, "generate.py", "--rows", "30000"], cwd=repo, check=True, timeout=120
    )
    done = user_mlgate(
        "init", "--data", "data/scored", "--label", "label", "--out", "starter.yaml", cwd=repo
    )
    assert done.code == 0, done.err
    text = (repo / "starter.yaml").read_text()
    assert "(30,000 rows)" in text
    assert 'data: {path: "data/scored", engine: duckdb}' in text
    assert '"sex": ["female", "male"]' in text
    assert '"day": datetime' in text
    assert "it cannot run on DuckDB" in text
    check = user_mlgate("check", "starter.yaml", "-f", "json", cwd=repo)
    assert check.code == 0, check.out[-3000:]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_column_names_that_differ_only_in_case_are_an_error_on_an_engine(
    cli: Run, tmp_path: Path, fmt: str
) -> None:
    """R's `incomeInequality` has `p95` and `P95`: DuckDB reads the second as `P95_1`, so a
    gate would check another column than the one named; the input is refused, and pandas
    reads it as it is."""
    table = pa.table({"p95": [200, 210, 220], "P95": [1, 2, 3]})
    if fmt == "csv":
        (tmp_path / "d.csv").write_text("p95,P95\n200,1\n210,2\n220,3\n")
    else:
        pq.write_table(table, tmp_path / "d.parquet")
    policy = tmp_path / "p.yaml"
    template = (
        "version: 1\ninputs:\n  d: {{path: d.{fmt}, engine: {engine}}}\ngates:\n"
        "  - id: contract\n    type: data\n    data: d\n    expectations:\n"
        "      - expect_column_max_to_be_between: {{column: P95, max_value: 5}}\n"
    )
    policy.write_text(template.format(fmt=fmt, engine="duckdb"))
    result = cli("check", policy, "-f", "json")
    gate = json.loads(result.out)["gates"][0]
    assert gate["outcome"] == "error"
    assert gate["message"] == (
        "input `d` has columns whose names differ only in case (`p95`, `P95`): duckdb does not "
        "tell them apart; rename one, or read the input with `engine: pandas`"
    )
    assert result.code == 1
    policy.write_text(template.format(fmt=fmt, engine="pandas"))
    assert cli("check", policy).code == 0
    # `mlgate init` profiles a folder through DuckDB: refused the same way
    (tmp_path / "folder").mkdir()
    (tmp_path / f"d.{fmt}").rename(tmp_path / "folder" / f"part-0.{fmt}")
    made = cli("init", "--data", tmp_path / "folder", "--out", tmp_path / "init.yaml")
    assert made.code == 2
    assert "has columns whose names differ only in case (`p95`, `P95`)" in made.err
