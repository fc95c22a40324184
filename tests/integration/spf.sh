#!/bin/sh
# spf.sh - integration: the real daemon, a real authoritative DNS server
# (nsd on 127.0.0.1) serving tests/zones, driven by miltertest.
. "$(dirname "$0")/../lib/common.sh"
ag_init spf
ag_need miltertest
ag_nsd_start
ag_write_conf "$AG_WORK/authgate.conf" 'trusted_networks = "127.0.0.0/8, ::1, 203.0.113.128/25"
trusted_forwarders = "forwarder.authgate.example"
spf {
  received_spf_header = yes
  exempt_domains = "partner.authgate.example"
}'
ag_authgate_start "$AG_WORK/authgate.conf"
ag_miltertest "$top_srcdir/tests/integration/spf.lua"

# what the log says about each transaction
ag_expect_log 'Q-PASS: client=client.example\[192\.0\.2\.10\] helo=mail\.authgate\.example from=<user@pass\.authgate\.example> rcpts=1 iprev=pass\(mail\.authgate\.example\) spf_mailfrom=pass\(pass\.authgate\.example\) spf_helo=pass\(mail\.authgate\.example\) dkim=none dmarc=none\(example\.org: example\.org publishes no DMARC record\) verdict=accept stage=eom' \
    "summary line of an accepted message"
ag_expect_log 'Q-FAIL: .* spf_mailfrom=fail\(pass\.authgate\.example\) .*verdict=reject 550 5\.7\.1 \(spf-mailfrom\) stage=rcpt' \
    "SPF fail is refused at RCPT with 550 5.7.1"
ag_expect_log 'Q-FAIL: .*reply="SPF fail: pass\.authgate\.example does not allow 198\.51\.100\.20 to send mail for user@pass\.authgate\.example\. \| The SPF record of pass\.authgate\.example is: v=spf1 ip4:192\.0\.2\.0/24 ip6:2001:db8:1::/48 -all \| The part that decided: "-all": mail from every server the record does not list is to be refused\. \| To fix: the owner of pass\.authgate\.example must add ip4:198\.51\.100\.20 to its SPF record, or the mail must be sent through a server that record lists\."' \
    "the 550 text names domain, IP, record and fix"
ag_expect_log 'Q-HELOFAIL: .*spf_helo=fail\(mail\.authgate\.example\).*verdict=reject 550 5\.7\.1 \(spf-helo\)' \
    "HELO fail is refused"
ag_expect_log 'Q-NULLFAIL: .*from=<> .*verdict=reject 550 5\.7\.1' \
    "null sender failing its HELO domain is refused"
ag_expect_log 'Q-TEMP: .*spf_mailfrom=temperror\(brokeninclude\.authgate\.example: .*SERVFAIL.*verdict=tempfail 451 4\.7\.1 \(spf-mailfrom\)' \
    "temperror (SERVFAIL inside an include) is 451 4.7.1"
ag_expect_log 'Q-SOFT: .*spf_mailfrom=softfail.*verdict=accept' \
    "softfail accepted by default"
ag_expect_log 'Q-NOIP: client=localhost\[unknown\]' "no-IP connection logged"
ag_expect_log 'Q-EXP: .*verdict=reject 550 5\.7\.1 .*\| exp\.authgate\.example explains: 198\.51\.100\.20 is not a mail server of exp\.authgate\.example; see https://exp\.authgate\.example/mail \|' \
    "the domain's exp= text, expanded, is in the reply"
ag_expect_log 'Q-AUTH: .*from=<user@pass\.authgate\.example> .*exempt="iprev, HELO, SPF, DKIM, DMARC not checked \(authenticated sender\)" verdict=accept' \
    "an authenticated sender is not checked, and the log says why"
ag_expect_log 'Q-TRUSTED: client=client\.example\[203\.0\.113\.200\] .*exempt="iprev, HELO, SPF, DKIM, DMARC not checked \(trusted network 203\.0\.113\.128/25\)" verdict=accept' \
    "a trusted network is not checked, and the log says why"
ag_expect_log 'Q-FWD: .*spf_mailfrom=fail\(pass\.authgate\.example\).* exempt="spf_mailfrom=fail not enforced \(trusted forwarder forwarder\.authgate\.example\)" verdict=accept' \
    "mail through a trusted forwarder: fail recorded, not enforced"
ag_expect_log 'Q-EXEMPT: .*exempt="spf_mailfrom=fail not enforced \(exempt domain partner\.authgate\.example\)" verdict=accept' \
    "an exempt domain: fail recorded, not enforced"
if ag_log_has 'Q-AUTH: .*spf_mailfrom='; then
	ag_fail "Q-AUTH: the MAIL FROM check must not run for an authenticated sender"
fi
if ag_log_has 'authgate\.invalid'; then
	ag_fail "a synthetic name of the SPF adapter reached the log"
fi
ag_no_errors_logged
ag_authgate_stop

# a strict receiver: softfail and permerror refused, trusted networks
# checked like everybody, authenticated senders checked but not refused
ag_write_conf "$AG_WORK/strict.conf" 'spf {
  trusted = check
  authenticated = record
  mailfrom {
    softfail = reject
    permerror = reject
  }
}'
AG_SOCKET="unix:$AG_WORK/strict.sock"
ag_authgate_start "$AG_WORK/strict.conf"
ag_miltertest "$top_srcdir/tests/integration/spf_strict.lua"
ag_expect_log 'Q-STRICT-SOFT: .*spf_mailfrom=softfail\(softfail\.authgate\.example\).*verdict=reject 550 5\.7\.1 \(spf-mailfrom\).*reply="SPF softfail: softfail\.authgate\.example says it probably does not allow 198\.51\.100\.20 .*The part that decided: "~all"' \
    "strict: softfail refused, the reply names ~all"
ag_expect_log 'Q-STRICT-PERM: .*spf_mailfrom=permerror.*verdict=reject 550 5\.7\.1' \
    "strict: permerror refused"
ag_expect_log 'Q-STRICT-LOCAL: client=client\.example\[127\.0\.0\.1\] .*spf_mailfrom=fail.*verdict=reject 550' \
    "strict: a trusted network checked like everybody"
ag_expect_log 'Q-STRICT-AUTH: .*spf_mailfrom=fail\(pass\.authgate\.example\).* exempt="iprev, HELO, DKIM, DMARC not checked \(authenticated sender\); spf_mailfrom=fail not enforced \(authenticated sender\)" verdict=accept' \
    "strict: an authenticated sender recorded, not refused"
ag_no_errors_logged
echo "all SPF integration checks passed"
