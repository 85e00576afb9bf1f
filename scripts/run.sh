#!/usr/bin/env bash
# `make run`: the app on http://127.0.0.1:$PORT/ (default 8000) with demo data, on the SQLite
# file the settings use when DATABASE_URL is unset. Reruns reuse .venv and the database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

PORT=${PORT:-8000}
if [[ ! $PORT =~ ^[0-9]+$ ]]; then
    echo "error: PORT must be a number, got '$PORT'." >&2
    exit 1
fi

ensure_venv requirements.txt

"$PY" manage.py migrate --noinput
# The pages' cache is a table of the database (CACHE_URL, README): created if missing.
"$PY" manage.py createcachetable
# Loads the demo into an empty database only: on every later start it says so and changes
# nothing, so what an editor saved is never overwritten (`load_demo --reset` puts it back).
"$PY" manage.py load_demo

cat <<MSG

  Tariff talks tracker: http://127.0.0.1:$PORT/

  Editor login: create one (a staff user in the Editors group; asks for a password) with
    $PY manage.py create_editor <username>
  Stop the server (and the import worker) with Ctrl-C; \`make run\` again keeps the data.

MSG
# The worker that runs background tasks (large CSV imports from the admin: README,
# "Importing CSV"), stopped with the server.
"$PY" manage.py db_worker --no-reload &
WORKER=$!
trap 'kill "$WORKER" 2>/dev/null; wait "$WORKER" 2>/dev/null' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
"$PY" manage.py runserver "127.0.0.1:$PORT"
