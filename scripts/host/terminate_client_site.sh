#!/usr/bin/env bash
#
# terminate_client_site.sh — removes a hosting account for good: the vhost (active and
# suspended) and its sites-enabled link, the php-fpm pool(s), the system user with its private
# group, and the home directory.
#
# The home directory is archived first to /var/backups/mpanel/<domain>-<user>-<UTC time>.tar.gz
# (root only, mode 0600): a termination by mistake, or a customer who comes back within the
# retention period, can be restored by hand. Nothing prunes these archives; the operator's
# retention policy does (e.g. a daily `find /var/backups/mpanel -mtime +30 -delete`).
#
# Only what mPanel created is removed: a user whose GECOS is not "mpanel site <domain>" or a
# vhost without mPanel's header for this domain and user is refused (exit 2). Running it again,
# or for a site that is already gone, converges (`"changed":false`).
#
# Input (stdin):  domain=example.com
#                 user=example_com
# or argv for manual use: terminate_client_site.sh --domain example.com --user example_com
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/terminate_client_site.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"terminate","domain":"example.com","user":"example_com",
#    "archive":"/var/backups/mpanel/example.com-example_com-20260101T000000Z.tar.gz",
#    "changed":true,"reload":"done","sandboxRoot":null}
# Exit 2: bad input or a user/vhost that is not mPanel's; exit 1: anything else.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

mp_read_args "domain user" "$@"
mp_site_args
mp_init_root
mp_require_nginx
mp_lock
mp_prefix_args
mp_check_vhost_owner

USER_EXISTS=false
if mp_site_user; then USER_EXISTS=true; fi

# Web traffic first, so nothing is served from a half-removed home.
ENABLED=$(mp_enabled_path)
if [[ -L $ENABLED || -e $ENABLED ]]; then
  TARGET=$(readlink "$ENABLED" || true)
  if [[ $TARGET != "$MP_ACTIVE_TARGET_DIR/$SITE_DOMAIN.conf" && $TARGET != "$MP_SUSPENDED_TARGET_DIR/$SITE_DOMAIN.conf" ]]; then
    mp_fail 2 "$ENABLED is not mPanel's link for $SITE_DOMAIN"
  fi
  rm -f -- "$ENABLED"
  MP_CHANGED=true
  mp_need_reload nginx
fi
mp_remove "$(mp_vhost_path)"
mp_remove "$(mp_suspended_path)"
mp_remove_pools_except ''
# The pool's processes run as the user: they must be gone before userdel.
mp_reload

# The home is only ours to remove while the mPanel-marked user it belongs to exists; removing
# it before the user means a run interrupted half-way still finds the user and finishes.
HOME_DIR=$ROOT/home/$SITE_USER
ARCHIVE=
if [[ $USER_EXISTS == true && -d $HOME_DIR && ! -L $HOME_DIR ]]; then
  BACKUPS=$ROOT/var/backups/mpanel
  mkdir -p "$BACKUPS"
  chmod 700 "$BACKUPS"
  ARCHIVE=$BACKUPS/$SITE_DOMAIN-$SITE_USER-$(date -u +%Y%m%dT%H%M%SZ).tar.gz
  (umask 077 && tar -C "$ROOT/home" --numeric-owner -czf "$ARCHIVE" -- "$SITE_USER")
  rm -rf --one-file-system -- "$HOME_DIR"
  MP_CHANGED=true
fi

if [[ $USER_EXISTS == true ]]; then
  GROUP_GID=$PW_GID
  userdel "${MP_PREFIX[@]}" "$SITE_USER"
  # userdel keeps the user's private group when USERGROUPS_ENAB is off.
  if mp_lookup_group "$SITE_USER" && [[ $GR_GID == "$GROUP_GID" ]]; then
    groupdel "${MP_PREFIX[@]}" "$SITE_USER"
  fi
  MP_CHANGED=true
fi

mp_emit "{\"ok\":true,\"action\":\"terminate\",\"domain\":$(mp_q "$SITE_DOMAIN"),\"user\":$(mp_q "$SITE_USER"),\
\"archive\":$(mp_qn "$ARCHIVE"),\"changed\":$MP_CHANGED,\"reload\":\"$MP_RELOAD_STATE\",\
\"sandboxRoot\":$(mp_root_json)}"
