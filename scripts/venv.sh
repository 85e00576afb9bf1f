# shellcheck shell=bash
# Sourced by the other scripts (from the repo root): keeps .venv in step with a
# requirements file, so that a second run costs nothing and a changed pin is picked up.

VENV=.venv
PY=$VENV/bin/python

# True when interpreter $1 runs and is Python >= 3.11 (the version pyproject.toml asks for).
python_ok() {
    "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1
}

# Hash of a requirements file and of the files it pulls in with `-r` (one level is all we use:
# requirements-dev.txt includes requirements.txt), so editing either one triggers a reinstall.
requirements_hash() {
    local req=$1 inc
    {
        cat "$req"
        sed -n 's/^[[:space:]]*-r[[:space:]]*//p' "$req" | while read -r inc; do
            cat "$(dirname "$req")/$inc"
        done
    } | "$PY" -c 'import hashlib, sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
}

ensure_venv() {
    local req=$1 stamp want
    if ! python_ok "$PY"; then
        if ! command -v python3 >/dev/null 2>&1; then
            echo "error: python3 not found; install Python 3.11 or newer." >&2
            exit 1
        fi
        if ! python_ok python3; then
            echo "error: this project needs Python >= 3.11, but python3 is $(python3 -V 2>&1)." >&2
            exit 1
        fi
        # A venv whose interpreter is gone or too old (e.g. Python upgraded) is useless: rebuild it.
        if [[ -e $VENV ]]; then
            echo "Recreating $VENV: its Python is missing or older than 3.11."
            rm -rf "$VENV"
        fi
        echo "Creating $VENV with $(python3 -V 2>&1)"
        if ! python3 -m venv "$VENV"; then
            rm -rf "$VENV"
            echo "error: 'python3 -m venv' failed (on Debian/Ubuntu: sudo apt-get install python3-venv)." >&2
            exit 1
        fi
    fi
    # One stamp per requirements file: run.sh and test.sh install different sets.
    stamp="$VENV/.installed-$(basename "$req").sha256"
    want=$(requirements_hash "$req")
    if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
        echo "Installing $req into $VENV"
        "$PY" -m pip install --disable-pip-version-check --quiet -r "$req"
        # Written only after pip succeeded, so a failed install is retried next time.
        echo "$want" >"$stamp"
    fi
}
