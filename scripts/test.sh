#!/usr/bin/env bash
# The test suite: installs what it needs on first use, checks the import rules
# (scripts/lint-imports.mjs), type-checks and builds (the CLI tests run
# the bundle, as `silt` does), then runs every *.test.js under dist/ with node's test runner.
# Interop tests use interop/.venv (PyIceberg).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-save --no-audit --no-fund --loglevel=error
# Again when interop/requirements.txt changed since the venv was made (setup.sh leaves a copy in it).
cmp -s interop/requirements.txt interop/.venv/requirements.installed 2>/dev/null || bash interop/setup.sh
# The S3 servers the object-store contract runs on (SeaweedFS, moto), unless .ci/run started them.
[ -n "${SILT_TEST_SEAWEEDFS_ENDPOINT:-}" ] || bash scripts/services/s3.sh install
node scripts/lint-imports.mjs
# Built in place under bin/silt's lock, never deleted first: a `silt` started meanwhile waits for
# this build and runs it, rather than finding no dist/ and building again.
exec 9>.silt-build.lock
flock 9
bash scripts/build.sh
# tsc leaves behind what a removed source compiled to: a test whose source is gone must not run.
while IFS= read -r f; do
  rel="${f#dist/}"
  [ -f "src/${rel%.js}.ts" ] || rm -f "$f" "$f.map"
done < <(find dist -name '*.test.js')
touch dist/.built
exec 9>&-
mapfile -t files < <(find dist -name "*.test.js" | sort)
# The PostgreSQL tests run on SILT_TEST_POSTGRES_URL, or on a throwaway cluster started here for the
# run and stopped after it; with no PostgreSQL installed they fail, saying how to install it.
if [ -z "${SILT_TEST_POSTGRES_URL:-}" ]; then
  pg_dir="$(mktemp -d)" && rmdir "$pg_dir"
  trap 'bash scripts/services/postgres.sh stop "$pg_dir"' EXIT
  if url="$(bash scripts/services/postgres.sh start "$pg_dir" 2>/dev/null)"; then export SILT_TEST_POSTGRES_URL="$url"; fi
fi
node --test --test-concurrency="${SILT_TEST_CONCURRENCY:-2}" "${files[@]}"
