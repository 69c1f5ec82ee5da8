"""Real-world look-alikes of personal data are not findings: a criminal-justice table with
two pandas timestamp columns once gave 13,814 phone "findings" and no true one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import Result

from mlgate.gates.pii.detect import builtin_entities, mask_text

Run = Callable[..., Result]

LOOK_ALIKES = [
    "2013-08-13 06:03:42",  # pandas datetime
    "2001-09-21 23:27:58.856936",  # with fractional seconds
    "2024-01-05T10:11:12+02:00",  # ISO 8601 with a time zone
    "2024-01-05T10:11:12.123Z",
    "2013-08-13",
    "23:27:58.856936",  # a time
    "12345678-1234-5678-1234-567812345678",  # a UUID whose groups are all digits
    "6725-4579-1390-8842",  # a UUID fragment
    "case 2019-004512",  # a year-prefixed case number
    "lot 2023-11-0042 expiry 2025-11",  # lot and build numbers that start with a date
    "build 2023.11.05.1234",
    "screened 2013-01-28 00:00:00, released 2013-02-01 09:15:00",
    "37.774929, -122.419416",  # coordinates: decimal numbers, not phones
    "lat 51.507351 lon -0.127758",
    "logo@2x.png",  # asset names: a file extension is no top-level domain
    "<img src=/static/icon@3x.webp> font@latest.woff2",
    # ids and brackets from published tables (R's datasets), once valid national numbers of a
    # region whose numbers are written with the trunk prefix 0 at home
    "1142-05901",  # a blue jay's id
    "877-76317",  # a hawk's band number
    "37-063-0015",  # an air-quality site id (state-county-site)
    "Oak Char 820-11850 F",  # a biomass sample
    "20000-22500",  # income brackets
    "7500-10000",
    # digits in a web address (an ISBN in a shop's link)
    '<a href="http://www.amazon.com/gp/0785383239">Secrets of Slow Cooking</a>',
    "see https://example.org/orders/4915112345678?ref=02079460958",
    'a book, "Ginger Ale" ISBN-10: 0738551856. And ISBN 978-0-306-40615-7',
]
PHONES = [
    "+44 20 7946 0958",
    "(212) 555-0199",
    "call 020 7946 0958 after 10:30",
    "1-800-356-9377",  # North American numbers with the trunk prefix (were no candidates)
    "call 1 (212) 555-0199",
    "030 1234567",  # national numbers with the trunk prefix
    "01 42 68 53 00",
    "98765 43210",  # an Indian mobile, written without it
    "+33 1 42 68 53 00",
    "call 020 7946 0958 or see www.example.org",
]


def test_look_alikes_are_not_phones_or_cards() -> None:
    entities = builtin_entities(["US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "IN"], False)
    for text in LOOK_ALIKES:
        assert {n: e.find(text) for n, e in entities.items() if e.find(text)} == {}, text
        assert mask_text(text) == text, text
    for text in PHONES:
        assert entities["phone"].find(text), text
    # look-alikes are blanked before phones are searched: a phone right next to one is found
    # (the date's digits once ran into the phone's candidate, and both were dropped)
    for text, phone in (
        ("on 2024-01-02 020 7946 0958", "020 7946 0958"),
        ("12:56 020 7946 0968", "020 7946 0968"),  # and the digits of both pass Luhn
        ("020 7946 0958 2024-01-02", "020 7946 0958"),
        ("case 2019-004512 +44 20 7946 0958", "+44 20 7946 0958"),
    ):
        assert entities["phone"].find(text) == [phone], text
        assert entities["credit_card"].find(text) == [], text
        assert phone not in mask_text(text), text
    # an IPv6 address whose groups hold what looks like a time ("cd16:40c6") is one address
    ipv6 = "4570:235d:cd16:40c6:37d8:98b6:8a99:bd3b"
    assert entities["ip_address"].find(f"from {ipv6} at 10:30") == [ipv6]


def test_a_table_of_timestamps_passes_and_real_phones_still_fail(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    rng = np.random.default_rng(4)
    n = 2000
    stamps = pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 10**8, n), unit="s")
    frame = pd.DataFrame(
        {
            "screening_date": stamps,
            "c_jail_in": stamps + pd.to_timedelta(rng.random(n) * 1e5, unit="s"),  # fractions
            "note": rng.choice(LOOK_ALIKES, n),
            # all-digit ids: ~40 % of random 10-digit ids are valid NANP numbers and ~5 % of
            # 16-digit ones pass Luhn with a card prefix; judged per column, they are ids
            "account_id": [f"{v:010d}" for v in rng.integers(10**9, 10**10, n)],
            "order_id": [f"{v:012d}" for v in rng.integers(0, 10**10, n)],
            "card_ref": [str(v) for v in rng.integers(10**15, 10**16, n)],
        }
    )
    frame.to_csv(tmp_path / "people.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  people: {path: people.csv}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: people\n    entities: [phone, credit_card]\n"
        "    max_findings: 0\n    column_names: {severity: info}\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    report = json.loads(result.out)
    found = {c["id"]: c["observed"] for g in report["gates"] for c in g["checks"]}
    assert found["pii/phone"] == 0, found
    assert found["pii/credit_card"] == 0, found
    assert result.code == 0
    frame.loc[: len(PHONES) - 1, "note"] = PHONES
    # a column of phone numbers written as bare digits is still a column of phone numbers
    # (in Parquet: a CSV reader would take the digits for integers and drop the zero)
    frame["mobile"] = [f"07700900{v:03d}" for v in rng.integers(0, 1000, n)]
    frame.astype(str).to_parquet(tmp_path / "people.parquet")
    text = policy.read_text().replace("people.csv", "people.parquet")
    policy.write_text(text)
    report = json.loads(cli("check", policy, "-q", "-f", "json").out)
    found = {c["id"]: c["observed"] for g in report["gates"] for c in g["checks"]}
    assert found["pii/phone"] == len(PHONES) + n
