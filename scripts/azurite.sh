#!/usr/bin/env bash
# A throw-away Azurite (Microsoft's Azure Blob emulator) on 127.0.0.1 for the az:// tests.
#   scripts/azurite.sh start DIR [--until-exit PID]  start it; DIR/env gets the endpoint and
#                                                    the emulator's published account and key;
#                                                    with PID, stopped and its files removed
#                                                    once process PID exits
#   scripts/azurite.sh container DIR NAME            create a container
#   scripts/azurite.sh stop DIR                      stop it by the PID in DIR/azurite.pid
# Installed by scripts/setup.sh (npm ci in scripts/emulators). Telemetry is off: with it on,
# Azurite opens connections beyond 127.0.0.1 and does not exit on SIGTERM.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/emulators/node_modules/.bin/azurite-blob
die() { echo "azurite.sh: error: $*" >&2; exit 1; }

# The emulator's well-known development account (published by Microsoft).
ACCOUNT=devstoreaccount1
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

start() {
  local dir=$1 port
  [ -x "$bin" ] || die "Azurite is not installed: run scripts/setup.sh (npm ci in scripts/emulators)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$bin" --blobHost 127.0.0.1 --blobPort "$port" --skipApiVersionCheck \
    --disableTelemetry --inMemoryPersistence </dev/null >"$dir/azurite.log" 2>&1 &
  echo $! >"$dir/azurite.pid"
  # Node loads Azurite in a few seconds on an idle machine, but took over 30 s once beside a
  # parallel build; a process that exits ends the wait at once, so a long bound costs nothing.
  local deadline=$((SECONDS + 120))
  while :; do
    # Any HTTP answer (400 without a path) means it listens.
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" || true)" = 000 ] || break
    kill -0 "$(cat "$dir/azurite.pid")" 2>/dev/null || die "Azurite exited: $(tail -n 5 "$dir/azurite.log")"
    ((SECONDS < deadline)) || die "Azurite did not answer on 127.0.0.1:$port within 120 s"
    sleep 0.1
  done
  cat >"$dir/env" <<ENV
export AZURE_STORAGE_ACCOUNT_NAME=$ACCOUNT
export AZURE_STORAGE_ACCOUNT_KEY=$KEY
export AZURITE_ENDPOINT=http://127.0.0.1:$port/$ACCOUNT
ENV
  echo "http://127.0.0.1:$port/$ACCOUNT"
}

stop() {
  local pidfile=$1/azurite.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

# A watcher stops the emulator once PID has exited, however the owner ends, then removes what
# `start` wrote in DIR, and DIR if that empties it.
watch_owner() {
  local dir=$1 owner=$2
  (
    exec </dev/null >/dev/null 2>&1
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    stop "$dir"
    rm -f "$dir"/{azurite.log,azurite.pid,env}
    rmdir "$dir"
  ) &
  disown
}

case "${1:-}" in
  start)
    [ $# -eq 2 ] || { [ $# -eq 4 ] && [ "$3" = --until-exit ]; } || die "usage: $0 start DIR [--until-exit PID]"
    start "$2"
    [ $# -eq 2 ] || watch_owner "$(cd "$2" && pwd)" "$4" ;;
  container)
    [ $# -eq 3 ] || die "usage: $0 container DIR NAME"
    # shellcheck disable=SC1091
    . "$2/env"
    node "$here/emulators/create-container.mjs" "$AZURITE_ENDPOINT" "$ACCOUNT" "$KEY" "$3" ;;
  stop)
    [ $# -eq 2 ] || die "usage: $0 stop DIR"
    stop "$2" ;;
  *) die "usage: $0 start DIR [--until-exit PID] | container DIR NAME | stop DIR" ;;
esac
