#!/bin/sh
# Weekday morning: reports not yet sent whose deadline falls in the next 3 days, as a
# CSV mailed to the lead units' aggregators. Exit 3 from baocao = something is due.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
baocao -q --format csv deadlines --within 3d --exit-code >"$out"
mail_if_found $? "[baocao] Báo cáo sắp đến hạn $(date +%d/%m/%Y)" "$out"
