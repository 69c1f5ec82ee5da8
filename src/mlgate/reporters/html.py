"""One self-contained HTML file: the report a reviewer opens from a CI artifact.

Nothing is fetched when it is opened (a Content-Security-Policy forbids every request; styles,
the filter script and the charts are inline), so it works offline and in air-gapped review.
Charts are SVG drawn here, on the server side, from the report's own numbers — no chart
library, no script needed to see them — and each has a text equivalent: the table it was
drawn from, or the values in its label. Every value that came from data or the policy goes
through :func:`esc`. Light and dark themes follow the reader's system; printing expands
every section and hides the filters.
"""

from __future__ import annotations

import html
import itertools
import math
import os
import posixpath
from typing import Any

from mlgate.report import CheckResult, GateResult, Outcome, Report
from mlgate.reporters import RenderOptions
from mlgate.reporters.common import (
    detail,
    failing_first,
    input_details,
    number,
    observed,
    pack_label,
    where,
)

LABEL = {
    Outcome.PASS: "pass",
    Outcome.WARN: "warn",
    Outcome.FAIL: "fail",
    Outcome.ERROR: "error",
    Outcome.WAIVED: "waived",
    Outcome.SKIPPED: "skipped",
}
ATTENTION = (Outcome.FAIL, Outcome.ERROR, Outcome.WARN)
STATUS = {  # compliance states as badge colours
    "satisfied": "pass",
    "satisfied with warnings": "warn",
    "violated": "fail",
    "waived": "waived",
    "no evidence": "skipped",
}
MAX_BARS = 40  # groups drawn in one chart (the table lists every group)


def esc(value: object) -> str:
    """Text safe in HTML content and in quoted attributes."""
    return html.escape(str(value), quote=True)


def render(report: Report, options: RenderOptions) -> str:
    """The report as one HTML document."""
    gates = failing_first(report.gates)
    body = [
        _header(report),
        _attention(report),
        _trends(report, options.history),
        _filters(report),
        *(_gate(gate, options.link_base) for gate in gates),
        _pii_heatmap(report),
        _compliance(report),
        _waivers(report),
        _inputs(report),
        _footer(report),
    ]
    title = f"mlgate: {report.policy_name or report.policy} — {_verdict(report)}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + f"\n</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def _verdict(report: Report) -> str:
    return "failed" if report.failed() else "passed"


def _header(report: Report) -> str:
    counts = " · ".join(f"{n} {k}" for k, n in report.counts().items() if n) or "no checks"
    facts = [
        ("policy", f"{report.policy} (sha256 {report.policy_sha256[:12]})"),
        ("extends", ", ".join(pack_label(p) for p in report.packs if p.kind != "file") or None),
        ("commit", report.git_commit[:12] if report.git_commit else None),
        ("baseline", report.baseline or report.baseline_missing),
        ("created", report.created_at),
        ("mlgate", report.tool_version),
        ("fails on", report.fail_on),
    ]
    items = "".join(
        f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts if v is not None
    )
    verdict = _verdict(report)
    return (
        f'<header class="verdict {verdict}"><h1>mlgate: {esc(report.policy_name or report.policy)}'
        f' — {verdict}</h1><p class="counts">{esc(counts)}</p><dl>{items}</dl></header>'
    )


def _attention(report: Report) -> str:
    failing = sorted(
        (c for c in report.checks() if c.outcome in ATTENTION), key=lambda c: -c.outcome.rank
    )
    errored = [g for g in report.gates if g.outcome is Outcome.ERROR and not g.checks]
    if not failing and not errored:
        return (
            '<section id="attention"><h2>Needs attention</h2>'
            "<p>Nothing: every check passed.</p></section>"
        )
    rows = [
        f'<li class="{LABEL[Outcome.ERROR]}"><a href="#gate-{_anchor(g.id)}">{esc(g.id)}</a>: '
        f"{esc(g.message)}</li>"
        for g in errored
    ]
    for check in failing:
        rows.append(
            f'<li class="{LABEL[check.outcome]}"><span class="badge {LABEL[check.outcome]}">'
            f'{LABEL[check.outcome]}</span> <a href="#check-{_anchor(check.id)}">{esc(check.id)}'
            f"</a> {esc(observed(check))} ({esc(check.threshold_text)}) {_gauge(check)}"
            f' <span class="where">{esc(where(check.location))}</span></li>'
        )
    return f'<section id="attention"><h2>Needs attention</h2><ul>{"".join(rows)}</ul></section>'


def _filters(report: Report) -> str:
    gate_options = "".join(
        f'<option value="{esc(g.id)}">{esc(g.id)}</option>' for g in report.gates
    )
    controls = sorted({c for check in report.checks() for c in check.controls})
    control_options = "".join(f'<option value="{esc(c)}">{esc(c)}</option>' for c in controls)
    return (
        '<nav id="filters" aria-label="Filters"><label><input type="checkbox" id="f-attention">'
        ' failed and warned only</label> <label>gate <select id="f-gate"><option value="">all'
        f'</option>{gate_options}</select></label> <label>control <select id="f-control">'
        f'<option value="">all</option>{control_options}</select></label> '
        '<label>search <input type="search" id="f-text"></label> '
        '<span id="f-shown" aria-live="polite"></span></nav>'
    )


def _gate(gate: GateResult, link_base: str = "") -> str:
    attention = gate.outcome in ATTENTION
    head = (
        f'<summary><span class="badge {LABEL[gate.outcome]}">{LABEL[gate.outcome]}</span> '
        f'<strong>{esc(gate.id)}</strong> <span class="muted">({esc(gate.type)}, '
        f"{len(gate.checks)} checks, {gate.duration_s:.1f} s)</span></summary>"
    )
    parts = [head]
    if gate.message:
        parts.append(f'<p class="message">{esc(gate.message)}</p>')
    for check in gate.checks:
        linked = check.evidence.get("html_report")
        if isinstance(linked, str) and linked:
            href = posixpath.normpath(posixpath.join(link_base.replace(os.sep, "/"), linked))
            parts.append(
                f'<p class="message">{esc(gate.type)} HTML report: <a href="{esc(href)}">'
                f"{esc(linked)}</a></p>"
            )
    if gate.checks:
        rows = "".join(_check_row(gate, c) for c in gate.checks)
        parts.append(
            '<table class="checks"><thead><tr><th></th><th>check</th><th>observed</th>'
            "<th>threshold</th><th>position</th><th>policy</th><th>details</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    charts = [_group_chart(c) for c in gate.checks if _has_groups(c)]
    charts += _histograms(gate)
    if charts:
        parts.append(f'<div class="charts">{"".join(charts)}</div>')
    open_ = " open" if attention else ""
    return (
        f'<section class="gate" id="gate-{_anchor(gate.id)}" data-gate="{esc(gate.id)}">'
        f"<details{open_}>{''.join(parts)}</details></section>"
    )


def _check_row(gate: GateResult, check: CheckResult) -> str:
    text = " ".join([check.id, detail(check), " ".join(check.controls)]).lower()
    data = (
        f'data-outcome="{LABEL[check.outcome]}" data-gate="{esc(gate.id)}" '
        f'data-controls="{esc(" ".join(check.controls))}" data-text="{esc(text)}"'
    )
    controls = " ".join(f'<span class="control">{esc(c)}</span>' for c in check.controls)
    details = esc(detail(check))
    if controls:
        details += f"<br>{controls}"
    return (
        f'<tr id="check-{_anchor(check.id)}" class="check {LABEL[check.outcome]}" {data}>'
        f'<td><span class="badge {LABEL[check.outcome]}">{LABEL[check.outcome]}</span></td>'
        f"<td><code>{esc(check.id)}</code></td><td>{esc(observed(check))}</td>"
        f"<td>{esc(check.threshold_text)}</td><td>{_gauge(check)}</td>"
        f"<td>{esc(where(check.location))}</td><td>{details}</td></tr>"
    )


# --------------------------------------------------------------------------- charts


def _bounds(check: CheckResult) -> tuple[float | None, float | None]:
    t = check.threshold
    low, high = t.get("min"), t.get("max")
    if t.get("between"):
        low, high = t["between"]
    return (float(low) if low is not None else None, float(high) if high is not None else None)


def _gauge(check: CheckResult) -> str:
    """Where the value sits against its limit: a bar with the allowed zone, the threshold
    line, the interval as a whisker and the value as a dot (text equivalent in the label)."""
    value = check.observed
    low, high = _bounds(check)
    if value is None or not math.isfinite(value) or (low is None and high is None):
        return ""
    points = [value, *(v for v in (low, high) if v is not None)]
    if check.interval is not None:
        points += list(check.interval)
    lo, hi = min(points), max(points)
    pad = (hi - lo) * 0.15 or abs(hi) * 0.15 or 1.0
    lo, hi = lo - pad, hi + pad
    if all(0 <= p <= 1 for p in points):  # rates and shares: keep the natural scale
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    width, height = 120, 16

    def x(v: float) -> float:
        return round((v - lo) / (hi - lo) * width, 1) if hi > lo else width / 2

    allowed_from = x(low) if low is not None else 0
    allowed_to = x(high) if high is not None else width
    allowed = max(allowed_to - allowed_from, 0)
    label = f"{check.id}: {observed(check)}, limit {check.threshold_text}"
    parts = [
        f'<svg class="gauge" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{esc(label)}</title>',
        f'<rect class="zone-bad" x="0" y="5" width="{width}" height="6"/>',
        f'<rect class="zone-ok" x="{allowed_from}" y="5" width="{allowed}" height="6"/>',
    ]
    for limit in (low, high):
        if limit is not None:
            parts.append(f'<line class="limit" x1="{x(limit)}" x2="{x(limit)}" y1="1" y2="15"/>')
    if check.interval is not None:
        a, b = x(check.interval[0]), x(check.interval[1])
        parts.append(f'<line class="whisker" x1="{a}" x2="{b}" y1="8" y2="8"/>')
    parts.append(f'<circle class="dot {LABEL[check.outcome]}" cx="{x(value)}" cy="8" r="3.5"/>')
    return "".join(parts) + "</svg>"


def _has_groups(check: CheckResult) -> bool:
    groups = check.evidence.get("groups") or []
    return any(isinstance(g.get("value"), int | float) for g in groups)


def _group_chart(check: CheckResult) -> str:
    """Per-group bars (fairness, slices): the worst group marked, groups below the minimum
    size drawn hollow and labelled, then the table the chart was drawn from."""
    groups: list[dict[str, Any]] = list(check.evidence["groups"])
    column = check.evidence.get("column", "group")
    worst = check.evidence.get("worst_group")
    drawn = [g for g in groups if isinstance(g.get("value"), int | float)][:MAX_BARS]
    # a slice check judges each group against the limit (its observed value is the worst
    # group's); a disparity's limit is on the gap between groups and is not drawn here
    low, high = _bounds(check)
    per_group = check.observed is not None and any(
        math.isclose(float(g["value"]), check.observed, rel_tol=1e-9, abs_tol=1e-12) for g in drawn
    )
    limits = [v for v in (low, high) if v is not None] if per_group else []
    ends = [float(g["interval"][1]) for g in drawn if _interval(g) is not None]
    top = max([1.0, *(float(g["value"]) for g in drawn), *limits, *ends]) if drawn else 1.0
    bar, gap, label_w, chart_w = 16, 6, 120, 220
    height = len(drawn) * (bar + gap) + 24
    rows = []
    for i, g in enumerate(drawn):
        y = i * (bar + gap) + 4
        w = round(float(g["value"]) / top * chart_w, 1) if top else 0
        judged = g.get("judged", True)
        cls = (
            "bar" + (" worst" if g.get("group") == worst else "") + ("" if judged else " unjudged")
        )
        note = "" if judged else " (below minimum size, not judged)"
        name = str(g.get("group"))
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 12}" text-anchor="end">{esc(_short(name))}</text>'
            f'<rect class="{cls}" x="{label_w}" y="{y}" width="{w}" height="{bar}">'
            f"<title>{esc(name)}: {esc(number(g['value']))}, n={esc(g.get('n'))}{esc(note)}"
            "</title></rect>"
            f'<text x="{label_w + max(w, _end(g, top, chart_w)) + 4}" y="{y + 12}" '
            f'class="value">{esc(number(g["value"]))}'
            f"{' ★' if g.get('group') == worst else ''}</text>"
        )
        span = _interval(g)
        if span is not None:  # the group's 95 % interval as a whisker
            a = label_w + round(span[0] / top * chart_w, 1)
            b = label_w + round(span[1] / top * chart_w, 1)
            mid = y + bar / 2
            rows.append(
                f'<path class="whisker" d="M{a},{mid}H{b}M{a},{mid - 4}V{mid + 4}'
                f'M{b},{mid - 4}V{mid + 4}"/>'
            )
    for limit in limits:
        lx = label_w + round(limit / top * chart_w, 1)
        rows.append(
            f'<line class="limit" x1="{lx}" x2="{lx}" y1="0" y2="{height - 16}"/>'
            f'<text x="{lx}" y="{height - 4}" text-anchor="middle" class="value">'
            f"limit {esc(number(limit))}</text>"
        )
    svg = (
        f'<svg class="groups" role="img" width="{label_w + chart_w + 70}" height="{height}" '
        f'viewBox="0 0 {label_w + chart_w + 70} {height}" data-bars="{len(drawn)}">'
        f"<title>{esc(check.id)}: value per {esc(column)} group</title>{''.join(rows)}</svg>"
    )
    keys = [k for k in groups[0] if k not in ("group", "judged")]
    head = "".join(f"<th>{esc(k)}</th>" for k in [column, *keys, "judged"])
    body = "".join(
        "<tr>"
        + f"<td>{esc(g.get('group'))}</td>"
        + "".join(f"<td>{esc(_cell(g.get(k)))}</td>" for k in keys)
        + f"<td>{'yes' if g.get('judged', True) else 'no (too few rows)'}</td></tr>"
        for g in groups
    )
    return (
        f'<figure class="chart" data-check="{esc(check.id)}"><figcaption>{esc(check.id)} by '
        f"{esc(column)}" + (f" — worst group ★ {esc(worst)}" if worst else "") + "</figcaption>"
        f"{svg}<details><summary>table</summary><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></details></figure>"
    )


MAX_HISTOGRAMS = 6


def _histograms(gate: GateResult) -> list[str]:
    """Reference against current for the most drifted columns (the drift gate lists its
    checks most drifted first), with the statistic; the shares are in the table."""
    seen: set[str] = set()
    out = []
    ordered = sorted(gate.checks, key=lambda c: -c.outcome.rank)  # stable: failing first
    for check in ordered:
        histogram = check.evidence.get("histogram")
        column = check.name.partition("[")[2].rstrip("]")
        if not isinstance(histogram, dict) or not column or column in seen:
            continue
        seen.add(column)
        out.append(_histogram(check, column, histogram))
        if len(out) == MAX_HISTOGRAMS:
            break
    return out


def _histogram(check: CheckResult, column: str, histogram: dict[str, Any]) -> str:
    reference = [float(v) for v in histogram.get("reference", [])]
    current = [float(v) for v in histogram.get("current", [])]
    if "edges" in histogram:
        edges = [float(e) for e in histogram["edges"]]
        labels = [f"{number(a)}–{number(b)}" for a, b in itertools.pairwise(edges)]
    else:
        labels = [str(v) for v in histogram.get("labels", [])]
    n = min(len(labels), len(reference), len(current))
    top = max([*reference[:n], *current[:n], 0.01])
    width, height, bottom = 320, 130, 18
    slot = width / max(n, 1)
    bar = max(slot / 2 - 2, 1)
    parts = [
        f'<svg class="histogram" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-bins="{n}"><title>{esc(column)}: reference '
        f"and current shares per bin</title>"
    ]
    for i in range(n):
        for j, (share, cls) in enumerate(((reference[i], "ref"), (current[i], "cur"))):
            h = round(share / top * (height - bottom - 6), 1)
            x = round(i * slot + 1 + j * (bar + 1), 1)
            parts.append(
                f'<rect class="{cls}" x="{x}" y="{height - bottom - h}" width="{round(bar, 1)}" '
                f'height="{h}"><title>{esc(labels[i])}: {"reference" if j == 0 else "current"} '
                f"{share:.1%}</title></rect>"
            )
    parts.append(
        f'<text x="0" y="{height - 4}" class="value">{esc(_short(labels[0], 14)) if n else ""}'
        f'</text><text x="{width}" y="{height - 4}" text-anchor="end" class="value">'
        f"{esc(_short(labels[n - 1], 14)) if n else ''}</text></svg>"
    )
    rows = "".join(
        f"<tr><td>{esc(labels[i])}</td><td>{reference[i]:.1%}</td><td>{current[i]:.1%}</td></tr>"
        for i in range(n)
    )
    return (
        f'<figure class="chart" data-check="{esc(check.id)}"><figcaption>{esc(column)}: '
        f"{esc(check.name.partition('[')[0])} {esc(number(check.observed))} "
        f'({esc(check.threshold_text)}) <span class="legend"><i class="ref"></i> reference '
        f'<i class="cur"></i> current</span></figcaption>{"".join(parts)}<details><summary>'
        "table</summary><table><thead><tr><th>bin</th><th>reference</th><th>current</th></tr>"
        f"</thead><tbody>{rows}</tbody></table></details></figure>"
    )


MAX_TRENDS = 24


def _run_label(report: Report) -> str:
    when = (report.created_at or "")[:10] or "?"
    return f"{when} {report.git_commit[:7]}" if report.git_commit else when


def _trends(report: Report, history: tuple[Report, ...]) -> str:
    """One line per headline metric across the earlier runs and this one (highlighted),
    with the limit drawn; each chart's values are in the table below it."""
    earlier = [
        r
        for r in history
        if (r.created_at, r.git_commit, r.policy_sha256)
        != (report.created_at, report.git_commit, report.policy_sha256)
    ]
    if not earlier:
        return ""
    headline = [
        c
        for c in report.checks()
        if "[" not in c.name and c.observed is not None and math.isfinite(c.observed)
    ]
    past = [{c.id: c.observed for c in r.checks() if c.observed is not None} for r in earlier]
    # a metric that never moved and passes needs no chart (the PII counts that stay 0)
    charted = [
        c
        for c in headline
        if any(c.id in values for values in past)
        and (
            c.outcome in ATTENTION
            or any(values.get(c.id, c.observed) != c.observed for values in past)
        )
    ]
    charted.sort(key=lambda c: -c.outcome.rank)
    figures = [_trend_chart(c, earlier, past) for c in charted[:MAX_TRENDS]]
    if not figures:
        return ""
    return (
        f'<section id="trends"><h2>Trends</h2><p class="muted">{len(earlier)} earlier runs '
        f'and this one (the last point).</p><div class="charts">{"".join(figures)}</div>'
        "</section>"
    )


def _trend_chart(check: CheckResult, earlier: list[Report], past: list[dict[str, float]]) -> str:
    points: list[tuple[str, float | None]] = [
        (_run_label(r), values.get(check.id)) for r, values in zip(earlier, past, strict=True)
    ]
    points.append(("this run", check.observed))
    low, high = _bounds(check)
    known = [v for _, v in points if v is not None and math.isfinite(v)]
    scale = known + [v for v in (low, high) if v is not None]
    lo, hi = min(scale), max(scale)
    pad = (hi - lo) * 0.1 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    width, height, left = 260, 100, 6
    step = (width - 2 * left) / max(len(points) - 1, 1)

    def y(v: float) -> float:
        return round(height - 14 - (v - lo) / (hi - lo) * (height - 24), 1)

    coords = [(round(left + i * step, 1), y(v)) for i, (_, v) in enumerate(points) if v is not None]
    parts = [
        f'<svg class="trend" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" data-points="{len(coords)}">'
        f"<title>{esc(check.id)} over {len(points)} runs</title>"
    ]
    for limit in (low, high):
        if limit is not None:
            parts.append(
                f'<line class="limit" x1="0" x2="{width}" y1="{y(limit)}" y2="{y(limit)}"/>'
                f'<text x="{width - 2}" y="{y(limit) - 3}" text-anchor="end" class="value">'
                f"limit {esc(number(limit))}</text>"
            )
    if len(coords) > 1:
        path = " ".join(f"{x},{yy}" for x, yy in coords)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for i, (x, yy) in enumerate(coords):
        last = i == len(coords) - 1 and points[-1][1] is not None
        cls = f"dot {LABEL[check.outcome]}" if last else "dot past"
        parts.append(f'<circle class="{cls}" cx="{x}" cy="{yy}" r="{4.5 if last else 2.5}"/>')
    parts.append("</svg>")
    rows = "".join(
        f"<tr><td>{esc(label)}</td><td>{esc(number(v)) if v is not None else '—'}</td></tr>"
        for label, v in points
    )
    return (
        f'<figure class="chart" data-check="{esc(check.id)}"><figcaption>{esc(check.id)} '
        f"({esc(check.threshold_text)})</figcaption>{''.join(parts)}<details><summary>table"
        f"</summary><table><thead><tr><th>run</th><th>value</th></tr></thead><tbody>{rows}"
        "</tbody></table></details></figure>"
    )


def _pii_heatmap(report: Report) -> str:
    """Where personal data was found: place × entity, counts and masked examples only."""
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for gate in report.gates:
        if gate.type != "pii":
            continue
        for check in gate.checks:
            if check.evidence.get("count_label") != "findings":
                continue
            for g in check.evidence.get("groups", []):
                key = (f"{gate.id}: {g['group']}", check.name)
                cells[key] = g
    if not cells:
        return ""
    places = sorted({p for p, _ in cells})
    entities = sorted({e for _, e in cells})
    top = max(int(g.get("n", 0)) for g in cells.values()) or 1
    head = "".join(f"<th>{esc(e)}</th>" for e in entities)
    rows = []
    for place in places:
        tds = []
        for entity in entities:
            g = cells.get((place, entity))
            if g is None:
                tds.append('<td class="heat" style="--heat:0">0</td>')
                continue
            level = round(0.15 + 0.85 * math.log1p(int(g["n"])) / math.log1p(top), 2)
            tds.append(
                f'<td class="heat" style="--heat:{level}" title="{esc(g.get("examples", ""))}">'
                f"{esc(number(g['n']))}</td>"
            )
        rows.append(f"<tr><th>{esc(place)}</th>{''.join(tds)}</tr>")
    return (
        '<section id="pii"><h2>Personal data found</h2><p class="muted">Counts per place and '
        "entity; hover for masked examples (no raw value is in this file).</p>"
        f'<table class="heatmap"><thead><tr><th>where</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _compliance(report: Report) -> str:
    if not report.compliance:
        return ""
    rows = []
    for c in report.compliance:
        links = ", ".join(f'<a href="#check-{_anchor(e)}">{esc(e)}</a>' for e in c.evidence)
        rows.append(
            f'<tr><td><span class="badge {STATUS[c.status]}">{esc(c.status)}</span></td>'
            f"<td><code>{esc(c.control)}</code>{' (required)' if c.required else ''}</td>"
            f"<td>{esc(c.clause)} {esc(c.title)}</td><td>{links or 'no evidence'}</td></tr>"
        )
    return (
        '<section id="compliance"><h2>Compliance matrix</h2><table><thead><tr><th>status</th>'
        "<th>control</th><th>provision</th><th>evidence</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _waivers(report: Report) -> str:
    if not report.waivers:
        return ""
    rows = "".join(
        f"<tr><td><code>{esc(w.check)}</code></td><td>{esc(w.status)}</td><td>{esc(w.reason)}</td>"
        f"<td>{esc(w.approved_by)}</td><td>{esc(w.expires)}</td>"
        f"<td>{esc(', '.join(w.matched))}</td></tr>"
        for w in report.waivers
    )
    return (
        '<section id="waivers"><h2>Waivers</h2><table><thead><tr><th>check</th><th>status</th>'
        "<th>reason</th><th>approved by</th><th>expires</th><th>matched</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></section>"
    )


def _inputs(report: Report) -> str:
    if not report.inputs:
        return ""
    rows = "".join(
        f"<tr><td>{esc(i.name)}</td><td><code>{esc(i.path)}</code>"
        + (f'<br><span class="muted">{esc(input_details(i))}</span>' if input_details(i) else "")
        + f"</td><td>{esc(i.format)}</td>"
        f"<td>{esc(_cell(i.rows))}</td><td><code>{esc((i.sha256 or '')[:16])}</code></td></tr>"
        for i in report.inputs
    )
    return (
        '<section id="inputs"><h2>Inputs</h2><table><thead><tr><th>input</th><th>path</th>'
        f"<th>format</th><th>rows</th><th>sha256</th></tr></thead><tbody>{rows}</tbody>"
        "</table></section>"
    )


def _footer(report: Report) -> str:
    run = report.provenance.ci_run_url if report.provenance else None
    link = f' · <a href="{esc(run)}">CI run</a>' if run and run.startswith("https://") else ""
    return f'<footer class="muted">mlgate {esc(report.tool_version)}{link}</footer>'


def _end(group: dict[str, Any], top: float, width: int) -> float:
    span = _interval(group)
    return round(span[1] / top * width, 1) if span is not None and top else 0.0


def _interval(group: dict[str, Any]) -> tuple[float, float] | None:
    span = group.get("interval")
    if (
        isinstance(span, list | tuple)
        and len(span) == 2
        and all(isinstance(v, int | float) and math.isfinite(v) for v in span)
    ):
        return float(span[0]), float(span[1])
    return None


def _anchor(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return number(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_cell(v) for v in value) + "]"
    return "" if value is None else str(value)


CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;
--ok:#1a7f37;--bad:#cf222e;--warn:#9a6700;--info:#0969da;--soft:#f6f8fa;--zone-ok:#d2f4dc;
--zone-bad:#ffd8d3}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;
--line:#3d444d;--ok:#3fb950;--bad:#f85149;--warn:#d29922;--info:#4493f8;--soft:#151b23;
--zone-ok:#1b4721;--zone-bad:#5d1f1c}}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,
"Segoe UI",sans-serif}
main{max-width:1200px;margin:0 auto;padding:16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px}
.verdict{border-left:6px solid var(--ok);padding:8px 16px;background:var(--soft)}
.verdict.failed{border-color:var(--bad)}
dl{display:flex;flex-wrap:wrap;gap:4px 20px;margin:6px 0 0}dl div{display:flex;gap:6px}
dt{color:var(--muted)}dd{margin:0}
.muted,.where{color:var(--muted)}
.badge{display:inline-block;min-width:46px;text-align:center;border-radius:10px;
padding:0 6px;font-size:12px;font-weight:600;color:#fff;background:var(--muted)}
.badge.pass,.badge.evidenced{background:var(--ok)}.badge.fail,.badge.error,
.badge.failing{background:var(--bad)}.badge.warn{background:var(--warn)}
.badge.waived{background:var(--info)}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{font-weight:600}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;
overflow-wrap:anywhere}
.gate{border:1px solid var(--line);border-radius:6px;margin:10px 0;padding:4px 10px}
summary{cursor:pointer;padding:4px 0}
#attention ul{list-style:none;padding:0}#attention li{padding:3px 0}
#filters{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid
var(--line);z-index:1}
#filters label{margin-right:12px}
.control{display:inline-block;font-size:11px;border:1px solid var(--line);border-radius:4px;
padding:0 4px;margin:1px}
svg text{fill:var(--fg);font-size:11px}svg .value{fill:var(--muted)}
.zone-ok{fill:var(--zone-ok)}.zone-bad{fill:var(--zone-bad)}
.limit{stroke:var(--fg);stroke-width:1.5}.whisker{stroke:var(--fg);stroke-width:2;fill:none}
.dot{fill:var(--muted)}.dot.pass{fill:var(--ok)}.dot.fail,.dot.error{fill:var(--bad)}
.dot.warn{fill:var(--warn)}.dot.waived{fill:var(--info)}
.line{fill:none;stroke:var(--info);stroke-width:1.5}.dot.past{fill:var(--info)}
.ref{fill:var(--muted)}.cur{fill:var(--info)}
.legend i{display:inline-block;width:10px;height:10px;margin:0 2px 0 8px}
.legend i.ref{background:var(--muted)}.legend i.cur{background:var(--info)}
.bar{fill:var(--info)}.bar.worst{fill:var(--warn)}.bar.worst.fail{fill:var(--bad)}
.bar.unjudged{fill:none;stroke:var(--muted);stroke-dasharray:3 2}
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}figure.chart{margin:8px 0}
figcaption{font-weight:600;margin-bottom:4px}
.heat{background:color-mix(in srgb,var(--bad) calc(var(--heat)*100%),transparent);
text-align:right}
footer{margin:24px 0 8px}
.hidden{display:none}
@media print{#filters{display:none}details>*{display:block}.gate{break-inside:avoid}
body{font-size:11px}}
"""

SCRIPT = """
(function(){
var att=document.getElementById('f-attention'),gate=document.getElementById('f-gate'),
control=document.getElementById('f-control'),text=document.getElementById('f-text'),
shown=document.getElementById('f-shown');
function apply(){var rows=document.querySelectorAll('tr.check'),n=0;
var q=(text.value||'').toLowerCase();
rows.forEach(function(r){var d=r.dataset;var ok=(!att.checked||d.outcome==='fail'||
d.outcome==='error'||d.outcome==='warn')&&(!gate.value||d.gate===gate.value)&&
(!control.value||(' '+d.controls+' ').indexOf(' '+control.value+' ')>=0)&&
(!q||d.text.indexOf(q)>=0);r.classList.toggle('hidden',!ok);if(ok)n++;});
document.querySelectorAll('section.gate').forEach(function(s){
var visible=s.querySelectorAll('tr.check:not(.hidden)').length;
var none=s.querySelectorAll('tr.check').length===0;
s.classList.toggle('hidden',!none&&!visible||(gate.value&&s.dataset.gate!==gate.value));});
shown.textContent=n+' of '+rows.length+' checks shown';}
[att,gate,control].forEach(function(e){e.addEventListener('change',apply);});
text.addEventListener('input',apply);apply();
window.addEventListener('beforeprint',function(){document.querySelectorAll('details')
.forEach(function(d){d.setAttribute('open','');});});
})();
"""
