#!/bin/sh
# Weekday morning: reports missing after their deadline (and those sent late), with how
# many working days overdue. Exit 3 from baocao = at least one report is missing.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
baocao -q --format csv overdue --since 62d --exit-code >"$out"
mail_if_found $? "[baocao] Báo cáo quá hạn $(date +%d/%m/%Y)" "$out"
