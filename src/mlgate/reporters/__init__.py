"""Output formats. Each is a pure function ``render(report, options) -> str``.

A new format is one module here plus one line in :data:`FORMATS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlgate.report import Report


@dataclass(frozen=True)
class RenderOptions:
    """Presentation choices made by the caller (the CLI), never by a reporter."""

    color: bool = False
    width: int = 120
    root: str = ""  # prefix that makes report paths relative to the repository root
    history: tuple[Report, ...] = ()  # earlier reports, oldest first (trends in HTML)
    link_base: str = ""  # from the written report's folder to where paths in it are relative


FORMATS: dict[str, str] = {
    "text": "mlgate.reporters.text",
    "json": "mlgate.reporters.json_format",
    "markdown": "mlgate.reporters.markdown",
    "github": "mlgate.reporters.github",
    "sarif": "mlgate.reporters.sarif",
    "junit": "mlgate.reporters.junit",
    "html": "mlgate.reporters.html",
    "gitlab": "mlgate.reporters.gitlab",
}

Renderer = Callable[["Report", RenderOptions], str]

# Formats of `mlgate diff` (the renderers are in reporters/diff.py; a test keeps the two in
# step, and this name list stays importable without pydantic for a fast `mlgate --help`).
DIFF_FORMATS = ("text", "markdown", "json")


def renderer(name: str) -> Renderer:
    """The render function of format ``name``.

    Every format but JSON renders a copy of the report without control characters (see
    :mod:`mlgate.textsafe`); JSON escapes them itself and keeps the data exact.
    """
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    if name == "json":
        return render

    def safe(report: Report, options: RenderOptions) -> str:
        from mlgate.textsafe import clean_report

        return render(clean_report(report), options)

    return safe
