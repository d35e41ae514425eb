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
node scripts/lint-imports.mjs
rm -rf dist
bash scripts/build.sh
touch dist/.built
mapfile -t files < <(find dist -name "*.test.js" | sort)
exec node --test --test-concurrency="${SILT_TEST_CONCURRENCY:-2}" "${files[@]}"
