#!/bin/sh
# rcpt_waits.sh - integration: the answer to RCPT waits only for the
# lookups whose result can refuse mail there. The resolver in front of
# authgate (tests/lib/dns_proxy.py, mode "silent in-addr.arpa") drops
# every PTR query, so the reverse DNS check can only end at its timeout.
#  1. iprev results only recorded (the default): RCPT is answered without
#     that wait, which moves to the end of the message, where the
#     Authentication-Results field needs the result (iprev=temperror).
#  2. iprev temperror = tempfail: RCPT waits, and is refused with a 4xx.
#  3. iprev trust_mta = yes: the name the MTA confirmed is a pass, with
#     no lookup at all; a client the MTA could not confirm is checked.
#  4. authgate-check, envelope only, still shows the reverse DNS result.
# The waits are read from the log line's dns_wait; the bound compared is
# the whole timeout against none, not a fine timing.
. "$(dirname "$0")/../lib/common.sh"
ag_init rcpt_waits
ag_need miltertest
ag_need python3
ag_nsd_start

ag_dns_proxy_start "silent in-addr.arpa" 300

# run CONF_BODY LUA - authgate with that iprev section, one transaction
run() {
	AG_DNS_TIMEOUT=5s ag_write_conf "$AG_WORK/authgate.conf" "iprev {
  timeout = 3s
$1
}"
	ag_authgate_start "$AG_WORK/authgate.conf"
	cat > "$AG_WORK/t.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
-- one accepted transaction on conn: its Authentication-Results value
function tx(conn, qid)
	check(mail(conn, qid, "<u@pass.authgate.example>") == SMFIR_CONTINUE,
	    qid .. ": MAIL accepted")
	check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_CONTINUE,
	    qid .. ": RCPT accepted")
	local r = message(conn, { { "From", "u@pass.authgate.example" } })
	check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT,
	    qid .. ": message accepted")
	return mt.getheader(conn, "Authentication-Results", 0)
end
LUA
	printf '%s\n' "$2" >> "$AG_WORK/t.lua"
	ag_miltertest "$AG_WORK/t.lua"
}

# 1. recorded only: RCPT does not wait, the end of the message does
run "" '
local conn = connect_from("192.0.2.77", "mail.pass.authgate.example")
local ar = tx(conn, "W-REC")
check(ar ~= nil and has(ar, "iprev=temperror"),
    "the header has the reverse DNS result the answer did not wait for")
mt.disconnect(conn)'
ag_wait_for 10 ag_log_has 'W-REC: .*verdict=accept' ||
	ag_fail "no log line for W-REC"
line=$(grep 'W-REC: .*verdict=accept' "$AG_WORK/authgate.log" | head -1)
echo "$line" | grep -q 'iprev=temperror' ||
	ag_fail "the log line lacks iprev=temperror: $line"
rcpt_ms=$(echo "$line" | sed -n 's/.*dns_wait=[^ ]*rcpt:\([0-9]*\)ms.*/\1/p')
eom_ms=$(echo "$line" | sed -n 's/.*dns_wait=[^ ]*eom:\([0-9]*\)ms.*/\1/p')
echo "recorded iprev: waited rcpt ${rcpt_ms:-0} ms, eom ${eom_ms:-0} ms"
[ "${rcpt_ms:-0}" -lt 1500 ] ||
	ag_fail "RCPT waited ${rcpt_ms} ms for a lookup that cannot refuse: $line"
[ "${eom_ms:-0}" -ge 1500 ] ||
	ag_fail "the end of the message did not wait for iprev: $line"
ag_no_errors_logged
ag_authgate_stop

# 2. iprev temperror tempfails: RCPT must wait for it
: > "$AG_WORK/authgate.log"
run "  temperror = tempfail" '
local conn = connect_from("192.0.2.78", "mail.pass.authgate.example")
check(mail(conn, "W-REF", "<u@pass.authgate.example>") == SMFIR_CONTINUE,
    "MAIL accepted")
check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_REPLYCODE,
    "RCPT refused: it waited for the reverse DNS check")
mt.disconnect(conn)'
ag_wait_for 10 ag_log_has 'W-REF: .*iprev=temperror.*verdict=tempfail 45[01]' ||
	ag_fail "W-REF: no 45x for iprev=temperror in the log"
ag_no_errors_logged
ag_authgate_stop

# 3. trust_mta: the name the MTA confirmed is a pass without a lookup
# (none could answer here); an unconfirmed client ("[ip]") is checked
: > "$AG_WORK/authgate.log"
run "  trust_mta = yes" '
local conn = connect_from("192.0.2.79", "mail.pass.authgate.example")
local ar = tx(conn, "W-MTA")
check(ar ~= nil and has(ar, "iprev=pass"), "iprev=pass from the MTA name")
mt.disconnect(conn)
conn = mt.connect(socket, 40, 0.05)
check(mt.conninfo(conn, "[192.0.2.80]", "192.0.2.80") == nil, "conninfo")
check(mt.helo(conn, "mail.pass.authgate.example") == nil, "helo")
ar = tx(conn, "W-OWN")
check(ar ~= nil and has(ar, "iprev=temperror"),
    "an unconfirmed client is checked by authgate")
mt.disconnect(conn)'
ag_wait_for 10 ag_log_has 'W-OWN: .*verdict=accept' ||
	ag_fail "no log line for W-OWN"
line=$(grep 'W-MTA: .*verdict=accept' "$AG_WORK/authgate.log" | head -1)
echo "$line" | grep -q 'iprev=pass(client\.example, by the MTA)' ||
	ag_fail "W-MTA: the log line lacks the MTA's pass: $line"
echo "$line" | grep -q 'dns_wait=[^ ]*eom:[0-9][0-9][0-9]' &&
	ag_fail "W-MTA: the end of the message waited for iprev: $line"
ag_log_has 'W-OWN: .*iprev=temperror' ||
	ag_fail "W-OWN: an unconfirmed client was not checked"
ag_no_errors_logged
ag_authgate_stop

# 4. authgate-check reports every result, those no answer waited for
# too: an envelope-only check still shows the reverse DNS finding
AG_DNS_TIMEOUT=5s ag_write_conf "$AG_WORK/check.conf" "iprev {
  timeout = 3s
}"
"$top_builddir/milter/authgate-check" -c "$AG_WORK/check.conf" \
    --ip 192.0.2.81 --helo mail.pass.authgate.example \
    --from u@pass.authgate.example --rcpt r@rcpt.example \
    > "$AG_WORK/check.out" 2>&1 || ag_fail "authgate-check: $(cat "$AG_WORK/check.out")"
grep -q 'iprev=temperror' "$AG_WORK/check.out" ||
	ag_fail "authgate-check lacks the reverse DNS result: $(cat "$AG_WORK/check.out")"
echo "ok - authgate-check shows the result RCPT did not wait for"
echo "ok - RCPT waits only for what can refuse there"
