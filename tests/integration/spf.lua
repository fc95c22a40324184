-- spf.lua - SPF through the daemon: every result, both identities, the
-- null sender, IPv6, CNAMEs across zones, our header fields, exp= text,
-- and the exemptions (authenticated senders, trusted networks, trusted
-- forwarders, exempt domains).
dofile(srcdir .. "/tests/integration/lib.lua")

local helo_none = "host.nowhere.authgate.example"	-- NXDOMAIN: helo=none

-- pass: both identities, exact header value
local ar = deliver("192.0.2.10", "mail.authgate.example", "Q-PASS",
    "<user@pass.authgate.example>")
local want = "mx.authgate.test;\n\tiprev=pass (mail.authgate.example) policy.iprev=192.0.2.10;\n\tspf=pass smtp.mailfrom=pass.authgate.example;\n\tspf=pass smtp.helo=mail.authgate.example;\n\tdkim=none (not signed);\n\tarc=none;\n\tdmarc=none reason=\"example.org publishes no DMARC record\"\n\t header.from=example.org policy.dmarc=none"
if ar ~= want then print("got:  " .. ar .. "\nwant: " .. want) end
check(ar == want,
    "Q-PASS: A-R has iprev, both SPF results, dkim=none, dmarc=none")

-- fail at MAIL FROM: refused at RCPT, reply text checked in the log
refuse_at_rcpt("198.51.100.20", helo_none, "Q-FAIL",
    "<user@pass.authgate.example>")

-- softfail, neutral, none, permerror: accepted and recorded (defaults)
ar = deliver("198.51.100.20", helo_none, "Q-SOFT", "<u@softfail.authgate.example>")
check(has(ar, "spf=softfail smtp.mailfrom=softfail.authgate.example"),
    "Q-SOFT: softfail recorded")
ar = deliver("198.51.100.20", helo_none, "Q-NEUTRAL", "<u@neutral.authgate.example>")
check(has(ar, "spf=neutral smtp.mailfrom=neutral.authgate.example"),
    "Q-NEUTRAL: neutral recorded")
ar = deliver("198.51.100.20", helo_none, "Q-NONE", "<u@none.authgate.example>")
check(has(ar, "spf=none smtp.mailfrom=none.authgate.example"),
    "Q-NONE: none recorded")
check(has(ar, "spf=none smtp.helo=" .. helo_none), "Q-NONE: HELO none recorded")
ar = deliver("192.0.2.10", helo_none, "Q-PERM", "<u@permerror.authgate.example>")
check(has(ar, "spf=permerror"), "Q-PERM: permerror recorded")
check(has(ar, "reason="), "Q-PERM: with a reason")
ar = deliver("192.0.2.10", helo_none, "Q-TWO", "<u@tworecords.authgate.example>")
check(has(ar, "spf=permerror"), "Q-TWO: two records are permerror")

-- HELO identity fails: refused even though MAIL FROM has no policy
refuse_at_rcpt("198.51.100.20", "mail.authgate.example", "Q-HELOFAIL",
    "<u@none.authgate.example>")

-- null sender: checked as postmaster@HELO
ar = deliver("192.0.2.10", "mail.authgate.example", "Q-NULL", "<>")
check(has(ar, "smtp.mailfrom=mail.authgate.example"),
    "Q-NULL: null sender checked against the HELO domain")
check(has(ar, "null sender"), "Q-NULL: the comment says so")
refuse_at_rcpt("198.51.100.20", "helofail.authgate.example", "Q-NULLFAIL", "<>")

-- IPv6 client, and an IPv4-mapped IPv6 client checked as IPv4
ar = deliver("2001:db8:1::25", helo_none, "Q-V6", "<u@pass.authgate.example>")
check(has(ar, "spf=pass smtp.mailfrom=pass.authgate.example"), "Q-V6: pass")
ar = deliver("::ffff:192.0.2.33", helo_none, "Q-MAPPED", "<u@pass.authgate.example>")
check(has(ar, "spf=pass smtp.mailfrom=pass.authgate.example"),
    "Q-MAPPED: IPv4-mapped client passes an ip4: record")

-- include, CNAME to another zone (the resolver chases it), long TXT
ar = deliver("192.0.2.10", helo_none, "Q-INCLUDE", "<u@include.authgate.example>")
check(has(ar, "spf=pass"), "Q-INCLUDE: include passes")
ar = deliver("192.0.2.10", helo_none, "Q-ALIAS", "<u@alias.authgate.example>")
check(has(ar, "spf=pass"), "Q-ALIAS: SPF record behind a CNAME")
ar = deliver("192.0.2.10", helo_none, "Q-LONG", "<u@long.authgate.example>")
check(has(ar, "spf=pass"), "Q-LONG: record in two TXT strings")

-- temperror (an include's zone answers SERVFAIL): tempfail at RCPT
refuse_at_rcpt("192.0.2.10", helo_none, "Q-TEMP", "<u@brokeninclude.authgate.example>")

-- Received-SPF (enabled in this test's config)
local conn
ar, conn = deliver("192.0.2.10", "mail.authgate.example", "Q-RSPF",
    "<user@pass.authgate.example>")
local rspf = unlead(mt.getheader(conn, "Received-SPF", 0))
check(has(rspf, "pass (mx.authgate.test: domain of user@pass.authgate.example designates 192.0.2.10 as permitted sender)"),
    "Q-RSPF: Received-SPF added")
check(has(rspf, "identity=mailfrom;"), "Q-RSPF: identity key")

-- no client IP (e.g. a local submission): IP checks do not apply
conn = mt.connect(socket, 40, 0.05)
mt.conninfo(conn, "localhost", "unspec")
mt.helo(conn, "localhost")
check(mail(conn, "Q-NOIP", "<u@pass.authgate.example>") == SMFIR_CONTINUE,
    "Q-NOIP: MAIL accepted")
check(rcpt(conn, "<r@rcpt.example>") == SMFIR_CONTINUE, "Q-NOIP: RCPT accepted")
message(conn, { { "From", "u@pass.authgate.example" } })
ar = unlead(mt.getheader(conn, "Authentication-Results", 0))
check(not has(ar, "spf=") and has(ar, "dkim=none"),
    "Q-NOIP: A-R has no SPF result")

-- the domain's exp= explanation goes into the reply (checked in the log)
refuse_at_rcpt("198.51.100.20", helo_none, "Q-EXP", "<u@exp.authgate.example>")

-- an authenticated sender from an address the record does not list:
-- SPF is skipped (default spf.authenticated = skip)
conn = connect_from("198.51.100.20", "mail.authgate.example")
mt.macro(conn, SMFIC_MAIL, "i", "Q-AUTH", "{auth_authen}", "alice",
    "{auth_type}", "PLAIN")
check(mt.mailfrom(conn, "<user@pass.authgate.example>") == nil and
    mt.getreply(conn) == SMFIR_CONTINUE, "Q-AUTH: MAIL accepted")
check(rcpt(conn, "<r@rcpt.example>") == SMFIR_CONTINUE,
    "Q-AUTH: RCPT accepted although SPF would fail")
check(message(conn, { { "From", "user@pass.authgate.example" } }) ==
    SMFIR_CONTINUE, "Q-AUTH: message accepted")
ar = unlead(mt.getheader(conn, "Authentication-Results", 0))
check(ar == "mx.authgate.test; (iprev, SPF, DKIM, DMARC not checked: authenticated sender) none",
    "Q-AUTH: A-R says why nothing was checked, without the login name")
check(mt.getheader(conn, "Received-SPF", 0) == nil,
    "Q-AUTH: no Received-SPF for a check that did not run")

-- a client in trusted_networks: skipped (default spf.trusted = skip)
ar = deliver("203.0.113.200", "mail.authgate.example", "Q-TRUSTED",
    "<user@pass.authgate.example>")
check(ar == "mx.authgate.test; (iprev, SPF, DKIM, DMARC not checked: trusted network 203.0.113.128/25) none",
    "Q-TRUSTED: A-R says the client is trusted")

-- a trusted forwarder (its SPF record lists the client) relays mail whose
-- sender's SPF fails: recorded, not enforced
ar = deliver("198.51.100.77", helo_none, "Q-FWD", "<u@pass.authgate.example>")
check(has(unfold(ar), "spf=fail (not enforced: trusted forwarder forwarder.authgate.example) smtp.mailfrom=pass.authgate.example"),
    "Q-FWD: fail recorded with the forwarder named")

-- an exempt domain: its fail is recorded, not enforced
ar = deliver("198.51.100.20", helo_none, "Q-EXEMPT", "<u@partner.authgate.example>")
check(has(unfold(ar), "spf=fail (not enforced: exempt domain partner.authgate.example)"),
    "Q-EXEMPT: fail recorded with the exemption named")
