"""Person names and dates of birth without NLP models.

Names come from a shipped lexicon (``data/names.tsv.gz``: US Census 1990 name files and
Faker's person-name lists of every locale; provenance and licences in ``data/NAMES.md``),
compared case- and accent-insensitively. A lexicon name that is also an ordinary English
word ("Will", "May", "Brown") is *common* and never makes a name on its own.

- In a dataset column, names are judged **per column**: a column in which at least half the
  non-empty cells are names ("Jane Smith", "Smith, Jane", "Jane", or "Smith" in a column
  whose name says it holds names) is a name column, and each of its name cells is a finding;
  a stray name in a column of something else is not.
- In free text (longer cells, lines of files, notebook outputs such as ``df.head()``), a
  capitalised first name that is not a common word followed by a capitalised surname
  ("Jane Smith", "Jane A. Smith") is a finding.
- A date of birth is a date whose implied age is plausible (0–120 years) in a column whose
  name says birth date, or after "born", "DOB", "date of birth", "geb.", "né le" ... in text.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.gates.pii.detect import Findings

DATA = Path(__file__).resolve().parent / "data"

# the share of a column's non-empty cells that must be names for the column to count
COLUMN_SHARE = 0.5


def fold(text: str) -> str:
    """Lower case without accents: how names are compared."""
    if text.isascii():  # nothing to decompose (most words: a third of the names' scan time)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Lexicon:
    """First names, surnames and the names that are also common words (all folded)."""

    first: frozenset[str]
    surname: frozenset[str]
    common: frozenset[str]  # words that are never a name on their own ("will", "brown")
    not_first: frozenset[str]  # words that are never a first name ("north", "silver")


@functools.cache
def lexicon() -> Lexicon:
    """The shipped lexicon (read once per process, about 0.1 s)."""
    first, surname, common, not_first = set(), set(), set(), set(PLACE_WORDS)
    with gzip.open(DATA / "names.tsv.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            name, _, flags = line.rstrip("\n").partition("\t")
            if "f" in flags:
                first.add(name)
            if "s" in flags:
                surname.add(name)
            if "c" in flags:
                common.add(name)
            if "w" in flags or "c" in flags:
                not_first.add(name)
    return Lexicon(frozenset(first), frozenset(surname), frozenset(common), frozenset(not_first))


# first words of place names that are also first names ("Santa Monica", "Monte Carlo")
PLACE_WORDS = frozenset(
    {
        "santa", "san", "santo", "sao", "monte", "mont", "saint", "sainte", "st", "fort", "port",
        "mount", "lake", "glen", "bad", "el", "la", "los", "las", "new", "north", "south",
        "east", "west", "upper", "lower", "great", "little", "old", "porto", "villa", "bay", "rio",
    }
)  # fmt: skip


# --------------------------------------------------------------------------- names

# RE2 (pyarrow's column-wise filter): a cell of one to five words of letters
NAME_CELL = r"^\s*\pL[\pL'’.-]*(?:,?\s+\pL[\pL'’.-]*){0,4}\s*$"
# RE2 candidate filter for free text: capitalised words, maybe with an initial or particles
# between them ("Jane A. Doe", "Loek van de Kooij", "John O'Brien")
# (nested counted repetition over Unicode classes makes RE2 fall back to its slow engine: the
# pattern with `{0,3}` over alternatives ran at 8 MB/s, this one at 250 MB/s)
PAIR_CANDIDATE = r"\p{Lu}\p{Ll}+[ \t]+(?:[\p{Ll}'][\p{Ll}]{0,4}[ \t]+)*\p{Lu}"
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*\.?")
GAP = re.compile(r"[ \t]+")


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(ch.islower() for ch in word[1:])


def _is_first(word: str, lex: Lexicon) -> bool:
    key = fold(word.rstrip("."))
    return key in lex.first and key not in lex.not_first


def _is_surname(word: str, lex: Lexicon) -> bool:
    return fold(word.rstrip(".")) in lex.surname


# what tables write for missing or ordinary values ("nan", "NA", "NULL", "OK") and the name
# lists also hold as names (the Chinese given names Na and Nan, the surname Ok): written so,
# in lower or upper case or as NaN/NaT, a cell that is only this is a value, not a name
PLACEHOLDERS = frozenset({"na", "nan", "nat", "null", "nil", "none", "ok", "okay", "tbd", "tba"})


def is_placeholder(word: str) -> bool:
    """A missing-value or status word as data writes it (not as a name is written)."""
    folded = word.casefold()
    return folded in PLACEHOLDERS and (
        word.islower() or word.isupper() or word in ("NaN", "NaT", "None")
    )


# generational suffixes after a surname
SUFFIXES = frozenset({"Jr", "Sr", "II", "III", "IV"})

# surname particles ("van de Kooij", "de la Cruz"): skipped when a surname is looked up
PARTICLES = frozenset(
    {
        "van", "von", "de", "der", "den", "del", "della", "di", "da", "das", "dos", "du", "le",
        "la", "les", "ter", "ten", "'t", "el", "al", "bin", "ibn", "st",
    }
)  # fmt: skip


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[1] == "." and word[0].isupper()


def name_cell_kind(text: str, lex: Lexicon, loose: bool = False) -> str | None:
    """``full``, ``first`` or ``surname`` when the whole cell is a name, else None.

    ``loose``: names that are also common words count too (for cells of a column already
    judged to hold names: "Green" in a surname column)."""
    words = text.replace(",", " , ").split()
    if len(words) == 1 and is_placeholder(words[0]):  # "nan", "NA", "OK": no name
        return None
    if "," in words:  # "Smith, Jane" / "Smith, Jane A."
        if words.count(",") != 1 or words.index(",") == 0:
            return None
        at = words.index(",")
        words = words[at + 1 :] + words[:at]
    if len(words) > 1 and words[-1].rstrip(".") in SUFFIXES:  # "Davis Jr.", "Koch II"
        words = words[:-1]
    if not 1 <= len(words) <= 5 or not all(WORD.fullmatch(w) for w in words):
        return None
    particles = [w for w in words[:-1] if w.casefold() in PARTICLES]
    if len(particles) == len(words) - 1 and particles:  # "de Wit", "van der Berg"
        return "surname" if fold(words[-1]) in lex.surname else None
    if len(words) == 1:
        key = fold(words[0])
        if key in lex.common and not loose:
            return None
        if key in lex.first and key not in lex.not_first:  # "west" is no first name alone
            return "first"
        return "surname" if key in lex.surname else None
    first_ok = _is_first(words[0], lex) or (loose and fold(words[0]) in lex.first)
    if first_ok and _is_surname(words[-1], lex):
        return "full"
    # a first name and initials, as first-name columns hold them ("Cesar A.", "Kevin J. R.")
    if first_ok and all(_is_initial(w) for w in words[1:]):
        return "first"
    if len(words) == 2:
        one, two = words
        # an initial and a surname ("J. Dupont", "Dupont, J."): counted like a surname alone
        if len(one.rstrip(".")) == 1 and one[0].isupper() and _is_surname(two, lex):
            return "surname"
        # the surname first, as French, Hungarian and East Asian records write names
        # ("DUPONT Jean", "Nagy Péter"): a surname that is no word, then a first name
        key = fold(one)
        if (
            key in lex.surname
            and key not in lex.common
            and key not in lex.first
            and key not in PLACE_WORDS
            and _is_first(two, lex)
        ):
            return "full"
    return None


def name_pairs(text: str, lex: Lexicon, words: list[re.Match[str]] | None = None) -> list[str]:
    """ "First Surname" pairs in free text (capitalised; the first name not a common word),
    with an initial or surname particles between them ("Jane A. Doe", "Loek van de Kooij").
    ``words``: the text's :data:`WORD` matches, when the caller has them."""
    out = []
    words = list(WORD.finditer(text)) if words is None else words
    i = 0
    while i < len(words) - 1:
        first = words[i]
        word = first.group(0)
        after_place = i > 0 and (
            fold(words[i - 1].group(0).rstrip(".")) in PLACE_WORDS
            and GAP.fullmatch(text[words[i - 1].end() : first.start()]) is not None
        )
        if (
            _capitalised(word)
            and not word.endswith(".")
            and not after_place
            and _is_first(word, lex)
        ):
            j = i + 1
            while j < len(words) - 1 and j - i <= 3:
                between = words[j].group(0)
                initial = _is_initial(between)
                # a second first name before the surname: "María Fernanda Miranda"
                second = (
                    _capitalised(between)
                    and _is_first(between, lex)
                    and not _is_surname(between, lex)
                )
                if not (initial or second or between.casefold() in PARTICLES):
                    break
                if not GAP.fullmatch(text[words[j - 1].end() : words[j].start()]):
                    break
                j += 1
            last = words[j]
            surname = last.group(0)
            if (
                GAP.fullmatch(text[words[j - 1].end() : last.start()])
                and _capitalised(surname)
                and _is_surname(surname, lex)
            ):
                # compound names: "Jose Luis Garcia", "Maria Pilar Lopez Ruiz"
                while (
                    j + 1 < len(words)
                    and j - i < 4
                    and not words[j].group(0).endswith(".")
                    and GAP.fullmatch(text[words[j].end() : words[j + 1].start()])
                    and _capitalised(words[j + 1].group(0))
                    and _is_surname(words[j + 1].group(0), lex)
                    and fold(words[j + 1].group(0).rstrip(".")) not in NAMED_AFTER
                ):
                    j += 1
                    last = words[j]
                # a generational suffix belongs to the name: "Danielle Koch II"
                if (
                    j + 1 < len(words)
                    and words[j + 1].group(0).rstrip(".") in SUFFIXES
                    and GAP.fullmatch(text[last.end() : words[j + 1].start()])
                ):
                    j += 1
                    last = words[j]
                if not _named_after(text, words, i, j):
                    out.append(text[first.start() : last.end()].rstrip("."))
                i = j + 1
                continue
        i += 1
    return out


# words that make a name before them a place, an organisation or an award: "Martin Luther
# King Blvd", "Henry Ford Hospital", "Jane Park Hotel"
NAMED_AFTER = frozenset(
    {
        "street", "st", "road", "rd", "avenue", "ave", "boulevard", "blvd", "lane", "ln",
        "drive", "way", "place", "square", "sq", "highway", "hwy", "parkway", "pkwy", "court",
        "terrace", "heights", "gardens", "station", "airport", "hospital", "clinic", "park",
        "bridge", "hotel", "university", "college", "school", "academy", "institute", "center",
        "centre", "church", "cathedral", "hall", "building", "tower", "museum", "library",
        "stadium", "arena", "theatre", "theater", "post", "times", "herald", "tribune",
        "journal", "gazette", "foundation", "trust", "inc", "ltd", "llc", "corp", "company",
        "bank", "award", "prize", "memorial", "county", "island", "lake", "river", "valley",
        "beach", "bay", "mountain", "mount",
        # institutions and firms named after people, in published tables ("Beth Israel
        # Medical Center", "Robert Morgan Educational Center", "William Smith Colleges")
        "medical", "health", "dental", "educational", "technical", "community", "colleges",
        "universities", "schools", "hospitals", "institutes", "centers", "centres",
        "associates", "partners", "enterprises", "industries", "holdings", "elementary",
        "high", "regional", "fund", "scholarship", "fellowship", "gallery", "reef", "islands",
    }
)  # fmt: skip
# ... of which these are in the surname lists but hardly anyone's surname: as the last word
# of a pair they make it a place too ("Victoria Station"); Park, Hall, Lane, Church, Post,
# Street (New Zealand), Company (Catalonia) are people's surnames and stay ("Jane Park")
NOT_SURNAMES = frozenset(
    {
        "road", "avenue", "boulevard", "blvd", "highway", "parkway", "square",
        "terrace", "heights", "station", "airport", "hospital", "clinic", "university",
        "college", "school", "academy", "institute", "center", "centre", "cathedral",
        "building", "museum", "library", "stadium", "arena", "theatre", "theater", "tribune",
        "gazette", "herald", "journal", "foundation", "inc", "ltd", "llc", "corp", "award",
        "prize", "memorial", "county", "hotel", "river", "harbour", "harbor", "state",
        "creek", "falls", "springs", "city", "coast", "islands", "reef", "atoll", "glacier",
        "peninsula", "canyon",
    }
)  # fmt: skip


# countries, US states and Canadian and Australian provinces that are hardly anyone's
# surname: "Paris France", "Orlando Florida" are places (Jordan, Washington, Wales, Israel,
# Montana, Montenegro, Monaco and Palau are people's surnames too and are left out)
PLACES = frozenset(
    """
    afghanistan albania algeria andorra angola argentina armenia australia austria azerbaijan
    bahamas bahrain bangladesh barbados belarus belgium belize benin bhutan bolivia bosnia
    botswana brazil brunei bulgaria burundi cambodia cameroon canada chile china colombia
    comoros congo croatia cuba cyprus czechia denmark djibouti ecuador egypt eritrea estonia
    eswatini ethiopia fiji finland france gabon gambia georgia germany ghana greece grenada
    guatemala guinea guyana haiti honduras hungary iceland india indonesia iran iraq ireland
    italy jamaica japan kazakhstan kenya kiribati kosovo kuwait kyrgyzstan laos latvia
    lebanon lesotho liberia libya liechtenstein lithuania luxembourg madagascar malawi
    malaysia maldives mali malta mauritania mauritius mexico micronesia moldova
    mongolia morocco mozambique myanmar namibia nauru nepal netherlands nicaragua
    niger nigeria norway oman pakistan palestine panama paraguay peru philippines
    poland portugal qatar romania russia rwanda samoa senegal serbia seychelles singapore
    slovakia slovenia somalia spain sudan suriname sweden switzerland syria taiwan tajikistan
    tanzania thailand togo tonga tunisia turkmenistan tuvalu uganda ukraine uruguay
    uzbekistan vanuatu venezuela vietnam yemen zambia zimbabwe england scotland britain
    europe africa asia america
    alabama alaska arizona arkansas california colorado connecticut delaware florida hawaii
    idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia wisconsin wyoming
    alberta ontario quebec manitoba saskatchewan newfoundland yukon nunavut queensland
    tasmania
    """.split()  # noqa: SIM905 (a word list reads better as words)
)
# places of two or three words that begin with a name or a surname ("Charlotte North
# Carolina", "Adelaide South Australia")
PLACE_PHRASES = frozenset(
    {
        "north carolina", "south carolina", "north dakota", "south dakota", "west virginia",
        "new york", "new jersey", "new mexico", "new hampshire", "rhode island",
        "south australia", "western australia", "new south wales", "northern territory",
        "british columbia", "nova scotia", "new brunswick", "new zealand", "south africa",
        "south korea", "north korea", "costa rica", "puerto rico", "sri lanka", "hong kong",
        "saudi arabia", "sierra leone", "el salvador", "united states", "united kingdom",
        "south sudan", "east timor", "tristan da cunha", "jan mayen",
    }
)  # fmt: skip
# month and weekday names: two of them together are a date range, not a person ("Jan Mar",
# "April May June"); one of them beside a surname still is a name ("June Carter")
CALENDAR = frozenset(
    {
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december", "mon", "tue", "wed", "thu", "fri",
        "sat", "sun", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday",
    }
)  # fmt: skip


def _named_after(text: str, words: list[re.Match[str]], i: int, j: int) -> bool:
    """Whether the name of words ``i`` to ``j`` names a place, an organisation or a date
    range: one of its surnames is a :data:`NOT_SURNAMES` or :data:`PLACES` word, or begins a
    :data:`PLACE_PHRASES` place, or the word right after it is a :data:`NAMED_AFTER` word,
    or its first and last words are months or weekdays."""
    keys = [fold(w.group(0).rstrip(".")) for w in words[i : min(j + 3, len(words))]]
    rest = keys[1 : j - i + 1]
    if any(k in NOT_SURNAMES or k in PLACES for k in rest):
        return True
    for at in range(j - i + 1):  # "Tristan da Cunha"; "North Carolina" from a surname on
        if " ".join(keys[at : at + 2]) in PLACE_PHRASES or " ".join(keys[at : at + 3]) in (
            PLACE_PHRASES
        ):
            return True
    if keys[0] in CALENDAR and keys[j - i] in CALENDAR:
        return True
    if j + 1 < len(words) and GAP.fullmatch(text[words[j].end() : words[j + 1].start()]):
        return keys[j - i + 1] in NAMED_AFTER
    return False


def mask_name(value: str) -> str:
    """Initials only: ``J*** S****``."""
    return " ".join(w[:1] + "*" * 3 for w in value.replace(",", " ").split())


def name_column(
    texts: Iterable[tuple[str, int]], signal: bool, lex: Lexicon, total: int
) -> tuple[bool, dict[str, str]]:
    """Whether a column of ``total`` non-empty cells is a name column, and its name cells.

    ``texts`` are (distinct text, count) pairs of the cells that look like words. The share
    is judged on unambiguous names; surnames on their own count only when the column's name
    says it holds names (``signal``): a column of cities or colours is full of surnames.
    A column of a few categories is no name column because some of them are names
    (status "OK"/"FAIL", "Christian"/"Muslim"/"Jewish"/"Hindu"): the names must be
    :data:`NAME_MIN_DISTINCT` distinct values, or all of its values (single first names in a
    column not named for names: :data:`SINGLE_MIN_DISTINCT`, so that a column of the cities
    Austin, Dallas and Madison is none); missing values written out ("nan", "NULL":
    :func:`is_placeholder`) are left out of the judgement, and places (a column of US states
    or countries) do not count as names in it.
    Once judged a name column, names that are also words or places count as findings too,
    and so does every cell shaped like a name when the column's name says names (names the
    lexicon lacks: "Tranh", "Nissar" among first names).
    """
    kinds: dict[str, str] = {}
    counted = 0
    values: set[str] = set()
    named: set[str] = set()
    full = False
    for text, count in texts:
        if is_placeholder(text.strip()):  # missing values written out: not counted
            total -= count
            continue
        key = fold(" ".join(text.split()))
        values.add(key)
        strict = name_cell_kind(text, lex)
        # a place ("Georgia", "Kenya", "Tristan da Cunha") does not make a column of names,
        # though it is a person's name in one ("Kenya", "Virginia" in a first-name column)
        kind = None if key in PLACES or key in PLACE_PHRASES else strict
        if kind is not None and (kind != "surname" or signal):
            counted += count
            named.add(key)
            full = full or kind == "full"
        loose = name_cell_kind(text, lex, loose=True) if signal else strict
        if loose is not None and (loose != "surname" or signal):
            kinds[text] = loose
        elif signal:  # a name the lexicon lacks ("Tranh", "Nissar"), if the column is one
            kinds[text] = "shaped"
    share = counted / total if total else 0.0
    varied = len(named) >= min(NAME_MIN_DISTINCT, len(values))
    if not signal and not full:  # single words only ("Austin", "Dallas", "Madison": cities)
        varied = len(named) >= SINGLE_MIN_DISTINCT
    return varied and share >= (COLUMN_SHARE if not signal else COLUMN_SHARE / 2), kinds


# a name column's names are this many distinct values (or every value of the column) ...
NAME_MIN_DISTINCT = 5
# ... and, when they are single words in a column whose name does not say names, this many
SINGLE_MIN_DISTINCT = 10


# --------------------------------------------------------------------------- dates of birth

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            "jan january janvier januar enero gennaio",
            "feb february fevrier février februar febrero febbraio",
            "mar march mars märz marz marzo",
            "apr april avril abril aprile",
            "may mai mayo maggio",
            "jun june juin juni junio giugno",
            "jul july juillet juli julio luglio",
            "aug august aout août agosto",
            "sep sept september septembre septiembre settembre",
            "oct october octobre oktober octubre ottobre",
            "nov november novembre noviembre",
            "dec december decembre décembre dezember diciembre dicembre",
        ]
    )
    for m in names.split()
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_TEXT = (
    r"(?P<iso>(?P<y1>1[89]\d\d|20\d\d)[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2}))"
    r"|(?P<dmy>(?P<a2>\d{1,2})[-/.](?P<b2>\d{1,2})[-/.](?P<y2>1[89]\d\d|20\d\d))"
    rf"|(?P<long>(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\.?(?:\s+|[-/])(?P<m3>{_MONTH})\.?,?"
    r"(?:\s+|[-/])(?P<y3>1[89]\d\d|20\d\d))"
    rf"|(?P<us>(?P<m4>{_MONTH})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y4>1[89]\d\d|20\d\d))"
)
DATE_RE = re.compile(rf"(?<![\d\w])(?:{DATE_TEXT})(?![\d\w])", re.IGNORECASE)
DOB_CONTEXT = (
    r"(?i)(?:\bborn(?:\s+on)?|\bd\.?o\.?b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bbirthday"
    r"|\bgeb(?:oren|\.|urtsdatum)|\bné(?:e)?\s+le|\bfecha\s+de\s+nacimiento|\bdata\s+di\s+nascita)"
)
DOB_TEXT = re.compile(DOB_CONTEXT + r"\s*(?:[:=]|\bon\b)?\s*(?P<date>" + DATE_TEXT + ")", re.I)


def parse_date(match: re.Match[str]) -> dt.date | None:
    """The date of a :data:`DATE_RE` match (day-first for ambiguous numeric dates)."""
    g = match.groupdict()
    try:
        if g["iso"]:
            return dt.date(int(g["y1"]), int(g["m1"]), int(g["d1"]))
        if g["dmy"]:
            a, b, year = int(g["a2"]), int(g["b2"]), int(g["y2"])
            day, month = (a, b) if b <= 12 else (b, a)
            return dt.date(year, month, day)
        if g["long"]:
            return dt.date(int(g["y3"]), MONTHS[g["m3"].lower()], int(g["d3"]))
        if g["us"]:
            return dt.date(int(g["y4"]), MONTHS[g["m4"].lower()], int(g["d4"]))
    except (ValueError, KeyError):
        return None
    return None


def plausible_birth(date: dt.date | None, today: dt.date) -> bool:
    """A date whose implied age is 0–120 years."""
    return date is not None and date <= today and (today - date).days <= 120 * 366


def birth_dates_in_text(text: str, today: dt.date) -> list[str]:
    """Dates of birth announced by their context in free text."""
    out = []
    for match in DOB_TEXT.finditer(text):
        inner = DATE_RE.fullmatch(match.group("date"))
        if inner and plausible_birth(parse_date(inner), today):
            out.append(match.group("date"))
    return out


# a date written without separators, as HL7 and many exports do: 19850312
COMPACT_DATE = re.compile(r"(1[89]\d\d|20\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])")


ISO_T = re.compile(r"(?<=^\d{4}-\d{2}-\d{2})T(?=\d)")


def birth_date_cell(text: str, today: dt.date) -> bool:
    """A cell of a birth-date column holding a plausible date of birth (compact dates
    such as 19850312 too: in a column named for birth dates they are not ids)."""
    value = ISO_T.sub(" ", text.strip(), count=1)  # 1985-03-12T00:00:00Z: date, then time
    compact = COMPACT_DATE.fullmatch(value)
    if compact is not None:
        try:
            born = dt.date(*(int(part) for part in compact.groups()))
        except ValueError:
            return False
        return plausible_birth(born, today)
    match = DATE_RE.match(value)
    if match is None:
        return False
    rest = value[match.end() :].strip()
    # a date-time as pandas writes it: the time part does not matter
    if rest and not re.fullmatch(r"[T ]?\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?", rest):
        return False
    return plausible_birth(parse_date(match), today)


def mask_date(value: str) -> str:
    """Digits and month names hidden: ``**/**/****``."""
    return re.sub(r"[^\W_]", "*", value)


# --------------------------------------------------------------------------- scanning


def is_prose(text: str, words: list[re.Match[str]] | None = None) -> bool:
    """Running text, not a title: some word of three or more letters is in lower case.

    In a dataset column, a cell whose words are all capitalised is a label — a city
    ("San Lorenzo Di Santi"), a company, a charge ("Felony Battery (Dom Strang)") — and
    its "pairs" count only when the column as a whole is judged to hold names. ``words``:
    the text's :data:`WORD` matches, when the caller has them."""
    if words is None:
        return any(w.islower() and len(w) >= 3 for w in WORD.findall(text))
    return any(len(w) >= 3 and w.islower() for w in (m.group(0) for m in words))


def scan_names(
    values: Any,
    positions: Any,
    signal: str | None,
    allowed: Callable[[str], bool],
    column: bool = True,
) -> Findings | None:
    """Person names in a column (judged per column) and in its free text.

    ``column``: the values are a dataset column (judged as a whole; pairs only in prose),
    not lines of a file or notebook cells (pairs everywhere, as in ``df.head()`` output).
    A column whose name says it names things (``signal`` "things": ``county_name``,
    ``animal_name``, ``title``) is not looked at."""
    import pyarrow.compute as pc

    from mlgate.gates.pii.detect import Findings, as_array, candidates, count_where, record

    if signal == "things":
        return None
    lex = lexicon()
    array = as_array(values)
    total = count_where(array, lambda a: pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(a)), 0))
    share = COLUMN_SHARE / 2 if signal == "name" else COLUMN_SHARE
    # a column whose cells are mostly not a few words cannot be a name column, whatever the
    # words are: its cells are never looked up one by one (cells of free text often are not)
    shaped = count_where(array, lambda a: pc.match_substring_regex(a, NAME_CELL))
    cells = list(candidates(array, NAME_CELL)) if total and shaped / total >= share else []
    is_column, kinds = name_column(
        ((text, len(rows)) for text, rows in cells), signal == "name", lex, total
    )
    found = Findings()
    counted: set[str] = set()
    if is_column:
        for text, rows in cells:
            if text in kinds and not allowed(text.strip()):
                record(found, rows, [mask_name(text)], positions)
                counted.add(text)
    in_text = Findings()  # a second pass over the texts: recorded apart, then merged
    for text, rows in candidates(array, PAIR_CANDIDATE):
        if text in counted:
            continue
        words = list(WORD.finditer(text))
        if column and not is_prose(text, words):
            continue
        pairs = [p for p in name_pairs(text, lex, words) if not allowed(p)]
        if pairs:
            record(in_text, rows, [mask_name(p) for p in pairs], positions)
    found.merge(in_text)
    return found if found.count else None


def scan_birth_dates(
    values: Any, positions: Any, signal: str | None, allowed: Callable[[str], bool], today: dt.date
) -> Findings | None:
    """Dates of birth: every plausible date in a birth-date column, and dates announced as
    such in free text ("born 12/03/1985", "DOB: 1985-03-12")."""
    from mlgate.gates.pii.detect import Findings, as_array, candidates, record

    array = as_array(values)
    found = Findings()
    if signal == "date_of_birth":
        for text, rows in candidates(array, r"\d"):
            if birth_date_cell(text, today) and not allowed(text.strip()):
                record(found, rows, [mask_date(text.strip())], positions)
        return found if found.count else None
    for text, rows in candidates(array, DOB_CONTEXT):
        dates = [d for d in birth_dates_in_text(text, today) if not allowed(d)]
        if dates:
            record(found, rows, [mask_date(d) for d in dates], positions)
    return found if found.count else None
