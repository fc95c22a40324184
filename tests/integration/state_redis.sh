#!/bin/sh
# state_redis.sh - the state store (lib/state) against a real redis-server
# and against hostile fake servers: runs the unit test tests/unit/test_state
# with AUTHGATE_TEST_REDIS (a private redis-server on 127.0.0.1, with a
# password and database 3, so that AUTH and SELECT are used, and a unix
# socket: AUTHGATE_TEST_REDIS_SOCKET) and
# AUTHGATE_TEST_FAKE_REDIS (tests/integration/fake_redis.py: garbage,
# slow, silent, drip, close, hugelen, wrongtype, badsha).
# Both servers listen on 127.0.0.1 only, at ports picked at run time, run
# in the foreground of their own process and are stopped by PID at exit
# (common.sh's trap); every wait is bounded.
#
# AUTHGATE_TEST_STATE_BIN names the test program (default: the build
# tree's tests/unit/test_state).
. "$(dirname "$0")/../lib/common.sh"
ag_init state_redis
ag_need redis-server
ag_need python3

TEST_BIN="${AUTHGATE_TEST_STATE_BIN:-$top_builddir/tests/unit/test_state}"
[ -x "$TEST_BIN" ] || ag_skip "$TEST_BIN is not built"

# redis_ready - AUTH and PING answered
redis_ready() {
	python3 - "$REDIS_PORT" "$REDIS_PASSWORD" <<'EOF'
import socket, sys
port, pw = int(sys.argv[1]), sys.argv[2].encode()
s = socket.create_connection(("127.0.0.1", port), 1)
s.settimeout(1)
s.sendall(b"*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n*1\r\n$4\r\nPING\r\n" %
          (len(pw), pw))
got = b""
while b"PONG" not in got and len(got) < 1000:
    data = s.recv(1000)
    if not data:
        break
    got += data
sys.exit(0 if got == b"+OK\r\n+PONG\r\n" else 1)
EOF
}

REDIS_PORT=$(ag_free_port)
[ -n "$REDIS_PORT" ] || ag_fail "no free port"
REDIS_PASSWORD="authgate-test-$$"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" \
    --appendonly no --daemonize no --dir "$AG_WORK" \
    --unixsocket "$AG_WORK/redis.sock" --unixsocketperm 700 \
    --requirepass "$REDIS_PASSWORD" >"$AG_WORK/redis.log" 2>&1 &
echo $! >"$AG_WORK/redis.pid"
AG_PIDS="$AG_PIDS $AG_WORK/redis.pid"
ag_wait_for 10 redis_ready || ag_fail "redis-server did not start"

python3 "$top_srcdir/tests/integration/fake_redis.py" "$AG_WORK/fake.ports" \
    "$AG_WORK/fake.pid" 300 garbage slow silent drip close hugelen \
    wrongtype badsha >"$AG_WORK/fake.log" 2>&1 &
echo $! >"$AG_WORK/fake.pid.0"
AG_PIDS="$AG_PIDS $AG_WORK/fake.pid.0"
ag_wait_for 10 test -s "$AG_WORK/fake.pid" ||
	ag_fail "the fake Redis servers did not start"
FAKE=$(awk '{ printf "%s127.0.0.1:%s:%s", sep, $2, $1; sep = "," }' \
    "$AG_WORK/fake.ports")

echo "redis-server on 127.0.0.1:$REDIS_PORT; fake servers: $FAKE"
AUTHGATE_TEST_REDIS="127.0.0.1:$REDIS_PORT" \
AUTHGATE_TEST_REDIS_PASSWORD="$REDIS_PASSWORD" \
AUTHGATE_TEST_REDIS_DB=3 \
AUTHGATE_TEST_REDIS_SOCKET="$AG_WORK/redis.sock" \
AUTHGATE_TEST_FAKE_REDIS="$FAKE" \
    "$TEST_BIN" || ag_fail "test_state failed"
echo "ok - the state store against Redis and hostile servers"
