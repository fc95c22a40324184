#!/bin/sh
# lookups_ahead.sh - integration: a client address seen before has the
# lookups of the MAIL FROM domain it used last started at connect, and
# handed to the checks when MAIL names that domain again. The resolver in
# front of authgate (tests/lib/dns_proxy.py) writes every query it gets
# to a log, and the cache is off, so the log shows each query sent:
#  1. first connection of 192.0.2.90: nothing of pass.authgate.example is
#     asked before MAIL;
#  2. its transaction with MAIL FROM <u@pass.authgate.example> passes SPF;
#  3. its next connection, with no MAIL at all: the SPF record and the
#     DMARC record of pass.authgate.example were asked;
#  4. a transaction after such a connect: the SPF record and the DMARC
#     record are each asked once (the held queries serve the checks),
#     with the same results;
#  5. MAIL FROM a domain whose SPF record does not pass the client: its
#     own results, and it does not become the guess (a client cannot have
#     lookups started for a domain that does not list it); one that passes
#     it does.
#  6. the HELO SPF record's "a" term shares the HELO check's address
#     lookup, started at HELO, instead of asking it again after the
#     record came: one A query for the name, not two.
. "$(dirname "$0")/../lib/common.sh"
ag_init lookups_ahead
ag_need miltertest
ag_need python3
ag_nsd_start

DNS_PROXY_LOG="$AG_WORK/queries"
export DNS_PROXY_LOG
ag_dns_proxy_start fast 300
AG_DNS_EXTRA="cache_size = 0" ag_write_conf "$AG_WORK/authgate.conf"
ag_authgate_start "$AG_WORK/authgate.conf"

# lua BODY - run these miltertest lines
lua() {
	{
		echo 'dofile(srcdir .. "/tests/integration/lib.lua")'
		printf '%s\n' "$1"
	} > "$AG_WORK/t.lua"
	ag_miltertest "$AG_WORK/t.lua"
}

# asked NAME TYPE - how many times the resolver was asked
asked() {
	grep -c "^$1 $2\$" "$DNS_PROXY_LOG"
}

HELO=none.authgate.example	# no SPF record: none, never refused

# connect_only IP - a connection that ends after HELO, held open until
# the HELO's own lookup (started after anything started at connect)
# reached the resolver (lookups dropped before they are sent are not)
connect_only() {
	: > "$DNS_PROXY_LOG"
	lua "local conn = connect_from(\"$1\", \"$HELO\")
local seen = false
for i = 1, 100 do
	if string.find(slurp(\"$DNS_PROXY_LOG\"), \"$HELO 1\\n\", 1, true) then
		seen = true
		break
	end
	os.execute(\"sleep 0.1\")
end
check(seen, \"the HELO lookup of $HELO was sent\")
mt.disconnect(conn)"
}

# transaction IP QID ADDRESS - one accepted message, MAIL FROM and From:
transaction() {
	: > "$DNS_PROXY_LOG"
	lua "local ar, conn = deliver(\"$1\", \"$HELO\", \"$2\", \"<$3>\",
    { { \"From\", \"$3\" } })
mt.disconnect(conn)"
	ag_wait_for 10 ag_log_has "$2: .*verdict=accept" ||
		ag_fail "no log line for $2"
}

# 1. never seen: nothing asked for pass.authgate.example before MAIL
connect_only 192.0.2.90
[ "$(asked pass.authgate.example 16)" -eq 0 ] ||
	ag_fail "a first-seen client had lookups started for a guess"
echo "ok - nothing is guessed for a client never seen"

# 2. its transaction
transaction 192.0.2.90 LA-1 u@pass.authgate.example
ag_log_has 'LA-1: .*spf_mailfrom=pass\(pass\.authgate\.example\)' ||
	ag_fail "LA-1: SPF did not pass"

# 3. the next connection asks for pass.authgate.example before any MAIL
connect_only 192.0.2.90
ag_wait_for 10 sh -c "grep -q '^pass.authgate.example 16\$' '$DNS_PROXY_LOG' &&
    grep -q '^_dmarc.pass.authgate.example 16\$' '$DNS_PROXY_LOG'" ||
	ag_fail "the returning client's SPF and DMARC records were not asked at connect: $(cat "$DNS_PROXY_LOG")"
echo "ok - a returning client's MAIL FROM domain is looked up at connect"

# 4. a transaction after such a connect: each record asked once
transaction 192.0.2.90 LA-2 u@pass.authgate.example
ag_log_has 'LA-2: .*spf_mailfrom=pass\(pass\.authgate\.example\)' ||
	ag_fail "LA-2: SPF did not pass with the lookups started at connect"
spf=$(asked pass.authgate.example 16)
dmarc=$(asked _dmarc.pass.authgate.example 16)
echo "LA-2: SPF record asked $spf time(s), DMARC record $dmarc"
[ "$spf" -eq 1 ] && [ "$dmarc" -eq 1 ] ||
	ag_fail "LA-2: the records started at connect were asked again ($spf, $dmarc)"
echo "ok - the lookups started at connect serve the checks"

# 5. a domain that does not pass the client: its own results, no guess;
# then one that passes it (include: of pass) becomes the guess
transaction 192.0.2.90 LA-3 u@neutral.authgate.example
ag_log_has 'LA-3: .*spf_mailfrom=neutral\(neutral\.authgate\.example\)' ||
	ag_fail "LA-3: a wrong guess changed the result"
connect_only 192.0.2.90
ag_wait_for 10 grep -q '^pass.authgate.example 16$' "$DNS_PROXY_LOG" ||
	ag_fail "the guess did not stay with the domain that passed the client"
[ "$(asked neutral.authgate.example 16)" -eq 0 ] ||
	ag_fail "a domain that did not pass the client became its guess"
transaction 192.0.2.90 LA-4 u@include.authgate.example
ag_log_has 'LA-4: .*spf_mailfrom=pass\(include\.authgate\.example\)' ||
	ag_fail "LA-4: SPF did not pass"
connect_only 192.0.2.90
ag_wait_for 10 grep -q '^include.authgate.example 16$' "$DNS_PROXY_LOG" ||
	ag_fail "the guess did not follow the client's last passing domain"
echo "ok - a wrong guess costs lookups, not results; only a domain that passes the client is guessed"

# 6. HELO mail.authgate.example ("v=spf1 a -all"): one A query for it
HELO=mail.authgate.example
connect_only 192.0.2.91
ag_wait_for 10 grep -q "^$HELO 16\$" "$DNS_PROXY_LOG" ||
	ag_fail "the HELO SPF record was not asked"
sleep 1		# the SPF check ends with the connection; let its queries land
a=$(asked "$HELO" 1)
echo "HELO $HELO: A asked $a time(s)"
[ "$a" -eq 1 ] ||
	ag_fail "the HELO SPF check asked the HELO name's address again ($a)"
echo "ok - the HELO SPF check shares the HELO check's lookup"
ag_no_errors_logged
echo "ok - lookups ahead of MAIL for returning clients"
