#!/bin/sh
# The recovery drill: from a Litestream replica to a serving baocao on a fresh machine,
# each step timed. Run it as written for a real recovery (KEEP_SERVING=yes), or every
# quarter as a drill into a scratch folder (the default: the server stops once
# /healthz answers). examples/litestream/README.md has the runbook and measured times.
#
# Usage: sh examples/dr-drill.sh DEST_DIR
#   DEST_DIR must not hold a baocao.db: the drill never overwrites a database.
#
# Settings (environment, with defaults):
#   LITESTREAM_CONFIG  /etc/litestream.yml  the configuration naming the database and its
#                                           replica (the same file the lost machine ran)
#   SOURCE_DB          the first database `litestream databases` lists: the path the
#                      replica is kept under (the lost machine's path)
#   BAOCAO_TOKEN       a system administrator's API token of the lost database, kept with
#                      this runbook (`check` needs a sysadmin); or BAOCAO_TOKEN_FILE
#   ANCHORS            an anchors file (audit anchor --to) to check the restored chain
#                      against; none by default
#   LISTEN             127.0.0.1:8080       where the restored server listens
#   KEEP_SERVING       no                   yes: keep serving after the drill (a real
#                                           recovery); no: stop once /healthz answers
#
# Exit status: 0 when the restored database passed its checks and /healthz answered; 1
# otherwise, with the failing step and its output on stderr.
set -eu

dest=${1:?usage: sh dr-drill.sh DEST_DIR}
config=${LITESTREAM_CONFIG:-/etc/litestream.yml}
listen=${LISTEN:-127.0.0.1:8080}
keep=${KEEP_SERVING:-no}

die() {
    printf 'dr-drill: %s\n' "$*" >&2
    exit 1
}

for tool in baocao litestream curl; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is not on PATH ($PATH)"
done
if [ -z "${BAOCAO_TOKEN:-}" ] && [ -n "${BAOCAO_TOKEN_FILE:-}" ]; then
    BAOCAO_TOKEN=$(cat -- "$BAOCAO_TOKEN_FILE") || die "cannot read $BAOCAO_TOKEN_FILE"
fi
[ -n "${BAOCAO_TOKEN:-}" ] || die "set BAOCAO_TOKEN (or BAOCAO_TOKEN_FILE) to a sysadmin's API token of the lost database"
export BAOCAO_TOKEN
[ -f "$config" ] || die "no Litestream configuration $config (set LITESTREAM_CONFIG)"
if [ -z "${SOURCE_DB:-}" ]; then
    SOURCE_DB=$(litestream databases -config "$config" | awk 'NR == 2 { print $1 }')
fi
[ -n "$SOURCE_DB" ] || die "$config names no database"
mkdir -p -m 700 "$dest" || die "cannot make $dest"
db=$dest/baocao.db
[ ! -e "$db" ] || die "$db exists: the drill restores into a folder without a database"
log=$dest/dr-drill.log
: >"$log"

# Seconds since the epoch, to the millisecond where date can (GNU), else to the second.
now() {
    t=$(date +%s.%N)
    case $t in *N) date +%s ;; *) printf '%s\n' "$t" ;; esac
}
since() {
    awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# step NAME COMMAND...: runs COMMAND with its output in the log, prints NAME and its time.
step() {
    step_name=$1
    shift
    step_start=$(now)
    if ! "$@" >>"$log" 2>&1; then
        tail -n 20 -- "$log" >&2
        die "$step_name failed (the full output is in $log)"
    fi
    printf '%-48s %8s s\n' "$step_name" "$(since "$step_start")"
}

start=$(now)
printf 'Khôi phục từ bản sao Litestream / recovery from the Litestream replica\n'
printf '  configuration %s, database %s -> %s\n' "$config" "$SOURCE_DB" "$db"
step "1. litestream restore (replica -> file)" \
    litestream restore -config "$config" -o "$dest/from-replica.db" "$SOURCE_DB"
step "2. baocao restore (copied, checked, installed)" \
    baocao --db "$db" --yes -q restore "$dest/from-replica.db"
rm -f -- "$dest/from-replica.db" "$dest/from-replica.db-wal" "$dest/from-replica.db-shm"
if [ -n "${ANCHORS:-}" ]; then
    step "3. baocao check --anchors" baocao --db "$db" -q check --anchors "$ANCHORS"
else
    step "3. baocao check" baocao --db "$db" -q check
fi

serve_start=$(now)
baocao --db "$db" serve --listen "$listen" >>"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
trap 'exit 1' HUP INT TERM
tries=0
until curl -fsS "http://$listen/healthz" >"$dest/healthz.json" 2>/dev/null; do
    kill -0 "$server" 2>/dev/null || { tail -n 20 -- "$log" >&2; die "baocao serve stopped (the full output is in $log)"; }
    tries=$((tries + 1))
    [ "$tries" -lt 600 ] || die "/healthz did not answer within 60 s"
    sleep 0.1
done
printf '%-48s %8s s\n' "4. baocao serve: /healthz answers" "$(since "$serve_start")"
printf '   %s\n' "$(cat -- "$dest/healthz.json")"
printf '%-48s %8s s\n' "total (Dong Thap Art. 20(2): within 4 h)" "$(since "$start")"

if [ "$keep" = yes ]; then
    trap - EXIT
    printf 'baocao serve keeps serving %s on %s (pid %s)\n' "$db" "$listen" "$server"
    wait "$server"
else
    kill -TERM "$server"
    wait "$server" || true
    trap - EXIT
fi
