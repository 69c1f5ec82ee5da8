"""`mlgate comment` against a local stand-in for the GitHub REST API on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

from mlgate.review.github import COMMENT_LIMIT

Run = Callable[..., Result]


class FakeGitHub:
    """Issue comments of one repository, with pagination; records every call."""

    def __init__(self) -> None:
        self.comments: list[dict[str, Any]] = [
            {"id": i, "body": f"unrelated comment {i}"} for i in range(1, 131)
        ]
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []
        self.fail_with: int | None = None
        self.next_id = 1000


def make_handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(
            self, status: int, payload: object, headers: dict[str, str] | None = None
        ) -> None:
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _body(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length", 0))
            data: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
            return data

        def _guard(self, payload: dict[str, Any] | None) -> bool:
            state.calls.append((self.command, self.path, payload))
            assert self.headers["Authorization"] == "Bearer test-token"
            if state.fail_with:
                self._send(state.fail_with, {"message": "nope"})
                return True
            return False

        def do_GET(self) -> None:
            if self._guard(None):
                return
            assert self.path.startswith("/repos/acme/models/issues/7/comments")
            page = int(self.path.split("page=")[-1]) if "&page=" in self.path else 1
            chunk = state.comments[(page - 1) * 100 : page * 100]
            headers = {}
            if page * 100 < len(state.comments):
                nxt = f"http://127.0.0.1:{self.server.server_address[1]}/repos/acme/models/issues/7/comments?per_page=100&page={page + 1}"
                headers["Link"] = f'<{nxt}>; rel="next"'
            self._send(200, chunk, headers)

        def do_POST(self) -> None:
            payload = self._body()
            if self._guard(payload):
                return
            assert self.path == "/repos/acme/models/issues/7/comments"
            state.next_id += 1
            state.comments.append({"id": state.next_id, "body": payload["body"]})
            self._send(201, state.comments[-1])

        def do_PATCH(self) -> None:
            payload = self._body()
            if self._guard(payload):
                return
            cid = int(self.path.rsplit("/", 1)[-1])
            for comment in state.comments:
                if comment["id"] == cid:
                    comment["body"] = payload["body"]
            self._send(200, {"id": cid})

    return Handler


@pytest.fixture
def github(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    state = FakeGitHub()
    server = HTTPServer(("127.0.0.1", 0), make_handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.delenv("GITLAB_CI", raising=False)  # these tests are about GitHub
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/models")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example")
    monkeypatch.setenv("GITHUB_RUN_ID", "42")
    yield state
    server.shutdown()
    server.server_close()


def report_file(cli: Run, example: Path) -> Path:
    out = example / "report.json"
    cli("check", example / "mlgate.yaml", "-o", out)
    return out


def test_creates_once_then_updates_never_duplicates(
    cli: Run, example: Path, github: FakeGitHub
) -> None:
    report = report_file(cli, example)
    first = cli("comment", report)
    assert first.code == 0
    assert "created" in first.out
    second = cli("comment", report)
    assert "updated" in second.out
    ours = [c for c in github.comments if "<!-- mlgate-report:" in c["body"]]
    assert len(ours) == 1
    assert "mlgate: credit-scoring-release — passed" in ours[0]["body"]
    methods = [m for m, _, _ in github.calls]
    assert methods == ["GET", "GET", "POST", "GET", "GET", "PATCH"]  # two pages each time


def test_comment_shows_the_diff_against_a_baseline(
    cli: Run, example: Path, github: FakeGitHub
) -> None:
    baseline = report_file(cli, example)
    head = example / "head.json"
    policy = example / "mlgate.yaml"
    policy.write_text(policy.read_text().replace("accuracy: {min: 0.7}", "accuracy: {min: 0.99}"))
    cli("check", policy, "-o", head)
    cli("comment", head, "--baseline", baseline)
    body = github.comments[-1]["body"]
    assert "### What this change did" in body
    assert "**New failures (3):**" in body


@pytest.mark.parametrize("status", [403, 404, 500, 502])
def test_api_errors_are_warnings_not_failures(
    cli: Run, example: Path, github: FakeGitHub, status: int
) -> None:
    report = report_file(cli, example)
    github.fail_with = status
    result = cli("comment", report)
    assert result.code == 0
    assert f"answered {status}" in result.err
    assert "warning: could not comment" in result.err


def test_not_a_pull_request_is_a_warning(
    cli: Run, example: Path, github: FakeGitHub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event = tmp_path / "push.json"
    event.write_text(json.dumps({"ref": "refs/heads/main"}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    result = cli("comment", report_file(cli, example))
    assert result.code == 0
    assert "no pull request" in result.err
    assert github.calls == []


def test_long_reports_are_truncated_with_a_link(
    cli: Run, example: Path, github: FakeGitHub
) -> None:
    from mlgate.review.github import comment_body

    body = comment_body(
        "x" * (COMMENT_LIMIT * 2),
        "policy.yaml",
        "https://github.example/acme/models/actions/runs/42",
    )
    assert len(body) <= COMMENT_LIMIT
    assert body.endswith("[workflow run](https://github.example/acme/models/actions/runs/42).\n")
    assert body.startswith("<!-- mlgate-report: policy.yaml -->")


def test_the_comment_links_the_html_report(cli: Run, example: Path, github: FakeGitHub) -> None:
    report = report_file(cli, example)
    url = "https://github.example/acme/models/actions/runs/42/artifacts/7"
    assert cli("comment", report, "--html-url", url).code == 0
    body = github.comments[-1]["body"]
    assert f"[Full HTML report with charts]({url})" in body
    assert body.index("Full HTML report") < body.index("### Gates")
    refused = cli("comment", report, "--html-url", "http://evil.example/x)[y](z")
    assert refused.code == 2
    assert "--html-url must be an https URL" in refused.err
