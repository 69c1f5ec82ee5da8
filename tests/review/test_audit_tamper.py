"""The audit log finds tampering: at the start, in the middle, at the end (with an anchor),
blank lines, non-records and bad bytes; concurrent writers never share a sequence number."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

from mlgate.report import Report
from mlgate.review.audit import append, verify

Run = Callable[..., Result]


def _log(tmp_path: Path, n: int = 5) -> Path:
    log = tmp_path / "audit.jsonl"
    for i in range(n):
        report = Report(policy="p.yaml", policy_sha256="ab" * 32, created_at=f"2026-11-0{i + 1}")
        append(log, report, report.to_json())
    return log


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines()


def _write(log: Path, lines: list[str]) -> None:
    log.write_text("".join(line + "\n" for line in lines))


@pytest.mark.parametrize(
    "tamper",
    [
        "blank line then first records removed",
        "blank line in the middle",
        "emptied",
        "null line",
        "list line",
        "string seq",
        "invalid utf-8",
        "record edited",
        "truncated last line",
    ],
)
def test_tampering_is_found_without_an_anchor(cli: Run, tmp_path: Path, tamper: str) -> None:
    log = _log(tmp_path)
    lines = _lines(log)
    if tamper == "blank line then first records removed":
        _write(log, ["", *lines[2:]])
    elif tamper == "blank line in the middle":
        _write(log, [*lines[:2], "", *lines[2:]])
    elif tamper == "emptied":
        log.write_text("")
    elif tamper == "null line":
        _write(log, [*lines[:2], "null", *lines[2:]])
    elif tamper == "list line":
        _write(log, [*lines, "[1, 2]"])
    elif tamper == "string seq":
        record = json.loads(lines[1])
        record["seq"] = "2"
        _write(log, [lines[0], json.dumps(record), *lines[2:]])
    elif tamper == "invalid utf-8":
        log.write_bytes(log.read_bytes()[:50] + b"\xff\xfe" + log.read_bytes()[52:])
    elif tamper == "record edited":
        _write(
            log, [lines[0], lines[1].replace('"outcome":"pass"', '"outcome":"fail"'), *lines[2:]]
        )
    elif tamper == "truncated last line":
        log.write_text(log.read_text()[:-10])
    result = cli("audit", "verify", log)
    assert result.code == 1, (tamper, result.out)
    assert "NOT intact" in result.err
    assert "Traceback" not in result.err


def test_removing_the_last_records_is_found_with_the_anchor(cli: Run, tmp_path: Path) -> None:
    log = _log(tmp_path, 5)
    intact = cli("audit", "verify", log)
    assert intact.code == 0
    head = re.search(r"head ([0-9a-f]{64})", intact.out)
    assert head is not None
    _write(log, _lines(log)[:3])
    assert cli("audit", "verify", log).code == 0  # no anchor: cannot be told
    result = cli("audit", "verify", log, "--expect-head", head.group(1), "--expect-count", "5")
    assert result.code == 1
    assert "3 records, but the anchor says 5" in result.err
    assert "records removed from the end" in result.err


def test_check_prints_the_head_and_refuses_a_broken_log(cli: Run, example: Path) -> None:
    log = example / "audit.jsonl"
    first = cli("check", example / "mlgate.yaml", "-q", "--audit-log", log)
    assert first.code == 0
    head = re.search(r"head ([0-9a-f]{64})", first.err)
    assert head is not None
    assert cli("audit", "verify", log, "--expect-head", head.group(1)).code == 0
    log.write_text("null\n" + log.read_text())
    size = log.stat().st_size
    broken = cli("check", example / "mlgate.yaml", "-q", "--audit-log", log)
    assert broken.code == 1
    assert "is not intact" in broken.err
    assert log.stat().st_size == size  # nothing appended


def test_concurrent_writers_never_share_a_sequence_number(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    script = (
        "import sys\nfrom pathlib import Path\nfrom mlgate.review.audit import append\n"
        "from mlgate.report import Report\n"
        "for i in range(25):\n"
        "    r = Report(policy=sys.argv[2] + str(i))\n"
        "    append(Path(sys.argv[1]), r, r.to_json())\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(log), f"w{k}-"]) for k in range(4)]
    assert all(p.wait(timeout=120) == 0 for p in procs)
    count, problems, _ = verify(log)
    assert problems == []
    seqs = [json.loads(line)["seq"] for line in _lines(log)]
    assert seqs == list(range(1, 101))
    assert count == 100
