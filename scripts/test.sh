#!/usr/bin/env bash
# `make test`: lint, migration check and the pytest suite, on PostgreSQL whenever one can be
# found or started. Extra arguments go to pytest: make test ARGS="-k foo -x".
#
# Environment:
#   DATABASE_URL                  use this database (pytest-django creates test_<name> on it)
#   CI=true                       missing PostgreSQL or Chromium is a failure, not a fallback
#   FAST=1                        leave out the tests marked slow (-m "not slow"): a quick
#                                 local loop; CI and a plain `make test` run them all
#   CHROMIUM_PATH                 browser for the browser tests (default /usr/bin/chromium)
#   TRACKER_FORCE_THROWAWAY_PG=1  ignore DATABASE_URL and the server on 127.0.0.1:5432 and
#                                 start a throwaway cluster (to test that path)
#   TRACKER_PRETEND_NO_PG=1       behave as if no PostgreSQL were found (to test that path)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
source scripts/pg.sh

is_true() {
    case ${1:-} in
    '' | 0 | false | False | FALSE | no) return 1 ;;
    *) return 0 ;;
    esac
}

is_ci() {
    is_true "${CI:-}"
}

# Shown instead of the URL, so that a password in DATABASE_URL never reaches a log.
redact() {
    sed -E 's#^([a-z0-9+]+://[^:/@]*):[^@]*@#\1:***@#' <<<"$1"
}

# Is there a PostgreSQL on 127.0.0.1:5432 that lets `postgres` in without a password?
local_pg_ok() {
    "$PY" - >/dev/null 2>&1 <<'EOF'
import psycopg
psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3").close()
EOF
}

SQLITE_FALLBACK=''
TMP_DIR=''
# shellcheck disable=SC2317  # only reached through the EXIT trap
cleanup() {
    local rc=$?
    stop_throwaway_pg
    if [[ -n $TMP_DIR ]]; then rm -rf "$TMP_DIR"; fi
    if [[ -n $SQLITE_FALLBACK ]]; then
        echo
        echo "WARNING: the tests ran on SQLite only; PostgreSQL was NOT tested."
    fi
    exit "$rc"
}
trap cleanup EXIT
# Turn signals into a normal exit so that the EXIT trap stops the throwaway cluster.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

ensure_venv requirements-dev.txt

"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/lint-imports"

# Markers of the tests to leave out, joined into one -m expression below.
LEAVE_OUT=()

# Browser tests: decided before the database so that CI fails before starting anything.
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [[ ! -x $CHROMIUM_PATH ]]; then
    if is_ci; then
        echo "error: no Chromium at $CHROMIUM_PATH; the browser tests need it." >&2
        echo "       Debian/Ubuntu: apt-get update && apt-get install -y chromium" >&2
        echo "       (or set CHROMIUM_PATH to a Chromium/Chrome binary)" >&2
        exit 1
    fi
    echo "WARNING: no Chromium at $CHROMIUM_PATH: skipping the browser tests (-m 'not browser')."
    echo "         Install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH."
    LEAVE_OUT+=(browser)
else
    echo "Browser tests use: $CHROMIUM_PATH"
fi
if is_true "${FAST:-}"; then
    echo "FAST=1: skipping the slow tests (-m 'not slow'); make test without it runs them, as CI does."
    LEAVE_OUT+=(slow)
fi
if ((${#LEAVE_OUT[@]})); then
    expression="not ${LEAVE_OUT[0]}"
    for marker in "${LEAVE_OUT[@]:1}"; do expression+=" and not $marker"; done
    # First, so that a -m given in ARGS still wins.
    set -- -m "$expression" "$@"
fi
# Playwright's sync API runs an event loop in the test thread, which Django's ORM then
# mistakes for async code; live_server + Playwright needs this.
export DJANGO_ALLOW_ASYNC_UNSAFE=true

# Database, first match wins. MIGRATIONS_CHECK_URL is the same server's always-present
# `postgres` database: the `tracker` database need not exist (pytest-django creates
# test_tracker through `postgres` itself), and makemigrations only reads migration history.
if [[ -z ${TRACKER_FORCE_THROWAWAY_PG:-} && -z ${TRACKER_PRETEND_NO_PG:-} && -n ${DATABASE_URL:-} ]]; then
    DB_SOURCE="DATABASE_URL from the environment"
    MIGRATIONS_CHECK_URL=$DATABASE_URL
elif [[ -z ${TRACKER_FORCE_THROWAWAY_PG:-} && -z ${TRACKER_PRETEND_NO_PG:-} ]] && local_pg_ok; then
    DB_SOURCE="PostgreSQL already running on 127.0.0.1:5432"
    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/tracker
    MIGRATIONS_CHECK_URL=postgresql://postgres@127.0.0.1:5432/postgres
elif [[ -z ${TRACKER_PRETEND_NO_PG:-} ]] && PG_BIN_FOUND=$(find_pg_bin); then
    start_throwaway_pg "$PG_BIN_FOUND"
    DB_SOURCE="throwaway PostgreSQL cluster from $PG_BIN_FOUND in $PG_RUN_DIR, removed after the run"
    export DATABASE_URL=postgresql://postgres@127.0.0.1:$PG_PORT/tracker
    MIGRATIONS_CHECK_URL=postgresql://postgres@127.0.0.1:$PG_PORT/postgres
else
    {
        echo
        echo "No PostgreSQL found: DATABASE_URL is unset, nothing accepts user 'postgres' on"
        echo "127.0.0.1:5432, and no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin."
        echo "To test on PostgreSQL (as production runs), do one of:"
        echo "  Debian/Ubuntu: sudo apt-get install postgresql   (make test starts its own throwaway cluster)"
        echo "  macOS:         brew install postgresql@16"
        echo "  any:           export DATABASE_URL=postgresql://USER:PASSWORD@HOST:PORT/tracker"
        echo
    } >&2
    if is_ci; then
        echo "error: CI must test on PostgreSQL." >&2
        exit 1
    fi
    echo "WARNING: ******************************************************************" >&2
    echo "WARNING: running the tests on SQLite; PostgreSQL-specific behaviour is UNTESTED." >&2
    echo "WARNING: ******************************************************************" >&2
    TMP_DIR=$(mktemp -d)
    SQLITE_FALLBACK=1
    DB_SOURCE="SQLite fallback, PostgreSQL NOT tested"
    export DATABASE_URL=sqlite:///$TMP_DIR/test.sqlite3
    MIGRATIONS_CHECK_URL=$DATABASE_URL
fi
echo "Tests use database: $(redact "$DATABASE_URL") ($DB_SOURCE)"

DATABASE_URL=$MIGRATIONS_CHECK_URL "$PY" manage.py makemigrations --check --dry-run

# Not exec: the EXIT trap must still stop the cluster, and exit code 5 needs rewriting.
rc=0
"$VENV/bin/pytest" "$@" || rc=$?
if ((rc == 5)); then
    echo "error: pytest collected no tests (exit code 5); counting that as a failure." >&2
    exit 1
fi
exit "$rc"
