"""Policy loading: valid files load with locations; every invalid one is a located error."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from conftest import CASES as TESTS_CASES
from conftest import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgate.errors import PolicyError
from mlgate.policy import load_policy
from mlgate.policy.source import parse_yaml

CASES = TESTS_CASES / "invalid"

VALID = """\
version: 1
name: demo
inputs:
  preds: {path: data/preds.csv}
gates:
  - id: quality
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    metrics:
      accuracy: {min: 0.8}
      f1:
        min: 0.7
        severity: warning
"""


def test_valid_policy_loads_with_lines(write: Callable[[str, str], Path]) -> None:
    policy = load_policy(write("mlgate.yaml", VALID))
    assert policy.doc.name == "demo"
    assert [g.id for g in policy.gates] == ["quality"]
    assert policy.loc(("gates", 0, "metrics", "accuracy")).line == 13
    assert policy.loc(("gates", 0, "metrics", "f1", "min")).line == 15
    assert policy.resolve(("inputs", "preds", "path"), "data/preds.csv").name == "preds.csv"
    assert len(policy.sha256) == 64


def test_gate_id_defaults_to_type(write: Callable[[str, str], Path]) -> None:
    policy = load_policy(write("p.yaml", VALID.replace("  - id: quality\n    type", "  - type")))
    assert policy.gates[0].id == "performance"


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.yaml")))
def test_invalid_policy_errors_match_golden(
    case: str,
    cli: Callable[..., Result],
    golden: Callable[[str, str], None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(CASES)
    result = cli("validate", f"{case}.yaml")
    assert result.code == 2
    err = result.err
    assert "Traceback" not in err
    assert err.startswith(f"{case}.yaml:")
    golden(f"errors/{case}.txt", err)


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(CASES / "threshold-values.yaml")
    lines = [p.line for p in info.value.problems]
    assert lines == [12, 13, 14]


def test_alias_bomb_is_rejected_quickly() -> None:
    with pytest.raises(PolicyError, match="alias bomb"):
        load_policy(CASES / "alias-bomb.yaml")


def test_oversized_policy_is_rejected(write: Callable[[str, str], Path]) -> None:
    big = write("big.yaml", "version: 1\n" + "#" * (1 << 20) + "\n")
    with pytest.raises(PolicyError, match="larger than"):
        load_policy(big)


def test_missing_policy_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_yaml_is_loaded_safely() -> None:
    with pytest.raises(PolicyError, match="unsupported YAML tag"):
        parse_yaml("version: !!python/object/apply:os.system ['touch /tmp/x']\n", "evil.yaml")
    with pytest.raises(PolicyError, match="invalid value"):
        parse_yaml("version: !!python/name:os.system\n", "evil.yaml")


BASE = """\
version: 1
max_waiver_days: 3650
inputs:
  preds: {path: preds.csv}
gates:
  - id: quality
    type: performance
    data: preds
    task: binary
    label: y
    prediction: p
    metrics:
      accuracy: {min: 0.8}
      f1: {min: 0.7}
waivers:
  - {check: quality/f1, reason: base, approved_by: a, expires: 2030-01-01}
"""

CHILD = """\
version: 1
max_waiver_days: 3650
extends: [base/base.yaml]
inputs:
  extra: {path: extra.csv}
gates:
  - id: quality
    metrics:
      accuracy: {min: 0.9}
  - id: second
    type: performance
    data: extra
    task: regression
    label: y
    prediction: p
    metrics: {mae: {max: 2}}
waivers:
  - {check: second/mae, reason: child, approved_by: b, expires: 2030-01-01}
"""


def test_extends_merges_gates_by_id_and_keeps_locations(write: Callable[[str, str], Path]) -> None:
    write("base/base.yaml", BASE)
    policy = load_policy(write("child.yaml", CHILD))
    quality = policy.gates[0].config
    assert quality.metrics["accuracy"].min == 0.9
    assert quality.metrics["f1"].min == 0.7
    assert [g.id for g in policy.gates] == ["quality", "second"]
    assert [w.reason for w in policy.doc.waivers] == ["base", "child"]
    assert set(policy.doc.inputs) == {"preds", "extra"}
    f1 = policy.loc(("gates", 0, "metrics", "f1"))
    accuracy = policy.loc(("gates", 0, "metrics", "accuracy"))
    assert (Path(f1.file).name, f1.line) == ("base.yaml", 14)
    assert (Path(accuracy.file).name, accuracy.line) == ("child.yaml", 9)
    # an input path resolves relative to the file that declared it
    assert policy.resolve(("inputs", "preds", "path"), "preds.csv").parent.name == "base"
    assert policy.loc(("waivers", 1)).file.endswith("child.yaml")


def test_extends_cycle_is_an_error(write: Callable[[str, str], Path]) -> None:
    write("a.yaml", "version: 1\nextends: [b.yaml]\n")
    b = write("b.yaml", "version: 1\nextends: [a.yaml]\n")
    with pytest.raises(PolicyError, match="cycle"):
        load_policy(b)


def test_unknown_builtin_pack(write: Callable[[str, str], Path]) -> None:
    with pytest.raises(PolicyError, match="no built-in policy pack"):
        load_policy(write("p.yaml", "version: 1\nextends: [builtin:nope]\n"))


KEYS = st.sampled_from(
    [
        "version",
        "inputs",
        "gates",
        "type",
        "performance",
        "metrics",
        "min",
        "max",
        "between",
        "data",
        "task",
        "label",
        "prediction",
        "path",
        "extends",
        "waivers",
        "id",
        "x",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    KEYS,
)
TREES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(KEYS, children, max_size=5)
    ),
    max_leaves=30,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tree=TREES)
def test_loader_raises_only_policy_errors_on_any_structure(tree: object, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(tree), encoding="utf-8")
    try:
        load_policy(path)
    except PolicyError as exc:
        problems = exc.problems
    else:
        problems = []
    assert all(p.file and p.message for p in problems)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#\n 1.")), max_size=80))
def test_loader_raises_only_policy_errors_on_any_text(text: str, tmp_path: Path) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8")
    with contextlib.suppress(PolicyError):
        load_policy(path)


def test_absurdly_deep_nesting_is_rejected_without_recursion(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("version: 1\nname: " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(PolicyError, match="nested deeper than 64 levels"):
        load_policy(deep)


def test_inputs_of_the_wrong_type_are_a_policy_error(write: Callable[[str, str], Path]) -> None:
    # found by the property test above: `inputs: 1` once raised a TypeError
    with pytest.raises(PolicyError, match="inputs: must be a mapping"):
        load_policy(write("p.yaml", "version: 1\ninputs: 1\ngates: []\n"))
