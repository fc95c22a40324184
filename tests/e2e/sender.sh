#!/bin/sh
# sender.sh - end-to-end: authgate on a sending relay, through a private
# Postfix whose client logs in (XCLIENT LOGIN: Postfix itself hands the
# login to the milter as {auth_authen}). The domain lockdown migration
# story (auth=oldhost refused with the record and the fix, the zone
# changed and nsd reloaded, delivered), senderid= and sidw= matches and
# misses, "v=mc1" alone, no record, lockdown temperror and timeout, a
# login sending as an address it does not own (MAIL FROM and From:),
# temporary blocks (the next message 451 with the end time, another
# login unaffected, SIGHUP keeps them, listed and lifted with
# authgate-check, mail flows again when they end) and a rate limit (451
# with the limit; the window slides).
. "$(dirname "$0")/../lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
pf_test_init sender
AG_CHECK_BIN="$top_builddir/milter/authgate-check"

# lockdown_zone SERIAL OLD-RECORD - the test's own zone; TTL 1 so that a
# change is seen a second after nsd reloads it
lockdown_zone() {
	mkdir -p "$AG_WORK/zones"
	cat > "$AG_WORK/zones/lockdown.example.zone" <<ZONE
\$ORIGIN lockdown.example.
\$TTL 1
@		SOA	ns.lockdown.example. hostmaster.lockdown.example. $1 3600 600 86400 1
@		NS	ns
ns		A	127.0.0.1
_mailchannels.old	TXT	"$2"
_mailchannels.old2	TXT	"v=mc1 auth=oldhost"
_mailchannels.locked	TXT	"v=mc1"
_mailchannels.sid	TXT	"v=mc1 senderid=newhost|x-authuser|bob"
_mailchannels.wild	TXT	"v=mc1 sidw=newhost|x-authuser|team-*"
_mailchannels.mc2	TXT	"v=mc2 auth=oldhost"
_mailchannels.garbage	TXT	"v=mc1 auth=newhost ???"
_mailchannels.two	TXT	"v=mc1 auth=newhost"
_mailchannels.two	TXT	"v=mc1 auth=other"
_mailchannels.spf	TXT	"v=spf1 -all"
ZONE
}

lockdown_zone 1 "v=mc1 auth=oldhost"
ag_nsd_start
# a forwarder in front of nsd that the test can silence (the DNS timeout)
ag_dns_proxy_start fast 600

LOGINS='logins = { "bob acme", "carol acme", "dave acme", "team-x acme",
             "rl rated", "alice other", "rc rcpts" }'
# base_conf LOGINS - the relay's config with this logins line
base_conf() {
	echo "socket_mode = \"0666\"
control_socket = \"$AG_WORK/control.sock\"
sender_identity {
  relay_ids = \"newhost\"
  $1
}
$REST_CONF"
}
REST_CONF="
sender_login {
  owners = { \"@.lockdown.example account:acme\",
             \"@servfail.example account:acme\",
             \"@rated.example account:rated\",
             \"@rcpts.example account:rcpts\",
             \"alice@other.example alice\" }
}
lockdown {
  enabled = yes
  timeout = 2s
}
rate_limits {
  limit \"login\" { messages = \"3/4s\" }
  account \"acme\" { messages = \"100000/1h\" }
  account \"rcpts\" { recipients = \"2/1h\" }
}"
BASE_CONF=$(base_conf "$LOGINS")
BLOCKS_CONF="blocks {
  keys = \"login\"
  refusals = 3
  window = 1m
  duration = 6s
}"
ag_write_conf "$AG_WORK/authgate.conf" "$BASE_CONF"
ag_authgate_start "$AG_WORK/authgate.conf"

pf_start_with_sink "unix:$AG_WORK/authgate.sock"

N=0
# send SUBJECT-WORDS ARGS... - one message; its subject is unique
send() {
	N=$((N + 1))
	what="$1"
	shift
	python3 "$top_srcdir/tests/e2e/send_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" --subject "sender-$N" --what "$what" "$@" ||
		ag_fail "send_check: $what"
}

# --- domain lockdown: the migration story -------------------------------
send "auth=oldhost" --login bob --mail-from bob@old.lockdown.example \
    --expect 550 --stage rcpt --not-delivered \
    --reply-has "not authorized to send from old.lockdown.example" \
    --reply-has '_mailchannels.old.lockdown.example TXT "v=mc1 auth=oldhost"' \
    --reply-has "this relay is auth=newhost, sending for login bob (account acme)" \
    --reply-has "adds auth=newhost (this relay), or senderid=newhost|x-authuser|bob"
ag_expect_log 'login=bob account=acme lockdown_mailfrom=fail\(old\.lockdown\.example: v=mc1 auth=oldhost\).*verdict=reject 550 5\.7\.1 \(lockdown\)' \
    "the lockdown refusal is logged with the record"
lockdown_zone 2 "v=mc1 auth=newhost"
ag_nsd_reload
sleep 2	# nsd reloads; the old answer's TTL (1 s) runs out
send "after the zone change to auth=newhost" --login bob \
    --mail-from bob@old.lockdown.example --expect 250 --delivered
ag_expect_log 'lockdown_mailfrom=pass\(old\.lockdown\.example: auth=newhost\)' \
    "the pass is logged with the field that allowed it"
send "senderid= match" --login bob --mail-from bob@sid.lockdown.example \
    --expect 250 --delivered
send "senderid= miss" --login dave --mail-from dave@sid.lockdown.example \
    --expect 550 --reply-has "senderid=newhost|x-authuser|dave"
send "sidw= match" --login team-x --mail-from x@wild.lockdown.example \
    --expect 250 --delivered
send "sidw= miss" --login bob --mail-from bob@wild.lockdown.example \
    --expect 550 --not-delivered
send "v=mc1 alone" --login bob --mail-from bob@locked.lockdown.example \
    --expect 550 --reply-has "locks the domain completely"
send "no record" --login bob --mail-from bob@open.lockdown.example \
    --expect 250 --delivered
send "v=mc2 is not a lockdown record" --login bob \
    --mail-from bob@mc2.lockdown.example --expect 250 --delivered
send "a malformed record" --login bob --mail-from bob@garbage.lockdown.example \
    --expect 550 --reply-has "is broken" --reply-has "not name=value"
send "two records" --login bob --mail-from bob@two.lockdown.example \
    --expect 550 --reply-has "2 lockdown records"
send "From: locked by its record" --login bob \
    --mail-from bob@open.lockdown.example --from bob@old2.lockdown.example \
    --expect 550 --stage data --not-delivered \
    --reply-has "old2.lockdown.example (the From: domain)"
send "From: a second address in a locked domain" --login bob \
    --mail-from bob@open.lockdown.example \
    --from "bob@open.lockdown.example, x@old2.lockdown.example" \
    --expect 550 --stage data --reply-has "old2.lockdown.example (the From: domain)"
send "From: twice" --login bob --mail-from bob@open.lockdown.example \
    --header "From: ceo@other.example" --expect 550 --stage data \
    --reply-has "the From: field appears 2 times"
send "lockdown SERVFAIL" --login bob --mail-from bob@servfail.example \
    --expect 451 --reply-has "cannot be looked up just now"
echo silent > "$AG_WORK/dns.mode"
send "lockdown DNS timeout" --login bob --mail-from bob@slow.lockdown.example \
    --expect 451 --reply-has "cannot be looked up just now"
echo fast > "$AG_WORK/dns.mode"

# --- which login may send as which address --------------------------------
send "MAIL FROM of another login" --login bob --mail-from alice@other.example \
    --expect 550 --stage rcpt \
    --reply-has "Login bob (account acme) may not send as alice@other.example (MAIL FROM)" \
    --reply-has "belongs to alice" --reply-has "it may use @.lockdown.example"
send "From: of another login" --login bob --mail-from bob@open.lockdown.example \
    --from alice@other.example --expect 550 --stage data \
    --reply-has "may not send as alice@other.example (From:)"
send "the owner itself" --login alice --mail-from alice@other.example \
    --expect 250 --delivered
ag_expect_log 'sender_login_mailfrom=mismatch\(alice@other\.example owned by alice\)' \
    "the login mismatch is logged"

# --- rate limit: 3 messages in 4 s for login rl ---------------------------
for i in 1 2 3; do
	send "rate $i of 3" --login rl --mail-from rl@rated.example --expect 250
done
send "rate: the 4th" --login rl --mail-from rl@rated.example --expect 451 \
    --reply-has "The limit of 3 messages per 4 seconds for login rl is reached" \
    --reply-has "sending may resume at about"
ag_expect_log 'rate=msgs:login:rl|rate=login:rl' "the rate refusal is logged"
send "a recipients limit: the third recipient" --login rc \
    --mail-from rc@rcpts.example --rcpt a@rcpt.example --rcpt b@rcpt.example \
    --rcpt c@rcpt.example --expect 451 --stage rcpt --delivered \
    --reply-has "The limit of 2 recipients per 1 hour for login rc is reached"
send "a recipients limit: the next message" --login rc \
    --mail-from rc@rcpts.example --expect 451 --stage rcpt \
    --reply-has "2 sent in the last 1 hour"
send "rate: another login" --login dave --mail-from dave@open.lockdown.example \
    --expect 250
sleep 5
send "rate: the window slid" --login rl --mail-from rl@rated.example \
    --expect 250 --delivered

# --- temporary blocks after repeated refusals -----------------------------
ag_write_conf "$AG_WORK/authgate.conf" "$BASE_CONF
$BLOCKS_CONF"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'configuration reloaded from' ||
	ag_fail "the blocks configuration was not loaded"
block_carol() {
	for i in 1 2 3; do
		send "carol's refusal $i" --login carol \
		    --mail-from alice@other.example --expect 550
	done
}
block_carol
send "blocked login" --login carol --mail-from carol@open.lockdown.example \
    --expect 451 --reply-has "Sending is blocked for login carol until" \
    --reply-has "after 3 refused messages" \
    --reply-has "may not send as alice@other.example"
ag_expect_log 'block=login:carol until=' "the block is logged"
send "another login from the same IP" --login dave \
    --mail-from dave@open.lockdown.example --expect 250 --delivered
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'configuration reloaded from.*' ||
	ag_fail "no second reload"
sleep 0.5
send "blocked after SIGHUP" --login carol --mail-from carol@open.lockdown.example \
    --expect 451 --reply-has "blocked for login carol"
"$AG_CHECK_BIN" -c "$AG_WORK/authgate.conf" --blocks > "$AG_WORK/blocks.out" ||
	ag_fail "authgate-check --blocks failed"
cat "$AG_WORK/blocks.out"
grep -q '^login:carol blocked until .* after 3 refusals' "$AG_WORK/blocks.out" ||
	ag_fail "authgate-check --blocks does not list login:carol"
echo "ok - authgate-check --blocks lists the block"
"$AG_CHECK_BIN" -c "$AG_WORK/authgate.conf" --unblock login:carol ||
	ag_fail "authgate-check --unblock failed"
send "lifted" --login carol --mail-from carol@open.lockdown.example \
    --expect 250 --delivered
rc=0
"$AG_CHECK_BIN" -c "$AG_WORK/authgate.conf" --unblock login:carol || rc=$?
[ "$rc" = 1 ] || ag_fail "--unblock of a key without a block: exit $rc, not 1"
echo "ok - --unblock says when there was no block (exit 1)"
block_carol
send "blocked again" --login carol --mail-from carol@open.lockdown.example \
    --expect 451
sleep 7
send "the block ended" --login carol --mail-from carol@open.lockdown.example \
    --expect 250 --delivered

# --- a map file with a bad line: file:line, the running maps kept --------
printf 'carol acme\nbroken-line-without-account\n' > "$AG_WORK/logins"
ag_write_conf "$AG_WORK/bad.conf" "$(base_conf "logins_file = \"$AG_WORK/logins\"")"
out=$("$AG_BIN" -n -c "$AG_WORK/bad.conf" 2>&1) &&
	ag_fail "authgate -n accepted a logins file with a bad line"
echo "$out" | grep -q "logins:2: login \"broken-line-without-account\" has no account" ||
	ag_fail "authgate -n does not name the file and line: $out"
echo "ok - a bad map line is refused with file:line: $out"
cp "$AG_WORK/bad.conf" "$AG_WORK/authgate.conf"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'reload failed, keeping the running configuration: .*logins:2: ' ||
	ag_fail "no 'reload failed' line naming logins:2"
echo "ok - SIGHUP with the bad map: logged with file:line"
send "the running maps kept" --login carol --mail-from carol@open.lockdown.example \
    --expect 250 --delivered

ag_no_errors_logged 'reload failed'
grep -E 'warning: .*milter|fatal:|panic:' "$PF/postfix.log" &&
	ag_fail "Postfix reported milter trouble"
echo "ok - Postfix logged no milter trouble"
echo "all sending-side end-to-end checks passed"
