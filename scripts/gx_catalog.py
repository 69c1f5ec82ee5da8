"""Write src/mlgate/gates/gx_expectations.json from the installed Great Expectations.

The data gate checks expectation names and arguments when a policy is validated, without
importing Great Expectations (about 3 s). Run this after upgrading GX:

    .venv/bin/python scripts/gx_catalog.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx  # noqa: E402

INTERNAL = {"id", "meta", "notes", "result_format", "description", "catch_exceptions",
            "rendered_content", "severity", "windows", "batch_id"}
TARGET = Path(__file__).resolve().parent.parent / "src" / "mlgate" / "gates" / "gx_expectations.json"


def catalog() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for attr in sorted(dir(gx.expectations)):
        cls = getattr(gx.expectations, attr)
        name = getattr(cls, "expectation_type", None)
        fields = getattr(cls, "__fields__", None)
        if not isinstance(name, str) or not name.startswith("expect_") or fields is None:
            continue
        args = [f for f in fields if f not in INTERNAL]
        required = [f for f in args if fields[f].required]
        out[name] = {"class": attr, "args": args, "required": required}
    return out


def main() -> None:
    data = {"great_expectations": gx.__version__, "expectations": catalog()}
    TARGET.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    print(f"{TARGET}: {len(data['expectations'])} expectations from GX {gx.__version__}")


if __name__ == "__main__":
    main()
