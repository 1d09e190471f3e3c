#!/bin/sh
# Weekday morning: passwords older than 180 days, accounts idle 90 days, accounts of
# dissolved units, requests not handled within 1 working day. Mails the list when there
# is one (exit 3), fails loudly on anything else.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-audit
day=$(today vi) || exit 1
quietly "$work/out.csv" -o csv account audit --exit-code
mail_if_found $? "[baocao] Kiểm tra tài khoản ngày $day" "$work/out.csv"
