"""MkDocs hooks: the reference pages are generated from mlgate's own code at build time.

A page writes a marker such as ``<!-- mlgate:gates -->`` and the build replaces it with text
made from the code: gate documentation (the gates' docstrings, as ``mlgate explain`` prints
them), CLI commands and options (click), policy keys (the pydantic models / JSON Schema),
metrics (the catalog), outcomes and exit codes (the enums) and the report's JSON Schema. So
nothing in the reference is written twice, and ``mkdocs build --strict`` in ``make test``
fails when a marker is unknown.
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from typing import Any

import click

MARKER = re.compile(r"<!-- mlgate:([a-z-]+) -->")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Replace every ``<!-- mlgate:NAME -->`` marker with its generated text."""
    return MARKER.sub(lambda m: render(m.group(1)), markdown)


def render(name: str) -> str:
    """The generated Markdown for marker ``name``."""
    makers = {
        "gates": gates,
        "cli": cli,
        "policy-keys": policy_keys,
        "metrics": metrics,
        "exit-codes": exit_codes,
        "outcomes": outcomes,
        "report-schema": report_schema,
        "policy-schema": policy_schema,
    }
    if name not in makers:
        raise ValueError(f"unknown docs marker mlgate:{name}")
    return makers[name]()


def gates() -> str:
    from mlgate.gates.registry import available, load_gate

    out = []
    builtin = [k for k, ep in available().items() if ep.value.startswith("mlgate.")]
    for kind in builtin:
        gate = load_gate(kind)
        module = importlib.import_module(type(gate).__module__)
        text = inspect.cleandoc(module.__doc__ or gate.summary)
        out.append(f"## `{kind}`\n\n*{gate.summary}*\n\n```text\n{text}\n```\n")
    return "\n".join(out)


def cli() -> str:
    from mlgate.cli import cli as group

    out: list[str] = []

    def walk(command: click.Command, path: list[str]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                walk(command.commands[name], [*path, name])
            return
        context = click.Context(command, info_name=" ".join(path))
        usage = " ".join(command.collect_usage_pieces(context))
        out.append(f"## `{' '.join(path)}`\n")
        out.append(f"```text\n{' '.join(path)} {usage}\n```\n")
        out.append(inspect.cleandoc(command.help or "") + "\n")
        rows = []
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                names = ", ".join(f"`{o}`" for o in [*param.opts, *param.secondary_opts])
                text = (param.help or "").replace("|", "\\|").replace("\n", " ")
                default = param.default
                if param.show_default and default not in (None, (), False):
                    text += f" (default: `{default}`)"
                rows.append(f"| {names} | {text} |")
        if rows:
            out.append("| option | meaning |\n|---|---|\n" + "\n".join(rows) + "\n")

    walk(group, ["mlgate"])
    return "\n".join(out)


def _type(schema: Any, defs: dict[str, Any]) -> str:
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s, defs) for s in schema["anyOf"] if s.get("type") != "null")
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {_type(schema.get('items', {}), defs)}"
    if kind == "object" and "additionalProperties" in schema:
        return f"mapping of {_type(schema['additionalProperties'], defs)}".replace(
            "mapping of any", "mapping"
        )
    return str(kind)


def _table(model: dict[str, Any], defs: dict[str, Any]) -> str:
    required = set(model.get("required", []))
    rows = ["| key | type | default | meaning | example |", "|---|---|---|---|---|"]
    for key, prop in model.get("properties", {}).items():
        default = "required" if key in required else json.dumps(prop.get("default", None))
        meaning = prop.get("description", "").replace("|", "\\|")
        examples = prop.get("examples") or []
        example = f"`{key}: {json.dumps(examples[0])}`" if examples else ""
        rows.append(f"| `{key}` | {_type(prop, defs)} | {default} | {meaning} | {example} |")
    return "\n".join(rows) + "\n"


def policy_keys() -> str:
    from mlgate.policy.model import PolicyDoc

    schema = PolicyDoc.model_json_schema()
    defs = schema.get("$defs", {})
    out = ["## Top level\n", _table(schema, defs)]
    for name in sorted(defs):
        doc = defs[name].get("description", "")
        out += [f"## `{name}`\n", (doc + "\n") if doc else "", _table(defs[name], defs)]
    return "\n".join(out)


def metrics() -> str:
    from mlgate.stats.catalog import ALIASES, METRICS, RATE_DIRECTIONS

    rows = [
        "| metric | tasks | better | range | needs scores | groups judged on |",
        "|---|---|---|---|---|---|",
    ]
    for m in METRICS.values():
        low = "−∞" if m.low == float("-inf") else f"{m.low:g}"
        high = "∞" if m.high == float("inf") else f"{m.high:g}"
        rows.append(
            f"| `{m.name}` | {', '.join(m.tasks)} | {m.direction.value} | [{low}, {high}] | "
            f"{'yes' if m.needs_score else 'no'} | {m.denominator} |"
        )
    rates = ", ".join(f"`{k}` ({v.value})" for k, v in RATE_DIRECTIONS.items())
    aliases = ", ".join(f"`{k}` → `{v}`" for k, v in sorted(ALIASES.items()))
    return (
        "\n".join(rows)
        + f"\n\n**Per-group rates of the fairness gate** (better): {rates}.\n\n"
        + f"**Aliases** accepted everywhere: {aliases}.\n"
    )


def exit_codes() -> str:
    from mlgate.errors import ExitCode

    meaning = {
        "OK": "the run passed (warnings too, unless `--fail-on warning`)",
        "FAILED": "a check failed or a gate could not run; promotion refused; audit log broken",
        "USAGE": "the policy or the command line is wrong (file and line on standard error)",
        "INTERNAL": "mlgate itself broke (a traceback; please report it)",
        "INTERRUPTED": "interrupted (Ctrl-C)",
    }
    rows = ["| code | name | meaning |", "|---|---|---|"]
    rows += [f"| {c.value} | `{c.name}` | {meaning.get(c.name, '')} |" for c in ExitCode]
    return "\n".join(rows) + "\n"


def outcomes() -> str:
    from mlgate.report import Outcome

    rows = ["| outcome | fails the run |", "|---|---|"]
    for o in Outcome:
        fails = "yes" if o.failing else ("with `--fail-on warning`" if o.value == "warn" else "no")
        rows.append(f"| `{o.value}` | {fails} |")
    return "\n".join(rows) + "\n"


def report_schema() -> str:
    from mlgate.report import Report

    return "```json\n" + json.dumps(Report.model_json_schema(), indent=2) + "\n```\n"


def policy_schema() -> str:
    from mlgate.policy.schema import policy_schema as make

    return "```json\n" + json.dumps(make(), indent=2) + "\n```\n"
