#!/bin/sh
# arc.sh - end-to-end: ARC (RFC 8617) through a private Postfix. A
# "mailing list" tags the subject of a message from a p=reject domain and
# adds a footer (the author's DKIM signature breaks), seals it with
# python3-dkim's arc_sign, and sends it on (arc_check.py). authgate, with
# lists.arc.example in dmarc.trusted_sealers and sealing as
# mx.arc.example with an RSA key (python3-dkim takes rsa-sha256 only, as
# RFC 8617 defines; Ed25519 seals are tested in test_arc_verify):
#   - trusted sealer: delivered, arc=pass, dmarc=fail not enforced with
#     the ARC reason; our ARC set on top verifies with python3-dkim;
#   - untrusted sealer: 550, the text names the sealer as not trusted;
#   - one ARC header altered: 550, arc=fail, the text says so;
#   - no chain: arc=none, our set (cv=none) verifies with python3-dkim
#     (seal_mail = all: a forwarder);
#   - a list host (seal_mail = outgoing): not sealed on the way in, sealed
#     on the way out from 127.0.0.1 with the results of the way in;
# the log lines say arc= and the exemption. Needs root (Postfix).
. "$(dirname "$0")/../lib/common.sh"
. "$top_srcdir/tests/lib/postfix.sh"
pf_test_init arc
ag_python_dkim
"$AG_PYTHON" -c 'import authres, nacl' 2>/dev/null ||
	ag_skip "python3-authres and python3-nacl are needed (arc_sign, Ed25519)"

KEYS="$top_srcdir/tests/keys"
KEY=$(sed -n 's/^s2048\._domainkey\.signed[[:space:]]*TXT[[:space:]]*//p' \
    "$top_srcdir/tests/zones/authgate.example.zone")
[ -n "$KEY" ] || ag_fail "no test key record in authgate.example.zone"
mkdir -p "$AG_WORK/zones"
cat > "$AG_WORK/zones/arc.example.zone" <<EOF
\$ORIGIN arc.example.
\$TTL 300
@		SOA	ns.arc.example. hostmaster.arc.example. 1 3600 600 86400 300
@		NS	ns.authgate.example.
src		TXT	"v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.src	TXT	"v=DMARC1; p=reject"
s2048._domainkey.src TXT $KEY
lists		TXT	"v=spf1 ip4:198.51.100.30 -all"
arc._domainkey.lists TXT $KEY
other		TXT	"v=spf1 ip4:198.51.100.30 -all"
arc._domainkey.other TXT $KEY
seal._domainkey.mx TXT	"$(cat "$KEYS/rsa1024.txt")"
EOF
ag_nsd_start

# the key is read by the daemon as it is (tests run as root)
ag_write_conf "$AG_WORK/authgate.conf" "socket_mode = \"0666\"
dmarc {
  trusted_sealers = \"lists.arc.example\"
}
arc {
  seal_mail = all
  seal_domain = \"mx.arc.example\"
  seal_selector = \"seal\"
  seal_key = \"$KEYS/rsa1024.pem\"
}"
ag_authgate_start "$AG_WORK/authgate.conf"
pf_start_with_sink "unix:$AG_WORK/authgate.sock"

tr -d '\n' < "$KEYS/rsa2048.txt" > "$AG_WORK/rsa2048.rec"
arc_check() {
	"$AG_PYTHON" "$top_srcdir/tests/e2e/arc_check.py" --port "$SMTP_PORT" \
	    --sink "$AG_WORK/sink" --authserv-id mx.authgate.test \
	    --keys "$KEYS" --dkim-key "$KEYS/rsa2048.pem" \
	    --dns "arc._domainkey.lists.arc.example=$AG_WORK/rsa2048.rec" \
	    --dns "seal._domainkey.mx.arc.example=$KEYS/rsa1024.txt" \
	    --save "$AG_WORK/$1.eml" "$1" || ag_fail "ARC scenario $1"
}
for scenario in trusted trusted_dkim untrusted broken plain replay; do
	arc_check "$scenario"
done

# authgate-check explains the same message
"$top_builddir/milter/authgate-check" -c "$AG_WORK/authgate.conf" \
    --ip 198.51.100.30 --helo mail.lists.arc.example \
    --from bounce@lists.arc.example --rcpt rcpt@rcpt.example \
    "$AG_WORK/trusted.eml" > "$AG_WORK/check.out" 2>&1
grep -q 'arc.*pass (1 set, newest sealed by lists\.arc\.example' \
    "$AG_WORK/check.out" &&
    grep -q 'came through lists\.arc\.example, which you trust' \
    "$AG_WORK/check.out" &&
    grep -q 'ARC: the message came through lists\.arc\.example, which this receiver trusts' \
    "$AG_WORK/check.out" ||
	ag_fail "authgate-check: $(cat "$AG_WORK/check.out")"
echo "ok - authgate-check shows the chain and the trusted sealer"

# the log lines: the chain, the exemption, the refusals' reasons
ag_expect_log 'arc=pass\(i=1 lists\.arc\.example\) dmarc=fail\(src\.arc\.example.* exempt="dmarc=fail \(p=reject\) not enforced \(arc trusted sealer lists\.arc\.example, whose ARC set i=1 saw dmarc=pass\)"' \
    "the trusted sealer's message is logged with the exemption"
ag_expect_log 'arc=pass\(i=1 other\.arc\.example\) dmarc=fail.* verdict=reject' \
    "the untrusted sealer's message is logged as refused"
ag_expect_log 'arc=fail\(the ARC-Seal with i=1 does not verify: the signature does not verify\).* verdict=reject' \
    "the broken chain is logged with its reason"
ag_expect_log 'arc=pass\(i=2 other\.arc\.example lists\.arc\.example\) dmarc=fail.* verdict=reject' \
    "the replayed chain passes, its old trusted set vouches for nothing"
ag_no_errors_logged

# a list host: seal_mail = outgoing (the default) seals on the way out
ag_authgate_stop
sed -i '/seal_mail = all/d' "$AG_WORK/authgate.conf"
rm -f "$AG_WORK/authgate.sock"
ag_authgate_start "$AG_WORK/authgate.conf"
arc_check list_flow
grep -E 'warning: .*milter|fatal:|panic:' "$PF/postfix.log" &&
	ag_fail "Postfix reported milter trouble"
echo "all ARC end-to-end checks passed"
