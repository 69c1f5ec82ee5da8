"""Without the deepchecks extra (the main environment), its gate says how to install it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import EXAMPLE, Result

from mlgate.report import Report


def test_gate_is_an_error_with_the_install_hint_and_validate_warns(
    cli: Callable[..., Result], tmp_path: Path
) -> None:
    import importlib.util

    assert importlib.util.find_spec("deepchecks") is None  # the main environment has no deepchecks
    policy = EXAMPLE / "deepchecks.yaml"
    result = cli("check", policy, "-f", "json")
    report = Report.model_validate_json(result.out)
    assert result.code == 1
    assert all(g.outcome.value == "error" for g in report.gates)
    assert "pip install 'mlgate[deepchecks]'" in report.gates[0].message
    validated = cli("validate", policy)
    assert validated.code == 0
    assert "warning: gate `integrity`: deepchecks is not installed" in validated.err
