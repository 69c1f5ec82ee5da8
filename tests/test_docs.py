"""The README's gate reference is generated from the gates' own documentation."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_gate_reference_matches_explain(cli: Callable[..., object]) -> None:
    text = README.read_text(encoding="utf-8")
    match = re.search(r"### `performance`\n\n<!-- generated.*?-->\n```text\n(.*?)```\n", text, re.S)
    assert match, "README has no generated section for the performance gate"
    explained = cli("explain", "performance").out  # type: ignore[attr-defined]
    assert match.group(1) == explained, "README is stale: paste `mlgate explain performance`"


def test_readme_quickstart_commands_exist() -> None:
    text = README.read_text(encoding="utf-8")
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in ("example", "test"):
        assert f"make {target}" in text
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")
