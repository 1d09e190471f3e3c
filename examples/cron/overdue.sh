#!/bin/sh
# Weekday morning: reports missing after their deadline (and those sent late), with how
# many working days overdue. Exit 3 from baocao = at least one report is missing.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
day=$(today vi) || exit 1
quietly "$work/out.csv" -o csv overdue --since 62d --exit-code
mail_if_found $? "[baocao] Báo cáo quá hạn ngày $day" "$work/out.csv"
