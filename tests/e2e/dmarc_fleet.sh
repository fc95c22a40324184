#!/bin/sh
# dmarc_fleet.sh - end-to-end: DMARC report records of a fleet in one
# PostgreSQL database. A private postgres (tests/lib/pg.sh), two authgate
# daemons ("mx1", reaching it over TCP with a password from a passfile;
# "mx2", over its unix socket) behind one private Postfix that has a
# listener for each. Mail of every kind goes through both: DMARC pass
# from IPv4 and IPv6 sources, a failure not enforced for a trusted
# forwarder, two DKIM signatures, quarantine, reject, p=none. Then:
#   - every logged DMARC evaluation of either daemon has exactly one row
#     in the shared store (dmarc_rows.py, over a copy of the rows);
#   - authgate-report --dry-run reads the store and writes one report
#     per domain, valid against RFC 7489's schema, read back by
#     Mail::DMARC with exactly the stored counts (dmarc_report_check.py),
#     in which the same evaluation made by both hosts is one <record>
#     with the summed count (dmarc_fleet_check.py);
#   - the database stops mid-run: mail flows on, the rows are dropped
#     and counted (/metrics); it comes back: recording resumes.
# Needs root (Postfix's master runs as root; postgres runs as postgres).
. "$(dirname "$0")/../lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/pg.sh"
fleet_stop() {
	pf_test_stop
	pg_cleanup
}
pf_test_init dmarc_fleet fleet_stop
ag_need curl
ag_python_dkim

# the domains of this test: pass by SPF from IPv4 and IPv6, and
# softfail where DMARC then decides (quarantine, reject, none)
mkdir -p "$AG_WORK/zones"
KEY=$(sed -n 's/^s2048\._domainkey\.signed[[:space:]]*TXT[[:space:]]*//p' \
    "$top_srcdir/tests/zones/authgate.example.zone")
[ -n "$KEY" ] || ag_fail "no test key record in authgate.example.zone"
cat > "$AG_WORK/zones/fleet.example.zone" <<EOF
\$ORIGIN fleet.example.
\$TTL 300
@		SOA	ns.fleet.example. hostmaster.fleet.example. 1 3600 600 86400 300
@		NS	ns.authgate.example.
@		TXT	"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:5::/48 -all"
_dmarc		TXT	"v=DMARC1; p=reject; rua=mailto:dmarc@fleet.example"
s2048._domainkey TXT	$KEY
q		TXT	"v=spf1 ip4:192.0.2.0/24 ~all"
_dmarc.q	TXT	"v=DMARC1; p=quarantine"
r		TXT	"v=spf1 ip4:192.0.2.0/24 ~all"
_dmarc.r	TXT	"v=DMARC1; p=reject"
n		TXT	"v=spf1 ip4:192.0.2.0/24 ~all"
_dmarc.n	TXT	"v=DMARC1; p=none"
EOF
ag_nsd_start

pg_start "$AG_WORK"
PASSWORD="authgate-fleet-$$"
pg_role authgate "$PASSWORD"
printf '127.0.0.1:%s:authgate:authgate:%s\n' "$PG_PORT" "$PASSWORD" \
    > "$AG_WORK/pgpass"
chmod 600 "$AG_WORK/pgpass"

# two daemons, one store: mx1 over TCP (a URI), mx2 over the socket
METRICS_PORT=$(ag_free_port)
COMMON='socket_mode = "0666"
trusted_forwarders = "forwarder.authgate.example"
dmarc {
  quarantine = quarantine
}'
ag_write_conf "$AG_WORK/mx1.conf" "$COMMON
metrics = \"127.0.0.1:$METRICS_PORT\"
dmarc_reports {
  store = \"postgresql://authgate@127.0.0.1:$PG_PORT/authgate?passfile=$AG_WORK/pgpass\"
}"
ag_write_conf "$AG_WORK/mx2.conf" "$COMMON
dmarc_reports {
  store = \"postgresql:host=$PG_SOCK port=$PG_PORT dbname=authgate user=authgate\"
}"
sed -i 's/^authserv_id = .*/authserv_id = mx1.authgate.test/' "$AG_WORK/mx1.conf"
sed -i 's/^authserv_id = .*/authserv_id = mx2.authgate.test/' "$AG_WORK/mx2.conf"
AG_SOCKET="unix:$AG_WORK/mx1.sock"
ag_authgate_start "$AG_WORK/mx1.conf"
MX1_PID=$AG_AUTHGATE_PID
"$AG_BIN" -f -c "$AG_WORK/mx2.conf" -p "unix:$AG_WORK/mx2.sock" \
    -P "$AG_WORK/mx2.pid" > "$AG_WORK/mx2.log" 2>&1 &
MX2_PID=$!
AG_PIDS="$AG_PIDS $MX2_PID"
ag_wait_for 10 test -S "$AG_WORK/mx2.sock" || ag_fail "mx2 did not start"

# one Postfix, a listener per daemon
pf_start_with_sink "unix:$AG_WORK/mx1.sock"
PORT2=$(ag_free_port)
echo "127.0.0.1:$PORT2 inet n - n - - smtpd -o smtpd_milters=unix:$AG_WORK/mx2.sock" \
    >> "$PF/etc/master.cf"
postfix -c "$PF/etc" reload >/dev/null 2>&1 || ag_fail "postfix reload failed"
ag_wait_for 10 python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT2), 1)" ||
	ag_fail "the second listener does not answer"

N=0
send() {	# PORT SUBJECT ADDR SENDER EXPECT [send_check args]
	s_port=$1 s_subj=$2 s_addr=$3 s_from=$4 s_expect=$5
	shift 5
	"$AG_PYTHON" "$top_srcdir/tests/e2e/send_check.py" --port "$s_port" \
	    --sink "$AG_WORK/sink" --subject "$s_subj" --addr "$s_addr" \
	    --mail-from "$s_from" --from "$s_from" --expect "$s_expect" "$@" ||
		ag_fail "send_check $s_subj"
	N=$((N + 1))
}
KEYFILE="$top_srcdir/tests/keys/rsa2048.pem"
for i in 1 2 3; do
	send "$SMTP_PORT" "mx1-pass-$i" 192.0.2.10 u@fleet.example 250 --delivered
done
for i in 1 2; do
	send "$PORT2" "mx2-pass-$i" 192.0.2.10 u@fleet.example 250 --delivered
done
send "$SMTP_PORT" mx1-ipv6 2001:db8:5::25 u@fleet.example 250 --delivered
# SPF fails and DMARC fails (p=reject), neither enforced: the client is
# a server of forwarder.authgate.example, a trusted forwarder
send "$PORT2" mx2-forwarded 198.51.100.77 u@fleet.example 250 --delivered
# two signatures, the author's (aligned) and a list's; the envelope an
# ESP's (no SPF record): DMARC passes by DKIM
send "$SMTP_PORT" mx1-two-sigs 198.51.100.20 bounce@esp.authgate.example 250 \
    --from u@fleet.example --delivered \
    --sign "$KEYFILE:fleet.example:s2048" \
    --sign "$KEYFILE:lists.authgate.example:s2048"
send "$SMTP_PORT" mx1-quarantine 198.51.100.20 u@q.fleet.example 250
send "$PORT2" mx2-reject 198.51.100.20 u@r.fleet.example 550 --stage data \
    --not-delivered
send "$PORT2" mx2-none 198.51.100.20 u@n.fleet.example 250 --delivered
echo "ok - $N messages through the two daemons"

# every evaluation, one row in the shared store
PSQL="$PG_BIN/psql -X -h $PG_SOCK -p $PG_PORT -U authgate -d authgate"
rows() { $PSQL -At -c "SELECT count(*) FROM dmarc_message" 2>/dev/null; }
rows_are() { [ "$(rows)" = "$1" ]; }
ag_wait_for 10 rows_are "$N" ||
	ag_fail "$(rows) rows in PostgreSQL, want $N"
[ "$($PSQL -At -c "SELECT string_agg(reporter || '=' || n, ' ' ORDER BY reporter) FROM (SELECT reporter, count(*) AS n FROM dmarc_message GROUP BY 1) x")" = \
    "mx1.authgate.test=6 mx2.authgate.test=5" ] ||
	ag_fail "rows per host: $($PSQL -At -c "SELECT reporter, count(*) FROM dmarc_message GROUP BY 1")"
echo "ok - $N rows in PostgreSQL: 6 from mx1, 5 from mx2"
python3 "$top_srcdir/tests/e2e/pg_to_sqlite.py" --out "$AG_WORK/copy.sqlite" \
    -- $PSQL || ag_fail "copying the rows"
cat "$AG_WORK/authgate.log" "$AG_WORK/mx2.log" > "$AG_WORK/both.log"
python3 "$top_srcdir/tests/e2e/dmarc_rows.py" --log "$AG_WORK/both.log" \
    --db "$AG_WORK/copy.sqlite" || ag_fail "the DMARC report records"

# one report per domain, from the rows of both hosts
ag_write_conf "$AG_WORK/report.conf" "dmarc_reports {
  store = \"postgresql:host=$PG_SOCK port=$PG_PORT dbname=authgate user=authgate\"
  org_name = \"authgate fleet tests\"
  email = \"dmarc@mx.authgate.test\"
}"
mkdir "$AG_WORK/rua"
"$top_builddir/milter/authgate-report" -c "$AG_WORK/report.conf" \
    --from 0 --to "$(($(date +%s) + 60))" --dry-run "$AG_WORK/rua" \
    > "$AG_WORK/report.out" 2> "$AG_WORK/report.err" ||
	ag_fail "authgate-report: $(cat "$AG_WORK/report.out" "$AG_WORK/report.err")"
echo "ok - $(cat "$AG_WORK/report.out")"
RUA_XSD=$(dpkg -L libmail-dmarc-perl 2>/dev/null | grep '/rua-schema\.xsd$' | head -1)
[ -n "$RUA_XSD" ] || ag_fail "no rua-schema.xsd (libmail-dmarc-perl)"
python3 "$top_srcdir/tests/e2e/dmarc_report_check.py" --dir "$AG_WORK/rua" \
    --db "$AG_WORK/copy.sqlite" --schema "$RUA_XSD" ||
	ag_fail "the aggregate reports"
python3 "$top_srcdir/tests/e2e/dmarc_fleet_check.py" --dir "$AG_WORK/rua" \
    --record "fleet.example|192.0.2.10|none|5" \
    --record "fleet.example|2001:db8:5:0:0:0:0:25|none|1" \
    --record "fleet.example|198.51.100.77|none|1" \
    --reason "fleet.example|198.51.100.77|trusted_forwarder" \
    --signatures "fleet.example|2" \
    --envelope-to "fleet.example|rcpt.example" \
    --record "q.fleet.example|198.51.100.20|quarantine|1" \
    --record "r.fleet.example|198.51.100.20|reject|1" \
    --record "n.fleet.example|198.51.100.20|none|1" ||
	ag_fail "the joined reports"

# the database stops: mail flows, the rows are dropped and counted
metric() {	# the value of a /metrics sample
	curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" |
	    awk -v m="$1" '$1 == m { print $2 }'
}
metric_is() { [ "$(metric "$1")" = "$2" ]; }
DROPPED='authgate_dmarc_records_total{result="dropped"}'
STORED='authgate_dmarc_records_total{result="stored"}'
[ "$(metric "$STORED")" = 6 ] && [ "$(metric "$DROPPED")" = 0 ] ||
	ag_fail "mx1's counts: $(metric "$STORED") stored, $(metric "$DROPPED") dropped"
pg_stop
send "$SMTP_PORT" mx1-down-1 192.0.2.10 u@fleet.example 250 --delivered
send "$SMTP_PORT" mx1-down-2 192.0.2.10 u@fleet.example 250 --delivered
ag_wait_for 10 metric_is "$DROPPED" 2 ||
	ag_fail "mx1 counted $(metric "$DROPPED") dropped rows, want 2"
ag_expect_log 'dmarc reports: [12] records? dropped .*(server closed the connection|terminating connection)' \
    "the drop and the reason are logged"
echo "ok - the database stopped: 2 messages delivered, their 2 rows dropped and counted"
# back: after the writer's retry interval (5 s) the next row is stored
pg_restart
sleep 6
send "$SMTP_PORT" mx1-back 192.0.2.10 u@fleet.example 250 --delivered
ag_wait_for 10 metric_is "$STORED" 7 ||
	ag_fail "mx1 stored $(metric "$STORED") rows after the restart, want 7"
ag_expect_log 'dmarc reports: the postgresql store is open again' \
    "the store's return is logged"
[ "$(rows)" = $((N - 2)) ] || ag_fail "$(rows) rows in PostgreSQL, want $((N - 2))"
echo "ok - the database back: recording resumed ($(rows) rows)"
kill -0 "$MX1_PID" && kill -0 "$MX2_PID" || ag_fail "a daemon died"
grep -E 'warning: .*milter|fatal:|panic:' "$PF/postfix.log" &&
	ag_fail "Postfix reported milter trouble"
echo "all DMARC fleet checks passed"
