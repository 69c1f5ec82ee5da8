"""The PII scan on every core reports exactly what a scan in one process does, and the
column-wise mask of look-alikes only narrows the candidate filters."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import Result
from faker import Faker
from test_pii_lookalikes import LOOK_ALIKES, PHONES

from mlgate.gates.pii import detect
from mlgate.gates.pii.detect import LOOK_ALIKE, builtin_entities, mask_look_alikes, scan_strings

Run = Callable[..., Result]
REGIONS = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "IN"]


def people(n: int) -> pd.DataFrame:
    """Columns of free text with personal data among look-alikes, names and ids."""
    fake = Faker("en_GB")
    fake.seed_instance(5)
    rng = np.random.default_rng(5)

    def cell(i: int) -> str:
        kind = i % 7
        if kind == 0:
            return f"please contact {fake.email()} today"
        if kind == 1:
            return f"call {fake.phone_number()} after {rng.choice(LOOK_ALIKES)}"
        if kind == 2:
            return f"card {fake.credit_card_number()} on {fake.date_time()}"
        if kind == 3:
            return f"met {fake.first_name()} {fake.last_name()} at the desk"
        return str(rng.choice([*LOOK_ALIKES, fake.word(), fake.uuid4()]))

    return pd.DataFrame(
        {
            "note": [cell(i) for i in range(n)],
            "comment": [cell(i + 3) for i in range(n)],
            "customer": [f"{fake.first_name()} {fake.last_name()}" for _ in range(n)],
            "ref": [cell(i + 5) for i in range(n)],
        }
    )


def checks(report: str) -> list[dict[str, Any]]:
    """The report's checks without what differs between two runs (durations)."""
    out = []
    for gate in json.loads(report)["gates"]:
        for check in gate["checks"]:
            out.append({k: v for k, v in check.items() if "duration" not in k})
    return out


def serial_and_parallel(mlgate_exe: Run, tmp_path: Path, source: str) -> dict[str, float]:
    """Check a PII policy on ``source`` in one process and in two: the same report."""
    (tmp_path / "mlgate.yaml").write_text(
        f"version: 1\ninputs:\n  people: {source}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: people\n"
    )
    args = ("check", "mlgate.yaml", "-q", "-f", "json")
    serial = mlgate_exe(*args, cwd=tmp_path, env={"MLGATE_PII_WORKERS": "1"})
    parallel = mlgate_exe(*args, cwd=tmp_path, env={"MLGATE_PII_WORKERS": "2"})
    assert serial.code == parallel.code == 1, serial.err + parallel.err
    assert checks(parallel.out) == checks(serial.out)
    return {c["name"]: c["observed"] for c in checks(serial.out)}


def test_a_parallel_scan_reports_what_a_serial_one_does(mlgate_exe: Run, tmp_path: Path) -> None:
    people(4000).to_parquet(tmp_path / "people.parquet")
    found = serial_and_parallel(mlgate_exe, tmp_path, "{path: people.parquet}")
    assert min(found[n] for n in ("email", "phone", "credit_card", "person_name")) > 100, found


def test_engine_chunks_in_workers_report_what_one_process_does(
    mlgate_exe: Run, tmp_path: Path
) -> None:
    pytest.importorskip("duckdb")
    frame = people(3000)
    for part in range(3):  # a hive-partitioned folder: DuckDB yields a batch per file
        target = tmp_path / "people" / f"part={part}"
        target.mkdir(parents=True)
        frame.iloc[part * 1000 : (part + 1) * 1000].to_parquet(target / "data.parquet")
    found = serial_and_parallel(mlgate_exe, tmp_path, "{path: people, engine: duckdb}")
    assert found["email"] > 100


@pytest.mark.parametrize("value", ["zero", "0"])
def test_a_bad_worker_count_is_a_usage_error(mlgate_exe: Run, tmp_path: Path, value: str) -> None:
    people(10).to_parquet(tmp_path / "people.parquet")
    (tmp_path / "mlgate.yaml").write_text(
        "version: 1\ninputs:\n  people: {path: people.parquet}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: people\n"
    )
    result = mlgate_exe("check", "mlgate.yaml", cwd=tmp_path, env={"MLGATE_PII_WORKERS": value})
    assert result.code == 2, result.out + result.err  # as a bad MLGATE_ENGINE
    assert "MLGATE_PII_WORKERS must be" in result.err
    assert "Traceback" not in result.out + result.err


def findings(array: pa.Array) -> dict[str, tuple[int, list[int], list[str]]]:
    entities = builtin_entities(REGIONS, False)
    found = scan_strings(array, entities, lambda v: False)
    return {name: (f.count, f.rows, f.examples) for name, f in found.items()}


def test_the_mask_of_look_alikes_only_narrows_the_filters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    edge_cases = [
        "12:00 13:00 +44 20 7946 0958",
        "2024-01-01 12:00:00.123456+01:00 call (212) 555-0199",
        "fe80::12:34 and ::ffff:10.0.0.1",
        "case 2024-123456 then +1 212 555 0199",
        "4111 1111 1111 1111 at 2026-01-01T10:00:00Z",
        "id 550e8400-e29b-41d4-a716-446655440000 tel 020 7946 0958",
        "2013-08-13 06:03:425551234567",
        "see https://example.org/x/02079460958 or 020 7946 0958, http://10.1.2.3/ 10.1.2.4",
        "from 4570:235d:cd16:40c6:37d8:98b6:8a99:bd3b at 10:30 and 10:30am",
        "ISBN-10: 0738551856 or call 0738551857, ISBN 978-0-306-40615-7",
    ]
    texts = people(1500)["note"].tolist() + LOOK_ALIKES + PHONES + edge_cases
    array = pa.array(texts, type=pa.string())
    # RE2 masks what the look-alike pattern of the validation blocks
    masked = mask_look_alikes(pa.array(LOOK_ALIKES, type=pa.string()))
    assert masked is not None
    assert masked.to_pylist() == [LOOK_ALIKE.sub("§", text) for text in LOOK_ALIKES]
    # all but a UUID fragment, two coordinates, two asset names and six ids and brackets
    # (the validators reject those)
    assert sum("§" in text for text in masked.to_pylist()) == len(LOOK_ALIKES) - 11
    # a text the mask leaves alone holds no look-alike (the scan skips searching it for one)
    every = mask_look_alikes(array)
    assert every is not None
    for text, after in zip(texts, every.to_pylist(), strict=True):
        assert after != text or LOOK_ALIKE.search(text) is None, text
    with_mask = findings(array)
    detect._blocked_spans.cache_clear()
    monkeypatch.setattr(detect, "mask_look_alikes", lambda array: None)
    without = findings(array)
    assert with_mask == without
    assert with_mask["phone"][0] > 100


def test_repeated_values_scanned_once_give_the_same_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Columns whose values repeat are filtered over their distinct texts (``Cells``): the
    findings — counts, positions, examples, the column judgements — are those of scanning
    every cell."""
    import datetime as dt

    from mlgate.gates.pii import PiiConfig, _allow, _entities, _scan_texts

    frame = people(400)
    rng = np.random.default_rng(8)
    columns = {
        "note": (frame["note"].tolist(), None),
        "customer": (frame["customer"].tolist(), "name"),
        "dob": ([str(dt.date(1950, 1, 1) + dt.timedelta(days=int(d))) for d in range(400)], None),
    }
    config = PiiConfig(type="pii", data="x")
    entities, allowed = _entities(config), _allow(config)
    people_entities = ("person_name", "date_of_birth")

    def scan() -> list[dict[str, tuple[int, list[int], list[str]]]]:
        out = []
        for name, (values, signal) in columns.items():
            cells = [None if i % 23 == 0 else values[j] for i, j in enumerate(rng_rows)]
            array = pa.array(cells, type=pa.string())
            found = _scan_texts(
                array, None, entities, allowed, people_entities,
                "date_of_birth" if name == "dob" else signal, dt.date(2026, 11, 28), None,
            )  # fmt: skip
            out.append({k: (v.count, v.rows, v.examples) for k, v in sorted(found.items())})
        return out

    rng_rows = rng.integers(0, 400, 20_000).tolist()
    assert isinstance(
        detect.distinct_cells(pa.array([columns["note"][0][i] for i in rng_rows])), detect.Cells
    )
    repeated = scan()
    detect._blocked_spans.cache_clear()
    monkeypatch.setattr(detect, "DISTINCT_SHARE", -1.0)  # every cell through the filters
    assert scan() == repeated
    assert repeated[1]["person_name"][0] > 15_000  # the customer column is a name column
    assert repeated[2]["date_of_birth"][0] > 15_000
    assert repeated[0]["email"][0] > 1_000


def every_cell(
    texts: list[str | None], entities: dict[str, detect.Entity], allowed: Callable[[str], bool]
) -> dict[str, tuple[int, list[int], list[str]]]:
    """The reference: :meth:`Entity.find` on every cell, one entity after the other, with
    the per-column judgement of all-digit cells."""
    out = {}
    for name, entity in entities.items():
        found, bare = detect.Findings(), detect.Findings()
        tested = valid = 0
        for row, text in enumerate(texts):
            values = [v for v in entity.find(text or "") if not allowed(v)]
            is_bare = name in detect.BARE_DIGITS and (text or "").strip().isdigit()
            if is_bare and re.search(entity.pattern, text or ""):
                tested += 1
                valid += 1 if values else 0
            for value in values:
                (bare if is_bare else found).add(row, entity.mask(value))
        if bare.count and (tested < detect.BARE_MIN or valid / tested >= detect.BARE_SHARE):
            found.merge(bare)
        if found.count:
            out[name] = (found.count, found.rows, found.examples)
    return out


def test_one_pass_over_the_texts_finds_what_each_entity_finds_in_every_cell() -> None:
    """``scan_strings`` reads each candidate text once for all entities (blanking what the
    look-alikes and other entities' values cover before validating): its findings are those
    of each entity's ``find`` on every cell, positions and examples in the same order."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from pii_corpus import make_cells

    texts: list[str | None] = [c.text for c in make_cells(6000, seed=11)]
    texts += people(300)["note"].tolist() + LOOK_ALIKES + PHONES + [None, "", "  "]
    texts += [
        "DE89 3704 0044 0532 0130 00 or 4111 1111 1111 1111",  # an IBAN holding card digits
        "call 212-555-0199 or mail jane.212-555-0199@example.com",  # a phone in an e-mail
        "١٢٣-٤٥-٦٧٨٩ and ٤١١١١١١١١١١١١١١١ or é4111111111111111",  # ASCII classes as RE2
        "ip 10.0.0.1 port 8080 or 192.168.1.20 and +44 20 7946 0958",
        "12:56 020 7946 0968",  # a phone after a time: their digits together pass Luhn
    ]
    texts += [str(4_000_000_000 + 7 * i) for i in range(60)]  # a run of all-digit ids
    # texts are searched joined by newlines: values that touch a text's ends, newlines
    # inside a text, neighbours whose digits would run together
    texts += [
        "call 020 7946 0958\n4111 1111 1111 1111\nDE89370400440532013000",
        "DE89370400440532013000",
        "7 apples",
        "order 4111 1111",
        "1111 1111 done",
        "+44 20 7946",
        "0958",
        "jane@example.",
        "com",
        "10.0.0.",
        "1 and fe80::1",
    ]
    texts += texts[:40]  # texts that repeat: each distinct text searched once
    array = pa.array(texts, type=pa.string())
    for subset in (REGIONS, ["US"]):
        entities = builtin_entities(subset, False)
        allowed = (lambda v: v.endswith("@example.com")) if subset == ["US"] else (lambda v: False)
        reference = every_cell(texts, entities, allowed)
        found = scan_strings(array, entities, allowed)
        assert {k: (v.count, v.rows, v.examples) for k, v in found.items()} == reference
        assert set(reference) == set(detect.ENTITY_NAMES)
        # a policy's own entity whose pattern RE2 cannot run (a look-behind): Python filters
        custom = {
            **entities,
            "ticket": detect.custom_entity("ticket", r"(?<![\w-])ORD-\d{4}", None),
        }
        found = scan_strings(array, custom, allowed)
        assert {k: (v.count, v.rows, v.examples) for k, v in found.items()} == every_cell(
            texts, custom, allowed
        )
        assert found["ticket"].count > 100
        # one entity alone still blanks what the others (not chosen) cover
        for name in ("phone", "credit_card"):
            alone = scan_strings(array, {name: entities[name]}, allowed)
            assert {k: (v.count, v.rows, v.examples) for k, v in alone.items()} == {
                name: reference[name]
            }
    # a column of repeated texts, scanned as its distinct texts and the rows of each
    repeated = texts * 3
    cells = detect.distinct_cells(pa.array(repeated, type=pa.string()))
    assert isinstance(cells, detect.Cells)
    found = scan_strings(cells, entities, allowed)
    assert {k: (v.count, v.rows, v.examples) for k, v in found.items()} == every_cell(
        repeated, entities, allowed
    )
