#!/usr/bin/env bash
# Start Debian's Virtuoso (virtuoso-opensource) on loopback with a throwaway database,
# grant SPARQL update to the anonymous /sparql endpoint, and print the endpoint URL.
# Used by tests/test_remote.py (which picks free ports and a temporary folder) and by hand.
#
#   .ci/virtuoso.sh          start a new server; prints http://127.0.0.1:PORT/sparql
#   .ci/virtuoso.sh stop     stop the server this script started (its pid file) and delete its folder
#
# Environment (all optional):
#   VIRTUOSO_HOME       folder for the database, ini, log and pid (default $TMPDIR/defgraph-virtuoso)
#   VIRTUOSO_HTTP_PORT  HTTP port (default 8890); VIRTUOSO_ISQL_PORT  ISQL port (default 1111)
#   VIRTUOSO_TIMEOUT    seconds to wait for the endpoint (default 120)
#   VIRTUOSO_INI        the configuration to start from (default Debian's /etc/virtuoso-opensource-7/virtuoso.ini)
#
# The configuration is Debian's default virtuoso.ini with only its paths (database files
# under VIRTUOSO_HOME) and ports (bound to 127.0.0.1) changed. The script never uses a
# server it did not start: when a port is taken it stops with an error, so a Virtuoso of
# your own on 8890 is never touched.
#
# The anonymous endpoint is made writable (GRANT SPARQL_UPDATE TO "SPARQL"): fine
# for a throwaway database on 127.0.0.1, never for a shared server. The dba
# password stays the package default ("dba"), so /sparql-auth works with
# DEFGRAPH_USER=dba DEFGRAPH_PASSWORD=dba (HTTP Digest).
set -euo pipefail

HOME_DIR="${VIRTUOSO_HOME:-${TMPDIR:-/tmp}/defgraph-virtuoso}"
HTTP_PORT="${VIRTUOSO_HTTP_PORT:-8890}"
ISQL_PORT="${VIRTUOSO_ISQL_PORT:-1111}"
TIMEOUT="${VIRTUOSO_TIMEOUT:-120}"
DEFAULT_INI="${VIRTUOSO_INI:-/etc/virtuoso-opensource-7/virtuoso.ini}"
ENDPOINT="http://127.0.0.1:${HTTP_PORT}/sparql"
PIDFILE="$HOME_DIR/virtuoso.pid"

log() { echo "virtuoso.sh: $*" >&2; }

# True when the SPARQL endpoint answers a query (with "write": when it also takes an update).
probe() {
    python3 - "$ENDPOINT" "${1:-read}" <<'EOF' 2>/dev/null
import sys, urllib.parse, urllib.request

def send(field, text):
    data = urllib.parse.urlencode({field: text}).encode()
    req = urllib.request.Request(sys.argv[1], data=data,
                                 headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.read()

ok = b"boolean" in send("query", "ASK {}")
if ok and sys.argv[2] == "write":
    send("update", "INSERT DATA { GRAPH <urn:defgraph:probe> { <urn:s> <urn:p> 1 } }")
    send("update", "DROP SILENT GRAPH <urn:defgraph:probe>")
sys.exit(0 if ok else 1)
EOF
}

isql() {
    isql-vt "127.0.0.1:${ISQL_PORT}" dba dba "exec=$1" 2>&1
}

grant_update() {
    local role out
    for role in SPARQL_UPDATE SPARQL_LOAD_SERVICE_DATA; do
        # Granting a role twice is an error (U0013) that only says it is already there.
        if ! out="$(isql "GRANT ${role} TO \"SPARQL\";")" || grep -q 'Error' <<<"$out"; then
            grep -q 'U0013' <<<"$out" && continue
            log "warning: could not grant ${role} via isql-vt on port ${ISQL_PORT}: $out"
        fi
    done
}

stop() {
    if [[ -f "$PIDFILE" ]]; then
        local pid
        pid="$(cat "$PIDFILE")"
        if kill -0 "$pid" 2>/dev/null; then
            isql 'shutdown();' >/dev/null || kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 60); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.5
            done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        fi
        rm -rf "$HOME_DIR"
        log "stopped"
    else
        log "no server started by this script (no $PIDFILE)"
    fi
}

write_ini() {
    # Debian's default configuration; only paths and ports change.
    [[ -f "$DEFAULT_INI" ]] || { log "no $DEFAULT_INI: apt-get install -y virtuoso-opensource"; exit 3; }
    local db="$HOME_DIR/db"
    mkdir -p "$db"
    sed -e "s#/var/lib/virtuoso-opensource-7/db/#$db/#g" \
        -e "/^\[Parameters\]/,/^\[/ s#^\(ServerPort[[:space:]]*=[[:space:]]*\).*#\1127.0.0.1:${ISQL_PORT}#" \
        -e "/^\[HTTPServer\]/,/^\[/ s#^\(ServerPort[[:space:]]*=[[:space:]]*\).*#\1127.0.0.1:${HTTP_PORT}#" \
        -e "s#^\(DefaultHost[[:space:]]*=[[:space:]]*\).*#\1localhost:${HTTP_PORT}#" \
        "$DEFAULT_INI" > "$HOME_DIR/virtuoso.ini"
}

# True when something already listens on 127.0.0.1:PORT.
port_taken() {
    python3 -c 'import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

running() {
    [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

launch() {
    # exec keeps one pid from the subshell through setsid to virtuoso-t.
    (cd "$HOME_DIR/db" && exec setsid virtuoso-t +foreground +configfile "$HOME_DIR/virtuoso.ini" \
        > "$HOME_DIR/stdout.log" 2>&1 < /dev/null) &
    echo $! > "$PIDFILE"
    log "started virtuoso-t (pid $(cat "$PIDFILE")), database in $HOME_DIR"
}

# Wait until CHECK succeeds; fail with the server's log if it dies or time runs out.
wait_for() {
    local what="$1" check="$2" waited=0
    until $check; do
        if ! running; then
            log "virtuoso-t exited while waiting for $what; its log:"
            tail -n 30 "$HOME_DIR/db/virtuoso.log" "$HOME_DIR/stdout.log" >&2 2>/dev/null || true
            exit 1
        fi
        if (( waited >= TIMEOUT * 2 )); then
            log "no answer from $what after ${TIMEOUT}s (log: $HOME_DIR/db/virtuoso.log)"
            exit 1
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
}

isql_up() { isql 'select 1;' >/dev/null; }
http_up() { probe read; }

start() {
    command -v virtuoso-t >/dev/null || { log "virtuoso-t not found: apt-get install -y virtuoso-opensource"; exit 3; }
    command -v isql-vt >/dev/null || { log "isql-vt not found: apt-get install -y virtuoso-opensource"; exit 3; }
    local port
    for port in "$HTTP_PORT" "$ISQL_PORT"; do
        if port_taken "$port"; then
            log "127.0.0.1:$port is already in use; this script only uses a server it starts" \
                "(choose free ports with VIRTUOSO_HTTP_PORT and VIRTUOSO_ISQL_PORT)"
            exit 4
        fi
    done
    if running; then
        log "a server started by this script (pid $(cat "$PIDFILE")) is still running; stop it first"
        exit 4
    fi
    mkdir -p "$HOME_DIR"
    rm -rf "$HOME_DIR/db"
    write_ini
    launch
    # Grant before the first HTTP request: Virtuoso caches the SPARQL user's roles
    # for HTTP, so a role granted afterwards only takes effect after a restart.
    wait_for "isql on port ${ISQL_PORT}" isql_up
    grant_update
    wait_for "$ENDPOINT" http_up
    if ! probe write; then
        log "the endpoint does not take updates yet; restarting the server once"
        isql 'shutdown();' >/dev/null || true
        while running; do sleep 0.5; done
        launch
        wait_for "$ENDPOINT" http_up
        probe write || { log "$ENDPOINT still refuses updates (log: $HOME_DIR/db/virtuoso.log)"; exit 1; }
    fi
    echo "$ENDPOINT"
}

case "${1:-start}" in
    start) start ;;
    stop) stop ;;
    *) log "usage: $0 [start|stop]"; exit 2 ;;
esac
