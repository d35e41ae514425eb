#!/usr/bin/env bash
# The interop stage: installs real Iceberg engines (PySpark with the Iceberg runtime, Trino, DuckDB
# with its iceberg extension, PyIceberg) into a cache folder outside the checkout, then runs the
# engine tests against a running `silt serve`. Each phase prints its elapsed time.
# SILT_ENGINES_CACHE moves the cache; `engines.sh install` only installs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
cache="${SILT_ENGINES_CACHE:-$HOME/.cache/silt-engines}"
mkdir -p "$cache/jars"

SPARK_VERSION=4.1.4
ICEBERG_VERSION=1.12.0
SQLITE_JDBC_VERSION=3.50.3.0
TRINO_VERSION=476
DUCKDB_VERSION=1.5.5

stage_start=$SECONDS
phase_start=$SECONDS
phase() {
  echo "   ($(( SECONDS - phase_start )) s)"
  phase_start=$SECONDS
  echo "== engines: $1"
}

maven_copy() { # artifact, output dir
  mvn -q -B dependency:copy -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.overWriteIfNewer=false
}

echo "== engines: cache in $cache"
phase "python venv: PySpark $SPARK_VERSION, DuckDB $DUCKDB_VERSION with iceberg and avro, PyIceberg"
if [ ! -x "$cache/venv/bin/python" ]; then
  python3 -m venv "$cache/venv"
fi
if ! cmp -s "$here/engines-requirements.txt" "$cache/venv/requirements.installed"; then
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/engines-requirements.txt"
  cp "$here/engines-requirements.txt" "$cache/venv/requirements.installed"
fi

phase "jars: Iceberg Spark runtime $ICEBERG_VERSION, SQLite JDBC driver"
command -v mvn >/dev/null || { apt-get update -qq && apt-get install -y -qq maven >/dev/null; }
spark_runtime="$cache/jars/iceberg-spark-runtime-4.1_2.13-$ICEBERG_VERSION.jar"
sqlite_jdbc="$cache/jars/sqlite-jdbc-$SQLITE_JDBC_VERSION.jar"
[ -f "$spark_runtime" ] || maven_copy "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:$ICEBERG_VERSION" "$cache/jars"
[ -f "$sqlite_jdbc" ] || maven_copy "org.xerial:sqlite-jdbc:$SQLITE_JDBC_VERSION" "$cache/jars"

phase "Trino $TRINO_VERSION server and cli"
trino_home="$cache/trino-server-$TRINO_VERSION"
if [ ! -x "$trino_home/bin/launcher" ]; then
  maven_copy "io.trino:trino-server:$TRINO_VERSION:tar.gz" "$cache"
  tar -xzf "$cache/trino-server-$TRINO_VERSION.tar.gz" -C "$cache"
  rm -f "$cache/trino-server-$TRINO_VERSION.tar.gz"
fi
trino_cli="$cache/jars/trino-cli-$TRINO_VERSION-executable.jar"
[ -f "$trino_cli" ] || maven_copy "io.trino:trino-cli:$TRINO_VERSION:jar:executable" "$cache/jars"
java_for_trino="${TRINO_JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}"
[ -x "$java_for_trino/bin/java" ] || { echo "Trino needs Java 22 or newer: set TRINO_JAVA_HOME" >&2; exit 6; }

if [ "${1:-}" = install ]; then
  phase "done"; echo "== engines: stage took $(( SECONDS - stage_start )) s"; exit 0
fi

phase "build"
(cd "$root" && bash scripts/build.sh)

tests=(rest-clients merge-on-read views athena-forms dev-trino)
phase "engine tests: ${tests[*]}"
files=()
for t in "${tests[@]}"; do files+=("$root/dist/interop-engines/$t.engines.js"); done
SILT_ENGINES_CACHE="$cache" node --test --test-concurrency=1 --test-timeout=1800000 "${files[@]}"

phase "done"
echo "== engines: stage took $(( SECONDS - stage_start )) s"
