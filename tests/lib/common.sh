# common.sh - helpers for tests that start real servers (sourced, not run).
#
# Every server listens on 127.0.0.1 only, on a port picked at run time, is
# started in the foreground of its own process and stopped by PID; every
# wait is bounded. A test that cannot run here (tool missing) exits 77
# (automake: SKIP), unless AUTHGATE_REQUIRE_ALL_TESTS=1, which turns a
# skip into a failure (the README's test command sets it).
#
#	ag_init NAME          work dir $AG_WORK (under the build tree), traps
#	ag_skip REASON        skip (or fail when all tests are required)
#	ag_fail MESSAGE       print and exit 1
#	ag_free_port          an unused TCP+UDP port on 127.0.0.1
#	ag_wait_for SECS CMD  run CMD until it succeeds, at most SECS seconds
#	ag_stop_pid PIDFILE|PID  TERM, wait (bounded), then KILL
#	ag_nsd_start          nsd serving tests/zones (and the zone files a
#	                      test wrote in $AG_WORK/zones) on $AG_DNS_PORT
#	ag_nsd_reload         nsd reads the zone files again (SIGHUP)
#	ag_authgate_start CONF [ARGS]  the daemon in the foreground, log in
#	                      $AG_WORK/authgate.log, socket $AG_SOCKET
#	ag_miltertest SCRIPT [-D name=value ...]  run a Lua script with
#	                      socket/srcdir (and the given names) defined
#	ag_log_has REGEX      authgate's log matches (extended regex)
#	ag_expect_log REGEX DESCRIPTION  fail unless it does
#	ag_no_errors_logged [EXPECTED]  fail if the daemon logged an error
#	ag_ns_dev DIR SOCKET  DIR/newdev: a /dev for a mount namespace whose
#	                      "log" is SOCKET (mount --rbind /dev DIR/olddev,
#	                      then mount --bind DIR/newdev /dev inside it)

set -u
# nsd, postfix and smtp-sink live in /usr/sbin, often not in a CI PATH
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
AG_BIN="${AG_BIN:-$top_builddir/milter/authgate}"
AG_PIDS=""

ag_init() {
	AG_NAME="$1"
	AG_WORK="$top_builddir/tests/work/$AG_NAME.$$"
	rm -rf "$AG_WORK"
	mkdir -p "$AG_WORK"
	trap ag_cleanup EXIT
	trap 'exit 1' INT TERM
}

ag_cleanup() {
	rc=$?
	[ -n "${AG_CLEANUP_HOOK:-}" ] && "$AG_CLEANUP_HOOK"
	for p in $AG_PIDS; do
		ag_stop_pid "$p" >/dev/null 2>&1
	done
	if [ "$rc" -eq 0 ] && [ -z "${AG_KEEP:-}" ]; then
		rm -rf "$AG_WORK"
	else
		echo "work dir kept: $AG_WORK"
		for f in "$AG_WORK"/*.log; do
			[ -f "$f" ] || continue
			echo "---- last lines of $f"
			tail -n 25 "$f"
		done
	fi
	exit "$rc"
}

ag_skip() {
	if [ "${AUTHGATE_REQUIRE_ALL_TESTS:-0}" = 1 ]; then
		echo "FAIL (a required test cannot run): $*"
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

ag_fail() {
	echo "FAIL: $*"
	exit 1
}

ag_python_dkim() {	# AG_PYTHON: a python3 with Debian's python3-dkim
	for py in /usr/bin/python3 python3; do
		if "$py" -c 'import dkim' >/dev/null 2>&1; then
			AG_PYTHON=$py
			return 0
		fi
	done
	ag_skip "python3-dkim is not installed"
}
ag_need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			[ -x "/usr/sbin/$tool" ] || ag_skip "$tool is not installed"
	done
}

ag_free_port() {
	python3 - <<'EOF'
import socket
for _ in range(50):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    port = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", port))
    except OSError:
        t.close()
        continue
    t.close()
    u.close()
    print(port)
    break
EOF
}

ag_wait_for() {
	secs="$1"
	shift
	i=0
	while [ "$i" -lt $((secs * 20)) ]; do
		if "$@" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}

# ag_stop_pid - TERM, wait up to 10 s, then KILL
ag_stop_pid() {
	target="$1"
	if [ -f "$target" ]; then
		pid=$(cat "$target" 2>/dev/null)
	else
		pid="$target"
	fi
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	i=0
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		echo "warning: pid $pid needed SIGKILL"
	fi
	return 0
}

ag_nsd_ready() {
	python3 - "$AG_DNS_PORT" <<'EOF'
import socket, sys
name = b"".join(bytes([len(p)]) + p for p in b"ns.authgate.example".split(b".")) + b"\x00"
q = bytes.fromhex("abcd01000001000000000000") + name + b"\x00\x01\x00\x01"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.2)
s.sendto(q, ("127.0.0.1", int(sys.argv[1])))
r, _ = s.recvfrom(512)
sys.exit(0 if r[:2] == b"\xab\xcd" and (r[3] & 15) == 0 else 1)
EOF
}

# ag_nsd_start - nsd on 127.0.0.1:$AG_DNS_PORT serving tests/zones
ag_nsd_start() {
	ag_need nsd
	AG_DNS_PORT=$(ag_free_port)
	mkdir -p "$AG_WORK/dns"
	zones="$top_srcdir/tests/zones"
	{
		cat <<EOF
server:
    ip-address: 127.0.0.1@$AG_DNS_PORT
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$zones"
    zonelistfile: "$AG_WORK/dns/zone.list"
    xfrdfile: "$AG_WORK/dns/xfrd.state"
    xfrdir: "$AG_WORK/dns"
    pidfile: "$AG_WORK/dns/nsd.pid"
    logfile: "$AG_WORK/nsd.log"
    verbosity: 1
    rrl-ratelimit: 0
    zonefiles-write: 0
    hide-version: yes
remote-control:
    control-enable: no
EOF
		for z in "$zones"/*.zone; do
			name=$(basename "$z" .zone)
			file=$name.zone
			[ "$name" = root ] && name=.
			printf 'zone:\n    name: %s\n    zonefile: %s\n' \
			    "$name" "$file"
		done
		# zones a test writes (and may change, then ag_nsd_reload)
		for z in "$AG_WORK"/zones/*.zone; do
			[ -f "$z" ] || continue
			printf 'zone:\n    name: %s\n    zonefile: %s\n' \
			    "$(basename "$z" .zone)" "$z"
		done
		# a zone whose file is missing answers SERVFAIL: temperror fixture
		printf 'zone:\n    name: servfail.example\n'
		printf '    zonefile: %s/missing/servfail.zone\n' "$AG_WORK"
	} > "$AG_WORK/dns/nsd.conf"
	nsd -c "$AG_WORK/dns/nsd.conf" || ag_fail "nsd did not start"
	ag_wait_for 10 test -s "$AG_WORK/dns/nsd.pid" ||
		ag_fail "nsd wrote no pid file"
	AG_PIDS="$AG_PIDS $AG_WORK/dns/nsd.pid"
	ag_wait_for 10 ag_nsd_ready || ag_fail "nsd does not answer"
}

# ag_nsd_reload - nsd reads the zone files of $AG_WORK/zones again
ag_nsd_reload() {
	kill -HUP "$(cat "$AG_WORK/dns/nsd.pid")" ||
		ag_fail "cannot signal nsd"
}

ag_nsd_stop() {
	ag_stop_pid "$AG_WORK/dns/nsd.pid"
}

# ag_authgate_start CONF [ARGS] - the daemon, foreground, own socket
ag_authgate_start() {
	conf="$1"
	shift
	AG_SOCKET="${AG_SOCKET:-unix:$AG_WORK/authgate.sock}"
	sockpath="${AG_SOCKET#unix:}"
	"$AG_BIN" -f -c "$conf" -p "$AG_SOCKET" -P "$AG_WORK/authgate.pid" \
	    "$@" >> "$AG_WORK/authgate.log" 2>&1 &
	AG_AUTHGATE_PID=$!
	AG_PIDS="$AG_PIDS $AG_AUTHGATE_PID"
	case "$AG_SOCKET" in
	unix:*)	ag_wait_for 10 test -S "$sockpath" ||
		    ag_fail "authgate did not create $sockpath" ;;
	*)	ag_wait_for 10 grep -q "starting" "$AG_WORK/authgate.log" ||
		    ag_fail "authgate did not start" ;;
	esac
	kill -0 "$AG_AUTHGATE_PID" 2>/dev/null || ag_fail "authgate exited"
}

ag_authgate_stop() {
	ag_stop_pid "$AG_AUTHGATE_PID"
}

# ag_miltertest SCRIPT [-D name=value ...] - run a Lua script against the
# daemon; its output is shown, a failure ends the test
ag_miltertest() {
	ag_need miltertest
	script="$1"
	shift
	miltertest -D socket="$AG_SOCKET" -D srcdir="$top_srcdir" "$@" \
	    -s "$script" > "$AG_WORK/miltertest.out" 2>&1
	rc=$?
	cat "$AG_WORK/miltertest.out"
	[ "$rc" -eq 0 ] || ag_fail "miltertest $script failed (exit $rc)"
}

ag_log_has() {
	grep -Eq -- "$1" "$AG_WORK/authgate.log"
}

ag_expect_log() {
	# the daemon logs a transaction when the MTA closes it, which may be
	# just after the client script has exited: wait a little (bounded)
	ag_wait_for 5 ag_log_has "$1" || ag_fail "$2: no log line matches /$1/"
	echo "ok - $2"
}

# ag_no_errors_logged [EXPECTED] - the daemon logged nothing at error
# level or worse, apart from lines matching the regex EXPECTED
ag_no_errors_logged() {
	errors=$(grep -E '\]: (panic|alert|critical|error): ' \
	    "$AG_WORK/authgate.log" | grep -Ev -- "${1:-^\$}")
	if [ -n "$errors" ]; then
		echo "$errors"
		ag_fail "errors in the daemon log"
	fi
	echo "ok - no unexpected errors logged"
}

# ag_ns_dev DIR SOCKET - links to the real devices (through DIR/olddev,
# where the namespace rbinds /dev) and a "log" that is SOCKET: the
# machine's /dev/log, if any, is never touched
ag_ns_dev() {
	mkdir -p "$1/olddev" "$1/newdev"
	for f in /dev/* /dev/.[!.]*; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		[ "$(basename "$f")" = log ] && continue
		ln -s "$1/olddev/$(basename "$f")" "$1/newdev/$(basename "$f")"
	done
	ln -s "$2" "$1/newdev/log"
}

# ag_dns_proxy_start MODE MAX_SECONDS - put tests/lib/dns_proxy.py in
# front of the test DNS (after ag_nsd_start): NSD_PORT is nsd's port,
# AG_DNS_PORT the forwarder's, MODE goes into $AG_WORK/dns.mode (which
# the test may rewrite while it runs); stopped by PID with the others
ag_dns_proxy_start() {
	NSD_PORT=$AG_DNS_PORT
	AG_DNS_PORT=$(ag_free_port)
	echo "$1" > "$AG_WORK/dns.mode"
	python3 "$top_srcdir/tests/lib/dns_proxy.py" "$AG_DNS_PORT" \
	    "$NSD_PORT" "$AG_WORK/dns.mode" "$AG_WORK/proxy.pid" "$2" &
	ag_wait_for 10 test -s "$AG_WORK/proxy.pid" ||
		ag_fail "the DNS forwarder did not start"
	AG_PIDS="$AG_PIDS $AG_WORK/proxy.pid"
}

# ag_write_conf FILE [EXTRA] - a config pointing at the test DNS
# (AG_DNS_EXTRA: more lines for its dns section)
ag_write_conf() {
	{
		echo "authserv_id = mx.authgate.test"
		echo "log_level = debug"
		echo "dns {"
		echo "  servers = \"127.0.0.1:${AG_DNS_PORT:-1}\""
		echo "  timeout = ${AG_DNS_TIMEOUT:-1s}"
		echo "  tries = 1"
		[ -n "${AG_DNS_EXTRA:-}" ] && printf '  %s\n' "$AG_DNS_EXTRA"
		echo "}"
		[ $# -gt 1 ] && printf '%s\n' "$2"
	} > "$1"
}
