#!/bin/sh
# notify.sh - integration: what a Type=notify unit is told (sd_notify).
# A socket the test owns stands for systemd's NOTIFY_SOCKET: READY=1
# comes only once the milter socket exists (so Postfix never finds it
# missing after "systemctl start" returns), a reload is RELOADING=1 then
# READY=1 with a STATUS that says whether the new configuration runs or
# why the old one stays (what "systemctl status" shows after a broken
# "systemctl reload"), with the transaction counts; stopping is
# STOPPING=1.
. "$(dirname "$0")/../lib/common.sh"
ag_init notify
ag_need miltertest python3
ag_nsd_start

python3 "$top_srcdir/tests/lib/syslog_sink.py" "$AG_WORK/notify.sock" \
    "$AG_WORK/notify.out" "$AG_WORK/sink.pid" 300 "$AG_WORK/authgate.sock" &
ag_wait_for 10 test -s "$AG_WORK/sink.pid" || ag_fail "the notify sink did not start"
AG_PIDS="$AG_PIDS $AG_WORK/sink.pid"
told() {	# REGEX WHAT - the daemon told the service manager
	ag_wait_for 10 grep -Eq -- "$1" "$AG_WORK/notify.out" ||
		ag_fail "$2: nothing matches /$1/ in: $(cat "$AG_WORK/notify.out")"
	echo "ok - $2"
}

ag_write_conf "$AG_WORK/authgate.conf"
export NOTIFY_SOCKET="$AG_WORK/notify.sock"
ag_authgate_start "$AG_WORK/authgate.conf"
unset NOTIFY_SOCKET
told "^READY=1 MAINPID=$AG_AUTHGATE_PID STATUS=listening on unix:$AG_WORK/authgate.sock \\[exists\\]$" \
    "READY=1 with the main PID, sent when the milter socket exists"
AG_SOCKET="unix:$AG_WORK/authgate.sock"
ag_miltertest "$top_srcdir/tests/integration/reload.lua" -D qid=N-1 \
    -D expect=accept

# a broken reload: the old configuration stays, and the status says why
printf 'authserv_id = mx.authgate.test\ndns {\n  tries = many\n}\n' \
    > "$AG_WORK/authgate.conf"
kill -HUP "$AG_AUTHGATE_PID"
told '^RELOADING=1 MONOTONIC_USEC=[0-9]+' "RELOADING=1 before the reload"
told "^READY=1 STATUS=reload failed, running on the previous configuration: $AG_WORK/authgate.conf:3: invalid integer value for option 'tries'" \
    "a broken reload: READY=1 and why the old configuration stays"
ag_write_conf "$AG_WORK/authgate.conf"
kill -HUP "$AG_AUTHGATE_PID"
told '^READY=1 STATUS=configuration reloaded; 1 transactions: 1 accepted, 0 rejected' \
    "a good reload: READY=1, the new configuration, the counts"
kill -TERM "$AG_AUTHGATE_PID"
told '^STOPPING=1' "STOPPING=1 when it stops"
