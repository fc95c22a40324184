#!/bin/sh
# reload.sh - integration: config check (-n), SIGHUP with a broken config
# (keeps running on the old one), SIGHUP with a changed config (applies),
# the startup-only settings on reload (the command line's stay, no false
# warning), SIGTERM (clean stop: process gone, pid file removed).
. "$(dirname "$0")/../lib/common.sh"
ag_init reload
ag_need miltertest
ag_nsd_start

# -n on a broken file: file:line and exit 1
printf 'authserv_id = mx.authgate.test\n\ndns {\n  tries = many\n}\n' \
    > "$AG_WORK/bad.conf"
out=$("$AG_BIN" -n -c "$AG_WORK/bad.conf" 2>&1)
rc=$?
[ "$rc" -eq 1 ] || ag_fail "-n on a bad config exited $rc, want 1"
echo "$out" | grep -q "^$AG_WORK/bad.conf:4: invalid integer value for option 'tries'" ||
	ag_fail "-n output lacks file:line: $out"
echo "ok - authgate -n -c bad.conf: $out"

ag_write_conf "$AG_WORK/authgate.conf"
out=$("$AG_BIN" -n -c "$AG_WORK/authgate.conf" 2>&1) ||
	ag_fail "-n on a good config failed: $out"
echo "ok - authgate -n -c good.conf: $out"

ag_authgate_start "$AG_WORK/authgate.conf"
run() {	# qid expect
	ag_miltertest "$top_srcdir/tests/integration/reload.lua" -D qid="$1" \
	    -D expect="$2"
}
run Q-BEFORE accept

# a broken config on SIGHUP: logged, the old one stays
cp "$AG_WORK/bad.conf" "$AG_WORK/authgate.conf"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'reload failed, keeping the running configuration: .*authgate\.conf:4: ' ||
	ag_fail "no 'reload failed' log line"
echo "ok - SIGHUP with a broken config: logged with file:line"
kill -0 "$AG_AUTHGATE_PID" || ag_fail "authgate died on SIGHUP"
run Q-BROKEN accept
echo "ok - still running on the old configuration"

# a changed config on SIGHUP: applied to new sessions
ag_write_conf "$AG_WORK/authgate.conf" 'spf {
  mailfrom { softfail = reject }
}'
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'configuration reloaded from' ||
	ag_fail "no 'configuration reloaded' log line"
run Q-AFTER refuse
ag_expect_log 'Q-AFTER: .*spf_mailfrom=softfail.*verdict=reject 550 5\.7\.1' \
    "the reloaded policy applies"

# list files are read again on SIGHUP
reloads() {	# at least N successful reloads logged so far
	[ "$(grep -c 'configuration reloaded from' "$AG_WORK/authgate.log")" -ge "$1" ]
}
printf '# blocked networks\n203.0.113.0/24 somebody else\n' > "$AG_WORK/blocked.txt"
ag_write_conf "$AG_WORK/authgate.conf" "ip_lists {
  list \"blocked\" {
    file = \"$AG_WORK/blocked.txt\"
    text = \"%{ip} is blocked: %{text}\"
  }
}"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 reloads 2 ||
	ag_fail "the list file config was not loaded"
run Q-FILE1 accept
printf '198.51.100.0/24 spam run of 2026-11\n' >> "$AG_WORK/blocked.txt"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 reloads 3 ||
	ag_fail "no reload after the list file changed"
run Q-FILE2 refuse
ag_expect_log 'Q-FILE2: .*ip_list=blocked\(deny 198\.51\.100\.0/24\) .*verdict=reject 550 5\.7\.1 \(ip_list\) .*reply="198\.51\.100\.20 is blocked: spam run of 2026-11"' \
    "a line added to a list file applies after SIGHUP, with its text"
printf '198.51.100.300/32 typo\n' >> "$AG_WORK/blocked.txt"
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has "reload failed, keeping the running configuration: .*blocked\.txt:4: " ||
	ag_fail "a bad list file line is not reported with file:line"
run Q-FILE3 refuse
echo "ok - a broken list file keeps the running lists"

# the socket and pid file came from the command line (-p, -P): reloads of
# a file that names others changed nothing, so nothing was said; a user
# set in the file is a change that waits for a restart
ag_log_has 'take effect only after a restart' &&
	ag_fail "a reload warned of startup changes when there were none"
echo "ok - no restart warning for settings the command line gives"
ag_write_conf "$AG_WORK/authgate.conf" 'user = "nobody"'
kill -HUP "$AG_AUTHGATE_PID"
ag_wait_for 10 ag_log_has 'reload: socket, user, pid_file, metrics and dmarc_reports store changes take effect only after a restart' ||
	ag_fail "a changed user in the file was not reported"
echo "ok - a changed user waits for a restart, and says so"

# SIGTERM: a clean stop
[ -f "$AG_WORK/authgate.pid" ] || ag_fail "no pid file"
kill -TERM "$AG_AUTHGATE_PID"
i=0
while kill -0 "$AG_AUTHGATE_PID" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -0 "$AG_AUTHGATE_PID" 2>/dev/null && ag_fail "still running 30 s after SIGTERM"
wait "$AG_AUTHGATE_PID"
rc=$?
[ "$rc" -eq 0 ] || ag_fail "exit status $rc after SIGTERM"
[ -f "$AG_WORK/authgate.pid" ] && ag_fail "pid file left behind"
ag_expect_log 'authgate stopped' "SIGTERM: clean stop"
ag_no_errors_logged 'reload failed, keeping the running configuration'
echo "all reload checks passed"
