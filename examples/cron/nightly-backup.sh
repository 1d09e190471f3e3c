#!/usr/bin/env bash
# Nightly: a consistent copy (safe while others write), then a full check of the live
# database (integrity, foreign keys, audit chain). Keeps 30 days of copies.
set -euo pipefail
export BAOCAO_DB=${BAOCAO_DB:-/srv/baocao/baocao.db}
export BAOCAO_TOKEN=$(cat /etc/baocao/cron-backup.token)
dir=${BACKUP_DIR:-/srv/baocao/backup}
mkdir -p "$dir"
baocao -q backup "$dir/baocao-$(date +%F).db" --force
baocao -q check >/dev/null
find "$dir" -name 'baocao-*.db' -mtime +30 -delete
