#!/bin/sh
# postfix.sh - end-to-end: a private Postfix instance (own config and
# queue, listening on 127.0.0.1 only) with authgate in smtpd_milters,
# relaying to smtp-sink; an SMTP client claims client addresses with
# XCLIENT and checks what it is answered and what smtp-sink received.
# Needs root (Postfix's master runs as root).
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || ag_skip "the Postfix end-to-end test needs root"
ag_need nsd postfix smtp-sink python3
id postfix >/dev/null 2>&1 || ag_skip "no postfix user"

# Postfix's processes run as "postfix" and must reach the socket, the
# queue and the sink: work under /tmp, not in a build tree under /root.
AG_WORK=$(mktemp -d /tmp/authgate-e2e.XXXXXX)
chmod 755 "$AG_WORK"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
PF="$AG_WORK/postfix"
AG_CLEANUP_HOOK=pf_stop

pf_stop() {
	[ -s "$PF/spool/pid/master.pid" ] || return 0
	master=$(tr -d ' \n' < "$PF/spool/pid/master.pid")
	postfix -c "$PF/etc" stop >> "$AG_WORK/postfix-ctl.log" 2>&1
	i=0
	while kill -0 "$master" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	ag_stop_pid "$master"
}

ag_nsd_start
ag_write_conf "$AG_WORK/authgate.conf" 'socket_mode = "0666"
spf {
  received_spf_header = yes
}'
ag_authgate_start "$AG_WORK/authgate.conf"

SINK_PORT=$(ag_free_port)
mkdir -p "$AG_WORK/sink"
chown postfix "$AG_WORK/sink"
smtp-sink -u postfix -d "$AG_WORK/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 64 \
    > "$AG_WORK/smtp-sink.log" 2>&1 &
AG_PIDS="$AG_PIDS $!"

SMTP_PORT=$(ag_free_port)
mkdir -p "$PF/etc" "$PF/spool" "$PF/data"
chown postfix:postfix "$PF/data"
cat > "$PF/etc/main.cf" <<CF
# private instance for authgate's end-to-end test
compatibility_level = 3.6
config_directory = $PF/etc
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $AG_WORK/postfix.log
maillog_file_prefixes = $AG_WORK
syslog_name = authgate-e2e
myhostname = mx.authgate.test
mydomain = authgate.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no
relay_domains = rcpt.example
default_transport = smtp:[127.0.0.1]:$SINK_PORT
relay_transport = smtp:[127.0.0.1]:$SINK_PORT
smtp_dns_support_level = disabled
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = unix:$AG_WORK/authgate.sock
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
in_flow_delay = 0
smtpd_error_sleep_time = 0
CF
cat > "$PF/etc/master.cf" <<CF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
postfix -c "$PF/etc" start >> "$AG_WORK/postfix-ctl.log" 2>&1 ||
	ag_fail "postfix did not start: $(tail -5 "$AG_WORK/postfix-ctl.log")"
ag_wait_for 20 python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1).recv(10)" ||
	ag_fail "postfix does not answer on 127.0.0.1:$SMTP_PORT"

check() {
	python3 "$top_srcdir/tests/e2e/smtp_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" --authserv-id mx.authgate.test "$@" ||
		ag_fail "smtp_check $*"
}

check pass fail forged huge percent
# the DNS server stops: never accept-as-pass, never 550
ag_nsd_stop
check tempfail

ag_expect_log '[0-9A-F]+: client=unknown\[192\.0\.2\.10\] .*verdict=accept stage=eom' \
    "the daemon logged the delivered messages"
ag_expect_log 'deleted 2 Authentication-Results fields' "forgeries logged"
ag_no_errors_logged
grep -E 'warning: .*milter|fatal:|panic:' "$AG_WORK/postfix.log" &&
	ag_fail "Postfix reported milter trouble"
echo "ok - Postfix logged no milter trouble"
echo "all end-to-end checks passed"
