#!/usr/bin/env bash
# Weekday morning: passwords older than 180 days, accounts idle 90 days, accounts of
# dissolved units, requests not handled within 1 working day. Mails the list when there
# is one (exit 3), fails loudly on anything else.
set -uo pipefail
export BAOCAO_DB=${BAOCAO_DB:-/srv/baocao/baocao.db}
export BAOCAO_TOKEN=$(cat /etc/baocao/cron-audit.token)
out=$(baocao --format csv account audit --exit-code)
case $? in
    0) exit 0 ;;
    3) printf 'Subject: [baocao] Kiểm tra tài khoản %s\n\n%s\n' "$(date +%d/%m/%Y)" "$out" | sendmail -t "${MAILTO:-quantri@localhost}" ;;
    *) echo "baocao account audit failed" >&2; exit 1 ;;
esac
