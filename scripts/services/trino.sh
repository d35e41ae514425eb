#!/usr/bin/env bash
# A throwaway Trino coordinator for local trials, bound to 127.0.0.1 on a free port.
#   trino.sh install      fetches trino-server (Maven's io.trino:trino-server, through `mvn`) into
#                         the engines cache (SILT_ENGINES_CACHE, else ~/.cache/silt-engines), once.
#   trino.sh start DIR    starts a coordinator (also its only worker) with its config and data in DIR,
#                         waits until it runs a query, prints its URL (also kept in DIR/url). It has
#                         no catalog: catalogs are added with CREATE CATALOG (dynamic catalogs), as
#                         `silt dev trino` does for the project's REST catalog.
#   trino.sh stop DIR     stops it and removes DIR.
# Needs Java 22 or newer (TRINO_JAVA_HOME, else the first /usr/lib/jvm/*25*, else java on PATH).
set -euo pipefail

TRINO_VERSION=476
cache="${SILT_ENGINES_CACHE:-$HOME/.cache/silt-engines}"
home="$cache/trino-server-$TRINO_VERSION"

java_home() {
  local j="${TRINO_JAVA_HOME:-$(ls -d /usr/lib/jvm/*25* 2>/dev/null | head -1)}"
  if [ -n "$j" ] && [ -x "$j/bin/java" ]; then echo "$j"; return; fi
  if command -v java >/dev/null && java -version 2>&1 | grep -Eq 'version "(2[2-9]|[3-9][0-9])'; then
    dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return
  fi
  echo "trino.sh: Trino $TRINO_VERSION needs Java 22 or newer; install one (e.g. apt-get install -y openjdk-25-jre-headless) or set TRINO_JAVA_HOME" >&2
  exit 6
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Exit 0 once the coordinator at $1 runs SELECT 1 (out of `starting`, Trino still answers
# NO_NODES_AVAILABLE until its own node has announced itself).
runs_query() {
  node -e '
    const [url] = process.argv.slice(1);
    const headers = { "X-Trino-User": "silt" };
    (async () => {
      let page = await (await fetch(url + "/v1/statement", { method: "POST", body: "SELECT 1", headers })).json();
      while (!page.error && page.nextUri) page = await (await fetch(page.nextUri, { headers })).json();
      process.exit(page.error ? 1 : 0);
    })().catch(() => process.exit(1));' "$1"
}

cmd="${1:-}"
dir="${2:-}"
case "$cmd" in
  install)
    if [ ! -x "$home/bin/launcher" ]; then
      t0=$SECONDS
      command -v mvn >/dev/null || { echo "trino.sh: fetching Trino needs Maven (mvn); install it (apt-get install -y maven, brew install maven)" >&2; exit 6; }
      mkdir -p "$cache"
      echo "trino.sh: fetching trino-server $TRINO_VERSION (about 500 MB, once)" >&2
      mvn -q -B dependency:copy -Dartifact="io.trino:trino-server:$TRINO_VERSION:tar.gz" -DoutputDirectory="$cache" -Dmdep.overWriteIfNewer=false
      tar -xzf "$cache/trino-server-$TRINO_VERSION.tar.gz" -C "$cache"
      rm -f "$cache/trino-server-$TRINO_VERSION.tar.gz"
      echo "trino.sh: trino-server $TRINO_VERSION installed ($((SECONDS - t0)) s)" >&2
    fi
    java_home >/dev/null
    ;;
  start)
    [ -n "$dir" ] || { echo "usage: trino.sh start DIR" >&2; exit 2; }
    [ -x "$home/bin/launcher" ] || { echo "trino.sh: Trino is not installed; run: trino.sh install" >&2; exit 6; }
    jh="$(java_home)"
    mkdir -p "$dir/etc/catalog" "$dir/data"
    dir="$(cd "$dir" && pwd)"
    port="$(free_port)"
    printf '%s\n' "node.environment=silt_dev" "node.id=silt-dev-1" "node.data-dir=$dir/data" "node.internal-address=127.0.0.1" >"$dir/etc/node.properties"
    printf '%s\n' -server -Xmx2G -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djdk.attach.allowAttachSelf=true >"$dir/etc/jvm.config"
    printf '%s\n' coordinator=true node-scheduler.include-coordinator=true "http-server.http.port=$port" \
      "discovery.uri=http://127.0.0.1:$port" catalog.management=dynamic query.max-memory=1GB query.max-memory-per-node=1GB >"$dir/etc/config.properties"
    echo 'io.trino=WARN' >"$dir/etc/log.properties"
    JAVA_HOME="$jh" PATH="$jh/bin:$PATH" "$home/bin/launcher" start --etc-dir="$dir/etc" --data-dir="$dir/data" >/dev/null
    url="http://127.0.0.1:$port"
    for _ in $(seq 1 600); do
      if runs_query "$url"; then echo "$url" | tee "$dir/url"; exit 0; fi
      JAVA_HOME="$jh" "$home/bin/launcher" status --etc-dir="$dir/etc" --data-dir="$dir/data" >/dev/null 2>&1 ||
        { echo "trino.sh: Trino exited while starting; its log:" >&2; tail -40 "$dir/data/var/log/server.log" >&2 || true; exit 6; }
      sleep 1
    done
    echo "trino.sh: Trino did not run a query within 600 s (log: $dir/data/var/log/server.log)" >&2
    exit 6
    ;;
  stop)
    [ -n "$dir" ] || { echo "usage: trino.sh stop DIR" >&2; exit 2; }
    if [ -f "$dir/etc/config.properties" ] && [ -x "$home/bin/launcher" ]; then
      "$home/bin/launcher" stop --etc-dir="$dir/etc" --data-dir="$dir/data" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: trino.sh install | start DIR | stop DIR" >&2
    exit 2
    ;;
esac
