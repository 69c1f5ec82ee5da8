"""Reference profiles kept between runs: a CI run then reads only the current side.

The numeric statistics of a drift gate need, of the reference, only its size, its values at
1,011 quantile ranks and its counts at the bin edges (:class:`~mlgate.gates.drift.stats.Profile`).
They depend on the reference's content alone, so they are kept in the cache folder
(``MLGATE_CACHE_DIR``, else ``$XDG_CACHE_HOME/mlgate``, else ``~/.cache/mlgate``) under
``profiles/<sha256 of the reference input>.json``, with the reference's columns and their
kinds, when the gate says ``keep_reference_profile: true``. A changed reference has another
sha256 and is profiled anew; a profile that cannot be read is recomputed;
``MLGATE_PROFILE_CACHE=0`` turns keeping off. Only numeric columns are kept: they hold order
statistics (a thousand values of the column), never category values. A run that used a kept
profile does not read the reference (its report shows no row count for it) when every
compared column is numeric.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.paths import cache_dir

if TYPE_CHECKING:
    from mlgate.gates.drift.stats import Profile

VERSION = 1


class ProfileStore:
    """The kept profile of one reference input (empty when none is kept or allowed)."""

    def __init__(self, path: Path | None, data: dict[str, Any]) -> None:
        self.path, self.data = path, data
        self.columns: list[str] | None = data.get("columns")
        self.kinds: dict[str, str] | None = data.get("kinds")
        rows = data.get("rows")
        self.rows: int | None = rows if isinstance(rows, int) else None

    @classmethod
    def open(cls, sha256: str | None) -> ProfileStore:
        """The store for the reference with this sha256 (None: nothing is kept)."""
        if sha256 is None or os.environ.get("MLGATE_PROFILE_CACHE", "1") == "0":
            return cls(None, {})
        path = cache_dir(os.environ) / "profiles" / f"{sha256}.json"
        data: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict) and loaded.get("version") == VERSION:
                data = loaded
        return cls(path, data)

    def profile(self, column: str) -> Profile | None:
        """The kept profile of ``column``, or None."""
        from mlgate.gates.drift.stats import Profile

        kept = self.data.get("profiles", {}).get(column)
        if kept is None:
            return None
        try:
            return Profile.from_json(kept)
        except (KeyError, TypeError, ValueError):
            return None

    def save(
        self,
        columns: list[str],
        kinds: dict[str, str],
        profiles: dict[str, Profile],
        rows: int | None = None,
    ) -> None:
        """Keep ``profiles`` (added to what is kept) and the reference's ``rows`` when known;
        a write that fails is ignored."""
        if self.path is None:
            return
        kept = dict(self.data.get("profiles", {}))
        new = {c: p.to_json() for c, p in profiles.items() if c not in kept}
        rows = rows if rows is not None else self.rows
        if not new and self.columns is not None and rows == self.rows:
            return
        kept.update(new)
        data: dict[str, Any] = {
            "version": VERSION, "columns": columns, "kinds": kinds, "profiles": kept,
        }  # fmt: skip
        if rows is not None:
            data["rows"] = rows
            self.rows = rows
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh)
            os.replace(tmp, self.path)
        self.data = data
