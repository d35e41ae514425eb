#!/usr/bin/env bash
# Builds Silt into dist/: tsc type-checks and compiles src/ file by file (the tests run those
# files) and copies the demo's SQL, then scripts/bundle.mjs bundles the CLI into dist/bundle/silt.js (what `silt` runs).
set -euo pipefail
cd "$(dirname "$0")/.."
node node_modules/typescript/bin/tsc -p tsconfig.json
# The demo's model SQL goes beside the compiled module that finds it (the bundle gets its own copy).
mkdir -p dist/models/demo && cp src/models/demo/*.sql dist/models/demo/
node scripts/bundle.mjs
# The console (src/web/app): type-checked as browser code, bundled beside the CLI.
node node_modules/typescript/bin/tsc -p src/web/tsconfig.json
node scripts/bundle-web.mjs
