#!/usr/bin/env bash
#
# suspend_client_site.sh — takes a hosting account offline without losing anything: the
# sites-enabled link is pointed at a vhost that answers 503 (kept in
# /etc/nginx/mpanel-suspended/<domain>.conf) and the system user is locked and expired, so no
# login works. Files, database users and the php-fpm pool stay; with no traffic reaching the
# pool (pm = ondemand) it runs no processes. unsuspend_client_site.sh reverses it.
# Running it again converges (`"changed":false`).
#
# Input (stdin):  domain=example.com
#                 user=example_com
# or argv for manual use: suspend_client_site.sh --domain example.com --user example_com
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/suspend_client_site.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"suspend","domain":"example.com","user":"example_com","vhost":…,
#    "state":"suspended","locked":true,"changed":true,"reload":"done","sandboxRoot":null}
# Exit 2: bad input, no such site, or a user/vhost that is not mPanel's; exit 1: anything else.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

mp_read_args "domain user" "$@"
mp_site_args
mp_init_root
mp_require_nginx
mp_lock
mp_prefix_args
mp_check_vhost_owner

if ! mp_site_user; then mp_fail 2 "there is no system user $SITE_USER on this server"; fi
if [[ ! -f $(mp_vhost_path) ]]; then mp_fail 2 "there is no site $SITE_DOMAIN on this server"; fi

mp_write_file "$(mp_suspended_path)" 644 "$(mp_suspended_vhost)"
LINK_CHANGED=$MP_CHANGED
MP_CHANGED=false
mp_link "$MP_SUSPENDED_TARGET_DIR/$SITE_DOMAIN.conf" "$(mp_enabled_path)"
if [[ $MP_CHANGED == true || $LINK_CHANGED == true ]]; then
  MP_CHANGED=true
  mp_need_reload nginx
fi

if ! mp_user_locked; then
  usermod "${MP_PREFIX[@]}" --lock --expiredate 1 "$SITE_USER"
  MP_CHANGED=true
fi

mp_reload

mp_emit "{\"ok\":true,\"action\":\"suspend\",\"domain\":$(mp_q "$SITE_DOMAIN"),\"user\":$(mp_q "$SITE_USER"),\
\"vhost\":$(mp_q "$(mp_enabled_path)"),\"state\":\"$(mp_site_state)\",\"locked\":true,\
\"changed\":$MP_CHANGED,\"reload\":\"$MP_RELOAD_STATE\",\"sandboxRoot\":$(mp_root_json)}"
