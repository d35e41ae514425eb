#!/usr/bin/env bash
# Benchmarks Silt against DuckDB doing the same work, as ratios (not part of the test suite).
#   bash bench/run.sh load|query|all|profile|pipeline|pipeline-s3|silver|freshness|push|api-load|tpch|tpch-api|workers|planning [--rows N] [--runs N] [--threads N] [--memory 4GB] [--fresh]
#   (pipeline also: [--pandas-rows N] [--skip-ooc])
# Builds Silt (under the same lock as bin/silt) and the bench, then runs the named benchmark.
# BENCH_SKIP_BUILD=1 benchmarks the dist/ that is already there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
if [ -z "${BENCH_SKIP_BUILD:-}" ]; then
  exec 9>"$root/.silt-build.lock"
  flock 9
  echo "bench: building silt" >&2
  if ! bash scripts/build.sh >&2; then
    echo "bench: the silt build failed; fix it, or set BENCH_SKIP_BUILD=1 to benchmark the existing dist/" >&2
    exit 2
  fi
  touch dist/.built
  exec 9>&-
fi
node node_modules/typescript/bin/tsc -p bench/tsconfig.json
# The pipeline bench's pandas and Polars peers run in a venv of their own, made on first use.
if [ "${1:-}" = pipeline ]; then
  venv="$root/bench/out/.venv"
  reqs="$root/bench/peer/requirements.txt"
  if ! cmp -s "$reqs" "$venv/.requirements" 2>/dev/null; then
    echo "bench: installing the Python peers into bench/out/.venv" >&2
    { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } && "$venv/bin/pip" install -q -r "$reqs" >&2 && cp "$reqs" "$venv/.requirements" ||
      echo "bench: could not install the Python peers; pandas and Polars are skipped" >&2
  fi
fi
# The TPC-H bench generates its data with DuckDB's tpch extension, from PyPI, in a venv of its own.
if [ "${1:-}" = tpch ] || [ "${1:-}" = tpch-api ]; then
  venv="$root/bench/out/.venv-tpch"
  reqs="$root/bench/peer/tpch-requirements.txt"
  if ! cmp -s "$reqs" "$venv/.requirements" 2>/dev/null; then
    echo "bench: installing DuckDB's tpch extension into bench/out/.venv-tpch" >&2
    { [ -x "$venv/bin/python" ] || python3 -m venv "$venv"; } && "$venv/bin/pip" install -q -r "$reqs" >&2 && cp "$reqs" "$venv/.requirements"
  fi
fi
exec node --enable-source-maps bench/out/main.js "$@"
