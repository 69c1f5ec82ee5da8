"""Every Mermaid block of the Markdown report parses and renders with Mermaid itself, in
the browser GitHub's renderer uses (Mermaid from the npm registry, `make mermaid`; the
system Chromium, `make browser`)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Result

from mlgate.report import Report
from mlgate.reporters import RenderOptions, renderer

Run = Callable[..., Result]
MERMAID = ROOT / "tests" / "mermaid" / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
FIXTURES = ROOT / "tests" / "reporters" / "fixtures"
BLOCK = re.compile(r"```mermaid\n(.*?)```", re.S)


def blocks(markdown: str) -> list[str]:
    return BLOCK.findall(markdown)


@pytest.fixture(scope="module")
def mermaid_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from test_html_browser import chromium

    if not MERMAID.exists():
        message = "Mermaid is not installed: run `make mermaid` (npm install in tests/mermaid)"
        if os.environ.get("MLGATE_BROWSER") == "require":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    page_file = tmp_path_factory.mktemp("mermaid") / "parse.html"
    page_file.write_text(
        f'<!DOCTYPE html><html><body><script src="{MERMAID.as_uri()}"></script>'
        "<script>mermaid.initialize({startOnLoad: false});</script></body></html>"
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=["--no-sandbox"])
        page = browser.new_page()
        page.goto(page_file.as_uri())
        yield page
        browser.close()


def check(page: Any, source: str) -> tuple[bool, str]:
    """(parsed and rendered, error) for one Mermaid block."""
    result: dict[str, Any] = page.evaluate(
        """async (text) => {
            try {
                await mermaid.parse(text);
                const out = await mermaid.render('m' + Math.random().toString(36).slice(2), text);
                return {ok: out.svg.includes('<svg'), error: ''};
            } catch (e) { return {ok: false, error: String(e && e.message || e)}; }
        }""",
        source,
    )
    return bool(result["ok"]), str(result["error"])


def test_every_mermaid_block_parses(
    mermaid_page: Any, cli: Run, example: Path, tmp_path: Path
) -> None:
    sources = []
    for case in ("pass", "mixed", "every-outcome"):
        report = Report.from_json((FIXTURES / f"{case}.json").read_text(encoding="utf-8"))
        sources += blocks(renderer("markdown")(report, RenderOptions()))
    failing = cli("check", example / "failing.yaml", "-q", "-f", "markdown")
    sources += blocks(failing.out)
    # labels that try to break out of the quoted string or the block
    hostile = Report.from_json((FIXTURES / "mixed.json").read_text(encoding="utf-8"))
    hostile_json = json.loads(hostile.to_json())
    for gate in hostile_json["gates"]:
        for c in gate["checks"]:
            for g in c["evidence"].get("groups") or []:
                g["group"] = 'x" ] \n```\n%% bar [1] ; `evil` <b>#{}'
    sources += blocks(renderer("markdown")(Report.model_validate(hostile_json), RenderOptions()))
    assert len(sources) >= 4
    for source in sources:
        ok, error = check(mermaid_page, source)
        assert ok, f"{error}\n{source}"


def test_a_broken_block_is_caught(mermaid_page: Any) -> None:
    ok, error = check(mermaid_page, 'xychart-beta\n    x-axis ["a" "b"\n    bar [1, ]\n')
    assert not ok
    assert error
