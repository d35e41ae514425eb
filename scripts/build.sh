#!/usr/bin/env bash
# Builds Silt into dist/: tsc type-checks and compiles src/ file by file (the tests run those
# files), then scripts/bundle.mjs bundles the CLI into dist/bundle/silt.js (what `silt` runs).
set -euo pipefail
cd "$(dirname "$0")/.."
node node_modules/typescript/bin/tsc -p tsconfig.json
node scripts/bundle.mjs
