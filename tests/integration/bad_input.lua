-- bad_input.lua - hostile SMTP data: each case gets a defined answer and
-- the daemon keeps serving.
dofile(srcdir .. "/tests/integration/lib.lua")

-- a HELO of 900 bytes (miltertest itself overflows beyond ~1000) with control and 8-bit characters
local helo = string.rep("x", 900) .. "\1\2\255"
local ar = deliver("192.0.2.10", helo, "Q-BADHELO", "<u@pass.authgate.example>")
check(has(ar, "spf=pass smtp.mailfrom=pass.authgate.example"),
    "Q-BADHELO: MAIL FROM still checked")
check(has(ar, "spf=none") and has(ar, "HELO name is not a domain name"),
    "Q-BADHELO: HELO recorded as none with the reason")
check(not string.find(ar, "[\1\2\255]"), "Q-BADHELO: header stays printable")

-- malformed MAIL FROM arguments: SPF none with the reason (RFC 7208 4.3)
local bad = {
	{ "Q-UNBAL", "<unbalanced@pass.authgate.example", "unbalanced angle brackets" },
	{ "Q-NODOM", "<nodomain>", "address has no domain" },
	{ "Q-DOTS", "<u@bad..example>", "malformed domain in address" },
	{ "Q-LONGFROM", "<" .. string.rep("a", 700) .. "@pass.authgate.example>",
	    "address longer than 256 bytes" },
	{ "Q-CTRL", "<u\1@pass.authgate.example>", "control characters in address" },
}
for _, c in ipairs(bad) do
	ar = deliver("192.0.2.10", "mail.authgate.example", c[1], c[2])
	check(has(ar, "spf=none") and has(ar, c[3]), c[1] .. ": spf=none, " .. c[3])
end

-- long and 8-bit header values, 300 forged A-R fields, 200 recipients
local conn = connect_from("192.0.2.10", "mail.authgate.example")
check(mail(conn, "Q-HUGE", "<u@pass.authgate.example>") == SMFIR_CONTINUE,
    "Q-HUGE: MAIL accepted")
for i = 1, 200 do
	rcpt(conn, "<r" .. i .. "@rcpt.example>")
end
check(mt.getreply(conn) == SMFIR_CONTINUE, "Q-HUGE: 200 recipients accepted")
-- (huge headers go through Postfix in the e2e test: miltertest
-- itself overflows its buffers above ~1 KB per field)
local headers = { { "From", "u@pass.authgate.example" },
    { "Subject", string.rep("S", 900) },
    { "X-Binary", "\128\129\254\255 and \1\2" } }
for i = 1, 300 do
	headers[#headers + 1] = { "Authentication-Results",
	    " mx.authgate.test; spf=pass smtp.mailfrom=forged" .. i }
end
headers[#headers + 1] = { "Authentication-Results", " other.example; none" }
local r = message(conn, headers)
check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, "Q-HUGE: message accepted")
check(mt.eom_check(conn, MT_HDRDELETE, "Authentication-Results"),
    "Q-HUGE: forged fields deleted")
mt.disconnect(conn)

-- a connection dropped in the middle of a transaction (after RCPT: the
-- MTA waits for that reply, so the milter has seen the transaction;
-- libmilter drops commands still unread when the peer hangs up)
conn = connect_from("192.0.2.10", "mail.authgate.example")
mail(conn, "Q-DROP", "<u@pass.authgate.example>")
rcpt(conn, "<r@rcpt.example>")
mt.disconnect(conn, false)

-- and the daemon still serves
ar = deliver("192.0.2.10", "mail.authgate.example", "Q-AFTER",
    "<u@pass.authgate.example>")
check(has(ar, "spf=pass"), "Q-AFTER: still serving")
