#!/bin/sh
# dmarc.sh - integration: DKIM and DMARC through the real daemon, with
# messages signed here (python3-dkim, the test keys of tests/keys/), keys
# and DMARC records served by nsd, driven by miltertest: pass by DKIM or
# SPF alignment, a changed body, p=quarantine held, From: problems, a DNS
# failure, a trusted mailing list; then the same in report-only mode.
. "$(dirname "$0")/../lib/common.sh"
ag_init dmarc
ag_need miltertest
ag_python_dkim
ag_nsd_start

# the messages the Lua script sends, and their signatures
head="From: Alice <alice@signed.authgate.example>\r\nTo: bob@rcpt.example\r\nSubject: quarterly report\r\n\r\n"
body="Hello Bob,\r\nthe numbers are fine.\r\n"
footer="-- \r\nlist footer\r\n"
sign() {	# key domain selector out body
	printf "$head$5" | "$AG_PYTHON" "$top_srcdir/tests/lib/dkim_sign.py" \
	    "$top_srcdir/tests/keys/$1.pem" "$2" "$3" > "$AG_WORK/$4" ||
		ag_fail "cannot sign with $1"
}
sign rsa2048 signed.authgate.example s2048 sig-rsa "$body"
sign ed25519 signed.authgate.example sed sig-ed "$body"
# the mailing list added a footer and signed the result itself
sign rsa2048 lists.authgate.example s2048 sig-list "$body$footer"

ag_write_conf "$AG_WORK/authgate.conf" 'dmarc {
  trusted_signers = "lists.authgate.example"
  domain "quar.authgate.example" {
    quarantine = quarantine
  }
}'
ag_authgate_start "$AG_WORK/authgate.conf"
ag_miltertest "$top_srcdir/tests/integration/dmarc.lua" -D work="$AG_WORK"

ag_expect_log 'D-PASS: .*dkim=pass\(signed\.authgate\.example\) dmarc=pass\(signed\.authgate\.example p=reject\) verdict=accept' \
    "a signed, aligned message from a p=reject domain passes"
ag_expect_log 'D-BODY: .*dkim=fail\(signed\.authgate\.example: the body hash does not match: the body was changed after signing\) dmarc=fail\(signed\.authgate\.example p=reject: .*verdict=reject 550 5\.7\.1 \(dmarc\) stage=eom .*reply="DMARC fail: signed\.authgate\.example asks receivers to reject mail that is not authenticated for it \(p=reject\), and this message is not\. \| SPF: none for esp\.authgate\.example\. \| DKIM: a signature of signed\.authgate\.example that is fail \(the body hash does not match' \
    "the same message with its body changed: 550 with the DMARC text"
ag_expect_log 'D-QUAR: .*dmarc=fail\(quar\.authgate\.example p=quarantine.*verdict=quarantine \(dmarc\)' \
    "p=quarantine, held as configured for that domain"
ag_expect_log 'D-TWOFROM: .*from_error="appears 2 times" .*verdict=reject 550 5\.7\.1 \(from\) stage=eom .*reply="The From: header field appears 2 times' \
    "two From: fields refused"
ag_expect_log 'D-NOFROM: .*from_error="is missing" .*verdict=reject 550' \
    "no From: field refused"
ag_expect_log 'D-MIXED: .*from_error="has 2 addresses in different domains"' \
    "a From: with two author domains refused"
ag_expect_log 'D-GARBLED: .*from_error="cannot be read: .*verdict=reject 550' \
    "an unreadable From: refused"
ag_expect_log 'D-TEMP: .*dmarc=temperror\(x\.servfail\.example: .*verdict=tempfail 451 4\.7\.1 \(dmarc\)' \
    "a DMARC lookup that fails: 451"
ag_expect_log 'D-LIST: .*exempt="dmarc=fail \(p=reject\) not enforced \(trusted signer lists\.authgate\.example\)" verdict=accept' \
    "a trusted mailing list's signature: recorded, not enforced"
ag_no_errors_logged
ag_authgate_stop

# report-only: the same unsigned message is delivered, the log says so
ag_write_conf "$AG_WORK/report.conf" 'dmarc {
  report_only = yes
}'
AG_SOCKET="unix:$AG_WORK/report.sock"
ag_authgate_start "$AG_WORK/report.conf"
ag_miltertest "$top_srcdir/tests/integration/dmarc.lua" -D work="$AG_WORK" \
    -D report_only=1
ag_expect_log 'R-UNSIGNED: .*dmarc=fail\(signed\.authgate\.example p=reject.* would="reject: dmarc=fail \(p=reject\)" verdict=accept' \
    "report only: delivered, and the log says it would have been refused"
ag_no_errors_logged
echo "all DKIM/DMARC integration checks passed"
