"""Remote, pinned `extends:` as an organisation uses them: a bare git repository on disk with
tagged pack versions, an https server on 127.0.0.1 with its own certificate, the pack cache,
`mlgate fetch`, `--offline`, required packs with version floors, and the pins in the report
and the audit log. Every test runs the installed wheel from a repository outside the checkout.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import Result, git

Run = Callable[..., Result]

CREDIT_V1 = """\
version: 1
pack_version: "1.0"
extends: [common.yaml]
gates:
  - id: org-pii
    type: pii
    data: train
    max_findings: 0
"""
COMMON = "version: 1\nmax_waiver_days: 30\n"


@dataclass
class OrgRepo:
    bare: Path
    v1: str  # commit of tag v1.0
    v11: str  # commit of tag v1.1


@pytest.fixture
def org(tmp_path: Path) -> OrgRepo:
    """The compliance office's pack repository: v1.0, then v1.1 allowing 5 findings."""
    work = tmp_path / "org-work"
    (work / "packs").mkdir(parents=True)
    (work / "packs" / "credit.yaml").write_text(CREDIT_V1)
    (work / "packs" / "common.yaml").write_text(COMMON)
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "credit pack 1.0")
    git(work, "tag", "v1.0")
    v1 = git(work, "rev-parse", "HEAD").strip()
    v11_text = CREDIT_V1.replace('"1.0"', '"1.1"').replace("max_findings: 0", "max_findings: 5")
    (work / "packs" / "credit.yaml").write_text(v11_text)
    git(work, "commit", "-q", "-am", "credit pack 1.1")
    git(work, "tag", "v1.1")
    v11 = git(work, "rev-parse", "HEAD").strip()
    bare = tmp_path / "policies.git"
    git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    return OrgRepo(bare, v1, v11)


def policy(repo: Path, ref: str, extra: str = "") -> Path:
    path = repo / "org-policy.yaml"
    path.write_text(
        f"version: 1\n{extra}extends: [{json.dumps(ref)}]\n"
        "inputs:\n  train: {path: data/train.csv}\n"
    )
    return path


def env_for(tmp_path: Path, **more: str) -> dict[str, str]:
    return {"MLGATE_CACHE_DIR": str(tmp_path / "cache"), **more}


def test_a_pinned_git_pack_runs_and_its_pin_is_in_the_report_and_audit_log(
    user_mlgate: Run, user_repo: Path, org: OrgRepo, tmp_path: Path
) -> None:
    ref = f"git+file://{org.bare}//packs/credit.yaml@{org.v1}"
    policy(user_repo, ref)
    env = env_for(tmp_path)
    done = user_mlgate(
        "check", "org-policy.yaml", "-q", "-f", "json", "-o", "r.json",
        "--audit-log", "audit.jsonl", cwd=user_repo, env=env,
    )  # fmt: skip
    assert done.code == 0, done.err
    report = json.loads((user_repo / "r.json").read_text())
    packs = {p["ref"]: p for p in report["packs"]}
    credit = packs[ref]
    assert credit["kind"] == "git"
    assert credit["version"] == "1.0"
    assert credit["pinned"]
    assert credit["sha256"] == hashlib.sha256(CREDIT_V1.encode()).hexdigest()
    # the file the pack extends comes from the same repository at the same commit
    common = packs[f"git+file://{org.bare}//packs/common.yaml@{org.v1}"]
    assert common["sha256"] == hashlib.sha256(COMMON.encode()).hexdigest()
    gate = next(g for g in report["gates"] if g["id"] == "org-pii")
    # annotations point at the user's `extends:` line, naming the pack line as origin
    assert gate["location"]["file"] == "org-policy.yaml"
    assert gate["location"]["line"] == 2
    assert gate["location"]["origin"] == f"{ref} line 5"
    record = json.loads((user_repo / "audit.jsonl").read_text().splitlines()[-1])
    assert record["packs"][ref] == credit["sha256"]
    assert user_mlgate("audit", "verify", "audit.jsonl", cwd=user_repo).code == 0
    markdown = user_mlgate(
        "check", "org-policy.yaml", "-q", "-f", "markdown", cwd=user_repo, env=env
    )
    assert f"packs/credit.yaml@{org.v1[:12]} v1.0" in markdown.out


def test_unpinned_references_are_refused_unless_allowed_and_then_flagged(
    user_mlgate: Run, user_repo: Path, org: OrgRepo, tmp_path: Path
) -> None:
    env = env_for(tmp_path)
    pinned = policy(user_repo, f"git+file://{org.bare}//packs/credit.yaml@{org.v1}")
    git(user_repo, "add", "org-policy.yaml")
    git(user_repo, "commit", "-q", "-m", "org policy, pinned")
    tag = f"git+file://{org.bare}//packs/credit.yaml@v1.1"
    policy(user_repo, tag)
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env)
    assert done.code == 2
    assert f"org-policy.yaml:2: extends[0]: extended policy `{tag}`: not pinned" in done.err
    policy(user_repo, tag, extra="allow_unpinned: true\n")
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env)
    assert done.code == 0, done.err
    assert f"`git+file://{org.bare}//packs/credit.yaml@{org.v11}` is not pinned" in done.err
    done = user_mlgate(
        "check", pinned.name, "-q", "-f", "json", "--base-ref", "main", cwd=user_repo, env=env
    )
    report = json.loads(done.out)
    review = next(g for g in report["gates"] if g["id"] == "policy-changes")
    messages = " | ".join(c["message"] for c in review["checks"])
    assert "`allow_unpinned` false → true" in messages  # a loosening the reviewer sees
    assert "`max_findings` 0 → 5" in messages  # and what the new pack version changes
    assert next(p for p in report["packs"] if p["kind"] == "git")["pinned"] is False


def test_the_cache_serves_offline_runs_and_detects_tampering(
    user_mlgate: Run, user_repo: Path, org: OrgRepo, tmp_path: Path
) -> None:
    env = env_for(tmp_path)
    policy(user_repo, f"git+file://{org.bare}//packs/credit.yaml@{org.v1}")
    done = user_mlgate("check", "org-policy.yaml", "-q", "--offline", cwd=user_repo, env=env)
    assert done.code == 2
    assert "not in the cache and the network is forbidden (--offline)" in done.err
    assert "run `mlgate fetch`" in done.err
    fetched = user_mlgate("fetch", "org-policy.yaml", cwd=user_repo, env=env)
    assert fetched.code == 0, fetched.err
    assert f"packs/credit.yaml@{org.v1} v1.0 sha256" in fetched.out
    shutil.move(org.bare, tmp_path / "gone.git")  # the server is unreachable now
    for flags in (["--offline"], []):  # pinned and cached: no network needed either way
        done = user_mlgate("check", "org-policy.yaml", "-q", *flags, cwd=user_repo, env=env)
        assert done.code == 0, done.err
    assert user_mlgate("fetch", "--offline", "org-policy.yaml", cwd=user_repo, env=env).code == 0
    copies = (tmp_path / "cache" / "packs").glob("*/pack.yaml")
    cached = next(p for p in copies if "max_findings: 0" in p.read_text())
    cached.write_text(cached.read_text().replace("max_findings: 0", "max_findings: 999"))
    done = user_mlgate("check", "org-policy.yaml", "-q", "--offline", cwd=user_repo, env=env)
    assert done.code == 2
    assert "does not match its recorded digest" in done.err
    done = user_mlgate("check", "org-policy.yaml", "-q", cwd=user_repo, env=env)
    assert done.code == 0, done.err  # online, the copy is rebuilt from git's verified objects
    assert "max_findings: 0" in cached.read_text()
    fresh = env_for(tmp_path / "other")
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=fresh)
    assert done.code == 2
    assert "extended policy `git+file://" in done.err
    assert "unreachable" in done.err


def test_required_packs_with_version_floors_and_pins(
    user_mlgate: Run, user_repo: Path, org: OrgRepo, tmp_path: Path
) -> None:
    base = f"git+file://{org.bare}//packs/credit.yaml"
    policy(user_repo, f"{base}@{org.v1}")
    need = {"MLGATE_REQUIRED_PACKS": f"{base}>=1.1"}
    done = user_mlgate(
        "check", "org-policy.yaml", "-q", cwd=user_repo, env=env_for(tmp_path, **need)
    )
    assert done.code == 2
    assert f"extends `{base}@{org.v1}` at version 1.0, below the required `{base}>=1.1`" in done.err
    policy(user_repo, f"{base}@{org.v11}")
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env_for(tmp_path, **need))
    assert done.code == 0, done.err
    exact = {"MLGATE_REQUIRED_PACKS": f"{base}@{org.v1}"}
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env_for(tmp_path, **exact))
    assert done.code == 2
    assert "not the required pin" in done.err
    (user_repo / "pyproject.toml").write_text(
        '[tool.mlgate]\nrequired = ["builtin:eu-ai-act-high-risk>=2"]\n'
    )
    done = user_mlgate("validate", "mlgate.yaml", cwd=user_repo, env=env_for(tmp_path))
    assert done.code == 2
    assert (
        "`builtin:eu-ai-act-high-risk` at version 1.0, below the required `builtin:eu-ai-act-high-risk>=2`"
        in done.err
    )
    (user_repo / "pyproject.toml").write_text(
        '[tool.mlgate]\nrequired = ["builtin:eu-ai-act-high-risk>=1.0"]\n'
    )
    assert user_mlgate("validate", "mlgate.yaml", cwd=user_repo, env=env_for(tmp_path)).code == 0


def test_packs_diff_between_two_tags_of_a_remote_pack(
    user_mlgate: Run, user_repo: Path, org: OrgRepo, tmp_path: Path
) -> None:
    base = f"git+file://{org.bare}//packs/credit.yaml"
    done = user_mlgate(
        "packs", "diff", f"{base}@v1.0", f"{base}@v1.1", cwd=user_repo, env=env_for(tmp_path)
    )
    assert done.code == 0, done.err
    assert "org-pii/max_findings" in done.out
    assert "0 → 5" in done.out
    assert "extends" not in done.out


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("git+ext::sh -c touch% /tmp/x//p.yaml@" + "a" * 40, "transport"),
        ("git+git@example.invalid:org/r.git//p.yaml@" + "a" * 40, "git+ssh://"),
        ("git+https://user:secret@example.invalid/r.git//p.yaml@" + "a" * 40, "credentials"),
        ("https://token@example.invalid/p.yaml#sha256=" + "0" * 64, "credentials"),
        ("http://example.invalid/p.yaml#sha256=" + "0" * 64, "plain http is not allowed"),
        ("https://example.invalid/p.yaml#md5=abc", "the pin must be `#sha256=`"),
        ("git+file:///srv/r.git//../etc/p.yaml@" + "a" * 40, "without `..`"),
        ("git+file:///srv/r.git/p.yaml", "two slashes before the path"),
    ],
)
def test_bad_references_are_located_errors_and_never_echo_credentials(
    user_mlgate: Run, user_repo: Path, tmp_path: Path, ref: str, reason: str
) -> None:
    policy(user_repo, ref)
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env_for(tmp_path))
    assert done.code == 2
    assert "org-policy.yaml:2: extends[0]: extended policy" in done.err
    assert reason in done.err
    assert "secret" not in done.err
    assert "token@" not in done.err
    assert "Traceback" not in done.err


def test_a_remote_pack_cannot_reach_local_files(
    user_mlgate: Run, user_repo: Path, tmp_path: Path
) -> None:
    work = tmp_path / "evil"
    work.mkdir()
    (work / "p.yaml").write_text(f"version: 1\nextends: [{user_repo / 'mlgate.yaml'}]\n")
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "p")
    sha = git(work, "rev-parse", "HEAD").strip()
    policy(user_repo, f"git+{work}//p.yaml@{sha}")
    done = user_mlgate("validate", "org-policy.yaml", cwd=user_repo, env=env_for(tmp_path))
    assert done.code == 2
    assert "can extend only files of that repository" in done.err


# -- https packs -----------------------------------------------------------------------------


@dataclass
class Site:
    base: str
    cert: Path
    pages: dict[str, tuple[int, bytes]]


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """An https server on 127.0.0.1 with a certificate made for it (trusted via SSL_CERT_FILE)."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    pages: dict[str, tuple[int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            status, body = pages.get(self.path, (404, b"not found"))
            self.send_response(status)
            if status in (301, 302):
                self.send_header("Location", body.decode())
                body = b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a client that does not trust the certificate hangs up; that is expected

    server = Server(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    # the handshake happens in the request's thread, which closes the socket when it fails
    server.socket = context.wrap_socket(
        server.socket, server_side=True, do_handshake_on_connect=False
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Site(f"https://127.0.0.1:{server.server_address[1]}", cert, pages)
    finally:
        server.shutdown()
        server.server_close()


def test_https_packs_are_verified_by_digest(
    user_mlgate: Run, user_repo: Path, site: Site, tmp_path: Path
) -> None:
    pack = b"version: 1\npack_version: '2.0'\ngates:\n  - {id: org-pii, type: pii, data: train}\n"
    digest = hashlib.sha256(pack).hexdigest()
    site.pages["/packs/credit.yaml"] = (200, pack)
    site.pages["/moved.yaml"] = (302, f"{site.base}/packs/credit.yaml".encode())
    site.pages["/downgrade.yaml"] = (302, b"http://127.0.0.1:9/packs/credit.yaml")
    site.pages["/html.yaml"] = (200, b"<html><body>Sign in</body></html>")
    env = env_for(tmp_path, SSL_CERT_FILE=str(site.cert))

    def run(ref: str, *args: str) -> Result:
        policy(user_repo, ref)
        return user_mlgate("check", "org-policy.yaml", "-q", *args, cwd=user_repo, env=env)

    ok = f"{site.base}/packs/credit.yaml#sha256={digest}"
    done = run(ok, "-f", "json")
    assert done.code == 0, done.err
    recorded = json.loads(done.out)["packs"]
    assert recorded == [
        {"ref": ok, "kind": "https", "sha256": digest, "version": "2.0", "pinned": True}
    ]
    assert run(f"{site.base}/moved.yaml#sha256={digest}").code == 0  # https redirects are fine
    done = run(f"{site.base}/packs/credit.yaml#sha256={'0' * 64}")
    assert done.code == 2
    assert f"digest mismatch: the pin says sha256 {'0' * 64}, got {digest}" in done.err
    done = run(f"{site.base}/downgrade.yaml#sha256={digest}")
    assert done.code == 2
    assert "redirected to a non-https address" in done.err
    done = run(f"{site.base}/missing.yaml#sha256={digest}")
    assert done.code == 2
    assert "unreachable: HTTP 404" in done.err
    html_digest = hashlib.sha256(b"<html><body>Sign in</body></html>").hexdigest()
    done = run(f"{site.base}/html.yaml#sha256={html_digest}")
    assert done.code == 2
    assert "not a policy file" in done.err
    # without the certificate the server is not trusted: no silent downgrade
    policy(user_repo, ok)
    untrusted = user_mlgate(
        "validate", "org-policy.yaml", cwd=user_repo, env=env_for(tmp_path / "fresh")
    )
    assert untrusted.code == 2
    assert "CERTIFICATE_VERIFY_FAILED" in untrusted.err
    # the verified copy serves offline runs when the site is down
    site.pages.clear()
    done = user_mlgate("check", "org-policy.yaml", "-q", "--offline", cwd=user_repo, env=env)
    assert done.code == 0, done.err
