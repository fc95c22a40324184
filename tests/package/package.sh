#!/bin/sh
# package.sh - the Debian package as an admin gets it: built from the
# checkout with dpkg-buildpackage, lintian without errors, installed
# with dpkg, then run exactly as its unit runs it (ExecStartPre's config
# check, ExecStart as user authgate, RuntimeDirectory, NOTIFY_SOCKET)
# with the installed configuration - only dns.servers pointed at the
# test's nsd - behind a Postfix with Debian's chrooted master.cf: mail
# delivered with Authentication-Results, refused with the 550 text, and
# 451 once authgate is stopped. The daemon runs in a mount namespace
# where /var/spool/postfix is the test Postfix's spool, so the packaged
# socket path (/var/spool/postfix/authgate/authgate.sock) is the one the
# test's smtpd reaches and the machine's spool is never touched. At the
# end the package is purged and the authgate user removed if this test
# created it: the machine is left as it was found.
#
#   sh tests/package/package.sh SRCDIR     (as root; run-all.sh runs it)
set -u
SRC=$(cd "${1:-.}" && pwd)
top_srcdir=$SRC
top_builddir=$SRC/build
export top_srcdir top_builddir
. "$SRC/tests/lib/common.sh"
[ "$(id -u)" -eq 0 ] || ag_skip "the package test needs root"
ag_need dpkg-buildpackage lintian nsd postfix smtp-sink unshare python3
if dpkg-query -W -f='${Status}' authgate 2>/dev/null | grep -q installed; then
	ag_skip "a package authgate is installed here already; not touching it"
fi

AG_WORK=$(mktemp -d /tmp/authgate-package.XXXXXX)
chmod 755 "$AG_WORK"
USER_BEFORE=no
getent passwd authgate >/dev/null && USER_BEFORE=yes
GROUPS_POSTFIX_BEFORE=$(id -nG postfix 2>/dev/null)
RUNDIR_BEFORE=no
[ -e /run/authgate ] && RUNDIR_BEFORE=yes
package_cleanup() {
	pf_stop "$PF"
	[ -s "$AG_WORK/authgate.pid" ] && ag_stop_pid "$AG_WORK/authgate.pid"
	dpkg --purge authgate >> "$AG_WORK/dpkg.log" 2>&1
	[ "$RUNDIR_BEFORE" = no ] && rm -rf /run/authgate
	case " $GROUPS_POSTFIX_BEFORE " in
	*" authgate "*) ;;
	*)	id -nG postfix 2>/dev/null | grep -qw authgate &&
		    gpasswd -d postfix authgate >/dev/null 2>&1 ;;
	esac
	if [ "$USER_BEFORE" = no ] && getent passwd authgate >/dev/null; then
		deluser --quiet --system authgate >> "$AG_WORK/dpkg.log" 2>&1
		getent group authgate >/dev/null &&
		    delgroup --quiet --system authgate >> "$AG_WORK/dpkg.log" 2>&1
	fi
}
AG_CLEANUP_HOOK=package_cleanup
package_stop_authgate() {
	ag_stop_pid "$AG_WORK/authgate.pid"
}
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
PF="$AG_WORK/postfix"
. "$SRC/tests/lib/postfix.sh"

# --- build and lint ---------------------------------------------------
mkdir "$AG_WORK/src"
if [ -d "$SRC/.git" ] && [ -z "$(git -C "$SRC" status --porcelain)" ]; then
	git -C "$SRC" archive --format=tar --prefix=authgate/ HEAD |
	    tar -x -C "$AG_WORK/src"
else
	mkdir "$AG_WORK/src/authgate"
	(cd "$SRC" && tar -c --exclude='./build*' --exclude=./.git \
	    --exclude=./autom4te.cache .) |
	    tar -x -C "$AG_WORK/src/authgate"
fi
(cd "$AG_WORK/src/authgate" && dpkg-buildpackage -us -uc -b) \
    > "$AG_WORK/build.log" 2>&1 || { tail -30 "$AG_WORK/build.log"; ag_fail "dpkg-buildpackage failed"; }
DEB=$(ls "$AG_WORK"/src/authgate_*.deb)
echo "ok - dpkg-buildpackage -us -uc -b: $(basename "$DEB")"
lintian --fail-on error "$DEB" > "$AG_WORK/lintian.log" 2>&1 ||
	{ cat "$AG_WORK/lintian.log"; ag_fail "lintian reports errors"; }
sed 's/^/    /' "$AG_WORK/lintian.log"
echo "ok - lintian: no errors ($(grep -c '^W:' "$AG_WORK/lintian.log") warnings)"
dpkg-deb -f "$DEB" Built-Using | grep -q '^sendmail (= ' ||
	ag_fail "Built-Using does not record libmilter's source (sendmail)"
echo "ok - Built-Using: $(dpkg-deb -f "$DEB" Built-Using)"

# --- install ----------------------------------------------------------
dpkg -i "$DEB" > "$AG_WORK/dpkg.log" 2>&1 ||
	{ cat "$AG_WORK/dpkg.log"; ag_fail "dpkg -i failed"; }
grep -q 'smtpd_milters = unix:authgate/authgate.sock' "$AG_WORK/dpkg.log" ||
	ag_fail "the package does not print the smtpd_milters line"
echo "ok - installed; it prints: $(grep 'smtpd_milters' "$AG_WORK/dpkg.log")"
dpkg-query -W -f='${Conffiles}\n' authgate | grep -q '/etc/authgate/authgate.conf' ||
	ag_fail "/etc/authgate/authgate.conf is not a conffile"
getent passwd authgate >/dev/null || ag_fail "no authgate user"
id -nG postfix | grep -qw authgate || ag_fail "postfix is not in group authgate"
[ "$(stat -c '%U:%G %a' /var/spool/postfix/authgate)" = "authgate:authgate 750" ] ||
	ag_fail "the spool socket directory: $(stat -c '%U:%G %a' /var/spool/postfix/authgate)"
UNIT=/lib/systemd/system/authgate.service
grep -q '^Type=notify' "$UNIT" && grep -q '^User=authgate' "$UNIT" ||
	ag_fail "the unit is not Type=notify, User=authgate"
[ -s /usr/share/doc/authgate/grafana-authgate.json ] ||
	ag_fail "no Grafana dashboard in /usr/share/doc/authgate"
echo "ok - conffile, user, group, spool directory, unit, dashboard"

# --- mail through Debian's chrooted Postfix ---------------------------
ag_nsd_start
SINK_PORT=$(ag_free_port)
pf_sink_start "$AG_WORK" "$SINK_PORT" || ag_fail "smtp-sink did not start"
AG_PIDS="$AG_PIDS $PF_SINK_PID"
SMTP_PORT=$(ag_free_port)
pf_setup "$PF" "$SMTP_PORT" "$SINK_PORT" "unix:authgate/authgate.sock"
pf_debian_master "$PF" "$SMTP_PORT"
# the socket directory as the package makes it, in the test's spool
install -d -o authgate -g authgate -m 0750 "$PF/spool/authgate"
# the installed configuration, only its DNS servers the test's, and the
# metrics switched on as README.Debian says
METRICS_PORT=$(ag_free_port)
sed -e "s|^	servers = \"\"|	servers = \"127.0.0.1:$AG_DNS_PORT\"|" \
    -e "s|^metrics = \"\"|metrics = \"127.0.0.1:$METRICS_PORT\"|" \
    /etc/authgate/authgate.conf > "$AG_WORK/authgate.conf"
chmod 644 "$AG_WORK/authgate.conf"
grep -q "servers = \"127.0.0.1:$AG_DNS_PORT\"" "$AG_WORK/authgate.conf" &&
    grep -q "^metrics = \"127.0.0.1:$METRICS_PORT\"" "$AG_WORK/authgate.conf" ||
	ag_fail "cannot point the installed config at the test DNS and port"
# as the unit: RuntimeDirectory, ExecStartPre, ExecStart as authgate
install -d -o authgate -g authgate -m 0750 /run/authgate
python3 "$SRC/tests/lib/syslog_sink.py" "$AG_WORK/notify.sock" \
    "$AG_WORK/notify.out" "$AG_WORK/sink.pid" 300 \
    "$PF/spool/authgate/authgate.sock" &
ag_wait_for 10 test -s "$AG_WORK/sink.pid" || ag_fail "no notify sink"
AG_PIDS="$AG_PIDS $AG_WORK/sink.pid"
chmod 666 "$AG_WORK/notify.sock"
# stderr is the journal's stream, as under the unit (JOURNAL_STREAM): the
# daemon logs through syslog(3), to a /dev/log that is the test's socket
python3 "$SRC/tests/lib/syslog_sink.py" "$AG_WORK/log.sock" \
    "$AG_WORK/syslog.out" "$AG_WORK/syslog-sink.pid" 300 &
ag_wait_for 10 test -s "$AG_WORK/syslog-sink.pid" || ag_fail "no syslog sink"
AG_PIDS="$AG_PIDS $AG_WORK/syslog-sink.pid"
chmod 666 "$AG_WORK/log.sock"
ag_ns_dev "$AG_WORK" "$AG_WORK/log.sock"
: > "$AG_WORK/authgate.log"
runuser -u authgate -- /usr/sbin/authgate -n -c "$AG_WORK/authgate.conf" ||
	ag_fail "ExecStartPre (authgate -n) fails on the installed config"
# the unit's sandbox, as far as it can be had without systemd: User= and
# Group= (setpriv), NoNewPrivileges=, CapabilityBoundingSet= (empty),
# ProtectSystem=strict (the root read-only in the daemon's mount
# namespace) with only ReadWritePaths= (the spool's socket directory) and
# RuntimeDirectory= (a tmpfs on /run/authgate) writable
NOTIFY_SOCKET="$AG_WORK/notify.sock" \
    JOURNAL_STREAM=$(stat -c '%d:%i' "$AG_WORK/authgate.log") \
    unshare -m --propagation private \
    sh -c 'mount --bind "$0" /var/spool/postfix &&
	mount --rbind /dev "$2/olddev" && mount --bind "$2/newdev" /dev &&
	mount -t tmpfs -o "mode=0750,uid=$(id -u authgate),gid=$(id -g authgate)" \
	    authgate-run /run/authgate &&
	mount -o remount,bind,ro / &&
	exec setpriv --reuid authgate --regid authgate --init-groups \
	    --no-new-privs --bounding-set -all --inh-caps -all -- \
	    /usr/sbin/authgate -f -c "$1"' \
    "$PF/spool" "$AG_WORK/authgate.conf" "$AG_WORK" >> "$AG_WORK/authgate.log" 2>&1 &
echo $! > "$AG_WORK/authgate.pid"
ag_wait_for 10 grep -q '^READY=1' "$AG_WORK/notify.out" ||
	{ cat "$AG_WORK/authgate.log" "$AG_WORK/syslog.out"; ag_fail "no READY=1 from the daemon"; }
grep -q '^READY=1 .*\[exists\]$' "$AG_WORK/notify.out" ||
	ag_fail "READY=1 came before the socket existed"
[ "$(stat -c '%U:%G %a' "$PF/spool/authgate/authgate.sock")" = "authgate:authgate 660" ] ||
	ag_fail "socket: $(stat -c '%U:%G %a' "$PF/spool/authgate/authgate.sock")"
echo "ok - started as the unit does: READY=1 once the socket (authgate:authgate 660) exists"
grep -q "control socket" "$AG_WORK/authgate.log" "$AG_WORK/syslog.out" &&
	ag_fail "no control socket in the runtime directory: $(grep -h 'control socket' "$AG_WORK/authgate.log" "$AG_WORK/syslog.out")"
AGPID=$(cat "$AG_WORK/authgate.pid")
grep -q '^NoNewPrivs:[[:space:]]*1$' "/proc/$AGPID/status" &&
    grep -q '^CapBnd:[[:space:]]*0000000000000000$' "/proc/$AGPID/status" &&
    [ "$(ps -o user= -p "$AGPID")" = authgate ] ||
	ag_fail "the daemon is not sandboxed: $(grep -E '^(Uid|NoNewPrivs|CapBnd)' "/proc/$AGPID/status")"
echo "ok - sandboxed as the unit is: user authgate, no new privileges, no capabilities, read-only root"
pf_start "$PF" || ag_fail "postfix did not start"

# before authgate stops: /metrics counted the delivered and the refused
package_counted() {	# the two verdicts of pf_chroot_checks so far
	curl -sf "http://127.0.0.1:$METRICS_PORT/metrics" > "$AG_WORK/metrics.prom" &&
	    grep -q '^authgate_verdicts_total{action="accept",check="none",stage="eom"} 1$' \
	    "$AG_WORK/metrics.prom" &&
	    grep -q '^authgate_verdicts_total{action="reject",check="spf-mailfrom",stage="rcpt"} 1$' \
	    "$AG_WORK/metrics.prom"
}
package_metrics_then_stop() {
	# a transaction counts when Postfix closes its milter connection
	ag_wait_for 10 package_counted ||
		ag_fail "/metrics: $(grep verdicts_total "$AG_WORK/metrics.prom")"
	echo "ok - package: /metrics counted the delivered and the refused message"
	package_stop_authgate
}
pf_chroot_checks "$SMTP_PORT" "$AG_WORK/sink" package_metrics_then_stop \
    package
# the delivered message's line, in the mail facility (<22> = mail.info)
# under Postfix's queue id for it
QID=$(sed -n 's/.*postfix\/smtpd\[[0-9]*\]: \([0-9A-F]\{6,\}\): client=unknown\[192\.0\.2\.10\].*/\1/p' \
    "$PF/postfix.log" | head -1)
[ -n "$QID" ] || ag_fail "no queue id for the delivered message in Postfix's log"
grep -Eq "^<22>.*authgate\[[0-9]+\]: $QID: client=unknown\[192\.0\.2\.10\] .*verdict=accept" \
    "$AG_WORK/syslog.out" ||
	ag_fail "no mail.info line for $QID: $(tail -3 "$AG_WORK/syslog.out")"
[ ! -s "$AG_WORK/authgate.log" ] ||
	ag_fail "lines on stderr although it is the journal: $(head -3 "$AG_WORK/authgate.log")"
echo "ok - the transaction's line is in the mail facility under Postfix's queue id $QID"
echo "all package checks passed"
