"""Compliance: waivers, controls and the matrix, the governance gate, audit trail, packs."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Result

from mlgate.engine import RunOptions, run_policy
from mlgate.errors import PolicyError
from mlgate.policy import load_policy
from mlgate.report import Report

Run = Callable[..., Result]
TODAY = dt.date.today()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


# --------------------------------------------------------------------------- waivers


def strict_example(example: Path, waivers: str) -> Path:
    policy = example / "mlgate.yaml"
    text = policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}")
    policy.write_text(text + "\nwaivers:\n" + waivers)
    return policy


def test_valid_expired_and_stale_waivers(example: Path) -> None:
    policy = strict_example(
        example,
        f"""\
  - {{check: "model-quality/accuracy", reason: fix in RISK-1, approved_by: risk, expires: {days(30)}, ticket: RISK-1}}
  - {{check: "model-quality/accuracy[*", reason: old, approved_by: risk, expires: {days(-1)}}}
  - {{check: "nothing/*", reason: gone, approved_by: risk, expires: {days(10)}}}
""",
    )
    report, _ = run_policy(load_policy(policy))
    outcomes = {c.id: c.outcome.value for c in report.checks()}
    assert outcomes["model-quality/accuracy"] == "waived"
    assert outcomes["model-quality/accuracy[region]"] == "fail"
    assert [w.status for w in report.waivers] == ["applied", "expired", "stale"]
    assert report.waivers[0].ticket == "RISK-1"
    assert report.failed()


def test_too_long_waiver_is_a_policy_error(example: Path) -> None:
    policy = strict_example(
        example, f"  - {{check: x/y, reason: r, approved_by: a, expires: {days(91)}}}\n"
    )
    with pytest.raises(
        PolicyError,
        match=r"waivers\[0\]\.expires: expires .* is 91 days away; waivers may reach at most max_waiver_days \(90\)",
    ):
        load_policy(policy)
    policy.write_text(policy.read_text().replace("max_waiver_days: 90", "max_waiver_days: 120"))
    load_policy(policy)


@pytest.mark.parametrize("missing", ["reason", "approved_by", "expires"])
def test_waiver_fields_are_required(example: Path, missing: str) -> None:
    fields = {"check": "x/y", "reason": "r", "approved_by": "a", "expires": days(5)}
    del fields[missing]
    body = ", ".join(f"{k}: {v}" for k, v in fields.items())
    with pytest.raises(PolicyError, match=rf"waivers\[0\]\.{missing}: required key is missing"):
        load_policy(strict_example(example, f"  - {{{body}}}\n"))


def test_waivers_never_apply_to_errors(example: Path) -> None:
    policy = example / "mlgate.yaml"
    text = policy.read_text().replace("inputs:", "inputs:\n  gone: {path: data/gone.csv}", 1)
    text += "  - {id: broken, type: row_count, data: gone, rows: {min: 1}}\n"
    text += f"waivers:\n  - {{check: 'broken*', reason: r, approved_by: a, expires: {days(5)}}}\n"
    policy.write_text(text)
    report, _ = run_policy(load_policy(policy))
    broken = next(g for g in report.gates if g.id == "broken")
    assert broken.outcome.value == "error"
    assert report.failed()
    assert report.waivers[0].status == "stale"


# --------------------------------------------------------------------------- controls


def test_unknown_control_is_a_policy_error(example: Path) -> None:
    policy = example / "mlgate.yaml"
    policy.write_text(
        policy.read_text().replace("controls: [eu-ai-act:art10]", "controls: [eu-ai-act:art100]")
    )
    with pytest.raises(
        PolicyError,
        match=r"unknown control `eu-ai-act:art100` \(did you mean `eu-ai-act:art10`\?\)",
    ):
        load_policy(policy)


def test_matrix_shows_no_evidence_violated_and_waived(example: Path) -> None:
    policy = strict_example(
        example, f"  - {{check: 'fairness/*', reason: r, approved_by: a, expires: {days(5)}}}\n"
    )
    text = policy.read_text().replace(
        "demographic_parity_difference: {max: 0.25}", "demographic_parity_difference: {max: 0.01}"
    )
    text = text.replace(
        "max_waiver_days: 90",
        "max_waiver_days: 90\ncompliance:\n  require: ['eu-ai-act:*', 'nist-ai-rmf:measure-2.10']",
    )
    policy.write_text(text)
    report, _ = run_policy(load_policy(policy))
    matrix = {c.control: c for c in report.compliance}
    assert matrix["eu-ai-act:art15"].status == "violated"
    assert matrix["eu-ai-act:art10"].status == "waived"
    assert matrix["nist-ai-rmf:measure-2.10"].status == "no evidence"
    assert matrix["nist-ai-rmf:measure-2.10"].evidence == ()
    assert matrix["eu-ai-act:art12"].status == "satisfied"
    assert set(matrix["eu-ai-act:art12"].evidence) == {
        f"documentation/lineage/{n}" for n in ("train", "eval", "model", "predictions")
    }


def test_a_policy_adds_its_own_catalog(tmp_path: Path, write: Callable[[str, str], Path]) -> None:
    write(
        "catalogs/bank.yaml",
        "catalog: bank\ntitle: Model risk policy\ncontrols:\n  - {id: mrm-4, title: Validation before use}\n",
    )
    frame = "y,p\n" + "\n".join(f"{i % 2},{i % 2}" for i in range(40)) + "\n"
    write("d.csv", frame)
    policy = write(
        "p.yaml",
        "version: 1\ncontrol_catalogs: [catalogs/bank.yaml]\ncompliance: {require: ['bank:*']}\n"
        "inputs: {d: {path: d.csv}}\ngates:\n  - type: row_count\n    data: d\n"
        "    rows: {min: 10, controls: [bank:mrm-4]}\n",
    )
    report, _ = run_policy(load_policy(policy))
    assert [(c.control, c.status, c.evidence) for c in report.compliance] == [
        ("bank:mrm-4", "satisfied", ("row_count/rows",))
    ]
    broken = write("catalogs/bad.yaml", "catalog: Bad Name\ntitle: x\ncontrols: []\n")
    policy.write_text(
        policy.read_text().replace(
            "catalogs/bank.yaml", f"catalogs/bank.yaml, {broken.name and 'catalogs/bad.yaml'}"
        )
    )
    with pytest.raises(PolicyError, match=r"bad.yaml:1: catalog: String should match pattern"):
        load_policy(policy)


# --------------------------------------------------------------------------- governance


CARD = """\
---
license: mit
---
# Model card

## Intended use
Scoring applications.

## Out-of-scope use
Anything else.

## Training data
Synthetic.

## Evaluation data
TBD

## Metrics
<!-- fill in later -->

## Ethical considerations
Reviewed.

## Limitations
Many.

## Contact
team@example.com
"""


def governance_policy(write: Callable[[str, str], Path], extra: str = "") -> Path:
    write("card.md", CARD)
    write("data.csv", "a\n1\n")
    return write(
        "p.yaml",
        "version: 1\ninputs:\n  card: {path: card.md}\n  data: {path: data.csv}\n"
        "gates:\n  - id: docs\n    type: governance\n    model_card: card\n" + extra,
    )


def outcomes(policy: Path) -> dict[str, tuple[str, str]]:
    report, _ = run_policy(load_policy(policy))
    assert report.gates[0].outcome.value in ("pass", "fail"), report.gates[0].message
    return {c.name: (c.outcome.value, c.message) for c in report.checks()}


def test_model_card_sections_content_and_front_matter(write: Callable[[str, str], Path]) -> None:
    found = outcomes(governance_policy(write, "    front_matter: [license, datasets]\n"))
    assert found["model_card/section:intended use"] == ("pass", "")
    assert found["model_card/section:owners"] == ("pass", "")  # "Contact" is an accepted name
    assert found["model_card/section:evaluation data"] == (
        "fail",
        "section `Evaluation data` (line 15) contains placeholder text (TBD)",
    )
    assert found["model_card/section:metrics"] == ("fail", "section `Metrics` (line 18) is empty")
    assert found["model_card/front_matter:license"] == ("pass", "")
    assert found["model_card/front_matter:datasets"] == ("fail", "front matter has no `datasets`")


def test_missing_section_and_missing_card(
    write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    policy = governance_policy(write)
    (tmp_path / "card.md").write_text(CARD.replace("## Limitations\nMany.\n", ""))
    assert outcomes(policy)["model_card/section:limitations"][0] == "fail"
    (tmp_path / "card.md").unlink()
    assert outcomes(policy)["model_card/present"][0] == "fail"


def test_datasheet_sections(write: Callable[[str, str], Path]) -> None:
    write(
        "sheet.md",
        "# Datasheet\n## Motivation\nWhy.\n## Composition\nRows.\n## Collection process\nForms.\n## Uses\nScoring.\n",
    )
    policy = write(
        "p.yaml",
        "version: 1\ninputs:\n  data: {path: data.csv}\n  sheet: {path: sheet.md}\n"
        "gates:\n  - type: governance\n    datasheets: {data: sheet}\n",
    )
    found = outcomes(policy)
    assert found["datasheet[data]/section:composition"][0] == "pass"
    assert found["datasheet[data]/section:maintenance"] == (
        "fail",
        "no `maintenance` section (a heading named 'maintenance')",
    )


def test_lineage_against_dvc_lock(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    import hashlib

    policy = governance_policy(write, "    lineage: {manifest: dvc.lock, inputs: [data]}\n")
    md5 = hashlib.md5((tmp_path / "data.csv").read_bytes(), usedforsecurity=False).hexdigest()
    write(
        "dvc.lock",
        f"schema: '2.0'\nstages:\n  prepare:\n    cmd: python prep.py\n    outs:\n    - path: data.csv\n      hash: md5\n      md5: {md5}\n      size: 4\n",
    )
    assert outcomes(policy)["lineage/data"] == ("pass", "")
    (tmp_path / "data.csv").write_text("a\n2\n")
    outcome, message = outcomes(policy)["lineage/data"]
    assert outcome == "fail"
    assert "does not match the manifest's" in message


def test_lineage_against_mlgate_lock(cli: Run, example: Path) -> None:
    policy = example / "mlgate.yaml"
    assert cli("check", policy, "--only", "documentation").code == 0
    (example / "data" / "train.csv").write_text((example / "data" / "train.csv").read_text() + "\n")
    result = cli("check", policy, "--only", "documentation", "-f", "json")
    check = next(
        c for c in Report.model_validate_json(result.out).checks() if c.name == "lineage/train"
    )
    assert check.outcome.value == "fail"
    assert cli("lock", policy).code == 0
    assert cli("check", policy, "--only", "documentation").code == 0


def test_licences_and_required_files(write: Callable[[str, str], Path], tmp_path: Path) -> None:
    old = write("docs/risk.md", "risks\n")
    stamp = time.time() - 400 * 86400
    os.utime(old, (stamp, stamp))
    policy = governance_policy(
        write,
        "    licenses:\n      allowed: [apache-2.0]\n      model: card\n      declared: {data: cc-by-nc-4.0}\n"
        "      inputs: [card, data, other]\n    required_files:\n      - {path: docs/risk.md, max_age_days: 365}\n"
        "      - {path: docs/dpia.md}\n",
    )
    found = outcomes(policy)
    assert found["license/card"] == (
        "fail",
        "licence `mit` of `card` is not allowed (allowed: apache-2.0)",
    )
    assert found["license/data"][0] == "fail"
    assert found["license/other"] == ("fail", "no licence declared for `other`")
    assert found["file/docs/risk.md"][0] == "fail"
    assert "was last changed 400 days ago" in found["file/docs/risk.md"][1]
    assert found["file/docs/dpia.md"] == ("fail", f"{tmp_path / 'docs/dpia.md'} not found")


# --------------------------------------------------------------------------- audit trail


def audited(cli: Run, example: Path, runs: int = 3) -> Path:
    log = example / "audit.jsonl"
    for _ in range(runs):
        assert (
            cli(
                "check", example / "mlgate.yaml", "-q", "--audit-log", log, "-o", example / "r.json"
            ).code
            == 0
        )
    return log


def test_audit_log_records_and_verifies(
    cli: Run, example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/models")
    monkeypatch.setenv("GITHUB_RUN_ID", "7")
    log = audited(cli, example)
    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [r["seq"] for r in records] == [1, 2, 3]
    assert records[1]["prev_hash"] == records[0]["hash"]
    assert records[0]["ci_run_url"] == "https://github.example/acme/models/actions/runs/7"
    assert "scikit-learn" in records[0]["libraries"]
    assert set(records[0]["inputs"]) == {"train", "eval", "predictions", "model", "model_card"}
    import hashlib

    assert (
        records[-1]["report_sha256"]
        == hashlib.sha256((example / "r.json").read_bytes()).hexdigest()
    )
    result = cli("audit", "verify", log)
    assert result.code == 0
    assert "3 records, chain intact" in result.out


def test_one_changed_byte_is_detected(cli: Run, example: Path) -> None:
    log = audited(cli, example)
    lines = log.read_text().splitlines()
    lines[1] = lines[1].replace('"outcome":"pass"', '"outcome":"fail"')
    log.write_text("\n".join(lines) + "\n")
    result = cli("audit", "verify", log)
    assert result.code == 1
    assert "line 2 (record 2): its content was changed after it was written" in result.err


def test_a_removed_record_is_detected(cli: Run, example: Path) -> None:
    log = audited(cli, example)
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], lines[2]]) + "\n")
    result = cli("audit", "verify", log)
    assert result.code == 1
    assert "line 2: record(s) 2 are missing (removed) before record 3" in result.err
    log.write_text("\n".join(lines[1:]) + "\n")
    assert "does not start at record 1" in cli("audit", "verify", log).err


def test_swapped_records_are_detected(cli: Run, example: Path) -> None:
    log = audited(cli, example)
    lines = log.read_text().splitlines()
    log.write_text("\n".join([lines[0], lines[2], lines[1]]) + "\n")
    err = cli("audit", "verify", log).err
    assert "line 2: record(s) 2 are missing (removed) before record 3" in err
    assert "line 3: record 2 comes after record 3 (reordered)" in err


# --------------------------------------------------------------------------- packs


PACK_INPUTS = """\
version: 1
name: pack-{name}
extends: [builtin:{name}]
inputs:
  predictions: {{path: {root}/examples/credit-scoring/artifacts/predictions.csv}}
  model_card: {{path: {root}/examples/credit-scoring/MODEL_CARD.md}}
  train: {{path: {root}/examples/credit-scoring/data/train.csv}}
"""


@pytest.mark.parametrize(
    "name", ["level3-baseline", "eu-ai-act-high-risk", "nist-ai-rmf", "gdpr-pii"]
)
def test_every_pack_validates_and_runs_on_the_example(name: str, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(PACK_INPUTS.format(name=name, root=ROOT))
    report, _ = run_policy(load_policy(policy), RunOptions())
    assert report.gates, name
    assert all(g.outcome.value in ("pass", "skipped") for g in report.gates), [
        (g.id, g.outcome, g.message) for g in report.gates
    ]
    statuses = {c.status for c in report.compliance}
    assert statuses <= {"satisfied", "no evidence", "satisfied with warnings"}
    if name != "level3-baseline":
        assert report.compliance, name
    if name == "gdpr-pii":
        matrix = {c.control: c.status for c in report.compliance}
        assert matrix["gdpr:art5-1c"] == "satisfied"
        assert matrix["gdpr:art35"] == "no evidence"


def test_packs_list_and_show(cli: Run) -> None:
    listed = cli("packs", "list").out
    for name in ("level3-baseline", "eu-ai-act-high-risk", "nist-ai-rmf", "gdpr-pii"):
        assert name in listed
    assert "eu-ai-act:*" in cli("packs", "show", "eu-ai-act-high-risk").out
    missing = cli("packs", "show", "eu-ai-act")
    assert missing.code == 2
    assert "did you mean `eu-ai-act-high-risk`" in missing.err


def test_disabling_a_pack_gate_is_recorded(tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        PACK_INPUTS.format(name="level3-baseline", root=ROOT)
        + "gates:\n  - {id: fairness, enabled: false}\n"
    )
    report, _ = run_policy(load_policy(policy))
    fairness = next(g for g in report.gates if g.id == "fairness")
    assert (fairness.outcome.value, fairness.message) == ("skipped", "disabled in the policy")


def test_the_example_markdown_shows_the_compliance_matrix(cli: Run, example: Path) -> None:
    out = cli("check", example / "mlgate.yaml", "-f", "markdown").out
    matrix = out.split("### Compliance")[1].split("###")[0]
    for article in ("art9", "art10", "art11", "art12", "art13", "art14", "art15"):
        assert f"`eu-ai-act:{article}`" in matrix
    assert "no evidence" not in matrix


def test_the_wheel_ships_packs_and_catalogs(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "mlgate/policies/level3-baseline.yaml" in names
    assert "mlgate/policies/controls/eu-ai-act.yaml" in names
