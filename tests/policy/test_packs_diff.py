"""`mlgate packs diff OLD NEW`: what a pack upgrade tightens or loosens, from the installed
wheel in a repository outside the checkout (built-in packs come from the wheel)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from conftest import Result

Run = Callable[..., Result]


def test_a_pack_upgrade_shows_what_it_loosens_and_tightens(
    user_mlgate: Run, user_repo: Path
) -> None:
    shown = user_mlgate("packs", "show", "gdpr-pii", cwd=user_repo)
    assert shown.code == 0
    upgrade = user_repo / "gdpr-pii-v2.yaml"
    upgrade.write_text(
        shown.out.replace("    max_findings: 0", "    max_findings: 5").replace(
            "  - id: privacy-documentation", "  - id: privacy-docs"
        )
    )
    done = user_mlgate("packs", "diff", "builtin:gdpr-pii", upgrade.name, cwd=user_repo)
    assert done.code == 0, done.err
    assert "WEAKENS  no-pii/max_findings: `max_findings` 0 → 5" in done.out
    assert "gate `privacy-documentation` removed" in done.out
    as_json = user_mlgate(
        "packs", "diff", "builtin:gdpr-pii", upgrade.name, "-f", "json", cwd=user_repo
    )
    changes = {c["where"]: c for c in json.loads(as_json.out)}
    assert changes["no-pii/max_findings"]["kind"] == "loosened"
    assert changes["no-pii/max_findings"]["weakens"] is True


def test_unknown_packs_are_usage_errors(user_mlgate: Run, user_repo: Path) -> None:
    done = user_mlgate("packs", "diff", "builtin:gdpr", "builtin:gdpr-pii", cwd=user_repo)
    assert done.code == 2
    assert "no built-in pack `gdpr` (did you mean `gdpr-pii`?)" in done.err
    done = user_mlgate("packs", "diff", "builtin:gdpr-pii", "nowhere.yaml", cwd=user_repo)
    assert done.code == 2
    assert "nowhere.yaml: no such pack file" in done.err
