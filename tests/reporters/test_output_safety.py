"""Reports that neither leak nor mislead: masked group names, escaped Markdown, no control
characters, pack checks located in the user's policy, honest small-group verdicts."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xmlschema
from conftest import ROOT, SCHEMAS, Result, git
from markdown_it import MarkdownIt

from mlgate.report import Report

Run = Callable[..., Result]
FORMATS = ("text", "json", "markdown", "github", "sarif", "junit", "html", "gitlab")

EMAILS = ["jane.doe@example.com", "john.roe@example.org", "ann.lee@example.net"]
CARD = "4111 1111 1111 1111"


def _predictions(groups: list[str], n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    return pd.DataFrame(
        {
            "y": y,
            "p": np.where(rng.random(n) < 0.75, y, 1 - y),
            "s": rng.random(n),
            "who": rng.choice(groups, n),
        }
    )


def _all_outputs(cli: Run, policy: Path, tmp_path: Path) -> str:
    texts = []
    for fmt in FORMATS:
        result = cli("check", policy, "-q", "-f", fmt)
        assert result.code in (0, 1), result.err
        texts.append(result.out + result.err)
    summary = tmp_path / "summary.md"
    cli("check", policy, "-q", "--summary", summary, "-o", tmp_path / "r.json")
    texts.append(summary.read_text())
    return "\n".join(texts)


def test_group_names_holding_personal_data_are_masked_everywhere(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    _predictions([*EMAILS, CARD]).to_csv(tmp_path / "preds.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    sensitive_features: [who]\n    metrics:\n"
        "      demographic_parity_difference: {max: 0.01}\n"
        "  - id: quality\n    type: performance\n    data: preds\n    task: binary\n"
        "    label: y\n    prediction: p\n    score: s\n    slices: [who]\n    metrics:\n"
        "      accuracy: {min: 0.9}\n",
    )
    text = _all_outputs(cli, policy, tmp_path)
    for raw in [*EMAILS, CARD, "jane.doe", "1111 1111 1111"]:
        assert raw not in text, raw
    assert "j***@e***.com" in text
    assert "**** **** **** 1111" in text


HOSTILE = {
    "image": "![x](https://evil.example/beacon.png)",
    "link": "[click](https://evil.example)",
    "autolink": "see https://evil.example/p and www.evil.example",
    "mention": "@octocat and @acme/security-team",
    "html": "<img src=https://evil.example/i.png>",
}


def test_markdown_never_renders_links_images_or_mentions_from_data(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    frame = _predictions(list(HOSTILE.values()))
    frame = frame.rename(columns={"s": "![c](https://evil.example/col.png)"})
    frame.to_csv(tmp_path / "preds.csv", index=False)
    reason = (
        "[waiver](https://evil.example/w) approved by @octocat ![i](https://evil.example/x.png)"
    )
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    sensitive_features: [who]\n    metrics:\n"
        "      demographic_parity_difference: {max: 0.01}\n"
        "  - id: quality\n    type: performance\n    data: preds\n    task: binary\n"
        "    label: y\n    prediction: p\n    score: s\n    metrics:\n      accuracy: {min: 0.5}\n"
        f"waivers:\n  - check: fair/demographic_parity_difference[who]\n    reason: '{reason}'\n"
        "    approved_by: '@acme/owners'\n    expires: 2027-01-01\n",
    )
    markdown = cli("check", policy, "-q", "-f", "markdown").out
    html = MarkdownIt("gfm-like").render(markdown)
    assert "<a " not in html
    assert "<img" not in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"(?<![\w\u200b])@[A-Za-z0-9]", text), "a mention survived"
    assert "evil.example" in text  # the values are shown, as text


def test_control_characters_never_reach_an_output(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    nasty = "inc\x1b[31mome\x00\x07\u202e"
    frame = _predictions(["a\x1b[2Jb", "c\x07d"])
    frame = frame.rename(columns={"s": nasty})
    frame.to_csv(tmp_path / "preds.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    sensitive_features: [who]\n    metrics:\n"
        "      demographic_parity_difference: {max: 0.01}\n"
        "  - id: contract\n    type: data\n    data: preds\n    expectations:\n"
        "      - expect_column_values_to_not_be_null: {column: 'inc'}\n",
    )
    for fmt in ("text", "markdown", "github", "sarif", "junit"):
        out = cli("check", policy, "-q", "-f", fmt).out
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f\u202e]", out), fmt
    junit = cli("check", policy, "-q", "-f", "junit").out
    ET.fromstring(junit.encode())
    xmlschema.XMLSchema(SCHEMAS / "junit-10.xsd").validate(junit)
    text = cli("check", policy, "-q").out
    assert "\\x1b" in text or "\\x0d" in text  # shown, escaped


def test_a_small_group_is_judged_on_the_metrics_own_denominator(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    rng = np.random.default_rng(5)
    big = pd.DataFrame({"y": rng.integers(0, 2, 800), "g": rng.choice(["a", "b"], 800)})
    big["p"] = np.where(rng.random(800) < 0.8, big["y"], 1 - big["y"])
    # group c: 59 rows, 3 positives, none of them predicted: TPR 0/3
    small = pd.DataFrame({"y": [1] * 3 + [0] * 56, "p": [0] * 59, "g": ["c"] * 59})
    pd.concat([big, small]).to_csv(tmp_path / "preds.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: fair\n    type: fairness\n    data: preds\n    label: y\n    prediction: p\n"
        "    sensitive_features: [g]\n    min_group_size: 30\n    metrics:\n"
        "      equal_opportunity_difference: {max: 0.2}\n"
        "      demographic_parity_difference: {max: 0.9}\n"
        "  - id: quality\n    type: performance\n    data: preds\n    task: binary\n"
        "    label: y\n    prediction: p\n    slices: [g]\n    min_samples: 30\n    metrics:\n"
        "      recall: {min: 0.5}\n",
    )
    report = Report.model_validate_json(cli("check", policy, "-q", "-f", "json").out)
    checks = {c.id: c for c in report.checks()}
    tpr = checks["fair/equal_opportunity_difference[g]"]
    assert tpr.outcome.value == "pass"  # c is not judged on 3 positives
    rows = {g["group"]: g for g in tpr.evidence["groups"]}
    assert rows["c"]["positives"] == 3
    assert rows["c"]["judged"] is False
    assert rows["a"]["judged"] is True
    assert any("c (3 positives)" in n for n in tpr.notes)
    dp = checks["fair/demographic_parity_difference[g]"]  # rows are its denominator
    assert {g["group"]: g["judged"] for g in dp.evidence["groups"]}["c"] is True
    recall = checks["quality/recall[g]"]
    slices = {g["group"]: g for g in recall.evidence["groups"]}
    assert slices["c"]["positives"] == 3
    assert slices["c"]["judged"] is False
    assert recall.evidence["worst_group"] != "c"


def test_whole_numbers_print_as_integers(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    rows = 13814
    pd.DataFrame({"phone": ["+44 20 7946 0958"] * rows}).to_csv(tmp_path / "t.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  t: {path: t.csv}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: t\n    entities: [phone]\n    max_findings: 0\n",
    )
    for fmt in ("text", "markdown", "github", "junit"):
        out = cli("check", policy, "-q", "-f", fmt).out
        assert "13,814" in out, fmt
        assert "e+04" not in out, fmt


def test_a_missing_baseline_is_said_to_be_missing(cli: Run, example: Path) -> None:
    (example / "baseline" / "main.json").unlink()
    markdown = cli("check", example / "mlgate.yaml", "-q", "-f", "markdown").out
    assert (
        "**baseline report baseline/main.json not found**"
        in markdown.replace(str(example) + "/", "")
        or "not found**" in markdown
    )
    text = cli("check", example / "mlgate.yaml", "-q").out
    assert "note: baseline report" in text
    assert "not found" in text
    report = Report.model_validate_json(
        cli("check", example / "mlgate.yaml", "-q", "-f", "json").out
    )
    assert report.baseline is None
    assert report.baseline_missing is not None


def test_the_text_table_keeps_check_ids_whole(cli: Run, example: Path) -> None:
    out = cli("check", example / "mlgate.yaml", "-q").out
    report = Report.model_validate_json(
        cli("check", example / "mlgate.yaml", "-q", "-f", "json").out
    )
    for check in report.checks():
        assert check.id in out, check.id
    assert "needs attention" not in out  # nothing failed or warned
    failing = cli(
        "check", example.parent / "credit-scoring" / "mlgate.yaml", "-q", "--baseline", "nope.json"
    )
    assert failing.code == 0


def test_the_failing_example_lists_what_needs_attention(cli: Run, example: Path) -> None:
    result = cli("check", example / "failing.yaml", "-q")
    assert result.code == 1
    tail = result.out.split("needs attention:")[1]
    assert "✗ fail  model-quality/accuracy  0.7865 (>= 0.85" in tail


def test_a_decompression_bomb_stops_at_the_limit(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    import gzip

    with gzip.open(tmp_path / "bomb.csv.gz", "wb", compresslevel=9) as fh:
        fh.write(b"a,b\n")
        block = b"1,2\n" * (1 << 18)
        for _ in range(64):  # 64 MiB of text from a ~200 kB file
            fh.write(block)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  bomb: {path: bomb.csv.gz, max_bytes: 10000000}\ngates:\n"
        "  - id: rows\n    type: data\n    data: bomb\n    expectations:\n"
        "      - expect_table_row_count_to_be_between: {min_value: 1}\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    assert result.code == 1
    gate = Report.model_validate_json(result.out).gates[0]
    assert gate.outcome.value == "error"
    assert "input `bomb`: more than 10,000,000 bytes once decompressed" in gate.message


def test_max_rows_bounds_an_input(cli: Run, write: Callable[..., Path], tmp_path: Path) -> None:
    pd.DataFrame({"a": range(1000)}).to_parquet(tmp_path / "t.parquet")
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  t: {path: t.parquet, max_rows: 100}\ngates:\n"
        "  - id: rows\n    type: data\n    data: t\n    expectations:\n"
        "      - expect_table_row_count_to_be_between: {min_value: 1}\n",
    )
    gate = Report.model_validate_json(cli("check", policy, "-q", "-f", "json").out).gates[0]
    assert "1,000 rows, more than max_rows 100" in gate.message


# --------------------------------------------------------------------------- user flows


def test_pack_checks_point_at_the_users_policy(user_mlgate: Run, user_repo: Path) -> None:
    (user_repo / "p.yaml").write_text(
        "version: 1\nextends: [builtin:gdpr-pii]\ninputs:\n  train: {path: data/train.csv}\n"
        "  model_card: {path: MODEL_CARD.md}\n"
        "gates:\n  - id: privacy-documentation\n    sections: [a section nobody wrote]\n"
    )
    git(user_repo, "add", "p.yaml")
    git(user_repo, "commit", "-q", "-m", "policy")
    done = user_mlgate("check", "p.yaml", "-q", "-f", "github", cwd=user_repo)
    assert done.code == 1, done.err
    errors = [line for line in done.out.splitlines() if line.startswith("::error")]
    assert errors
    for line in errors:
        assert line.startswith("::error file=p.yaml,line="), line
        assert "(from builtin:gdpr-pii line " in line
    sarif = user_mlgate("check", "p.yaml", "-q", "-f", "sarif", cwd=user_repo).out
    uris = set(re.findall(r'"uri": "([^"]+)"', sarif))
    assert uris == {"p.yaml"}, uris
    text = user_mlgate("check", "p.yaml", "-q", cwd=user_repo).out
    assert "site-packages" not in text
    assert "/mlgate/policies/" not in text


def test_annotation_paths_from_a_subfolder_of_the_workspace(
    user_mlgate: Run, user_repo: Path
) -> None:
    sub = user_repo / "ml" / "credit"
    sub.mkdir(parents=True)
    for item in ("data", "artifacts", "MODEL_CARD.md", "mlgate.yaml", "baseline", "mlgate.lock"):
        src = user_repo / item
        (sub / item).symlink_to(src) if src.is_dir() else (sub / item).write_bytes(src.read_bytes())
    policy = (sub / "mlgate.yaml").read_text().replace("{min: 0.7}", "{min: 0.9}", 1)
    (sub / "mlgate.yaml").write_text(policy)
    done = user_mlgate(
        "check",
        "mlgate.yaml",
        "-q",
        "-f",
        "github",
        cwd=sub,
        env={"GITHUB_WORKSPACE": str(user_repo)},
    )
    assert done.code == 1
    assert "::error file=ml/credit/mlgate.yaml,line=" in done.out


def test_pytest_plugin_shows_waived_and_warned_checks(pytester: pytest.Pytester) -> None:
    frame = _predictions(["a", "b"])
    frame.to_csv(pytester.path / "preds.csv", index=False)
    policy = pytester.path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  preds: {path: preds.csv}\ngates:\n"
        "  - id: q\n    type: performance\n    data: preds\n    task: binary\n    label: y\n"
        "    prediction: p\n    metrics:\n      accuracy: {min: 0.99}\n"
        "      recall: {min: 0.99, severity: warning}\n"
        "waivers:\n  - {check: q/accuracy, reason: tracked in RISK-1, approved_by: me,"
        " expires: 2027-01-01}\n"
    )
    result = pytester.runpytest_subprocess("--mlgate", str(policy), "-p", "no:cacheprovider", "-v")
    result.stdout.fnmatch_lines(
        [
            "*q/accuracy WAIVED (tracked in RISK-1*",
            "*q/recall WARNED*",
            "*MlgateCheckWarning: q/recall: observed*",
            "*1 waived, 1 warned*",
        ]
    )
    assert result.ret == 0


pytest_plugins = ["pytester"]


def test_the_installed_wheel_runs_check_outside_the_checkout(
    user_mlgate: Run, user_repo: Path
) -> None:
    done = user_mlgate("check", "mlgate.yaml", "-q", cwd=user_repo)
    assert done.code == 0, done.out + done.err
    assert "PASSED" in done.out
    assert str(ROOT) not in done.out


def test_fifo_report_diff_outside_the_checkout(user_mlgate: Run, user_repo: Path) -> None:
    user_mlgate("check", "mlgate.yaml", "-q", "-o", "head.json", cwd=user_repo)
    done = subprocess.run(
        ["bash", "-c", f"{sys.executable} -m mlgate diff <(cat head.json) head.json"],
        cwd=user_repo,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(next(iter(sys.path)))} | dict(__import__("os").environ),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
