"""GitHub Actions glue: step outputs, the job summary, workspace paths, PR comments.

Everything here reads the runner's environment variables explicitly and writes only the
files or API endpoints GitHub documents; nothing is called unless the user asked for it.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.report import Report

COMMENT_LIMIT = 65_536  # GitHub's maximum issue comment body, in characters
MARKER = "<!-- mlgate-report: {key} -->"


def workspace_root(env: Mapping[str, str], cwd: Path) -> str:
    """Prefix from ``GITHUB_WORKSPACE`` to ``cwd``, so paths are relative to the repository."""
    workspace = env.get("GITHUB_WORKSPACE")
    if not workspace:
        return ""
    try:
        rel = cwd.resolve().relative_to(Path(workspace).resolve())
    except ValueError:
        return ""
    return "" if str(rel) == "." else rel.as_posix()


def write_outputs(path: Path, values: Mapping[str, str]) -> None:
    """Append step outputs with the multiline-safe ``name<<DELIMITER`` syntax."""
    with path.open("a", encoding="utf-8") as fh:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(8)}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def outputs_for(report: Report, report_path: str) -> dict[str, str]:
    """The action's outputs for a report."""
    counts = report.counts()
    return {
        "outcome": "fail" if report.failed() else report.outcome.value,
        "report": report_path,
        "failed": str(counts["fail"]),
        "warned": str(counts["warn"]),
        "errored": str(counts["error"]),
    }


def pr_number(env: Mapping[str, str]) -> int | None:
    """The pull request number from ``GITHUB_EVENT_PATH`` (pull_request or issue events)."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return None
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for key in ("pull_request", "issue"):
        number = (event.get(key) or {}).get("number")
        if isinstance(number, int):
            return number
    number = event.get("number")
    return number if isinstance(number, int) else None


def run_url(env: Mapping[str, str]) -> str | None:
    """Link to this workflow run, when the runner says where it is."""
    server, repo, run = (
        env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    return f"{server}/{repo}/actions/runs/{run}" if server and repo and run else None


def comment_body(markdown: str, key: str, link: str | None) -> str:
    """The sticky comment: hidden marker, report, truncated within GitHub's limit."""
    marker = MARKER.format(key=key)
    body = f"{marker}\n{markdown}"
    if len(body) <= COMMENT_LIMIT:
        return body
    tail = "\n\n… the report was truncated to fit a GitHub comment"
    tail += f"; the full report is in the [workflow run]({link}).\n" if link else ".\n"
    return body[: COMMENT_LIMIT - len(tail)] + tail


class CommentError(Exception):
    """The comment could not be posted; the gate's verdict is not affected."""


@dataclass
class GitHubClient:
    """The three REST calls a sticky comment needs."""

    api_url: str
    repository: str
    token: str
    timeout: float = 30.0

    def _request(
        self, method: str, url: str, payload: dict[str, Any] | None = None
    ) -> tuple[Any, str]:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (https API URL)
        request.add_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", "2022-11-28")
        request.add_header("User-Agent", "mlgate")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null"), response.headers.get("Link", "")
        except urllib.error.HTTPError as exc:
            raise CommentError(
                f"GitHub API {method} {url} answered {exc.code} {exc.reason}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise CommentError(f"GitHub API {method} {url} failed: {exc}") from None

    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        """Update the comment holding ``marker`` on PR ``number``, or create it."""
        base = f"{self.api_url.rstrip('/')}/repos/{self.repository}"
        url: str | None = f"{base}/issues/{number}/comments?per_page=100"
        while url:
            comments, link = self._request("GET", url)
            for comment in comments or []:
                if marker in (comment.get("body") or ""):
                    self._request(
                        "PATCH", f"{base}/issues/comments/{comment['id']}", {"body": body}
                    )
                    return "updated"
            url = _next_link(link)
        self._request("POST", f"{base}/issues/{number}/comments", {"body": body})
        return "created"


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        if 'rel="next"' in part:
            return part.split(";")[0].strip().strip("<>")
    return None
