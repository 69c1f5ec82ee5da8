"""``mlgate lock``: the sha256 and size of every input, for governance lineage checks."""

from __future__ import annotations

import os
from pathlib import Path

from mlgate.errors import UsageError
from mlgate.gates.governance.documents import lock_document
from mlgate.inputs import InputStore
from mlgate.policy import Policy


def write_lock(policy: Policy, output: Path | None = None) -> tuple[Path, int]:
    """Write the lock file of ``policy`` (default ``mlgate.lock`` beside it): (path, inputs)."""
    target = output or policy.file.parent / "mlgate.lock"
    store = InputStore(policy)
    entries = {}
    for name in policy.doc.inputs:
        path = store.path(name)
        digest = store.sha256(name)
        if digest is None:
            raise UsageError(f"input `{name}`: {path} not found; cannot lock it")
        rel = os.path.relpath(path.resolve(), target.resolve().parent)
        entries[name] = (Path(rel).as_posix(), digest, path.stat().st_size)
    target.write_text(lock_document(entries), encoding="utf-8")
    return target, len(entries)
