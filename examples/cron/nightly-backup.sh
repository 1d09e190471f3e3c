#!/bin/sh
# Nightly: a consistent copy (safe while others write), then a full check of the live
# database (integrity, foreign keys, audit chain). Keeps 30 days of copies. Silent
# when all is well; says why and fails otherwise.
set -u
. "$(dirname "$0")/lib.sh"
use_token cron-backup
dir=${BACKUP_DIR:-/srv/baocao/backup}
mkdir -p "$dir" || die "cannot make $dir"
day=$(today iso) || exit 1
quietly "$work/backup.txt" backup "$dir/baocao-$day.db" --force || exit 1
quietly "$work/check.txt" check || { cat -- "$work/check.txt" >&2; exit 1; }
find "$dir" -name 'baocao-*.db' -mtime +30 -exec rm -f {} + ||
    die "cannot remove the copies older than 30 days from $dir"
