#!/usr/bin/env bash
# Cold-process timing of the read-only period and calendar commands (issue: "answer in
# under 10 ms"). Each command is a fresh process, as a cron job or a shell user runs it.
# Usage: examples/bench/cold-start.sh [runs]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-200}
cargo build --release -q
bin=target/release/baocao
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A real database with the official 2026 schedule, so overrides are read too.
export HOME=$work BAOCAO_DB=$work/bench.db
printf 'Bench-mark-2026!\n' | $bin -q init --password-stdin
printf 'Bench-mark-2026!\n' | $bin -q login admin --password-stdin
$bin -q calendar import examples/province/holidays-2026.csv >/dev/null

bench() {
    local label=$1; shift
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine -N --style none --warmup 20 --runs "$runs" --export-json "$work/h.json" "$bin $*" >/dev/null 2>&1
        python3 -c "import json;r=json.load(open('$work/h.json'))['results'][0];print(f\"$label: mean {r['mean']*1000:.2f} ms, max {r['max']*1000:.2f} ms over {len(r['times'])} runs\")"
    else
        local start end
        for _ in $(seq 20); do "$bin" "$@" >/dev/null; done
        start=$(date +%s%N)
        for _ in $(seq "$runs"); do "$bin" "$@" >/dev/null; done
        end=$(date +%s%N)
        echo "$label: mean $(( (end - start) / runs / 1000 )) µs over $runs runs"
    fi
}

bench "period show 2026Q1 (json)" -o json period show 2026Q1
bench "period list monthly 2026" -o json period list --type monthly --year 2026
bench "calendar lunar" -o json calendar lunar 2026-02-17
bench "calendar is-workday" -o json calendar is-workday 2026-01-10
bench "calendar holidays 2026" -o json calendar holidays 2026
bench "calendar workdays (a year)" -o json calendar workdays --from 2026-01-01 --to 2026-12-31
