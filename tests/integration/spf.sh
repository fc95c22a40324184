#!/bin/sh
# spf.sh - integration: the real daemon, a real authoritative DNS server
# (nsd on 127.0.0.1) serving tests/zones, driven by miltertest.
. "$(dirname "$0")/../lib/common.sh"
ag_init spf
ag_need miltertest
ag_nsd_start
ag_write_conf "$AG_WORK/authgate.conf" 'spf {
  received_spf_header = yes
}'
ag_authgate_start "$AG_WORK/authgate.conf"
ag_miltertest "$top_srcdir/tests/integration/spf.lua"

# what the log says about each transaction
ag_expect_log 'Q-PASS: client=client.example\[192\.0\.2\.10\] helo=mail\.authgate\.example from=<user@pass\.authgate\.example> rcpts=1 spf_mailfrom=pass\(pass\.authgate\.example\) spf_helo=pass\(mail\.authgate\.example\) verdict=accept stage=eom' \
    "summary line of an accepted message"
ag_expect_log 'Q-FAIL: .* spf_mailfrom=fail\(pass\.authgate\.example\) .*verdict=reject 550 5\.7\.1 \(spf-mailfrom\) stage=rcpt' \
    "SPF fail is refused at RCPT with 550 5.7.1"
ag_expect_log 'Q-FAIL: .*reply="SPF fail: pass\.authgate\.example does not allow 198\.51\.100\.20 to send mail for user@pass\.authgate\.example\. \| The SPF record of pass\.authgate\.example is: v=spf1 ip4:192\.0\.2\.0/24 ip6:2001:db8:1::/48 -all \| It ends in -all: mail from every server it does not list is to be refused\. \| To fix: the owner of pass\.authgate\.example must add ip4:198\.51\.100\.20 to its SPF record, or the mail must be sent through a server that record lists\."' \
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
ag_no_errors_logged
echo "all SPF integration checks passed"
