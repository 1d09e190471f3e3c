#!/bin/sh
# Weekday morning: reports not yet sent whose deadline falls in the next 3 days, as a
# CSV mailed to the lead units' aggregators. Exit 3 from baocao = something is due.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
day=$(today vi) || exit 1
quietly "$work/out.csv" -o csv deadlines --within 3d --exit-code
mail_if_found $? "[baocao] Báo cáo sắp đến hạn ngày $day" "$work/out.csv"
