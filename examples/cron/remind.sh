#!/bin/sh
# Weekday morning: one reminder per responsible account (data entry, approver, sender)
# for what is due within 3 days or already overdue, each an RFC 5322 message made by
# baocao (its own To:, From: and MIME-encoded Subject:) piped to `sendmail -t`.
# Exit 3 from baocao = reminders were written.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-remind
mkdir "$work/mail" || die "cannot make $work/mail"
quietly "$work/reminders.json" -o json remind --within 3d --mail-dir "$work/mail" \
    --from "$MAIL_FROM" --exit-code
case $? in
    0) exit 0 ;;
    3) ;;
    *) exit 1 ;;
esac
failed=0
for message in "$work/mail"/*.eml; do
    [ -e "$message" ] || continue
    "$SENDMAIL" -t <"$message" || { echo "$job: $SENDMAIL -t failed for ${message##*/}" >&2; failed=1; }
done
exit "$failed"
