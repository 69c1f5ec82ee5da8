"""The package plan is enforced by the build: the import-layer contract, and the plug-in
registry refusing two gate types of the same name."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contract_holds_on_the_code_as_it_is(copy: Path) -> None:
    done = _lint(copy)
    assert done.returncode == 0, done.stdout
    assert "broken" in done.stdout
    assert "0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        ("gates/performance.py", "mlgate.reporters.text", "Gates read through the run context"),
        ("reporters/markdown.py", "mlgate.gates.pii.detect", "Reporters are pure"),
        ("engine.py", "mlgate.review.policy_review", "The engine knows no review"),
        ("stats/metrics.py", "mlgate.gates.registry", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_the_build(
    copy: Path, module: str, forbidden: str, contract: str
) -> None:
    path = copy / "src" / "mlgate" / module
    path.write_text(path.read_text() + f"\nimport {forbidden}  # noqa: E402, F401\n")
    done = _lint(copy)
    assert done.returncode == 1, done.stdout
    assert contract in done.stdout
    assert "BROKEN" in done.stdout


def test_two_plugins_with_one_gate_type_name_are_an_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    info = site / "rogue_gates-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rogue-gates\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[mlgate.gates]\nperformance = rogue:Gate\n")
    (tmp_path / "p.yaml").write_text("version: 1\ngates:\n  - {type: pii, data: x}\n")
    done = subprocess.run(
        [sys.executable, "-m", "mlgate", "validate", "p.yaml"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "two installed distributions register the gate type `performance`" in done.stderr
    assert "rogue-gates 1.0" in done.stderr
    assert "mlgate " in done.stderr


def test_no_module_imports_itself_through_others() -> None:
    """No import cycles, counting function-local and TYPE_CHECKING imports too."""
    import grimp

    graph = grimp.build_graph("mlgate", include_external_packages=False)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.find_shortest_chain(importer=imported, imported=module):
                cycles.append((module, imported))
    assert cycles == []


def test_every_diff_format_reaches_mlgate_diff() -> None:
    from mlgate.reporters import DIFF_FORMATS
    from mlgate.reporters.diff import POLICY_DIFF, REPORT_DIFF

    assert set(DIFF_FORMATS) == set(REPORT_DIFF) == set(POLICY_DIFF)
