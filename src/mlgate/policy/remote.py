"""Remote policy packs: ``extends:`` entries fetched from git or https, pinned and cached.

Reference forms (a compliance office publishes packs in a repository or on a web server)::

    git+https://host/org/policies.git//packs/credit.yaml@<commit id>
    git+ssh://git@host/org/policies.git//packs/credit.yaml@<commit id>
    git+file:///srv/mirror/policies.git//packs/credit.yaml@<commit id>
    git+../policies.git//packs/credit.yaml@<commit id>   (a repository on disk, relative
                                                          to the file that names it)
    https://host/packs/credit.yaml#sha256=<digest>

A reference is *pinned* when it names a full commit id (git) or the sha256 digest of the
file (https): its content can then never change under the policy. A tag, a branch or no
pin at all is refused unless the file that writes the reference sets
``allow_unpinned: true`` (which the policy review flags as a loosening).

Fetched files are kept in a cache keyed by the pin (``MLGATE_CACHE_DIR``, else
``$XDG_CACHE_HOME/mlgate``, else ``~/.cache/mlgate``) with their sha256, verified on every
read; ``mlgate fetch`` warms it and ``--offline`` (or ``MLGATE_OFFLINE=1``) forbids the
network, so a CI job can run from a cache restored by its platform.

Security: git runs with only the https, ssh and file transports allowed (no ``ext::``
command transports), never prompts, and takes credentials only from its own credential
helpers; a reference with credentials in it is refused, so none can reach a report or a
log. https fetches send no credentials, follow redirects only to https and are bounded in
size and time. A pack fetched from a repository may extend other files of the same
repository at the same commit (relative paths) and built-in packs, never local files.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from mlgate.errors import MlgateError
from mlgate.textsafe import clean

MAX_BYTES = 1 << 20  # the policy loader's limit for one file
TIMEOUT_S = 60
COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
DIGEST = re.compile(r"sha256=([0-9a-f]{64})")
GIT_TRANSPORTS = "https:ssh:file"
OFFLINE_ENV = "MLGATE_OFFLINE"
CACHE_ENV = "MLGATE_CACHE_DIR"


class RemoteError(MlgateError):
    """A remote reference that cannot be used; the loader locates it at its ``extends`` entry."""


def is_remote(ref: str) -> bool:
    """Whether an ``extends`` entry names a remote pack (rather than a file or built-in)."""
    return ref.startswith(("git+", "https://", "http://"))


@dataclass(frozen=True)
class RemoteRef:
    """A parsed remote reference."""

    kind: Literal["git", "https"]
    repo: str  # git: repository URL or absolute path; https: the URL without its fragment
    path: str = ""  # git: the file inside the repository
    rev: str | None = None  # git: what follows `@` (a commit id pins it)
    digest: str | None = None  # https: the sha256 pin

    @property
    def pinned(self) -> bool:
        """Whether the reference can only ever name one content."""
        if self.kind == "git":
            return self.rev is not None and COMMIT.fullmatch(self.rev) is not None
        return self.digest is not None

    @property
    def identity(self) -> str:
        """The pack without its pin: what a required-pack setting names."""
        return f"git+{self.repo}//{self.path}" if self.kind == "git" else self.repo

    @property
    def text(self) -> str:
        """The reference as a policy writes it."""
        if self.kind == "git":
            return self.identity + (f"@{self.rev}" if self.rev else "")
        return self.repo + (f"#sha256={self.digest}" if self.digest else "")

    def sibling(self, ref: str) -> RemoteRef:
        """A relative ``extends`` inside this pack: the same repository at the same commit."""
        if self.kind != "git":
            raise RemoteError(
                "a pack fetched over https can extend only pinned references and built-in "
                "packs, not relative files"
            )
        if ref.startswith("/") or "\\" in ref:
            raise RemoteError("a pack from a repository can extend only files of that repository")
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), ref))
        if joined.startswith("../") or joined == "..":
            raise RemoteError("the path leaves the pack's repository")
        return replace(self, path=joined)


def parse(ref: str, base: Path) -> RemoteRef:
    """Parse a remote reference; relative repository paths are resolved from ``base``."""
    if ref.startswith("http://"):
        raise RemoteError("plain http is not allowed; use https with a #sha256= pin")
    if ref.startswith("https://"):
        url, _, fragment = ref.partition("#")
        _no_credentials(url)
        digest = None
        if fragment:
            found = DIGEST.fullmatch(fragment)
            if not found:
                raise RemoteError("the pin must be `#sha256=` and 64 lower-case hex digits")
            digest = found.group(1)
        return RemoteRef("https", url, digest=digest)
    body = ref.removeprefix("git+")
    scheme_end = body.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    split = body.find("//", start)
    if split < 0:
        raise RemoteError(
            "write `git+REPOSITORY//path/to/pack.yaml@COMMIT` (two slashes before the path)"
        )
    repo, rest = body[:split], body[split + 2 :]
    path, at, rev = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if not repo or not path:
        raise RemoteError("the repository and the path inside it must both be given")
    if repo.startswith("-") or path.startswith("-"):
        raise RemoteError("a repository or path cannot start with `-`")
    if scheme_end >= 0:
        scheme = body[:scheme_end]
        if scheme not in ("https", "ssh", "file"):
            raise RemoteError(f"the git transport `{scheme}` is not allowed (https, ssh, file)")
        _no_credentials(repo, allow_user=scheme == "ssh")
    elif "::" in repo:
        raise RemoteError("git's `transport::address` form is not allowed (https, ssh, file)")
    elif re.match(r"[\w.-]+@[\w.-]+:", repo):
        raise RemoteError("write an ssh repository as `git+ssh://user@host/path`")
    else:
        folder = Path(repo)
        repo = str(folder if folder.is_absolute() else (base / folder).resolve())
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or "" in parts:
        raise RemoteError("the path inside the repository must be relative, without `..`")
    return RemoteRef("git", repo, path, rev if at else None)


def _no_credentials(url: str, allow_user: bool = False) -> None:
    netloc = urllib.parse.urlsplit(url).netloc
    userinfo, at, _ = netloc.rpartition("@")
    if at and (not allow_user or ":" in userinfo):
        raise RemoteError(
            "credentials do not belong in a policy; git's credential helpers supply them"
        )


@dataclass(frozen=True)
class Fetched:
    """A remote pack, verified and cached."""

    ref: RemoteRef  # pinned to the commit it resolved to (git)
    file: Path  # the cached copy
    sha256: str
    from_cache: bool


def cache_dir(env: Mapping[str, str]) -> Path:
    """Where fetched packs are kept (mlgate's cache folder)."""
    from mlgate.paths import cache_dir as root

    return root(env)


def offline(env: Mapping[str, str]) -> bool:
    """Whether the network is forbidden (``--offline`` sets ``MLGATE_OFFLINE=1``)."""
    return env.get(OFFLINE_ENV, "").strip().lower() not in ("", "0", "false", "no")


class Fetcher:
    """Fetches remote packs into the cache; one per policy load (it memoises)."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = dict(os.environ if env is None else env)
        self.root = cache_dir(self.env) / "packs"
        self.offline = offline(self.env)
        self._done: dict[RemoteRef, Fetched] = {}

    def fetch(self, ref: RemoteRef) -> Fetched:
        """The pack's content, from the cache when pinned and present, else fetched."""
        if ref not in self._done:
            self._done[ref] = self._fetch(ref)
        return self._done[ref]

    def _fetch(self, ref: RemoteRef) -> Fetched:
        if ref.pinned:
            return self._pinned(ref)
        resolved = self._resolve_unpinned(ref)
        # https without a digest is fetched every time it is online; git resolves to a commit
        return resolved if isinstance(resolved, Fetched) else self._pinned(resolved)

    def _pinned(self, ref: RemoteRef) -> Fetched:
        entry = self.root / _key(ref.text)
        cached = self._read_cache(entry, ref)
        if cached is not None:
            return cached
        if self.offline:
            raise RemoteError(
                "not in the cache and the network is forbidden (--offline); "
                "run `mlgate fetch` where the network is reachable"
            )
        content = self._git_blob(ref) if ref.kind == "git" else self._download(ref.repo)
        digest = hashlib.sha256(content).hexdigest()
        if ref.digest is not None and digest != ref.digest:
            raise RemoteError(f"digest mismatch: the pin says sha256 {ref.digest}, got {digest}")
        return self._store(entry, ref, content, digest)

    def _resolve_unpinned(self, ref: RemoteRef) -> RemoteRef | Fetched:
        note = self.root / "resolved" / _key(ref.text)
        if ref.kind == "https":
            entry = self.root / _key(ref.text)
            if self.offline:
                cached = self._read_cache(entry, ref)
                if cached is None:
                    raise RemoteError("not in the cache and the network is forbidden (--offline)")
                return cached
            content = self._download(ref.repo)
            return self._store(entry, ref, content, hashlib.sha256(content).hexdigest())
        if self.offline:
            try:
                commit = note.read_text(encoding="ascii").strip()
            except OSError:
                raise RemoteError(
                    "an unpinned reference is not in the cache and the network is forbidden "
                    "(--offline)"
                ) from None
            if not COMMIT.fullmatch(commit):
                raise RemoteError("the cache's record of this reference is damaged")
            return replace(ref, rev=commit)
        repo = self._git_repo(ref)
        self._git(["fetch", "--quiet", "--no-tags", "--depth", "1", "--", ref.repo,
                   ref.rev or "HEAD"], repo, network=True)  # fmt: skip
        commit = self._git(["rev-parse", "FETCH_HEAD^{commit}"], repo).decode().strip()
        _write_atomic(note, commit.encode())
        return replace(ref, rev=commit)

    # -- cache ---------------------------------------------------------------------------

    def _read_cache(self, entry: Path, ref: RemoteRef) -> Fetched | None:
        try:
            meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
            content = (entry / "pack.yaml").read_bytes()
        except (OSError, ValueError):
            return None
        digest = hashlib.sha256(content).hexdigest()
        if not isinstance(meta, dict) or meta.get("sha256") != digest:
            if self.offline:
                raise RemoteError(
                    f"the cached copy in {entry} does not match its recorded digest; "
                    "delete it and fetch again"
                )
            return None
        if ref.digest is not None and digest != ref.digest:
            return None
        return Fetched(ref, entry / "pack.yaml", digest, True)

    def _store(self, entry: Path, ref: RemoteRef, content: bytes, digest: str) -> Fetched:
        try:
            entry.mkdir(parents=True, exist_ok=True)
            _write_atomic(entry / "pack.yaml", content)
            meta = {"ref": ref.text, "sha256": digest}
            _write_atomic(entry / "meta.json", json.dumps(meta, indent=2).encode())
        except OSError as exc:
            raise RemoteError(f"cannot write the pack cache {self.root}: {exc.strerror}") from None
        return Fetched(ref, entry / "pack.yaml", digest, False)

    # -- git -----------------------------------------------------------------------------

    def _git_repo(self, ref: RemoteRef) -> Path:
        repo = self.root / "git" / _key(ref.repo)
        if not (repo / "HEAD").is_file():
            repo.mkdir(parents=True, exist_ok=True)
            self._git(["init", "--quiet", "--bare"], repo)
        return repo

    def _git_blob(self, ref: RemoteRef) -> bytes:
        assert ref.rev is not None
        repo = self._git_repo(ref)
        if self._try(["cat-file", "-e", f"{ref.rev}^{{commit}}"], repo) is None:
            fetch = ["fetch", "--quiet", "--no-tags", "--depth", "1", "--", ref.repo, ref.rev]
            if self._try(fetch, repo) is None:
                # servers that refuse to send an unadvertised commit: fetch branches and tags
                refspecs = ["+refs/heads/*:refs/mlgate/heads/*", "+refs/tags/*:refs/mlgate/tags/*"]
                self._git(["fetch", "--quiet", "--", ref.repo, *refspecs], repo, network=True)
                if self._try(["cat-file", "-e", f"{ref.rev}^{{commit}}"], repo) is None:
                    raise RemoteError(f"the repository has no commit {ref.rev}")
        spec = f"{ref.rev}:{ref.path}"
        size = self._try(["cat-file", "-s", spec], repo)
        if size is None:
            raise RemoteError(f"no file `{ref.path}` at commit {ref.rev[:12]}")
        if int(size.decode().strip() or 0) > MAX_BYTES:
            raise RemoteError(f"larger than the limit of {MAX_BYTES:,} bytes")
        return self._git(["cat-file", "blob", spec], repo)

    def _git(self, args: list[str], repo: Path, network: bool = False) -> bytes:
        done = self._run(args, repo)
        if done.returncode == 0:
            return done.stdout
        lines = [ln for ln in done.stderr.decode(errors="replace").splitlines() if ln.strip()]
        reason = redact(lines[-1] if lines else f"git exited with {done.returncode}")
        prefix = "unreachable: " if network else ""
        raise RemoteError(prefix + clean(reason.removeprefix("fatal: ")))

    def _try(self, args: list[str], repo: Path) -> bytes | None:
        done = self._run(args, repo)
        return done.stdout if done.returncode == 0 else None

    def _run(self, args: list[str], repo: Path) -> subprocess.CompletedProcess[bytes]:
        env = {
            **self.env,
            "GIT_ALLOW_PROTOCOL": GIT_TRANSPORTS,
            "GIT_TERMINAL_PROMPT": "0",
            "GCM_INTERACTIVE": "never",
            "GIT_DIR": str(repo),
        }
        try:
            return subprocess.run(
                ["git", *args],
                cwd=repo,
                env=env,
                capture_output=True,
                timeout=TIMEOUT_S,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except FileNotFoundError:
            raise RemoteError("git is not installed; remote packs from git need it") from None
        except subprocess.TimeoutExpired:
            raise RemoteError(f"git did not answer within {TIMEOUT_S} s") from None

    # -- https ---------------------------------------------------------------------------

    def _download(self, url: str) -> bytes:
        opener = urllib.request.build_opener(_HttpsOnlyRedirects())
        # only https URLs reach here (parse refuses the rest; redirects are checked)
        request = urllib.request.Request(url, headers={"User-Agent": "mlgate"})  # noqa: S310
        try:
            with opener.open(request, timeout=TIMEOUT_S) as response:
                content: bytes = response.read(MAX_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise RemoteError(f"unreachable: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise RemoteError(f"unreachable: {clean(str(reason))}") from None
        if len(content) > MAX_BYTES:
            raise RemoteError(f"larger than the limit of {MAX_BYTES:,} bytes")
        return content


class _HttpsOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not newurl.startswith("https://"):
            raise RemoteError(f"redirected to a non-https address ({code})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def redact(text: str) -> str:
    """A reference or message with any userinfo of a URL replaced by ``***``."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", text)
