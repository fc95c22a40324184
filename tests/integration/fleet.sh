#!/bin/sh
# fleet.sh - integration: two authgate daemons sharing one real
# redis-server (started here on 127.0.0.1, stopped by PID) see the same
# rate counters and blocks; blocks are listed and lifted straight in
# Redis with authgate-check; Redis stopped mid-run gives the documented
# behaviour (state.on_error: continue, or tempfail) without a hang, and
# the fleet recovers when it returns; a server that answers garbage,
# slowly or not at all costs no crash and no hang.
. "$(dirname "$0")/../lib/common.sh"
ag_init fleet
ag_need miltertest
ag_need redis-server
ag_need python3
ag_nsd_start
CHECK="$top_builddir/milter/authgate-check"

REDIS_PORT=$(ag_free_port)
redis_start() {
	redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
	    --appendonly no --daemonize no --protected-mode yes \
	    --logfile "$AG_WORK/redis.log" --dir "$AG_WORK" &
	REDIS_PID=$!
	AG_PIDS="$AG_PIDS $REDIS_PID"
	ag_wait_for 10 python3 -c "
import socket; s = socket.create_connection(('127.0.0.1', $REDIS_PORT), 1)
s.sendall(b'PING\r\n'); assert s.recv(16).startswith(b'+PONG')" ||
		ag_fail "redis-server did not start"
}
redis_start

# fleet_conf FILE REDIS [ON_ERROR] - the config both daemons share
fleet_conf() {
	ag_write_conf "$1" "sender_identity {
  relay_ids = \"relay1\"
  logins = { \"f1 a1\", \"f2 a2\", \"f3 a3\", \"f4 a4\", \"f5 a5\" }
}
sender_login {
  owners = { \"@fleet.example account:a1, account:a2, account:a3, account:a4, account:a5\" }
}
blocks {
  keys = \"login\"
  refusals = 2
  window = 1m
  duration = 1m
}
rate_limits {
  limit \"login\" { messages = \"3/1m\" }
}
state {
  redis = \"$2\"
  timeout = 300ms
  on_error = ${3:-accept}
}"
}

# start_daemon NAME CONF - a daemon with its own socket, log and pid
start_daemon() {
	"$AG_BIN" -f -c "$2" -p "unix:$AG_WORK/$1.sock" \
	    -P "$AG_WORK/$1.pid" >> "$AG_WORK/$1.log" 2>&1 &
	eval "PID_$1=\$!"
	AG_PIDS="$AG_PIDS $!"
	ag_wait_for 10 test -S "$AG_WORK/$1.sock" ||
		ag_fail "daemon $1 did not start"
}

fleet_conf "$AG_WORK/a.conf" "127.0.0.1:$REDIS_PORT"
fleet_conf "$AG_WORK/b.conf" "127.0.0.1:$REDIS_PORT"
start_daemon A "$AG_WORK/a.conf"
start_daemon B "$AG_WORK/b.conf"

# tx DAEMON QID LOGIN FROM EXPECT - one transaction through one daemon
tx() {
	AG_SOCKET="unix:$AG_WORK/$1.sock"
	ag_miltertest \
	    "$top_srcdir/tests/integration/fleet.lua" -D qid="$2" \
	    -D login="$3" -D from="$4" -D expect="$5"
}
# logged DAEMON REGEX WHAT - the daemon's log has the line
logged() {
	ag_wait_for 5 grep -Eq -- "$2" "$AG_WORK/$1.log" ||
		ag_fail "$3: no line of daemon $1 matches /$2/"
	echo "ok - $3"
}

# one counter for the fleet: 3 messages a minute, wherever they go
tx A R1 f1 f1@fleet.example accept
tx B R2 f1 f1@fleet.example accept
tx A R3 f1 f1@fleet.example accept
tx B R4 f1 f1@fleet.example refuse
logged B 'R4: .*rate=login:f1.* verdict=tempfail 451 4\.7\.1 \(rate\)' \
    "the 4th message through the other daemon is over the shared limit"
# one block for the fleet: two refusals, one on each daemon
tx A K1 f2 someone@elsewhere.example refuse
tx B K2 f2 someone@elsewhere.example refuse
tx A K3 f2 f2@fleet.example refuse
logged A 'K3: .*block=login:f2 until=.* verdict=tempfail 451 4\.7\.1 \(block\)' \
    "the block of refusals on both daemons holds on the first"
tx B K4 f2 f2@fleet.example refuse
logged B 'K4: .*block=login:f2' "and on the second"
# listed and lifted in Redis itself (the config has no control socket)
"$CHECK" -c "$AG_WORK/a.conf" --blocks > "$AG_WORK/blocks.out" ||
	ag_fail "authgate-check --blocks (Redis) failed"
grep -q '^login:f2 blocked until .* after 2 refusals' "$AG_WORK/blocks.out" ||
	ag_fail "--blocks does not list login:f2: $(cat "$AG_WORK/blocks.out")"
echo "ok - authgate-check --blocks reads the fleet's blocks from Redis"
"$CHECK" -c "$AG_WORK/a.conf" --unblock login:f2 ||
	ag_fail "authgate-check --unblock (Redis) failed"
tx B K5 f2 f2@fleet.example accept

# Redis stops: the default goes on without limits, logged; no hang
ag_stop_pid "$REDIS_PID"
tx A D1 f3 f3@fleet.example accept
logged A 'D1: blocks and rate limits not checked: ' \
    "Redis down: the daemon says so and goes on (on_error = accept)"
fleet_conf "$AG_WORK/b.conf" "127.0.0.1:$REDIS_PORT" tempfail
kill -HUP "$PID_B"
ag_wait_for 10 grep -q 'configuration reloaded' "$AG_WORK/B.log" ||
	ag_fail "daemon B did not reload"
tx B D2 f3 f3@fleet.example refuse
logged B 'D2: .*state=error\(.*verdict=tempfail 451 4\.7\.1 \(state\)' \
    "Redis down with on_error = tempfail: 451"
# Redis comes back (empty: it keeps nothing on disk): both recover
redis_start
sleep 1.2	# the store's back-off after a failure (1 s)
tx A U1 f4 f4@fleet.example accept
tx B U2 f4 f4@fleet.example accept
tx A U3 f4 f4@fleet.example accept
tx B U4 f4 f4@fleet.example refuse
logged B 'U4: .*rate=login:f4' "after Redis returns, the fleet counts again"
kill -0 "$PID_A" && kill -0 "$PID_B" || ag_fail "a daemon died"

# a server that answers garbage, late or never: no crash, no hang
for mode in garbage slow silent close; do
	FAKE_PORT=$(ag_free_port)
	rm -f "$AG_WORK/fake.pid"
	python3 "$top_srcdir/tests/integration/fake_redis.py" "$FAKE_PORT" \
	    "$mode" "$AG_WORK/fake.pid" 120 &
	ag_wait_for 10 test -s "$AG_WORK/fake.pid" ||
		ag_fail "the fake Redis ($mode) did not start"
	AG_PIDS="$AG_PIDS $AG_WORK/fake.pid"
	fleet_conf "$AG_WORK/a.conf" "127.0.0.1:$FAKE_PORT"
	kill -HUP "$PID_A"
	sleep 0.5
	start=$(date +%s)
	tx A "G-$mode" f5 f5@fleet.example accept
	[ $(($(date +%s) - start)) -lt 10 ] ||
		ag_fail "a $mode Redis held the transaction for 10 s or more"
	logged A "G-$mode: blocks and rate limits not checked: " \
	    "a $mode Redis: the transaction goes on, the failure is logged"
	ag_stop_pid "$AG_WORK/fake.pid"
done
kill -0 "$PID_A" || ag_fail "daemon A died"
for d in A B; do
	if grep -E '\]: (panic|alert|critical|error): ' "$AG_WORK/$d.log"; then
		ag_fail "errors in the log of daemon $d"
	fi
done
echo "ok - no errors logged"
