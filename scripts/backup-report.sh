#!/usr/bin/env bash
#
# backup-report.sh — tells mPanel how a backup run went (spec §8.6): POST /api/backups/report
# with {"jobId","status","details":{"sizeBytes","durationSeconds","checksum","message"}}. A
# server's backup cron job runs it after each run (and, with --status RUNNING, before), e.g.
#
#   30 3 * * *  root  /opt/mpanel/host/run_backup.sh --job ckbackup1 --kind system >/tmp/b.json \
#                       && backup-report.sh --job-id ckbackup1 --status SUCCESS --size "$(jq .sizeBytes /tmp/b.json)" \
#                       || backup-report.sh --job-id ckbackup1 --status FAILED --message "run_backup.sh failed"
#
# Usage: backup-report.sh --job-id <id> --status SUCCESS|FAILED|RUNNING
#          [--size <bytes>] [--duration <seconds, e.g. 12.5>] [--checksum <e.g. sha256:hex>] [--message <text>]
#
# Configuration: MPANEL_URL (the panel's base URL, e.g. https://mpanel.example.com) and
# MPANEL_INTERNAL_KEY from the environment; what is not set there is read from
# /etc/mpanel/backup.env (MPANEL_BACKUP_ENV names another file): KEY=value lines, parsed, never
# executed. Keep that file root-only (0600). The key is handed to curl in a header file of mode
# 0600, so it never shows in a process list.
#
# Exit 0: reported (mPanel's answer is printed). 2: bad arguments or configuration. Anything
# else is curl's exit code (22: mPanel refused the report; its JSON error is printed).

set -Eeuo pipefail
umask 077
export LC_ALL=C
# `&` in a ${var//pattern/replacement} replacement must stay a literal `&`.
shopt -u patsub_replacement 2>/dev/null || true

die() {
  printf 'backup-report: %s\n' "$*" >&2
  exit 2
}

# Prints $1 as a JSON string literal; control characters become \uXXXX escapes.
json_string() {
  local s=$1 c hex
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  while [[ $s =~ ([[:cntrl:]]) ]]; do
    c=${BASH_REMATCH[1]}
    printf -v hex '\\u%04x' "'$c"
    s=${s//"$c"/"$hex"}
  done
  printf '"%s"' "$s"
}

# Fills MPANEL_URL / MPANEL_INTERNAL_KEY from a KEY=value file, without overriding the environment.
read_config() {
  local file=$1 line key value
  [[ -r $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%$'\r'}
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    if [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?(MPANEL_URL|MPANEL_INTERNAL_KEY)=(.*)$ ]]; then
      key=${BASH_REMATCH[2]}
      value=${BASH_REMATCH[3]}
      if [[ $value =~ ^\"(.*)\"$ || $value =~ ^\'(.*)\'$ ]]; then value=${BASH_REMATCH[1]}; fi
      if [[ -z ${!key:-} ]]; then printf -v "$key" '%s' "$value"; fi
    fi
  done <"$file"
}

JOB_ID='' STATUS='' SIZE='' DURATION='' CHECKSUM='' MESSAGE=''
while (($#)); do
  case $1 in
    --job-id | --status | --size | --duration | --checksum | --message)
      (($# >= 2)) || die "missing value for $1"
      case $1 in
        --job-id) JOB_ID=$2 ;;
        --status) STATUS=$2 ;;
        --size) SIZE=$2 ;;
        --duration) DURATION=$2 ;;
        --checksum) CHECKSUM=$2 ;;
        --message) MESSAGE=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      sed -n '2,/^$/s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

[[ $JOB_ID =~ ^[A-Za-z0-9_-]{1,64}$ ]] || die "--job-id must be the backup job's id"
[[ $STATUS =~ ^(SUCCESS|FAILED|RUNNING)$ ]] || die "--status must be SUCCESS, FAILED or RUNNING"
[[ -z $SIZE || $SIZE =~ ^(0|[1-9][0-9]{0,15})$ ]] || die "--size must be a number of bytes"
[[ -z $DURATION || $DURATION =~ ^(0|[1-9][0-9]{0,6})(\.[0-9]{1,3})?$ ]] || die "--duration must be seconds, e.g. 12.5"
[[ -z $CHECKSUM || $CHECKSUM =~ ^[A-Za-z0-9:+/=_-]{8,200}$ ]] || die "--checksum must look like sha256:<hex>"
((${#MESSAGE} <= 2000)) || die "--message must be at most 2000 characters"

MPANEL_URL=${MPANEL_URL:-}
MPANEL_INTERNAL_KEY=${MPANEL_INTERNAL_KEY:-}
read_config "${MPANEL_BACKUP_ENV:-/etc/mpanel/backup.env}"
[[ -n $MPANEL_URL ]] || die "MPANEL_URL is not set (environment or ${MPANEL_BACKUP_ENV:-/etc/mpanel/backup.env})"
[[ -n $MPANEL_INTERNAL_KEY ]] || die "MPANEL_INTERNAL_KEY is not set (environment or ${MPANEL_BACKUP_ENV:-/etc/mpanel/backup.env})"
URL_RE='^https?://[][A-Za-z0-9.:%_-]+(/[A-Za-z0-9._~/-]*)?$'
[[ $MPANEL_URL =~ $URL_RE ]] || die "MPANEL_URL must be an http(s) URL such as https://mpanel.example.com"
# One header line: a key with a line break in it would add headers of its own.
[[ $MPANEL_INTERNAL_KEY =~ ^[[:graph:]]{1,512}$ ]] || die "MPANEL_INTERNAL_KEY must be one word of printable characters"

BASE=${MPANEL_URL%/}
if [[ $BASE == */api ]]; then ENDPOINT=$BASE/backups/report; else ENDPOINT=$BASE/api/backups/report; fi

if command -v jq >/dev/null 2>&1; then
  BODY=$(jq -cn --arg jobId "$JOB_ID" --arg status "$STATUS" --arg size "$SIZE" --arg duration "$DURATION" \
    --arg checksum "$CHECKSUM" --arg message "$MESSAGE" '
    {jobId: $jobId, status: $status, details: (
      (if $size == "" then {} else {sizeBytes: ($size | tonumber)} end)
      + (if $duration == "" then {} else {durationSeconds: ($duration | tonumber)} end)
      + (if $checksum == "" then {} else {checksum: $checksum} end)
      + (if $message == "" then {} else {message: $message} end))}')
else
  DETAILS=()
  [[ -z $SIZE ]] || DETAILS+=("\"sizeBytes\":$SIZE")
  [[ -z $DURATION ]] || DETAILS+=("\"durationSeconds\":$DURATION")
  [[ -z $CHECKSUM ]] || DETAILS+=("\"checksum\":$(json_string "$CHECKSUM")")
  [[ -z $MESSAGE ]] || DETAILS+=("\"message\":$(json_string "$MESSAGE")")
  JOINED=$(IFS=,; printf '%s' "${DETAILS[*]}")
  BODY=$(printf '{"jobId":%s,"status":%s,"details":{%s}}' "$(json_string "$JOB_ID")" "$(json_string "$STATUS")" "$JOINED")
fi

HEADERS=$(mktemp)
trap 'rm -f -- "$HEADERS"' EXIT
printf 'x-internal-key: %s\nContent-Type: application/json\n' "$MPANEL_INTERNAL_KEY" >"$HEADERS"

# Retried when mPanel could not be reached or failed (5xx, nothing stored); a 4xx answer is final.
printf '%s' "$BODY" | curl --silent --show-error --fail-with-body --max-time 30 \
  --retry 3 --retry-delay 2 --retry-connrefused \
  -H @"$HEADERS" -X POST --data-binary @- -w '\n' -- "$ENDPOINT"
