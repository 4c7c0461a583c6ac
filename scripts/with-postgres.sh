#!/usr/bin/env bash
# Run a command against a throw-away PostgreSQL server on loopback, then stop the server.
# Installs Debian's postgresql when it is missing. The server runs as the `postgres` user (it refuses root).
set -euo pipefail

# A free port unless PG_PORT says otherwise, so two runs on one machine do not collide.
PORT="${PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
# Tests trade durability for speed; benchmarks (PG_DURABLE=1) measure a server configured as in production.
FAST="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
[ "${PG_DURABLE:-0}" = 1 ] && FAST=""
bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(bin_dir)" ]; then
  echo "Installing PostgreSQL from Debian's packages…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PGBIN="$(bin_dir)"
DATA="$(mktemp -d /tmp/ouvidoria-pg.XXXXXX)"
chown postgres:postgres "$DATA" 2>/dev/null || true
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

as_pg "$PGBIN/initdb" -D "$DATA/db" -U app --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$DATA/db" -l "$DATA/db/server.log" \
  -o "-c listen_addresses=127.0.0.1 -p $PORT -k $DATA $FAST -c max_connections=200" \
  -w start >/dev/null
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$DATA/db" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$DATA"; }
trap cleanup EXIT

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U app ouvidoria
export DATABASE_URL="postgres://app@127.0.0.1:$PORT/ouvidoria"
"$@"
