#!/bin/sh
# Weekday morning: one reminder per responsible account (data entry, approver, sender)
# for what is due within 3 days or already overdue, each an RFC 5322 message piped to
# `sendmail -t` (the To: header is in the message). Exit 3 from baocao = reminders
# were written.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-remind
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
baocao -q --format json remind --within 3d --mail-dir "$dir" \
    --from "${MAIL_FROM:-baocao@localhost}" --exit-code >"$dir/reminders.json"
case $? in
    0) exit 0 ;;
    3) ;;
    *) echo "$0: baocao remind failed" >&2; exit 1 ;;
esac
for message in "$dir"/*.eml; do
    [ -e "$message" ] || continue
    "$SENDMAIL" -t <"$message" || echo "$0: sendmail failed for $message" >&2
done
