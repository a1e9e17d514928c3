#!/usr/bin/env bash
#
# create_client_site.sh — makes sure a hosting account exists on this web server:
# a system user marked as mPanel's, /home/<user>/{public_html,tmp}, an nginx vhost in
# sites-available + its sites-enabled link, and a php-fpm pool when a PHP version is given.
# Running it again converges (`"changed":false`); a suspended site stays suspended.
#
# Input (stdin, one per line, as mPanel sends it):   domain=example.com
#                                                     user=example_com
#                                                     php=8.2          (optional)
# or argv for manual use: create_client_site.sh --domain example.com --user example_com [--php 8.2]
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/create_client_site.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"create","domain":"example.com","user":"example_com","homeDir":…,
#    "webRoot":…,"vhost":…,"phpVersion":"8.2","phpPool":…,"state":"active","changed":true,
#    "reload":"done","sandboxRoot":null}
# Exit 2: bad input or a user/vhost that is not mPanel's for this domain; exit 1: anything else.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

mp_read_args "domain user php" "$@"
mp_site_args
mp_init_root
mp_require_nginx
mp_lock
mp_prefix_args
mp_check_vhost_owner

if [[ -n $SITE_PHP && ! -d $ROOT/etc/php/$SITE_PHP/fpm ]]; then
  mp_fail 2 "PHP $SITE_PHP (php$SITE_PHP-fpm) is not installed on this server"
fi

# --- the account ---
if ! mp_site_user; then
  if mp_lookup_group "$SITE_USER"; then
    mp_fail 2 "a group named $SITE_USER already exists on this server"
  fi
  useradd "${MP_PREFIX[@]}" --comment "$(mp_marker)" --home-dir "/home/$SITE_USER" \
    --no-create-home --user-group --shell /usr/sbin/nologin "$SITE_USER"
  MP_CHANGED=true
  mp_lookup_user "$SITE_USER"
fi

# nginx (www-data) reaches the web root through the home's group; other users cannot.
WEB_GID=$PW_GID
if mp_lookup_group www-data; then WEB_GID=$GR_GID; fi

HOME_DIR=$ROOT/home/$SITE_USER
WEB_ROOT=$HOME_DIR/public_html
TMP_DIR=$HOME_DIR/tmp
mkdir -p "$ROOT/home"
mp_ensure_dir "$HOME_DIR" "$PW_UID" "$WEB_GID" 750
NEW_WEB_ROOT=false
if [[ ! -d $WEB_ROOT ]]; then NEW_WEB_ROOT=true; fi
mp_ensure_dir "$WEB_ROOT" "$PW_UID" "$PW_GID" 755
mp_ensure_dir "$TMP_DIR" "$PW_UID" "$PW_GID" 700
if [[ $NEW_WEB_ROOT == true ]]; then
  # A first page so the domain answers; never written over the customer's files.
  printf '<!doctype html>\n<meta charset="utf-8">\n<title>%s</title>\n<p>%s is hosted here.</p>\n' \
    "$SITE_DOMAIN" "$SITE_DOMAIN" >"$WEB_ROOT/index.html"
  chown "$PW_UID:$PW_GID" "$WEB_ROOT/index.html"
fi

# --- php-fpm pool ---
POOL=
SOCKET=
if [[ -n $SITE_PHP ]]; then
  POOL=$(mp_pool_path "$SITE_PHP")
  SOCKET=$ROOT/run/php/php$SITE_PHP-fpm-$SITE_USER.sock
  mkdir -p "${POOL%/*}"
  BEFORE=$MP_CHANGED
  MP_CHANGED=false
  mp_write_file "$POOL" 644 "$(cat <<EOF
; Written by mPanel for $SITE_DOMAIN; edits are overwritten the next time the site is provisioned.
[$SITE_USER]
user = $SITE_USER
group = $SITE_USER
listen = $SOCKET
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = ondemand
pm.max_children = 5
pm.process_idle_timeout = 10s
pm.max_requests = 500
chdir = /
php_admin_value[open_basedir] = $HOME_DIR/
php_admin_value[upload_tmp_dir] = $TMP_DIR
php_admin_value[sys_temp_dir] = $TMP_DIR
php_admin_value[session.save_path] = $TMP_DIR
EOF
)"
  if [[ $MP_CHANGED == true ]]; then mp_need_reload "php$SITE_PHP-fpm"; fi
  if [[ $BEFORE == true ]]; then MP_CHANGED=true; fi
fi
mp_remove_pools_except "$SITE_PHP"

# --- nginx vhost ---
mp_log_paths
VHOST=$(mp_vhost_path)
if [[ -n $SITE_PHP ]]; then
  INDEX='index.php index.html index.htm'
  # shellcheck disable=SC2016 # $args is nginx's, not ours
  FALLBACK='/index.php?$args'
  PHP_BLOCK=$'\n    location ~ \\.php$ {\n        include snippets/fastcgi-php.conf;\n        fastcgi_pass unix:'"$SOCKET"$';\n    }\n'
else
  INDEX='index.html index.htm'
  FALLBACK='=404'
  PHP_BLOCK=
fi
BEFORE=$MP_CHANGED
MP_CHANGED=false
mp_write_file "$VHOST" 644 "$(mp_vhost_header active; cat <<EOF
server {
    listen 80;
    listen [::]:80;
    server_name $SITE_DOMAIN www.$SITE_DOMAIN;

    root $WEB_ROOT;
    index $INDEX;

    access_log $LOG_ACCESS;
    error_log $LOG_ERROR;

    location / {
        try_files \$uri \$uri/ $FALLBACK;
    }
$PHP_BLOCK
    location ~ /\.(?!well-known/) {
        deny all;
    }
}
EOF
)"
STATE=$(mp_site_state)
if [[ $STATE == disabled ]]; then
  mp_link "$MP_ACTIVE_TARGET_DIR/$SITE_DOMAIN.conf" "$(mp_enabled_path)"
  STATE=active
fi
if [[ $MP_CHANGED == true && $STATE == active ]]; then mp_need_reload nginx; fi
if [[ $BEFORE == true ]]; then MP_CHANGED=true; fi

mp_reload

mp_emit "{\"ok\":true,\"action\":\"create\",\"domain\":$(mp_q "$SITE_DOMAIN"),\"user\":$(mp_q "$SITE_USER"),\
\"uid\":$PW_UID,\"homeDir\":$(mp_q "$HOME_DIR"),\"webRoot\":$(mp_q "$WEB_ROOT"),\"vhost\":$(mp_q "$VHOST"),\
\"phpVersion\":$(mp_qn "$SITE_PHP"),\"phpPool\":$(mp_qn "$POOL"),\"state\":\"$STATE\",\
\"changed\":$MP_CHANGED,\"reload\":\"$MP_RELOAD_STATE\",\"sandboxRoot\":$(mp_root_json)}"
