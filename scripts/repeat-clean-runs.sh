#!/usr/bin/env bash
# `scripts/repeat-clean-runs.sh [N]`: N (default 5) `make test` runs in a row, each in a fresh clone
# of HEAD, beside a CPU-heavy process (a busy loop on one core), to show the suite does not flake on
# a loaded machine. Prints one line a run; exits non-zero when any run failed.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
rev=$(git rev-parse HEAD)
work=$(mktemp -d)
python3 -c 'while True: pass' &
burner=$!
trap 'kill $burner 2>/dev/null; rm -rf "$work"' EXIT
failed=0
for i in $(seq "$runs"); do
  git clone -q . "$work/run$i" && git -C "$work/run$i" checkout -q "$rev"
  start=$(date +%s)
  (cd "$work/run$i" && CI=true bash .ci/run >"$work/run$i.log" 2>&1 </dev/null)
  rc=$?
  [ $rc = 0 ] || { failed=1; mkdir -p test-results; cp "$work/run$i.log" "test-results/repeat-run$i.log" 2>/dev/null; }
  echo "run $i of $rev: exit $rc in $(( $(date +%s) - start )) s; $(tail -1 "$work/run$i.log")"
  rm -rf "$work/run$i"
done
exit $failed
