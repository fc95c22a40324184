#!/bin/sh
# bad_input.sh - integration: hostile HELO, MAIL FROM and headers, dropped
# connections, malformed milter packets and 10000 connect/close cycles;
# then the same over a TCP milter socket.
. "$(dirname "$0")/../lib/common.sh"
ag_init bad_input
ag_need miltertest
ag_nsd_start
ag_write_conf "$AG_WORK/authgate.conf"
ag_authgate_start "$AG_WORK/authgate.conf"
ag_miltertest "$top_srcdir/tests/integration/bad_input.lua"
kill -0 "$AG_AUTHGATE_PID" || ag_fail "authgate died"
ag_expect_log 'Q-UNBAL: malformed MAIL FROM .*: unbalanced angle brackets' \
    "malformed MAIL FROM logged with the reason"
ag_expect_log 'Q-HUGE: deleted 300 Authentication-Results fields claiming our authserv-id' \
    "all 300 forged fields deleted"
ag_expect_log 'Q-HUGE: .* rcpts=200 .*verdict=accept' "200 recipients"
ag_expect_log 'Q-DROP: .* rcpts=1 .*verdict=accept stage=rcpt' \
    "a dropped connection still ends with a summary line"
ag_expect_log 'Q-AFTER: .*verdict=accept' "served after the bad input"

# hostile milter packets straight to the socket (what anyone who can
# reach it could send): each closes its own connection, none stops the
# daemon; then 10000 connect/close cycles
python3 "$top_srcdir/tests/faults/milter_packets.py" "$AG_SOCKET" \
    --pid "$AG_AUTHGATE_PID" --cycles 10000 ||
	ag_fail "hostile milter packets"
ag_expect_log 'malformed packet from the MTA \(command 0x44, 15 bytes: macro list with a name but no value\): connection closed' \
    "a macro name without a value closes that connection, logged"
ag_expect_log 'malformed MAIL FROM <nobody@early\.example from unknown\[unknown\]' \
    "MAIL before connect: the client is unknown"
grep -q '(null)' "$AG_WORK/authgate.log" && ag_fail "a NULL string was logged"
ag_no_errors_logged
ag_authgate_stop

# the same over TCP (the MTA side of a TCP socket: inet:PORT@127.0.0.1)
port=$(ag_free_port)
AG_SOCKET="inet:$port@127.0.0.1"
ag_authgate_start "$AG_WORK/authgate.conf"
ag_wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" ||
	ag_fail "TCP socket not listening"
cat > "$AG_WORK/tcp.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local ar = deliver("192.0.2.10", "mail.authgate.example", "Q-TCP",
    "<u@pass.authgate.example>")
check(has(ar, "spf=pass smtp.mailfrom=pass.authgate.example"), "Q-TCP: pass over TCP")
LUA
ag_miltertest "$AG_WORK/tcp.lua"
ag_expect_log 'Q-TCP: .*verdict=accept' "TCP transport"
python3 "$top_srcdir/tests/faults/milter_packets.py" "$AG_SOCKET" \
    --pid "$AG_AUTHGATE_PID" --cycles 1000 ||
	ag_fail "hostile milter packets over TCP"
echo "all bad input checks passed"
