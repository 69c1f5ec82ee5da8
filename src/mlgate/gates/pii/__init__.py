"""PII gate: personal data where the policy says it must not be, never leaked in reports.

What it checks
    Dataset inputs (every string column, or the listed ones) and text-like files matched by
    ``paths:`` globs — Jupyter notebooks (cell sources and stored outputs, where leaks are
    most often committed), CSV, JSON, logs — for e-mail addresses, phone numbers (validated
    with ``phonenumbers``), credit card numbers (Luhn and issuer prefix/length), US social
    security numbers (area/group/serial rules), IBANs (per-country length and mod-97), IP
    addresses (IPv4/IPv6, optionally ignoring private ranges), person names and dates of
    birth; plus policy-defined entities (a regex and an optional built-in validator), column
    names that signal personal data values cannot reveal (name, date of birth, address,
    postcode, passport, national id, ...), and columns of special categories of personal
    data (GDPR Art. 9: racial or ethnic origin, health, religion, political opinion,
    trade-union membership, genetic and biometric data, sex life or sexual orientation).

How it decides
    Mask, then detect: dates, date-times (pandas and ISO, with fractions and time zones),
    times, UUIDs and case numbers are found first and blanked out, as are e-mails, IBANs,
    cards, SSNs and IPs, before phones (and cards) are looked for: their digits never become
    phones or cards, and a phone right after a date is still found. Cells that are only
    digits are judged per column: in a column where fewer than 60 % of them are valid phone
    (or card) numbers, they are ids; nine bare digits that pass the SSN rules are SSNs only
    in a column named for them (``ssn``, ``social_security_number``). ``person_name`` comes
    from a shipped lexicon of first names and surnames (US Census 1990 and Faker's lists of
    80+ locales; no NLP model): a column in which half the cells are names ("Jane Smith",
    "Smith, Jane", "SMITH Jane") and at least five distinct ones (or all of its values) is a
    name column (surnames alone, and an initial with a surname, count when the column's name
    says names: ``last``, ``surname``, ``patient_name``); "nan", "NULL", "OK" written as data
    writes them are values, not names; "First Surname" pairs count in free text, unless a
    street, station, hospital ... word makes them a place; a name that is also a common word
    ("Will", "Brown") never counts alone. ``date_of_birth``: plausible dates (age 0–120) in
    a birth-date column (``1985-03-12``, ``12.03.1985``, ``12-MAR-1985``, ``19850312``,
    ISO date-times), or after "born", "DOB", "date of birth", "geb." in text. Column names
    are compared as tokens: ``email_addr`` is an e-mail column, ``last_login`` and
    ``product_name`` are not names.

Why it matters
    Personal data in training data, evaluation sets or committed notebooks is a GDPR
    (Art. 5(1)(c), 9, 25) and contractual problem; finding it before the merge is cheap.

Never leaks
    Findings are reported as entity, column (or file and line / notebook cell), row
    positions and counts; example values are masked (``j***@e***.com``,
    ``**** **** **** 1234``, ``J*** S***``). No raw value reaches any report format,
    annotation, log line or error message.

Policy example::

    - id: no-pii
      type: pii
      data: train
      paths: ["notebooks/**/*.ipynb", "logs/*.log"]
      entities: [email, phone, credit_card, us_ssn, iban, ip_address, person_name]
      max_findings: 0                      # per entity; or max_rate: 0.001
      exclude_columns: [customer_hash]
      allow: {patterns: ["@example\\\\.com$"], values: ["127.0.0.1"]}
      custom_entities:
        - {name: employee_id, pattern: "EMP-\\\\d{6}"}
      column_names: {severity: warning}
      special_categories:
        severity: error
        allow: [{column: religion, purpose: "bias audit, DPIA 2026-04"}]
      controls: [gdpr:art5-1c]

Thresholds
    One check per entity: the number of findings (``max_findings``, default 0) or their
    share of the scanned values (``max_rate``); ``entities:`` may instead map each entity to
    its own threshold block. ``column_names`` and ``special_categories`` are checks of
    their own (default severity warning). A special-category column that a fairness gate
    on the same input declares as a sensitive feature, or that ``special_categories.allow``
    lists with a ``purpose``, is reported as processed on purpose, not counted.
    ``sample: {rows: 100000, seed: 0}`` scans a seeded row sample instead of every row.

Engine
    ``engine: builtin`` (default) is vectorized: one RE2 pass per entity and column through
    pyarrow (dates, times, UUIDs and case numbers masked first, so they never become phone,
    card or IP candidates), validation only on candidate rows, each distinct text once.
    Scans of 200,000 cells or more in two or more columns run on every core (columns, or an
    engine's chunks, in forked worker processes on Linux; the report is the same as from one
    process); ``MLGATE_PII_WORKERS=N`` sets the number of processes, ``1`` keeps the scan
    in the running one. ``engine:
    presidio`` (``mlgate[presidio]``) runs Microsoft Presidio's recognizers through its
    ``BatchAnalyzerEngine`` for the six pattern entities (no NLP model needed; ``presidio:
    {score_threshold: 0.5, language: en}``) and for ``person`` and ``location``, which need
    an installed spaCy model — without one the gate fails with a message saying so. Names
    from the lexicon, dates of birth and custom entities use mlgate's rules with either
    engine.

References
    GDPR Art. 4(1), 5(1)(c), 9, 25; ISO/IEC 7812 (card numbers); ISO 13616 (IBAN); SSA SSN
    randomization rules; US Census Bureau 1990 name files.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import GateError, NodePath, did_you_mean
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.gates.pii.parallel import Task, scan_jobs, workers
from mlgate.report import CheckResult
from mlgate.thresholds import Direction, Threshold

if TYPE_CHECKING:
    import pandas as pd

    from mlgate.backends import Table
    from mlgate.gates.base import RunContext
    from mlgate.gates.pii.detect import Entity, Findings
    from mlgate.gates.pii.presidio import PresidioScanner

DEFAULT_ENTITIES = [
    "email",
    "phone",
    "credit_card",
    "us_ssn",
    "iban",
    "ip_address",
    "person_name",
    "date_of_birth",
]
# found from the lexicon and date rules of ``names.py``, not by a pattern and a validator
PEOPLE = ("person_name", "date_of_birth")
NLP_ENTITIES = {"person": "PERSON", "location": "LOCATION"}
MAX_FILE_BYTES = 50 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CustomEntity(_Strict):
    """A policy-defined entity."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str = Field(min_length=1)
    validator: Literal["luhn", "credit_card", "us_ssn", "iban", "email"] | None = None


class AllowConfig(_Strict):
    """Values, patterns and columns that are not findings (test addresses, hashed ids)."""

    values: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)
    columns: list[str] = Field(default_factory=list)


class SampleConfig(_Strict):
    """Scan a seeded sample of rows instead of every row."""

    rows: int = Field(ge=1)
    seed: int = 0


class ColumnNamesConfig(_Strict):
    """The column-name signal check."""

    enabled: bool = True
    severity: Literal["error", "warning", "info"] = "warning"


class SpecialUse(_Strict):
    """A special-category column the policy processes on purpose, and why."""

    column: str = Field(min_length=1)
    purpose: str = Field(min_length=1)


class SpecialCategoriesConfig(_Strict):
    """The GDPR Art. 9 special-category check (column names)."""

    enabled: bool = True
    severity: Literal["error", "warning", "info"] = "warning"
    allow: list[SpecialUse] = Field(default_factory=list)


class PresidioConfig(_Strict):
    """Settings of ``engine: presidio``."""

    score_threshold: float = Field(default=0.5, ge=0, le=1)
    language: str = "en"


class PiiConfig(GateConfig):
    """Keys of a ``type: pii`` gate."""

    type: Literal["pii"]
    data: str | None = None
    paths: list[str] = Field(default_factory=list)
    entities: list[str] | dict[str, Threshold] = Field(
        default_factory=lambda: list(DEFAULT_ENTITIES)
    )
    custom_entities: list[CustomEntity] = Field(default_factory=list)
    columns: list[str] | None = None
    exclude_columns: list[str] = Field(default_factory=list)
    sample: SampleConfig | None = None
    allow: AllowConfig = Field(default_factory=AllowConfig)
    max_findings: int | None = Field(default=None, ge=0)
    max_rate: float | None = Field(default=None, ge=0, le=1)
    column_names: ColumnNamesConfig = Field(default_factory=ColumnNamesConfig)
    special_categories: SpecialCategoriesConfig = Field(default_factory=SpecialCategoriesConfig)
    phone_regions: list[str] = Field(
        default_factory=lambda: ["US", "GB", "DE", "FR", "ES", "IT", "NL", "CA", "AU", "IN"]
    )
    ignore_private_ips: bool = False
    engine: Literal["builtin", "presidio"] = "builtin"
    presidio: PresidioConfig = Field(default_factory=PresidioConfig)


class PiiGate(BaseGate[PiiConfig]):
    """Personal data in datasets and files (see the module docstring)."""

    type: ClassVar[str] = "pii"
    summary: ClassVar[str] = "personal data in datasets, notebooks and files (masked findings)"
    config_model: ClassVar[builtins.type[GateConfig]] = PiiConfig
    input_fields: ClassVar[tuple[str, ...]] = ("data",)

    def validate_config(self, config: PiiConfig) -> list[tuple[NodePath, str]]:
        """Something to scan, known entities, patterns that compile, one threshold kind."""
        out: list[tuple[NodePath, str]] = []
        if config.data is None and not config.paths:
            out.append(((), "nothing to scan: give `data:` (a dataset input) and/or `paths:`"))
        known = [*DEFAULT_ENTITIES, *NLP_ENTITIES, *(c.name for c in config.custom_entities)]
        for i, custom in enumerate(config.custom_entities):
            if custom.name in DEFAULT_ENTITIES:
                out.append(
                    (
                        ("custom_entities", i, "name"),
                        f"`{custom.name}` is a built-in entity; give the custom one another name",
                    )
                )
        for name in config.entities:
            if name not in known:
                out.append(
                    (
                        ("entities", name) if isinstance(config.entities, dict) else ("entities",),
                        f"unknown entity `{name}`{did_you_mean(name, known)}; "
                        f"known: {', '.join(known)}",
                    )
                )
            elif name in NLP_ENTITIES and config.engine != "presidio":
                out.append((("entities",), f"`{name}` needs `engine: presidio` (NLP)"))
        for i, custom in enumerate(config.custom_entities):
            try:
                re.compile(custom.pattern)
            except re.error as exc:
                out.append(
                    (("custom_entities", i, "pattern"), f"not a valid regular expression: {exc}")
                )
        for i, pattern in enumerate(config.allow.patterns):
            try:
                re.compile(pattern)
            except re.error as exc:
                out.append((("allow", "patterns", i), f"not a valid regular expression: {exc}"))
        if config.max_findings is not None and config.max_rate is not None:
            out.append((("max_rate",), "use either `max_findings` or `max_rate`, not both"))
        return out

    def run(self, config: PiiConfig, ctx: RunContext) -> list[CheckResult]:
        """Scan, then one check per entity and one for column names."""
        presidio = _presidio(config)
        entities = _entities(config)
        if presidio is not None:  # Presidio finds these instead of the built-in rules
            entities = {n: e for n, e in entities.items() if n not in presidio.names}
        allowed = _allow(config)
        places: list[tuple[str, dict[str, Findings]]] = []
        scanned = 0
        flagged: list[dict[str, str]] = []
        special: list[dict[str, Any]] = []
        if config.data is not None and ctx.engine(config.data) != "pandas":
            table = ctx.table(config.data)
            flagged = _column_signals(config, table.columns())
            declared = ctx.declared_sensitive(config.data)
            special = _special_columns(config, table.columns(), declared)
            count, found = _scan_table(config, table, entities, allowed, ctx.today, presidio)
            scanned += count
            places += found
        elif config.data is not None:
            frame = ctx.frame(config.data)
            flagged = _column_signals(config, list(map(str, frame.columns)))
            special = _special_columns(config, frame, ctx.declared_sensitive(config.data))
            count, found = _scan_frame(
                config, frame, entities, allowed, ctx.today, presidio, (config.data, ctx.note)
            )
            scanned += count
            places += found
        for rel, pattern in enumerate(config.paths):
            count, found = _scan_files(
                ctx, ("paths", rel), pattern, entities, allowed, _people(config), presidio
            )
            scanned += count
            places += found
        by_presidio = presidio.names if presidio is not None else []
        names = [
            n
            for n in config.entities
            if n in entities or n in NLP_ENTITIES or n in PEOPLE or n in by_presidio
        ]
        checks = [_entity_check(ctx, config, name, places, scanned) for name in names]
        if config.column_names.enabled and config.data is not None:
            checks.append(_names_check(ctx, config, flagged))
        if config.special_categories.enabled and config.data is not None:
            checks.append(_special_check(ctx, config, special))
        return checks


def _presidio(config: PiiConfig) -> PresidioScanner | None:
    if config.engine != "presidio":
        return None
    from mlgate.gates.pii.presidio import PresidioScanner

    names = [n for n in config.entities if n not in PEOPLE]
    return PresidioScanner(names, config.presidio.score_threshold, config.presidio.language)


def _entities(config: PiiConfig) -> dict[str, Entity]:
    from mlgate.gates.pii.detect import builtin_entities, custom_entity

    builtin = builtin_entities(config.phone_regions, config.ignore_private_ips)
    custom = {c.name: custom_entity(c.name, c.pattern, c.validator) for c in config.custom_entities}
    every = {**builtin, **custom}
    return {name: every[name] for name in config.entities if name in every}


def _allow(config: PiiConfig) -> Any:
    from mlgate.gates.pii.detect import allow_nothing

    values = set(config.allow.values)
    patterns = [re.compile(p) for p in config.allow.patterns]
    if not values and not patterns:
        return allow_nothing

    def allowed(value: str) -> bool:
        return value in values or any(p.search(value) for p in patterns)

    return allowed


def _column_signals(config: PiiConfig, columns: list[str]) -> list[dict[str, str]]:
    from mlgate.gates.pii.detect import column_signal

    skip = set(config.allow.columns)
    out = []
    for column in columns:
        signal = column_signal(str(column))
        if signal and str(column) not in skip:
            out.append({"column": str(column), "signal": signal})
    return out


def _special_columns(
    config: PiiConfig, frame: pd.DataFrame | list[str], declared: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Columns whose names say GDPR Art. 9 special categories, and why each is there."""
    from mlgate.gates.pii.detect import special_category

    purposes = {use.column: use.purpose for use in config.special_categories.allow}
    out = []
    names = frame if isinstance(frame, list) else list(map(str, frame.columns))
    for column in names:
        category = special_category(column)
        if category is None and column not in purposes:
            continue
        if column in purposes:
            use = purposes[column]
        elif column in declared:
            gates = ", ".join(f"`{g}`" for g in declared[column])
            use = f"declared sensitive feature of gate {gates} (fairness evaluation)"
        else:
            use = ""
        out.append({"column": column, "category": category or "declared", "use": use})
    return out


# column signals whose columns are scanned whatever their type (dates, numbers)
READ_AS_TEXT = ("date_of_birth", "us_ssn")


def _string_columns(config: PiiConfig, frame: pd.DataFrame) -> list[str]:
    import pandas as pd

    from mlgate.gates.pii.detect import column_signal

    if config.columns is not None:
        missing = [c for c in config.columns if c not in frame.columns]
        if missing:
            hint = did_you_mean(missing[0], map(str, frame.columns))
            raise GateError(f"input `{config.data}` has no column `{missing[0]}`{hint}")
        chosen = list(config.columns)
    else:
        chosen = []
        for column in frame.columns:
            series = frame[column]
            if pd.api.types.is_string_dtype(series) or series.dtype == object:
                chosen.append(column)
            elif (
                pd.api.types.is_integer_dtype(series)
                and len(series)
                and series.abs().max() >= 10**11
            ):
                chosen.append(column)  # long integers: card numbers stored as numbers
            elif column_signal(str(column)) in READ_AS_TEXT:
                chosen.append(column)  # dates of birth, SSNs stored as numbers
    skip = set(config.exclude_columns) | set(config.allow.columns)
    return [c for c in chosen if str(c) not in skip]


def _people(config: PiiConfig) -> tuple[str, ...]:
    return tuple(n for n in PEOPLE if n in config.entities)


def _scan_texts(
    array: Any,
    positions: Any,
    entities: dict[str, Entity],
    allowed: Any,
    people: tuple[str, ...],
    signal: str | None,
    today: dt.date,
    presidio: PresidioScanner | None,
    column: bool = True,
) -> dict[str, Findings]:
    """Every entity in one column or file: patterns, then names and dates of birth."""
    from mlgate.gates.pii.detect import Findings, distinct_cells, scan_bare_ssns, scan_strings
    from mlgate.gates.pii.names import scan_birth_dates, scan_names

    cells = distinct_cells(array)  # filters run over distinct texts when values repeat
    found = scan_strings(cells, entities, allowed, positions)
    if signal == "us_ssn" and "us_ssn" in entities:  # 123456789 in a column named for SSNs
        bare = scan_bare_ssns(cells, allowed, positions)
        if bare is not None:
            found.setdefault("us_ssn", Findings()).merge(bare)
    if presidio is not None:
        found.update(presidio.scan(array, positions, allowed))
    if "person_name" in people:
        names = scan_names(cells, positions, signal, allowed, column)
        if names is not None:
            found["person_name"] = names
    if "date_of_birth" in people:
        births = scan_birth_dates(cells, positions, signal, allowed, today)
        if births is not None:
            found["date_of_birth"] = births
    return found


def _scan_frame(
    config: PiiConfig,
    frame: pd.DataFrame,
    entities: dict[str, Entity],
    allowed: Any,
    today: dt.date,
    presidio: PresidioScanner | None,
    note: tuple[str, Callable[[str], None]] | None = None,
) -> tuple[int, list[tuple[str, dict[str, Findings]]]]:
    """A pandas frame scanned column by column (in worker processes when it is large);
    ``note``: (input name, what to tell the progress line as columns are done)."""
    import numpy as np

    from mlgate.gates.pii.detect import scan_signal

    if config.sample is not None and config.sample.rows < len(frame):
        frame = frame.sample(n=config.sample.rows, random_state=config.sample.seed).sort_index()
    positions = np.arange(len(frame)) if config.sample is None else frame.index.to_numpy()
    columns = _string_columns(config, frame)
    local = _local_scan(config, entities, allowed, today, presidio)

    def scan(at: int) -> tuple[int, dict[str, Findings]]:
        """One column (by position: workers read it from the frame they inherited)."""
        column = columns[at]
        array, count = _as_strings(frame[column])
        return count, local(array, positions, scan_signal(str(column)))

    pool = 1 if presidio is not None else workers(len(frame) * len(columns), len(columns))
    tasks = ((column, (at,)) for at, column in enumerate(columns))
    scanned = 0
    out = []
    for done, (column, (count, found)) in enumerate(scan_jobs(tasks, pool, scan), 1):
        scanned += count
        if found:
            out.append((f"column {column} (rows, from 0)", found))
        if note is not None:
            name, say = note
            say(f"{name} ({len(frame):,} rows): {done} of {len(columns)} columns scanned")
    return scanned, out


def _local_scan(
    config: PiiConfig,
    entities: dict[str, Entity],
    allowed: Any,
    today: dt.date,
    presidio: PresidioScanner | None,
) -> Any:
    """The scan of one array in this process (what a worker process does)."""
    people = _people(config)
    if "person_name" in people:  # read once here: forked workers inherit it
        from mlgate.gates.pii.names import lexicon

        lexicon()

    def scan(array: Any, positions: Any, signal: str | None) -> dict[str, Findings]:
        return _scan_texts(array, positions, entities, allowed, people, signal, today, presidio)

    return scan


def _table_columns(config: PiiConfig, table: Table) -> list[str]:
    """The columns an engine input's scan reads (the choice of :func:`_string_columns`)."""
    from mlgate.gates.pii.detect import column_signal

    have, kinds = table.columns(), table.kinds()
    if config.columns is not None:
        table.require(config.columns)
        chosen = list(config.columns)
    else:
        chosen = []
        for column in have:
            kind = kinds[column]
            if kind == "string":
                chosen.append(column)
            elif kind == "numeric" and table.integer(column) and table.max_abs(column) >= 10**11:
                chosen.append(column)  # long integers: card numbers stored as numbers
            elif column_signal(column) in READ_AS_TEXT:
                chosen.append(column)  # dates of birth, SSNs stored as numbers
    skip = set(config.exclude_columns) | set(config.allow.columns)
    return [c for c in chosen if c not in skip]


def _scan_table(
    config: PiiConfig,
    table: Table,
    entities: dict[str, Entity],
    allowed: Any,
    today: dt.date,
    presidio: PresidioScanner | None,
) -> tuple[int, list[tuple[str, dict[str, Findings]]]]:
    """An engine input scanned column by column, in chunks of up to 5,000,000 rows (the
    engine's record batches put together): the same detector per chunk, counts added,
    positions and masked examples kept bounded. Column judgements (a column of names, a
    column of all-digit ids) are made per chunk: for the whole column up to 5M rows."""
    import numpy as np

    from mlgate.gates.pii.detect import Findings, scan_signal

    if config.sample is not None:
        raise GateError(
            f"input `{config.data}` is on {table.engine}: `sample:` draws rows from a pandas "
            "frame; remove it (the engine scans every row in batches)"
        )
    columns = _table_columns(config, table)
    scanned = 0

    def tasks() -> Iterator[Task]:
        nonlocal scanned
        for column in columns:
            offset = 0
            for chunk in _chunks(table.batches([column]), CHUNK_ROWS):
                array, count = _arrow_strings(chunk)
                scanned += count
                positions = np.arange(offset, offset + len(chunk))
                offset += len(chunk)
                table.note(f"{column}: {offset:,} rows scanned for personal data")
                yield column, (array, positions, scan_signal(column))

    pool = 1 if presidio is not None else workers(table.num_rows() * len(columns), len(columns))
    local = _local_scan(config, entities, allowed, today, presidio)
    merged: dict[str, dict[str, Findings]] = {}
    for column, found in scan_jobs(tasks(), pool, local):
        into = merged.setdefault(column, {})
        for name, findings in found.items():
            into.setdefault(name, Findings()).merge(findings)
    out = [(f"column {c} (rows, from 0)", found) for c, found in merged.items() if found]
    return scanned, out


CHUNK_ROWS = 5_000_000


def _chunks(batches: Any, rows: int) -> Any:
    """One column's record batches put together into arrays of up to ``rows`` rows."""
    import pyarrow as pa

    parts: list[Any] = []
    size = 0
    for batch in batches:
        parts.append(batch.column(0))
        size += batch.num_rows
        if size >= rows:
            yield pa.concat_arrays(parts)
            parts, size = [], 0
    if parts:
        yield pa.concat_arrays(parts)


def _arrow_strings(array: Any) -> tuple[Any, int]:
    """An engine's column chunk as a pyarrow string array (strings as they are; numbers and
    dates written as pandas writes them, as on the pandas path) and its count."""
    import pyarrow as pa

    if pa.types.is_dictionary(array.type):
        array = array.cast(pa.string())
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return array, len(array) - array.null_count
    return _as_strings(array.to_pandas())


def _as_strings(series: pd.Series) -> tuple[Any, int]:
    """A column as a pyarrow string array (zero-copy for Arrow-backed strings) and its count."""
    import pyarrow as pa

    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        array = None
    if array is None or not (
        pa.types.is_string(array.type) or pa.types.is_large_string(array.type)
    ):
        strings = series.astype(object).where(series.notna(), None)
        array = pa.array([None if v is None else str(v) for v in strings], type=pa.string())
    return array, len(array) - array.null_count


def _strings(texts: list[str]) -> Any:
    import pyarrow as pa

    return pa.array(texts, type=pa.string())


def _notebook_parts(path: Path) -> list[tuple[str, int, str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    parts = []
    for n, cell in enumerate(data.get("cells") or [], 1):
        source = cell.get("source", "")
        parts.append(("source", n, "".join(source) if isinstance(source, list) else str(source)))
        texts = []
        for output in cell.get("outputs") or []:
            for key in ("text", "traceback"):
                value = output.get(key)
                if value:
                    texts.append("".join(value) if isinstance(value, list) else str(value))
            for mime, value in (output.get("data") or {}).items():
                if mime.startswith("text/") or mime.endswith("json"):
                    texts.append("".join(value) if isinstance(value, list) else json.dumps(value))
        if texts:
            parts.append(("output", n, "\n".join(texts)))
    return parts


def _scan_files(
    ctx: RunContext,
    rel: NodePath,
    pattern: str,
    entities: dict[str, Entity],
    allowed: Any,
    people: tuple[str, ...],
    presidio: PresidioScanner | None,
) -> tuple[int, list[tuple[str, dict[str, Findings]]]]:
    from mlgate.paths import display_path

    def scan(texts: list[str], positions: list[int]) -> dict[str, Findings]:
        """Lines or notebook cells: no column to judge, names as pairs anywhere."""
        return _scan_texts(
            _strings(texts),
            positions,
            entities,
            allowed,
            people,
            None,
            ctx.today,
            presidio,
            column=False,
        )

    base = ctx.resolve(rel, ".")
    files = sorted(p for p in base.glob(pattern) if p.is_file())
    out = []
    scanned = 0
    for path in files:
        shown = display_path(path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise GateError(f"{shown} is larger than 50 MB; narrow `paths:` or exclude it")
        raw = path.read_bytes()
        if b"\0" in raw[:8192]:
            continue  # binary
        if path.suffix == ".ipynb":
            try:
                parts = _notebook_parts(path)
            except (ValueError, UnicodeDecodeError):
                raise GateError(f"{shown} is not a valid notebook (JSON)") from None
            for kind in ("source", "output"):
                chosen = [(n, text) for k, n, text in parts if k == kind]
                if not chosen:
                    continue
                scanned += len(chosen)
                found = scan([t for _, t in chosen], [n for n, _ in chosen])
                if found:
                    out.append((f"{shown} (cells, {kind})", found))
            continue
        lines = raw.decode("utf-8", errors="replace").splitlines()
        scanned += len(lines)
        found = scan(lines, list(range(1, len(lines) + 1)))
        if found:
            out.append((f"{shown} (lines)", found))
    return scanned, out


def _threshold(config: PiiConfig, name: str) -> tuple[Threshold, bool]:
    if isinstance(config.entities, dict):
        return config.entities[name], False
    if config.max_rate is not None:
        return Threshold(max=config.max_rate), True
    return Threshold(max=float(config.max_findings or 0)), False


def _entity_check(
    ctx: RunContext,
    config: PiiConfig,
    name: str,
    places: list[tuple[str, dict[str, Findings]]],
    scanned: int,
) -> CheckResult:
    threshold, as_rate = _threshold(config, name)
    groups = []
    total = 0
    for place, found in places:
        hit = found.get(name)
        if hit is None:
            continue
        total += hit.count
        groups.append(
            {
                "group": place,
                "n": hit.count,
                "positions": ", ".join(map(str, hit.rows))
                + (" …" if hit.count > len(hit.rows) else ""),
                "examples": ", ".join(hit.examples),
                "judged": True,
            }
        )
    value = total / scanned if as_rate and scanned else float(total)
    rel: NodePath = (
        ("entities", name)
        if isinstance(config.entities, dict)
        else (("max_rate",) if as_rate else ("max_findings",))
    )
    evidence = {
        "column": "where",
        "count_label": "findings",
        "groups": groups,
        "scanned_values": scanned,
        "findings": total,
    }
    return ctx.check(name, value, threshold, Direction.LOWER, rel, evidence=evidence)


def _column_check(
    ctx: RunContext,
    name: str,
    count: int,
    severity: Literal["error", "warning", "info"],
    groups: list[dict[str, Any]],
    notes: list[str],
) -> CheckResult:
    """A check on column names: how many columns count, and why (in the message)."""
    evidence = {"column": "column", "groups": groups}
    threshold = Threshold(max=0, severity=severity)
    check = ctx.check(name, float(count), threshold, Direction.LOWER, (name,), evidence=evidence)
    if notes:
        message = "; ".join([check.message, *notes] if check.message else notes)
        check = check.model_copy(update={"message": message})
    return check


def _names_check(ctx: RunContext, config: PiiConfig, flagged: list[dict[str, str]]) -> CheckResult:
    groups: list[dict[str, Any]] = [
        {"group": f["column"], "n": 1, "signal": f["signal"], "judged": True} for f in flagged
    ]
    names = ", ".join(f"{f['column']} ({f['signal']})" for f in flagged)
    notes = [f"columns that look personal: {names}"] if flagged else []
    return _column_check(
        ctx, "column_names", len(flagged), config.column_names.severity, groups, notes
    )


def _special_check(ctx: RunContext, config: PiiConfig, found: list[dict[str, Any]]) -> CheckResult:
    """Special-category columns (GDPR Art. 9): those without a declared use count."""
    groups = [
        {
            "group": f["column"],
            "n": 1,
            "category": f["category"],
            "use": f["use"] or "no declared purpose",
            "judged": not f["use"],
        }
        for f in found
    ]
    unexplained = [f for f in found if not f["use"]]
    notes = []
    if unexplained:
        names = ", ".join(f"{f['column']} ({f['category']})" for f in unexplained)
        notes.append(
            f"special categories of personal data (GDPR Art. 9) without a declared purpose: "
            f"{names}; declare them under `special_categories.allow` with a `purpose`, or as "
            f"sensitive features of a fairness gate"
        )
    explained = [f for f in found if f["use"]]
    if explained:
        notes.append(
            "processed on purpose: "
            + "; ".join(f"{f['column']} ({f['category']}): {f['use']}" for f in explained)
        )
    severity = config.special_categories.severity
    return _column_check(ctx, "special_categories", len(unexplained), severity, groups, notes)
