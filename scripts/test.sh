#!/usr/bin/env bash
# `make test`: every suite, each run to the end, then one summary. Exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
REPORTS=test-results/reports
rm -rf "$REPORTS" && mkdir -p "$REPORTS"
declare -a names=() results=()

stage() {  # stage NAME COMMAND...
  local name=$1; shift
  echo; echo "=== $name ==="
  if "$@"; then results+=(pass); else results+=(FAIL); fi
  names+=("$name")
}

stage "ruff" .venv/bin/ruff check .
stage "eslint (console)" bash -c "cd admin && npm run --silent lint"
stage "schema-check" .venv/bin/python -m backend schema-check
stage "pytest (unit, integration on PostgreSQL + Redis, contract, SQLite smoke, Chromium e2e)" \
  .venv/bin/pytest -q -p no:cacheprovider --junitxml="$REPORTS/pytest.xml"
stage "jest (mini-program)" bash -c "cd mini_program && npx jest --ci --json --outputFile=../$REPORTS/jest.json"
stage "vitest (console)" bash -c "cd admin && npx vitest run --reporter=default --reporter=junit --outputFile=../$REPORTS/vitest.xml"

echo; echo "=== summary ==="
failed=0
for i in "${!names[@]}"; do
  printf '  %-4s %s\n' "${results[$i]}" "${names[$i]}"
  [ "${results[$i]}" = pass ] || failed=1
done
.venv/bin/python scripts/count_tests.py "$REPORTS"
exit $failed
