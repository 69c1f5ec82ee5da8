"""The HTML report without a browser: self-contained, escaped, trends from --history."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

Run = Callable[..., Result]


def test_saved_reports_render_again_with_trends(
    cli: Run, example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = tmp_path / "history"
    history.mkdir()
    for day in (1, 2, 3):
        (history / f"run{day}").mkdir()
        policy = example / ("mlgate.yaml" if day < 3 else "failing.yaml")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(1_790_000_000 + day * 86_400))
        cli("check", policy, "-q", "-o", history / f"run{day}" / "mlgate-report.json")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    (history / "notes.json").write_text('{"not": "a report"}')
    latest = history / "run3" / "mlgate-report.json"
    out = tmp_path / "report.html"
    result = cli("report", latest, "--history", history, "-o", out)
    assert result.code == 1  # the report's own verdict
    assert "history: skipped" in result.err  # notes.json, with the reason
    page = out.read_text()
    assert "2 earlier runs and this one" in page  # the report itself is not counted twice
    trends = re.findall(r'<svg class="trend"[^>]*data-points="(\d+)"', page)
    assert trends
    assert set(trends) == {"3"}
    assert 'id="trends"' in page
    # the same report rendered by `check` and by `report` is the same file
    again = tmp_path / "again.html"
    cli("report", latest, "-o", again)
    direct = json.loads(latest.read_text())
    assert direct["outcome"] == "fail"
    assert "Trends" not in again.read_text()


def test_self_contained_and_escaped(cli: Run, write: Callable[..., Path], tmp_path: Path) -> None:
    import pandas as pd

    hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    pd.DataFrame({"y": [0, 1] * 100, "p": [0, 1] * 100, "g": [hostile, "b"] * 100}).to_csv(
        tmp_path / "d.csv", index=False
    )
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  d: {path: d.csv}\ngates:\n  - id: q\n    type: performance\n"
        "    data: d\n    task: binary\n    label: y\n    prediction: p\n    slices: [g]\n"
        "    metrics: {accuracy: {min: 0.5}}\n",
    )
    page = cli("check", policy, "-q", "-f", "html").out
    assert hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script>") == 1  # the filter script, and only it
    # nothing to fetch: no external URL in any src or href, and a CSP that forbids it
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)
    assert "default-src 'none'" in page
