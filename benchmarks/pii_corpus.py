"""A labelled corpus for the PII benchmark: true values of every entity and hard negatives.

Deterministic (seeded Faker, five locales). Each cell is a short sentence holding zero, one
or two values; ``truth`` lists the real personal data in it. Phone numbers count as true
only when libphonenumber says they are valid, so the truth is "real numbers", not whatever
digits Faker prints.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

import phonenumbers
from faker import Faker

from mlgate.gates.pii import DEFAULT_ENTITIES

LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES"]
REGIONS = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "fr_FR": "FR", "es_ES": "ES"}
ENTITIES = tuple(DEFAULT_ENTITIES)  # every built-in entity
# name-like text that is not a person: places, organisations, title-case phrases, charges
NOT_PEOPLE = [
    "New York", "Grand Theft", "Battery on Law Enforc Officer", "Possession of Cannabis",
    "Chief Executive Officer", "Data Scientist", "Golden Gate Bridge", "Red Cross",
    "Silver Spring", "Long Beach", "Great Britain", "North Carolina", "Deutsche Bank",
    "Banque Populaire", "Santa Monica", "Monte Carlo", "Saint Louis", "Rose Garden",
    "General Motors", "Summer Sale", "Black Friday", "Will Call", "Mark Down",
    "Driving While License Revoked", "Fleeing or Eluding Police", "Petit Theft",
    "Victoria Station", "Martin Luther King Blvd", "Henry Ford Hospital", "Grace Hotel",
    "Paris France", "Charlotte North Carolina", "Orlando Florida", "Jan Mar", "April May",
    "Beth Israel Medical Center", "William Smith Colleges", "Pearl and Hermes Reef",
    "Svalbard and Jan Mayen", "Tristan da Cunha",
]  # fmt: skip


@dataclass
class Cell:
    text: str
    truth: list[tuple[str, str]] = field(default_factory=list)


def _spaced(value: str, rng: random.Random, group: int = 4) -> str:
    compact = value.replace(" ", "")
    if rng.random() < 0.5:
        return compact
    sep = rng.choice([" ", "-"]) if group == 4 and compact.isdigit() else " "
    return sep.join(compact[i : i + group] for i in range(0, len(compact), group))


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def _positive(fake: Faker, locale: str, rng: random.Random) -> tuple[str, str] | None:
    kind = rng.choice(ENTITIES)
    if kind == "email":
        return kind, fake.email()
    if kind == "phone":
        for _ in range(10):
            number = fake.phone_number()
            try:
                parsed = phonenumbers.parse(number, REGIONS[locale])
            except phonenumbers.NumberParseException:
                continue
            if phonenumbers.is_valid_number(parsed) and "x" not in number.lower():
                return kind, number
        return None
    if kind == "person_name":
        return kind, f"{fake.first_name()} {fake.last_name()}"
    if kind == "date_of_birth":
        born = fake.date_of_birth(minimum_age=1, maximum_age=100)
        style = rng.randrange(3)
        text = (born.isoformat(), born.strftime("%d/%m/%Y"), born.strftime("%d %B %Y"))[style]
        return kind, text
    if kind == "credit_card":
        return kind, _spaced(fake.credit_card_number(), rng)
    if kind == "us_ssn":
        return kind, Faker("en_US").ssn()
    if kind == "iban":
        return kind, _spaced(fake.iban(), rng)
    return kind, fake.ipv4_public() if rng.random() < 0.8 else fake.ipv6()


def _negative(rng: random.Random) -> str:
    choice = rng.randrange(19)
    if choice == 18:  # coordinates (decimals with six places), asset names ("logo@2x.png"),
        # ids, brackets and links of published tables ("877-76317", "20000-22500")
        pick = rng.random()
        if pick < 0.35:
            return f"{rng.uniform(-90, 90):.6f}, {rng.uniform(-180, 180):.6f}"
        if pick < 0.7:
            low = rng.randint(1, 40) * 500
            return rng.choice(
                [
                    f"{rng.randint(100, 9999)}-{rng.randint(10000, 99999)}",
                    f"{rng.randint(10, 56)}-{rng.randint(1, 199):03d}-{rng.randint(1, 9999):04d}",
                    f"{low}-{low + rng.choice([500, 2500, 5000])}",
                    f"http://www.amazon.com/gp/{rng.randint(0, 10**10 - 1):010d}",
                ]
            )
        name = rng.choice(["logo", "icon", "hero", "avatar", "sprite", "font"])
        return f"{name}@{rng.choice(['2x', '3x', 'latest'])}.{rng.choice(['png', 'webp', 'woff2'])}"
    if choice == 16:  # title-case text that is not a person's name
        return rng.choice(NOT_PEOPLE)
    if choice == 17:  # a date that is not a birth date (no birth context)
        return (
            f"admitted {rng.randint(1950, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        )
    if choice >= 12:
        return _timestamp_like(rng, choice - 12)
    if choice == 0:  # 16 digits failing Luhn
        digits = "4" + "".join(rng.choice("0123456789") for _ in range(14))
        bad = str((int(_luhn_digit(digits)) + rng.randint(1, 9)) % 10)
        return digits + bad
    if choice == 1:  # impossible SSNs
        area = rng.choice(["000", "666", f"9{rng.randint(0, 99):02d}"])
        return f"{area}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
    if choice == 2:  # IBAN with a broken checksum
        return (
            "DE"
            + f"{rng.randint(0, 99):02d}"
            + "".join(rng.choice("0123456789") for _ in range(18))
            + "X"
        )
    if choice == 3:
        return f"ORD-{rng.randint(2019, 2026)}-{rng.randint(0, 999999):06d}"
    if choice == 4:
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z"
    if choice == 5:
        return str(rng.randint(1_600_000_000, 1_800_000_000) * rng.choice([1, 1000]))
    if choice == 6:
        return str(uuid.UUID(int=rng.getrandbits(128)))
    if choice == 7:
        return f"{rng.getrandbits(256):064x}"
    if choice == 8:
        return f"{rng.randint(1, 9999)}.{rng.randint(0, 99):02d} EUR"
    if choice == 9:
        return f"978-{rng.randint(0, 9)}-{rng.randint(10, 99)}-{rng.randint(100000, 999999)}-{rng.randint(0, 9)}"
    if choice == 10:
        return f"v{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}"
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(1950, 2026)}"


def _timestamp_like(rng: random.Random, kind: int) -> str:
    """Hard negatives from real tables: pandas date-times (with and without fractional
    seconds), times, UUIDs whose groups are all digits, year-prefixed case numbers."""
    day = f"{rng.randint(1990, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    clock = f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    if kind == 0:
        return f"{day} {clock}" + (f".{rng.randint(0, 999999):06d}" if rng.random() < 0.5 else "")
    if kind == 1:
        return f"{clock}.{rng.randint(0, 999999):06d}"
    if kind == 2:
        groups = (8, 4, 4, 4, 12)
        return "-".join("".join(rng.choice("0123456789") for _ in range(g)) for g in groups)
    return f"case {rng.randint(1990, 2026)}-{rng.randint(0, 999999):06d}"


TEMPLATES = [
    "please contact {} for details",
    "ref {} noted",
    "{}",
    "customer said: use {} next time",
    "value {} and also {}",
    "logged {} at checkout",
]


def make_cells(n: int, seed: int = 0, positive_share: float = 0.3) -> list[Cell]:
    """``n`` labelled cells; about ``positive_share`` hold personal data."""
    rng = random.Random(seed)
    fakers = {loc: Faker(loc) for loc in LOCALES}
    for i, fake in enumerate(fakers.values()):
        fake.seed_instance(seed + i)
    cells = []
    while len(cells) < n:
        locale = rng.choice(LOCALES)
        template = rng.choice(TEMPLATES)
        slots = template.count("{}")
        values, truth = [], []
        for _ in range(slots):
            if rng.random() < positive_share:
                item = _positive(fakers[locale], locale, rng)
                if item is None:
                    values.append(_negative(rng))
                    continue
                kind, value = item
                # a date of birth is one by its context: "born ...", "DOB: ..."
                shown = f"{rng.choice(['born', 'DOB:', 'date of birth'])} {value}"
                values.append(shown if kind == "date_of_birth" else value)
                truth.append(item)
            else:
                values.append(_negative(rng) if rng.random() < 0.6 else fakers[locale].word())
        cells.append(Cell(template.format(*values), truth))
    return cells
