#!/usr/bin/env bash
# The test suite: installs what it needs on first use, type-checks and builds, then runs every
# *.test.js under dist/ with node's test runner. Interop tests use interop/.venv (PyIceberg).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm install --no-save --no-audit --no-fund --loglevel=error
[ -x interop/.venv/bin/python ] || bash interop/setup.sh
rm -rf dist
node node_modules/typescript/bin/tsc -p tsconfig.json
touch dist/.built
mapfile -t files < <(find dist -name "*.test.js" | sort)
exec node --test --test-concurrency="${SILT_TEST_CONCURRENCY:-2}" "${files[@]}"
