# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/clean.sh (from the repo root): a throwaway
# PostgreSQL cluster for machines that have the server binaries but no running server.
#
# Each run owns .pgdata/<pid of test.sh> (a folder, or a symlink to a temp folder, see
# start_throwaway_pg), so a run killed too hard to clean up (SIGKILL, power loss) leaves a
# folder whose owner pid is gone, and the next run or `make clean` reaps it.

PGDATA_ROOT=.pgdata

# initdb refuses to run as root, so root runs the cluster as `postgres` (Debian's package
# creates that user), or as `nobody` when there is no such user.
if [[ $(id -u) -eq 0 ]]; then
    if id -u postgres >/dev/null 2>&1; then PG_OS_USER=postgres; else PG_OS_USER=nobody; fi
else
    PG_OS_USER=$(id -un)
fi

# All paths given to it are absolute; cd / because our cwd may be out of that user's reach.
pg_as() {
    if [[ $(id -u) -eq 0 ]]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# Prints the folder holding initdb and pg_ctl: PATH first (Homebrew's linked formula, a
# user's own build), then the newest of Debian's /usr/lib/postgresql/<ver>/bin and
# Homebrew's keg-only postgresql@<ver>, which are not on PATH.
find_pg_bin() {
    local d ver best='' best_ver=-1
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    for d in /usr/lib/postgresql/*/bin /opt/homebrew/opt/postgresql@*/bin /usr/local/opt/postgresql@*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] || continue
        ver=${d%/bin}
        ver=${ver##*/}
        ver=${ver#postgresql@}
        ver=${ver%%.*}
        [[ $ver =~ ^[0-9]+$ ]] || continue
        if ((ver > best_ver)); then
            best=$d
            best_ver=$ver
        fi
    done
    [[ -n $best ]] && echo "$best"
}

# Stops the postmaster of cluster folder $1 (if one runs) and removes the folder (and the
# temp folder it points to, if it is a symlink). Uses the pid file rather than pg_ctl so it
# works without knowing which PostgreSQL version made the cluster.
remove_cluster_dir() {
    local dir=$1 real pid
    real=$(cd "$dir" 2>/dev/null && pwd -P) || real=''
    if [[ -n $real && -f $real/data/postmaster.pid ]]; then
        pid=$(head -n 1 "$real/data/postmaster.pid")
        # After a reboot the pid may belong to something else: only signal a postgres.
        if [[ $pid =~ ^[0-9]+$ ]] && [[ "$(ps -o comm= -p "$pid" 2>/dev/null)" == postgres* ]]; then
            kill -QUIT "$pid" 2>/dev/null || true # SIGQUIT = immediate shutdown
            for _ in $(seq 50); do
                pid_alive "$pid" || break
                sleep 0.1
            done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    [[ -n $real ]] && rm -rf "$real"
    rm -rf "$dir"
}

# A killed process can linger as a zombie until its parent reaps it; kill -0 would call it alive.
pid_alive() {
    local stat
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
    [[ -n $stat && $stat != Z* ]]
}

# Reaps clusters left by runs that are gone; with "all", every cluster (for `make clean`).
reap_stale_pg() {
    local which=${1:-stale} dir owner
    [[ -d $PGDATA_ROOT ]] || return 0
    for dir in "$PGDATA_ROOT"/*; do
        [[ -e $dir || -L $dir ]] || continue
        owner=${dir##*/}
        if [[ $which == stale && $owner =~ ^[0-9]+$ ]] && pid_alive "$owner"; then
            continue # its test run is still going
        fi
        echo "Removing leftover throwaway PostgreSQL cluster $dir"
        remove_cluster_dir "$dir"
    done
    rmdir "$PGDATA_ROOT" 2>/dev/null || true
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a cluster with binaries from $1; sets PG_BIN, PG_RUN_DIR and PG_PORT. Trust auth
# on 127.0.0.1 only, superuser `postgres` whoever runs it (so the URL is always the same),
# and no durability: the data is thrown away after the run.
start_throwaway_pg() {
    local link=$PGDATA_ROOT/$$ tmp sockdir
    PG_BIN=$1
    reap_stale_pg stale
    mkdir -p "$link"
    if [[ $(id -u) -eq 0 ]]; then
        chown "$PG_OS_USER" "$link"
        # A checkout under /root (mode 700) is out of the postgres user's reach: keep the
        # cluster in a temp folder and leave a symlink where later runs look for leftovers.
        # (Absolute path: a relative one resolves from our cwd and skips the parents' modes.)
        if ! runuser -u "$PG_OS_USER" -- test -w "$PWD/$link"; then
            rmdir "$link"
            tmp=$(mktemp -d /tmp/tracker-pg.XXXXXX)
            chown "$PG_OS_USER" "$tmp"
            ln -s "$tmp" "$link"
        fi
    fi
    PG_RUN_DIR=$(cd "$link" && pwd -P)
    PG_PORT=$(free_port)
    # Unix sockets have a ~100-byte path limit; a deep checkout falls back to TCP only,
    # which is all the tests use anyway (pg_ctl -w reads readiness from postmaster.pid).
    sockdir=$PG_RUN_DIR
    if ((${#sockdir} > 80)); then sockdir=''; fi

    if ! pg_as "$PG_BIN/initdb" -D "$PG_RUN_DIR/data" -U postgres -A trust -E UTF8 --no-locale \
        >"$PG_RUN_DIR/initdb.log" 2>&1; then
        echo "error: initdb failed:" >&2
        cat "$PG_RUN_DIR/initdb.log" >&2
        return 1
    fi
    pg_as tee -a "$PG_RUN_DIR/data/postgresql.conf" >/dev/null <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sockdir'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_RUN_DIR/data" -l "$PG_RUN_DIR/server.log" -w -t 60 start \
        >/dev/null; then
        echo "error: the throwaway PostgreSQL did not start; its log:" >&2
        tail -n 30 "$PG_RUN_DIR/server.log" >&2 || true
        return 1
    fi
}

stop_throwaway_pg() {
    [[ -n ${PG_RUN_DIR:-} ]] || return 0
    pg_as "$PG_BIN/pg_ctl" -D "$PG_RUN_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    remove_cluster_dir "$PGDATA_ROOT/$$" # also kills the postmaster if pg_ctl could not
    rmdir "$PGDATA_ROOT" 2>/dev/null || true
    PG_RUN_DIR=''
}

# For a script that may start a throwaway cluster and writes scratch files: makes
# $TMP_DIR, and however the script ends (an error, Ctrl-C, kill) stops the cluster and
# removes the folder, keeping the script's exit status.
clean_up_on_exit() {
    TMP_DIR=$(mktemp -d)
    trap _clean_up EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# shellcheck disable=SC2317  # only reached through the EXIT trap
_clean_up() {
    local rc=$?
    stop_throwaway_pg
    rm -rf "$TMP_DIR"
    exit "$rc"
}
