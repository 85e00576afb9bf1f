#!/usr/bin/env bash
# `make clean`: back to a fresh checkout's state, minus the source. Deletes the local
# SQLite database (db.sqlite3) too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pg.sh

# A throwaway cluster from an interrupted test run may still be running: removing its
# folder alone would leave the server behind.
reap_stale_pg all
rm -rf .venv .pgdata .bench db.sqlite3 db.sqlite3-journal .pytest_cache .ruff_cache
find . -path ./.git -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +
