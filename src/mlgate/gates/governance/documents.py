"""Reading governance documents: Markdown sections, placeholders, front matter, manifests."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
COMMENT = re.compile(r"<!--.*?-->", re.S)
PLACEHOLDER = re.compile(
    r"\b(TBD|TBA|TODO|FIXME|XXX|lorem ipsum|fill (?:this )?in|coming soon)\b", re.I
)
ONLY_FILLER = re.compile(r"^(n/?a|none|-+|\.\.\.|…|\?+)$", re.I)
MAX_FRONT_MATTER = 64 * 1024


@dataclass(frozen=True)
class Section:
    """A Markdown section: its heading, level and text (subsections included)."""

    title: str
    level: int
    line: int
    text: str


def normalise(title: str) -> str:
    """Heading text compared case- and punctuation-insensitively."""
    title = re.sub(r"[`*_]", "", title).lower()
    title = re.sub(r"[^a-z0-9]+", " ", title)
    return title.strip()


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter YAML or None, body, line offset of the body)."""
    if not text.startswith("---"):
        return None, text, 0
    lines = text.splitlines(keepends=True)
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 1
    return None, text, 0


def parse_front_matter(raw: str | None) -> tuple[dict[str, Any], str]:
    """Hugging Face style YAML front matter as a mapping, or an error message."""
    if raw is None:
        return {}, ""
    if len(raw) > MAX_FRONT_MATTER:
        return {}, "front matter larger than 64 KiB"
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        return {}, f"front matter is not valid YAML ({type(exc).__name__})"
    if data is None:
        return {}, ""
    if not isinstance(data, dict):
        return {}, "front matter is not a mapping"
    return data, ""


def sections(body: str, offset: int = 0) -> list[Section]:
    """Every heading with the text under it, headings inside code fences ignored."""
    lines = body.splitlines()
    heads: list[tuple[int, int, str]] = []
    fenced = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            heads.append((i, len(match.group(1)), match.group(2)))
    out = []
    for n, (i, level, title) in enumerate(heads):
        end = next((j for j, lvl, _ in heads[n + 1 :] if lvl <= level), len(lines))
        out.append(Section(title, level, i + 1 + offset, "\n".join(lines[i + 1 : end])))
    return out


def content_problem(text: str) -> str:
    """Why a section's text does not count as content, or an empty string."""
    plain = COMMENT.sub("", text)
    plain = re.sub(r"^#{1,6}\s.*$", "", plain, flags=re.M)
    plain = re.sub(r"[*_`>|#\[\]()]", " ", plain).strip()
    if not plain or ONLY_FILLER.match(plain):
        return "is empty"
    marker = PLACEHOLDER.search(plain)
    if marker:
        return f"contains placeholder text ({marker.group(0)})"
    return ""


def find_section(found: list[Section], wanted: str) -> Section | None:
    """The first section matching any ``|``-separated alternative of ``wanted``."""
    names = [normalise(w) for w in wanted.split("|")]
    for section in found:
        if normalise(section.title) in names:
            return section
    return None


# --------------------------------------------------------------------------- manifests


def md5_file(path: Path) -> str:
    """md5 of a file's bytes (what DVC 3 records in dvc.lock)."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class ManifestEntry:
    """What a manifest says a file must be."""

    algorithm: str  # md5 (dvc.lock) or sha256 (mlgate.lock)
    digest: str


def read_manifest(path: Path) -> dict[Path, ManifestEntry]:
    """Entries of a ``dvc.lock`` or an mlgate lock file, by resolved file path."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError("not a mapping")
    base = path.parent
    out: dict[Path, ManifestEntry] = {}
    if "stages" in data:  # dvc.lock
        for stage in (data.get("stages") or {}).values():
            for key in ("deps", "outs"):
                for item in (stage or {}).get(key) or []:
                    if isinstance(item, dict) and "path" in item and "md5" in item:
                        out[(base / str(item["path"])).resolve()] = ManifestEntry(
                            "md5", str(item["md5"])
                        )
        return out
    for item in (data.get("inputs") or {}).values():
        if isinstance(item, dict) and "path" in item and "sha256" in item:
            out[(base / str(item["path"])).resolve()] = ManifestEntry("sha256", str(item["sha256"]))
    return out


def lock_document(entries: dict[str, tuple[str, str, int]]) -> str:
    """An mlgate lock file: ``{input: (relative path, sha256, size)}``."""
    inputs = {
        name: {"path": p, "sha256": sha, "size": size} for name, (p, sha, size) in entries.items()
    }
    return (
        "# written by `mlgate lock`; checked by governance gates with lineage\n"
        + json.dumps({"version": 1, "inputs": inputs}, indent=2)
        + "\n"
    )
