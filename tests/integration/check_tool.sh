#!/bin/sh
# check_tool.sh - authgate-check gives the daemon's verdict: the same
# scenarios (connect-stage checks, SPF, sender networks, DMARC, From:
# problems, envelope only and with a message) go through the daemon with
# miltertest and through authgate-check with the same config and the same
# DNS (nsd on 127.0.0.1), and the verdicts ("verdict=... stage=..." of
# the log line) must be equal; the tool's diagnosis names the fix, its
# JSON output parses, its exit status follows the verdict, and bad
# arguments are usage errors.
. "$(dirname "$0")/../lib/common.sh"
ag_init check_tool
ag_need miltertest python3
ag_nsd_start
CHECK="$top_builddir/milter/authgate-check"

ag_write_conf "$AG_WORK/authgate.conf" "$(cat "$top_srcdir/tests/lib/test-lists.conf")"'
sender_networks {
  domain "bank.authgate.example" { networks = "192.0.2.0/24" }
}
ip_lists {
  list "blocked" { networks = "203.0.113.66" }
}
allowlist_senders = "pass.authgate.example"
override "strict.example" {
  spf { mailfrom { softfail = reject } }
}
override "lenient.authgate.example" {
  match = sender
  report_only = yes
}'

# qid|ip|helo|from|rcpt|message kind
cat > "$AG_WORK/scenarios" <<'EOF2'
K-PASS|192.0.2.10|mail.authgate.example|<u@aligned.authgate.example>|<r@rcpt.example>|aligned
K-SPFFAIL|198.51.100.20|host.nowhere.authgate.example|<user@pass.authgate.example>|<r@rcpt.example>|plain
K-SBL|198.51.100.50|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
K-PBL|198.51.100.51|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
K-WL|198.51.100.53|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
K-LISTERR|198.51.100.52|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
K-V6|2001:db8:2::25|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|none
K-AUTHZ|198.51.100.60|host.nowhere.authgate.example|<u@bank.authgate.example>|<r@rcpt.example>|plain
K-AUTHZFROM|198.51.100.61|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|bank
K-OWNHELO|192.0.2.10|mx.authgate.test|<user@pass.authgate.example>|<r@rcpt.example>|plain
K-DMARC|198.51.100.80|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|forged
K-TWOFROM|192.0.2.10|mail.authgate.example|<u@aligned.authgate.example>|<r@rcpt.example>|twofrom
K-IPLIST|203.0.113.66|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
K-POSTMASTER|198.51.100.50|host.nowhere.authgate.example|<u@none.authgate.example>|<postmaster@rcpt.example>|plain
K-IPREVFAIL|192.0.2.11|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|none
K-OVR-RCPT|198.51.100.20|host.nowhere.authgate.example|<u@softfail.authgate.example>|<r@strict.example>|plain
K-OVR-NONE|198.51.100.20|host.nowhere.authgate.example|<u@softfail.authgate.example>|<r@rcpt.example>|plain
K-OVR-SENDER|198.51.100.50|host.nowhere.authgate.example|<u@lenient.authgate.example>|<r@rcpt.example>|plain
K-ALLOWSENDER|192.0.2.30|host.nowhere.authgate.example|<user@pass.authgate.example>|<r@rcpt.example>|plain
K-NOTALLOWED|192.0.2.30|host.nowhere.authgate.example|<u@none.authgate.example>|<r@rcpt.example>|plain
EOF2

# the messages, as files for the tool (the Lua script has the same fields)
msg() {	# kind header-lines...
	kind=$1
	shift
	for h in "$@"; do printf '%s\r\n' "$h"; done > "$AG_WORK/$kind.eml"
	printf '\r\nHello.\r\n' >> "$AG_WORK/$kind.eml"
}
msg aligned "From: Alice <a@aligned.authgate.example>" "To: r@rcpt.example" "Subject: report"
msg plain "From: x@none.authgate.example" "To: r@rcpt.example" "Subject: hello"
msg forged "From: Billing <billing@signed.authgate.example>" "To: r@rcpt.example" "Subject: invoice"
msg twofrom "From: a@aligned.authgate.example" "From: b@other.example" "Subject: two"
msg bank "From: Bank <alerts@bank.authgate.example>" "To: r@rcpt.example" "Subject: alert"

ag_authgate_start "$AG_WORK/authgate.conf"
ag_miltertest "$top_srcdir/tests/integration/check_tool.lua" \
    -D scenarios="$AG_WORK/scenarios"
ag_authgate_stop

verdict_of() {	# the "verdict=... stage=..." part of a log line
	sed -n 's/.* \(verdict=.* stage=[a-z]*\) .*/\1/p' | head -1
}
n=0
while IFS='|' read -r qid ip helo from rcpt kind; do
	set -- --ip "$ip" --helo "$helo" --from "$from" --rcpt "$rcpt"
	[ "$kind" = none ] || set -- "$@" "$AG_WORK/$kind.eml"
	"$CHECK" -c "$AG_WORK/authgate.conf" "$@" > "$AG_WORK/$qid.out" 2>&1
	status=$?
	tool=$(grep '^Log line: ' "$AG_WORK/$qid.out" | verdict_of)
	daemon=$(grep " $qid: client=" "$AG_WORK/authgate.log" | verdict_of)
	[ -n "$daemon" ] || ag_fail "$qid: no daemon log line"
	[ "$tool" = "$daemon" ] ||
		ag_fail "$qid: authgate-check says '$tool', the daemon '$daemon'"
	case "$tool" in
	"verdict=reject"*) want=2 ;;
	"verdict=tempfail"*) want=1 ;;
	*) want=0 ;;
	esac
	[ "$status" -eq "$want" ] ||
		ag_fail "$qid: exit status $status for '$tool', want $want"
	echo "ok - $qid: authgate-check and the daemon agree: $tool"
	n=$((n + 1))
done < "$AG_WORK/scenarios"
[ "$n" -ge 10 ] || ag_fail "only $n scenarios compared"

# the diagnosis names what was found and the fix
grep -q 'To fix: the owner of pass\.authgate\.example must add ip4:198\.51\.100\.20 to its SPF record' \
    "$AG_WORK/K-SPFFAIL.out" || ag_fail "K-SPFFAIL: no SPF fix in the diagnosis"
grep -q 'To fix: send through your provider.s SMTP relay (smarthost)' "$AG_WORK/K-PBL.out" ||
	ag_fail "K-PBL: no relay advice"
grep -q 'ask the list to remove the address at https://check\.bl\.example/?ip=198\.51\.100\.50' \
    "$AG_WORK/K-SBL.out" || ag_fail "K-SBL: no delisting URL"
grep -q 'ask the owner of 192\.0\.2\.11 (your ISP or hosting provider) for a PTR record' \
    "$AG_WORK/K-IPREVFAIL.out" || ag_fail "K-IPREVFAIL: no reverse DNS fix"
grep -q '^  550 5\.7\.1 To fix' "$AG_WORK/K-DMARC.out" ||
	ag_fail "K-DMARC: the SMTP reply is not printed as the MTA would send it"
grep -q '^Authentication-Results: mx\.authgate\.test;' "$AG_WORK/K-PASS.out" ||
	ag_fail "K-PASS: no Authentication-Results field"
echo "ok - the diagnoses name the fixes"
grep -q 'Exemptions: DNSBL not checked (allowlisted sender domain (SPF pass) pass\.authgate\.example)' \
    "$AG_WORK/K-ALLOWSENDER.out" || ag_fail "K-ALLOWSENDER: the exemption is not shown"
grep -q '^Verdict: accept' "$AG_WORK/K-ALLOWSENDER.out" &&
    grep -q '^Verdict: reject at rcpt (dnsbl)' "$AG_WORK/K-NOTALLOWED.out" ||
	ag_fail "allowlist_senders: wrong verdicts"
echo "ok - an allowlisted sender domain that passes SPF skips the DNS lists"
grep -q '^Verdict: reject at rcpt (spf-mailfrom)' "$AG_WORK/K-OVR-RCPT.out" &&
    grep -q '^Verdict: accept' "$AG_WORK/K-OVR-NONE.out" ||
	ag_fail "a recipient-domain override did not apply (or applied to all)"
grep -q '^Report only, would: reject: dnsbl score 3' "$AG_WORK/K-OVR-SENDER.out" ||
	ag_fail "a sender-domain override did not apply"
echo "ok - per-domain overrides: by recipient domain and by sender domain"

# "From :" (the obsolete syntax, RFC 5322 4.5.2) is a From: field for the
# tool as for the daemon behind Postfix, which gets the name trimmed: a
# second one makes the From: unusable
msg fromspace "From: a@aligned.authgate.example" "From : b@other.example" \
    "Subject: two From fields, one with a space"
"$CHECK" -c "$AG_WORK/authgate.conf" --ip 192.0.2.10 \
    --helo mail.authgate.example --from '<u@aligned.authgate.example>' \
    --rcpt '<r@rcpt.example>' "$AG_WORK/fromspace.eml" > "$AG_WORK/fromspace.out" 2>&1
grep -q '^Verdict: reject at eom (from)' "$AG_WORK/fromspace.out" ||
	{ cat "$AG_WORK/fromspace.out"; ag_fail "\"From :\" was not seen as a From: field"; }
echo "ok - \"From :\" counts as a From: field"

# one MAIL FROM syntax for the tool and the daemon: an unquoted space or
# comma is malformed in the local part as in the domain (and said so);
# a malformed local part still leaves its domain to SPF (RFC 7208 4.3)
for bad in 'a@ b.example' 'a,b c@b.example'; do
	"$CHECK" -c "$AG_WORK/authgate.conf" --ip 192.0.2.10 \
	    --helo mail.authgate.example --from "$bad" > "$AG_WORK/bad.out" 2>&1
	grep -q "malformed MAIL FROM $bad" "$AG_WORK/bad.out" ||
		ag_fail "MAIL FROM $bad is not malformed"
done
"$CHECK" -c "$AG_WORK/authgate.conf" --ip 192.0.2.10 \
    --helo mail.authgate.example --from 'a b@pass.authgate.example' \
    > "$AG_WORK/bad.out" 2>&1
grep -q 'spf_mailfrom=pass(pass\.authgate\.example)' "$AG_WORK/bad.out" ||
	ag_fail "a malformed local part took SPF from its domain"
echo "ok - MAIL FROM with an unquoted space is malformed, local part or domain; SPF still checks the domain"

# JSON for scripts
"$CHECK" -c "$AG_WORK/authgate.conf" --json --ip 198.51.100.50 \
    --helo host.nowhere.authgate.example --from '<u@none.authgate.example>' \
    > "$AG_WORK/json.out"
python3 - "$AG_WORK/json.out" <<'PY' || ag_fail "the JSON output is not what it should be"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["verdict"] == "reject" and d["check"] == "dnsbl", d
assert d["code"] == "550" and d["enhanced_code"] == "5.7.1", d
assert d["reply"][-1].startswith("550 5.7.1 To fix"), d["reply"]
f = [x for x in d["findings"] if x["check"] == "dnsbl"][0]
assert not f["ok"] and any("check.bl.example" in l for l in f["lines"]), f
print("ok - JSON: verdict, codes, reply lines and findings")
PY

# bad arguments
"$CHECK" --ip 999.1.1.1 > /dev/null 2>&1
[ $? -eq 64 ] || ag_fail "a bad --ip is not a usage error"
"$CHECK" > /dev/null 2>&1
[ $? -eq 64 ] || ag_fail "no --ip is not a usage error"
"$CHECK" -c "$AG_WORK/no-such.conf" --ip 192.0.2.1 > /dev/null 2>&1
[ $? -eq 70 ] || ag_fail "a missing config is not a config error"
"$CHECK" -c "$AG_WORK/authgate.conf" --ip 192.0.2.1 "$AG_WORK/no-such.eml" > /dev/null 2>&1
[ $? -eq 70 ] || ag_fail "a missing message file is not an error"
echo "ok - bad arguments: exit 64 / 70"
ag_no_errors_logged
echo "all authgate-check checks passed"
