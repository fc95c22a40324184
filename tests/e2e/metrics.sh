#!/bin/sh
# metrics.sh - end-to-end: the Prometheus endpoint under load. A private
# Postfix passes loadgen's mix (SPF pass, softfail, fail, none, null
# sender; 4 sessions) through authgate while a scraper reads /metrics
# every 100 ms; counters must never go back, and afterwards they must
# match, exactly, the messages and verdicts sent. promtool (Debian's
# prometheus package) checks the page; the endpoint answers only GET and
# HEAD, 404 elsewhere; reloads are counted, failed ones apart. The DMARC
# report store is unusable from the start (its directory does not
# exist): mail flows all the same and every record is counted as
# dropped.
. "$(dirname "$0")/../lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
pf_test_init metrics
ag_need promtool curl
MESSAGES=${AG_METRICS_MESSAGES:-400}

ag_nsd_start
METRICS_PORT=$(ag_free_port)
URL="http://127.0.0.1:$METRICS_PORT/metrics"
CONF='socket_mode = "0666"
log_level = info
metrics = "127.0.0.1:'$METRICS_PORT'"
dmarc_reports {
  store = "sqlite:'$AG_WORK'/no/such/dir/dmarc.sqlite"
}'
ag_write_conf "$AG_WORK/authgate.conf" "$CONF"
ag_authgate_start "$AG_WORK/authgate.conf"
ag_expect_log "metrics: serving /metrics on http://127.0.0.1:$METRICS_PORT" \
    "the endpoint is announced in the log"

pf_start_with_sink "unix:$AG_WORK/authgate.sock"

# an empty daemon's page is valid too
curl -sf "$URL" > "$AG_WORK/empty.prom" || ag_fail "GET /metrics failed"
promtool check metrics < "$AG_WORK/empty.prom" > "$AG_WORK/promtool.out" 2>&1 ||
	ag_fail "promtool on the page before any mail: $(cat "$AG_WORK/promtool.out")"
echo "ok - promtool check metrics passes before any mail"

python3 "$top_srcdir/tests/e2e/metrics_check.py" scrape --url "$URL" \
    --stop-file "$AG_WORK/load.done" --out "$AG_WORK/during.prom" \
    > "$AG_WORK/scrape.out" 2>&1 &
SCRAPER=$!
python3 "$top_srcdir/tests/bench/loadgen.py" --port "$SMTP_PORT" \
    --messages "$MESSAGES" --sessions 4 --out "$AG_WORK/load.json" ||
	ag_fail "loadgen failed"
touch "$AG_WORK/load.done"
wait "$SCRAPER" || ag_fail "scraping during the load: $(cat "$AG_WORK/scrape.out")"
echo "ok - scraped during the load, counters never went back ($(cat "$AG_WORK/scrape.out"))"
grep -Eq '^scrapes=([5-9]|[1-9][0-9]+)$' "$AG_WORK/scrape.out" ||
	ag_fail "fewer than 5 scrapes during the load"
promtool check metrics < "$AG_WORK/during.prom" > "$AG_WORK/promtool.out" 2>&1 ||
	ag_fail "promtool on a page scraped under load: $(cat "$AG_WORK/promtool.out")"
echo "ok - promtool check metrics passes on a page scraped under load"

# the transactions' counts land when Postfix closes the milter
# connections: wait (bounded) until no session is open
idle() {
	curl -sf "$URL" | grep -q '^authgate_sessions_active 0$'
}
ag_wait_for 20 idle || ag_fail "milter sessions still open after the load"
python3 "$top_srcdir/tests/e2e/metrics_check.py" check --url "$URL" \
    --load "$AG_WORK/load.json" --messages "$MESSAGES" ||
	ag_fail "the counters do not match what was sent"
curl -sf "$URL" > "$AG_WORK/after.prom"
# the store never opened: each DMARC evaluation (one per message that
# reached its end) dropped and counted, none stored, the reason logged
ACCEPTED=$(python3 -c "import json; print(json.load(open('$AG_WORK/load.json'))['replies'].get('2xx', 0))")
dropped() {
	curl -sf "$URL" | grep -q "^authgate_dmarc_records_total{result=\"dropped\"} $ACCEPTED\$"
}
ag_wait_for 10 dropped ||
	ag_fail "DMARC records dropped: $(curl -sf "$URL" | grep dmarc_records) (want $ACCEPTED)"
grep -q '^authgate_dmarc_records_total{result="stored"} 0$' "$AG_WORK/after.prom" ||
	ag_fail "records stored without a store"
ag_expect_log "error: dmarc reports: cannot open the sqlite store: .*no/such/dir/dmarc.sqlite: unable to open database file \(mail flows; records are dropped until it opens\)" \
    "the unusable report store is logged"
echo "ok - a report store unusable from the start: mail flowed, $ACCEPTED records dropped and counted"
promtool check metrics < "$AG_WORK/after.prom" > "$AG_WORK/promtool.out" 2>&1 ||
	ag_fail "promtool after the load: $(cat "$AG_WORK/promtool.out")"
echo "ok - promtool check metrics passes after the load"

# the Grafana dashboard: every query is PromQL promtool accepts (as
# recording rules) and names only metrics the page has
python3 - "$top_srcdir/contrib/grafana-authgate.json" "$AG_WORK/after.prom" \
    "$AG_WORK/dashboard-rules.yml" <<'PY' || ag_fail "the Grafana dashboard"
import json, re, sys
dash = json.load(open(sys.argv[1]))
page = open(sys.argv[2]).read()
exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
with open(sys.argv[3], "w") as f:
    f.write("groups:\n- name: dashboard\n  rules:\n")
    for i, e in enumerate(exprs):
        f.write("  - record: dashboard:q%d\n    expr: %s\n" % (i, json.dumps(e)))
for e in exprs:
    for name in re.findall(r"\b(authgate_[a-z_]+)", e):
        if not re.search(r"^(# TYPE )?" + name + r"[{ ]", page, re.M):
            sys.exit("%s: no %s on the page" % (e, name))
print("ok - the dashboard's %d queries name only metrics the page has" % len(exprs))
PY
promtool check rules "$AG_WORK/dashboard-rules.yml" > "$AG_WORK/promtool.out" 2>&1 ||
	ag_fail "promtool check rules on the dashboard: $(cat "$AG_WORK/promtool.out")"
echo "ok - promtool parses every query of the dashboard"

# what else the listener answers
code() {	# METHOD PATH - the HTTP status
	curl -s -o /dev/null -w '%{http_code}' -X "$1" \
	    "http://127.0.0.1:$METRICS_PORT$2"
}
[ "$(code GET /nothing)" = 404 ] || ag_fail "GET /nothing is not 404"
[ "$(code POST /metrics)" = 405 ] || ag_fail "POST /metrics is not 405"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL")" = 200 ] ||
	ag_fail "HEAD /metrics is not 200"
echo "ok - 404 for other paths, 405 for POST, HEAD answered"

# reloads, good and broken
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'configuration reloaded from' ||
	ag_fail "the reload did not happen"
printf 'dns {\n  tries = many\n}\n' > "$AG_WORK/authgate.conf"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'reload failed' || ag_fail "the broken reload was not logged"
reloads() {
	curl -sf "$URL" | grep -q "^authgate_config_reloads_total{result=\"$1\"} 1$"
}
ag_wait_for 5 reloads ok && ag_wait_for 5 reloads failed ||
	ag_fail "reloads not counted: $(curl -sf "$URL" | grep reloads_total)"
echo "ok - one good and one failed reload counted"
# a second daemon whose metrics port is taken: it says so and filters
# mail all the same (mail matters more than graphs)
ag_write_conf "$AG_WORK/second.conf" "$CONF"
"$AG_BIN" -f -c "$AG_WORK/second.conf" -p "unix:$AG_WORK/second.sock" \
    > "$AG_WORK/second.log" 2>&1 &
SECOND=$!
AG_PIDS="$AG_PIDS $SECOND"
ag_wait_for 10 test -S "$AG_WORK/second.sock" ||
	ag_fail "the second daemon did not start"
ag_wait_for 10 grep -q "error: metrics: cannot listen on 127.0.0.1:$METRICS_PORT .*authgate runs without /metrics" \
    "$AG_WORK/second.log" || ag_fail "a taken metrics port: $(cat "$AG_WORK/second.log")"
AG_SOCKET="unix:$AG_WORK/second.sock"
ag_miltertest "$top_srcdir/tests/integration/reload.lua" -D qid=M-2 \
    -D expect=accept
kill -0 "$SECOND" || ag_fail "the second daemon died"
echo "ok - a taken metrics port is logged as an error; mail is still filtered"
ag_stop_pid "$SECOND"
ag_no_errors_logged 'reload failed|dmarc reports: cannot open'
