"""Policies: YAML -> typed, located, validated :class:`Policy` objects."""

from __future__ import annotations

from mlgate.policy.loader import GateSpec, Policy, load_policy

__all__ = ["GateSpec", "Policy", "load_policy"]
