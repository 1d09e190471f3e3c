# Shared by the cron scripts: where the database is, the job's token, mail settings.
# Sourced, not run. Each job has its own token file (baocao token create NAME
# --expires 90d, made by an account holding just the rights the job needs), readable
# only by the cron user: chmod 600 /etc/baocao/*.token.
BAOCAO_DB=${BAOCAO_DB:-/srv/baocao/baocao.db}
export BAOCAO_DB
MAILTO=${MAILTO:-tonghop@localhost}
SENDMAIL=${SENDMAIL:-/usr/sbin/sendmail}

# use_token NAME: export BAOCAO_TOKEN from /etc/baocao/NAME.token, or fail.
use_token() {
    token_file=${BAOCAO_TOKEN_DIR:-/etc/baocao}/$1.token
    if [ ! -r "$token_file" ]; then
        echo "$0: cannot read $token_file" >&2
        exit 1
    fi
    BAOCAO_TOKEN=$(cat "$token_file")
    export BAOCAO_TOKEN
}

# mail_if_found STATUS SUBJECT FILE: exit 3 from baocao means "found something":
# mail FILE; 0 means nothing to say; anything else is a failure of the job.
mail_if_found() {
    case $1 in
        0) return 0 ;;
        3) { printf 'To: %s\nSubject: %s\nContent-Type: text/plain; charset=UTF-8\n\n' "$MAILTO" "$2"
             cat "$3"; } | "$SENDMAIL" -t ;;
        *) echo "$0: baocao failed with exit status $1" >&2; exit 1 ;;
    esac
}
