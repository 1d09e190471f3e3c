#!/bin/sh
# First day of the month: the compliance table (due, on time, late, missing, returned,
# ranked by on-time rate, as administrative-reform scoring uses) for the year so far,
# kept as CSV in a folder, one file per month: compliance-2026-11.csv. Mails nothing.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
dir=${COMPLIANCE_DIR:-/srv/baocao/compliance}
mkdir -p "$dir" || die "cannot make $dir"
# The month that just ended (the one before the calendar month holding baocao's
# today), and January of its year.
this=$(period_id current --type monthly --window calendar) || exit 1
last=$(period_id previous "$this") || exit 1
year=${last%??}
file="$dir/compliance-$year-${last#????}.csv"
quietly "$file.partial" -o csv compliance --from "${year}01" --to "$last" ||
    { rm -f "$file.partial"; exit 1; }
mv "$file.partial" "$file" || die "cannot write $file"
