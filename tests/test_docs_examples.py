"""Every example in the documentation is executed, so the docs cannot drift from the code.

Blocks are found in ``docs/**/*.md`` and the README. A block may be preceded by a directive
line ``<!-- doc-test: ... -->``:

- ``skip (reason)``: not run (it needs the network, a CI platform or a server; the reason
  is required and says which test covers it instead, where one does);
- ``invalid "message"``: a policy that must fail ``mlgate validate`` with that message;
- ``session NAME exit N``: a shell block run with the page's other blocks of session NAME, in
  order, in one folder holding a copy of the example's data (of the whole example project
  when NAME starts with ``example``); its exit code must be N;
- ``session NAME append FILE``: the block is appended to FILE in that folder.

YAML blocks without a directive must be policies (with ``version:``), gate lists, or top-level
policy keys; they are validated with ``mlgate validate`` beside a copy of the credit-scoring
example (so its inputs and files exist). Shell blocks without a directive fail the test: every
command shown must be either run or explicitly excused.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import EXAMPLE, ROOT

FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```(?P<lang>[a-z]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)
DIRECTIVE = re.compile(r"<!--\s*doc-test:\s*(?P<text>.*?)\s*-->\s*$")
CHECKED = ("yaml", "sh", "bash")
TOP_LEVEL = {
    "version", "name", "description", "extends", "inputs", "baseline", "on_inconclusive",
    "policy_changes", "max_waiver_days", "control_catalogs", "compliance", "gates", "waivers",
    "notify", "allow_unpinned", "pack_version",
}  # fmt: skip
# the docs' dates (waiver expiries) are judged on one fixed day: 2026-11-18
CLOCK = {"SOURCE_DATE_EPOCH": "1795000000"}
INPUTS = ["train", "eval", "predictions", "model", "model_card", "reference", "current", "data"]


@dataclass
class Block:
    page: Path
    line: int
    lang: str
    body: str
    directive: str

    @property
    def id(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks() -> list[Block]:
    pages = [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]
    found = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match["lang"] not in CHECKED:
                continue
            line = text.count("\n", 0, match.start()) + 1
            before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
            directive = DIRECTIVE.search(before)
            body = re.sub(rf"^{match['indent']}", "", match["body"], flags=re.M)
            found.append(
                Block(page, line, match["lang"], body, directive["text"] if directive else "")
            )
    return found


ALL = blocks()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("reports", "*.html"))
    return folder


def run_mlgate(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mlgate", *args], cwd=cwd, capture_output=True, text=True,
        env={**os.environ, "NO_COLOR": "1", **CLOCK}, timeout=300, check=False,
    )  # fmt: skip


def as_policy(block: Block) -> str | None:
    """The block as a whole policy file, or None when it is not a policy snippet."""
    data = yaml.safe_load(block.body)
    inputs = "inputs:\n" + "".join(f"  {n}: {{path: data/{n}.csv}}\n" for n in INPUTS)
    if isinstance(data, dict) and "version" in data:
        return block.body
    if isinstance(data, list) and data and all(isinstance(g, dict) and "type" in g for g in data):
        gates = "".join(f"  {line}\n" for line in block.body.splitlines())
        return f"version: 1\n{inputs}gates:\n{gates}"
    if isinstance(data, dict) and set(data) <= TOP_LEVEL:
        if "inputs" in data:
            return f"version: 1\n{block.body}"
        return f"version: 1\n{inputs}{block.body}"
    return None


@pytest.mark.parametrize("block", [b for b in ALL if b.lang == "yaml"], ids=lambda b: b.id)
def test_yaml_examples_validate(block: Block, project: Path) -> None:
    if block.directive.startswith("skip"):
        assert "(" in block.directive, f"{block.id}: a skip needs a (reason)"
        pytest.skip(block.directive)
    if block.directive.startswith("session"):
        pytest.skip("run by its session")
    policy = as_policy(block)
    assert policy is not None, f"{block.id}: not a policy snippet; mark it `doc-test: skip (why)`"
    (project / "snippet.yaml").write_text(policy, encoding="utf-8")
    done = run_mlgate(["validate", "snippet.yaml"], project)
    if block.directive.startswith("invalid"):
        expected = block.directive.split('"')[1]
        assert done.returncode == 2, done.stdout
        assert expected in done.stderr
        return
    assert done.returncode == 0, f"{block.id}:\n{done.stderr}"


SESSIONS = sorted(
    {(b.page, b.directive.split()[1]) for b in ALL if b.directive.startswith("session")}
)


@pytest.mark.parametrize(
    ("page", "session"), SESSIONS, ids=[f"{p.relative_to(ROOT)}:{s}" for p, s in SESSIONS]
)
def test_shell_sessions_run_as_written(page: Path, session: str, tmp_path: Path) -> None:
    folder = tmp_path / session
    if session.startswith("example"):  # the whole example project
        shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns("reports", "*.html"))
    else:  # a folder holding only the example's data
        shutil.copytree(EXAMPLE / "data", folder / "data")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        **CLOCK,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    for block in [b for b in ALL if b.page == page and b.directive.split()[1:2] == [session]]:
        words = block.directive.split()
        if words[2] == "append":
            with (folder / words[3]).open("a", encoding="utf-8") as fh:
                fh.write(block.body)
            continue
        assert words[2] == "exit", f"{block.id}: `session NAME exit N` or `append FILE`"
        done = subprocess.run(
            ["bash", "-c", block.body], cwd=folder, env=env, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == int(words[3]), f"{block.id}:\n{done.stdout}\n{done.stderr}"


@pytest.mark.parametrize("block", [b for b in ALL if b.lang in ("sh", "bash")], ids=lambda b: b.id)
def test_every_shell_example_is_run_or_excused(block: Block) -> None:
    assert block.directive.startswith(("session", "skip (")), (
        f"{block.id}: run it in a `doc-test: session` or excuse it with `doc-test: skip (why)`"
    )
