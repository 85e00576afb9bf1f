#!/usr/bin/env bash
# `make bench`: synthetic data at two scales (generate_synthetic), then every page type,
# every export beside COPY, the positions import (10,000 rows at the small scale, a
# million at the large), issue 11's hostile files and gunicorn under load, measured, and
# one table of the figures against the targets (README, "Benchmark"). Not part of
# `make test`. A few minutes; the first run also spends about a minute generating a
# million positions, which later runs reuse.
#
# Environment:
#   BENCH_DATABASE_URL  where the data goes: the two scales are the databases <name>_small
#                       and <name>_large on that server, created when missing (default
#                       postgresql://postgres@127.0.0.1:5432/tracker_bench; without a
#                       server there, a throwaway cluster, as make test starts, and the
#                       data is generated again each run)
#   BENCH_SEED          the synthetic data's seed (default 1)
#   BENCH_SKIP_LOAD=1   leave out gunicorn and wrk (wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
source scripts/pg.sh

SEED=${BENCH_SEED:-1}
if [[ ! $SEED =~ ^[0-9]+$ ]]; then
    echo "error: BENCH_SEED must be a whole number, got '$SEED'." >&2
    exit 1
fi

clean_up_on_exit

ensure_venv requirements.txt

local_pg_ok() {
    "$PY" - >/dev/null 2>&1 <<'EOF'
import psycopg
psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3").close()
EOF
}

if [[ -n ${BENCH_DATABASE_URL:-} ]]; then
    BASE_URL=$BENCH_DATABASE_URL
elif local_pg_ok; then
    BASE_URL=postgresql://postgres@127.0.0.1:5432/tracker_bench
elif PG_BIN_FOUND=$(find_pg_bin); then
    start_throwaway_pg "$PG_BIN_FOUND"
    BASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/tracker_bench
else
    echo "error: the benchmark needs PostgreSQL (it measures COPY): set BENCH_DATABASE_URL," >&2
    echo "       or install the server (apt-get install postgresql) for a throwaway cluster." >&2
    exit 1
fi

# The URL of scale $1: the base URL with its database name suffixed, created if missing.
scale_url() {
    "$PY" - "$BASE_URL" "$1" <<'EOF'
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

base, scale = urlsplit(sys.argv[1]), sys.argv[2]
name = f"{base.path.lstrip('/') or 'tracker_bench'}_{scale}"
server = urlunsplit(base._replace(path="/postgres"))
with psycopg.connect(server, autocommit=True) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
print(urlunsplit(base._replace(path=f"/{name}")))
EOF
}

SMALL_URL=$(scale_url small)
LARGE_URL=$(scale_url large)
for pair in "small $SMALL_URL" "large $LARGE_URL"; do
    read -r scale url <<<"$pair"
    DATABASE_URL=$url "$PY" manage.py migrate --noinput -v 0
    DATABASE_URL=$url "$PY" manage.py createcachetable
    DATABASE_URL=$url "$PY" manage.py generate_synthetic --scale "$scale" --seed "$SEED"
done

# As production runs: DEBUG off, static files collected (the manifest), persistent
# connections; bench.settings adds the bare view the figures are compared with.
export DEBUG=false SECRET_KEY=bench-only-not-a-secret ALLOWED_HOSTS=testserver,127.0.0.1
export STATIC_ROOT=$TMP_DIR/static DJANGO_SETTINGS_MODULE=bench.settings
"$PY" manage.py collectstatic --noinput -v 0

OUT=.bench
mkdir -p "$OUT"
DATABASE_URL=$SMALL_URL "$PY" manage.py benchmark run --output "$OUT/small.json" --import-rows 10000
DATABASE_URL=$LARGE_URL "$PY" manage.py benchmark run --output "$OUT/large.json" --import-rows 1000000
LOAD=()
if [[ -z ${BENCH_SKIP_LOAD:-} ]]; then
    DATABASE_URL=$LARGE_URL "$PY" manage.py benchmark load --output "$OUT/load.json"
    LOAD=("$OUT/load.json")
fi
echo
DATABASE_URL=$LARGE_URL "$PY" manage.py benchmark report "$OUT/small.json" "$OUT/large.json" "${LOAD[@]}" |
    tee "$OUT/table.md"
echo
# Issue 11's hostile files, previewed as the admin previews an upload.
DATABASE_URL=$LARGE_URL "$PY" manage.py benchmark hostile --output "$OUT/hostile.json" |
    tee -a "$OUT/table.md"
echo
echo "The table is also in $OUT/table.md; the figures in $OUT/*.json."
