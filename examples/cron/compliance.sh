#!/bin/sh
# First day of the month: the compliance table (due, on time, late, missing, returned,
# ranked by on-time rate, as administrative-reform scoring uses) for the year so far,
# kept as CSV in a folder, one file per month: compliance-2026-11.csv.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
dir=${COMPLIANCE_DIR:-/srv/baocao/compliance}
mkdir -p "$dir" || exit 1
# The month that just ended, and January of its year (POSIX date has no arithmetic).
y=$(date +%Y); m=$(date +%m)
if [ "$m" = 01 ]; then y=$((y - 1)); last=12; else last=$(printf '%02d' $((${m#0} - 1))); fi
file="$dir/compliance-$y-$last.csv"
if baocao -q --format csv compliance --from "${y}01" --to "$y$last" >"$file.partial"; then
    mv "$file.partial" "$file"
else
    rm -f "$file.partial"
    echo "$0: baocao compliance failed" >&2
    exit 1
fi
