"""The data gate on real Great Expectations, `mlgate init`, and the GX catalog."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import ROOT, Result

from mlgate.report import CheckResult, Report

Run = Callable[..., Result]
CASES = ROOT / "tests" / "cases" / "gx"


def people(n: int = 500) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(40_000, 5_000, n).round(2),
            "sex": rng.choice(["F", "M"], n),
            "email": [f"user{i}@corp.example" for i in range(n)],
        }
    )


def run(
    cli: Run, tmp_path: Path, frame: pd.DataFrame, body: str
) -> tuple[int, dict[str, CheckResult], Report]:
    frame.to_csv(tmp_path / "d.csv", index=False)
    for name in ("suite_v1.json", "suite_v0.json"):
        shutil.copy(CASES / name, tmp_path / name)
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: d.csv}}\ngates:\n  - id: contract\n    type: data\n    data: d\n"
        + body
    )
    result = cli("check", policy, "-f", "json")
    report = Report.model_validate_json(result.out)
    return result.code, {c.name: c for c in report.checks()}, report


BODY = """\
    expectations:
      - expect_column_values_to_not_be_null: {column: income, mostly: 0.99}
      - expect_column_values_to_be_between: {column: age, min_value: 18, max_value: 100}
      - expect_table_row_count_to_be_between: {min_value: 100, severity: warning}
"""


def test_passing_data(cli: Run, tmp_path: Path) -> None:
    code, checks, _ = run(cli, tmp_path, people(), BODY)
    assert code == 0
    assert {n: c.outcome.value for n, c in checks.items()} == {
        "expect_column_values_to_not_be_null[income]": "pass",
        "expect_column_values_to_be_between[age]": "pass",
        "expect_table_row_count_to_be_between": "pass",
    }
    assert checks["expect_table_row_count_to_be_between"].observed == 500


def test_a_null_and_an_out_of_range_value_fail_the_right_checks(cli: Run, tmp_path: Path) -> None:
    frame = people()
    frame.loc[:9, "income"] = None
    frame.loc[3, "age"] = 140
    code, checks, _ = run(cli, tmp_path, frame, BODY)
    assert code == 1
    nulls = checks["expect_column_values_to_not_be_null[income]"]
    assert nulls.outcome.value == "fail"
    assert nulls.observed == 0.98  # share of values that meet it: the unit of `mostly`
    assert nulls.message == "10 of 500 null (2 %); mostly >= 0.99"
    age = checks["expect_column_values_to_be_between[age]"]
    assert age.outcome.value == "fail"
    assert age.evidence["partial_unexpected"] == ["140"]
    assert age.message == "1 of 500 unexpected (0.2 %) (e.g. 140)"
    assert age.threshold_text == "min_value=18, max_value=100"


def test_small_table_warns_with_expectation_severity(cli: Run, tmp_path: Path) -> None:
    code, checks, _ = run(cli, tmp_path, people(50), BODY)
    assert checks["expect_table_row_count_to_be_between"].outcome.value == "warn"
    assert code == 0


def test_unexpected_personal_data_is_masked(cli: Run, tmp_path: Path) -> None:
    frame = people()
    frame.loc[0, "email"] = "jane.roe@mail.net"
    body = "    expectations:\n      - expect_column_values_to_match_regex: {column: email, regex: '@corp\\.example$'}\n"
    _, checks, report = run(cli, tmp_path, frame, body)
    check = checks["expect_column_values_to_match_regex[email]"]
    assert check.outcome.value == "fail"
    assert check.evidence["partial_unexpected"] == ["****.***@****.***"]
    assert "jane.roe" not in report.to_json()


def test_suites_in_both_formats(cli: Run, tmp_path: Path) -> None:
    code, checks, _ = run(cli, tmp_path, people(), "    suite: suite_v1.json\n")
    assert checks["expect_column_values_to_not_be_null[income]"].outcome.value == "pass"
    assert (
        checks["expect_column_values_to_be_between[age]"].outcome.value == "warn"
    )  # severity: warning
    code, checks, _ = run(cli, tmp_path, people(), "    suite: suite_v0.json\n")
    assert checks["expect_column_to_exist[sex]"].outcome.value == "pass"
    assert checks["expect_column_values_to_be_in_set[sex]"].outcome.value == "fail"
    assert code == 1


def test_schema_shortcut(cli: Run, tmp_path: Path) -> None:
    body = "    schema:\n      columns: {age: int, income: float, sex: [F, M], email: str}\n      strict: true\n"
    code, checks, _ = run(cli, tmp_path, people(), body)
    assert code == 0, {n: (c.outcome, c.message) for n, c in checks.items()}
    frame = people().assign(extra=1, sex="X")
    code, checks, _ = run(cli, tmp_path, frame, body)
    assert checks["expect_table_columns_to_match_set"].outcome.value == "fail"
    assert checks["expect_column_values_to_be_in_set[sex]"].outcome.value == "fail"


def test_bad_arguments_at_run_time_are_errors(cli: Run, tmp_path: Path) -> None:
    body = "    expectations:\n      - expect_column_values_to_be_between: {column: age, min_value: [1]}\n"
    code, checks, _ = run(cli, tmp_path, people(), body)
    assert checks["expect_column_values_to_be_between[age]"].outcome.value == "error"
    assert code == 1
    _, _, report = run(cli, tmp_path, people(), "    suite: missing.json\n")
    assert (
        "suite missing.json not found" in report.gates[0].message
        or "not found" in report.gates[0].message
    )


def test_names_and_arguments_are_checked_by_validate(cli: Run, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: d.csv}}\ngates:\n  - type: data\n    data: d\n    expectations:\n"
        "      - expect_column_values_to_not_be_nul: {column: a}\n"
        "      - expect_column_values_to_be_between: {colum: a}\n"
    )
    err = cli("validate", policy).err
    assert (
        "p.yaml:7: gates[0].expectations[0].expect_column_values_to_not_be_nul: unknown expectation (did you mean `expect_column_values_to_not_be_null`?)"
        in err
    )
    assert "has no argument `colum` (did you mean `column`?)" in err
    assert "needs the argument `column`" in err


def test_validate_does_not_import_great_expectations(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: d.csv}}\ngates:\n  - type: data\n    data: d\n"
        "    expectations:\n      - expect_column_to_exist: {column: a}\n"
    )
    probe = (
        "import sys, mlgate.cli; code = mlgate.cli.run(['validate', sys.argv[1]]);"
        "print(code, 'great_expectations' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(policy)], capture_output=True, text=True, check=True
    )
    assert done.stdout.split()[-2:] == ["0", "False"]


def test_the_catalog_matches_the_installed_great_expectations() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    import gx_catalog

    from mlgate.gates.data import catalog

    assert catalog() == gx_catalog.catalog()


def test_init_writes_a_policy_that_passes_on_its_data(
    cli: Run, tmp_path: Path, monkeypatch: object
) -> None:
    data = ROOT / "examples" / "credit-scoring" / "data" / "train.csv"
    out = tmp_path / "mlgate.yaml"
    result = cli("init", "--data", data, "--label", "defaulted", "--out", out)
    assert result.code == 0
    text = out.read_text()
    assert '"sex": ["F", "M"]' in text
    assert "# Sensitive-feature candidates (confirm before use): age, sex, age_band" in text
    assert cli("check", out, "-q").code == 0
    again = cli("init", "--data", data, "--out", out)
    assert again.code == 2
    assert "not overwriting" in again.err
    assert cli("init", "--data", data, "--out", out, "--force").code == 0
    wrong = cli("init", "--data", data, "--label", "defaulted_", "--out", tmp_path / "x.yaml")
    assert "did you mean `defaulted`" in wrong.err


def test_init_on_a_wide_table_writes_a_policy_it_can_read_and_pass(
    cli: Run, tmp_path: Path
) -> None:
    """A gene-expression table of R's datasets (ISLR's NCI60: 64 rows × 6,830 columns) made
    `mlgate init` write a 1.4 MB policy that its own loader refused (the limit is 1 MiB),
    and a data gate of thousands of expectations took minutes (each expectation added to a
    stored suite rebuilt it). Types and values are checked for the first 100 columns and
    the label, the names of all by one expectation; the check passes on the same data."""
    rng = np.random.default_rng(1)

    def table(columns: int) -> Path:
        frame = pd.DataFrame(
            rng.normal(size=(40, columns)), columns=[f"g{i}" for i in range(columns)]
        )
        frame["label"] = rng.integers(0, 2, 40)
        frame.to_csv(tmp_path / f"wide{columns}.csv", index=False)
        return tmp_path / f"wide{columns}.csv"

    out = tmp_path / "genes.yaml"
    assert cli("init", "--data", table(7000), "--label", "label", "--out", out).code == 0
    text = out.read_text()
    assert len(text.encode()) < 1 << 20
    assert "strict: false" in text
    assert "expect_table_columns_to_match_set:" in text
    assert '"g6999"' in text  # every name, in the one expectation
    assert '"label": [0, 1]' in text  # the label is listed, though it is the last column
    assert text.count("expect_column_values_to_be_between") == 100
    assert cli("validate", out).code == 0
    # checked on a narrower table (Great Expectations' time grows with the frame's width),
    # with one column taken out of its range: that check fails, every other one passes
    data = table(150)
    out = tmp_path / "mlgate.yaml"
    assert cli("init", "--data", data, "--label", "label", "--out", out).code == 0
    frame = pd.read_csv(data)
    frame["g5"] = frame["g5"] * 100
    frame.to_csv(data, index=False)
    result = cli("check", out, "-q", "-f", "json")
    assert result.code == 1, result.err
    report = Report.model_validate_json(result.out)
    # per listed column: it exists, its type, not null, its range (the label: no range)
    assert len([c for c in report.checks() if c.name.startswith("expect_")]) == 1 + 101 * 3 + 100
    assert [c.name for c in report.checks() if c.outcome.value != "pass"] == [
        "expect_column_values_to_be_between[g5]"
    ]


def test_the_same_expectation_twice_is_checked_twice(cli: Run, tmp_path: Path) -> None:
    body = (
        "    expectations:\n"
        "      - expect_column_values_to_not_be_null: {column: income}\n"
        "      - expect_column_values_to_not_be_null: {column: income}\n"
    )
    code, _, report = run(cli, tmp_path, people(), body)
    assert code == 0
    assert [c.outcome.value for c in report.checks()] == ["pass", "pass"]


def test_columns_whose_names_differ_only_in_case(cli: Run, tmp_path: Path) -> None:
    """R's `incomeInequality` has `p95` and `P95`. Great Expectations finds a pandas column
    case-insensitively and read `p95` for an expectation on `P95`: each is checked as named."""
    frame = pd.DataFrame({"p95": [200, 210, 220], "P95": [1, 2, 30], "year": [1, 2, 3]})
    body = """\
    expectations:
      - expect_column_values_to_be_between: {column: p95, min_value: 100, max_value: 300}
      - expect_column_values_to_be_between: {column: P95, min_value: 0, max_value: 5}
      - expect_column_max_to_be_between: {column: P95, min_value: 0, max_value: 20}
      - expect_column_pair_values_a_to_be_greater_than_b: {column_A: p95, column_B: P95}
      - expect_table_columns_to_match_set: {column_set: [P95, p95, year], exact_match: true}
      - expect_table_columns_to_match_ordered_list: {column_list: [p95, P95, year]}
"""
    code, checks, _ = run(cli, tmp_path, frame, body)
    outcomes = {name: c.outcome.value for name, c in checks.items()}
    assert outcomes == {
        "expect_column_values_to_be_between[p95]": "pass",
        "expect_column_values_to_be_between[P95]": "fail",
        "expect_column_max_to_be_between[P95]": "fail",
        "expect_column_pair_values_a_to_be_greater_than_b": "pass",
        "expect_table_columns_to_match_set": "pass",
        "expect_table_columns_to_match_ordered_list": "pass",
    }
    failed = checks["expect_column_values_to_be_between[P95]"]
    assert failed.evidence["partial_unexpected"] == ["30"]
    maximum = checks["expect_column_max_to_be_between[P95]"]  # a numpy scalar to GX
    assert (maximum.observed, maximum.message) == (30, "observed 30")
    assert code == 1
