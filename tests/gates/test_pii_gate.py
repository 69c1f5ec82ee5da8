"""The PII gate: validated detection, masked evidence, and no raw value in any output."""

from __future__ import annotations

import ipaddress
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, Result, on_terminal

from mlgate.gates.pii import DEFAULT_ENTITIES
from mlgate.gates.pii.detect import (
    builtin_entities,
    card_issuer,
    column_signal,
    iban_value,
    luhn,
    make_ip_validator,
    valid_card,
    valid_email,
    valid_ssn,
)
from mlgate.report import CheckResult, Report

Run = Callable[..., Result]
CASES = ROOT / "tests" / "cases" / "pii"
RAW = [
    "jane.roe@mail.net",
    "carl@firma.de",
    "DE89 3704 0044 0532 0130 00",
    "DE89370400440532013000",
    "4012 8888 8888 1881",
    "4012888888881881",
    "(415) 555-2671",
    "219-09-9999",
    "8.8.4.4",
    "mary.major@hospital.org",
    "555-2671",
    "jane.roe",
    "mary.major",
    "8888 1881",
]


def test_validators() -> None:
    assert luhn("4111111111111111")
    assert not luhn("4111111111111112")
    assert card_issuer("378282246310005") == "amex"
    assert card_issuer("1234567890123452") is None
    assert valid_card("5555-5555-5555-4444")
    assert not valid_card("1712345678901")
    assert valid_ssn("219-09-9999")
    for bad in ("000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000"):
        assert not valid_ssn(bad), bad
    assert iban_value("ES91 2100 0418 4502 0005 1332 within") == "ES9121000418450200051332"
    assert iban_value("ES91 2100 0418 4502 0005 1333") is None  # broken checksum
    assert iban_value("GB82 WEST 1234 5698 7654 32") == "GB82WEST12345698765432"
    # letters outside A-Z (a custom entity's pattern may hand them over): not an IBAN, no crash
    assert iban_value("DE89 3704 0044 0532 0130 éé") is None
    assert sum(map(luhn, (f"{n:016d}" for n in range(4000)))) == 400  # one in ten passes
    assert valid_email("a.b+c@sub.example.co.uk")
    # IPv4 checked without ``ipaddress``: the same answers
    valid_ip, rng = make_ip_validator(False), random.Random(3)
    octets = ["0", "00", "01", "1", "9", "10", "99", "100", "199", "255", "256", "999", "0255", ""]
    for _ in range(3000):
        text = ".".join(rng.choice(octets) for _ in range(rng.choice([3, 4, 4, 4, 5])))
        try:
            expected = not ipaddress.ip_address(text).is_unspecified
        except ValueError:
            expected = False
        assert valid_ip(text) == expected, text
    assert not valid_email("a..b@x.com")


def test_ibans_followed_by_a_word_are_found() -> None:
    entity = builtin_entities(["ES"], False)["iban"]
    assert entity.find("account ES91 2100 0418 4502 0005 1332 within 5 days.") == [
        "ES9121000418450200051332"
    ]


def test_hard_negatives_are_not_findings() -> None:
    entities = builtin_entities(["US", "GB", "DE"], False)
    text = (
        "order 4111111111111112, ts 1712345678901, uuid 123e4567-e89b-12d3-a456-426614174000, "
        "sha 9f86d081884c7d659a2feaa0c55ad015, price 1,299.00, isbn 978-3-16-148410-0, "
        "v1.2.3, at 12:30:45 on 2024-01-02, ssn 666-12-3456, mac 00:1a:2b:3c:4d:5e"
    )
    for name, entity in entities.items():
        assert entity.find(text) == [], name


def test_private_ips_can_be_ignored() -> None:
    assert builtin_entities([], False)["ip_address"].find("10.1.2.3 and 8.8.4.4") == [
        "10.1.2.3",
        "8.8.4.4",
    ]
    assert builtin_entities([], True)["ip_address"].find("10.1.2.3 and 8.8.4.4") == ["8.8.4.4"]


def test_column_name_signals() -> None:
    assert [
        column_signal(c)
        for c in (
            "FirstName",
            "date_of_birth",
            "PostCode",
            "passport_no",
            "amount",
            "SSN",
            "tax_id",
        )
    ] == ["name", "date_of_birth", "postcode", "passport", None, "us_ssn", "national_id"]


def leaky_policy(tmp_path: Path, extra: str = "") -> Path:
    shutil.copy(CASES / "leaky.csv", tmp_path / "leaky.csv")
    shutil.copy(CASES / "leak.ipynb", tmp_path / "leak.ipynb")
    policy = tmp_path / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  data: {path: leaky.csv}\ngates:\n  - id: no-pii\n    type: pii\n"
        "    data: data\n    paths: ['*.ipynb']\n    allow: {patterns: ['@example\\.com$']}\n"
        + extra
    )
    return policy


def by_name(report: Report) -> dict[str, CheckResult]:
    return {c.name: c for c in report.checks()}


def test_leaks_fail_naming_column_count_and_masked_examples(cli: Run, tmp_path: Path) -> None:
    result = cli("check", leaky_policy(tmp_path), "-f", "json")
    assert result.code == 1
    checks = by_name(Report.model_validate_json(result.out))
    email = checks["email"]
    assert email.observed == 3  # support@example.com is allow-listed
    groups = {g["group"]: g for g in email.evidence["groups"]}
    contact = groups["column contact (rows, from 0)"]
    assert contact["n"] == 2
    assert contact["positions"] == "1, 3"
    assert contact["examples"] == "j***@m***.net, c***@f***.de"
    card = checks["credit_card"]
    assert card.observed == 1  # 4111111111111112 fails Luhn
    assert card.evidence["groups"][0]["examples"] == "**** **** **** 1881"
    assert checks["iban"].observed == 1
    assert checks["us_ssn"].observed == 1
    assert checks["phone"].observed == 1
    assert checks["ip_address"].observed == 2
    assert (checks["column_names"].observed, checks["column_names"].outcome.value) == (0, "pass")


def test_column_names_that_signal_personal_data(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("first_name,DateOfBirth,hashed_email,score\nA,2000-01-01,x,1\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: d.csv}}\ngates:\n  - type: pii\n    data: d\n"
        "    allow: {columns: [hashed_email]}\n"
    )
    result = cli("check", policy, "-f", "json")
    check = by_name(Report.model_validate_json(result.out))["column_names"]
    assert (check.observed, check.outcome.value) == (2, "warn")
    assert "first_name (name), DateOfBirth (date_of_birth)" in check.message
    # the birth-date column's value is a plausible date of birth: found by value, masked
    birth = by_name(Report.model_validate_json(result.out))["date_of_birth"]
    assert (birth.observed, birth.evidence["groups"][0]["examples"]) == (1, "****-**-**")
    assert "2000-01-01" not in result.out
    assert result.code == 1


def test_ssns_as_bare_digits_in_a_column_named_for_them(cli: Run, tmp_path: Path) -> None:
    """Found missed: an `ssn` column of 123456789-style values (text, or integers) held SSNs
    that only its name gave away; the same digits in a column of order ids are ids."""
    import pandas as pd

    rng = random.Random(4)
    ssns = [
        f"{rng.randint(100, 665)}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        for _ in range(200)
    ]
    pd.DataFrame(
        {"ssn": ssns, "SocialSecurityNumber": [int(v) for v in ssns], "order_id": ssns}
    ).to_parquet(tmp_path / "t.parquet")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {t: {path: t.parquet}}\ngates:\n"
        "  - {type: pii, data: t, entities: [us_ssn, phone]}\n"
    )
    result = cli("check", policy, "-f", "json")
    checks = by_name(Report.model_validate_json(result.out))
    groups = {g["group"]: g["n"] for g in checks["us_ssn"].evidence["groups"]}
    assert groups == {
        "column ssn (rows, from 0)": 200,
        "column SocialSecurityNumber (rows, from 0)": 200,
    }
    assert checks["phone"].observed == 0
    assert ssns[0] not in result.out
    assert result.code == 1


def test_notebook_output_leak_points_at_the_cell(cli: Run, tmp_path: Path) -> None:
    policy = tmp_path / "nb.yaml"
    shutil.copy(CASES / "leak.ipynb", tmp_path / "leak.ipynb")
    policy.write_text(
        "version: 1\ngates:\n  - type: pii\n    paths: ['*.ipynb']\n    entities: [email]\n"
    )
    result = cli("check", policy, "-f", "json")
    assert result.code == 1
    email = by_name(Report.model_validate_json(result.out))["email"]
    (group,) = email.evidence["groups"]
    assert group["group"].endswith("leak.ipynb (cells, output)")
    assert group["positions"] == "2"
    assert group["examples"] == "m***@h***.org"


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github", "sarif", "junit"])
def test_no_raw_value_reaches_any_output(cli: Run, tmp_path: Path, fmt: str) -> None:
    policy = leaky_policy(tmp_path, "    column_names: {severity: error}\n")
    audit = tmp_path / "audit.jsonl"
    result = cli(
        "check",
        policy,
        "-f",
        fmt,
        "--summary",
        tmp_path / "summary.md",
        "--audit-log",
        audit,
        "--debug",
    )
    everything = result.out + result.err + (tmp_path / "summary.md").read_text() + audit.read_text()
    assert result.code == 1
    for raw in RAW:
        assert raw not in everything, f"{raw!r} leaked into {fmt}"


def test_thresholds_allow_lists_and_column_selection(cli: Run, tmp_path: Path) -> None:
    extra = (
        "    entities:\n      email: {max: 3}\n      ip_address: {max: 0, severity: warning}\n"
        "    exclude_columns: [contact]\n    ignore_private_ips: true\n"
    )
    report = Report.model_validate_json(
        cli("check", leaky_policy(tmp_path, extra), "-f", "json").out
    )
    checks = by_name(report)
    assert set(checks) == {"email", "ip_address", "column_names", "special_categories"}
    assert (checks["email"].observed, checks["email"].outcome.value) == (
        1,
        "pass",
    )  # only the notebook
    assert (checks["ip_address"].observed, checks["ip_address"].outcome.value) == (1, "warn")


def test_max_rate_and_sample(cli: Run, tmp_path: Path) -> None:
    policy = leaky_policy(tmp_path, "    max_rate: 0.5\n    sample: {rows: 3, seed: 1}\n")
    report = Report.model_validate_json(cli("check", policy, "-f", "json").out)
    email = by_name(report)["email"]
    assert email.evidence["scanned_values"] < 20
    assert 0 < (email.observed or 0) <= 1


def test_custom_entity_with_validator(cli: Run, tmp_path: Path) -> None:
    csv = tmp_path / "emp.csv"
    csv.write_text("note\nEMP-123456 joined\nEMP-000000 left\nref 4111-1111-1111-1111\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ninputs: {d: {path: emp.csv}}\ngates:\n  - type: pii\n    data: d\n"
        "    entities: [employee_id, badge]\n    custom_entities:\n"
        "      - {name: employee_id, pattern: 'EMP-[1-9]\\d{5}'}\n"
        "      - {name: badge, pattern: '\\d{4}-\\d{4}-\\d{4}-\\d{4}', validator: luhn}\n"
    )
    checks = by_name(Report.model_validate_json(cli("check", policy, "-f", "json").out))
    assert checks["employee_id"].observed == 1
    assert checks["employee_id"].evidence["groups"][0]["examples"] == "***-******"
    assert checks["badge"].observed == 1


def test_policy_errors(cli: Run, tmp_path: Path) -> None:
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "version: 1\ngates:\n  - type: pii\n    entities: [emial, person]\n"
        "    custom_entities: [{name: x, pattern: '(unclosed'}]\n"
    )
    err = cli("validate", policy).err
    assert "nothing to scan" in err
    assert "unknown entity `emial` (did you mean `email`?)" in err
    assert "`person` needs `engine: presidio`" in err
    assert "custom_entities[0].pattern: not a valid regular expression" in err


def test_presidio_engine_runs_its_pattern_recognizers_without_a_model(
    cli: Run, tmp_path: Path
) -> None:
    """Presidio's own recognizers, batched, masked like the built-in engine's findings."""
    policy = leaky_policy(tmp_path, "    engine: presidio\n")
    result = cli("check", policy, "-f", "json")
    checks = by_name(Report.model_validate_json(result.out))
    observed = {n: checks[n].observed for n in DEFAULT_ENTITIES}
    assert observed == {
        "email": 3,
        "phone": 0,  # Presidio scores a bare US number below its usual 0.5
        "credit_card": 1,
        "us_ssn": 1,
        "iban": 1,
        "ip_address": 2,
        "person_name": 0,
        "date_of_birth": 0,
    }
    card = checks["credit_card"].evidence["groups"][0]["examples"]
    assert card == "**** **** **** 1881"
    assert "4012 8888" not in result.out
    assert "jane.roe" not in result.out
    lowered = leaky_policy(tmp_path, "    engine: presidio\n    presidio: {score_threshold: 0.3}\n")
    checks = by_name(Report.model_validate_json(cli("check", lowered, "-f", "json").out))
    assert checks["phone"].observed == 1


def test_presidio_nlp_entities_without_a_spacy_model_are_a_clear_error(
    cli: Run, tmp_path: Path
) -> None:
    policy = leaky_policy(tmp_path, "    engine: presidio\n    entities: [email, person]\n")
    report = Report.model_validate_json(cli("check", policy, "-f", "json").out)
    gate = report.gates[0]
    assert gate.outcome.value == "error"
    assert "need a spaCy model" in gate.message
    assert "built-in `person_name` entity" in gate.message


def test_presidio_engine_without_presidio_is_a_clear_error(tmp_path: Path) -> None:
    policy = leaky_policy(tmp_path, "    engine: presidio\n")
    blocked = (
        "import sys; sys.modules['presidio_analyzer'] = None; "
        "from mlgate.cli import main; sys.argv = ['mlgate', 'check', sys.argv[1], '-f', 'json']; "
        "main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", blocked, str(policy)], capture_output=True, text=True, check=False
    )
    gate = Report.model_validate_json(done.stdout).gates[0]
    assert gate.outcome.value == "error"
    assert "engine: presidio needs Presidio: pip install 'mlgate[presidio]'" in gate.message


def test_the_example_has_a_pii_gate_that_passes(cli: Run, example: Path) -> None:
    report = Report.model_validate_json(cli("check", example / "mlgate.yaml", "-f", "json").out)
    pii = next(g for g in report.gates if g.type == "pii")
    assert pii.outcome.value == "pass"
    assert all(c.observed == 0 for c in pii.checks)


def test_a_terminal_sees_the_columns_of_a_frame_scanned(tmp_path: Path) -> None:
    """A long scan of a pandas input says how many of its columns are done on a terminal's
    progress line; a pipe gets none of it."""
    import pandas as pd

    pd.DataFrame(
        {
            f"note_{i}": [f"call 020 7946 09{k % 100:02d} at noon" for k in range(500)]
            for i in range(3)
        }
    ).to_parquet(tmp_path / "notes.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ninputs:\n  notes: {path: notes.parquet}\n"
        "gates:\n  - {id: pii, type: pii, data: notes, entities: [phone]}\n"
    )
    code, text = on_terminal(tmp_path, "check", "p.yaml", "-f", "json", "-o", "r.json")
    assert code == 1, text
    assert "running gate pii (1/1): notes (500 rows): 3 of 3 columns scanned" in text
    piped = subprocess.run(
        [sys.executable, "-m", "mlgate", "check", "p.yaml", "-f", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "columns scanned" not in piped.stderr + piped.stdout
