"""Kept reference profiles: a second run reads only the current side and gives the same
numbers; a changed or damaged profile is never used."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import Result

POLICY = """version: 1
inputs:
  ref: {{path: ref.parquet{engine}}}
  cur: {{path: cur.parquet{engine}}}
gates:
  - id: drift
    type: drift
    reference: ref
    current: cur
    keep_reference_profile: true
    metrics: {{psi: {{max: 0.25}}, ks: {{max: 0.2}}, wasserstein: {{max: 5}}, missing: {{max: 0.1}}}}
"""


def frame(n: int, shift: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({f"x{i}": rng.normal(shift * i, 1, n) for i in range(4)})
    out.loc[rng.random(n) < 0.1 + shift, "x3"] = np.nan  # missing values shift with the data
    return out


@pytest.mark.parametrize("engine", ["", ", engine: duckdb"])
def test_a_kept_profile_gives_the_same_numbers_without_reading_the_reference(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: str
) -> None:
    if engine:
        pytest.importorskip("duckdb")
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path / "cache"))
    frame(3000, 0.0, 1).to_parquet(tmp_path / "ref.parquet")
    frame(2000, 0.1, 2).to_parquet(tmp_path / "cur.parquet")
    (tmp_path / "p.yaml").write_text(POLICY.format(engine=engine))

    def run() -> dict[str, object]:
        done = cli("check", tmp_path / "p.yaml", "-f", "json")
        assert done.code in (0, 1), done.err
        report: dict[str, object] = json.loads(done.out)
        return report

    def observed(report: dict[str, object]) -> dict[str, float]:
        return {c["id"]: c["observed"] for g in report["gates"] for c in g["checks"]}  # type: ignore[attr-defined]

    cold = run()
    kept = list((tmp_path / "cache" / "profiles").glob("*.json"))
    assert len(kept) == 1
    assert set(json.loads(kept[0].read_text())["profiles"]) == {"x0", "x1", "x2", "x3"}
    warm = run()
    assert observed(warm) == observed(cold)
    assert len(observed(cold)) == 16
    # the missing share of the reference is kept with its profile (its rows)
    assert observed(warm)["drift/missing[x3]"] == pytest.approx(0.1, abs=0.03)
    assert json.loads(kept[0].read_text())["rows"] == 3000
    ref_record = warm["inputs"][0]  # type: ignore[index]
    if not engine:
        assert ref_record["rows"] is None  # not read: its profile was kept
    # a damaged profile is recomputed, not trusted
    kept[0].write_text("{not json")
    assert observed(run()) == observed(cold)
    # a changed reference is a new profile
    frame(3000, 0.5, 3).to_parquet(tmp_path / "ref.parquet")
    changed = run()
    assert len(list((tmp_path / "cache" / "profiles").glob("*.json"))) == 2
    assert observed(changed) != observed(cold)


def test_profiles_are_not_kept_unless_asked(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLGATE_CACHE_DIR", str(tmp_path / "cache"))
    frame(500, 0.0, 1).to_parquet(tmp_path / "ref.parquet")
    frame(500, 0.0, 2).to_parquet(tmp_path / "cur.parquet")
    (tmp_path / "p.yaml").write_text(
        POLICY.format(engine="").replace("    keep_reference_profile: true\n", "")
    )
    assert cli("check", tmp_path / "p.yaml").code == 0
    assert not (tmp_path / "cache").exists()
