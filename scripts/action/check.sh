#!/usr/bin/env bash
# Run mlgate check with the action's inputs (all passed through the environment).
# The step never fails here: the exit status is kept in an output and applied by the
# last step, after the comment step had its chance to run.
set -uo pipefail
report="${RUNNER_TEMP:-/tmp}/mlgate-report.json"
html="${RUNNER_TEMP:-/tmp}/mlgate-report.html"
args=(check "$MLGATE_POLICY" --quiet --fail-on "$MLGATE_FAIL_ON" -f json -o "$report")
if [ "${MLGATE_HTML:-true}" = "true" ]; then args+=(-f html -o "$html"); fi
if [ -n "${MLGATE_HISTORY:-}" ] && [ -d "$MLGATE_HISTORY" ]; then args+=(--history "$MLGATE_HISTORY"); fi
if [ "${MLGATE_ANNOTATIONS:-true}" = "true" ]; then args+=(-f github -o -); else args+=(-f text -o -); fi
if [ -n "${MLGATE_SARIF:-}" ]; then args+=(-f sarif -o "$MLGATE_SARIF"); fi
if [ -n "${MLGATE_BASELINE:-}" ]; then args+=(--baseline "$MLGATE_BASELINE"); fi
if [ -n "${MLGATE_BASE_REF:-}" ]; then args+=(--base-ref "$MLGATE_BASE_REF"); fi
if [ "${MLGATE_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  args+=(--summary "$GITHUB_STEP_SUMMARY")
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then args+=(--github-output "$GITHUB_OUTPUT"); fi
mlgate "${args[@]}"
status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "status=$status" >> "$GITHUB_OUTPUT"
  if [ ! -f "$report" ]; then echo "report=" >> "$GITHUB_OUTPUT"; fi
  if [ -f "$html" ] && [ "${MLGATE_HTML:-true}" = "true" ]; then
    echo "html=$html" >> "$GITHUB_OUTPUT"
  else
    echo "html=" >> "$GITHUB_OUTPUT"
  fi
fi
exit 0
