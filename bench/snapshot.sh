#!/bin/sh
# Runs the benchmark on a clean snapshot of a commit (default HEAD): `git archive` into a temp dir
# with node_modules symlinked, so colleagues' uncommitted edits in src/ or emulator/ cannot leak
# into the numbers. Copies bench/results/*.json and bench/RESULTS.md back into this checkout.
# Usage: bench/snapshot.sh [--commit REV] [--script bench/tune.ts] [flags of that script (default bench/run.ts)...]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
rev=HEAD
script=bench/run.ts
if [ "${1:-}" = "--commit" ]; then rev=$2; shift 2; fi
if [ "${1:-}" = "--script" ]; then script=$2; shift 2; fi
commit=$(git -C "$repo" rev-parse --short "$rev")
dir=$(mktemp -d "${TMPDIR:-/tmp}/strongdoc-bench-tree-XXXXXX")
trap 'rm -rf "$dir"' EXIT
git -C "$repo" archive "$rev" | tar -x -C "$dir"
ln -s "$repo/node_modules" "$dir/node_modules"
cp "$repo/bench/RESULTS.md" "$dir/bench/RESULTS.md" 2>/dev/null || true
echo "bench: running on a snapshot of $commit in $dir" >&2
(cd "$dir" && BENCH_COMMIT=$commit node --import tsx "$script" "$@")
mkdir -p "$repo/bench/results"
cp "$dir"/bench/results/*.json "$repo/bench/results/" 2>/dev/null || true
cp "$dir/bench/RESULTS.md" "$repo/bench/RESULTS.md" 2>/dev/null || true
