"""Person names, dates of birth and special categories: found by value and by column name,
without NLP models, and not found in what only looks like them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from conftest import Result
from faker import Faker

from mlgate.gates.pii.detect import column_signal, special_category
from mlgate.gates.pii.names import (
    birth_date_cell,
    birth_dates_in_text,
    lexicon,
    name_cell_kind,
    name_pairs,
)

Run = Callable[..., Result]
TODAY = dt.date(2026, 11, 28)
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL"]


def test_name_cells() -> None:
    lex = lexicon()
    kinds = {
        text: name_cell_kind(text, lex)
        for text in (
            "Jane Smith",
            "Smith, Jane",
            "JOSÉ GARCÍA",
            "Jennifer A. Brown",
            "Jane",
            "New York",
            "Grand Theft",
            "Chief Executive Officer",
            "Battery on Law Enforc Officer",
            "Brown",
            "2013-08-13 06:03:42",
            "DUPONT Jean",
            "Nagy Péter",
            "J. Dupont",
            "Dupont, J.",
            "Santa Maria",
        )
    }
    assert kinds == {
        "Jane Smith": "full",
        "Smith, Jane": "full",
        "JOSÉ GARCÍA": "full",
        "Jennifer A. Brown": "full",
        "Jane": "first",
        "New York": None,  # "new" is a word, not a first name
        "Grand Theft": None,
        "Chief Executive Officer": None,
        "Battery on Law Enforc Officer": None,
        "Brown": None,  # a colour as much as a surname
        "2013-08-13 06:03:42": None,
        "DUPONT Jean": "full",  # the surname first, as French and Hungarian records write it
        "Nagy Péter": "full",
        "J. Dupont": "surname",  # an initial and a surname count as a surname alone does
        "Dupont, J.": "surname",
        "Santa Maria": None,  # a place word first: no surname
    }


def test_names_written_surname_first_or_with_initials_make_a_name_column() -> None:
    """Found missed: a column of "DUPONT Jean" (surname first) was no name column, nor was a
    `patient_name` column of "J. Dupont" or "Dupont, J."."""
    import numpy as np
    import pyarrow as pa

    from mlgate.gates.pii.names import scan_names

    fake = Faker("fr_FR")
    fake.seed_instance(2)
    people = [(fake.first_name(), fake.last_name()) for _ in range(300)]
    columns = {
        "customer": [f"{last.upper()} {first}" for first, last in people],
        "patient_name": [f"{first[0]}. {last}" for first, last in people],
        "client_name": [f"{last}, {first[0]}." for first, last in people],
    }
    for column, cells in columns.items():
        signal = "name" if column.endswith("_name") else None
        found = scan_names(pa.array(cells), np.arange(300), signal, lambda v: False, True)
        assert found is not None, column
        assert found.count >= 0.8 * 300, (column, found.count)
    # initials alone make no name column where the column's name does not say names
    found = scan_names(pa.array(columns["patient_name"]), np.arange(300), None, lambda v: False)
    assert found is None


def test_a_column_of_compass_directions_is_no_column_of_names() -> None:
    """Hard negative from the lakehouse example: `region` holding north/south/east/west. "West"
    and "North" are first names in some locale lists; a place word alone is none (before, a
    column where west + north made half the cells was judged a column of first names)."""
    import numpy as np
    import pyarrow as pa

    from mlgate.gates.pii.names import scan_names

    lex = lexicon()
    for word in ("west", "North", "East", "south"):  # a surname alone counts only in a
        assert name_cell_kind(word, lex) in (None, "surname")  # column named for names
    cells = ["west"] * 260 + ["north"] * 250 + ["east"] * 250 + ["south"] * 240
    found = scan_names(pa.array(cells), np.arange(len(cells)), None, lambda v: False, True)
    assert found is None


def test_a_column_of_categories_is_no_column_of_names() -> None:
    """Hard negatives from trying the gate on odd tables: a status column ("OK"/"ok" are
    names in the lists: the surname Ok), a column of religions ("Christian" and "Muslim" are
    first names in some locales), missing values written out as "nan" (the Chinese given
    name Nan). Each was judged a column of names; a few categories that happen to be names
    are not a column of people, nor are missing values."""
    import numpy as np
    import pyarrow as pa

    from mlgate.gates.pii.names import is_placeholder, scan_names

    lex = lexicon()
    rng = np.random.default_rng(3)
    columns = {
        "status": rng.choice(["OK", "FAIL", "ok"], 1000).tolist(),
        "category": rng.choice(["Christian", "Muslim", "Jewish", "Hindu"], 1000).tolist(),
        "income": ["nan"] * 800 + [str(n) for n in rng.integers(1000, 9000, 200)],
        "remark": ["ok"] * 999 + ["all fine"],
        # cities that are first names: single words need ten distinct names, unless the
        # column's name says names
        "store_city": rng.choice(
            ["Austin", "Dallas", "Houston", "Charlotte", "Madison"], 1000
        ).tolist(),
    }
    for column, cells in columns.items():
        found = scan_names(pa.array(cells), np.arange(len(cells)), None, lambda v: False, True)
        assert found is None, column
    assert [is_placeholder(w) for w in ("nan", "NaN", "NA", "NULL", "ok", "OK")] == [True] * 6
    assert [is_placeholder(w) for w in ("Nan", "Na", "Ok", "Jane")] == [False] * 4
    assert name_cell_kind("Na", lex) == "first"  # a name, as a name is written
    # names still make a name column when they repeat: three salespeople over many rows
    people = rng.choice(["Jane Smith", "Carlos Garcia", "Mei Chen"], 900).tolist()
    found = scan_names(pa.array(people), np.arange(900), None, lambda v: False, True)
    assert found is not None
    assert found.count == 900
    # ... and "nan" in a column of names is a missing value, not a finding
    sparse = people[:300] + ["nan"] * 600
    found = scan_names(pa.array(sparse), np.arange(900), None, lambda v: False, True)
    assert found is not None
    assert found.count == 300


def test_columns_that_name_things_or_places_are_no_columns_of_people() -> None:
    """Hard negatives from R's published datasets: Minnesota's counties ("AITKIN", "BECKER":
    surnames) in `county.name`, Seattle's pets in `animal_name`, car makers in `mfr_name`, US
    states in a column called `Name`, films in `title` were all reported as people. A column
    whose name says it names things is not judged for people; places do not make a column of
    names (but once a column is one, "Kenya" and "Virginia" in it are findings)."""
    import pyarrow as pa

    from mlgate.gates.pii.detect import names_things, scan_signal
    from mlgate.gates.pii.names import scan_names

    pets = ["Andre", "Cody", "Millie", "Sebastian", "Madeline", "Lucy", "Max", "Bella"] * 40
    things = {
        "county.name": ["AITKIN", "BECKER", "BELTRAMI", "BENTON", "CARLTON", "CLAY"] * 50,
        "animal_name": pets,
        "mfr_name": ["aston martin", "Honda", "Ferrari", "Ford", "Lincoln", "Mercedes"] * 50,
        "title": ["Indiana Jones and the Last Crusade", "Harry Potter and the Goblet"] * 50,
        "Name_of_Covered_Entity": ["Gail Gillespie and Associates, LLC"] * 10,
    }
    for column, cells in things.items():
        assert names_things(column), column
        signal = scan_signal(column)
        assert scan_names(pa.array(cells), np.arange(len(cells)), signal, lambda v: False) is None
    states = ["Alabama", "Arizona", "Colorado", "Delaware", "Florida", "Georgia", "Virginia"]
    states += ["Kentucky", "Texas", "Ohio", "Utah", "Nevada", "Idaho", "Montana"]
    assert scan_names(pa.array(states), np.arange(len(states)), "name", lambda v: False) is None
    assert scan_signal("Name") == "name"
    assert not names_things("first_name")
    firsts = ["Allison", "Kristen", "Lakisha", "Latonya", "Carrie", "Kenya", "Virginia"] * 20
    found = scan_names(pa.array(firsts), np.arange(len(firsts)), "name", lambda v: False)
    assert found is not None
    assert found.count == len(firsts)


def test_a_column_of_names_counts_the_names_the_lexicon_lacks() -> None:
    """Misses from a published table (Vega's la-riots): first names with middle initials
    ("Cesar A."), surnames with a suffix ("Davis Jr."), and names no list holds ("Tranh",
    "Nissar") in `first_name` / `last_name` columns. In a column named for names and judged
    to hold them, every cell shaped like a name is one; without the name signal, a word the
    lexicon lacks is none."""
    import pyarrow as pa

    from mlgate.gates.pii.names import scan_names

    lex = lexicon()
    assert name_cell_kind("Cesar A.", lex) == "first"
    assert name_cell_kind("Kevin J. R.", lex) == "first"
    assert name_cell_kind("Neal Jr.", lex, loose=True) is not None
    firsts = ["Cesar A.", "Brian E.", "George", "Vivian", "Tranh", "Nissar", "Imad", "Juan V."]
    lasts = ["Aguilar", "Alvarez", "Garcia", "Nguyen", "Davis Jr.", "Neal Jr.", "Bettan", "Orebo"]
    for column, cells in (("first_name", firsts * 5), ("last_name", lasts * 5)):
        found = scan_names(pa.array(cells), np.arange(len(cells)), "name", lambda v: False)
        assert found is not None, column
        assert found.count == len(cells), column
    # without the signal, the column is judged on the names the lexicon has, and the words
    # it lacks are not findings
    many = ([*firsts, "Maria", "Peter", "Anna", "Laura", "Daniel"]) * 5
    found = scan_names(pa.array(many), np.arange(len(many)), None, lambda v: False)
    assert found is not None
    assert found.count == len(many) - 3 * 5  # not Tranh, Nissar, Imad


def test_column_names_of_figures_derived_from_personal_data_are_no_signals() -> None:
    """Hard negatives from R's published datasets: a birth weight, a birth rate, a
    three-season porch (`X3Ssn.Porch`), pieces of mail, an iPhone, a gene (`PTTG1IP`) are not
    dates of birth, SSNs, e-mails, phones or IP addresses."""
    derived = [
        "BirthWeightOz", "birth_rate", "life_exp_at_birth", "birthOrd", "Birth.outcome",
        "birth_pl", "foreignBorn", "piecesOfMail", "voice_mail_plan", "has_email_address",
        "sent_email", "phone_service", "iPhone", "Mobile_developer", "X3Ssn.Porch",
        "x.PTTG1IP", "frac_black_emp_zip",
    ]  # fmt: skip
    assert {c: column_signal(c) for c in derived if column_signal(c)} == {}
    kept = {
        "dob_child1": "date_of_birth",
        "birth_year": "date_of_birth",
        "phone2": "phone",
        "mail": "email",
        "name_child2": "name",
        "IncName": "name",
        "SSN": "us_ssn",
    }
    assert {c: column_signal(c) for c in kept} == kept


def test_name_pairs_in_free_text() -> None:
    lex = lexicon()
    text = (
        "Dear Jennifer Smith, call John O'Brien or Jane A. Doe. "
        "Grand Theft Auto in New York. 0   Maria    Rossi   34"
    )
    assert name_pairs(text, lex) == [
        "Jennifer Smith",
        "John O'Brien",
        "Jane A. Doe",
        "Maria    Rossi",
    ]
    assert name_pairs("the model card says Accuracy Drops on Monday", lex) == []
    # places and organisations named after people are not people (hard negatives from
    # free text: addresses, stations, hospitals); Park, Hall, Post stay surnames
    for place in (
        "shipped to 12 Martin Luther King Blvd today",
        "took the train from Victoria Station to Paddington",
        "Henry Ford Hospital emergency room",
        "Jane Smith Street 4",
    ):
        assert name_pairs(place, lex) == [], place
    assert name_pairs("met Jane Park and Emily Post at the station", lex) == [
        "Jane Park",
        "Emily Post",
    ]
    # places and date ranges in prose: a first name before a country, a state, a river or
    # a month is no person ("Orlando Florida", "Charlotte North Carolina", "Jan Mar")
    for place in (
        "we met in Paris France",
        "office in Charlotte North Carolina",
        "from Adelaide South Australia",
        "Orlando Florida and Washington State",
        "along the Jordan River to Sydney Harbour",
        "sales for Jan Mar 2024, report for April May June",
        # from R's published datasets: institutions, reefs and islands named after people
        "OCR opened an investigation of Newark Beth Israel Medical Center",
        "Robert Morgan Educational Center and Technical College",
        "Hobart and William Smith Colleges",
        "John Deere Health Benefit Plan for Wage Employees",
        "Pearl and Hermes Reef",
        "Saint Helena, Ascension, and Tristan da Cunha",
        "Svalbard and Jan Mayen",
    ):
        assert name_pairs(place, lex) == [], place
    people = "June Carter, Theresa May, Michael Jordan, Kanye West and Denzel Washington Jr."
    assert name_pairs(people, lex) == [
        "June Carter",
        "Theresa May",
        "Michael Jordan",
        "Kanye West",
        "Denzel Washington Jr",  # a generational suffix belongs to the name
    ]
    assert name_pairs("at 1 Martin Luther King Jr Blvd", lex) == []


def test_dates_of_birth() -> None:
    text = (
        "patient born 12/03/1985, DOB: 1990-01-02; date of birth 3 March 1970; "
        "geboren 01.02.1960; born on March 3, 2030; admitted 2020-01-01"
    )
    assert birth_dates_in_text(text, TODAY) == [
        "12/03/1985",
        "1990-01-02",
        "3 March 1970",
        "01.02.1960",
    ]  # 2030 lies in the future; the admission date has no birth context
    cells = ["1985-03-12", "12.03.1985", "1985-03-12 00:00:00", "2030-01-01", "1850-01-01", "x"]
    assert [birth_date_cell(c, TODAY) for c in cells] == [True, True, True, False, False, False]
    # compact dates, as HL7 and many exports write them (found missed in a `dob` column of
    # 19850312 values, as text and as integers); impossible or future ones are not
    compact = ["19850312", " 20011231 ", "19850230", "20300101", "1985031", "198503120"]
    assert [birth_date_cell(c, TODAY) for c in compact] == [True, True, False, False, False, False]
    # more ways exports write them: Oracle's 12-MAR-1985, ISO date-times with "T" (JSON),
    # ordinals; two-digit years stay ambiguous
    written = [
        "12-MAR-1985",
        "12/Mar/1985",
        "1985-03-12T00:00:00Z",
        "1985-03-12T08:30:00.000+01:00",
    ]
    written += ["March 12th, 1985", "12th March 1985", "12-Mar-85"]
    assert [birth_date_cell(c, TODAY) for c in written] == [True] * 6 + [False]
    assert birth_dates_in_text("DOB 3rd May 1979, born 12-Mar-1985", TODAY) == [
        "3rd May 1979",
        "12-Mar-1985",
    ]


def test_compact_birth_dates_are_found_by_value(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    """A `dob` column of 19850312-style dates, as integers and as text, is flagged by value
    (it was flagged only by its name); the same numbers in a column of ids are not."""
    rng = np.random.default_rng(6)
    born = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 50 * 365, 300), "D")
    compact = born.strftime("%Y%m%d")
    pd.DataFrame(
        {"dob": compact.astype(int), "birth_date": compact, "order_id": compact}
    ).to_parquet(tmp_path / "t.parquet")
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  t: {path: t.parquet}\ngates:\n"
        "  - {id: pii, type: pii, data: t, entities: [date_of_birth, phone]}\n",
    )
    checks = checks_of(cli("check", policy, "-q", "-f", "json"))
    groups = {g["group"]: g["n"] for g in checks["date_of_birth"]["evidence"]["groups"]}
    assert groups == {"column dob (rows, from 0)": 300, "column birth_date (rows, from 0)": 300}
    assert checks["phone"]["observed"] == 0
    assert "1985" not in json.dumps(checks)


def test_column_names_are_matched_on_tokens() -> None:
    signals = {
        c: column_signal(c)
        for c in (
            "first",
            "last",
            "FirstName",
            "given_name",
            "lname",
            "first_seen",
            "last_login",
            "email_addr",
            "EmailAddr",
            "product_name",
            "customer_name",
            "patient_dob",
            "birth_year",
            "born",
            "IPAddress",
            "telemetry",
            "zip",
        )
    }
    assert signals == {
        "first": "name",
        "last": "name",
        "FirstName": "name",
        "given_name": "name",
        "lname": "name",
        "first_seen": None,
        "last_login": None,
        "email_addr": "email",
        "EmailAddr": "email",
        "product_name": None,
        "customer_name": "name",
        "patient_dob": "date_of_birth",
        "birth_year": "date_of_birth",
        "born": "date_of_birth",
        "IPAddress": "ip_address",
        "telemetry": None,
        "zip": "postcode",
    }
    categories = {
        c: special_category(c)
        for c in ("race", "Ethnicity", "religion", "diagnosis_code", "union_member", "sex", "age")
    }
    assert categories == {
        "race": "racial_or_ethnic_origin",
        "Ethnicity": "racial_or_ethnic_origin",
        "religion": "religion_or_belief",
        "diagnosis_code": "health",
        "union_member": "trade_union_membership",
        "sex": None,
        "age": None,
    }


def people_table(n: int = 400, seed: int = 1) -> pd.DataFrame:
    """Names of eight locales, birth dates, a special category, and look-alikes that are
    not personal data: pandas timestamps, UUIDs, case numbers, cities, jobs, charges."""
    fakers = [Faker(loc) for loc in LOCALES]
    for i, fake in enumerate(fakers):
        fake.seed_instance(seed + i)
    rows = []
    for i in range(n):
        fake = fakers[i % len(fakers)]
        stamp = pd.Timestamp("2013-01-01") + pd.Timedelta(seconds=i * 7919)
        rows.append(
            {
                "id": f"{i:012d}",
                "first": fake.first_name(),
                "last": fake.last_name(),
                "dob": fake.date_of_birth(minimum_age=18, maximum_age=90).isoformat(),
                "race": ["A", "B", "C"][i % 3],
                "note": f"visit by {fake.first_name()} {fake.last_name()} at {stamp}",
                "screening_date": str(stamp),
                "booked": f"{stamp}.{i:06d}",
                "request": str(Faker().uuid4()) if i % 2 else f"case {2019 + i % 5}-{i:06d}",
                "city": fakers[2].city(),
                "job": Faker("en_US").job(),
                "charge": [
                    "Battery on Law Enforc Officer",
                    "Grand Theft in the 3rd Degree",
                    "Possession of Cannabis",
                    "Driving While License Revoked",
                ][i % 4],
            }
        )
    return pd.DataFrame(rows)


def checks_of(result: Result) -> dict[str, dict[str, Any]]:
    report = json.loads(result.out)
    return {c["name"]: c for g in report["gates"] for c in g["checks"]}


def test_a_table_of_people_is_flagged_by_value_and_by_name(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    frame = people_table()
    frame.to_csv(tmp_path / "people.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  people: {path: people.csv}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: people\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    checks = checks_of(result)
    observed = {name: c["observed"] for name, c in checks.items()}
    places = {
        name: {g["group"] for g in c["evidence"]["groups"]}
        for name, c in checks.items()
        if name in ("person_name", "date_of_birth")
    }
    assert places == {
        "person_name": {
            "column first (rows, from 0)",
            "column last (rows, from 0)",
            "column note (rows, from 0)",
        },
        "date_of_birth": {"column dob (rows, from 0)"},
    }
    assert observed["date_of_birth"] == 400
    # nearly every first name and surname is found (names of eight locales); in free text
    # a first name that is also a word ("Dawn Lopez", "Mark Jüttner") is not
    person = {g["group"].split()[1]: g["n"] for g in checks["person_name"]["evidence"]["groups"]}
    assert person["first"] >= 0.95 * 400, person
    assert person["last"] >= 0.95 * 400, person
    assert person["note"] >= 0.9 * 400, person
    # look-alikes: no phone, card, SSN or IBAN in timestamps, UUIDs, case numbers or ids
    for name in ("email", "phone", "credit_card", "us_ssn", "iban", "ip_address"):
        assert observed[name] == 0, (name, checks[name]["evidence"]["groups"])
    assert "first (name), last (name), dob (date_of_birth)" in checks["column_names"]["message"]
    assert observed["special_categories"] == 1
    assert "race (racial_or_ethnic_origin)" in checks["special_categories"]["message"]
    assert result.code == 1
    # never raw: no name of the table appears in any output
    for fmt in ("text", "markdown", "sarif", "json"):
        out = cli("check", policy, "-q", "-f", fmt).out
        for value in frame["last"].head(50):
            assert f" {value}" not in out, (fmt, value)
            assert f'"{value}' not in out, (fmt, value)


def test_the_same_table_without_personal_columns_passes(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    frame = people_table().drop(columns=["first", "last", "dob", "race", "note"])
    frame.to_csv(tmp_path / "clean.csv", index=False)
    policy = write(
        "mlgate.yaml",
        "version: 1\ninputs:\n  clean: {path: clean.csv}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: clean\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    assert {n: c["observed"] for n, c in checks_of(result).items()} == {
        "email": 0,
        "phone": 0,
        "credit_card": 0,
        "us_ssn": 0,
        "iban": 0,
        "ip_address": 0,
        "person_name": 0,
        "date_of_birth": 0,
        "column_names": 0,
        "special_categories": 0,
    }
    assert result.code == 0


def test_special_categories_used_for_fairness_are_explained_not_failed(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "y": [0, 1] * 100,
            "p": [0, 1] * 100,
            "race": ["a", "a", "b", "b"] * 50,
            "religion": ["x", "y"] * 100,
        }
    )
    frame.to_csv(tmp_path / "d.csv", index=False)
    base = (
        "version: 1\ninputs:\n  d: {path: d.csv}\ngates:\n"
        "  - id: pii\n    type: pii\n    data: d\n    entities: [email]\n"
        "    special_categories:\n      severity: error\n"
    )
    policy = write("mlgate.yaml", base)
    result = cli("check", policy, "-q", "-f", "json")
    special = checks_of(result)["special_categories"]
    assert (special["observed"], special["outcome"], result.code) == (2, "fail", 1)
    policy = write(
        "mlgate.yaml",
        base
        + "      allow: [{column: religion, purpose: 'bias audit approved by the DPO (ref 42)'}]\n"
        "  - id: fairness\n    type: fairness\n    data: d\n    label: y\n    prediction: p\n"
        "    sensitive_features: [race]\n    metrics: {demographic_parity_difference: {max: 1}}\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    special = checks_of(result)["special_categories"]
    assert (special["observed"], special["outcome"]) == (0, "pass")
    assert (
        "race (racial_or_ethnic_origin): declared sensitive feature of gate `fairness`"
        in (special["message"])
    )
    assert "bias audit approved by the DPO (ref 42)" in special["message"]
    assert result.code == 0


def test_names_in_a_notebook_output_are_found(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    head = (
        "  first     last         dob\n0  Jennifer  Schneider  1985-03-12\n"
        "1  Pierre    Dubois     1979-11-02\n"
    )
    notebook = {
        "cells": [
            {"cell_type": "code", "source": "df.head()", "outputs": [{"text": head}]},
            {"cell_type": "markdown", "source": "Results for New York, by Grand Theft Auto."},
        ]
    }
    (tmp_path / "eda.ipynb").write_text(json.dumps(notebook))
    policy = write(
        "mlgate.yaml",
        "version: 1\ngates:\n  - id: pii\n    type: pii\n    paths: ['*.ipynb']\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    person = checks_of(result)["person_name"]
    assert person["observed"] == 2
    assert person["evidence"]["groups"][0]["group"].endswith("eda.ipynb (cells, output)")
    assert person["evidence"]["groups"][0]["examples"] == "J*** S***, P*** D***"
    assert "Schneider" not in result.out
    assert "Dubois" not in result.out


@pytest.mark.parametrize("personal", [False, True])
def test_init_on_a_table_of_people(cli: Run, tmp_path: Path, personal: bool) -> None:
    frame = people_table(200)
    if not personal:
        frame = frame.drop(columns=["first", "last", "dob", "race", "note"])
    frame.to_csv(tmp_path / "people.csv", index=False)
    out = tmp_path / "mlgate.yaml"
    assert cli("init", "--data", tmp_path / "people.csv", "--out", out).code == 0
    text = out.read_text()
    for value in frame.get("last", pd.Series(dtype=str)).head(50):
        assert value not in text  # no name is written into the policy
    result = cli("check", out, "-q", "-f", "json")
    failed = sorted(
        n for n, c in checks_of(result).items() if c["outcome"] in ("fail", "error", "warn")
    )
    if personal:
        assert failed == [
            "column_names",
            "date_of_birth",
            "person_name",
            "special_categories",
        ], failed
        assert "special categories (GDPR Art. 9): race" in text
        assert result.code == 1
    else:
        assert failed == [], failed
        assert result.code == 0


def test_the_gdpr_pack_fails_on_special_categories_without_a_purpose(
    cli: Run, write: Callable[..., Path], tmp_path: Path
) -> None:
    pd.DataFrame({"income": [1.0, 2.0] * 10, "ethnicity": ["a", "b"] * 10}).to_csv(
        tmp_path / "train.csv", index=False
    )
    (tmp_path / "card.md").write_text("# Card\n\n## Personal data\n\nEthnicity, for audits.\n")
    head = (
        "version: 1\nextends: [builtin:gdpr-pii]\ninputs:\n  train: {path: train.csv}\n"
        "  model_card: {path: card.md}\n"
    )
    policy = write("mlgate.yaml", head)
    result = cli("check", policy, "-q", "-f", "json")
    special = checks_of(result)["special_categories"]
    assert (special["outcome"], result.code) == ("fail", 1)
    assert "gdpr:art9" in special["controls"]
    policy = write(
        "mlgate.yaml",
        head + "gates:\n  - id: no-pii\n    special_categories:\n      allow:\n"
        "        - {column: ethnicity, purpose: 'bias monitoring, DPIA 2026-04'}\n",
    )
    result = cli("check", policy, "-q", "-f", "json")
    special = checks_of(result)["special_categories"]
    assert (special["outcome"], result.code) == ("pass", 0), special["message"]
