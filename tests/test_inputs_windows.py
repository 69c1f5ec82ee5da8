"""Production windows over sets of files: last week's inference logs, selected by a timestamp
column across daily files, through the CLI of the installed wheel outside the checkout."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from conftest import Result

Run = Callable[..., Result]
# the run's clock: 2026-11-10 12:00 UTC
CLOCK = {"SOURCE_DATE_EPOCH": "1794312000"}


def daily_logs(folder: Path) -> None:
    """14 daily files of 100 inferences; from 2026-11-07 on the model is always wrong."""
    rng = np.random.default_rng(0)
    folder.mkdir(parents=True)
    for day in range(1, 15):
        stamps = pd.Timestamp(f"2026-11-{day:02d}") + pd.to_timedelta(
            rng.integers(0, 86_400, 100), unit="s"
        )
        label = rng.integers(0, 2, 100)
        prediction = 1 - label if day >= 7 else label
        written = (
            stamps.strftime("%Y-%m-%d %H:%M:%S")
            if day % 2
            else stamps.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        frame = pd.DataFrame({"ts": written, "y": label, "p": prediction})
        frame.to_parquet(folder / f"inferences-2026-11-{day:02d}.parquet")


def policy(repo: Path, window: str) -> None:
    (repo / "monitor.yaml").write_text(
        "version: 1\ninputs:\n"
        f"  live: {{path: 'logs/inferences-*.parquet', window: {window}}}\n"
        "gates:\n"
        "  - {id: live, type: performance, data: live, task: binary, label: y, prediction: p,\n"
        "     metrics: {accuracy: {min: 0.9}}}\n"
    )


def test_last_week_of_daily_files(user_mlgate: Run, user_repo: Path) -> None:
    daily_logs(user_repo / "logs")
    policy(user_repo, "{column: ts, last: 7d}")
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    assert done.code == 1, done.err  # the last week holds the broken days
    report = json.loads(done.out)
    live = report["inputs"][0]
    assert live["files"] == 14
    assert live["path"] == "logs/inferences-*.parquet"
    # 3 Nov 12:00 < ts <= 10 Nov 12:00: half of day 3, days 4-9, about half of day 10
    assert 650 < live["rows"] < 750
    assert live["window"].startswith("ts: last 7d before 2026-11-10T12:00:00+00:00 (")
    assert live["window"].endswith(f"({live['rows']:,} of 1,400 rows)")
    # explicit bounds: the first five days only (an end date includes that day)
    policy(user_repo, "{column: ts, start: 2026-11-01, end: 2026-11-05}")
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    assert done.code == 0, done.err
    live = json.loads(done.out)["inputs"][0]
    assert live["rows"] == 500
    # the hash covers every file of the set: a changed day changes it
    before = live["sha256"]
    extra = pd.read_parquet(user_repo / "logs" / "inferences-2026-11-14.parquet").head(3)
    extra.to_parquet(user_repo / "logs" / "inferences-2026-11-14.parquet")
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    assert json.loads(done.out)["inputs"][0]["sha256"] != before


def test_window_errors_are_clear(user_mlgate: Run, user_repo: Path) -> None:
    daily_logs(user_repo / "logs")
    policy(user_repo, "{column: time, last: 7d}")
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    gate = json.loads(done.out)["gates"][0]
    assert gate["outcome"] == "error"
    assert "window column `time` not found" in gate["message"]
    policy(user_repo, "{column: ts, start: 2030-01-01}")
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    assert "no row in the window" in json.loads(done.out)["gates"][0]["message"]
    policy(user_repo, "{column: ts, last: 7 days}")
    done = user_mlgate("validate", "monitor.yaml", cwd=user_repo)
    assert done.code == 2
    assert "monitor.yaml:3" in done.err
    policy(user_repo, "{column: ts, last: 7d, start: 2026-01-01}")
    done = user_mlgate("validate", "monitor.yaml", cwd=user_repo)
    assert done.code == 2
    assert "give `last:` or `start:`/`end:`, not both" in done.err
    (user_repo / "monitor.yaml").write_text(
        (user_repo / "monitor.yaml").read_text().replace("logs/inferences-*", "nologs/x-*")
    )
    policy_text = (user_repo / "monitor.yaml").read_text().replace(", start: 2026-01-01", "")
    (user_repo / "monitor.yaml").write_text(policy_text)
    done = user_mlgate("check", "monitor.yaml", "-q", "-f", "json", cwd=user_repo, env=CLOCK)
    assert "no file matches nologs/x-*.parquet" in json.loads(done.out)["gates"][0]["message"]
