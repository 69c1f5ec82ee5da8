"""The documentation site builds strictly, and its reference is generated from the code."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Result

README = ROOT / "README.md"
BUILTIN = ["performance", "fairness", "governance", "pii", "drift", "data", "deepchecks"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def _text(html: Path) -> str:
    import html as html_lib

    return html_lib.unescape(re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8")))


@pytest.mark.parametrize("gate_type", BUILTIN)
def test_the_gate_reference_is_what_explain_prints(
    site: Path, cli: Callable[..., Result], gate_type: str
) -> None:
    page = _text(site / "reference" / "gates" / "index.html")
    explained = cli("explain", gate_type).out.strip()
    for line in explained.splitlines()[:12]:  # the page holds the docstring verbatim
        assert line.strip() in page


def test_every_command_and_option_is_in_the_reference(site: Path) -> None:
    from mlgate.cli import cli as group

    page = _text(site / "reference" / "cli" / "index.html")
    for name, command in group.commands.items():
        assert f"mlgate {name}" in page
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in page, f"{name} {opt}"


def test_every_metric_and_policy_key_is_in_the_reference(site: Path) -> None:
    from mlgate.policy.model import PolicyDoc
    from mlgate.stats.catalog import METRICS

    metrics = _text(site / "reference" / "metrics" / "index.html")
    assert all(name in metrics for name in METRICS)
    keys = _text(site / "reference" / "policy-keys" / "index.html")
    assert all(name in keys for name in PolicyDoc.model_fields)


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


def test_readme_links_to_docs_exist() -> None:
    text = README.read_text(encoding="utf-8")
    for target in re.findall(r"\]\((docs/[^)#]+)", text):
        assert (ROOT / target).is_file(), target
