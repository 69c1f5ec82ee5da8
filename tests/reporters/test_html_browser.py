"""The HTML report in a real browser: the system Chromium, driven headless by Playwright.

`make test` installs Chromium from the Debian packages (`make browser`) and sets
MLGATE_BROWSER=require, so there the test fails rather than skips when no browser is found.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from conftest import ROOT, Result

from mlgate.report import Report
from mlgate.reporters import RenderOptions, renderer

Run = Callable[..., Result]
FIXTURES = ROOT / "tests" / "reporters" / "fixtures"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    message = "no Chromium: install it with `make browser` (apt-get install chromium)"
    if os.environ.get("MLGATE_BROWSER") == "require":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        yield launched
        launched.close()


class Opened:
    """A page with every request, console message and page error it produced."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.url = path.resolve().as_uri()
        start = time.perf_counter()
        self.page.goto(self.url, wait_until="load")
        self.load_s = time.perf_counter() - start

    def visible_rows(self) -> int:
        return int(self.page.locator("tr.check:visible").count())


def example_report(cli: Run, example: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report.html"
    result = cli("check", example / "failing.yaml", "-q", "-f", "html", "-o", out)
    assert result.code == 1, result.err
    return out


def test_the_example_report_works_offline_with_filters_and_charts(
    browser: Any, cli: Run, example: Path, tmp_path: Path
) -> None:
    opened = Opened(browser, example_report(cli, example, tmp_path))
    page = opened.page
    assert opened.errors == []
    assert opened.requests == [opened.url]  # the document itself, and nothing else
    # the failing check is on the first screen
    first = page.locator("#attention li.fail").first
    box = first.bounding_box()
    assert box is not None
    assert box["y"] + box["height"] <= 900
    assert "model-quality/accuracy" in first.inner_text()
    # filters: failed and warned only hides every passing check
    total = opened.visible_rows()
    page.check("#f-attention")
    failing = opened.visible_rows()
    assert 0 < failing < total
    assert page.locator("tr.check.pass:visible").count() == 0
    assert f"{failing} of {page.locator('tr.check').count()} checks shown" in page.inner_text(
        "#f-shown"
    )
    page.uncheck("#f-attention")
    page.select_option("#f-gate", "fairness")
    assert (
        page.locator("tr.check:visible").count()
        == page.locator('tr.check[data-gate="fairness"]').count()
    )
    # charts: one bar per group, as the chart says
    charts = page.locator("svg.groups")
    assert charts.count() > 0
    for i in range(charts.count()):
        chart = charts.nth(i)
        assert chart.locator("rect.bar").count() == int(chart.get_attribute("data-bars") or 0)
    assert page.locator("svg.gauge").count() > 0
    histograms = page.locator("svg.histogram")  # the drift gate: reference against current
    assert histograms.count() > 0
    for i in range(histograms.count()):
        chart = histograms.nth(i)
        bins = int(chart.get_attribute("data-bins") or 0)
        assert bins > 0
        assert chart.locator("rect.ref").count() == chart.locator("rect.cur").count() == bins
    page.screenshot(path=str(tmp_path / "report.png"))
    page.close()


def test_no_raw_personal_data_anywhere_in_the_page(
    browser: Any, cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    emails = ["jane.doe@example.com", "john.roe@example.org", "ann.lee@example.net"]
    frame = pd.DataFrame(
        {
            "y": [0, 1, 1, 0] * 150,
            "p": [0, 1, 0, 0] * 150,
            "who": (emails * 200),
            "note": ["call Jennifer Schneider on +44 20 7946 0958"] * 600,
            "card": ["4111 1111 1111 1111"] * 600,
        }
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  d: {path: d.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: d\n    label: y\n    prediction: p\n"
        "    sensitive_features: [who]\n    metrics: {demographic_parity_difference: {max: 0.01}}\n"
        "  - id: pii\n    type: pii\n    data: d\n"
        "  - id: drift\n    type: drift\n    reference: d\n    current: d\n"
        "    columns: [who]\n",
    )
    out = tmp_path / "r.html"
    assert cli("check", policy, "-q", "-f", "html", "-o", out).code == 1
    opened = Opened(browser, out)
    page = opened.page
    assert opened.errors == []
    content = page.content()  # text and every attribute (titles of heat-map cells)
    for raw in [*emails, "jane.doe", "Schneider", "7946 0958", "1111 1111 1111 1111"]:
        assert raw not in content, raw
    assert page.locator("#pii table.heatmap td.heat").count() > 0
    assert page.locator("svg.histogram").count() == 1  # the e-mails as categories, masked
    assert "j***@e***.com" in content
    page.close()


def test_a_report_of_5000_checks_renders(browser: Any, tmp_path: Path) -> None:
    base = Report.from_json((FIXTURES / "mixed.json").read_text(encoding="utf-8"))
    checks = [c for g in base.gates for c in g.checks]
    gates = []
    for n in range(0, 5000, 100):
        gate = base.gates[0]
        copies = [
            checks[(n + i) % len(checks)].model_copy(update={"id": f"g{n}/c{i}"})
            for i in range(100)
        ]
        gates.append(gate.model_copy(update={"id": f"g{n}", "checks": tuple(copies)}))
    big = base.model_copy(update={"gates": tuple(gates)})
    assert sum(len(g.checks) for g in big.gates) == 5000
    path = tmp_path / "big.html"
    path.write_text(renderer("html")(big, RenderOptions()), encoding="utf-8")
    opened = Opened(browser, path)
    assert opened.errors == []
    assert opened.page.locator("tr.check").count() == 5000
    start = time.perf_counter()
    opened.page.check("#f-attention")
    filter_s = time.perf_counter() - start
    print(
        f"\n5,000 checks: {path.stat().st_size / 1e6:.1f} MB, loaded in {opened.load_s:.2f} s, "
        f"filtered in {filter_s:.2f} s"
    )
    assert opened.load_s < 30
    opened.page.close()
