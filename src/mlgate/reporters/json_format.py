"""JSON: the report itself, the format every other one is rendered from."""

from __future__ import annotations

from mlgate.report import Report
from mlgate.reporters import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    """The report as indented JSON."""
    return report.to_json()
