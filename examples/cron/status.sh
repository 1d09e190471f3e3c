#!/bin/sh
# Day 21 of the month, the morning after the monthly deadline: the status matrix of
# each monthly regime for the month (units × status), mailed when a unit is missing.
# Regimes as arguments: status.sh KTXH-THANG THU-NS-THANG
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-monitor
period=$(date +%Y%m)
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
for regime in "$@"; do
    baocao -q --format csv status "$regime" "$period" --exit-code >"$out"
    mail_if_found $? "[baocao] Tình hình gửi báo cáo $regime kỳ $period" "$out"
done
exit 0
