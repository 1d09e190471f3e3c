#!/bin/sh
# Nightly: today's copy into $BACKUP_DIR (baocao-YYYY-MM-DD.db, checked as `check`
# checks before it takes its name; consistent while others write), the older copies
# rotated (KEEP_DAILY days, KEEP_WEEKLY weeks, KEEP_MONTHLY months), a full check of
# the live database against the heads anchored so far, then today's head anchored in
# $ANCHORS (and, with ANCHOR_SYSLOG=yes, sent to syslog). Silent when all is well;
# says why and fails otherwise.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-backup
dir=${BACKUP_DIR:-/srv/baocao/backup}
anchors=${ANCHORS:-/srv/baocao-anchors/anchors.jsonl}
quietly "$work/backup.txt" backup --into "$dir" --keep-daily "${KEEP_DAILY:-7}" \
    --keep-weekly "${KEEP_WEEKLY:-4}" --keep-monthly "${KEEP_MONTHLY:-12}" || exit 1
# The first night there is nothing anchored yet to check against.
if [ -f "$anchors" ]; then
    quietly "$work/check.txt" check --anchors "$anchors" || exit 1
else
    quietly "$work/check.txt" check || exit 1
fi
quietly "$work/anchor.txt" audit anchor --to "$anchors" || exit 1
if [ "${ANCHOR_SYSLOG:-no}" = yes ]; then
    logger -t baocao-anchor <"$work/anchor.txt" || die "logger failed; the head is anchored in $anchors only"
fi
