#!/usr/bin/env bash
# Makes sure what `make test` (and, with --bench, `make bench`) needs from the machine is there: PostgreSQL and Redis running on
# 127.0.0.1, Debian's Chromium and a CJK font for the console tests. Installs from Debian's
# packages what is missing, starts what is stopped. Idempotent and quick when all is well.
set -euo pipefail

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PG_PORT=5432
REDIS_PORT=6379

missing=()
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
{ command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .; } || missing+=(fonts-noto-cjk)
# `make bench` also needs wrk, the load generator, and Node for PostGraphile (tools/postgraphile).
if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null || missing+=(wrk)
  command -v node >/dev/null || missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian's packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  version=$(ls /etc/postgresql | sort -n | tail -1)
  echo "starting PostgreSQL $version"
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break; sleep 0.2; done
# A fresh Debian cluster asks for passwords over TCP; the tests connect as postgres without one.
if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -w -Atc 'select 1' >/dev/null 2>&1; then
  hba=$($SUDO -u postgres psql -Atc 'show hba_file' 2>/dev/null || su postgres -c "psql -Atc 'show hba_file'")
  echo "allowing local trust authentication for postgres in $hba"
  $SUDO sed -i '1i host all postgres 127.0.0.1/32 trust\nhost all postgres ::1/128 trust' "$hba"
  $SUDO -u postgres psql -Atc 'select pg_reload_conf()' >/dev/null 2>&1 || su postgres -c "psql -Atc 'select pg_reload_conf()'" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir /tmp --logfile /tmp/linli-redis.log
fi
for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG && break; sleep 0.2; done

pg_isready -q -h 127.0.0.1 -p "$PG_PORT" || { echo "PostgreSQL is not reachable on 127.0.0.1:$PG_PORT" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -q PONG || { echo "Redis is not reachable" >&2; exit 1; }
