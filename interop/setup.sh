#!/usr/bin/env bash
# Installs the Python peers that read Silt's tables (PyIceberg, pyarrow), and jsonschema for the
# OpenLineage event checks, into interop/.venv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
  python3 -m venv "$here/.venv"
fi
"$here/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cp "$here/requirements.txt" "$here/.venv/requirements.installed"
