"""Governance gate: documentation, lineage, licences and required files as checks.

What it checks
    * Model card: required sections exist (headings, case-insensitive; ``a|b`` accepts
      either name) and hold real content — not empty, not placeholder text such as TBD,
      TODO, FIXME, "lorem ipsum"; Hugging Face style YAML front matter is read and keys
      can be required (``front_matter: [license, datasets]``).
    * Datasheets for dataset inputs, with the same mechanism (``datasheets: {train:
      train_datasheet}``, both input names).
    * Lineage: each input's file must match a manifest — DVC's ``dvc.lock`` (md5 of ``deps``
      and ``outs``, read directly) or an mlgate lock file written by ``mlgate lock`` (sha256) —
      so the model that was evaluated is provably the one that ships.
    * Licences: datasets and models must carry an allowed licence, declared in the policy
      (``licenses.declared``) or in front matter: a datasheet's ``license`` is its dataset's,
      the model card's is that of the input named by ``licenses.model`` (default ``model``).
    * Required files exist (a risk assessment, a DPIA), optionally no older than
      ``max_age_days`` (last git commit date, else file modification time).

Why it matters
    Auditors ask for documentation and provenance next to the metrics (EU AI Act Art. 11
    and Annex IV, Art. 12, Art. 13; NIST AI RMF MAP/MEASURE); checking them in the same
    gate run keeps them from going stale.

Policy example::

    - id: documentation
      type: governance
      model_card: model_card               # an input (Markdown)
      front_matter: [license]
      datasheets: {train: train_datasheet}
      lineage: {manifest: mlgate.lock, inputs: [train, model]}
      licenses:
        allowed: [cc-by-4.0, mit, apache-2.0, proprietary]
        declared: {train: cc-by-4.0}
      required_files:
        - {path: docs/risk_assessment.md, max_age_days: 365}
      controls: [eu-ai-act:art11]

Default model card sections: intended use, out-of-scope use, training data, evaluation
data, metrics, ethical considerations, limitations, owners (each with common alternative
names, e.g. ``owners|owner|contact|model card contact``). Default datasheet sections:
motivation, composition, collection process, uses, maintenance (Gebru et al.).

References
    Mitchell et al., "Model Cards for Model Reporting" (2019); Gebru et al., "Datasheets for
    Datasets" (2021); Hugging Face model card metadata; DVC ``dvc.lock`` format.
"""

from __future__ import annotations

import builtins
import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlgate.errors import NodePath
from mlgate.gates.base import BaseGate, GateConfig
from mlgate.report import CheckResult

if TYPE_CHECKING:
    from mlgate.gates.base import RunContext

MODEL_CARD_SECTIONS = [
    "intended use|intended uses|uses",
    "out-of-scope use|out-of-scope uses|out of scope use|out of scope uses",
    "training data|training dataset",
    "evaluation data|evaluation dataset|testing data",
    "metrics|evaluation results|performance metrics",
    "ethical considerations",
    "limitations|bias, risks, and limitations|caveats and recommendations",
    "owners|owner|contact|model card contact|authors",
]
DATASHEET_SECTIONS = ["motivation", "composition", "collection process", "uses", "maintenance"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LineageConfig(_Strict):
    """Which manifest the inputs must match."""

    manifest: str
    inputs: list[str] | None = None
    controls: list[str] = Field(default_factory=list)


class LicenseConfig(_Strict):
    """Allowed licences and the ones declared for inputs."""

    allowed: list[str] = Field(min_length=1)
    declared: dict[str, str] = Field(default_factory=dict)
    inputs: list[str] | None = None
    model: str = "model"  # the input the model card's front-matter licence applies to
    controls: list[str] = Field(default_factory=list)


class RequiredFile(_Strict):
    """A file that must exist, optionally recently updated."""

    path: str
    max_age_days: int | None = Field(default=None, ge=1)
    controls: list[str] = Field(default_factory=list)


class GovernanceConfig(GateConfig):
    """Keys of a ``type: governance`` gate."""

    type: Literal["governance"]
    model_card: str | None = None
    sections: list[str] = Field(default_factory=lambda: list(MODEL_CARD_SECTIONS))
    front_matter: list[str] = Field(default_factory=list)
    datasheets: dict[str, str] = Field(default_factory=dict)
    datasheet_sections: list[str] = Field(default_factory=lambda: list(DATASHEET_SECTIONS))
    lineage: LineageConfig | None = None
    licenses: LicenseConfig | None = None
    required_files: list[RequiredFile] = Field(default_factory=list)
    severity: Literal["error", "warning", "info"] = "error"


class GovernanceGate(BaseGate[GovernanceConfig]):
    """Governance documents and provenance (see the module docstring)."""

    type: ClassVar[str] = "governance"
    summary: ClassVar[str] = "model card, datasheets, lineage manifest, licences, required files"
    config_model: ClassVar[builtins.type[GateConfig]] = GovernanceConfig
    input_fields: ClassVar[tuple[str, ...]] = ("model_card", "datasheets")

    def validate_config(self, config: GovernanceConfig) -> list[tuple[NodePath, str]]:
        """Something to check, and lineage / licence inputs that exist are checked at run."""
        anything = (
            config.model_card,
            config.datasheets,
            config.lineage,
            config.licenses,
            config.required_files,
        )
        if not any(anything):
            return [
                (
                    (),
                    "nothing to check: give model_card, datasheets, lineage, licenses "
                    "or required_files",
                )
            ]
        return []

    def run(self, config: GovernanceConfig, ctx: RunContext) -> list[CheckResult]:
        """One check per section, front-matter key, input hash, licence and file."""
        checks: list[CheckResult] = []
        fronts: dict[str, dict[str, Any]] = {}
        if config.model_card:
            front, found = _document(
                ctx,
                config,
                "model_card",
                config.model_card,
                config.sections,
                config.front_matter,
                ("model_card",),
            )
            checks += found
            fronts[config.licenses.model if config.licenses else "model"] = front
        for dataset, sheet in config.datasheets.items():
            front, found = _document(
                ctx,
                config,
                f"datasheet[{dataset}]",
                sheet,
                config.datasheet_sections,
                [],
                ("datasheets", dataset),
            )
            checks += found
            fronts[dataset] = front
        if config.lineage:
            checks += _cite(_lineage(ctx, config, config.lineage), config.lineage.controls)
        if config.licenses:
            found = _licenses(ctx, config, config.licenses, fronts)
            checks += _cite(found, config.licenses.controls)
        for i, required in enumerate(config.required_files):
            check = _required_file(ctx, config, required, ("required_files", i))
            checks += _cite([check], required.controls)
        return checks


def _cite(checks: list[CheckResult], controls: list[str]) -> list[CheckResult]:
    """Add the controls cited by one part of the gate (lineage, licences, a file)."""
    if not controls:
        return checks
    return [
        c.model_copy(update={"controls": tuple(dict.fromkeys([*c.controls, *controls]))})
        for c in checks
    ]


def _document(
    ctx: RunContext,
    config: GovernanceConfig,
    prefix: str,
    input_name: str,
    wanted: list[str],
    front_keys: list[str],
    rel: NodePath,
) -> tuple[dict[str, Any], list[CheckResult]]:
    from mlgate.gates.governance.documents import (
        content_problem,
        find_section,
        parse_front_matter,
        sections,
        split_front_matter,
    )

    sev = config.severity
    path = ctx.input_path(input_name)
    if not path.is_file():
        return {}, [
            ctx.assertion(
                f"{prefix}/present",
                False,
                f"input `{input_name}` not found: {path}",
                rel,
                severity=sev,
            )
        ]
    raw, body, offset = split_front_matter(ctx.text(input_name))
    front, problem = parse_front_matter(raw)
    found = sections(body, offset)
    out = [ctx.assertion(f"{prefix}/present", True, "", rel, severity=sev)]
    if problem:
        out.append(ctx.assertion(f"{prefix}/front_matter", False, problem, rel, severity=sev))
    for key in front_keys:
        value = front.get(key)
        ok = value not in (None, "", [], {})
        msg = f"front matter has no `{key}`" if not ok else ""
        out.append(ctx.assertion(f"{prefix}/front_matter:{key}", ok, msg, (*rel,), severity=sev))
    for name in wanted:
        label = name.split("|")[0]
        section = find_section(found, name)
        if section is None:
            names = " or ".join(repr(n) for n in name.split("|"))
            msg = f"no `{label}` section (a heading named {names})"
            out.append(ctx.assertion(f"{prefix}/section:{label}", False, msg, rel, severity=sev))
            continue
        why = content_problem(section.text)
        msg = f"section `{section.title}` (line {section.line}) {why}" if why else ""
        evidence = {"file": str(path.name), "line": section.line}
        out.append(
            ctx.assertion(
                f"{prefix}/section:{label}", not why, msg, rel, severity=sev, evidence=evidence
            )
        )
    return front, out


def _data_inputs(ctx: RunContext, names: list[str] | None) -> list[str]:
    from mlgate.formats import DATA_FORMATS, MODEL_FORMATS

    if names is not None:
        return names
    formats = (*DATA_FORMATS, *MODEL_FORMATS)
    return [name for name in ctx.input_names() if ctx.input_format(name) in formats]


def _lineage(
    ctx: RunContext, config: GovernanceConfig, lineage: LineageConfig
) -> list[CheckResult]:
    from mlgate.gates.governance.documents import md5_file, read_manifest
    from mlgate.paths import display_path

    rel: NodePath = ("lineage", "manifest")
    sev = config.severity
    manifest_path = ctx.resolve(rel, lineage.manifest)
    try:
        entries = read_manifest(manifest_path)
    except FileNotFoundError:
        return [
            ctx.assertion(
                "lineage/manifest",
                False,
                f"manifest {display_path(manifest_path)} not found",
                rel,
                severity=sev,
            )
        ]
    except (OSError, ValueError) as exc:
        msg = f"manifest {display_path(manifest_path)} cannot be read ({type(exc).__name__})"
        return [ctx.assertion("lineage/manifest", False, msg, rel, severity=sev)]
    out = []
    for name in _data_inputs(ctx, lineage.inputs):
        if name not in ctx.input_names():
            out.append(
                ctx.assertion(
                    f"lineage/{name}",
                    False,
                    f"`{name}` is not an input",
                    ("lineage", "inputs"),
                    severity=sev,
                )
            )
            continue
        path = ctx.input_path(name).resolve()
        entry = entries.get(path)
        if entry is None:
            msg = f"{display_path(path)} is not in {display_path(manifest_path)}"
            out.append(ctx.assertion(f"lineage/{name}", False, msg, rel, severity=sev))
            continue
        if not path.is_file():
            out.append(
                ctx.assertion(
                    f"lineage/{name}", False, f"{display_path(path)} not found", rel, severity=sev
                )
            )
            continue
        actual = md5_file(path) if entry.algorithm == "md5" else (ctx.input_sha256(name) or "")
        ok = actual == entry.digest
        msg = f"{entry.algorithm} {actual[:12]}… does not match the manifest's {entry.digest[:12]}…"
        evidence = {"algorithm": entry.algorithm, "expected": entry.digest, "actual": actual}
        out.append(ctx.assertion(f"lineage/{name}", ok, msg, rel, severity=sev, evidence=evidence))
    return out


def _licenses(
    ctx: RunContext,
    config: GovernanceConfig,
    licenses: LicenseConfig,
    fronts: dict[str, dict[str, Any]],
) -> list[CheckResult]:
    allowed = {a.lower() for a in licenses.allowed}
    declared = dict(licenses.declared)
    for owner, front in fronts.items():
        value = front.get("license")
        if isinstance(value, str) and owner not in declared:
            declared[owner] = value
    names = licenses.inputs if licenses.inputs is not None else sorted(declared)
    out = []
    for name in names:
        value = declared.get(name)
        rel: NodePath = (
            ("licenses", "declared", name) if name in licenses.declared else ("licenses",)
        )
        if value is None:
            out.append(
                ctx.assertion(
                    f"license/{name}",
                    False,
                    f"no licence declared for `{name}`",
                    rel,
                    severity=config.severity,
                )
            )
            continue
        ok = value.lower() in allowed
        msg = (
            f"licence `{value}` of `{name}` is not allowed (allowed: {', '.join(licenses.allowed)})"
        )
        out.append(
            ctx.assertion(
                f"license/{name}",
                ok,
                msg,
                rel,
                severity=config.severity,
                evidence={"license": value},
            )
        )
    return out


def _age_days(path: Path) -> float:
    try:
        done = subprocess.run(
            ["git", "log", "-1", "--format=%ct", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        stamp = float(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None
    except (OSError, subprocess.SubprocessError, ValueError):
        stamp = None
    if stamp is None:
        stamp = os.path.getmtime(path)
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    return (now - stamp) / 86400


def _required_file(
    ctx: RunContext, config: GovernanceConfig, required: RequiredFile, rel: NodePath
) -> CheckResult:
    from mlgate.paths import display_path

    path = ctx.resolve((*rel, "path"), required.path)
    name = f"file/{required.path}"
    if not path.is_file():
        return ctx.assertion(
            name, False, f"{display_path(path)} not found", rel, severity=config.severity
        )
    if required.max_age_days is None:
        return ctx.assertion(name, True, "", rel, severity=config.severity)
    age = _age_days(path)
    ok = age <= required.max_age_days
    limit = required.max_age_days
    msg = f"{display_path(path)} was last changed {age:.0f} days ago (max_age_days {limit})"
    return ctx.assertion(
        name, ok, msg, rel, severity=config.severity, evidence={"age_days": round(age, 1)}
    )
