"""Fuzzing the policy loader: mutations of the example policy and the built-in packs.

Whatever the bytes, `mlgate validate` exits 0 or 2 (never 3: no traceback), and every
problem it reports names a file and a line. The cases are seeded, so every run (and CI)
tests the same ones; a longer campaign: MLGATE_FUZZ_EXAMPLES=50000 MLGATE_FUZZ_SEED=$RANDOM.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest
from conftest import EXAMPLE, ROOT
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from mlgate.cli import run

SEEDS = [
    EXAMPLE / "mlgate.yaml",
    EXAMPLE / "failing.yaml",
    *sorted((ROOT / "policies").glob("*.yaml")),
]
TEXTS = [p.read_bytes() for p in SEEDS]
TOKENS = [
    b":",
    b"- ",
    b"  ",
    b"\t",
    b"{",
    b"}",
    b"[",
    b"]",
    b"null",
    b"~",
    b"*a",
    b"&a ",
    b"!!int x",
    b"!!float ''",
    b"!!bool maybe",
    b"!!timestamp x",
    b"!!python/name:os.system",
    b"2026-02-30",
    b"2026-13-01",
    b"1e999",
    b"-1",
    b"\x00",
    b"\xff\xfe",
    b"\xc3",
    b"'",
    b'"',
    b"#",
    b"|",
    b">",
    b"? ",
    b"<<: *a",
    b"---\n",
    b"...\n",
    b"%YAML 1.1\n",
    b"id: [a, b]",
    b"type: {x: 1}",
    b"extends: [builtin:nope]",
    b"gates: 1",
    b"inputs: []",
    b"version: 2",
    b"\r",
    b"\xef\xbb\xbf",
]
LOCATED = re.compile(r"^\S.*?:\d+: ")


def _mutate(data: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    lines = data.split(b"\n")
    for kind, where, what in edits:
        i = where % max(len(lines), 1)
        token = TOKENS[what % len(TOKENS)]
        if kind == 0 and lines:
            del lines[i]
        elif kind == 1:
            lines.insert(i, lines[what % len(lines)] if lines else token)
        elif kind == 2 and lines:
            line = lines[i]
            cut = what % (len(line) + 1)
            lines[i] = line[:cut] + token + line[cut:]
        elif kind == 3 and lines:
            lines[i] = b" " * (what % 5) + lines[i].lstrip()
        elif kind == 4 and len(lines) > 1:
            j = what % len(lines)
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == 5:
            lines = lines[: i + 1]
    return b"\n".join(lines)


def _validate(path: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = run(["validate", str(path)])
    return code, err.getvalue()


def _assert_contract(code: int, err: str) -> None:
    assert code in (0, 1, 2), err
    assert "Traceback" not in err
    if code == 2:
        problems = [
            line
            for line in err.splitlines()
            if line and not line.startswith("mlgate: the policy is invalid")
        ]
        assert problems, err
        for line in problems:
            assert LOCATED.match(line), line


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import shutil

    target = tmp_path_factory.mktemp("fuzz") / "credit-scoring"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("reports"))
    return target


MAX = int(os.environ.get("MLGATE_FUZZ_EXAMPLES", "2000"))
SEED = int(os.environ.get("MLGATE_FUZZ_SEED", "20261128"))


@seed(SEED)
@settings(
    max_examples=MAX,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, len(TEXTS) - 1),
    edits=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 400), st.integers(0, 400)),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_policies_exit_0_or_2_with_locations(
    workdir: Path, seed: int, edits: list[tuple[int, int, int]]
) -> None:
    path = workdir / "fuzzed.yaml"
    path.write_bytes(_mutate(TEXTS[seed], edits))
    _assert_contract(*_validate(path))


@seed(SEED)
@settings(
    max_examples=MAX * 2 // 5,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.binary(max_size=300), seed=st.integers(0, len(TEXTS) - 1), at=st.integers(0, 5000))
def test_random_bytes_spliced_into_policies(workdir: Path, data: bytes, seed: int, at: int) -> None:
    text = TEXTS[seed]
    cut = at % (len(text) + 1)
    path = workdir / "spliced.yaml"
    path.write_bytes(text[:cut] + data + text[cut:])
    _assert_contract(*_validate(path))
