"""GitHub Actions glue: step outputs, the job summary, workspace paths, PR comments.

Everything here reads the runner's environment variables explicitly and writes only the
files or API endpoints GitHub documents; nothing is called unless the user asked for it.
"""

from __future__ import annotations

import http.client
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlgate.provenance import run_url
from mlgate.report import Report
from mlgate.safe_io import read_bounded

COMMENT_LIMIT = 65_536  # GitHub's maximum issue comment body, in characters
MARKER = "<!-- mlgate-report: {key} -->"


def workspace_root(env: Mapping[str, str], cwd: Path) -> str:
    """Prefix from the repository root to ``cwd``, so paths are relative to the repository:
    ``GITHUB_WORKSPACE`` on GitHub Actions, ``CI_PROJECT_DIR`` on GitLab CI."""
    workspace = env.get("GITHUB_WORKSPACE") or env.get("CI_PROJECT_DIR")
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


STEP_OUTCOMES = ("pass", "warn", "fail", "error", "skipped")


def step_outcome(report: Report) -> str:
    """The run's verdict as one of :data:`STEP_OUTCOMES` (documented in ``action.yml``).

    ``error``: a gate could not run; ``fail``: a check failed (or warned under
    ``--fail-on warning``); ``warn``: only warnings; ``pass``: everything passed, waived
    checks included (counted in the ``waived`` output); ``skipped``: no gate ran.
    """
    if report.outcome.value == "error":
        return "error"
    if report.failed():
        return "fail"
    if report.outcome.value in ("warn", "skipped"):
        return report.outcome.value
    return "pass"


def outputs_for(report: Report, report_path: str) -> dict[str, str]:
    """The action's outputs for a report."""
    counts = report.counts()
    return {
        "outcome": step_outcome(report),
        "report": report_path,
        "failed": str(counts["fail"]),
        "warned": str(counts["warn"]),
        "errored": str(counts["error"]),
        "waived": str(counts["waived"]),
    }


def pr_number(env: Mapping[str, str]) -> int | None:
    """The pull request number from ``GITHUB_EVENT_PATH`` (pull_request or issue events)."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return None
    try:
        event = json.loads(read_bounded(Path(path), 64 << 20).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(event, dict):
        return None
    for key in ("pull_request", "issue"):
        item = event.get(key)
        number = item.get("number") if isinstance(item, dict) else None
        if isinstance(number, int):
            return number
    number = event.get("number")
    return number if isinstance(number, int) and not isinstance(number, bool) else None


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


LOOPBACK = {"127.0.0.1", "::1", "localhost"}
MAX_PAGES = 50
MAX_BODY = 16 << 20


def check_api_url(url: str, variable: str = "GITHUB_API_URL") -> str:
    """The API URL when it is https (or http on a loopback address); else CommentError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK):
        return url
    raise CommentError(
        f"refusing to send the token to {parts.scheme or 'a'}://{parts.hostname or '?'}: "
        f"{variable} must be https (plain http only on a loopback address)"
    )


def _origin(url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme, parts.netloc.lower()


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the API's own scheme and host: the token never leaves it."""

    def __init__(self, origin: tuple[str, str]) -> None:
        self.origin = origin

    def redirect_request(
        self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> Any:
        if _origin(newurl) != self.origin:
            raise CommentError(
                f"the API redirected to another host ({_origin(newurl)[1]}); not following"
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass
class GitHubClient:
    """The three REST calls a sticky comment needs, with every answer bounded.

    The token goes only to the scheme and host of ``api_url``: redirects and ``Link``
    pages elsewhere are refused. Each request has a total deadline (a slow-drip body
    times out), bodies are capped at ``MAX_BODY`` bytes and pages at ``MAX_PAGES``.
    """

    api_url: str
    repository: str
    token: str
    timeout: float = 30.0
    service = "GitHub"  # in messages
    url_variable = "GITHUB_API_URL"

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "mlgate",
        }

    def __post_init__(self) -> None:
        check_api_url(self.api_url, self.url_variable)
        self.origin = _origin(self.api_url)
        self.opener = urllib.request.build_opener(_SameOriginRedirects(self.origin))

    def _request(
        self, method: str, url: str, payload: dict[str, Any] | None = None
    ) -> tuple[Any, str]:
        if _origin(url) != self.origin:
            raise CommentError(f"refusing to send the token to another host ({_origin(url)[1]})")
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (checked)
        for name, value in self._headers().items():
            request.add_header(name, value)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        deadline = time.monotonic() + self.timeout
        try:
            with self.opener.open(request, timeout=min(self.timeout, 10.0)) as response:
                body = _read_body(response, deadline)
                link = response.headers.get("Link", "")
        except urllib.error.HTTPError as exc:
            raise CommentError(
                f"{self.service} API {method} {url} answered {exc.code} {exc.reason}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError, http.client.HTTPException) as exc:
            raise CommentError(f"{self.service} API {method} {url} failed: {exc}") from None
        try:
            return json.loads(body or b"null"), link
        except ValueError:
            raise CommentError(
                f"{self.service} API {method} {url} answered with invalid JSON"
            ) from None

    def _find(self, url: str | None, marker: str, what: str) -> int | None:
        """The id of the first item holding ``marker`` in a paged list, or None."""
        pages = 0
        while url:
            pages += 1
            if pages > MAX_PAGES:
                raise CommentError(f"more than {MAX_PAGES} pages of {what}s; not searching on")
            items, link = self._request("GET", url)
            if not isinstance(items, list):
                raise CommentError(f"{self.service} API answered a {what} list that is not a list")
            for item in items:
                if not isinstance(item, dict) or marker not in str(item.get("body") or ""):
                    continue
                iid = item.get("id")
                if not isinstance(iid, int) or isinstance(iid, bool):
                    raise CommentError(f"{self.service} API answered a {what} without a numeric id")
                return iid
            url = _next_link(link)
        return None

    def upsert_comment(self, number: int, body: str, marker: str) -> str:
        """Update the comment holding ``marker`` on PR ``number``, or create it."""
        base = f"{self.api_url.rstrip('/')}/repos/{self.repository}"
        found = self._find(f"{base}/issues/{number}/comments?per_page=100", marker, "comment")
        if found is not None:
            self._request("PATCH", f"{base}/issues/comments/{found}", {"body": body})
            return "updated"
        self._request("POST", f"{base}/issues/{number}/comments", {"body": body})
        return "created"


def _read_body(response: Any, deadline: float) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise CommentError("the GitHub API did not answer within the deadline")
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > MAX_BODY:
            raise CommentError(f"the GitHub API answer is larger than {MAX_BODY:,} bytes")
        parts.append(chunk)


def _next_link(header: str) -> str | None:
    for part in header.split(","):
        if 'rel="next"' in part:
            return part.split(";")[0].strip().strip("<>")
    return None


@dataclass(frozen=True)
class CommentOutcome:
    """What ``post_comment`` did: a line for the user, and whether it is a warning."""

    text: str
    warning: bool = False


def post_comment(markdown: str, key: str, env: Mapping[str, str]) -> CommentOutcome:
    """Create or update the sticky comment holding ``markdown`` on the pull request.

    Every problem (no pull request, no token, any API error) is a warning outcome: it
    never changes the verdict of the run.
    """
    number = pr_number(env)
    missing = [k for k in ("GITHUB_TOKEN", "GITHUB_REPOSITORY") if not env.get(k)]
    if number is None or missing:
        why = f"missing {', '.join(missing)}" if missing else "no pull request in GITHUB_EVENT_PATH"
        return CommentOutcome(f"not commenting ({why})", warning=True)
    api = env.get("GITHUB_API_URL", "https://api.github.com")
    text = comment_body(markdown, key, run_url(env))
    try:
        client = GitHubClient(api, env["GITHUB_REPOSITORY"], env["GITHUB_TOKEN"])
        done = client.upsert_comment(number, text, MARKER.format(key=key))
    except CommentError as exc:
        return CommentOutcome(f"could not comment on the pull request: {exc}", warning=True)
    return CommentOutcome(f"{done} the report comment on pull request #{number}")
