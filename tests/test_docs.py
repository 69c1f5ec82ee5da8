"""The README's gate reference is generated from the gates' own documentation."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import ROOT, Result

README = ROOT / "README.md"
BUILTIN = ["performance", "fairness", "governance", "pii", "drift", "data", "deepchecks"]


@pytest.mark.parametrize("gate_type", BUILTIN)
def test_readme_gate_reference_matches_explain(cli: Callable[..., Result], gate_type: str) -> None:
    text = README.read_text(encoding="utf-8")
    pattern = rf"### `{gate_type}`\n\n<!-- generated.*?-->\n```text\n(.*?)```\n"
    match = re.search(pattern, text, re.S)
    assert match, f"README has no generated section for the {gate_type} gate"
    explained = cli("explain", gate_type).out
    assert match.group(1) == explained, f"README is stale: paste `mlgate explain {gate_type}`"


def test_every_builtin_gate_is_documented(cli: Callable[..., Result]) -> None:
    listed = cli("list-gates").out
    builtin = [line.split()[0] for line in listed.splitlines() if "[mlgate " in line]
    assert sorted(builtin) == sorted(BUILTIN)


def test_readme_quickstart_commands_exist() -> None:
    text = README.read_text(encoding="utf-8")
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in ("example", "test"):
        assert f"make {target}" in text
        assert re.search(rf"^{target}:", makefile, re.M)
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")
