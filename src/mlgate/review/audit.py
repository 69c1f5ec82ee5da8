"""The audit trail: one hash-chained JSON line per run.

Each record holds the hashes of the report, the policy and every input, the outcome, the
git commit, the CI run, and the versions of mlgate and the gate libraries, plus the hash of
the previous record. ``verify`` recomputes every hash and follows the chain, so an edited,
removed or reordered record is found and named. (Whoever can rewrite the whole file from a
point on can also recompute the chain from there: keep the last hash somewhere else too,
e.g. in the CI run's output or a signed tag, and verify against it with
``mlgate audit verify --expect-head HASH --expect-count N``: that is what detects records
removed from the end or a log emptied and rewritten.)

Every line is a record: a blank line, a line that is JSON but not a record, or bytes that
are not UTF-8 are tampering. Appending takes an advisory lock on the log and refuses a
log that does not verify, so concurrent runs never write the same sequence number and a
broken chain is never extended.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlgate.errors import ExitCode, MlgateError
from mlgate.report import Report
from mlgate.safe_io import read_bounded

GENESIS = "0" * 64


MAX_LOG_BYTES = 1 << 30


class AuditError(MlgateError):
    """The audit log is not intact: nothing is appended to it (exit 1, like a failed gate)."""

    exit_code = ExitCode.FAILED


def _digest(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def make_record(
    report: Report, report_text: str, previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The audit record of one run, chained to ``previous``."""
    provenance = report.provenance
    failed = report.failed()
    record: dict[str, Any] = {
        "seq": int(previous["seq"]) + 1 if previous else 1,
        "time": report.created_at,
        "outcome": "fail" if failed else report.outcome.value,
        "report_sha256": hashlib.sha256(report_text.encode()).hexdigest(),
        "policy": report.policy,
        "policy_sha256": report.policy_sha256,
        "packs": {p.ref: p.sha256 for p in report.packs},
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
    """Append the record of this run to the log at ``path`` (locked; verified first)."""
    return append_with(path, lambda previous: make_record(report, report_text, previous))


def make_event(fields: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any]:
    """A record of something other than a run (``event: promotion``), chained the same way."""
    record: dict[str, Any] = {
        "seq": int(previous["seq"]) + 1 if previous else 1,
        **fields,
        "prev_hash": previous.get("hash", GENESIS) if previous else GENESIS,
    }
    record["hash"] = _digest(record)
    return record


def append_with(
    path: Path, build: Callable[[dict[str, Any] | None], dict[str, Any]]
) -> dict[str, Any]:
    """Append ``build(previous record)`` to the log at ``path`` (locked; verified first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and not path.is_file():
        raise AuditError(f"{path}: not a regular file; not appending to it")
    with path.open("a+b") as fh:
        _lock(fh.fileno())
        fh.seek(0)
        raw = fh.read(MAX_LOG_BYTES + 1)
        records, problems = parse(raw) if raw else ([], [])
        if len(raw) > MAX_LOG_BYTES:
            problems.append(f"larger than {MAX_LOG_BYTES:,} bytes")
        if problems:
            shown = "; ".join(problems[:3])
            raise AuditError(f"{path} is not intact ({shown}); not appending to it")
        record = build(records[-1] if records else None)
        line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        fh.seek(0, os.SEEK_END)
        fh.write((line + "\n").encode())
        fh.flush()
        os.fsync(fh.fileno())
    return record


def _lock(fd: int) -> None:
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)


def verify(
    path: Path, expect_head: str | None = None, expect_count: int | None = None
) -> tuple[int, list[str], str | None]:
    """(records, problems, head hash): every edited, removed or reordered record named.

    Without an anchor, edits, reordering and removals from the start or the middle are
    found; with ``expect_head``/``expect_count`` (kept outside the log) removals from the
    end and a rewritten log are found too.
    """
    raw = read_bounded(path, MAX_LOG_BYTES, allow_pipe=True)
    records, problems = parse(raw)
    if not records and not problems:
        problems.append("the log has no records (was it emptied?)")
    head = records[-1].get("hash") if records else None
    if expect_count is not None and len(records) != expect_count:
        problems.append(
            f"{len(records)} records, but the anchor says {expect_count} "
            "(records removed from the end, or the log replaced)"
        )
    if expect_head is not None and head != expect_head.lower():
        problems.append(
            f"the last record's hash is {str(head)[:16]}…, but the anchor says "
            f"{expect_head[:16]}… (records removed from the end, or the log rewritten)"
        )
    return len(records), problems, head if isinstance(head, str) else None


def parse(raw: bytes) -> tuple[list[dict[str, Any]], list[str]]:
    """The records of a log and the problems found following its chain."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        where = raw[: exc.start].count(b"\n") + 1
        return [], [f"line {where}: bytes that are not UTF-8 (the log was edited)"]
    lines = text.split("\n")
    problems: list[str] = []
    if lines and lines[-1] == "":
        lines.pop()
    elif lines:
        problems.append(f"line {len(lines)}: the last record has no end of line (truncated?)")
    records: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for number, line in enumerate(lines, 1):
        record = _record(number, line, problems)
        if record is None:
            previous = None
            continue
        problems.extend(_check(number, record, previous, first=not records))
        records.append(record)
        previous = record
    return records, problems


def _record(number: int, line: str, problems: list[str]) -> dict[str, Any] | None:
    if not line.strip():
        problems.append(f"line {number}: blank line (a record was removed or the log edited)")
        return None
    try:
        record = json.loads(line)
    except ValueError:
        problems.append(f"line {number}: not valid JSON (the record was edited or truncated)")
        return None
    seq = record.get("seq") if isinstance(record, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or not isinstance(record.get("hash"), str):
        problems.append(f"line {number}: not an audit record (the log was edited)")
        return None
    out: dict[str, Any] = record
    return out


def _check(
    number: int, record: dict[str, Any], previous: dict[str, Any] | None, first: bool
) -> list[str]:
    out = []
    seq = record["seq"]
    if record["hash"] != _digest(record):
        out.append(f"line {number} (record {seq}): its content was changed after it was written")
    if first and (seq != 1 or record.get("prev_hash") != GENESIS):
        out.append(
            f"line {number} (record {seq}): the log does not start at record 1 (records removed?)"
        )
    if previous is None:
        return out
    expected = int(previous["seq"]) + 1
    if seq > expected:
        missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
        out.append(f"line {number}: record(s) {missing} are missing (removed) before record {seq}")
    elif seq < expected:
        out.append(f"line {number}: record {seq} comes after record {expected - 1} (reordered)")
    elif record.get("prev_hash") != previous.get("hash"):
        out.append(f"line {number} (record {seq}): does not chain to the record before it")
    return out
