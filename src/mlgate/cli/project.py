"""Project commands: init, lock, validate, packs, list-gates, explain, schema."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate.cli._app import cli
from mlgate.cli.check import offline_option
from mlgate.cli.review import diff_format_option
from mlgate.errors import InputError, PolicyError, UsageError

if TYPE_CHECKING:
    pass


@cli.command()
@click.option(
    "--data",
    "data",
    required=True,
    type=click.Path(path_type=Path),
    help="The dataset to profile (csv, parquet, jsonl, ...; a folder of Parquet files, or a "
    "file over 256 MiB, is profiled by DuckDB).",
)
@click.option("--label", help="The label column, if the data has one.")
@click.option(
    "--out",
    "out",
    default="mlgate.yaml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Policy file to write.",
)
@click.option("--force", is_flag=True, help="Overwrite an existing policy file.")
def init(data: Path, label: str | None, out: Path, force: bool) -> int:
    """Write a commented starter policy from a dataset."""
    from mlgate.errors import did_you_mean
    from mlgate.formats import detect_format
    from mlgate.inputs import read_frame
    from mlgate.policy import load_policy
    from mlgate.policy.model import DATA_FORMATS, InputSpec
    from mlgate.policy.starter import frame_columns, starter_policy, table_columns

    if out.exists() and not force:
        raise UsageError(f"{out} exists; not overwriting it (use --force)")
    table = _engine_table(data)
    if table is not None:
        columns = table_columns(table)
        rows, engine = table.num_rows(), "duckdb"
    else:
        fmt = detect_format(data)
        if fmt not in DATA_FORMATS:
            raise UsageError(
                f"{data}: not a dataset file (csv, tsv, parquet, jsonl, json, feather)"
            )
        if not data.is_file():
            raise UsageError(f"{data} not found")
        frame = read_frame("data", data, fmt, InputSpec(path=str(data)))
        columns, rows, engine = frame_columns(frame), len(frame), ""
    names = [c.name for c in columns]
    if label is not None and label not in names:
        raise UsageError(f"{data} has no column `{label}`{did_you_mean(label, names)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    text = starter_policy(data, rows, columns, out, label, engine)
    out.write_text(text, encoding="utf-8")
    from mlgate.paths import display_path

    policy = load_policy(out)
    shown = display_path(out)
    click.echo(
        f"{shown}: written ({len(policy.gates)} gates); review it, then: mlgate check {shown}"
    )
    return 0


def _engine_table(data: Path) -> Any:
    """A DuckDB table for a folder, or a Parquet/CSV file over 256 MiB, when DuckDB is
    installed; None: pandas reads it."""
    import importlib.util

    from mlgate.backends import (
        AUTO_BYTES,
        DuckDBTable,
        checked_header,
        duckdb_source,
        folder_format,
    )
    from mlgate.formats import detect_format

    def table(path: str, fmt: str) -> DuckDBTable:
        try:
            header = checked_header(path, fmt, None, str(data), "duckdb")
        except InputError as exc:
            raise UsageError(str(exc)) from None
        return DuckDBTable("data", duckdb_source(path, fmt, None, header=header))

    if data.is_dir():
        fmt = folder_format(data)
        if fmt not in ("parquet", "csv", "tsv", "jsonl"):
            raise UsageError(f"{data}: a folder without Parquet, CSV or JSON lines files")
        if importlib.util.find_spec("duckdb") is None:
            raise UsageError(f"{data}: a folder is read by DuckDB: pip install 'mlgate[duckdb]'")
        return table(str(data / "**" / f"*.{fmt}"), fmt)
    fmt = detect_format(data)
    if (
        data.is_file()
        and fmt in ("parquet", "csv", "tsv")
        and data.stat().st_size > AUTO_BYTES
        and importlib.util.find_spec("duckdb") is not None
    ):
        return table(str(data), fmt)
    return None


@cli.command()
@click.argument("policy", default="mlgate.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Lock file to write (default: mlgate.lock beside the policy).",
)
def lock(policy: Path, output: Path | None) -> int:
    """Record the sha256 of every input of POLICY, for governance lineage checks."""
    from mlgate.paths import display_path
    from mlgate.policy import load_policy
    from mlgate.review.lock import write_lock

    target, count = write_lock(load_policy(policy), output)
    click.echo(f"{display_path(target)}: locked {count} inputs")
    return 0


@cli.group()
def packs() -> None:
    """Built-in policy packs (use them with `extends: [builtin:NAME]`)."""


@packs.command("list")
def packs_list() -> int:
    """List the built-in packs."""
    from mlgate.policy.packs import pack_names, pack_path
    from mlgate.policy.source import load_yaml

    for name in pack_names():
        path = pack_path(name)
        assert path is not None
        data = load_yaml(path).data or {}
        click.echo(f"{name:<22} {data.get('description', '')}".rstrip())
    return 0


@packs.command("show")
@click.argument("name")
def packs_show(name: str) -> int:
    """Print a built-in pack."""
    from mlgate.errors import did_you_mean
    from mlgate.policy.packs import pack_names, pack_path

    path = pack_path(name)
    if path is None:
        raise UsageError(f"no built-in pack `{name}`{did_you_mean(name, pack_names())}")
    click.echo(path.read_text(encoding="utf-8"), nl=False)
    return 0


@cli.command()
@click.argument("policies", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@offline_option
def validate(policies: tuple[Path, ...]) -> int:
    """Check that policy files load and validate (default: mlgate.yaml)."""
    from mlgate.policy import load_policy
    from mlgate.policy.required import check_required

    problems = []
    for path in policies or (Path("mlgate.yaml"),):
        try:
            policy = load_policy(path)
            check_required(policy)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        click.echo(
            f"{policy.display}: ok ({len(policy.gates)} gates, {len(policy.doc.inputs)} inputs)"
        )
        for pack in policy.extended:
            if not pack.pinned:
                click.echo(
                    f"{policy.display}: warning: `{pack.ref}` is not pinned "
                    "(allow_unpinned: true): its content can change under the policy",
                    err=True,
                )
        for spec in policy.gates:
            missing = getattr(spec.gate, "missing_dependency", lambda: None)()
            if missing:
                click.echo(f"{policy.display}: warning: gate `{spec.id}`: {missing}", err=True)
    if problems:
        raise PolicyError(problems)
    return 0


@cli.command()
@click.argument("policies", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@offline_option
def fetch(policies: tuple[Path, ...]) -> int:
    """Fetch the remote packs POLICIES extend into the cache (default: mlgate.yaml).

    Each pack is verified (commit or sha256 pin) and kept under its pin, so later runs with
    `--offline` (or MLGATE_OFFLINE=1) need no network. With --offline, checks that the cache
    holds everything.
    """
    import os

    from mlgate.policy import load_policy
    from mlgate.policy.remote import cache_dir

    problems = []
    for path in policies or (Path("mlgate.yaml"),):
        try:
            policy = load_policy(path)
        except PolicyError as exc:
            problems.extend(exc.problems)
            continue
        remote = [p for p in policy.extended if p.kind in ("git", "https")]
        for pack in remote:
            version = f" v{pack.version}" if pack.version else ""
            pin = "" if pack.pinned else " (unpinned)"
            click.echo(f"{policy.display}: {pack.ref}{version} sha256 {pack.sha256[:12]}{pin}")
        if not remote:
            click.echo(f"{policy.display}: extends no remote pack")
    if problems:
        raise PolicyError(problems)
    click.echo(f"mlgate: remote packs are cached in {cache_dir(os.environ) / 'packs'}", err=True)
    return 0


@cli.command("list-gates")
def list_gates() -> int:
    """List the installed gate types (built-in and plug-ins)."""
    from mlgate.gates.registry import available, load_gate

    for name, ep in available().items():
        gate = load_gate(name)
        dist = getattr(ep, "dist", None)
        origin = f"{dist.name} {dist.version}" if dist is not None else ep.value
        click.echo(f"{name:<14} {gate.summary}  [{origin}]")
    return 0


@cli.command()
@click.argument("gate_type")
def explain(gate_type: str) -> int:
    """Print the documentation of a gate type."""
    import importlib
    import inspect

    from mlgate.errors import did_you_mean
    from mlgate.gates.registry import available, load_gate

    if gate_type not in available():
        raise UsageError(f"unknown gate type `{gate_type}`{did_you_mean(gate_type, available())}")
    gate = load_gate(gate_type)
    module = importlib.import_module(type(gate).__module__)
    click.echo(inspect.cleandoc(module.__doc__ or gate.summary))
    return 0


@cli.command()
def schema() -> int:
    """Print the JSON Schema of the policy format (for editor completion)."""
    import json

    from mlgate.policy.schema import policy_schema

    click.echo(json.dumps(policy_schema(), indent=2))
    return 0


@packs.command("diff")
@click.argument("old")
@click.argument("new")
@diff_format_option
@offline_option
def packs_diff(old: str, new: str, fmt: str) -> int:
    """What a pack upgrade tightens or loosens: OLD and NEW are `builtin:NAME`, pack files or
    remote packs (`git+REPO//PATH@REV`, `https://...`; tags and branches allowed here).

    The same rules as the policy review (`mlgate diff --policy`): loosened thresholds,
    removed or disabled gates and checks, lowered severities, dropped confidence, and every
    other change to what a gate looks at, flagged where its direction is unknown.
    """
    from mlgate.policy import load_policy
    from mlgate.reporters.diff import POLICY_DIFF
    from mlgate.review.diff import diff_policies

    with tempfile.TemporaryDirectory(prefix="mlgate-packs-") as scratch:
        base, head = (
            load_policy(_pack_file(ref, Path(scratch) / f"{i}.yaml"), pack=True)
            for i, ref in enumerate((old, new))
        )
        # the one-line policies naming remote packs differ only in their `extends:`
        changes = [c for c in diff_policies(base, head) if c.path[:1] != ("extends",)]
        click.echo(POLICY_DIFF[fmt](changes), nl=False)
    return 0


def _pack_file(ref: str, scratch: Path) -> Path:
    """The file to load for pack ``ref``; a remote pack is named by a one-line policy."""
    import json

    from mlgate.errors import did_you_mean
    from mlgate.policy import remote
    from mlgate.policy.packs import pack_names, pack_path

    if remote.is_remote(ref):
        try:
            absolute = remote.parse(ref, Path.cwd()).text
        except remote.RemoteError as exc:
            raise UsageError(f"{remote.redact(ref)}: {exc}") from None
        text = f"version: 1\nallow_unpinned: true\nextends: [{json.dumps(absolute)}]\n"
        scratch.write_text(text, encoding="utf-8")
        return scratch

    if ref.startswith("builtin:"):
        name = ref.removeprefix("builtin:")
        path = pack_path(name)
        if path is None:
            raise UsageError(f"no built-in pack `{name}`{did_you_mean(name, pack_names())}")
        return path
    path = Path(ref)
    if not path.is_file():
        raise UsageError(f"{ref}: no such pack file")
    return path
