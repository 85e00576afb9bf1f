#!/usr/bin/env bash
# `make lint` (check only, as CI does) and `make format` (--fix: rewrite files).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh

ensure_venv requirements-dev.txt
if [[ ${1:-} == --fix ]]; then
    # Format first: some lint fixes (e.g. import sorting) assume formatted code.
    "$VENV/bin/ruff" format .
    "$VENV/bin/ruff" check --fix .
else
    "$VENV/bin/ruff" check .
    "$VENV/bin/ruff" format --check .
fi
"$VENV/bin/lint-imports"
