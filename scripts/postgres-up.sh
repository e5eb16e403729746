#!/usr/bin/env bash
# Makes sure the configured PostgreSQL answers; starts the machine's cluster if it is local and down.
set -euo pipefail
HOST="${DATABASE_HOST:-127.0.0.1}"
PORT="${DATABASE_PORT:-5432}"
if pg_isready -q -h "$HOST" -p "$PORT"; then
  echo "PostgreSQL answers on $HOST:$PORT"
  exit 0
fi
if [[ "$HOST" == 127.0.0.1 || "$HOST" == localhost ]] && command -v pg_ctlcluster >/dev/null; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  echo "Starting the machine's PostgreSQL $version cluster"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
fi
for _ in $(seq 1 30); do
  pg_isready -q -h "$HOST" -p "$PORT" && { echo "PostgreSQL answers on $HOST:$PORT"; exit 0; }
  sleep 1
done
echo "PostgreSQL does not answer on $HOST:$PORT (set DATABASE_HOST/DATABASE_PORT or PG_ADMIN_URL)" >&2
exit 1
