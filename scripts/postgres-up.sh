#!/usr/bin/env bash
# Makes sure the configured PostgreSQL answers: the server named by PG_ADMIN_URL (else
# DATABASE_HOST/DATABASE_PORT) is used as it is when it answers; a local one that is down is
# started with Debian's pg_ctlcluster where that exists; otherwise it says plainly what to start.
set -euo pipefail
HOST="${DATABASE_HOST:-127.0.0.1}"
PORT="${DATABASE_PORT:-5432}"
TARGET="${PG_ADMIN_URL:-postgres://postgres@$HOST:$PORT/postgres}"
SHOWN="$(sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#' <<<"$TARGET")" # never print a password

answers() {
  if command -v pg_isready >/dev/null; then pg_isready -q -d "$TARGET"; else (exec 3<>"/dev/tcp/$HOST/$PORT") 2>/dev/null; fi
}

if answers; then
  echo "PostgreSQL answers at $SHOWN"
  exit 0
fi
# Debian's clusters: start the one on PORT if it is down (pg_lsclusters: version name port status …).
cluster=""
if [[ "$HOST" =~ ^(127\.0\.0\.1|localhost|::1)$ ]] && command -v pg_lsclusters >/dev/null; then
  cluster="$(pg_lsclusters -h 2>/dev/null | awk -v port="$PORT" '$3 == port && $4 == "down" { print $1 " " $2; exit }')"
fi
if [[ -n "$cluster" ]]; then
  echo "Starting the machine's PostgreSQL cluster $cluster (pg_ctlcluster)"
  # shellcheck disable=SC2086
  pg_ctlcluster --skip-systemctl-redirect $cluster start
  for i in $(seq 1 30); do
    answers && { echo "PostgreSQL answers at $SHOWN"; exit 0; }
    ((i % 5 == 0)) && echo "  waiting for PostgreSQL… $i s"
    sleep 1
  done
fi
cat >&2 <<MSG
PostgreSQL does not answer at $SHOWN.
Start a PostgreSQL 14+ server there (e.g. 'pg_ctl -D <data dir> start', 'systemctl start postgresql',
'brew services start postgresql'), or point DATABASE_HOST/DATABASE_PORT and PG_ADMIN_URL (a superuser
URL, e.g. postgres://postgres:<password>@db.example:5432/postgres) at a server that runs.
MSG
exit 1
