-- connect_checks.lua - the connect-stage IP checks through the daemon
-- (driven by connect_checks.sh, which checks the log lines): DNS lists
-- and their answers, reverse DNS, HELO, sender networks, ip_lists, and
-- postmaster@ staying reachable.
dofile(srcdir .. "/tests/integration/lib.lua")

local helo = "host.nowhere.authgate.example"
local from_x = { { "From", "x@none.authgate.example" } }

-- a transaction refused at RCPT
local function refused(ip, qid, from)
	refuse_at_rcpt(ip, helo, qid, from or "<u@none.authgate.example>")
end

-- DNS lists: an SBL listing, a PBL listing, an IPv6 client (nibbles)
refused("198.51.100.50", "C-SBL")
refused("198.51.100.51", "C-PBL")
refused("2001:db8:2::25", "C-V6")

-- an answer in 127.255.255.0/24 is an error of the list, not a listing
local ar = deliver("198.51.100.52", helo, "C-ERR", "<u@none.authgate.example>",
    from_x)
check(has(unfold(ar), "dnsbl=permerror"), "C-ERR: the list error is in the header as permerror")
check(has(unfold(ar), "policy.ip=127.255.255.254"), "C-ERR: with the answer")
-- an answer outside 127.0.0.0/8 is an error too
ar = deliver("198.51.100.54", helo, "C-OUT", "<u@none.authgate.example>",
    from_x)
check(has(unfold(ar), "dnsbl=permerror"), "C-OUT: an answer outside 127/8 is an error")

-- a DNSWL listing (weight -3) offsets an SBL listing (+3)
ar = deliver("198.51.100.53", helo, "C-WL", "<u@none.authgate.example>",
    from_x)
check(has(unfold(ar), "dnsbl=fail (SBL, +3) dns.zone=zen.bl.example policy.ip=127.0.0.2"),
    "C-WL: the SBL hit is in the header")
check(has(unfold(ar), "dnswl=pass (dnswl-high, -3) dns.zone=wl.bl.example policy.ip=127.0.10.3"),
    "C-WL: the DNSWL hit is in the header (RFC 8904)")

-- not listed anywhere
ar = deliver("192.0.2.10", "mail.authgate.example", "C-CLEAN",
    "<user@pass.authgate.example>", from_x)
check(not has(ar, "dnsbl") and not has(ar, "dnswl"),
    "C-CLEAN: a client no list has gets no dnsbl result")

-- reverse DNS: pass, fail, no PTR (permerror), temperror
check(has(unfold(ar), "iprev=pass (mail.authgate.example) policy.iprev=192.0.2.10"),
    "C-CLEAN: iprev=pass with the name")
ar = deliver("192.0.2.11", helo, "C-IPREV-FAIL", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=fail (none.authgate.example) reason=\"none.authgate.example does not resolve back to 192.0.2.11\" policy.iprev=192.0.2.11"),
    "C-IPREV-FAIL: iprev=fail with the name")
ar = deliver("192.0.2.12", helo, "C-IPREV-NOPTR", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=permerror reason=\"192.0.2.12 has no PTR record\" policy.iprev=192.0.2.12"),
    "C-IPREV-NOPTR: no PTR is iprev=permerror")
ar = deliver("192.0.2.16", helo, "C-IPREV-TEMP", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=temperror"), "C-IPREV-TEMP: a failing forward lookup is iprev=temperror")
-- hostile answers: 100 PTR names, a CNAME loop
ar = deliver("192.0.2.13", helo, "C-MANY", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=fail (h0.many.authgate.example)"),
    "C-MANY: 100 PTR names: only max_names tried, fail")
ar = deliver("192.0.2.14", helo, "C-LOOP", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=temperror"), "C-LOOP: a CNAME loop is temperror")
-- a generic-looking name that confirms: pass, scored in the log
ar = deliver("192.0.2.20", helo, "C-GENERIC", "<u@none.authgate.example>", from_x)
check(has(unfold(ar), "iprev=pass (dsl-192-0-2-20.dyn.authgate.example)"),
    "C-GENERIC: iprev=pass")

-- HELO with our own name: refused (helo.own_name = reject)
local conn = connect_from("192.0.2.10", "mx.authgate.test")
check(mail(conn, "C-OWNHELO", "<user@pass.authgate.example>") == SMFIR_CONTINUE,
    "C-OWNHELO: MAIL accepted")
check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_REPLYCODE,
    "C-OWNHELO: RCPT refused")
mt.disconnect(conn)

-- sender networks: bank.authgate.example only from 192.0.2.0/24
refused("198.51.100.60", "C-AUTHZ", "<u@bank.authgate.example>")
ar = deliver("192.0.2.10", "mail.authgate.example", "C-AUTHZ-OK",
    "<u@bank.authgate.example>", { { "From", "u@bank.authgate.example" } })
check(ar ~= nil, "C-AUTHZ-OK: from an authorized network accepted")
conn = connect_from("198.51.100.61", helo)
check(mail(conn, "C-AUTHZ-FROM", "<u@none.authgate.example>") == SMFIR_CONTINUE,
    "C-AUTHZ-FROM: MAIL accepted")
check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_CONTINUE,
    "C-AUTHZ-FROM: RCPT accepted")
check(message(conn, { { "From", "Bank <alerts@bank.authgate.example>" } }) ==
    SMFIR_REPLYCODE, "C-AUTHZ-FROM: the From: domain is refused at end of message")
mt.disconnect(conn)

-- the admin's own deny list
refused("203.0.113.66", "C-IPLIST")

-- postmaster@ from a listed address: accepted; another recipient not;
-- the message goes through for postmaster
conn = connect_from("198.51.100.50", helo)
check(mail(conn, "C-POSTMASTER", "<u@none.authgate.example>") == SMFIR_CONTINUE,
    "C-POSTMASTER: MAIL accepted")
check(rcpt(conn, "<postmaster@rcpt.example>") == SMFIR_CONTINUE,
    "C-POSTMASTER: RCPT postmaster@ accepted from a listed IP")
check(rcpt(conn, "<user@rcpt.example>") == SMFIR_REPLYCODE,
    "C-POSTMASTER: RCPT of another user refused")
local r = message(conn, from_x)
check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT,
    "C-POSTMASTER: the message to postmaster@ is accepted")
ar = unlead(mt.getheader(conn, "Authentication-Results", 0))
check(has(unfold(ar), "dnsbl=fail (SBL, +3)") and
    has(unfold(ar), "not enforced: mail to postmaster"),
    "C-POSTMASTER: the header shows the listing, not enforced")
mt.disconnect(conn)
