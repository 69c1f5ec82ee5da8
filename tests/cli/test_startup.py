"""Fast start: `mlgate --help` and `import mlgate` import no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import CASES, EXAMPLE

HEAVY = [
    "numpy",
    "pandas",
    "sklearn",
    "scipy",
    "pyarrow",
    "great_expectations",
    "fairlearn",
    "deepchecks",
    "presidio_analyzer",
    "pydantic",
    "rich",
]

PROBE = """
import json, sys
import mlgate.cli
code = mlgate.cli.run({args!r})
print(json.dumps({{"code": code, "heavy": sorted(m for m in {heavy!r} if m in sys.modules)}}))
"""


def probe(*args: str, cwd: Path | None = None) -> dict[str, object]:
    script = PROBE.format(args=list(args), heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_help_imports_nothing_heavy() -> None:
    assert probe("--help") == {"code": 0, "heavy": []}


def test_version_imports_nothing_heavy() -> None:
    assert probe("--version") == {"code": 0, "heavy": []}


def test_validate_imports_no_data_library(tmp_path: Path) -> None:
    example = EXAMPLE / "mlgate.yaml"
    result = probe("validate", str(example), cwd=tmp_path)
    assert result["code"] == 0
    assert result["heavy"] == ["pydantic"]


def test_a_performance_only_policy_never_imports_great_expectations(tmp_path: Path) -> None:
    policy = CASES / "action" / "failing" / "mlgate.yaml"
    result = probe("check", "-q", str(policy), "-o", str(tmp_path / "r.json"))
    assert result["code"] == 1  # a performance gate that fails: the gate ran
    heavy = result["heavy"]
    assert isinstance(heavy, list)
    assert "pandas" in heavy
    assert "great_expectations" not in heavy
    assert "fairlearn" not in heavy
    assert "deepchecks" not in heavy
