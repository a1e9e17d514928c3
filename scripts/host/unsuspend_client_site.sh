#!/usr/bin/env bash
#
# unsuspend_client_site.sh — brings a suspended hosting account back: the sites-enabled link
# points at the site's own vhost again, the 503 vhost is removed, and the system user is
# unlocked with no expiry. Running it again (or on a site that was never suspended) converges.
#
# Input (stdin):  domain=example.com
#                 user=example_com
# or argv for manual use: unsuspend_client_site.sh --domain example.com --user example_com
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/unsuspend_client_site.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"unsuspend","domain":"example.com","user":"example_com","vhost":…,
#    "state":"active","locked":false,"changed":true,"reload":"done","sandboxRoot":null}
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

mp_link "$MP_ACTIVE_TARGET_DIR/$SITE_DOMAIN.conf" "$(mp_enabled_path)"
if [[ $MP_CHANGED == true ]]; then mp_need_reload nginx; fi
mp_remove "$(mp_suspended_path)"

if mp_user_locked; then
  # --unlock only clears a '!' a password hash got from --lock; accounts without a password stay
  # password-less (and say so on stderr), which is what they were before.
  usermod "${MP_PREFIX[@]}" --unlock --expiredate '' "$SITE_USER"
  MP_CHANGED=true
fi

mp_reload

mp_emit "{\"ok\":true,\"action\":\"unsuspend\",\"domain\":$(mp_q "$SITE_DOMAIN"),\"user\":$(mp_q "$SITE_USER"),\
\"vhost\":$(mp_q "$(mp_enabled_path)"),\"state\":\"$(mp_site_state)\",\"locked\":false,\
\"changed\":$MP_CHANGED,\"reload\":\"$MP_RELOAD_STATE\",\"sandboxRoot\":$(mp_root_json)}"
