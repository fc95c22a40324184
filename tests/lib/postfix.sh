# postfix.sh - a private Postfix instance on 127.0.0.1 (sourced): used by
# the end-to-end test, the demo and the benchmark. Its config, queue and
# log live in one directory; it relays everything to smtp-sink and lets
# clients on 127.0.0.0/8 claim other client addresses with XCLIENT.
# Needs root. The directory must be reachable by the postfix user.
#
#	pf_setup DIR SMTP_PORT SINK_PORT MILTERS  write main.cf and master.cf
#	                      (MILTERS: smtpd_milters value, may be empty)
#	pf_start DIR          start it; wait (bounded) until SMTP answers
#	pf_stop DIR           stop it (bounded), by the master's PID
#	pf_sink_start DIR PORT  smtp-sink writing one file per message into
#	                      DIR/sink; sets PF_SINK_PID
#	pf_test_init NAME [HOOK]  an end-to-end test: root, Postfix and
#	                      smtp-sink needed; its work dir $AG_WORK under
#	                      /tmp (the postfix user must reach it), the
#	                      traps, PF=$AG_WORK/postfix; HOOK runs at exit
#	                      (default: stop that Postfix)
#	pf_start_with_sink MILTERS  smtp-sink and Postfix on free ports
#	                      ($SINK_PORT, $SMTP_PORT) in $PF, milters as
#	                      pf_setup takes them; fails the test if either
#	                      does not start
#	pf_debian_master DIR PORT  Debian's own master.cf (smtpd, cleanup and
#	                      the rest chrooted as Debian ships them), only
#	                      the smtpd listener moved to 127.0.0.1:PORT
#	pf_chroot_checks PORT SINKDIR STOP WHAT  mail through it: SPF pass
#	                      delivered with Authentication-Results, SPF fail
#	                      refused with the 550 text, and once the command
#	                      STOP has stopped authgate, 451

pf_setup() {
	pf_dir="$1"
	mkdir -p "$pf_dir/etc" "$pf_dir/spool" "$pf_dir/data"
	chown postfix:postfix "$pf_dir/data"
	# IPv6 only where the kernel has it: XCLIENT needs it for IPv6
	# client addresses; the listener stays on 127.0.0.1 either way
	pf_protocols=ipv4
	[ -e /proc/net/if_inet6 ] && pf_protocols=all
	cat > "$pf_dir/etc/main.cf" <<CF
# private Postfix instance (authgate tests, demo, benchmark)
compatibility_level = 3.6
config_directory = $pf_dir/etc
queue_directory = $pf_dir/spool
data_directory = $pf_dir/data
maillog_file = $pf_dir/postfix.log
maillog_file_prefixes = $pf_dir
syslog_name = authgate-postfix
myhostname = mx.authgate.test
mydomain = authgate.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = $pf_protocols
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
biff = no
relay_domains = rcpt.example
default_transport = smtp:[127.0.0.1]:$3
relay_transport = smtp:[127.0.0.1]:$3
smtp_dns_support_level = disabled
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = $4
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
in_flow_delay = 0
smtpd_error_sleep_time = 0
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
default_process_limit = 200
CF
	cat > "$pf_dir/etc/master.cf" <<CF
127.0.0.1:$2 inet n - n - - smtpd
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
	pf_port="$2"
}

pf_start() {
	postfix -c "$1/etc" start >> "$1/postfix-ctl.log" 2>&1 || {
		tail -5 "$1/postfix-ctl.log"
		return 1
	}
	i=0
	while [ $i -lt 200 ]; do
		if python3 -c "import socket; socket.create_connection(('127.0.0.1', $pf_port), 1).recv(10)" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "postfix does not answer on 127.0.0.1:$pf_port"
	return 1
}

pf_stop() {
	[ -s "$1/spool/pid/master.pid" ] || return 0
	pf_master=$(tr -d ' \n' < "$1/spool/pid/master.pid")
	postfix -c "$1/etc" stop >> "$1/postfix-ctl.log" 2>&1
	i=0
	while kill -0 "$pf_master" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$pf_master" 2>/dev/null
	return 0
}

pf_sink_start() {
	mkdir -p "$1/sink"
	chown postfix "$1/sink"
	smtp-sink -u postfix -d "$1/sink/%H%M%S." "127.0.0.1:$2" 256 \
	    > "$1/smtp-sink.log" 2>&1 &
	PF_SINK_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		python3 -c "import socket; socket.create_connection(('127.0.0.1', $2), 1)" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "smtp-sink does not answer on 127.0.0.1:$2"
	return 1
}

pf_test_init() {
	[ "$(id -u)" -eq 0 ] || ag_skip "the Postfix end-to-end test needs root"
	ag_need nsd postfix smtp-sink python3
	id postfix >/dev/null 2>&1 || ag_skip "no postfix user"
	AG_WORK=$(mktemp -d "/tmp/authgate-$1.XXXXXX")
	chmod 755 "$AG_WORK"
	trap ag_cleanup EXIT
	trap 'exit 1' INT TERM
	PF="$AG_WORK/postfix"
	AG_CLEANUP_HOOK=${2:-pf_test_stop}
}

pf_start_with_sink() {
	SINK_PORT=$(ag_free_port)
	pf_sink_start "$AG_WORK" "$SINK_PORT" || ag_fail "smtp-sink did not start"
	AG_PIDS="$AG_PIDS $PF_SINK_PID"
	SMTP_PORT=$(ag_free_port)
	pf_setup "$PF" "$SMTP_PORT" "$SINK_PORT" "$1"
	pf_start "$PF" || ag_fail "postfix did not start"
}

pf_test_stop() {
	pf_stop "$PF"
}

pf_debian_master() {
	[ -f /usr/share/postfix/master.cf.dist ] ||
		ag_skip "no Debian master.cf (/usr/share/postfix/master.cf.dist)"
	sed -e "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$2 inet n - y - - smtpd/" \
	    /usr/share/postfix/master.cf.dist > "$1/etc/master.cf"
	grep -q "^127.0.0.1:$2 inet n - y - - smtpd" "$1/etc/master.cf" &&
	    grep -q '^cleanup   unix  n       -       y' "$1/etc/master.cf" ||
		ag_fail "Debian's master.cf has no chrooted smtpd and cleanup"
}

pf_chroot_checks() {
	pf_port=$1 pf_sinkdir=$2 pf_stopcmd=$3 pf_what=$4
	pf_check() {	# subject addr sender expect words [send_check args]
		pf_s=$1 pf_a=$2 pf_f=$3 pf_e=$4 pf_w="$pf_what: $5"
		shift 5
		python3 "$top_srcdir/tests/e2e/send_check.py" --port "$pf_port" \
		    --sink "$pf_sinkdir" --subject "$pf_s" --addr "$pf_a" \
		    --mail-from "$pf_f" --from "$pf_f" --expect "$pf_e" \
		    --what "$pf_w" "$@" || ag_fail "send_check: $pf_w"
	}
	pf_check "$pf_what-pass" 192.0.2.10 user@pass.authgate.example 250 \
	    "SPF pass" --delivered
	grep -l "Subject: $pf_what-pass" "$pf_sinkdir"/* | head -1 |
	    xargs grep -q '^Authentication-Results: ' ||
		ag_fail "$pf_what: the delivered copy has no Authentication-Results"
	echo "ok - $pf_what: delivered with Authentication-Results"
	pf_check "$pf_what-fail" 198.51.100.20 user@fail.authgate.example 550 \
	    "SPF fail refused with the 550 text" --stage rcpt \
	    --reply-has "SPF fail" --not-delivered
	$pf_stopcmd
	pf_check "$pf_what-down" 192.0.2.10 user@pass.authgate.example 451 \
	    "authgate stopped: 451, never an unchecked accept" --not-delivered
}
