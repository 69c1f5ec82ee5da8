"""Required packs: a repository setting or a CI variable that every policy must extend them,
tried as a user would — the installed wheel, in a git repository outside the checkout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import Result

Run = Callable[..., Result]


def test_a_policy_that_drops_a_required_pack_fails_to_load(
    user_mlgate: Run, user_repo: Path
) -> None:
    settings = user_repo / "pyproject.toml"
    settings.write_text('[tool.mlgate]\nrequired = ["builtin:eu-ai-act-high-risk"]\n')
    assert user_mlgate("validate", "mlgate.yaml", cwd=user_repo).code == 0  # it extends it
    settings.write_text('[tool.mlgate]\nrequired = ["builtin:gdpr-pii"]\n')
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo)
    assert done.code == 2
    assert (
        "mlgate.yaml: extends: the policy does not extend the required pack `builtin:gdpr-pii` "
        "(required by pyproject.toml [tool.mlgate] required)" in done.err
    )
    checked = user_mlgate("check", "mlgate.yaml", "-q", cwd=user_repo)
    assert checked.code == 2  # dropping the compliance pack is itself a failed check
    assert "required pack `builtin:gdpr-pii`" in checked.err


def test_a_ci_variable_and_pack_files_are_required_too(user_mlgate: Run, user_repo: Path) -> None:
    env = {"MLGATE_REQUIRED_PACKS": "builtin:nist-ai-rmf"}
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo, env=env)
    assert done.code == 2
    assert "`builtin:nist-ai-rmf` (required by MLGATE_REQUIRED_PACKS)" in done.err
    # an organisation pack file, required by mlgate.toml in a folder above the policy
    (user_repo / "org").mkdir()
    (user_repo / "org" / "credit.yaml").write_text(
        "version: 1\ngates:\n  - id: org-pii\n    type: pii\n    data: train\n"
    )
    (user_repo / "mlgate.toml").write_text('required = ["org/credit.yaml"]\n')
    team = user_repo / "team"
    team.mkdir()
    policy = team / "mlgate.yaml"
    policy.write_text(
        "version: 1\ninputs:\n  train: {path: ../data/train.csv}\ngates:\n"
        "  - id: own\n    type: pii\n    data: train\n"
    )
    done = user_mlgate("validate", "mlgate.yaml", cwd=team)
    assert done.code == 2
    assert (
        "the policy does not extend the required pack `org/credit.yaml` "
        "(required by ../mlgate.toml required)" in done.err
    )
    policy.write_text(
        policy.read_text().replace("version: 1\n", "version: 1\nextends: [../org/credit.yaml]\n")
    )
    assert user_mlgate("validate", "mlgate.yaml", cwd=team).code == 0


def test_a_broken_setting_is_a_located_error(user_mlgate: Run, user_repo: Path) -> None:
    (user_repo / "pyproject.toml").write_text('[tool.mlgate]\nrequired = "builtin:gdpr-pii"\n')
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo)
    assert done.code == 2
    assert "pyproject.toml: [tool.mlgate] required must be a list of packs" in done.err
    (user_repo / "pyproject.toml").write_text("[tool.mlgate\n")
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo)
    assert done.code == 2
    assert "pyproject.toml: cannot read the settings" in done.err
    assert "Traceback" not in done.err
