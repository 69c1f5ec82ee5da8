"""``extends``: merge a policy over the policies it extends.

Rules (documented in the README): mappings merge key by key, recursively; ``gates`` merge
by gate id (a gate's id defaults to its type) -- a gate in the extending policy with the
same id is merged into the base gate, a new id is appended; ``waivers`` are concatenated;
any other value (scalars, other lists) is replaced; a key set to ``null`` in the extending
policy removes that key from the base (``confidence: null`` drops a pack's confidence
requirement, which the policy review reports). Every merged node keeps the location of
the file that wrote it.
"""

from __future__ import annotations

from typing import Any

from mlgate.errors import NodePath
from mlgate.policy.source import Marks


def submarks(marks: Marks, prefix: NodePath) -> Marks:
    """The marks below ``prefix``, with ``prefix`` removed from their paths."""
    n = len(prefix)
    return {p[n:]: loc for p, loc in marks.items() if p[:n] == prefix}


def graft(out: Marks, prefix: NodePath, rel: Marks) -> None:
    """Copy relative marks ``rel`` into ``out`` under ``prefix``."""
    for p, loc in rel.items():
        out[prefix + p] = loc


def merge(base: Any, bmarks: Marks, over: Any, omarks: Marks) -> tuple[Any, Marks]:
    """Merge ``over`` onto ``base``; returns the merged value and its marks."""
    if isinstance(base, dict) and isinstance(over, dict):
        return _merge_dicts(base, bmarks, over, omarks)
    return over, dict(omarks)


def _merge_dicts(
    base: dict[str, Any], bmarks: Marks, over: dict[str, Any], omarks: Marks
) -> tuple[dict[str, Any], Marks]:
    out: dict[str, Any] = {}
    marks: Marks = {}
    top = omarks.get((), bmarks.get(()))
    if top is not None:
        marks[()] = top
    for key in [*base, *[k for k in over if k not in base]]:
        bsub, osub = submarks(bmarks, (key,)), submarks(omarks, (key,))
        if key in base and key in over and over[key] is None:
            continue  # `key: null` in the extending policy removes the base's key
        if key not in over:
            out[key], rel = base[key], bsub
        elif key not in base:
            out[key], rel = over[key], osub
        elif key == "gates" and isinstance(base[key], list) and isinstance(over[key], list):
            out[key], rel = _merge_gates(base[key], bsub, over[key], osub)
        elif key == "waivers" and isinstance(base[key], list) and isinstance(over[key], list):
            out[key], rel = _concat(base[key], bsub, over[key], osub)
        else:
            out[key], rel = merge(base[key], bsub, over[key], osub)
        graft(marks, (key,), rel)
    return out, marks


def _gate_id(gate: Any) -> Any:
    if isinstance(gate, dict):
        gid = gate.get("id", gate.get("type"))
        return gid if isinstance(gid, str) else None
    return None


def _merge_gates(
    base: list[Any], bmarks: Marks, over: list[Any], omarks: Marks
) -> tuple[list[Any], Marks]:
    out = list(base)
    marks: Marks = dict(bmarks)
    position = {_gate_id(g): i for i, g in enumerate(base) if _gate_id(g) is not None}
    for j, gate in enumerate(over):
        rel = submarks(omarks, (j,))
        gid = _gate_id(gate)
        if gid is not None and gid in position:
            i = position[gid]
            merged, mmarks = merge(out[i], submarks(marks, (i,)), gate, rel)
            for p in [p for p in marks if p[:1] == (i,)]:
                del marks[p]
            out[i] = merged
            graft(marks, (i,), mmarks)
        else:
            position[gid] = len(out)
            graft(marks, (len(out),), rel)
            out.append(gate)
    if () in omarks:
        marks[()] = omarks[()]
    return out, marks


def _concat(
    base: list[Any], bmarks: Marks, over: list[Any], omarks: Marks
) -> tuple[list[Any], Marks]:
    marks = dict(bmarks)
    for p, loc in omarks.items():
        if p and isinstance(p[0], int):
            shifted = (p[0] + len(base), *p[1:])
            marks[shifted] = loc
    return [*base, *over], marks
