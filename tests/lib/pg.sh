# pg.sh - a private PostgreSQL server for tests (sourced after common.sh).
#
#	pg_start DIR   a new cluster (initdb: UTF-8, C locale; trust on its
#	               socket, scram-sha-256 over TCP) in a directory of its
#	               own under /tmp (the server's user must reach it,
#	               whatever the build tree's permissions), the server
#	               in the foreground of its own process on
#	               127.0.0.1:$PG_PORT and the socket directory $PG_SOCK,
#	               its log in DIR/postgres.log; run as "postgres" when
#	               the test runs as root (the server refuses root).
#	               Sets PG_PID.
#	pg_psql ARGS   psql as the cluster's superuser over the socket,
#	               stopping at the first error
#	pg_role NAME PASSWORD  a login role and a database of the same name
#	               owned by it
#	pg_stop        fast shutdown (SIGINT: clients are disconnected, as
#	               a smart shutdown would wait for the daemons), bounded,
#	               then an immediate shutdown (pg_ctl), then KILL
#	pg_restart     start the same cluster again after pg_stop
#	pg_cleanup     pg_stop, and the cluster's directory removed
#
# Stopped by PID at the latest by the test's cleanup hook calling
# pg_stop. Nothing listens beyond 127.0.0.1 and the socket.

PG_PID=""
PG_SOCK=""

# pg_bindir - the newest installed server's programs
pg_bindir() {
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

# the server's user: not root (a word list, expanded unquoted, so that
# "$PG_AS postgres &" leaves $! the server's own PID)
PG_AS=""
[ "$(id -u)" -ne 0 ] ||
	PG_AS="setpriv --reuid postgres --regid postgres --init-groups --"

pg_ready() {
	kill -0 "$PG_PID" 2>/dev/null &&
	    "$PG_BIN/pg_isready" -q -h "$PG_SOCK" -p "$PG_PORT"
}

pg_start() {
	PG_BIN=$(pg_bindir)
	[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] ||
		ag_skip "no PostgreSQL server (apt-get install postgresql)"
	if [ "$(id -u)" -eq 0 ]; then
		id postgres >/dev/null 2>&1 || ag_skip "no postgres user"
		PG_OWNER=postgres
	else
		PG_OWNER=$(id -un)
	fi
	PG_LOG="$1"
	# a short path too: a unix socket's name has room for 107 bytes
	PG_TOP=$(mktemp -d /tmp/authgate-pg.XXXXXX)
	chmod 0755 "$PG_TOP"
	PG_DIR="$PG_TOP/data"
	PG_SOCK="$PG_TOP/sock"
	install -d -o "$PG_OWNER" -m 0700 "$PG_DIR"
	install -d -o "$PG_OWNER" -m 0755 "$PG_SOCK"
	$PG_AS "$PG_BIN/initdb" -D "$PG_DIR" -U postgres -E UTF8 \
	    --no-locale --auth-local=trust --auth-host=scram-sha-256 \
	    >"$PG_LOG/initdb.log" 2>&1 ||
		ag_fail "initdb failed: $(tail -5 "$PG_LOG/initdb.log")"
	PG_PORT=$(ag_free_port)
	[ -n "$PG_PORT" ] || ag_fail "no free port"
	pg_restart
}

pg_restart() {
	# a throw-away cluster: durability traded for speed
	$PG_AS "$PG_BIN/postgres" -D "$PG_DIR" -k "$PG_SOCK" \
	    -h 127.0.0.1 -p "$PG_PORT" -c fsync=off -c full_page_writes=off \
	    -c synchronous_commit=off -c shared_buffers=16MB \
	    -c max_connections=30 -c log_min_messages=warning \
	    >>"$PG_LOG/postgres.log" 2>&1 &
	PG_PID=$!
	ag_wait_for 20 pg_ready ||
		ag_fail "postgres did not start: $(tail -5 "$PG_LOG/postgres.log")"
	echo "postgres on 127.0.0.1:$PG_PORT and $PG_SOCK (pid $PG_PID)"
}

pg_psql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" \
	    -U postgres "$@"
}

pg_role() {
	pg_psql -d postgres -c "CREATE ROLE $1 LOGIN PASSWORD '$2'" \
	    -c "CREATE DATABASE $1 OWNER $1" ||
		ag_fail "cannot create the role and database $1"
}

pg_stop() {
	[ -n "$PG_PID" ] || return 0
	kill -INT "$PG_PID" 2>/dev/null
	i=0
	while kill -0 "$PG_PID" 2>/dev/null && [ "$i" -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$PG_PID" 2>/dev/null; then
		# the postmaster takes its backends and shared memory along
		$PG_AS "$PG_BIN/pg_ctl" -D "$PG_DIR" -m immediate -w -t 10 \
		    stop >/dev/null 2>&1
		kill -KILL "$PG_PID" 2>/dev/null
	fi
	wait "$PG_PID" 2>/dev/null
	PG_PID=""
}

pg_cleanup() {
	pg_stop
	[ -z "${PG_TOP:-}" ] || rm -rf "$PG_TOP"
}
