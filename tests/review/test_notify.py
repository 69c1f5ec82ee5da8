"""`notify:` webhooks, against a local HTTP server on 127.0.0.1: sent only on the chosen
outcomes, Slack-compatible and generic JSON, no personal data, failures only warnings."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Result

Run = Callable[..., Result]


@pytest.fixture
def hook() -> Iterator[tuple[str, list[dict[str, Any]], list[int]]]:
    received: list[dict[str, Any]] = []
    status = [200]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "body": json.loads(body)})
            self.send_response(status[0])
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received, status
    finally:
        server.shutdown()
        server.server_close()


def with_notify(repo: Path, block: str) -> None:
    policy = repo / "failing.yaml"
    policy.write_text(policy.read_text() + block)


def test_webhooks_get_the_verdict_without_personal_data(
    user_mlgate: Run, user_repo: Path, hook: tuple[str, list[dict[str, Any]], list[int]]
) -> None:
    url, received, _ = hook
    with_notify(
        user_repo,
        "notify:\n"
        "  - {url_env: CHAT_HOOK}\n"
        "  - {url_env: ALERTS_HOOK, format: json, when: [fail]}\n"
        "  - {url_env: GOOD_NEWS_HOOK, when: [pass]}\n",
    )
    env = {
        "CHAT_HOOK": f"{url}/chat",
        "ALERTS_HOOK": f"{url}/alerts",
        "GOOD_NEWS_HOOK": f"{url}/good",
        "GITHUB_SERVER_URL": "https://github.example",
        "GITHUB_REPOSITORY": "acme/credit",
        "GITHUB_RUN_ID": "42",
    }
    done = user_mlgate("check", "failing.yaml", "-q", "-f", "json", cwd=user_repo, env=env)
    assert done.code == 1
    report = json.loads(done.out)
    assert [r["path"] for r in received] == ["/chat", "/alerts"]  # not the pass-only hook
    text = received[0]["body"]["text"]
    assert text.startswith(f"mlgate: {report['policy_name'] or report['policy']} — FAIL (")
    assert "<https://github.example/acme/credit/actions/runs/42|Open the run>" in text
    alert = received[1]["body"]
    assert alert["outcome"] == "fail"
    assert alert["url"] == "https://github.example/acme/credit/actions/runs/42"
    assert set(alert) == {
        "tool", "policy", "policy_sha256", "outcome", "counts", "failing", "git_commit", "url"
    }  # fmt: skip
    assert 0 < len(alert["failing"]) <= 5
    # nothing a gate observed travels: no group names, no values, no PII examples
    sent = json.dumps(received)
    for gate in report["gates"]:
        for check in gate["checks"]:
            for group in check.get("groups") or []:
                assert f'"{group["group"]}"' not in sent
    assert "@" not in sent  # no e-mail address (the example's data has some)
    assert "mlgate: notify[0] (CHAT_HOOK): notified (fail, HTTP 200)" in done.err
    assert url not in done.err  # the webhook URL is a secret


def test_notification_failures_are_warnings(
    user_mlgate: Run, user_repo: Path, hook: tuple[str, list[dict[str, Any]], list[int]]
) -> None:
    url, _, status = hook
    with_notify(user_repo, "notify:\n  - {url_env: CHAT_HOOK}\n  - {url_env: UNSET_HOOK}\n")
    status[0] = 500
    env = {"CHAT_HOOK": f"{url}/chat"}
    done = user_mlgate("check", "failing.yaml", "-q", cwd=user_repo, env=env)
    assert done.code == 1  # the verdict stands
    assert "warning: notify[0] (CHAT_HOOK): the webhook answered HTTP 500" in done.err
    assert "warning: notify[1] (UNSET_HOOK): $UNSET_HOOK is not set" in done.err
    done = user_mlgate(
        "check", "failing.yaml", "-q", cwd=user_repo,
        env={"CHAT_HOOK": "http://hooks.example.invalid/x"},
    )  # fmt: skip
    assert done.code == 1
    assert "the URL must be https" in done.err
    done = user_mlgate(
        "check", "failing.yaml", "-q", cwd=user_repo, env={"CHAT_HOOK": "http://127.0.0.1:9/x"}
    )
    assert "cannot reach the webhook" in done.err
    assert "127.0.0.1:9" not in done.err
