"""Notifications: a short verdict POSTed to webhooks named by the policy's ``notify:`` block.

The URL comes from an environment variable (a webhook URL is a secret; it is never written to
a report or a log). A message holds the policy's name, the verdict, the counts, at most five
ids of failing checks and a link (the MLflow run, else the CI run) — never an observed value, a
group name or a finding, so no personal data can travel. ``slack`` posts ``{"text": ...}``
(Slack's and compatible incoming webhooks: Mattermost, Rocket.Chat, Teams workflows); ``json``
posts the same facts as fields. Delivery failures are warnings: the verdict stands.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mlgate.report import Outcome, Report

if TYPE_CHECKING:
    from mlgate.policy.model import NotifySpec

TIMEOUT_S = 10
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def verdict(report: Report) -> str:
    """The outcome a notification is chosen by: ``fail`` also for warnings under fail-on."""
    return "fail" if report.failed() and report.outcome is Outcome.WARN else report.outcome.value


def payload(report: Report, fmt: str, link: str | None) -> dict[str, Any]:
    """The message of one notification."""
    outcome = verdict(report)
    counts = {k: v for k, v in report.counts().items() if v}
    failing = [c.id for c in report.checks() if c.outcome in (Outcome.FAIL, Outcome.ERROR)] + [
        g.id for g in report.gates if not g.checks and g.outcome.failing
    ]
    name = report.policy_name or report.policy
    if fmt == "json":
        return {
            "tool": "mlgate",
            "policy": name,
            "policy_sha256": report.policy_sha256,
            "outcome": outcome,
            "counts": counts,
            "failing": failing[:5],
            "git_commit": report.git_commit,
            "url": link,
        }
    summary = ", ".join(f"{n} {k}" for k, n in counts.items()) or "no checks"
    text = f"mlgate: {name} — {outcome.upper()} ({summary})"
    if failing:
        more = f" and {len(failing) - 5} more" if len(failing) > 5 else ""
        text += "\nFailing: " + ", ".join(f"`{i}`" for i in failing[:5]) + more
    if report.git_commit:
        text += f"\nCommit {report.git_commit[:12]}"
    if link:
        text += f"\n<{link}|Open the run>"
    return {"text": text}


def send(
    report: Report, specs: Sequence[NotifySpec], env: Mapping[str, str], link: str | None
) -> list[str]:
    """Send the notifications whose outcomes match; one line per notification sent or not."""
    notes = []
    outcome = verdict(report)
    for i, spec in enumerate(specs):
        if outcome not in spec.when:
            continue
        label = f"notify[{i}] ({spec.url_env})"
        url = env.get(spec.url_env, "").strip()
        if not url:
            notes.append(f"warning: {label}: ${spec.url_env} is not set; not notified")
            continue
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in LOOPBACK):
            notes.append(f"warning: {label}: the URL must be https; not notified")
            continue
        body = json.dumps(payload(report, spec.format, link)).encode()
        request = urllib.request.Request(  # noqa: S310 (https, or http on loopback, checked)
            url,
            data=body,
            headers={"Content-Type": "application/json", "User-Agent": "mlgate"},
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirects())
        try:
            with opener.open(request, timeout=TIMEOUT_S) as answer:
                status = answer.status
        except urllib.error.HTTPError as exc:
            notes.append(f"warning: {label}: the webhook answered HTTP {exc.code}; not notified")
            continue
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            # the URL is a secret: the message names the variable, never the address
            text = str(reason).replace(url, f"${spec.url_env}")
            notes.append(f"warning: {label}: cannot reach the webhook ({text[:200]})")
            continue
        notes.append(f"{label}: notified ({outcome}, HTTP {status})")
    return notes


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None  # a redirect is answered as an HTTP error
