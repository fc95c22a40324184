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
#  7. what a domain's header needed is asked at its next MAIL, before
#     any header: a message MAIL FROM bounce.org, From: news.org, signed
#     by mail.org (passes, aligned) and by bounce.org (body changed:
#     fails, but its key was found) teaches the next MAIL FROM
#     bounce.org from another client to ask both keys and news.org's
#     DMARC record before its header;
#  8. the same message MAIL FROM a domain whose SPF record does not pass
#     the client, then MAIL FROM one that passes it but is not aligned
#     with news.org, teach nothing of the other names: the next MAIL
#     FROM either domain asks neither mail.org's key nor news.org's
#     record (cases 7 and 8 need python3-dkim to sign, and are skipped
#     without it).
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

HELO=none.authgate.example

# 7. and 8.: the message, signed here (sign_all): by mail.org over its
# body, by bounce.org over another body (so its body hash fails)
sign_all() {
	head="From: news@news.org.authgate.example\r\nTo: rcpt@rcpt.example\r\nSubject: hints\r\n\r\n"
	for sig in "mail.org hello" "bounce.org changed"; do
		set -- $sig
		printf "${head}$2\r\n" | "$AG_PYTHON" \
		    "$top_srcdir/tests/lib/dkim_sign.py" \
		    "$top_srcdir/tests/keys/rsa2048.pem" "$1.authgate.example" \
		    s2048 > "$AG_WORK/sig-$1" || ag_fail "cannot sign for $1"
	done
}

# signed IP QID ADDRESS - the signed message, accepted
signed() {
	: > "$DNS_PROXY_LOG"
	lua "local conn = connect_from(\"$1\", \"$HELO\")
check(mail(conn, \"$2\", \"<$3>\") == SMFIR_CONTINUE, \"$2: MAIL accepted\")
check(rcpt(conn, \"<rcpt@rcpt.example>\") == SMFIR_CONTINUE, \"$2: RCPT accepted\")
local r = message(conn, {
    { \"DKIM-Signature\", slurp(\"$AG_WORK/sig-mail.org\") },
    { \"DKIM-Signature\", slurp(\"$AG_WORK/sig-bounce.org\") },
    { \"From\", \"news@news.org.authgate.example\" },
    { \"To\", \"rcpt@rcpt.example\" },
    { \"Subject\", \"hints\" } }, \"hello\\r\\n\")
check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, \"$2: message accepted\")
mt.disconnect(conn)"
	ag_wait_for 10 ag_log_has "$2: .*verdict=accept" ||
		ag_fail "no log line for $2"
}

# mail_only IP QID ADDRESS NAME... - a transaction held open after RCPT,
# with no header sent, until each NAME (TXT) reached the resolver
mail_only() {
	ip=$1 qid=$2 addr=$3
	shift 3
	: > "$DNS_PROXY_LOG"
	want=""
	for n in "$@"; do
		want="$want \"$n 16\\n\","
	done
	lua "local conn = connect_from(\"$ip\", \"$HELO\")
check(mail(conn, \"$qid\", \"<$addr>\") == SMFIR_CONTINUE, \"$qid: MAIL accepted\")
check(rcpt(conn, \"<rcpt@rcpt.example>\") == SMFIR_CONTINUE, \"$qid: RCPT accepted\")
local want = { $want }
local missing
for i = 1, 100 do
	local log = slurp(\"$DNS_PROXY_LOG\")
	missing = nil
	for _, n in ipairs(want) do
		if not string.find(log, n, 1, true) then
			missing = n
		end
	end
	if missing == nil then
		break
	end
	os.execute(\"sleep 0.1\")
end
check(missing == nil, \"$qid: asked before the header: $*\")
mt.disconnect(conn)" || ag_fail "$qid: not all of $* were asked before the header: $(cat "$DNS_PROXY_LOG")"
}

# python3-dkim signs (tests/run-all.sh installs it); without it the
# cases before still run
if ! /usr/bin/python3 -c 'import dkim' >/dev/null 2>&1; then
	echo "# SKIP cases 7 and 8: python3-dkim is not installed"
	ag_no_errors_logged
	echo "ok - lookups ahead of MAIL for returning clients"
	exit 0
fi
ag_python_dkim
sign_all

signed 192.0.2.92 LA-7 u@bounce.org.authgate.example
ag_log_has 'LA-7: .*spf_mailfrom=pass\(bounce\.org\.authgate\.example\) .*dkim=pass\(mail\.org\.authgate\.example\),fail\(bounce\.org\.authgate\.example: the body hash does not match.* dmarc=pass\(news\.org\.authgate\.example ' ||
	ag_fail "LA-7: not the results the case is about: $(grep 'LA-7:' "$AG_WORK/authgate.log")"
mail_only 192.0.2.93 LA-8 u@bounce.org.authgate.example \
    s2048._domainkey.mail.org.authgate.example \
    s2048._domainkey.bounce.org.authgate.example \
    _dmarc.news.org.authgate.example
echo "ok - a sibling's aligned key, a key that was found and failed, and another author domain of the organization are asked at MAIL"

# unrelated QID DOMAIN SPF WHY - after the signed message MAIL FROM
# DOMAIN (SPF result SPF), the next MAIL FROM it (from another client)
# asks its own DMARC record and none of the organization's names
unrelated() {
	signed 192.0.2.94 "$1" "u@$2"
	ag_log_has "$1: .*spf_mailfrom=$3\\($2\\) .*dkim=pass\\(mail\\.org\\.authgate\\.example\\)" ||
		ag_fail "$1: not the results the case is about: $(grep "$1:" "$AG_WORK/authgate.log")"
	mail_only 192.0.2.95 "$1-next" "u@$2" "_dmarc.$2"
	sleep 0.5	# what MAIL starts is sent together; let stragglers land
	for n in s2048._domainkey.mail.org.authgate.example \
	    s2048._domainkey.bounce.org.authgate.example \
	    _dmarc.news.org.authgate.example; do
		[ "$(asked "$n" 16)" -eq 0 ] ||
			ag_fail "$1-next: $n was asked after mail from a domain $4"
	done
	echo "ok - a domain $4 teaches no name of the organization's"
}
unrelated LA-9 neutral.authgate.example neutral \
    "whose SPF record did not pass the client"
unrelated LA-10 pass.authgate.example pass "that SPF passed, not aligned"

ag_no_errors_logged
echo "ok - lookups ahead of MAIL for returning clients"
