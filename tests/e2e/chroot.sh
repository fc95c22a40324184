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
. "$top_srcdir/tests/lib/postfix.sh"
pf_test_init chroot

ag_nsd_start
SINK_PORT=$(ag_free_port)
pf_sink_start "$AG_WORK" "$SINK_PORT" || ag_fail "smtp-sink did not start"
AG_PIDS="$AG_PIDS $PF_SINK_PID"
SMTP_PORT=$(ag_free_port)
pf_setup "$PF" "$SMTP_PORT" "$SINK_PORT" "unix:authgate/authgate.sock"
pf_debian_master "$PF" "$SMTP_PORT"
echo "ok - Debian's master.cf: smtpd and cleanup chrooted"
# the socket inside the chroot, where the package puts it
mkdir -p "$PF/spool/authgate"
chown nobody "$PF/spool/authgate"
AG_SOCKET="unix:$PF/spool/authgate/authgate.sock"
ag_write_conf "$AG_WORK/authgate.conf" 'socket_mode = "0666"'
ag_authgate_start "$AG_WORK/authgate.conf" -u nobody
pf_start "$PF" || ag_fail "postfix did not start"

pf_chroot_checks "$SMTP_PORT" "$AG_WORK/sink" ag_authgate_stop chroot
grep -E 'fatal:|panic:' "$PF/postfix.log" && ag_fail "Postfix failed"
grep -q 'warning: connect to Milter service unix:authgate/authgate.sock' \
    "$PF/postfix.log" || ag_fail "Postfix did not see the milter go away"
echo "ok - Postfix logged the milter going away"
