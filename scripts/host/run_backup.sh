#!/usr/bin/env bash
#
# run_backup.sh — one backup run on this server: archives a hosting account's home directory
# (kind=site) or the server's /etc (kind=system) into /var/backups/mpanel/jobs/<job>/ as a gzip'd
# tar (root only, mode 0600), keeps the newest `keep` archives of that job, and reports the
# archive's size and SHA-256. Copying archives off the server is the operator's storage sync.
#
# Input (stdin, one per line, as mPanel sends it):   job=<backup job id>
#                                                     kind=site | system
#                                                     domain=example.com   (site)
#                                                     user=example_com     (site)
#                                                     keep=7               (optional, 1-365)
# or argv for manual use / cron:
#   run_backup.sh --job <id> --kind site --domain example.com --user example_com [--keep 7]
#   run_backup.sh --job <id> --kind system
#
# A site's user must be mPanel's account for the domain (GECOS "mpanel site <domain>"). Runs of
# the same job wait for each other; other jobs and the other host scripts are not held up.
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/run_backup.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"backup","kind":"site","job":"ck…","domain":"example.com","user":"example_com",
#    "source":"/home/example_com","archive":"/var/backups/mpanel/jobs/ck…/example.com-20260101T030000123Z.tar.gz",
#    "sizeBytes":12345,"sha256":"<64 hex>","durationMs":842,"pruned":0,"sandboxRoot":null}
# Exit 2: bad input, or a site that is not mPanel's or has no home; exit 1: anything else.

# shellcheck source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

mp_read_args "job kind domain user keep" "$@"

JOB=${MP_ARG[job]:-}
KIND=${MP_ARG[kind]:-}
KEEP=${MP_ARG[keep]:-7}
SITE_DOMAIN=
SITE_USER=
if [[ -z $JOB ]]; then mp_fail 2 "job is required"; fi
if [[ ! $JOB =~ ^[A-Za-z0-9_-]{1,64}$ ]]; then mp_fail 2 "job must be 1-64 characters of A-Z, a-z, 0-9, _ or -"; fi
if [[ ! $KEEP =~ ^[0-9]{1,3}$ ]] || ((10#$KEEP < 1 || 10#$KEEP > 365)); then mp_fail 2 "keep must be a number from 1 to 365"; fi
KEEP=$((10#$KEEP))
case $KIND in
  site) mp_site_args ;;
  system)
    if [[ -n ${MP_ARG[domain]:-} || -n ${MP_ARG[user]:-} ]]; then mp_fail 2 "a system backup takes no domain or user"; fi
    ;;
  '') mp_fail 2 "kind is required" ;;
  *) mp_fail 2 "kind must be site or system" ;;
esac
mp_init_root

STARTED=$(date +%s%N)

if [[ $KIND == site ]]; then
  if ! mp_site_user; then mp_fail 2 "system user $SITE_USER does not exist on this server"; fi
  SOURCE_PARENT=$ROOT/home
  SOURCE_NAME=$SITE_USER
  LABEL=$SITE_DOMAIN
else
  SOURCE_PARENT=${ROOT:-/}
  SOURCE_NAME=etc
  LABEL=system
fi
SOURCE=${SOURCE_PARENT%/}/$SOURCE_NAME
if [[ -L $SOURCE || ! -d $SOURCE ]]; then mp_fail 2 "$SOURCE is not a directory"; fi

# One run of a job at a time: a second one would prune what the first is writing next to.
mkdir -p "$ROOT/run/lock"
exec 9>>"$ROOT/run/lock/mpanel-backup-$JOB.lock"
if ! flock -w 60 9; then mp_fail 1 "another run of backup job $JOB held its lock for 60s"; fi

BACKUPS=$ROOT/var/backups/mpanel
DEST=$BACKUPS/jobs/$JOB
mkdir -p "$DEST"
chmod 700 "$BACKUPS" "$BACKUPS/jobs" "$DEST"

# Millisecond stamps of fixed width: names sort in the order the runs happened.
stamp() { date -u +%Y%m%dT%H%M%S%3NZ; }
ARCHIVE=$DEST/$LABEL-$(stamp).tar.gz
while [[ -e $ARCHIVE ]]; do
  sleep 0.01
  ARCHIVE=$DEST/$LABEL-$(stamp).tar.gz
done

# Written under a temporary name and renamed when whole, so a listed archive is never half a file.
MP_TMP=$(mktemp "$DEST/.partial.XXXXXX")
chmod 600 "$MP_TMP"
TAR_RC=0
tar -C "$SOURCE_PARENT" --numeric-owner --one-file-system -czf "$MP_TMP" -- "$SOURCE_NAME" || TAR_RC=$?
# GNU tar exits 1 when a file changed while it was read: the archive is whole, as any backup of a live site.
if ((TAR_RC > 1)); then mp_fail 1 "tar of $SOURCE failed with exit $TAR_RC"; fi
mv -fT -- "$MP_TMP" "$ARCHIVE"
MP_TMP=

SIZE=$(stat -c %s -- "$ARCHIVE")
SHA=$(sha256sum -- "$ARCHIVE")
SHA=${SHA%% *}
if [[ ! $SIZE =~ ^[0-9]+$ || ! $SHA =~ ^[0-9a-f]{64}$ ]]; then mp_fail 1 "could not measure $ARCHIVE"; fi

PRUNED=0
ARCHIVES=("$DEST/$LABEL"-*.tar.gz)
if ((${#ARCHIVES[@]} > KEEP)); then
  for OLD in "${ARCHIVES[@]:0:${#ARCHIVES[@]}-KEEP}"; do
    rm -f -- "$OLD"
    PRUNED=$((PRUNED + 1))
  done
fi

DURATION_MS=$((($(date +%s%N) - STARTED) / 1000000))

mp_emit "{\"ok\":true,\"action\":\"backup\",\"kind\":\"$KIND\",\"job\":$(mp_q "$JOB"),\"domain\":$(mp_qn "$SITE_DOMAIN"),\
\"user\":$(mp_qn "$SITE_USER"),\"source\":$(mp_q "$SOURCE"),\"archive\":$(mp_q "$ARCHIVE"),\"sizeBytes\":$SIZE,\
\"sha256\":\"$SHA\",\"durationMs\":$DURATION_MS,\"pruned\":$PRUNED,\"sandboxRoot\":$(mp_root_json)}"
