"""The audit trail: one hash-chained JSON line per run.

Each record holds the hashes of the report, the policy and every input, the outcome, the
git commit, the CI run, and the versions of mlgate and the gate libraries, plus the hash of
the previous record. ``verify`` recomputes every hash and follows the chain, so an edited,
removed or reordered record is found and named. (Whoever can rewrite the whole file from a
point on can also recompute the chain from there: keep the last hash somewhere else too,
e.g. in the CI run's artifacts, to anchor it.)
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from mlgate.errors import UsageError
from mlgate.report import Report

GENESIS = "0" * 64


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _last_record(path: Path) -> dict[str, Any] | None:
    if not path.is_file() or path.stat().st_size == 0:
        return None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        return None
    try:
        record: dict[str, Any] = json.loads(lines[-1])
    except ValueError:
        raise UsageError(
            f"{path}: the last record is not valid JSON; run `mlgate audit verify`"
        ) from None
    return record


def make_record(
    report: Report, report_text: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The audit record of one run, chained to ``previous``."""
    provenance = report.provenance
    failed = report.failed()
    record: dict[str, Any] = {
        "seq": (int(previous.get("seq", 0)) + 1) if previous else 1,
        "time": report.created_at,
        "outcome": "fail" if failed else report.outcome.value,
        "report_sha256": hashlib.sha256(report_text.encode()).hexdigest(),
        "policy": report.policy,
        "policy_sha256": report.policy_sha256,
        "inputs": {i.name: i.sha256 for i in report.inputs},
        "git_commit": report.git_commit,
        "ci_run_url": provenance.ci_run_url if provenance else None,
        "tool_version": report.tool_version,
        "libraries": dict(provenance.libraries) if provenance else {},
        "prev_hash": previous.get("hash", GENESIS) if previous else GENESIS,
    }
    record["hash"] = _digest(record)
    return record


def append(path: Path, report: Report, report_text: str) -> dict[str, Any]:
    """Append the record of this run to the log at ``path``."""
    record = make_record(report, report_text, _last_record(path))
    line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return record


def verify(path: Path) -> tuple[int, list[str]]:
    """(number of records, problems): every edited, removed or reordered record named."""
    problems: list[str] = []
    previous: dict[str, Any] | None = None
    count = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        count += 1
        try:
            record = json.loads(line)
        except ValueError:
            problems.append(f"line {number}: not valid JSON (the record was edited or truncated)")
            previous = None
            continue
        problems.extend(_check(number, record, previous))
        previous = record
    return count, problems


def _check(number: int, record: dict[str, Any], previous: dict[str, Any] | None) -> list[str]:
    out = []
    seq = record.get("seq")
    if record.get("hash") != _digest(record):
        out.append(f"line {number} (record {seq}): its content was changed after it was written")
    if previous is None:
        if number == 1 and (seq != 1 or record.get("prev_hash") != GENESIS):
            out.append(
                f"line 1 (record {seq}): the log does not start at record 1 (records removed?)"
            )
        return out
    expected = int(previous.get("seq", 0)) + 1
    if isinstance(seq, int) and seq > expected:
        missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
        out.append(f"line {number}: record(s) {missing} are missing (removed) before record {seq}")
    elif isinstance(seq, int) and seq < expected:
        out.append(f"line {number}: record {seq} comes after record {expected - 1} (reordered)")
    elif record.get("prev_hash") != previous.get("hash"):
        out.append(f"line {number} (record {seq}): does not chain to the record before it")
    return out
