"""The gate registry: the ``mlgate.gates`` entry points, loaded lazily and validated."""

from __future__ import annotations

import functools
import inspect
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from mlgate.errors import PluginError
from mlgate.gates.base import Gate, GateConfig

GROUP = "mlgate.gates"


@functools.cache
def available() -> dict[str, EntryPoint]:
    """Every registered gate type, by name (not imported yet)."""
    found: dict[str, EntryPoint] = {}
    for ep in entry_points(group=GROUP):
        other = found.get(ep.name)
        if other is not None and _dist(other) != _dist(ep):
            raise PluginError(
                f"two installed distributions register the gate type `{ep.name}`: "
                f"{_dist(other)} ({other.value}) and {_dist(ep)} ({ep.value}); "
                "uninstall one, or rename the plug-in's entry point"
            )
        found.setdefault(ep.name, ep)
    return dict(sorted(found.items()))


@functools.cache
def load_gate(name: str) -> Gate[Any]:
    """Import, validate and instantiate the gate type ``name``."""
    ep = available().get(name)
    if ep is None:
        raise PluginError(f"no gate type `{name}` is installed")
    where = f"gate plug-in `{name}` ({ep.value}, from {_dist(ep)})"
    try:
        cls = ep.load()
    except Exception as exc:
        raise PluginError(f"{where} cannot be imported: {type(exc).__name__}: {exc}") from exc
    _validate(cls, name, where)
    gate: Gate[Any] = cls()
    return gate


def _dist(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    return f"{dist.name} {dist.version}" if dist is not None else "unknown distribution"


def _validate(cls: object, name: str, where: str) -> None:
    if not inspect.isclass(cls):
        raise PluginError(f"{where} is not a class")
    declared = getattr(cls, "type", None)
    if declared != name:
        raise PluginError(f"{where} declares type {declared!r}, registered as {name!r}")
    model = getattr(cls, "config_model", None)
    if not (inspect.isclass(model) and issubclass(model, GateConfig)):
        raise PluginError(f"{where}: config_model must subclass mlgate.gates.base.GateConfig")
    for attr in ("run", "validate_config"):
        if not callable(getattr(cls, attr, None)):
            raise PluginError(f"{where} has no `{attr}` method")
    if not isinstance(getattr(cls, "input_fields", None), tuple):
        raise PluginError(f"{where}: input_fields must be a tuple of config field names")
