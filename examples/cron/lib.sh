# Shared by the cron scripts (POSIX sh; sourced, not run): the database, the job's
# token, a scratch folder, running baocao quietly, and mail. Cron runs a job with a
# bare environment (no terminal, PATH=/usr/bin:/bin), so everything is set here or in
# the crontab, and a job says nothing unless there is something to mail or it failed.
#
# Settings (environment, with defaults):
#   BAOCAO_DB         /srv/baocao/baocao.db
#   BAOCAO_TOKEN_DIR  /etc/baocao/tokens   one NAME.token per job, mode 0600
#   MAILTO            tonghop@localhost    recipient of the lists
#   MAIL_FROM         baocao@localhost     From: of every message
#   SENDMAIL          sendmail             found on PATH (/usr/sbin in the crontab)
BAOCAO_DB=${BAOCAO_DB:-/srv/baocao/baocao.db}
export BAOCAO_DB
BAOCAO_TOKEN_DIR=${BAOCAO_TOKEN_DIR:-/etc/baocao/tokens}
MAILTO=${MAILTO:-tonghop@localhost}
MAIL_FROM=${MAIL_FROM:-baocao@localhost}
SENDMAIL=${SENDMAIL:-sendmail}
job=${0##*/}

# die MESSAGE: say why on stderr (cron mails it to MAILTO) and fail.
die() {
    printf '%s: %s\n' "$job" "$*" >&2
    exit 1
}

command -v baocao >/dev/null 2>&1 || die "baocao is not on PATH ($PATH); set PATH in the crontab"

# A scratch folder for the job, removed on exit.
work=$(mktemp -d) || die "cannot make a temporary folder"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# use_token NAME: export BAOCAO_TOKEN from $BAOCAO_TOKEN_DIR/NAME.token, which must be
# readable by this user only (mode 0600): a token others can read is refused.
use_token() {
    token_file=$BAOCAO_TOKEN_DIR/$1.token
    if ! { [ -f "$token_file" ] && [ -r "$token_file" ]; }; then
        die "cannot read the token file $token_file (baocao token create $1 --expires 90d, kept there with mode 0600)"
    fi
    # The mode string of `ls -l` is POSIX; characters 5-10 are the group's and others'.
    # shellcheck disable=SC2012
    token_mode=$(ls -ln -- "$token_file" | cut -c5-10)
    [ "$token_mode" = "------" ] ||
        die "refusing $token_file: group or others may read it; make it 0600: chmod 600 $token_file"
    BAOCAO_TOKEN=$(cat -- "$token_file")
    [ -n "$BAOCAO_TOKEN" ] || die "$token_file is empty"
    export BAOCAO_TOKEN
}

# quietly OUT ARG...: baocao -q ARG... with its output in the file OUT. Its stderr
# (the counts that come with --exit-code) is shown only when it fails. Returns
# baocao's exit status: 0 nothing found, 3 something found, anything else a failure.
quietly() {
    quietly_out=$1
    shift
    baocao -q "$@" >"$quietly_out" 2>"$work/stderr" </dev/null
    quietly_status=$?
    case $quietly_status in
        0 | 3) ;;
        *) cat -- "$work/stderr" >&2
           printf '%s: baocao %s failed (exit status %s)\n' "$job" "$*" "$quietly_status" >&2 ;;
    esac
    return "$quietly_status"
}

# period_id ARG...: the id of the period `baocao period ARG...` names (its first CSV
# column), so the simulated clock (BAOCAO_NOW) is followed and `date` is never asked.
period_id() {
    quietly "$work/period.csv" -o csv period "$@" || exit 1
    sed -n '2s/,.*//p' "$work/period.csv"
}

# today iso|vi: baocao's today (the daily period holding it, YYYYMMDD) as 2026-11-21,
# or as 21/11/2026.
today() {
    today_id=$(period_id current --type daily) || exit 1
    today_y=${today_id%????}
    today_d=${today_id#??????}
    today_m=${today_id#????}
    today_m=${today_m%??}
    if [ "$1" = vi ]; then
        printf '%s/%s/%s\n' "$today_d" "$today_m" "$today_y"
    else
        printf '%s-%s-%s\n' "$today_y" "$today_m" "$today_d"
    fi
}

# mime_header TEXT: TEXT as RFC 2047 encoded words (UTF-8, base64), each at most 75
# characters, cut between words; the words after the first start on a folded line.
mime_header() {
    mime_chunk=
    mime_out=
    mime_sep=
    set -f
    for mime_w in $1; do
        if [ -z "$mime_chunk" ]; then
            mime_next=$mime_w
        else
            mime_next="$mime_chunk $mime_w"
        fi
        if [ -n "$mime_chunk" ] && [ "$(printf '%s' "$mime_next" | wc -c)" -gt 45 ]; then
            mime_out=$mime_out$mime_sep$(mime_word "$mime_chunk")
            mime_sep='
 '
            mime_chunk=" $mime_w"
        else
            mime_chunk=$mime_next
        fi
    done
    set +f
    printf '%s' "$mime_out$mime_sep$(mime_word "$mime_chunk")"
}

# mime_word TEXT: one encoded word.
mime_word() {
    printf '=?UTF-8?B?%s?=' "$(printf '%s' "$1" | base64 | tr -d '\n')"
}

# send_mail SUBJECT FILE: FILE as the body of a plain-text UTF-8 message to $MAILTO,
# the recipients in the headers (sendmail -t), none on the command line.
send_mail() {
    {
        printf 'From: %s\n' "$MAIL_FROM"
        printf 'To: %s\n' "$MAILTO"
        printf 'Subject: %s\n' "$(mime_header "$1")"
        printf 'MIME-Version: 1.0\n'
        printf 'Content-Type: text/plain; charset=UTF-8\n'
        printf 'Content-Transfer-Encoding: 8bit\n'
        printf '\n'
        cat -- "$2"
    } | "$SENDMAIL" -t || die "$SENDMAIL -t failed; the message was not sent"
}

# mail_if_found STATUS SUBJECT FILE: after quietly: 3 (found something) mails FILE;
# 0 (nothing) stays silent; anything else fails the job (quietly said why).
mail_if_found() {
    case $1 in
        0) return 0 ;;
        3) send_mail "$2" "$3" ;;
        *) exit 1 ;;
    esac
}
