#!/usr/bin/env bash
# The console's browser tests (src/web/console.test.ts) drive Debian's Chromium through
# playwright-core; this installs it when it is missing (CI runs as root on a fresh machine).
set -euo pipefail
start=$(date +%s)
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
echo "chromium: $(chromium --version 2>/dev/null || echo missing) ($(($(date +%s) - start)) s)"
