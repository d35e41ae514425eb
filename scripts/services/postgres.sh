#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests and local trials, bound to 127.0.0.1 on a free port.
#   postgres.sh start DIR   makes a cluster in DIR (empty or missing), starts it, prints its URL
#                           (also kept in DIR/url); superuser `postgres`, no password (trust).
#   postgres.sh stop DIR    stops it (fast shutdown) and removes DIR.
#   postgres.sh restart DIR [SECONDS]
#                           stops it (fast shutdown: clients' connections are cut), waits SECONDS
#                           (default 0), and starts it again on the same port with the same data.
#   postgres.sh install     installs Debian's package (CI; needs root and apt-get), saying how long it took.
# Uses Debian's `postgresql` package (apt-get install -y postgresql), found through pg_config or
# /usr/lib/postgresql/*/bin. initdb refuses to run as root: as root, the cluster runs as the
# `postgres` user.
set -euo pipefail

bindir() {
  local d
  for d in "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return; fi
  done
  echo "postgres.sh: no PostgreSQL server found (initdb, pg_ctl); install it: apt-get install -y postgresql (Debian/Ubuntu), brew install postgresql (macOS)" >&2
  exit 6
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  else
    "$@"
  fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

cmd="${1:-}"
dir="${2:-}"
if [ "$cmd" = install ]; then
  t0=$SECONDS
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
  echo "postgres.sh: $("$(bindir)/postgres" --version) installed ($((SECONDS - t0)) s)"
  exit 0
fi
[ -n "$dir" ] || { echo "usage: postgres.sh start|stop|restart DIR, or install" >&2; exit 2; }

case "$cmd" in
  start)
    bin="$(bindir)"
    mkdir -p "$dir"
    dir="$(cd "$dir" && pwd)"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 6; }
    port="$(free_port)"
    echo "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" >"$dir/options"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 6; }
    echo "postgres://postgres@127.0.0.1:$port/postgres" | tee "$dir/url"
    ;;
  restart)
    bin="$(bindir)"
    [ -f "$dir/options" ] || { echo "postgres.sh: no cluster started by postgres.sh in $dir" >&2; exit 3; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    sleep "${3:-0}"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$(cat "$dir/options")" start >/dev/null ||
      { cat "$dir/server.log" >&2; exit 6; }
    ;;
  stop)
    [ -d "$dir/data" ] && as_owner "$(bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: postgres.sh start|stop|restart DIR, or install" >&2
    exit 2
    ;;
esac
