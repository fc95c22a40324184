#!/bin/sh
# dnsbl_overlap.sh - the connect-stage lookups overlap: with every DNS
# answer delayed by D, the lookups in N lists finish in about D, not N x D.
# A forwarder (tests/lib/dns_proxy.py, mode "slow D") in front of nsd
# holds each answer for D; authgate's debug log says how long the DNS list
# lookups took.
# The time is printed; the assertion is only a generous bound (below half
# of the one-at-a-time time), since test machines are noisy.
. "$(dirname "$0")/../lib/common.sh"
ag_init dnsbl_overlap
ag_need miltertest
ag_need python3
ag_nsd_start

DELAY_MS=400
LISTS=8
ag_dns_proxy_start "slow $DELAY_MS" 300

zones=""
i=1
while [ $i -le $LISTS ]; do
	zones="$zones  zone \"d$i.bl.example\" { }
"
	i=$((i + 1))
done
# only the DNS lists: everything else would add its own delayed lookups
AG_DNS_TIMEOUT=3s ag_write_conf "$AG_WORK/authgate.conf" "dnsbl {
  timeout = 10s
$zones}
iprev { enabled = no }
helo { enabled = no }
spf {
  mailfrom { enabled = no }
  helo { enabled = no }
}"
ag_authgate_start "$AG_WORK/authgate.conf"
cat > "$AG_WORK/overlap.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local conn = connect_from("198.51.100.70", "mail.example.org")
check(mail(conn, "O-1", "<u@example.org>") == SMFIR_CONTINUE, "MAIL accepted")
check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_CONTINUE,
    "RCPT accepted (it waited for the DNS lists)")
mt.disconnect(conn)
LUA
ag_miltertest "$AG_WORK/overlap.lua"
ag_wait_for 10 grep -q 'dnsbl 198\.51\.100\.70: ' "$AG_WORK/authgate.log" ||
	ag_fail "no DNS list timing in the log"
line=$(grep 'dnsbl 198\.51\.100\.70: ' "$AG_WORK/authgate.log" | head -1)
n=$(echo "$line" | sed -n 's/.*: \([0-9]*\) lists answered in \([0-9]*\) ms.*/\1/p')
ms=$(echo "$line" | sed -n 's/.* lists answered in \([0-9]*\) ms.*/\1/p')
[ "$n" = "$LISTS" ] || ag_fail "expected $LISTS lists, the log says: $line"
serial=$((LISTS * DELAY_MS))
echo "measured: $LISTS DNS lists, every answer delayed ${DELAY_MS} ms:" \
    "${ms} ms (one after another would take ${serial} ms)"
# the delay really applied (else this test shows nothing) ...
[ "$ms" -ge $((DELAY_MS * 9 / 10)) ] ||
	ag_fail "${ms} ms is less than the delay: the proxy was not used"
# ... and the lookups overlapped: far below the serial time
[ "$ms" -lt $((serial / 2)) ] ||
	ag_fail "${ms} ms: the lookups did not overlap (serial ${serial} ms)"
echo "ok - the DNS list lookups overlap"
ag_no_errors_logged
ag_authgate_stop
