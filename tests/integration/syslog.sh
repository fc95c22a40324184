#!/bin/sh
# syslog.sh - integration: the daemon's lines land where admins look. In
# the background, with log_to = syslog, and in the foreground when its
# stderr is systemd's journal stream (JOURNAL_STREAM), each transaction
# line goes to syslog with the configured facility (mail) and a real
# priority, next to Postfix's lines with the same queue id; with -f and
# a plain stderr it stays on stderr. The syslog socket is the test's
# own: the daemon runs in a private mount namespace whose /dev holds the
# real devices plus a "log" that is the test's socket (the machine's
# /dev/log, if any, is never touched).
. "$(dirname "$0")/../lib/common.sh"
ag_init syslog
[ "$(id -u)" -eq 0 ] || ag_skip "the syslog test needs root (a mount namespace)"
ag_need miltertest unshare python3
unshare -m true 2>/dev/null || ag_skip "no mount namespaces here"
ag_nsd_start

python3 "$top_srcdir/tests/lib/syslog_sink.py" "$AG_WORK/log.sock" \
    "$AG_WORK/syslog.out" "$AG_WORK/sink.pid" 300 &
ag_wait_for 10 test -s "$AG_WORK/sink.pid" || ag_fail "the syslog sink did not start"
AG_PIDS="$AG_PIDS $AG_WORK/sink.pid"
# the namespace's /dev: links to the real devices, and our log socket
ag_ns_dev "$AG_WORK" "$AG_WORK/log.sock"

# ns_authgate CONF ARGS... - the daemon with the namespace's /dev; its
# stderr goes to $AG_WORK/stderr.log
ns_authgate() {
	conf=$1
	shift
	rm -f "$AG_WORK/authgate.pid" "$AG_WORK/authgate.sock"
	unshare -m --propagation private sh -c '
		mount --rbind /dev "$0/olddev" &&
		mount --bind "$0/newdev" /dev &&
		exec "$@"' "$AG_WORK" "$AG_BIN" -c "$conf" \
	    -p "unix:$AG_WORK/authgate.sock" -P "$AG_WORK/authgate.pid" "$@" \
	    2>> "$AG_WORK/stderr.log" &
	ag_wait_for 10 test -S "$AG_WORK/authgate.sock" ||
		ag_fail "authgate did not start ($*)"
	ag_wait_for 10 test -s "$AG_WORK/authgate.pid" ||
		ag_fail "authgate wrote no pid file"
	AG_PIDS="$AG_PIDS $(cat "$AG_WORK/authgate.pid")"
}
run() {
	AG_SOCKET="unix:$AG_WORK/authgate.sock"
	ag_miltertest "$top_srcdir/tests/integration/reload.lua" -D qid="$1" \
	    -D expect=accept
	ag_stop_pid "$AG_WORK/authgate.pid"
}
# mail.info is <22>, syslog's priority value (facility 2 * 8 + level 6)
logged() {
	ag_wait_for 5 grep -Eq "$1" "$AG_WORK/syslog.out" ||
		ag_fail "$2: no syslog line matches /$1/: $(tail -3 "$AG_WORK/syslog.out")"
	echo "ok - $2"
}

# in the background (the default): syslog, facility mail
ag_write_conf "$AG_WORK/authgate.conf"
ns_authgate "$AG_WORK/authgate.conf"
run Q-BACKGROUND
logged '^<22>.*authgate\[[0-9]+\]: Q-BACKGROUND: client=' \
    "in the background: mail.info, with the queue id"
logged '^<22>.*authgate\[[0-9]+\]: authgate .* starting' \
    "the start line in the mail facility too"

# another facility, in the foreground: local3.info is <158> (19 * 8 + 6)
ag_write_conf "$AG_WORK/local3.conf" 'syslog_facility = local3
log_to = syslog'
ns_authgate "$AG_WORK/local3.conf" -f
run Q-LOCAL3
logged '^<158>.*authgate\[[0-9]+\]: Q-LOCAL3: client=' \
    "log_to = syslog in the foreground: local3.info"

# the foreground under systemd: stderr is the journal's stream
: > "$AG_WORK/journal.stream"
export JOURNAL_STREAM="$(stat -c '%d:%i' "$AG_WORK/journal.stream")"
unshare -m --propagation private sh -c '
	mount --rbind /dev "$0/olddev" && mount --bind "$0/newdev" /dev &&
	exec "$@"' "$AG_WORK" "$AG_BIN" -f -c "$AG_WORK/authgate.conf" \
    -p "unix:$AG_WORK/authgate.sock" -P "$AG_WORK/authgate.pid" \
    2>> "$AG_WORK/journal.stream" &
ag_wait_for 10 test -s "$AG_WORK/authgate.pid" || ag_fail "no pid file (journal)"
AG_PIDS="$AG_PIDS $(cat "$AG_WORK/authgate.pid")"
ag_wait_for 10 test -S "$AG_WORK/authgate.sock" || ag_fail "no socket (journal)"
run Q-JOURNAL
unset JOURNAL_STREAM
logged '^<22>.*authgate\[[0-9]+\]: Q-JOURNAL: client=' \
    "-f with stderr on the journal's stream: syslog, mail.info"
grep -q 'Q-JOURNAL' "$AG_WORK/journal.stream" &&
	ag_fail "the transaction line went to the journal stream as well"
echo "ok - nothing on the journal stream (it would be facility daemon)"

# -f with a plain stderr: the lines stay there, time-stamped
ns_authgate "$AG_WORK/authgate.conf" -f
run Q-STDERR
grep -Eq '^[0-9-]+ [0-9:.]+ authgate\[[0-9]+\]: info: Q-STDERR: client=' \
    "$AG_WORK/stderr.log" || ag_fail "-f: the line is not on stderr"
grep -q 'Q-STDERR' "$AG_WORK/syslog.out" &&
	ag_fail "-f: the line went to syslog too"
echo "ok - -f with a plain stderr: stderr only"

# log_format = json: the transaction line is one JSON object (through
# syslog, where log pipelines read it)
ag_write_conf "$AG_WORK/json.conf" 'log_format = json'
ns_authgate "$AG_WORK/json.conf"
run Q-JSON
logged '^<22>.*authgate\[[0-9]+\]: \{"queue_id":"Q-JSON",' \
    "log_format = json: one JSON object in the mail facility"
sed -n 's/^<22>[^{]*authgate\[[0-9]*\]: \({"queue_id":"Q-JSON".*\)$/\1/p' \
    "$AG_WORK/syslog.out" | head -1 > "$AG_WORK/json.line"
python3 - "$AG_WORK/json.line" <<'PY' || ag_fail "the JSON line"
import json, sys
o = json.load(open(sys.argv[1]))
assert o["client_ip"] == "198.51.100.20", o
assert o["spf_mailfrom"]["result"] == "softfail", o
assert o["verdict"]["action"] == "accept" and o["verdict"]["stage"] == "eom", o
assert isinstance(o["time_ms"], int) and o["rcpts"] == 1, o
print("ok - the JSON line parses: client_ip, spf_mailfrom, verdict, time_ms")
PY
