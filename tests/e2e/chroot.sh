#!/bin/sh
# chroot.sh - end-to-end with Debian's own master.cf, where smtpd and
# cleanup run chrooted in the queue directory (chroot column "y"): the
# milter socket lives inside the spool (as the package puts it,
# /var/spool/postfix/authgate/authgate.sock) and Postfix names it
# relative to the queue directory (smtpd_milters =
# unix:authgate/authgate.sock), so chrooted and unchrooted services both
# reach it. Mail is delivered with our Authentication-Results, refused
# with the 550 text, and with authgate stopped answered 451 (never an
# unchecked accept).
. "$(dirname "$0")/../lib/common.sh"
[ "$(id -u)" -eq 0 ] || ag_skip "the Postfix end-to-end test needs root"
ag_need nsd postfix smtp-sink python3
id postfix >/dev/null 2>&1 || ag_skip "no postfix user"
[ -f /usr/share/postfix/master.cf.dist ] ||
	ag_skip "no Debian master.cf (/usr/share/postfix/master.cf.dist)"

AG_WORK=$(mktemp -d /tmp/authgate-chroot.XXXXXX)
chmod 755 "$AG_WORK"
trap ag_cleanup EXIT
trap 'exit 1' INT TERM
PF="$AG_WORK/postfix"
AG_CLEANUP_HOOK=e2e_stop
. "$top_srcdir/tests/lib/postfix.sh"
e2e_stop() {
	pf_stop "$PF"
}

ag_nsd_start
SINK_PORT=$(ag_free_port)
pf_sink_start "$AG_WORK" "$SINK_PORT" || ag_fail "smtp-sink did not start"
AG_PIDS="$AG_PIDS $PF_SINK_PID"
SMTP_PORT=$(ag_free_port)
pf_setup "$PF" "$SMTP_PORT" "$SINK_PORT" "unix:authgate/authgate.sock"
# Debian's master.cf as shipped, every service chrooted that Debian
# chroots, only the smtpd listener moved to the test's port
sed -e "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$SMTP_PORT inet n - y - - smtpd/" \
    /usr/share/postfix/master.cf.dist > "$PF/etc/master.cf"
grep -q "^127.0.0.1:$SMTP_PORT inet n - y - - smtpd" "$PF/etc/master.cf" ||
	ag_fail "Debian's master.cf has no chrooted smtpd line to move"
grep -q '^cleanup   unix  n       -       y' "$PF/etc/master.cf" ||
	ag_fail "cleanup is not chrooted in Debian's master.cf"
echo "ok - Debian's master.cf: smtpd and cleanup chrooted"
# the socket inside the chroot, where the package puts it
mkdir -p "$PF/spool/authgate"
chown nobody "$PF/spool/authgate"
AG_SOCKET="unix:$PF/spool/authgate/authgate.sock"
ag_write_conf "$AG_WORK/authgate.conf" 'socket_mode = "0666"'
ag_authgate_start "$AG_WORK/authgate.conf" -u nobody
pf_start "$PF" || ag_fail "postfix did not start"

check() {
	python3 "$top_srcdir/tests/e2e/send_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" "$@" || ag_fail "send_check: $*"
}
check --subject chroot-pass --addr 192.0.2.10 \
    --mail-from user@pass.authgate.example \
    --from user@pass.authgate.example --expect 250 --delivered \
    --what "SPF pass through the chrooted smtpd"
grep -l "Subject: chroot-pass" "$AG_WORK"/sink/* | head -1 |
    xargs grep -q '^Authentication-Results: mx.authgate.test;' ||
	ag_fail "the delivered copy has no Authentication-Results of ours"
echo "ok - delivered with our Authentication-Results"
check --subject chroot-fail --addr 198.51.100.20 \
    --mail-from user@fail.authgate.example --expect 550 --stage rcpt \
    --reply-has "SPF fail" --not-delivered --what "SPF fail refused"
ag_authgate_stop
check --subject chroot-down --addr 192.0.2.10 \
    --mail-from user@pass.authgate.example --expect 451 --not-delivered \
    --what "authgate stopped: 451, never an unchecked accept"
grep -E 'fatal:|panic:' "$PF/postfix.log" && ag_fail "Postfix failed"
grep -q 'warning: connect to Milter service unix:authgate/authgate.sock' \
    "$PF/postfix.log" || ag_fail "Postfix did not see the milter go away"
echo "ok - Postfix logged the milter going away"
