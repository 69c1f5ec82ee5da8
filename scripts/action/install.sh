#!/usr/bin/env bash
# Install mlgate from the action's own checkout with the requested extras.
set -euo pipefail
extras="$(printf '%s' "${EXTRAS:-}" | tr -d '[:space:]')"
if ! [[ "$extras" =~ ^[a-z0-9,_-]*$ ]]; then
  echo "::error title=mlgate::invalid extras: use names like models,fairness" >&2
  exit 2
fi
target="$ACTION_PATH"
if [ -n "$extras" ]; then target="$ACTION_PATH[$extras]"; fi
python -m pip install --disable-pip-version-check --quiet "$target"
