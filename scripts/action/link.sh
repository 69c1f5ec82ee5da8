#!/usr/bin/env bash
# Link the uploaded HTML report from the job summary (the Markdown report is already there).
set -uo pipefail
if [ -n "${MLGATE_HTML_URL:-}" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  case "$MLGATE_HTML_URL" in
    https://*) printf '\n[Full HTML report with charts](%s) (a zip artifact of this run)\n' \
                 "$MLGATE_HTML_URL" >> "$GITHUB_STEP_SUMMARY" ;;
    *) echo "::warning title=mlgate::not linking the HTML report: not an https URL" ;;
  esac
fi
exit 0
