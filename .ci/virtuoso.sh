#!/usr/bin/env bash
# Start Debian's Virtuoso (virtuoso-opensource) on loopback with a throwaway
# database, grant SPARQL update to the anonymous /sparql endpoint, and print the
# endpoint URL. Used by CI and by tests/test_remote.py.
#
#   .ci/virtuoso.sh          start (or reuse a running one); prints http://127.0.0.1:8890/sparql
#   .ci/virtuoso.sh stop     stop the server this script started and delete its database
#
# Environment (all optional):
#   VIRTUOSO_HOME       folder for the database, ini, log and pid (default $TMPDIR/defgraph-virtuoso)
#   VIRTUOSO_HTTP_PORT  HTTP port (default 8890); VIRTUOSO_ISQL_PORT  ISQL port (default 1111)
#   VIRTUOSO_TIMEOUT    seconds to wait for the endpoint (default 120)
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
    local db="$HOME_DIR/db"
    local vad=/usr/share/virtuoso-opensource-7/vad
    mkdir -p "$db"
    cat > "$HOME_DIR/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = $db/virtuoso.db
ErrorLogFile       = $db/virtuoso.log
LockFile           = $db/virtuoso.lck
TransactionFile    = $db/virtuoso.trx
xa_persistent_file = $db/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $db/virtuoso-temp.db
TransactionFile    = $db/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:${ISQL_PORT}
DisableUnixSocket        = 1
DisableTcpSocket         = 0
MaxClientConnections     = 10
CheckpointInterval       = 60
O_DIRECT                 = 0
CaseMode                 = 2
MaxStaticCursorRows      = 5000
AllowOSCalls             = 0
DirsAllowed              = ., $HOME_DIR, $vad
NumberOfBuffers          = 10000
MaxDirtyBuffers          = 6000
MaxQueryMem              = 1G
ThreadsPerQuery          = 2
AsyncQueueMaxThreads     = 10
; Paging with ORDER BY + LIMIT/OFFSET past the first 10000 rows needs a larger sort window.
MaxSortedTopRows         = 1000000

[HTTPServer]
ServerPort                  = 127.0.0.1:${HTTP_PORT}
ServerRoot                  = /var/lib/virtuoso-opensource-7/vsp
MaxClientConnections        = 10
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
ServerThreads               = 10
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
HTTPThreadSize              = 280000
Charset                     = UTF-8
EnabledGzipContent          = 1

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[SPARQL]
ResultSetMaxRows           = 10000
MaxQueryCostEstimationTime = 400
MaxQueryExecutionTime      = 60
DeferInferenceRulesInit    = 0
EOF
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
    if probe read; then
        log "reusing the server already answering at $ENDPOINT"
        grant_update
        probe write || log "warning: $ENDPOINT does not take updates; restart it (a role granted to" \
            "SPARQL takes effect for HTTP only after a restart) or use /sparql-auth with credentials"
        echo "$ENDPOINT"
        return
    fi
    if running; then
        log "a server started earlier (pid $(cat "$PIDFILE")) is still starting; waiting"
    else
        rm -rf "$HOME_DIR"
        mkdir -p "$HOME_DIR"
        write_ini
        launch
    fi
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
