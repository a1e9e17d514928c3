#!/usr/bin/env bash
#
# health_check.sh — what mPanel's reachability probe runs: proves the SSH login, the sudo rule
# and the host kit work, and reports the basics of the server. Changes nothing; takes no input.
#
# Runs as root. mPanel connects as the unprivileged user `mpanel` and runs it through sudo,
# allowed by /etc/sudoers.d/mpanel (see README.md):
#   mpanel ALL=(root) NOPASSWD: /opt/mpanel/host/health_check.sh, ...
#
# Prints one JSON line, e.g.
#   {"ok":true,"action":"health","hostname":"srv1-web","uptimeSeconds":86400,
#    "loadAverage":[0.1,0.2,0.3],"disk":{"path":"/home","totalBytes":…,"usedBytes":…,
#    "availableBytes":…},"nginx":true,"kitVersion":1,"sandboxRoot":null}

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

mp_read_args "" "$@"
mp_init_root

HOST_NAME=$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)
read -r UPTIME _ </proc/uptime
UPTIME=${UPTIME%%.*}
read -r LOAD1 LOAD5 LOAD15 _ </proc/loadavg

DISK_PATH=$ROOT/home
if [[ ! -d $DISK_PATH ]]; then DISK_PATH=${ROOT:-/}; fi
DF_LINE=$(df -P -B1 -- "$DISK_PATH" | tail -n 1)
read -r _ DISK_TOTAL DISK_USED DISK_AVAIL _ <<<"$DF_LINE"
for n in "$UPTIME" "$DISK_TOTAL" "$DISK_USED" "$DISK_AVAIL"; do
  if [[ ! $n =~ ^[0-9]+$ ]]; then mp_fail 1 "could not read uptime or disk usage"; fi
done
for n in "$LOAD1" "$LOAD5" "$LOAD15"; do
  if [[ ! $n =~ ^[0-9]+\.[0-9]+$ ]]; then mp_fail 1 "could not read the load average"; fi
done

NGINX=false
if [[ -d $ROOT/etc/nginx ]]; then NGINX=true; fi

mp_emit "{\"ok\":true,\"action\":\"health\",\"hostname\":$(mp_q "$HOST_NAME"),\"uptimeSeconds\":$UPTIME,\
\"loadAverage\":[$LOAD1,$LOAD5,$LOAD15],\"disk\":{\"path\":$(mp_q "$DISK_PATH"),\"totalBytes\":$DISK_TOTAL,\
\"usedBytes\":$DISK_USED,\"availableBytes\":$DISK_AVAIL},\"nginx\":$NGINX,\"kitVersion\":$MP_KIT_VERSION,\
\"sandboxRoot\":$(mp_root_json)}"
