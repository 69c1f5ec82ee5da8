#!/usr/bin/env bash
# Create or update the sticky pull request comment; never changes the verdict.
set -uo pipefail
args=(comment "$MLGATE_REPORT")
if [ -n "${MLGATE_BASELINE:-}" ]; then args+=(--baseline "$MLGATE_BASELINE"); fi
if [ -n "${MLGATE_HTML_URL:-}" ]; then args+=(--html-url "$MLGATE_HTML_URL"); fi
mlgate "${args[@]}" || echo "::warning title=mlgate::could not comment on the pull request"
