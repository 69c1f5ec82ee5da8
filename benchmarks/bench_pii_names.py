"""Person names per column: recall on names of many locales, precision on name-like columns.

Run:  .venv/bin/python -m pip install -e '.[dev]' gender-guesser
      .venv/bin/python benchmarks/bench_pii_names.py [--columns 40] [--rows 200]

Every column goes through the gate's own column judgement (``names.scan_names``):

1. Recall on Faker names, 12 locales: columns of first names (``first``), surnames (``last``),
   full names (``customer``, no name signal) and free text ("visit by Jane Smith on ...").
   Faker's name lists are part of the lexicon, so this is recall on names the lexicon has
   seen; the next row is the held-out one.
2. Recall on a real published list the lexicon was not built from: the first names of
   gender-guesser's ``nam_dict.txt`` (Jörg Michael's name dictionary, 40,000+ names with
   their frequency in 55 countries), for names at least "common" (frequency >= 5) in a
   country, in columns named ``given_name``.
3. Precision on columns that are not names: real city lists (Faker's de_DE, it_IT, nl_NL,
   pl_PL), job titles, company names, catch phrases, colours, charge descriptions, product
   names. A flagged column or a name pair found in it is a false finding.
Presidio finds person names only with a spaCy model, which cannot be installed here.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
from faker import Faker

from mlgate.gates.pii.names import lexicon, name_column, scan_names

RESULTS = Path(__file__).resolve().parent / "results"
LOCALES = [
    "en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "pt_BR", "sv_SE",
    "tr_TR", "cs_CZ",
]  # fmt: skip
COUNTRIES = {  # nam_dict.txt columns (0-based, after the name field)
    "Great Britain": 0, "USA": 2, "Italy": 3, "Spain": 6, "France": 7, "Germany": 12,
    "Netherlands": 10, "Poland": 23, "Sweden": 18, "Greece": 37, "Russia": 38, "Turkey": 46,
    "Arabia/Persia": 47, "China": 49, "India": 50, "Japan": 51,
}  # fmt: skip
CHARGES = [
    "Battery on Law Enforc Officer", "Grand Theft in the 3rd Degree", "Possession of Cannabis",
    "Driving While License Revoked", "Petit Theft", "Aggravated Assault W/Dead Weap",
    "Felony Battery (Dom Strang)", "Burglary Unoccupied Dwelling", "Resist/Obstruct W/O Violence",
    "Operating W/O Valid License", "Fleeing or Eluding Police", "Tampering With Physical Evidence",
]  # fmt: skip
PRODUCTS = [
    "Ergonomic Steel Chair", "Wireless Mouse", "Organic Green Tea", "Running Shoes",
    "Stainless Water Bottle", "Noise Cancelling Headphones", "Leather Wallet", "Yoga Mat",
    "Smart Watch", "Espresso Machine", "Desk Lamp", "Rose Gold Necklace", "Camping Tent",
]  # fmt: skip


def flagged(cells: list[str], column: str) -> tuple[bool, int]:
    """(judged a name column, names found) for one column, as the gate judges it: names
    found counts name cells of a name column plus "First Surname" pairs in prose."""
    from mlgate.gates.pii.detect import column_signal

    signal = column_signal(column)
    found = scan_names(pa.array(cells), None, signal, lambda v: False)
    judged, _ = name_column(Counter(cells).items(), signal == "name", lexicon(), len(cells))
    return judged, found.count if found is not None else 0


def faker_recall(columns: int, rows: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(11)
        kinds: dict[str, list[tuple[bool, int]]] = {"first": [], "last": [], "full": [], "text": []}
        for _ in range(columns):
            firsts = [fake.first_name() for _ in range(rows)]
            lasts = [fake.last_name() for _ in range(rows)]
            kinds["first"].append(flagged(firsts, "first"))
            kinds["last"].append(flagged(lasts, "last"))
            full = [f"{f} {s}" for f, s in zip(firsts, lasts, strict=True)]
            kinds["full"].append(flagged(full, "customer"))
            notes = [f"visit by {n} on {fake.date()}" for n in full]
            kinds["text"].append(flagged(notes, "note"))
        out[locale] = {
            kind: {
                "columns_flagged": sum(f for f, _ in got) / len(got),
                "cells_found": sum(n for _, n in got) / (len(got) * rows),
            }
            for kind, got in kinds.items()
        }
    return out


def held_out(columns: int, rows: int) -> dict[str, Any]:
    try:
        import gender_guesser
    except ImportError:
        return {}
    path = Path(gender_guesser.__file__).parent / "data" / "nam_dict.txt"
    by_country: dict[str, set[str]] = {c: set() for c in COUNTRIES}
    for line in path.read_text(encoding="iso-8859-1").splitlines():
        if line.startswith("#") or len(line) < 31:
            continue
        name = line[3:29].strip()
        if not name.isalpha() or not name.isascii() or "+" in name:
            continue
        freqs = line[30:]
        for country, col in COUNTRIES.items():
            digit = freqs[col : col + 1].strip()
            if digit and digit in "0123456789ABCD" and int(digit, 16) >= 5:
                by_country[country].add(name)
    lex = lexicon()
    from mlgate.gates.pii.names import fold

    rng = random.Random(5)
    out = {}
    for country, names in by_country.items():
        pool = sorted(names)
        known = sum(fold(n) in lex.first for n in pool) / len(pool)
        got = [
            flagged([rng.choice(pool) for _ in range(rows)], "given_name") for _ in range(columns)
        ]
        out[country] = {
            "names": len(pool),
            "in_lexicon": known,
            "columns_flagged": sum(f for f, _ in got) / len(got),
            "cells_found": sum(n for _, n in got) / (len(got) * rows),
        }
    return out


def precision(columns: int, rows: int) -> dict[str, Any]:
    rng = random.Random(3)
    cities: list[str] = []
    for loc in ("de_DE", "it_IT", "nl_NL", "pl_PL"):
        provider = importlib.import_module(f"faker.providers.address.{loc}").Provider
        cities += list(provider.cities)
    fake = Faker(["en_US", "de_DE", "fr_FR", "es_ES"])
    fake.seed_instance(3)
    english = Faker("en_US")
    english.seed_instance(3)
    sources = {
        "city": lambda: rng.choice(cities),
        "job_title": fake.job,
        "company": fake.company,
        "catch_phrase": english.catch_phrase,
        "colour": english.color_name,
        "charge_desc": lambda: rng.choice(CHARGES),
        "product": lambda: rng.choice(PRODUCTS),
        # a hard negative found on the lakehouse example: west + north were half the cells
        "region": lambda: rng.choice(["west", "north", "east", "south", "West", "North"]),
        # hard negatives found on odd tables: a few categories that are names in the lists
        # (the surname Ok, the first names Christian and Muslim), missing values written out
        "status": lambda: rng.choice(["OK", "FAIL", "ok", "error", "pending"]),
        "faith": lambda: rng.choice(["Christian", "Muslim", "Jewish", "Hindu", "Buddhist"]),
        "income_text": lambda: "nan" if rng.random() < 0.8 else str(rng.randint(1000, 9999)),
    }
    out = {}
    for column, make in sources.items():
        got = [flagged([make() for _ in range(rows)], column) for _ in range(columns)]
        out[column] = {
            "columns_flagged": sum(f for f, _ in got) / len(got),
            "cells_found": sum(n for _, n in got) / (len(got) * rows),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, default=40)
    parser.add_argument("--rows", type=int, default=200)
    args = parser.parse_args()
    lexicon()
    result = {
        "faker": faker_recall(args.columns, args.rows),
        "held_out": held_out(args.columns, args.rows),
        "precision": precision(args.columns, args.rows),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pii_names.json").write_text(json.dumps(result, indent=2))
    n = f"{args.columns} columns × {args.rows} rows each"
    print(f"\n#### Person names per column — Faker names, 12 locales ({n})\n")
    print(
        "| locale | `first`: judged names / cells found | `last` | full names (`customer`) "
        "| free text (`note`): cells found |"
    )
    print("|---|---|---|---|---|")
    for locale, kinds in result["faker"].items():
        cells = " | ".join(
            f"{kinds[k]['columns_flagged']:.2f} / {kinds[k]['cells_found']:.3f}"
            for k in ("first", "last", "full")
        )
        cells += f" | {kinds['text']['cells_found']:.3f}"
        print(f"| {locale} | {cells} |")
    if result["held_out"]:
        print(f"\n#### Held out: nam_dict.txt first names, common in each country ({n})\n")
        print("| country | names | in the lexicon | judged name columns | cells found |")
        print("|---|---|---|---|---|")
        for country, r in result["held_out"].items():
            print(
                f"| {country} | {r['names']:,} | {r['in_lexicon']:.3f} | "
                f"{r['columns_flagged']:.2f} | {r['cells_found']:.3f} |"
            )
    print(f"\n#### Columns that are not names ({n})\n")
    print("| column | judged name columns | cells found as names |")
    print("|---|---|---|")
    for column, r in result["precision"].items():
        print(f"| {column} | {r['columns_flagged']:.2f} | {r['cells_found']:.4f} |")


if __name__ == "__main__":
    sys.exit(main())
