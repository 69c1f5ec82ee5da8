"""The changelog's fragments are well formed and build, and the version is released in order."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

TYPES = {"feature", "bugfix", "security", "removal", "doc"}


def test_every_fragment_names_an_issue_and_a_known_type() -> None:
    for fragment in (ROOT / "changes").iterdir():
        if fragment.name.startswith("."):
            continue
        match = re.fullmatch(r"(\d+|\+[\w-]+)\.(\w+)(\.\d+)?\.md", fragment.name)
        assert match, f"{fragment.name}: name it <issue>.<type>.md"
        assert match.group(2) in TYPES, f"{fragment.name}: type must be one of {sorted(TYPES)}"
        assert fragment.read_text(encoding="utf-8").strip(), f"{fragment.name} is empty"


def test_the_changelog_builds_and_names_the_current_version(tmp_path: Path) -> None:
    from mlgate import __version__

    done = subprocess.run(
        [sys.executable, "-m", "towncrier", "build", "--draft", "--version", "9.9.9"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "<!-- towncrier release notes start -->" in changelog
    assert re.search(rf"^## {re.escape(__version__)} \(\d{{4}}-\d{{2}}-\d{{2}}\)$", changelog, re.M)
