#!/usr/bin/env bash
# `make loadtest`: the load and fault run (README, "The load and fault run"). Not part of
# `make test`. It starts a PostgreSQL cluster of its own (as make test's throwaway one,
# scripts/pg.sh), because it stops and starts that server mid-run: never the machine's
# shared one. About two minutes: the cluster, the small synthetic data, then the run.
#
# Environment:
#   LOADTEST_SECONDS   length of the run (default 60)
#   LOADTEST_STOP_AT   when PostgreSQL is stopped (immediate mode: as a crash), in seconds
#                      from the start (default 20)
#   LOADTEST_OUTAGE    how long it stays stopped (default 15)
#   LOADTEST_ANALYSTS  analyst clients (default 4); LOADTEST_EDITORS editors (default 2)
#   LOADTEST_PORT      gunicorn's port on 127.0.0.1 (default 8131)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
source scripts/pg.sh

clean_up_on_exit

ensure_venv requirements.txt

if ! PG_BIN_FOUND=$(find_pg_bin); then
    echo "error: the load and fault run needs PostgreSQL's server binaries (initdb, pg_ctl)" >&2
    echo "       for a cluster of its own: apt-get install postgresql (or brew install postgresql@16)." >&2
    exit 1
fi
start_throwaway_pg "$PG_BIN_FOUND"
echo "Throwaway PostgreSQL on 127.0.0.1:$PG_PORT in $PG_RUN_DIR (removed afterwards)"

# Commits durable to the operating system: the throwaway cluster's synchronous_commit=off
# would let an immediate stop lose commits already acknowledged, which is what the run
# checks never happens (fsync stays off: the machine itself does not crash).
"$PY" - "$PG_PORT" <<'PYEOF'
import sys

import psycopg

server = f"host=127.0.0.1 port={sys.argv[1]} user=postgres dbname=postgres"
with psycopg.connect(server, autocommit=True) as connection:
    connection.execute("ALTER SYSTEM SET synchronous_commit = on")
    connection.execute("SELECT pg_reload_conf()")
    connection.execute("CREATE DATABASE tracker_load")
PYEOF

# As production runs: DEBUG off, static files collected, persistent connections.
export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/tracker_load
export DEBUG=false SECRET_KEY=loadtest-only-not-a-secret ALLOWED_HOSTS=127.0.0.1
export SECURE_COOKIES=false STATIC_ROOT=$TMP_DIR/static
"$PY" manage.py migrate --noinput -v 0
"$PY" manage.py createcachetable
"$PY" manage.py generate_synthetic --scale small
"$PY" manage.py collectstatic --noinput -v 0

PG_USER_ARGS=()
if [[ $(id -u) -eq 0 ]]; then PG_USER_ARGS=(--pg-user "$PG_OS_USER"); fi
"$PY" manage.py loadtest \
    --pg-ctl "$PG_BIN/pg_ctl" --pg-data "$PG_RUN_DIR/data" --pg-log "$PG_RUN_DIR/server.log" \
    "${PG_USER_ARGS[@]}" \
    --port "${LOADTEST_PORT:-8131}" \
    --seconds "${LOADTEST_SECONDS:-60}" \
    --stop-at "${LOADTEST_STOP_AT:-20}" \
    --outage "${LOADTEST_OUTAGE:-15}" \
    --analysts "${LOADTEST_ANALYSTS:-4}" \
    --editors "${LOADTEST_EDITORS:-2}"
