-- spf_strict.lua - a strict configuration through the daemon: softfail
-- and permerror refused, trusted networks checked, authenticated senders
-- recorded but not refused.
dofile(srcdir .. "/tests/integration/lib.lua")

local helo_none = "host.nowhere.authgate.example"

refuse_at_rcpt("198.51.100.20", helo_none, "Q-STRICT-SOFT",
    "<u@softfail.authgate.example>")
refuse_at_rcpt("192.0.2.10", helo_none, "Q-STRICT-PERM",
    "<u@permerror.authgate.example>")
-- loopback is in the default trusted_networks, but spf.trusted = check
refuse_at_rcpt("127.0.0.1", helo_none, "Q-STRICT-LOCAL",
    "<u@pass.authgate.example>")

-- neutral stays accepted under this policy
local ar = deliver("198.51.100.20", helo_none, "Q-STRICT-NEUTRAL",
    "<u@neutral.authgate.example>")
check(has(ar, "spf=neutral"), "Q-STRICT-NEUTRAL: accepted and recorded")

-- authenticated = record: checked, in the header, never refused
local conn = connect_from("198.51.100.20", helo_none)
mt.macro(conn, SMFIC_MAIL, "i", "Q-STRICT-AUTH", "{auth_authen}", "bob")
check(mt.mailfrom(conn, "<u@pass.authgate.example>") == nil and
    mt.getreply(conn) == SMFIR_CONTINUE, "Q-STRICT-AUTH: MAIL accepted")
check(rcpt(conn, "<r@rcpt.example>") == SMFIR_CONTINUE,
    "Q-STRICT-AUTH: RCPT accepted")
check(message(conn, { { "From", "u@pass.authgate.example" } }) ==
    SMFIR_CONTINUE, "Q-STRICT-AUTH: message accepted")
ar = unlead(mt.getheader(conn, "Authentication-Results", 0))
check(has(unfold(ar), "spf=fail (not enforced: authenticated sender) smtp.mailfrom=pass.authgate.example"),
    "Q-STRICT-AUTH: the fail is recorded with the reason it was not enforced")
