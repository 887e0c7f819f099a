#!/usr/bin/env bash
# A throw-away single-node Ceph cluster with a RADOS Gateway (S3) on 127.0.0.1, for tests.
#   scripts/ceph.sh install      install the Debian packages if missing
#   scripts/ceph.sh start DIR    new cluster inside DIR; writes DIR/env (AWS_* exports)
#     --until-exit PID           and stop it, and remove its files, once process PID exits
#   scripts/ceph.sh stop DIR     stop its daemons (radosgw, OSD, MON); DIR is left in place
# One MON, one memstore OSD (data in RAM), no mgr, one radosgw. Everything (config, keys, data,
# logs, sockets, pid files) lives in DIR and nothing listens beyond 127.0.0.1, so several
# clusters can run side by side. Recipe and quirks: ../shared/OBJECT_STORES.md, "S3: Ceph
# RADOS Gateway".
set -Eeuo pipefail

PACKAGES=(radosgw ceph-mon ceph-osd ceph-common)
# Debian's python3 carries the rados module; the python3 on PATH may be another one.
PY=/usr/bin/python3
RGW=client.rgw.gw
# The caller's stderr, for errors raised while a step's output goes to a log file.
exec 3>&2
START_TIMEOUT=60 # seconds for each wait in start
STOP_TIMEOUT=10  # seconds between SIGTERM and SIGKILL

die() {
  echo "ceph.sh: error: $*" >&2
  exit 1
}
usage() { die "usage: $0 install | start DIR [--until-exit PID] | stop DIR"; }

installed() {
  local p
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || return 1
  done
}

cmd_install() {
  installed && return 0
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the package lists when the install fails without it (slow, and often not needed).
  if ! $sudo apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2; then
    $sudo apt-get update -qq >&2 || die "apt-get update failed"
    $sudo apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2 ||
      die "apt-get install ${PACKAGES[*]} failed"
  fi
  installed || die "packages ${PACKAGES[*]} still not installed"
}

# Absolute path of DIR; refuses whitespace, which ceph.conf values dislike.
absdir() {
  [ -n "$1" ] || usage
  case "$1" in *[[:space:]]*) die "DIR must not contain whitespace: '$1'" ;; esac
  (cd "$1" && pwd -P) || die "cannot enter $1"
}

# Whether process $1 was started with config file $2 (an exact argument, read from /proc).
uses_conf() {
  local arg args=()
  mapfile -d '' args <"/proc/$1/cmdline" 2>/dev/null || return 1
  for arg in "${args[@]}"; do [ "$arg" != "$2" ] || return 0; done
  return 1
}

# PIDs of processes started with this cluster's config file: covers daemons that have not
# written their pid file yet and CLI tools left hanging by a failed start.
pids_using_conf() {
  local f pid
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    if uses_conf "$pid" "$1"; then echo "$pid"; fi
  done
}

# Whether process $1 still runs. A zombie counts as gone: daemons are reparented to PID 1, which
# may take seconds to reap them.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) } # the state follows the command name, which may hold spaces
  [ "${stat%% *}" != Z ]
}

# SIGTERM the given PIDs, SIGKILL what is left after STOP_TIMEOUT s, wait until all are gone.
terminate() {
  local pid left i
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
    left=
    for pid in "$@"; do alive "$pid" && left=1; done
    [ -n "$left" ] || return 0
    sleep 0.05
  done
  kill -KILL "$@" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    left=
    for pid in "$@"; do alive "$pid" && left=1; done
    [ -n "$left" ] || return 0
    sleep 0.05
  done
  die "processes $* did not exit after SIGKILL"
}

cmd_stop() {
  local dir conf name pidfile pid pids
  [ -d "${1:-}" ] || return 0 # nothing was ever started there
  dir=$(absdir "$1")
  conf=$dir/ceph.conf
  # radosgw first: it hangs on SIGTERM once the OSD is gone. Then OSD, then MON.
  for name in "$RGW" osd.0 mon.a; do
    pidfile=$dir/run/$name.pid
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile" 2>/dev/null || true)
    # Only signal the PID if it is still this cluster's daemon (PIDs get reused).
    if [[ "$pid" =~ ^[0-9]+$ ]] && uses_conf "$pid" "$conf"; then
      terminate "$pid"
    fi
    rm -f "$pidfile"
  done
  # A half-started cluster may have processes without pid files: stop them by their config path.
  mapfile -t pids < <(pids_using_conf "$conf")
  terminate "${pids[@]}"
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
  "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Called when start fails: the one-line error, the end of the logs, then no daemon left behind.
start_failed() {
  local dir=$1 msg=$2 f
  trap - ERR
  exec 2>&3 # the failing step may have had stderr pointed at a log
  # Stop first: if our caller's stderr is gone (SIGPIPE), at least nothing is left running.
  (cmd_stop "$dir") >>"$dir/log/setup.log" 2>&1 || true
  echo "ceph.sh: error: $msg" >&2
  for f in setup mon.a osd.0 "$RGW"; do
    f=$dir/log/$f.log
    [ -s "$f" ] || continue
    echo "--- tail of $f" >&2
    tail -n 8 "$f" | cut -c1-240 >&2
  done
  exit 1
}

cmd_start() {
  local dir conf mon_port rgw_port fsid osd_uuid ak sk i code
  mkdir -p "${1:-}" || die "cannot create ${1:-}"
  dir=$(absdir "$1")
  conf=$dir/ceph.conf
  installed || die "Ceph packages missing: run '$0 install' first"
  [ ! -e "$conf" ] || die "$dir already holds a cluster: stop it and use an empty DIR"
  # ceph-mon refuses to start when its filesystem has under 1 % free (the lowest 'mon data avail
  # crit'), and on a full disk cannot even log why: check first, with ceph-mon's own arithmetic.
  local blocks avail
  read -r blocks avail < <(df -Pk "$dir" | awk 'NR == 2 { print $2, $4 }')
  [ $((avail * 100 / blocks)) -ge 1 ] ||
    die "the filesystem of $dir has $((avail / 1024)) MiB free, under 1 %; the Ceph MON refuses to start: free some space"
  # A failing step inside $(...) only exits that subshell; the caller's step then fails too.
  local step= # the command logged() runs, for the error message
  trap '[ "$BASH_SUBSHELL" = 0 ] || exit 1; start_failed "$dir" "${step:-line $LINENO: $BASH_COMMAND} failed"' ERR

  mkdir -p "$dir"/{run,log,mon/a,osd/0,rgw,crash}
  mon_port=$(free_port)
  rgw_port=$(free_port)
  [ "$mon_port" != "$rgw_port" ] || rgw_port=$(free_port)
  fsid=$(cat /proc/sys/kernel/random/uuid)
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  # S3 credentials: 20-character access key and 40-character secret, like AWS's.
  read -r ak sk < <("$PY" -c 'import secrets, string as s
r = lambda a, n: "".join(secrets.choice(a) for _ in range(n))
print(r(s.ascii_uppercase + s.digits, 20), r(s.ascii_letters + s.digits, 40))')

  cat >"$conf" <<EOF
[global]
fsid = $fsid
# Only msgr v2 and only on loopback: one MON port, nothing reachable from outside.
mon host = [v2:127.0.0.1:$mon_port]
ms bind msgr1 = false
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $dir/keyring
# Everything the daemons write goes inside DIR.
run dir = $dir/run
admin socket = \$run_dir/\$name.asok
pid file = \$run_dir/\$name.pid
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.log
crash dir = $dir/crash
mon data = $dir/mon/\$id
osd data = $dir/osd/\$id
# One OSD: pools of size 1, CRUSH picks OSDs rather than hosts, few PGs, no autoscaler (no mgr).
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
mon warn on pool no redundancy = false
# The MON shuts itself down when its disk has under 5 % free; its data here is tiny.
mon data avail crit = 0
mon data avail warn = 1
osd crush chooseleaf type = 0
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon max pg per osd = 1000
# Default 1 s: every pool creation and OSD map change waits for it.
paxos propose interval = 0.05
# Data in the OSD's RAM, capped.
osd objectstore = memstore
memstore device bytes = 1073741824

[client.admin]
# CLI tools run concurrently; one shared socket name would collide.
admin socket =

[$RGW]
# tcp_nodelay: else every response on a kept-alive connection waits 40 ms for a delayed ACK.
rgw frontends = beast endpoint=127.0.0.1:$rgw_port tcp_nodelay=1
rgw data = $dir/rgw
EOF

  # Each step's output goes to DIR/log/setup.log. fd 3 (the caller's stderr) is closed so the
  # daemons don't keep it open: $(scripts/ceph.sh start DIR 2>&1) would never end.
  logged() {
    step=$*
    "$@" >>"$dir/log/setup.log" 2>&1 3>&-
    step=
  }

  # One keyring with every key and its caps; the MON imports them all at mkfs, so no `ceph auth`.
  local kr=$dir/keyring
  logged ceph-authtool --create-keyring "$kr" --gen-key -n mon. --cap mon 'allow *'
  logged ceph-authtool "$kr" --gen-key -n client.admin \
    --cap mon 'allow *' --cap osd 'allow *' --cap mds 'allow *' --cap mgr 'allow *'
  logged ceph-authtool "$kr" --gen-key -n osd.0 \
    --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd'
  logged ceph-authtool "$kr" --gen-key -n "$RGW" --cap mon 'allow rw' --cap osd 'allow rwx'
  logged monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_port]" "$dir/monmap"
  logged ceph-mon -c "$conf" --mkfs -i a --monmap "$dir/monmap" --keyring "$kr"
  logged ceph-mon -c "$conf" -i a

  # Register the OSD and create the gateway's pools over one connection (each `ceph` CLI call
  # costs a process start; radosgw would create the pools one paxos round at a time, ~9 s).
  logged timeout "$START_TIMEOUT" "$PY" - "$conf" "$osd_uuid" <<'EOF' ||
import json, sys, rados
conf, osd_uuid = sys.argv[1:]
c = rados.Rados(conffile=conf, name="client.admin")
c.connect(timeout=30)
def mon(**cmd):
    ret, out, err = c.mon_command(json.dumps(cmd), b"")
    if ret != 0:
        sys.exit(f"{cmd}: {ret} {err}")
    return out
osd_id = json.loads(mon(prefix="osd new", uuid=osd_uuid, format="json"))["osdid"]
assert osd_id == 0, osd_id
for pool in [".rgw.root", "default.rgw.log", "default.rgw.control", "default.rgw.meta",
             "default.rgw.buckets.index", "default.rgw.buckets.data",
             "default.rgw.buckets.non-ec"]:
    mon(prefix="osd pool create", pool=pool, pg_num=8, pgp_num=8)
    mon(prefix="osd pool application enable", pool=pool, app="rgw")
c.shutdown()
EOF
    start_failed "$dir" "could not register the OSD and create the pools (MON not answering?)"

  logged ceph-osd -c "$conf" -i 0 --mkfs --osd-uuid "$osd_uuid"
  logged ceph-osd -c "$conf" -i 0

  # Wait for the OSD to be up (its PGs then peer in a moment; RADOS ops wait for that).
  logged timeout "$START_TIMEOUT" "$PY" - "$conf" <<'EOF' ||
import json, sys, time, rados
c = rados.Rados(conffile=sys.argv[1], name="client.admin")
c.connect(timeout=30)
def mon(**cmd):
    ret, out, err = c.mon_command(json.dumps(dict(cmd, format="json")), b"")
    return json.loads(out) if ret == 0 else {}
while mon(prefix="osd stat").get("num_up_osds") != 1:
    time.sleep(0.05)
c.shutdown()
EOF
    start_failed "$dir" "the OSD did not come up within ${START_TIMEOUT}s"

  logged timeout "$START_TIMEOUT" radosgw-admin -c "$conf" -n client.admin user create \
    --uid test --display-name test --access-key "$ak" --secret "$sk" ||
    start_failed "$dir" "radosgw-admin user create failed"
  # Start radosgw and wait for HTTP 200 on / (anonymous ListBuckets). If another process took
  # the port between our picking and radosgw binding it, retry on a new one.
  local endpoint attempt new_port rgw_log=$dir/log/$RGW.log
  touch "$rgw_log"
  for attempt in 1 2 3; do
    endpoint=http://127.0.0.1:$rgw_port
    logged radosgw -c "$conf" -n "$RGW"
    for ((i = 0; ; i++)); do
      code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$endpoint/" || true)
      [ "$code" != 200 ] || break 2
      if [ "$(grep -c 'failed to bind address' "$rgw_log" || true)" -ge "$attempt" ]; then
        [ "$attempt" -lt 3 ] || start_failed "$dir" "radosgw could not bind a port 3 times"
        new_port=$(free_port)
        sed -i "s/endpoint=127.0.0.1:$rgw_port /endpoint=127.0.0.1:$new_port /" "$conf"
        rgw_port=$new_port
        continue 2
      fi
      # Fail fast if radosgw died for another reason.
      if [ -f "$dir/run/$RGW.pid" ] && ! alive "$(cat "$dir/run/$RGW.pid")"; then
        start_failed "$dir" "radosgw exited before answering on $endpoint/"
      fi
      [ "$i" -lt $((START_TIMEOUT * 10)) ] ||
        start_failed "$dir" "radosgw did not answer HTTP 200 on $endpoint/ within ${START_TIMEOUT}s (last: $code)"
      sleep 0.1
    done
  done
  trap - ERR

  cat >"$dir/env" <<EOF
export AWS_ACCESS_KEY_ID=$ak
export AWS_SECRET_ACCESS_KEY=$sk
export AWS_REGION=us-east-1
export AWS_ENDPOINT_URL=$endpoint
export CEPH_RGW_PORT=$rgw_port
EOF
  echo "$endpoint"
}

# With --until-exit PID: a watcher stops the cluster once PID has exited, so a test process
# that starts a cluster never leaves it behind, however it ends (even SIGKILL). It then removes
# what `start` wrote in DIR, and DIR if that empties it: a test's folder would outlive it.
watch_owner() {
  local dir=$1 owner=$2
  (
    exec </dev/null >/dev/null 2>&1 3>&-
    while kill -0 "$owner" 2>/dev/null; do sleep 1; done
    cmd_stop "$dir"
    rm -rf "$dir"/{run,log,mon,osd,rgw,crash,ceph.conf,keyring,monmap,env}
    rmdir "$dir"
  ) &
  disown
}

case "${1:-}" in
  install) [ $# -eq 1 ] || usage; cmd_install ;;
  start)
    case $# in
      2) cmd_start "$2" ;;
      4) [ "$3" = --until-exit ] && [[ "$4" =~ ^[0-9]+$ ]] || usage
        cmd_start "$2"
        watch_owner "$(absdir "$2")" "$4" ;;
      *) usage ;;
    esac ;;
  stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
  *) usage ;;
esac
