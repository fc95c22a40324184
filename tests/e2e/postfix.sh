#!/bin/sh
# postfix.sh - end-to-end: a private Postfix instance (own config and
# queue, listening on 127.0.0.1 only) with authgate in smtpd_milters,
# relaying to smtp-sink; an SMTP client claims client addresses with
# XCLIENT and checks what it is answered and what smtp-sink received.
# Needs root (Postfix's master runs as root).
. "$(dirname "$0")/../lib/common.sh"
# Postfix's processes run as "postfix" and must reach the socket, the
# queue and the sink: the work dir is under /tmp (pf_test_init).
. "$top_srcdir/tests/lib/postfix.sh"
pf_test_init e2e

ag_nsd_start
ag_python_dkim
E2E_CONF='socket_mode = "0666"
spf {
  received_spf_header = yes
}
dmarc {
  domain "quar.authgate.example" {
    quarantine = quarantine
  }
}
sender_networks {
  domain "bank.authgate.example" { networks = "192.0.2.0/24" }
}'
E2E_CONF="$E2E_CONF
$(cat "$top_srcdir/tests/lib/test-lists.conf")"
# every DMARC evaluation recorded for aggregate reports, by the daemon
# running as nobody, in a directory it may write
install -d -o nobody -m 0755 "$AG_WORK/reports"
E2E_CONF="$E2E_CONF
dmarc_reports {
  store = \"sqlite:$AG_WORK/reports/dmarc.sqlite\"
  failure_reports = yes
}"
ag_write_conf "$AG_WORK/authgate.conf" "$E2E_CONF"
# as root, dropping privileges to "nobody" once the socket is open
ag_authgate_start "$AG_WORK/authgate.conf" -u nobody
ag_expect_log 'running as user nobody' "privileges dropped"
[ "$(ps -o user= -p "$AG_AUTHGATE_PID")" = nobody ] ||
	ag_fail "authgate does not run as nobody"

pf_start_with_sink "unix:$AG_WORK/authgate.sock"

check() {
	"$AG_PYTHON" "$top_srcdir/tests/e2e/smtp_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" --authserv-id mx.authgate.test "$@" ||
		ag_fail "smtp_check $*"
}

check pass fail forged huge percent authenticated dkim_pass dkim_body \
    dmarc_quarantine two_from dnsbl_sbl dnsbl_pbl dnsbl_v6 dnsbl_postmaster \
    dnswl sender_networks iprev_fail
# the p=quarantine failure waits in Postfix's hold queue
postqueue -c "$PF/etc" -p 2>/dev/null | grep -q '^[0-9A-F]*!' ||
	ag_fail "no message in the hold queue"
echo "ok - the p=quarantine failure is in the hold queue"
# report only, switched on with SIGHUP: what would be refused is delivered
ag_write_conf "$AG_WORK/authgate.conf" "report_only = yes
$E2E_CONF"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'configuration reloaded from' ||
	ag_fail "the report-only configuration was not loaded"
check report_only
ag_expect_log 'client=unknown\[198\.51\.100\.50\] .*would="reject: dnsbl score 3; reject: spf_mailfrom=fail" verdict=accept' \
    "report only: the log says what would have been refused, and why"
reloads() {	# at least N successful reloads logged so far
	[ "$(grep -c 'configuration reloaded from' "$AG_WORK/authgate.log")" -ge "$1" ]
}
ag_write_conf "$AG_WORK/authgate.conf" "$E2E_CONF"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 reloads 2 || ag_fail "the normal configuration was not reloaded"

# the DNS server stops: never accept-as-pass, never 550
# the aggregate report sent by mail (before the DNS server stops: the
# destinations are verified in DNS): one message from rep.authgate.example,
# whose rua= names four destinations
python3 "$top_srcdir/tests/e2e/send_check.py" --port "$SMTP_PORT" \
    --sink "$AG_WORK/sink" --subject rua-source --addr 192.0.2.10 \
    --mail-from u@rep.authgate.example --from u@rep.authgate.example \
    --expect 250 --delivered --what "a message for the report" ||
	ag_fail "the message for the report"
ag_wait_for 10 python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect('file:$AG_WORK/reports/dmarc.sqlite?mode=ro', uri=True).execute(\"SELECT count(*) FROM dmarc_message WHERE policy_domain = 'rep.authgate.example'\").fetchone()[0] == 1 else 1)" ||
	ag_fail "no record for rep.authgate.example"
ag_write_conf "$AG_WORK/report.conf" "dmarc_reports {
  store = \"sqlite:$AG_WORK/reports/dmarc.sqlite\"
  org_name = \"authgate tests\"
  email = \"dmarc@mx.authgate.test\"
  transport = \"smtp:127.0.0.1:$SINK_PORT\"
  failure_max = 2
}"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report.conf" \
    --from 0 --to "$(($(date +%s) + 60))" > "$AG_WORK/send.out" \
    2> "$AG_WORK/send.err" ||
	ag_fail "authgate-report: $(cat "$AG_WORK/send.out" "$AG_WORK/send.err")"
echo "ok - $(cat "$AG_WORK/send.out")"
grep -q 'rep.authgate.example: report .* sent to agg@reports.other.example' \
    "$AG_WORK/send.err" || ag_fail "not sent to the verified destination: $(cat "$AG_WORK/send.err")"
grep -q 'rep.authgate.example: not sending to agg@noverify.other.example: rep.authgate.example._report._dmarc.noverify.other.example has no "v=DMARC1" TXT record' \
    "$AG_WORK/send.err" || ag_fail "the unverified destination: $(cat "$AG_WORK/send.err")"
grep -q 'rep.authgate.example: not sending to small@rep.authgate.example: the report mail ([0-9]* bytes) is over its limit of 1 bytes' \
    "$AG_WORK/send.err" || ag_fail "the size limit: $(cat "$AG_WORK/send.err")"
grep -q 'rep.authgate.example: rua=: skipped "https://reports.other.example/dmarc": not a mailto: URI' \
    "$AG_WORK/send.err" || ag_fail "the https: URI: $(cat "$AG_WORK/send.err")"
grep -q 'rep.authgate.example: agg@override.other.example asks for reports at box@override.other.example instead' \
    "$AG_WORK/send.err" && grep -q 'rep.authgate.example: report .* sent to box@override.other.example' \
    "$AG_WORK/send.err" || ag_fail "the overriding destination: $(cat "$AG_WORK/send.err")"
grep -q 'rep.authgate.example: not sending to agg@badoverride.other.example: its verification record names rua=mailto:box@elsewhere.example, an address at another host' \
    "$AG_WORK/send.err" || ag_fail "the override at another host: $(cat "$AG_WORK/send.err")"
grep -q 'sent to [a-z]*@elsewhere.example\|sent to agg@badoverride' "$AG_WORK/send.err" &&
	ag_fail "sent where it must not: $(cat "$AG_WORK/send.err")"
echo "ok - the verified destination got the report; the unverified one, the one over its size limit and the https: URI were skipped and logged"
echo "ok - a destination's own rua= replaced it (RFC 7489 7.1); one naming another host got nothing"
python3 "$top_srcdir/tests/e2e/dmarc_report_mail.py" --sink "$AG_WORK/sink" \
    --domain rep.authgate.example --to agg@reports.other.example \
    --messages 1 || ag_fail "the report mail"
python3 "$top_srcdir/tests/e2e/dmarc_report_mail.py" --sink "$AG_WORK/sink" \
    --domain rep.authgate.example --to box@override.other.example \
    --messages 1 || ag_fail "the report mail to the overriding address"
# failure reports (ruf=, fo=1): three messages fail DMARC for a domain
# that asks for them; two are sent (failure_max = 2), one dropped; the
# mails carry the original's header fields, not its body
for i in 1 2 3; do
	python3 "$top_srcdir/tests/e2e/send_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" --subject "ruf-source-$i" \
	    --addr 198.51.100.20 --mail-from u@fr.authgate.example \
	    --expect 250 --delivered --what "a message for a failure report" ||
		ag_fail "the message for a failure report"
done
rows_fr() {
	python3 -c "import sqlite3,sys; sys.exit(0 if sqlite3.connect('file:$AG_WORK/reports/dmarc.sqlite?mode=ro', uri=True).execute('SELECT count(*) FROM dmarc_failure').fetchone()[0] == $1 else 1)"
}
ag_wait_for 10 rows_fr 3 || ag_fail "no 3 failure reports recorded"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report.conf" --failure \
    > "$AG_WORK/failure.out" 2> "$AG_WORK/failure.err" ||
	ag_fail "authgate-report --failure: $(cat "$AG_WORK/failure.out" "$AG_WORK/failure.err")"
grep -q '^authgate-report: 3 failure reports: 2 mails sent, 0 files written, 0 destinations unverified, 0 over their size limit, 1 over failure_max, 0 not sent (passing failures); ok$' \
    "$AG_WORK/failure.out" || ag_fail "authgate-report --failure said: $(cat "$AG_WORK/failure.out" "$AG_WORK/failure.err")"
echo "ok - $(cat "$AG_WORK/failure.out")"
python3 "$top_srcdir/tests/e2e/dmarc_failure_check.py" --sink "$AG_WORK/sink" \
    --to fail@fr.authgate.example --count 2 --domain fr.authgate.example \
    --source-ip 198.51.100.20 --subject-prefix ruf-source- \
    --body-absent "Hello." || ag_fail "the failure report mails"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report.conf" --failure \
    > "$AG_WORK/failure2.out" 2>&1 &&
    grep -q '^authgate-report: 0 failure reports: ' "$AG_WORK/failure2.out" ||
	ag_fail "a second run: $(cat "$AG_WORK/failure2.out")"
rows_fr 0 || ag_fail "failure reports left in the store"
echo "ok - sent or dropped, the failure reports are forgotten: a second run has none"
# a sendmail that cannot be run: logged, exit 1, the summary still said
sed 's|transport = .*|transport = "sendmail:/nonexistent/sendmail"|' \
    "$AG_WORK/report.conf" > "$AG_WORK/report-bad.conf"
rc=0
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report-bad.conf" \
    --from 0 --to "$(($(date +%s) + 60))" > "$AG_WORK/bad.out" \
    2> "$AG_WORK/bad.err" || rc=$?
[ "$rc" -eq 1 ] && grep -q 'sending to agg@reports.other.example failed: /nonexistent/sendmail exited with 127 (could not be run)' \
    "$AG_WORK/bad.err" && grep -q '; errors (see the log)$' "$AG_WORK/bad.out" ||
	ag_fail "a sendmail that cannot run (exit $rc): $(cat "$AG_WORK/bad.out" "$AG_WORK/bad.err")"
echo "ok - a sendmail that cannot be run: the failure logged, exit 1, the summary printed"
ag_nsd_stop
check tempfail

ag_expect_log '[0-9A-F]+: client=unknown\[192\.0\.2\.10\] .*verdict=accept stage=eom' \
    "the daemon logged the delivered messages"
ag_expect_log 'deleted 2 Authentication-Results fields' "forgeries logged"
ag_expect_log 'client=unknown\[198\.51\.100\.20\] .*exempt="DNSBL, iprev, HELO, SPF, sender networks, DKIM, DMARC not checked \(authenticated sender\)" verdict=accept' \
    "the authenticated sender's exemption is logged"
ag_expect_log 'client=unknown\[198\.51\.100\.50\] .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\) .*verdict=reject 550 5\.7\.1 \(dnsbl\)' \
    "the SBL refusal is logged with the list, code and category"
ag_expect_log 'client=unknown\[198\.51\.100\.50\] .*rcpt_exempt=postmaster .*verdict=accept' \
    "the postmaster@ exemption is logged"
python3 "$top_srcdir/tests/e2e/dmarc_rows.py" --log "$AG_WORK/authgate.log" \
    --db "$AG_WORK/reports/dmarc.sqlite" || ag_fail "the DMARC report records"
# the aggregate reports built from them (authgate-report --dry-run)
mkdir "$AG_WORK/rua"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/authgate.conf" \
    --from 0 --to "$(($(date +%s) + 60))" --dry-run "$AG_WORK/rua" \
    > "$AG_WORK/report.out" 2> "$AG_WORK/report.err" ||
	ag_fail "authgate-report: $(cat "$AG_WORK/report.out" "$AG_WORK/report.err")"
grep -Eq '^authgate-report: [0-9]+\.\.[0-9]+: [1-9][0-9]* reports' \
    "$AG_WORK/report.out" || ag_fail "authgate-report said: $(cat "$AG_WORK/report.out")"
echo "ok - $(cat "$AG_WORK/report.out")"
RUA_XSD=$(dpkg -L libmail-dmarc-perl 2>/dev/null | grep '/rua-schema\.xsd$' | head -1)
[ -n "$RUA_XSD" ] || ag_fail "no rua-schema.xsd (libmail-dmarc-perl)"
python3 "$top_srcdir/tests/e2e/dmarc_report_check.py" --dir "$AG_WORK/rua" \
    --db "$AG_WORK/reports/dmarc.sqlite" --schema "$RUA_XSD" ||
	ag_fail "the aggregate reports"
ag_no_errors_logged
grep -E 'warning: .*milter|fatal:|panic:' "$PF/postfix.log" &&
	ag_fail "Postfix reported milter trouble"
echo "ok - Postfix logged no milter trouble"
echo "all end-to-end checks passed"
