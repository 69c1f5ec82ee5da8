"""`mlgate comment` against a hostile GitHub API on 127.0.0.1: the token stays on the
configured host, every answer is bounded, nothing malformed turns into a crash."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

Run = Callable[..., Result]
Behaviour = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A local server whose GET answer is a function the test chooses; records requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        self.get: Behaviour = lambda h: send(h, 200, [])
        state = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _record(self) -> None:
                state.requests.append((self.command, self.path, self.headers.get("Authorization")))

            def do_GET(self) -> None:
                self._record()
                state.get(self)

            def do_POST(self) -> None:
                self._record()
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                send(self, 201, {"id": 1})

            def do_PATCH(self) -> None:
                self.do_POST()

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler: BaseHTTPRequestHandler, status: int, payload: Any, **headers: str) -> None:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in headers.items():
        handler.send_header(key.replace("_", "-"), value)
    handler.end_headers()
    handler.wfile.write(body)


@pytest.fixture
def servers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Server, Server]]:
    api, other = Server(), Server()
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}))
    monkeypatch.setenv("GITHUB_API_URL", api.url())
    monkeypatch.setenv("GITHUB_TOKEN", "secret-token")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/models")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    yield api, other
    api.close()
    other.close()


@pytest.fixture
def report(cli: Run, example: Path) -> Path:
    out = example / "report.json"
    assert cli("check", example / "mlgate.yaml", "-q", "-o", out).code == 0
    return out


def _tokens(server: Server) -> list[str | None]:
    return [auth for _, _, auth in server.requests]


def test_a_redirect_to_another_host_does_not_carry_the_token(
    cli: Run, report: Path, servers: tuple[Server, Server]
) -> None:
    api, other = servers
    # "localhost" is another host than "127.0.0.1" to a client, though it is this machine
    api.get = lambda h: send(h, 302, b"", Location=f"{other.url('localhost')}/steal")
    result = cli("comment", report)
    assert result.code == 0
    assert "warning: could not comment" in result.err
    assert "redirected to another host" in result.err
    assert other.requests == []


def test_a_next_link_to_another_host_is_not_followed(
    cli: Run, report: Path, servers: tuple[Server, Server]
) -> None:
    api, other = servers
    link = f'<{other.url("localhost")}/repos/acme/models/issues/7/comments?page=2>; rel="next"'
    api.get = lambda h: send(h, 200, [{"id": 1, "body": "hi"}], Link=link)
    result = cli("comment", report)
    assert result.code == 0
    assert "refusing to send the token to another host" in result.err
    assert other.requests == []


def test_a_plain_http_api_url_is_refused(
    cli: Run, report: Path, servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "http://api.example.invalid")
    result = cli("comment", report)
    assert result.code == 0
    assert "GITHUB_API_URL must be https" in result.err


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b'{"a": 1}', "not a list"),
        (b'[{"body": "<!-- mlgate-report: mlgate.yaml -->"}]', "without a numeric id"),
        (b'[null, 1, "x"]', None),
    ],
)
def test_malformed_answers_are_warnings(
    cli: Run, report: Path, servers: tuple[Server, Server], answer: bytes, message: str | None
) -> None:
    api, _ = servers
    api.get = lambda h: send(h, 200, answer)
    body = json.loads(report.read_text())
    marker_answer = answer.replace(b"mlgate.yaml", body["policy"].encode())
    api.get = lambda h: send(h, 200, marker_answer)
    result = cli("comment", report)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    if message:
        assert message in result.err


def test_an_event_file_that_is_a_list_is_a_warning(
    cli: Run,
    report: Path,
    servers: tuple[Server, Server],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    event = tmp_path / "list.json"
    event.write_text("[1, 2]")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    result = cli("comment", report)
    assert result.code == 0
    assert "no pull request" in result.err


def test_a_slow_drip_answer_times_out(
    cli: Run, report: Path, servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlgate.review.github as gh

    api, _ = servers

    def drip(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for _ in range(100):
            h.wfile.write(b" ")
            h.wfile.flush()
            time.sleep(0.2)

    api.get = drip
    original = gh.GitHubClient.__init__

    def short(self: gh.GitHubClient, *args: Any, **kw: Any) -> None:
        original(self, *args, **kw)
        self.timeout = 2.0

    monkeypatch.setattr(gh.GitHubClient, "__init__", short)
    started = time.monotonic()
    result = cli("comment", report)
    assert result.code == 0
    assert "did not answer within the deadline" in result.err
    assert time.monotonic() - started < 15


def test_endless_next_links_stop(cli: Run, report: Path, servers: tuple[Server, Server]) -> None:
    api, _ = servers
    link = f'<{api.url()}/repos/acme/models/issues/7/comments?page=2>; rel="next"'
    api.get = lambda h: send(h, 200, [], Link=link)
    result = cli("comment", report)
    assert result.code == 0
    assert "more than 50 pages" in result.err
    assert len(api.requests) == 50


def test_a_huge_answer_is_not_read_whole(
    cli: Run, report: Path, servers: tuple[Server, Server], monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlgate.review.github as gh

    monkeypatch.setattr(gh, "MAX_BODY", 1 << 20)
    api, _ = servers
    api.get = lambda h: send(h, 200, b"[" + b" " * (3 << 20) + b"]")
    result = cli("comment", report)
    assert result.code == 0
    assert "larger than 1,048,576 bytes" in result.err


def test_dry_run_prints_the_comment_and_calls_nothing(
    cli: Run, report: Path, servers: tuple[Server, Server]
) -> None:
    api, _ = servers
    result = cli("comment", report, "--dry-run")
    assert result.code == 0
    assert result.out.startswith("<!-- mlgate-report: ")
    assert "mlgate: credit-scoring-release — passed" in result.out
    assert api.requests == []
