# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables set here are read by the scripts that source it
#
# Shared by mPanel's host scripts (sourced, never run). Installed root-owned next to them
# (/opt/mpanel/host/lib.sh): the scripts run as root through sudo, so whoever can write this
# file can run anything as root.
#
# Contract every script keeps:
#   - arguments arrive as `key=value` lines on stdin (how mPanel sends them over SSH) or as
#     `--key value` pairs in argv (manual use); both are checked with strict patterns and never
#     evaluated;
#   - exactly one JSON line on stdout; everything else a tool prints goes to stderr;
#   - exit 0 on success, 2 when the request can never succeed as given (bad argument, a name
#     that belongs to someone else), 1 for anything else (worth retrying);
#   - MPANEL_HOST_ROOT (default empty = the real root) prefixes every path touched, so the
#     scripts can run against a sandbox directory; services are not reloaded then.

set -Eeuo pipefail
shopt -s nullglob

# fd 3 is the real stdout and carries only the result line.
exec 3>&1 1>&2

export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
umask 022

MP_KIT_VERSION=1
MP_SCRIPT=${0##*/}
MP_EMITTED=
MP_TMP=
MP_CHANGED=false
MP_RELOAD=()
MP_RELOAD_STATE=none
ROOT=
declare -A MP_ARG=()

# --- output ---------------------------------------------------------------------------------

# Prints $1 as a JSON string literal.
mp_q() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=${s//[[:cntrl:]]/}
  printf '"%s"' "$s"
}

# Like mp_q, but an empty value is null.
mp_qn() {
  if [[ -z $1 ]]; then printf 'null'; else mp_q "$1"; fi
}

mp_emit() {
  printf '%s\n' "$1" >&3
  MP_EMITTED=1
}

# mp_fail <exit code> <message>: the one error line, then exit.
mp_fail() {
  local code=$1
  shift
  # In a subshell the parent reports the failure; printing here would make two lines.
  if [[ $BASHPID != "$$" ]]; then
    printf '%s: %s\n' "$MP_SCRIPT" "$*" >&2
    exit "$code"
  fi
  if [[ -z $MP_EMITTED ]]; then
    mp_emit "{\"ok\":false,\"error\":$(mp_q "$*")}"
  fi
  exit "$code"
}

mp_on_err() {
  mp_fail 1 "$3 failed with exit $1 (line $2)"
}

mp_on_exit() {
  local rc=$?
  if [[ -n $MP_TMP && -e $MP_TMP ]]; then rm -f -- "$MP_TMP"; fi
  if [[ $BASHPID == "$$" && -z $MP_EMITTED ]]; then
    mp_emit "{\"ok\":false,\"error\":$(mp_q "$MP_SCRIPT stopped unexpectedly (exit $rc)")}"
    if ((rc == 0)); then exit 1; fi
  fi
}

trap 'mp_on_err "$?" "$LINENO" "$BASH_COMMAND"' ERR
trap mp_on_exit EXIT

# --- arguments ------------------------------------------------------------------------------

# mp_set_arg <allowed keys, space separated> <key> <value>
mp_set_arg() {
  local allowed=" $1 " key=$2 value=$3
  if [[ -z ${1// /} ]]; then mp_fail 2 "$MP_SCRIPT takes no arguments"; fi
  if [[ ! $key =~ ^[a-z][a-z_]{0,31}$ || $allowed != *" $key "* ]]; then
    mp_fail 2 "unknown argument; accepted:${allowed% }"
  fi
  if [[ -n ${MP_ARG[$key]+set} ]]; then mp_fail 2 "argument $key given twice"; fi
  MP_ARG[$key]=$value
}

# mp_read_args <allowed keys> "$@": argv pairs when given, else key=value lines on stdin.
mp_read_args() {
  local allowed=$1 key value lines=0
  shift
  if (($#)); then
    while (($#)); do
      if [[ $1 != --?* ]]; then mp_fail 2 "unexpected argument; use --key value"; fi
      key=${1#--}
      key=${key//-/_}
      if (($# < 2)); then mp_fail 2 "missing value for --$key"; fi
      mp_set_arg "$allowed" "$key" "$2"
      shift 2
    done
  elif [[ -n $allowed && ! -t 0 ]]; then
    while IFS='=' read -r key value || [[ -n $key ]]; do
      lines=$((lines + 1))
      if ((lines > 32)); then mp_fail 2 "too many input lines"; fi
      if [[ -z $key && -z $value ]]; then continue; fi
      mp_set_arg "$allowed" "$key" "$value"
    done
  fi
}

MP_DOMAIN_RE='^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,63}|xn--[a-z0-9-]{0,58}[a-z0-9])$'
MP_USER_RE='^[a-z][a-z0-9_-]{2,31}$'
MP_PHP_RE='^[5-9]\.[0-9]{1,2}$'

# Sets SITE_DOMAIN, SITE_USER and (when allowed) SITE_PHP from the parsed arguments.
mp_site_args() {
  SITE_DOMAIN=${MP_ARG[domain]:-}
  SITE_USER=${MP_ARG[user]:-}
  SITE_PHP=${MP_ARG[php]:-}
  if [[ -z $SITE_DOMAIN ]]; then mp_fail 2 "domain is required"; fi
  if ((${#SITE_DOMAIN} > 253)) || [[ ! $SITE_DOMAIN =~ $MP_DOMAIN_RE ]]; then
    mp_fail 2 "domain must be a lowercase hostname such as example.com"
  fi
  if [[ -z $SITE_USER ]]; then mp_fail 2 "user is required"; fi
  if [[ ! $SITE_USER =~ $MP_USER_RE ]]; then
    mp_fail 2 "user must be 3-32 characters of a-z, 0-9, _ or -, starting with a letter"
  fi
  if [[ -n $SITE_PHP && ! $SITE_PHP =~ $MP_PHP_RE ]]; then
    mp_fail 2 "php must look like 8.2"
  fi
}

# --- where we work --------------------------------------------------------------------------

# Sets ROOT from MPANEL_HOST_ROOT: empty for the real system, else an existing directory.
mp_init_root() {
  local r=${MPANEL_HOST_ROOT:-}
  while [[ $r == */ ]]; do r=${r%/}; done
  if [[ -n $r ]]; then
    if [[ ! $r =~ ^/[A-Za-z0-9._/-]+$ || "$r/" == *'/../'* || "$r/" == *'/./'* ]]; then
      mp_fail 2 "MPANEL_HOST_ROOT must be an absolute path of plain characters"
    fi
    if [[ ! -d $r ]]; then mp_fail 1 "MPANEL_HOST_ROOT $r is not a directory"; fi
  elif ((EUID != 0)); then
    mp_fail 1 "must run as root (through sudo -n)"
  fi
  ROOT=$r
  NGINX_DIR=$ROOT/etc/nginx
  VHOST_AVAILABLE=$NGINX_DIR/sites-available
  VHOST_ENABLED=$NGINX_DIR/sites-enabled
  VHOST_SUSPENDED=$NGINX_DIR/mpanel-suspended
}

# Serialises the host scripts on this server: useradd, vhost swaps and reloads must not interleave.
mp_lock() {
  mkdir -p "$ROOT/run/lock"
  exec 9>>"$ROOT/run/lock/mpanel-host.lock"
  if ! flock -w 60 9; then mp_fail 1 "another mPanel host script held the lock for 60s"; fi
}

mp_require_nginx() {
  if [[ ! -d $NGINX_DIR ]]; then mp_fail 1 "nginx is not installed here ($NGINX_DIR is missing)"; fi
  mkdir -p "$VHOST_AVAILABLE" "$VHOST_ENABLED" "$VHOST_SUSPENDED" "$ROOT/var/log/nginx"
}

# Extra arguments for shadow-utils so they edit $ROOT/etc/{passwd,group,shadow,gshadow}.
mp_prefix_args() {
  MP_PREFIX=()
  if [[ -n $ROOT ]]; then MP_PREFIX=(--prefix "$ROOT"); fi
}

# --- accounts -------------------------------------------------------------------------------

# mPanel marks the accounts it creates in the GECOS field; nothing else is ever changed or removed.
mp_marker() {
  printf 'mpanel site %s' "$SITE_DOMAIN"
}

# mp_lookup_user <name>: sets PW_UID, PW_GID, PW_GECOS; returns 1 when there is no such user.
mp_lookup_user() {
  local name uid gid gecos
  while IFS=: read -r name _ uid gid gecos _; do
    if [[ $name == "$1" ]]; then
      PW_UID=$uid PW_GID=$gid PW_GECOS=$gecos
      return 0
    fi
  done <"$ROOT/etc/passwd"
  return 1
}

# mp_lookup_group <name>: sets GR_GID; returns 1 when there is no such group.
mp_lookup_group() {
  local name gid
  while IFS=: read -r name _ gid _; do
    if [[ $name == "$1" ]]; then
      GR_GID=$gid
      return 0
    fi
  done <"$ROOT/etc/group"
  return 1
}

# Returns 0 when SITE_USER exists and belongs to SITE_DOMAIN, 1 when it does not exist, and
# refuses (exit 2) a user that exists for anything else.
mp_site_user() {
  if ! mp_lookup_user "$SITE_USER"; then return 1; fi
  if [[ $PW_GECOS != "$(mp_marker)" ]]; then
    mp_fail 2 "system user $SITE_USER exists and is not mPanel's account for $SITE_DOMAIN"
  fi
  return 0
}

# True when the account's expiry is set to day 1, which is how suspend locks it out.
mp_user_locked() {
  local name expire
  while IFS=: read -r name _ _ _ _ _ _ expire _; do
    if [[ $name == "$SITE_USER" ]]; then
      if [[ $expire == 1 ]]; then return 0; fi
      return 1
    fi
  done <"$ROOT/etc/shadow"
  return 1
}

# --- files ----------------------------------------------------------------------------------

# mp_write_file <path> <mode> <content>: replaces the file atomically when content or mode differ.
mp_write_file() {
  local path=$1 mode=$2 content=$3
  MP_TMP=$(mktemp "${path%/*}/.mpanel.XXXXXX")
  printf '%s\n' "$content" >"$MP_TMP"
  chmod "$mode" "$MP_TMP"
  if [[ -f $path && ! -L $path ]] && cmp -s "$MP_TMP" "$path" && [[ $(stat -c %a "$path") == "$mode" ]]; then
    rm -f -- "$MP_TMP"
  else
    mv -fT -- "$MP_TMP" "$path"
    MP_CHANGED=true
  fi
  MP_TMP=
}

# mp_ensure_dir <path> <uid> <gid> <mode>
mp_ensure_dir() {
  local path=$1 uid=$2 gid=$3 mode=$4
  if [[ -L $path ]]; then mp_fail 1 "$path is a symlink; refusing to use it"; fi
  if [[ ! -d $path ]]; then
    mkdir -- "$path"
    MP_CHANGED=true
  fi
  if [[ $(stat -c '%u:%g %a' "$path") != "$uid:$gid $mode" ]]; then
    chown "$uid:$gid" "$path"
    chmod "$mode" "$path"
    MP_CHANGED=true
  fi
}

# mp_link <target> <link>: points the symlink at target.
mp_link() {
  if [[ -L $2 && $(readlink "$2") == "$1" ]]; then return 0; fi
  ln -sfnT -- "$1" "$2"
  MP_CHANGED=true
}

# mp_remove <file>: removes a file or symlink when it is there.
mp_remove() {
  if [[ -e $1 || -L $1 ]]; then
    rm -f -- "$1"
    MP_CHANGED=true
  fi
}

# --- php-fpm --------------------------------------------------------------------------------

mp_pool_path() { printf '%s/etc/php/%s/fpm/pool.d/%s.conf' "$ROOT" "$1" "$SITE_USER"; }

# Removes SITE_USER's pools for every PHP version except $1 (none when $1 is empty).
mp_remove_pools_except() {
  local pool version
  for pool in "$ROOT"/etc/php/*/fpm/pool.d/"$SITE_USER".conf; do
    version=${pool#"$ROOT"/etc/php/}
    version=${version%%/*}
    if [[ $version != "$1" ]]; then
      rm -f -- "$pool"
      MP_CHANGED=true
      mp_need_reload "php$version-fpm"
    fi
  done
}

# --- nginx ----------------------------------------------------------------------------------

mp_vhost_path() { printf '%s/%s.conf' "$VHOST_AVAILABLE" "$SITE_DOMAIN"; }
mp_suspended_path() { printf '%s/%s.conf' "$VHOST_SUSPENDED" "$SITE_DOMAIN"; }
mp_enabled_path() { printf '%s/%s.conf' "$VHOST_ENABLED" "$SITE_DOMAIN"; }
# Relative targets, so the links read the same in a sandbox and on the server.
MP_ACTIVE_TARGET_DIR=../sites-available
MP_SUSPENDED_TARGET_DIR=../mpanel-suspended

mp_vhost_header() {
  printf '# mPanel site domain=%s user=%s state=%s\n' "$SITE_DOMAIN" "$SITE_USER" "$1"
  printf '# Written by mPanel; edits are overwritten the next time the site is provisioned.\n'
}

# Refuses (exit 2) when a vhost file for the domain exists and is not mPanel's for SITE_USER.
mp_check_vhost_owner() {
  local file first
  for file in "$(mp_vhost_path)" "$(mp_suspended_path)"; do
    if [[ -e $file ]]; then
      first=
      IFS= read -r first <"$file" || true
      if [[ $first != "# mPanel site domain=$SITE_DOMAIN user=$SITE_USER "* ]]; then
        mp_fail 2 "$file exists and is not mPanel's vhost for $SITE_DOMAIN and $SITE_USER"
      fi
    fi
  done
}

# active | suspended | disabled, from where the sites-enabled link points.
mp_site_state() {
  local link target
  link=$(mp_enabled_path)
  if [[ ! -L $link ]]; then
    printf 'disabled'
    return
  fi
  target=$(readlink "$link")
  case $target in
    "$MP_SUSPENDED_TARGET_DIR/$SITE_DOMAIN.conf") printf 'suspended' ;;
    "$MP_ACTIVE_TARGET_DIR/$SITE_DOMAIN.conf") printf 'active' ;;
    *) printf 'disabled' ;;
  esac
}

mp_log_paths() {
  LOG_ACCESS=$ROOT/var/log/nginx/$SITE_DOMAIN.access.log
  LOG_ERROR=$ROOT/var/log/nginx/$SITE_DOMAIN.error.log
}

mp_suspended_vhost() {
  mp_log_paths
  mp_vhost_header suspended
  cat <<EOF
server {
    listen 80;
    listen [::]:80;
    server_name $SITE_DOMAIN www.$SITE_DOMAIN;

    access_log $LOG_ACCESS;
    error_log $LOG_ERROR;

    default_type text/plain;
    location / {
        return 503 "This site is suspended.\n";
    }
}
EOF
}

# --- services -------------------------------------------------------------------------------

mp_need_reload() {
  local s
  for s in "${MP_RELOAD[@]}"; do [[ $s == "$1" ]] && return 0; done
  MP_RELOAD+=("$1")
}

# Reloads what changed. Skipped in a sandbox: the services there are not ours to signal.
mp_reload() {
  local svc
  if ((${#MP_RELOAD[@]} == 0)); then
    MP_RELOAD_STATE=none
    return 0
  fi
  if [[ -n $ROOT ]]; then
    MP_RELOAD_STATE=skipped
    return 0
  fi
  for svc in "${MP_RELOAD[@]}"; do
    if [[ $svc == nginx ]] && ! nginx -t -q; then
      mp_nginx_rejected
    fi
    if [[ -d /run/systemd/system ]]; then
      systemctl reload-or-restart "$svc"
    else
      service "$svc" reload
    fi
  done
  MP_RELOAD_STATE='done'
}

# nginx refused the configuration: take this site out so the next reload of anything still works.
mp_nginx_rejected() {
  rm -f -- "$(mp_enabled_path)"
  mp_fail 1 "nginx -t rejected the configuration; $SITE_DOMAIN was disabled and nothing was reloaded"
}

mp_root_json() {
  mp_qn "$ROOT"
}
