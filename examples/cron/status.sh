#!/bin/sh
# Day 21 of the month, the morning after the monthly deadline: the status matrix of
# each monthly regime for this month (units × status), mailed when a unit is missing.
# Regimes as arguments: status.sh KTXH-THANG THU-NS-THANG
# "This month" is the calendar month holding baocao's today (period 202611 on
# 21/11/2026, whose deadline was the 20th), so BAOCAO_NOW is followed.
set -u
. "$(dirname "$0")/lib.sh"
[ $# -gt 0 ] || die "usage: $job REGIME..."
use_token cron-monitor
period=$(period_id current --type monthly --window calendar) || exit 1
for regime in "$@"; do
    quietly "$work/out.csv" -o csv status "$regime" "$period" --exit-code
    mail_if_found $? "[baocao] Tình hình gửi báo cáo $regime kỳ $period" "$work/out.csv"
done
exit 0
