"""GitLab CI glue: the sticky merge request note.

The same promises as the GitHub comment (:mod:`mlgate.review.github`): one note per policy,
found by its hidden marker and updated in place; the token (``MLGATE_GITLAB_TOKEN`` or
``GITLAB_TOKEN``, a project or personal access token with ``api`` scope — GitLab's job token
cannot write notes) goes only to the scheme and host of ``CI_API_V4_URL`` (https, or http on a
loopback address), redirects elsewhere are refused, answers are bounded in size, pages and
time; every problem is a warning that never changes the verdict.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

from mlgate.review.github import (
    MARKER,
    CommentError,
    CommentOutcome,
    GitHubClient,
    comment_body,
)

TOKEN_VARIABLES = ("MLGATE_GITLAB_TOKEN", "GITLAB_TOKEN")


@dataclass
class GitLabClient(GitHubClient):
    """GitLab's REST API v4: list, update or create a merge request note."""

    service = "GitLab"
    url_variable = "CI_API_V4_URL"

    def _headers(self) -> dict[str, str]:
        return {"PRIVATE-TOKEN": self.token, "Accept": "application/json", "User-Agent": "mlgate"}

    def upsert_note(self, iid: int, body: str, marker: str) -> str:
        """Update the note holding ``marker`` on merge request ``iid``, or create it."""
        project = urllib.parse.quote(self.repository, safe="")
        base = f"{self.api_url.rstrip('/')}/projects/{project}/merge_requests/{iid}/notes"
        found = self._find(f"{base}?per_page=100&sort=asc&order_by=created_at", marker, "note")
        if found is not None:
            self._request("PUT", f"{base}/{found}", {"body": body})
            return "updated"
        self._request("POST", base, {"body": body})
        return "created"


def merge_request_iid(env: Mapping[str, str]) -> int | None:
    """The merge request of this pipeline (``CI_MERGE_REQUEST_IID``), or None."""
    value = env.get("CI_MERGE_REQUEST_IID", "")
    return int(value) if value.isdigit() else None


def post_note(markdown: str, key: str, env: Mapping[str, str]) -> CommentOutcome:
    """Create or update the sticky note holding ``markdown`` on the merge request."""
    iid = merge_request_iid(env)
    token = next((env[k] for k in TOKEN_VARIABLES if env.get(k)), "")
    missing = [k for k in ("CI_API_V4_URL", "CI_PROJECT_ID") if not env.get(k)]
    if not token:
        missing.append(" or ".join(TOKEN_VARIABLES))
    if iid is None or missing:
        why = f"missing {', '.join(missing)}" if missing else "not a merge request pipeline"
        return CommentOutcome(f"not commenting ({why})", warning=True)
    text = comment_body(markdown, key, env.get("CI_JOB_URL"))
    try:
        client = GitLabClient(env["CI_API_V4_URL"], env["CI_PROJECT_ID"], token)
        done = client.upsert_note(iid, text, MARKER.format(key=key))
    except CommentError as exc:
        return CommentOutcome(f"could not comment on the merge request: {exc}", warning=True)
    return CommentOutcome(f"{done} the report note on merge request !{iid}")
