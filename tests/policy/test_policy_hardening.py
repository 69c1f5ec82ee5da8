"""Policy loading when the input is wrong or hostile: exit 2 with `file:line`, never a
traceback, never a hang, never unbounded memory (issue: hardening)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Result

Run = Callable[..., Result]
LOCATED = re.compile(r"^[^\s:]+\.yaml:\d+: ", re.MULTILINE)

CRASHERS = {
    "impossible-day": "version: 1\nwaivers:\n  - {check: a, reason: r, approved_by: x, "
    "expires: 2026-02-30}\n",
    "impossible-month": "version: 1\nwaivers:\n  - {check: a, reason: r, approved_by: x, "
    "expires: 2026-13-01}\n",
    "empty-float": "version: 1\nname: !!float ''\n",
    "bad-int": "version: !!int abc\n",
    "bad-bool": "version: 1\nname: !!bool maybe\n",
    "bad-timestamp": "version: 1\nname: !!timestamp x\n",
    "python-tag": "version: !!python/name:os.system\n",
    "list-id-with-extends": "version: 1\nextends: [builtin:gdpr-pii]\ngates:\n"
    "  - id: [a, b]\n    type: pii\n",
    "mapping-type-with-extends": "version: 1\nextends: [builtin:gdpr-pii]\ngates:\n"
    "  - id: {a: 1}\n    type: {b: 2}\n",
    "nul-character": "version: 1\nname: a\x00b\n",
    "empty-file": "",
    "no-version": "name: x\n",
    "tab-indent": "version: 1\ngates:\n\t- id: a\n",
    "bad-key-tag": "version: 1\n!!int x: 1\n",
}


@pytest.mark.parametrize("case", sorted(CRASHERS))
def test_wrong_input_is_exit_2_with_a_line(cli: Run, tmp_path: Path, case: str) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(CRASHERS[case], encoding="utf-8")
    result = cli("validate", path)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    assert re.search(rf"{case}\.yaml:\d+: ", result.err), result.err


def test_non_utf8_bytes_name_their_line(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "bytes.yaml"
    path.write_bytes(b"version: 1\nname: ok\ndescription: \xff\xfe\n")
    result = cli("validate", path)
    assert result.code == 2
    assert "bytes.yaml:3: not UTF-8 text: byte 0xff" in result.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accuracy: 0.8", "a threshold is a mapping, e.g. `{min: 0.8}`"),
        ("auc: {min: 0.5}", "did you mean `roc_auc`?"),
        ("AUROC: {min: 0.5}", "did you mean `roc_auc`?"),
    ],
)
def test_messages_a_user_can_act_on(
    cli: Run, write: Callable[..., Path], text: str, expected: str
) -> None:
    policy = write(
        "p.yaml",
        "version: 1\ninputs: {p: {path: p.csv}}\ngates:\n  - type: performance\n    data: p\n"
        f"    task: binary\n    label: y\n    prediction: q\n    score: s\n    metrics: {{{text}}}\n",
    )
    result = cli("validate", policy)
    assert result.code == 2
    assert expected in result.err


def test_british_spelling_of_a_fairness_metric(cli: Run, write: Callable[..., Path]) -> None:
    policy = write(
        "p.yaml",
        "version: 1\ninputs: {p: {path: p.csv}}\ngates:\n  - type: fairness\n    data: p\n"
        "    label: y\n    prediction: q\n    sensitive_features: [s]\n"
        "    metrics: {equalised_odds_difference: {max: 0.1}}\n",
    )
    result = cli("validate", policy)
    assert "p.yaml:9: gates[0].metrics.equalised_odds_difference: unknown fairness metric " in (
        result.err
    )
    assert "did you mean `equalized_odds_difference`?" in result.err


def test_bad_indentation_is_explained_at_its_line(cli: Run, write: Callable[..., Path]) -> None:
    policy = write("p.yaml", "version: 1\ngates:\n  - id: a\n   type: pii\n")
    result = cli("validate", policy)
    assert result.code == 2
    assert "p.yaml:4: invalid YAML: this line is not indented like the keys around it" in (
        result.err
    )


def test_every_problem_is_reported_in_one_pass(cli: Run, write: Callable[..., Path]) -> None:
    policy = write(
        "multi.yaml",
        """version: 1
inputs:
  p: {path: p.csv, colour: red}
waivers:
  - {check: a/b, reason: r, approved_by: x, expires: 2099-01-01}
gates:
  - type: performance
    data: q
    task: binary
    label: y
    prediction: z
    metrics: {accuracy: {min: 1.5}, auc: {min: 0.5}, f1: 0.7}
  - type: data
    data: p
    expectations:
      - expect_column_values_to_not_be_nul: {column: a}
""",
    )
    result = cli("validate", policy)
    assert result.code == 2
    for expected in (
        "multi.yaml:3: inputs.p.colour: unknown key",
        "multi.yaml:5: waivers[0].expires: expires 2099-01-01 is",
        "multi.yaml:8: gates[0].data: input `q` is not defined",
        "multi.yaml:12: gates[0].metrics.accuracy.min: must be a number between 0 and 1",
        "multi.yaml:12: gates[0].metrics.auc: unknown metric for task binary (did you mean `roc_auc`?)",
        "multi.yaml:12: gates[0].metrics.f1: a threshold is a mapping",
        "gates[1].expectations[0].expect_column_values_to_not_be_nul: unknown expectation",
    ):
        assert expected in result.err, expected
    assert "the policy is invalid (7 problems)" in result.err


# --------------------------------------------------------------------------- bounded reads


def _run(args: list[str], cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlgate", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize(
    "body",
    ["extends: [/dev/zero]\n", "control_catalogs: [/dev/zero]\n"],
)
def test_devices_are_refused_not_read(tmp_path: Path, body: str) -> None:
    (tmp_path / "p.yaml").write_text("version: 1\n" + body)
    done = _run(["validate", "p.yaml"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    assert re.search(r"p\.yaml:2: ", done.stderr), done.stderr


def test_a_device_as_the_policy_is_refused(tmp_path: Path) -> None:
    done = _run(["validate", "/dev/zero"], tmp_path)
    assert done.returncode == 2
    assert "not a regular file" in done.stderr


def test_a_fifo_policy_does_not_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "p.yaml"
    os.mkfifo(fifo)
    done = _run(["validate", "p.yaml"], tmp_path, timeout=30)
    assert done.returncode == 2
    assert "pipe" in done.stderr


def test_an_oversized_policy_is_refused_after_reading_the_limit(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("version: 1\n# " + "x" * (2 << 20) + "\n")
    done = _run(["validate", "p.yaml"], tmp_path)
    assert done.returncode == 2
    assert "larger than the limit of 1,048,576 bytes" in done.stderr


def test_report_diff_reads_a_fifo_with_a_bound(cli: Run, example: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    assert cli("check", example / "mlgate.yaml", "-q", "-o", report).code == 0
    fifo = tmp_path / "base.json"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as fh:
            fh.write(report.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    done = _run(["diff", str(fifo), str(report)], tmp_path, timeout=60)
    writer.join(timeout=10)
    assert done.returncode == 0, done.stderr
    assert "same         model-quality/roc_auc: 0.7645 -> 0.7645" in done.stdout
    assert "NEW FAILURE" not in done.stdout


def test_extends_is_loaded_once_per_file(tmp_path: Path) -> None:
    # six small files, each extending the next one twelve times: 12^6 loads without a cache
    for i in range(6):
        refs = [f"f{i + 1}.yaml"] * 12 if i < 5 else []
        (tmp_path / f"f{i}.yaml").write_text(f"version: 1\nname: f{i}\nextends: {refs}\n")
    done = _run(["validate", "f0.yaml"], tmp_path, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_number_of_extended_files_is_bounded(tmp_path: Path) -> None:
    for i in range(70):
        (tmp_path / f"f{i}.yaml").write_text(f"version: 1\nextends: [f{i + 1}.yaml]\n")
    (tmp_path / "f70.yaml").write_text("version: 1\n")
    done = _run(["validate", "f0.yaml"], tmp_path)
    assert done.returncode == 2
    assert "nested too deeply" in done.stderr or "policy files are extended" in done.stderr


def test_null_removes_a_key_from_the_pack(cli: Run, write: Callable[..., Path]) -> None:
    from mlgate.policy import load_policy

    inputs = "inputs:\n  predictions: {path: p.csv}\n  model_card: {path: card.md}\n"
    base = write("base.yaml", "version: 1\nextends: [builtin:level3-baseline]\n" + inputs)
    head = write(
        "head.yaml",
        "version: 1\nextends: [builtin:level3-baseline]\n"
        + inputs
        + "gates:\n  - id: model-quality\n    metrics:\n      roc_auc: {confidence: null}\n",
    )
    gate = next(g for g in load_policy(head).gates if g.id == "model-quality")
    assert gate.config.metrics["roc_auc"].confidence is None
    assert (
        next(g for g in load_policy(base).gates if g.id == "model-quality")
        .config.metrics["roc_auc"]
        .confidence
        == 0.95
    )
    review = cli("diff", "--policy", base, head)
    assert "WEAKENS  model-quality/metrics.roc_auc: `confidence` 0.95 → None" in review.out


def test_the_packs_folder_is_in_the_wheel_not_the_checkout(wheel_site: Path) -> None:
    assert (wheel_site / "mlgate" / "policies" / "level3-baseline.yaml").is_file()
    assert ROOT not in wheel_site.parents


def test_a_problem_stays_on_one_line_when_a_value_has_newlines(
    cli: Run, write: Callable[..., Path]
) -> None:
    # found by the fuzz test: a multi-line scalar used as an input name
    policy = write(
        "p.yaml",
        "version: 1\ngates:\n  - type: governance\n    model_card: |\n      two\n      lines\n",
    )
    result = cli("validate", policy)
    assert result.code == 2
    problems = result.err.splitlines()[:-1]
    assert problems
    assert all(re.match(r"^\S+p\.yaml:\d+: ", line) for line in problems), problems
    assert "two\\nlines" in result.err
