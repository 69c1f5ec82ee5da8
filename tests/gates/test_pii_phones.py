"""The phone validator's precheck skips ``phonenumbers.parse`` only where it cannot succeed:
on thousands of phone-like strings it decides exactly as parsing every region does."""

from __future__ import annotations

import random

import pytest
from faker import Faker

from mlgate.gates.pii.detect import PHONE_EXTRACT, make_phone_validator

DEFAULT = ["US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "IN"]
OTHERS = ["AR", "MX", "BR", "JP", "CH", "PL", "SE", "TR", "ZA", "SG"]
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "en_AU", "en_IN",
           "es_MX", "pt_BR", "ja_JP", "de_CH", "pl_PL", "sv_SE", "tr_TR"]  # fmt: skip


def phone_like(n: int) -> list[str]:
    rng = random.Random(9)
    fakers = [Faker(loc) for loc in LOCALES]
    for i, fake in enumerate(fakers):
        fake.seed_instance(i)
    out = []
    for i in range(n):
        kind = i % 5
        if kind < 2:
            out.append(fakers[i % len(fakers)].phone_number())
        elif kind == 2:  # random digits in phone-like groupings, with and without prefixes
            body = "".join(rng.choice("0123456789") for _ in range(rng.randint(7, 13)))
            prefix = rng.choice(["", "0", "00", "+", "+44 ", "0044 ", "011 ", "+1 ", "(0)"])
            out.append(prefix + body)
        elif kind == 3:
            groups = [str(rng.randint(10, 99999)) for _ in range(rng.randint(2, 4))]
            out.append(rng.choice([" ", "-", "."]).join(groups))
        else:  # international dialling prefixes the precheck must leave to parse
            number = fakers[i % len(fakers)].msisdn()
            out.append(rng.choice(["00", "011", "0011", "+"]) + number)
    # what the phone pattern extracts from them, as the gate validates it
    import re

    pattern = re.compile(PHONE_EXTRACT)
    return [m.group(0) for text in out for m in pattern.finditer(text)] + out


@pytest.mark.parametrize("regions", [DEFAULT, OTHERS, ["GB"], ["AU", "IN"]])
def test_the_precheck_decides_as_parsing_every_region(regions: list[str]) -> None:
    fast = make_phone_validator(regions)
    reference = make_phone_validator(regions, precheck=False)
    texts = phone_like(6000)
    differ = [t for t in texts if fast(t) != reference(t)]
    assert differ == []
    assert sum(map(reference, texts)) > len(texts) // 10  # the sample holds valid numbers


def test_most_numbers_are_decided_without_parsing() -> None:
    """The parse-free decisions (national digits per region, "+" numbers by their country
    code) are what the comparison above exercises: they must decide most candidates."""
    from mlgate.gates.pii.detect import (
        INTERNATIONAL,
        PARSE_FREE,
        _international_decider,
        _region_decider,
    )

    deciders = {region: _region_decider(region) for region in DEFAULT}
    assert all(deciders.values())
    international = _international_decider()
    decided = undecided = 0
    for text in phone_like(3000):
        digits = "".join(ch for ch in text if ch.isdigit())
        if INTERNATIONAL.fullmatch(text):
            answers = [international(digits)]
        elif PARSE_FREE.fullmatch(text):
            answers = [decide(digits) for decide in deciders.values() if decide is not None]
        else:
            continue
        decided += sum(a is not None for a in answers)
        undecided += sum(a is None for a in answers)
    assert decided > 4 * undecided > 0


def test_numbers_are_written_as_their_region_writes_them_at_home() -> None:
    """Where national numbers are written with the trunk prefix 0 (GB, DE, FR, NL, AU, ...),
    digits without it are not one of their numbers, though ``phonenumbers`` reads them as
    the number after the prefix: band numbers, site ids and income brackets of published
    tables were reported as German, French and British phones."""
    valid = make_phone_validator(DEFAULT)
    assert not any(valid(t) for t in ("877-76317", "1142-05901", "20000-22500", "7500-10000"))
    for text, region in (
        ("877-76317", "DE"),
        ("1142-05901", "FR"),
        ("20000-22500", "GB"),
        ("7500-10000", "NL"),
    ):
        assert not make_phone_validator([region])(text), text
        assert make_phone_validator([region])("0" + text), text  # with the prefix: valid
    assert valid("98765 43210")  # India writes mobiles without it
    assert valid("347 123 4567")
    assert not valid("37-063-0015")
    assert make_phone_validator(["FI"])("(+358) 40 2359256")  # "+" after a bracket
    # Spain: nine digits from 6 to 9, grouped 3-3-3, 3-2-2-2 or 2-3-2-2 (or runs of these)
    spain = make_phone_validator(["ES"])
    assert [spain(t) for t in ("912 345 678", "91 234 56 78", "612 34 56 78", "912 345678")] == [
        True
    ] * 4
    assert [spain(t) for t in ("8563-44077", "7000-12000", "40-052-2418")] == [False] * 3
    italy = make_phone_validator(["IT"])
    assert italy("800 013 000")
    assert not italy("8000-13000")  # an income bracket, not a toll-free number
