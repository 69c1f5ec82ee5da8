"""`mlgate comment` on GitLab: the sticky merge request note, against a local stand-in for
GitLab's REST API v4 on 127.0.0.1 (pagination, redirects, errors)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

Run = Callable[..., Result]
NOTES = "/api/v4/projects/acme%2Fmodels/merge_requests/7/notes"


class FakeGitLab:
    """Notes of one merge request, 100 a page; records every call and every token seen."""

    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = [
            {"id": i, "body": f"unrelated note {i}"} for i in range(1, 131)
        ]
        self.calls: list[tuple[str, str]] = []
        self.tokens: list[str | None] = []
        self.fail_with: int | None = None
        self.redirect_to: str | None = None
        self.next_id = 5000


def serve(state: FakeGitLab) -> HTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, payload: object, headers: dict[str, str] | None = None):
            body = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _record(self) -> bool:
            state.calls.append((self.command, self.path))
            state.tokens.append(self.headers.get("PRIVATE-TOKEN"))
            if state.redirect_to and self.command == "GET":
                self.send_response(302)
                self.send_header("Location", state.redirect_to + self.path)
                self.end_headers()
                return True
            if state.fail_with:
                self._send(state.fail_with, {"message": "nope"})
                return True
            return False

        def _payload(self) -> dict[str, Any]:
            length = int(self.headers.get("Content-Length", 0))
            data: dict[str, Any] = json.loads(self.rfile.read(length) or b"{}")
            return data

        def do_GET(self) -> None:
            if self._record():
                return
            path, _, query = self.path.partition("?")
            assert path == NOTES, path
            page = int(dict(p.split("=") for p in query.split("&")).get("page", "1"))
            chunk = state.notes[(page - 1) * 100 : page * 100]
            headers = {}
            if page * 100 < len(state.notes):
                port = self.server.server_address[1]
                nxt = f"http://127.0.0.1:{port}{path}?{query}&page={page + 1}"
                headers["Link"] = f'<{nxt}>; rel="next"'
            self._send(200, chunk, headers)

        def do_POST(self) -> None:
            if self._record():
                return
            assert self.path == NOTES
            note = {"id": state.next_id, "body": self._payload()["body"]}
            state.next_id += 1
            state.notes.append(note)
            self._send(201, note)

        def do_PUT(self) -> None:
            if self._record():
                return
            nid = int(self.path.rsplit("/", 1)[1])
            note = next(n for n in state.notes if n["id"] == nid)
            note["body"] = self._payload()["body"]
            self._send(200, note)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def gitlab(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitLab]:
    state = FakeGitLab()
    server = serve(state)
    port = server.server_address[1]
    monkeypatch.setenv("GITLAB_CI", "true")
    monkeypatch.setenv("CI_API_V4_URL", f"http://127.0.0.1:{port}/api/v4")
    monkeypatch.setenv("CI_PROJECT_ID", "acme/models")
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "7")
    monkeypatch.setenv("MLGATE_GITLAB_TOKEN", "glpat-test")
    monkeypatch.setenv("CI_JOB_URL", "https://gitlab.example/acme/models/-/jobs/9")
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    yield state
    server.shutdown()
    server.server_close()


def report_file(cli: Run, example: Path) -> Path:
    out = example / "report.json"
    cli("check", example / "mlgate.yaml", "-q", "-o", out)
    return out


def test_one_note_created_then_updated(cli: Run, example: Path, gitlab: FakeGitLab) -> None:
    report = report_file(cli, example)
    first = cli("comment", report)
    assert first.code == 0
    assert "created the report note on merge request !7" in first.out
    second = cli("comment", report)
    assert "updated the report note on merge request !7" in second.out
    ours = [n for n in gitlab.notes if "<!-- mlgate-report:" in n["body"]]
    assert len(ours) == 1
    assert "mlgate: credit-scoring-release — passed" in ours[0]["body"]
    methods = [m for m, _ in gitlab.calls]
    assert methods == ["GET", "GET", "POST", "GET", "GET", "PUT"]  # two pages each time
    assert set(gitlab.tokens) == {"glpat-test"}


def test_api_errors_are_warnings(cli: Run, example: Path, gitlab: FakeGitLab) -> None:
    report = report_file(cli, example)
    gitlab.fail_with = 500
    result = cli("comment", report)
    assert result.code == 0  # never changes the verdict
    assert "could not comment on the merge request: GitLab API GET" in result.err
    assert "answered 500" in result.err


def test_the_token_never_follows_a_redirect_to_another_host(
    cli: Run, example: Path, gitlab: FakeGitLab
) -> None:
    elsewhere = FakeGitLab()
    other = serve(elsewhere)
    try:
        # "localhost" is another host than 127.0.0.1, as a URL compares them
        gitlab.redirect_to = f"http://localhost:{other.server_address[1]}"
        result = cli("comment", report_file(cli, example))
        assert result.code == 0
        assert "redirected to another host" in result.err
        assert elsewhere.calls == []  # the token was never sent there
    finally:
        other.shutdown()
        other.server_close()


def test_not_a_merge_request_or_no_token_is_a_warning(
    cli: Run, example: Path, gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = report_file(cli, example)
    monkeypatch.delenv("CI_MERGE_REQUEST_IID")
    result = cli("comment", report)
    assert "not commenting (not a merge request pipeline)" in result.err
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "7")
    monkeypatch.delenv("MLGATE_GITLAB_TOKEN")
    result = cli("comment", report)
    assert "missing MLGATE_GITLAB_TOKEN or GITLAB_TOKEN" in result.err
    assert gitlab.calls == []


def test_plain_http_to_a_remote_host_is_refused(
    cli: Run, example: Path, gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI_API_V4_URL", "http://gitlab.example/api/v4")
    result = cli("comment", report_file(cli, example))
    assert result.code == 0
    assert "CI_API_V4_URL must be https" in result.err
