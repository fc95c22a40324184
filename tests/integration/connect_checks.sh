#!/bin/sh
# connect_checks.sh - integration: the connect-stage IP checks through the
# real daemon, with nsd serving a test DNS block list (zen.bl.example, like
# Spamhaus ZEN), an allow list (wl.bl.example, like DNSWL) and reverse
# zones: SBL and PBL refusals with their texts, list errors ignored and
# logged, DNSWL offsets, IPv6 nibble lookups, iprev pass/fail/permerror/
# temperror, hostile PTR answers, HELO with our own name, per-domain
# sender networks, a deny list, postmaster@ reachable from a listed IP;
# then a strict reverse DNS policy (550 / 450), refusals at connect and
# at the end of the message, and which MTA waits each reject_stage spares
# (the "no reply" steps negotiated).
. "$(dirname "$0")/../lib/common.sh"
ag_init connect_checks
ag_need miltertest
ag_nsd_start

# ag_steps_asked WANT WHAT - the no-reply steps the running authgate asks
# for, offered them all, are exactly WANT (names, in order)
ag_steps_asked() {
	got=$(python3 "$top_srcdir/tests/integration/milter_steps.py" \
	    "$AG_SOCKET" | tr '\n' ' ' | sed 's/ $//') ||
		ag_fail "$2: no option negotiation answer"
	[ "$got" = "$1" ] || ag_fail "$2: no-reply steps \"$got\", want \"$1\""
	echo "ok - $2: no reply asked at: $1"
}

zones=$(cat "$top_srcdir/tests/lib/test-lists.conf")
ag_write_conf "$AG_WORK/authgate.conf" "$zones
sender_networks {
  domain \"bank.authgate.example\" { networks = \"192.0.2.0/24\" }
}
ip_lists {
  list \"blocked\" {
    action = reject
    networks = \"203.0.113.66\"
    text = \"Mail from %{ip} (%{net}) is blocked here; write to postmaster@rcpt.example\"
  }
}"
ag_authgate_start "$AG_WORK/authgate.conf"
ag_steps_asked "conn helo mail hdr" "reject_stage = rcpt (default)"
ag_miltertest "$top_srcdir/tests/integration/connect_checks.lua"

ag_expect_log 'C-SBL: .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\) dnsbl_score=3 .*verdict=reject 550 5\.7\.1 \(dnsbl\) stage=rcpt .*reply="IP 198\.51\.100\.50 is listed in zen\.bl\.example \(SBL, answer 127\.0\.0\.2\): https://www\.spamhaus\.org/query/ip/198\.51\.100\.50 SBL999 spam source: the list has seen spam or abuse from it\. \| To fix: .* ask the list to remove the address at https://check\.bl\.example/\?ip=198\.51\.100\.50\."' \
    "an SBL listing is refused with the list's text and the delisting URL"
ag_expect_log 'C-PBL: .*dnsbl=zen\.bl\.example:127\.0\.0\.11\(PBL \+3\) .*verdict=reject 550 5\.7\.1 \(dnsbl\) .*reply="IP 198\.51\.100\.51 is listed in zen\.bl\.example \(PBL\) as an end-user address that should not send mail directly to other domains. servers\. \| To fix: send through your provider.s SMTP relay \(smarthost\)' \
    "a PBL listing is refused with the relay advice"
ag_expect_log 'C-V6: client=client\.example\[2001:db8:2::25\] .*dnsbl=zen\.bl\.example:127\.0\.0\.4\(XBL \+3\) .*verdict=reject 550' \
    "an IPv6 client is looked up in nibble format"
ag_expect_log 'warning: dnsbl zen\.bl\.example: answer 127\.255\.255\.254 for 198\.51\.100\.52 is not a listing: .*ignored' \
    "the 127.255.255.254 answer is logged as a warning"
ag_expect_log 'C-ERR: .*dnsbl=zen\.bl\.example:error\(127\.255\.255\.254\) dnsbl_score=0 .*verdict=accept' \
    "the 127.255.255.254 answer is not a listing"
ag_expect_log 'C-OUT: .*dnsbl=zen\.bl\.example:error\(192\.0\.2\.1\) dnsbl_score=0 .*verdict=accept' \
    "an answer outside 127/8 is not a listing"
ag_expect_log 'C-WL: .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\),wl\.bl\.example:127\.0\.10\.3\(dnswl-high -3\) dnsbl_score=0 .*verdict=accept' \
    "a DNSWL listing offsets the SBL listing"
ag_expect_log 'C-CLEAN: .*dnsbl=none dnsbl_score=0 iprev=pass\(mail\.authgate\.example\) .*verdict=accept' \
    "a clean client: iprev=pass"
ag_expect_log 'C-IPREV-FAIL: .*iprev=fail\(none\.authgate\.example\) .*verdict=accept' \
    "iprev=fail is recorded, not refused, by default"
ag_expect_log 'C-IPREV-NOPTR: .*iprev=permerror .*verdict=accept' \
    "no PTR is recorded, not refused, by default"
ag_expect_log 'C-IPREV-TEMP: .*iprev=temperror\(host\.servfail\.example\) .*verdict=accept' \
    "iprev temperror is recorded by default"
ag_expect_log 'C-GENERIC: .*iprev=pass\(dsl-192-0-2-20\.dyn\.authgate\.example\) generic_name=yes .*verdict=accept' \
    "a generic-looking name is noted (one point, below the threshold)"
ag_expect_log 'C-OWNHELO: .*helo_facts=own_name[ ,].*verdict=reject 550 5\.7\.1 \(helo\) .*reply="The HELO name "mx\.authgate\.test" is a name of this server' \
    "HELO with our own name is refused"
ag_expect_log 'C-AUTHZ: .*sender_networks_mailfrom=no .*verdict=reject 550 5\.7\.1 \(sender_networks\) stage=rcpt .*reply="Mail with the MAIL FROM domain bank\.authgate\.example may come only from the networks this server.s administrator authorized for it; IP 198\.51\.100\.60 is not one of them\.' \
    "a sender domain from an unauthorized network is refused, and the reply says why"
ag_expect_log 'C-AUTHZ-OK: .*sender_networks_mailfrom=yes sender_networks_from=yes .*verdict=accept' \
    "the same domain from its network is accepted"
ag_expect_log 'C-AUTHZ-FROM: .*sender_networks_from=no .*verdict=reject 550 5\.7\.1 \(sender_networks\) stage=eom .*reply="Mail with the From: domain bank\.authgate\.example' \
    "the From: domain from an unauthorized network is refused"
ag_expect_log 'C-IPLIST: .*ip_list=blocked\(deny 203\.0\.113\.66/32\) .*verdict=reject 550 5\.7\.1 \(ip_list\) .*reply="Mail from 203\.0\.113\.66 \(203\.0\.113\.66/32\) is blocked here' \
    "the admin's deny list refuses with its own text"
ag_expect_log 'C-POSTMASTER: .*rcpts=2 .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\) .*rcpt_exempt=postmaster .*exempt="dnsbl score 3 not enforced \(mail to postmaster\)" verdict=accept' \
    "mail to postmaster@ from a listed IP is accepted, and the log says why"
ag_no_errors_logged
ag_authgate_stop

# strict reverse DNS: no PTR and unconfirmed refused, temperror 450;
# with the RFC 7372 codes
ag_write_conf "$AG_WORK/strict.conf" 'reply_codes = rfc7372
helo {
  text = "Greeting as %{helo} from %{ip} (%{result}) is not allowed here"
}
iprev {
  no_ptr = reject
  unconfirmed = reject
  temperror = tempfail
}'
ag_authgate_start "$AG_WORK/strict.conf"
cat > "$AG_WORK/strict.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
refuse_at_rcpt("192.0.2.12", "host.nowhere.authgate.example", "S-NOPTR", "<u@none.authgate.example>")
refuse_at_rcpt("192.0.2.11", "host.nowhere.authgate.example", "S-UNCONF", "<u@none.authgate.example>")
refuse_at_rcpt("192.0.2.16", "host.nowhere.authgate.example", "S-TEMP", "<u@none.authgate.example>")
refuse_at_rcpt("192.0.2.10", "mx.authgate.test", "S-TEXT", "<user@pass.authgate.example>")
local ar = deliver("192.0.2.10", "mail.authgate.example", "S-PASS", "<user@pass.authgate.example>")
check(has(unfold(ar), "iprev=pass"), "S-PASS: confirmed reverse DNS accepted")
LUA
ag_miltertest "$AG_WORK/strict.lua"
ag_expect_log 'S-NOPTR: .*verdict=reject 550 5\.7\.25 \(iprev\) .*reply="IP 192\.0\.2\.12 has no reverse DNS \(PTR record\).* \| To fix: ask the owner of 192\.0\.2\.12' \
    "strict: no PTR refused with 550 and the fix"
ag_expect_log 'S-UNCONF: .*verdict=reject 550 5\.7\.25 \(iprev\) .*reply="The reverse DNS of IP 192\.0\.2\.11 names none\.authgate\.example, but no such name resolves back' \
    "strict: an unconfirmed PTR refused"
ag_expect_log 'S-TEXT: .*verdict=reject 550 5\.7\.1 \(helo\) .*reply="Greeting as mx\.authgate\.test from 192\.0\.2\.10 \(own_name\) is not allowed here"' \
    "helo.text: the admin's reply template with its macros filled in"
ag_expect_log 'S-TEMP: .*verdict=tempfail 450 4\.7\.25 \(iprev\)' \
    "strict: reverse DNS temperror is 450, as Postfix answers it"
ag_no_errors_logged
ag_authgate_stop

# report only: everything evaluated and logged, nothing refused
ag_write_conf "$AG_WORK/report.conf" "report_only = yes
$zones"
ag_authgate_start "$AG_WORK/report.conf"
cat > "$AG_WORK/report.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local ar = deliver("198.51.100.50", "mx.authgate.test", "R-SBL", "<user@pass.authgate.example>")
check(has(unfold(ar), "dnsbl=fail (SBL, +3) (report only: would reject)"),
    "R-SBL: the listing is in the header as report only")
check(has(unfold(ar), "spf=fail (report only: would reject)"),
    "R-SBL: so is the SPF failure")
LUA
ag_miltertest "$AG_WORK/report.lua"
ag_expect_log 'R-SBL: .*would="reject: dnsbl score 3; reject: helo=own_name; reject: spf_mailfrom=fail" verdict=accept' \
    "report only: delivered, the log says what would have been refused"
ag_no_errors_logged
ag_authgate_stop

# tag and quarantine-by-header: delivered, marked for the mailbox filter;
# marks that arrive with a message are deleted
ag_write_conf "$AG_WORK/tag.conf" 'quarantine_method = header
iprev {
  unconfirmed = tag
  no_ptr = quarantine
}'
ag_authgate_start "$AG_WORK/tag.conf"
cat > "$AG_WORK/tag.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local helo = "host.nowhere.authgate.example"
local ar, conn = deliver("192.0.2.11", helo, "T-TAG", "<u@none.authgate.example>",
    { { "From", "x@none.authgate.example" } })
local tag = mt.getheader(conn, "X-Authgate-Tag", 0)
check(tag ~= nil and has(tag, "iprev: The reverse DNS of IP 192.0.2.11 names none.authgate.example"),
    "T-TAG: X-Authgate-Tag names the check and the finding")
check(not mt.eom_check(conn, MT_QUARANTINE), "T-TAG: not held")
mt.disconnect(conn)
ar, conn = deliver("192.0.2.12", helo, "T-QUAR", "<u@none.authgate.example>",
    { { "From", "x@none.authgate.example" } })
local q = mt.getheader(conn, "X-Authgate-Quarantine", 0)
check(q ~= nil and has(q, "iprev: IP 192.0.2.12 has no reverse DNS"),
    "T-QUAR: quarantine by header, with the reason")
check(not mt.eom_check(conn, MT_QUARANTINE), "T-QUAR: not in the hold queue")
mt.disconnect(conn)
ar, conn = deliver("192.0.2.10", "mail.authgate.example", "T-FORGED", "<user@pass.authgate.example>",
    { { "From", "x@pass.authgate.example" }, { "X-Authgate-Tag", "none: trust me" } })
check(mt.eom_check(conn, MT_HDRDELETE, "X-Authgate-Tag"),
    "T-FORGED: an X-Authgate-Tag field from outside is deleted")
check(mt.getheader(conn, "X-Authgate-Tag", 0) == nil,
    "T-FORGED: and none is added for a clean message")
mt.disconnect(conn)
LUA
ag_miltertest "$AG_WORK/tag.lua"
ag_expect_log 'T-TAG: .*iprev=fail\(none\.authgate\.example\) .*verdict=tag \(iprev\) stage=eom' \
    "tag: logged as verdict=tag"
ag_expect_log 'T-QUAR: .*verdict=quarantine \(iprev\) stage=eom' \
    "quarantine by header: logged"
ag_no_errors_logged
ag_authgate_stop

# refusals at connect: the listed client is refused before HELO
ag_write_conf "$AG_WORK/connect.conf" "reject_stage = connect
$zones"
ag_authgate_start "$AG_WORK/connect.conf"
ag_steps_asked "hdr" "reject_stage = connect"
cat > "$AG_WORK/connect.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local conn = mt.connect(socket, 40, 0.05)
check(conn ~= nil, "connected")
check(mt.conninfo(conn, "client.example", "198.51.100.50") == nil, "conninfo sent")
check(mt.getreply(conn) == SMFIR_REPLYCODE, "K-LISTED: refused at connect")
mt.disconnect(conn)
conn = mt.connect(socket, 40, 0.05)
check(mt.conninfo(conn, "client.example", "192.0.2.10") == nil, "conninfo sent")
check(mt.getreply(conn) == SMFIR_CONTINUE, "K-CLEAN: a clean client continues at connect")
mt.disconnect(conn)
LUA
ag_miltertest "$AG_WORK/connect.lua"
ag_expect_log 'NOQUEUE: client=client\.example\[198\.51\.100\.50\] .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\) .*verdict=reject 550 5\.7\.1 \(dnsbl\) stage=connect' \
    "reject_stage = connect: refused at connect, one log line"
ag_no_errors_logged
ag_authgate_stop

# refusals at the end of the message: nothing is refused at RCPT, so the
# MTA is spared the wait for each recipient's answer too
ag_write_conf "$AG_WORK/eom.conf" "reject_stage = eom
$zones"
ag_authgate_start "$AG_WORK/eom.conf"
ag_steps_asked "conn helo mail rcpt hdr" "reject_stage = eom"
cat > "$AG_WORK/eom.lua" <<'LUA'
dofile(srcdir .. "/tests/integration/lib.lua")
local conn = connect_from("198.51.100.50", "host.nowhere.authgate.example")
check(mail(conn, "E-LISTED", "<u@none.authgate.example>") == SMFIR_CONTINUE,
    "E-LISTED: MAIL goes on")
check(rcpt(conn, "<a@rcpt.example>") == SMFIR_CONTINUE and
    rcpt(conn, "<b@rcpt.example>") == SMFIR_CONTINUE,
    "E-LISTED: both RCPTs go on (no reply asked)")
check(message(conn, { { "From", "u@none.authgate.example" } }) ==
    SMFIR_REPLYCODE, "E-LISTED: refused at the end of the message")
mt.disconnect(conn)
LUA
ag_miltertest "$AG_WORK/eom.lua"
ag_expect_log 'E-LISTED: .*rcpts=2 .*dnsbl=zen\.bl\.example:127\.0\.0\.2\(SBL \+3\) .*verdict=reject 550 5\.7\.1 \(dnsbl\) stage=eom' \
    "reject_stage = eom: refused at the end, both recipients counted"
ag_no_errors_logged
ag_authgate_stop
echo "all connect-stage integration checks passed"
