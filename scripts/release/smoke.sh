#!/usr/bin/env bash
# Smoke-test an installed mlgate as a user would: the example project copied into a new git
# repository outside the checkout, validated and checked, the HTML report written.
# Usage: scripts/release/smoke.sh PATH/TO/bin/mlgate
set -euo pipefail
mlgate="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
here="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/examples/credit-scoring" "$work/project"
cd "$work/project"
rm -rf reports report.html
git init -q -b main && git add -A && git -c user.name=release -c user.email=release@invalid commit -qm example
"$mlgate" --version
"$mlgate" validate mlgate.yaml
"$mlgate" check mlgate.yaml -q -f json -o report.json -f html -o report.html
"$mlgate" packs list >/dev/null
test -s report.html
echo "smoke test passed: $("$mlgate" --version)"
