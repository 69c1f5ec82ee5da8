"""The engine: run a policy's gates fail-closed and build the :class:`Report`.

Each gate runs in isolation: an exception, a missing input or a missing column makes that
gate ``error`` and the other gates still run. Inputs are parsed once per run.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlgate import waivers
from mlgate._version import __version__
from mlgate.context import RunContext
from mlgate.errors import MlgateError, UsageError, did_you_mean
from mlgate.gates.pii.parallel import setting as pii_workers_setting
from mlgate.inputs import InputStore
from mlgate.paths import display_path
from mlgate.policy import GateSpec, Policy
from mlgate.policy.controls import compliance_matrix, expand_required
from mlgate.report import (
    CheckResult,
    GateResult,
    Outcome,
    PackRecord,
    Provenance,
    Report,
    WaiverRecord,
    gate_outcome,
    worst,
)
from mlgate.safe_io import MAX_REPORT_BYTES, read_bounded

ProgressHook = Callable[[str, str, int, int], None]


@dataclass
class RunOptions:
    """How to run a policy. Clock and provenance are injected so reports are reproducible."""

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    fail_on: str = "error"
    baseline: Path | None = None
    today: dt.date = field(default_factory=dt.date.today)
    created_at: str | None = None
    git_commit: str | None = None
    debug: bool = False
    progress: ProgressHook | None = None
    provenance: Provenance | None = None
    # results made outside the engine (the policy review): selected and waived like gates
    extra_gates: tuple[GateResult, ...] = ()


def run_policy(policy: Policy, options: RunOptions | None = None) -> tuple[Report, InputStore]:
    """Run every selected gate of ``policy``; return the report and the input store."""
    options = options or RunOptions()
    _check_selection(policy, options)
    now = dt.datetime.fromisoformat(options.created_at) if options.created_at else None
    store = InputStore(policy, now)
    pii_workers_setting()  # a bad MLGATE_PII_WORKERS is a usage error, as MLGATE_ENGINE is
    store.start_hashing()
    baseline, baseline_missing, baseline_name = _load_baseline(policy, options)
    started = time.perf_counter()
    results = []
    total = len(policy.gates)
    for n, spec in enumerate(policy.gates):
        if options.progress:
            options.progress("start", spec.id, n, total)
            hook = options.progress
            store.progress = lambda text, n=n, hook=hook: hook("detail", text, n, total)
        ctx = RunContext(policy, spec, store, baseline, baseline_missing, options.today)
        results.append(_run_gate(spec, ctx, options))
        if options.progress:
            options.progress("end", spec.id, n + 1, total)
    for extra in options.extra_gates:
        if (options.only and extra.id not in options.only) or extra.id in options.skip:
            message = "not selected on the command line"
            update = {"outcome": Outcome.SKIPPED, "message": message, "checks": ()}
            extra = extra.model_copy(update=update)
        results.append(extra)
    results, waivers = apply_waivers(policy, results, options.today)
    required = expand_required(policy.doc.compliance.require, policy.controls)
    compliance = compliance_matrix(results, required, policy.controls)
    outcome = worst([g.outcome for g in results if g.outcome is not Outcome.SKIPPED])
    missing_note = f"baseline report {baseline_name} not found" if baseline_name else None
    if baseline_name and baseline_missing != "baseline report not found":
        missing_note = f"baseline {baseline_name}: {baseline_missing}"
    if baseline is not None:
        missing_note = None
    else:
        baseline_name = None
    return (
        Report(
            tool_version=__version__,
            created_at=options.created_at,
            policy=policy.display,
            policy_name=policy.doc.name,
            policy_sha256=policy.sha256,
            packs=tuple(
                PackRecord(
                    ref=e.ref, kind=e.kind, sha256=e.sha256, version=e.version, pinned=e.pinned
                )
                for e in policy.extended
            ),
            git_commit=options.git_commit,
            outcome=outcome,
            fail_on=options.fail_on,
            duration_s=round(time.perf_counter() - started, 3),
            inputs=tuple(store.record(name) for name in policy.doc.inputs),
            gates=tuple(results),
            waivers=tuple(waivers),
            compliance=tuple(compliance),
            baseline=baseline_name,
            baseline_missing=missing_note,
            provenance=options.provenance,
        ),
        store,
    )


def _check_selection(policy: Policy, options: RunOptions) -> None:
    ids = [g.id for g in policy.gates] + [g.id for g in options.extra_gates]
    for gid in (*options.only, *options.skip):
        if gid not in ids:
            raise UsageError(
                f"no gate with id `{gid}` in {policy.display}{did_you_mean(gid, ids)}; "
                f"gates: {', '.join(ids) or 'none'}"
            )


def _load_baseline(policy: Policy, options: RunOptions) -> tuple[Report | None, str, str | None]:
    path = options.baseline
    named = str(path) if path is not None else policy.doc.baseline
    if named is not None and named.startswith("mlflow:"):
        return _mlflow_baseline(named)
    if path is None and policy.doc.baseline:
        path = policy.resolve(("baseline",), policy.doc.baseline)
    if path is None:
        return None, "no baseline report", None
    shown = display_path(path)
    if not path.exists():
        return None, "baseline report not found", shown
    try:
        return Report.from_json(read_bounded(path, MAX_REPORT_BYTES, allow_pipe=True)), "", shown
    except OSError as exc:
        raise UsageError(f"cannot read the baseline report {shown}: {exc.strerror}") from None
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"{shown}: not a valid mlgate report ({first})") from None


def _mlflow_baseline(uri: str) -> tuple[Report | None, str, str | None]:
    """The mlgate report logged on the run of a registered model version."""
    from mlgate.tracking import REPORT_ARTIFACT, baseline_report

    content, shown = baseline_report(uri)
    if content is None and shown == uri:
        return None, "the alias is not set yet (no model holds it)", shown
    if content is None:
        return None, f"no mlgate report ({REPORT_ARTIFACT}) on that run", shown
    if len(content) > MAX_REPORT_BYTES:
        raise UsageError(
            f"the baseline report of {shown} is larger than {MAX_REPORT_BYTES:,} bytes"
        )
    try:
        return Report.from_json(content), "", shown
    except ValueError as exc:
        first = str(exc).splitlines()[0]
        raise UsageError(f"{shown}: not a valid mlgate report ({first})") from None


def _run_gate(spec: GateSpec, ctx: RunContext, options: RunOptions) -> GateResult:
    location = ctx.location(())
    base: dict[str, Any] = {"id": spec.id, "type": spec.gate.type, "location": location}
    base["controls"] = tuple(spec.config.controls)
    if not spec.config.enabled:
        return GateResult(outcome=Outcome.SKIPPED, message="disabled in the policy", **base)
    if (options.only and spec.id not in options.only) or spec.id in options.skip:
        return GateResult(
            outcome=Outcome.SKIPPED, message="not selected on the command line", **base
        )
    started = time.perf_counter()
    try:
        checks = tuple(spec.gate.run(spec.config, ctx))
    except MlgateError as exc:
        return _errored(base, str(exc), started)
    except SystemExit as exc:  # a library that ends the process must not end it with 0
        msg = f"the gate tried to end mlgate (SystemExit with status {exc.code!r})"
        return _errored(base, msg, started)
    except Exception as exc:
        detail = traceback.format_exc() if options.debug else ""
        msg = f"the gate raised {type(exc).__name__}: {exc}"
        return _errored(base, msg + (f"\n{detail}" if detail else ""), started)
    outcome = gate_outcome(checks)
    message = "" if checks else "the gate produced no checks"
    duration = round(time.perf_counter() - started, 3)
    return GateResult(outcome=outcome, message=message, duration_s=duration, checks=checks, **base)


def _errored(base: dict[str, Any], message: str, started: float) -> GateResult:
    duration = round(time.perf_counter() - started, 3)
    return GateResult(outcome=Outcome.ERROR, message=message, duration_s=duration, **base)


def apply_waivers(
    policy: Policy, gates: list[GateResult], today: dt.date
) -> tuple[list[GateResult], list[WaiverRecord]]:
    """Turn waived failures into ``waived``; record applied, expired and unused waivers."""
    matched: dict[int, list[str]] = {i: [] for i in range(len(policy.doc.waivers))}
    out = []
    for gate in gates:
        checks = tuple(_waive(c, policy, today, matched) for c in gate.checks)
        if checks != gate.checks:
            gate = gate.model_copy(update={"checks": checks, "outcome": gate_outcome(checks)})
        out.append(gate)
    records = []
    for i, w in enumerate(policy.doc.waivers):
        expired = waivers.expired(w.expires, today)
        status = "expired" if expired else ("applied" if matched[i] else "stale")
        gate_ids = {cid.split("/", 1)[0] for cid in matched[i]}
        records.append(
            WaiverRecord(
                check=w.check,
                reason=w.reason,
                approved_by=w.approved_by,
                expires=w.expires.isoformat(),
                ticket=w.ticket,
                status=status,
                matched=tuple(matched[i]),
                broad=len(gate_ids) > 1,
            )
        )
    return out, records


def _waive(
    check: CheckResult, policy: Policy, today: dt.date, matched: dict[int, list[str]]
) -> CheckResult:
    if check.outcome not in (Outcome.FAIL, Outcome.WARN):
        return check
    for i, w in enumerate(policy.doc.waivers):
        if not waivers.matches(w.check, check.id):
            continue
        matched[i].append(check.id)
        if waivers.expired(w.expires, today):
            note = f"waiver expired on {w.expires.isoformat()} (approved by {w.approved_by})"
            return check.model_copy(update={"notes": (*check.notes, note)})
        text = f"{w.reason} (approved by {w.approved_by}, until {w.expires.isoformat()})"
        return check.model_copy(update={"outcome": Outcome.WAIVED, "waiver": text})
    return check
