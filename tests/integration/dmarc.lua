-- dmarc.lua - DKIM and DMARC through the daemon; dmarc.sh signs the
-- messages and checks the log. With -D report_only=1 only the report-only
-- case runs.
dofile(srcdir .. "/tests/integration/lib.lua")

local from = "Alice <alice@signed.authgate.example>"
local body = "Hello Bob,\r\nthe numbers are fine.\r\n"
local sig_rsa = slurp(work .. "/sig-rsa")
local sig_ed = slurp(work .. "/sig-ed")
local sig_list = slurp(work .. "/sig-list")

-- the signed fields, in the order they were signed
local function fields(sigs, from_value)
	local h = {}
	for _, s in ipairs(sigs) do
		h[#h + 1] = { "DKIM-Signature", s }
	end
	h[#h + 1] = { "From", from_value or from }
	h[#h + 1] = { "To", "bob@rcpt.example" }
	h[#h + 1] = { "Subject", "quarterly report" }
	return h
end

-- one transaction: MAIL, RCPT, the message; the end-of-message reply
local function send(qid, headers, msgbody, ip, mailfrom)
	local conn = connect_from(ip or "198.51.100.20", "mail.esp.authgate.example")
	check(mail(conn, qid, mailfrom or "<bounce@esp.authgate.example>") ==
	    SMFIR_CONTINUE, qid .. ": MAIL accepted")
	check(rcpt(conn, "<bob@rcpt.example>") == SMFIR_CONTINUE,
	    qid .. ": RCPT accepted")
	local r = message(conn, headers, msgbody)
	return r, conn
end

-- the Authentication-Results value we added, unfolded
local function ar_of(conn)
	return unfold(unlead(mt.getheader(conn, "Authentication-Results", 0)))
end

if report_only ~= nil then
	local r = send("R-UNSIGNED", fields({}), body)
	check(r == SMFIR_CONTINUE, "R-UNSIGNED: delivered in report-only mode")
	return
end

-- signed by the author's domain (RSA and ed25519), SPF not aligned
local r, conn = send("D-PASS", fields({ sig_rsa }), body)
check(r == SMFIR_CONTINUE, "D-PASS: accepted")
local ar = ar_of(conn)
check(has(ar, "dkim=pass (2048-bit key) header.d=signed.authgate.example header.i=@signed.authgate.example header.s=s2048 header.a=rsa-sha256"),
    "D-PASS: dkim=pass with the key size and the signature's tags")
check(has(ar, "dmarc=pass (p=reject; SPF did not pass, DKIM aligned) header.from=signed.authgate.example policy.dmarc=none"),
    "D-PASS: dmarc=pass, aligned by DKIM")
r, conn = send("D-ED25519", fields({ sig_ed }), body)
check(r == SMFIR_CONTINUE, "D-ED25519: accepted")
check(has(ar_of(conn), "dkim=pass (ed25519 key) header.d=signed.authgate.example"),
    "D-ED25519: an ed25519-sha256 signature verifies")

-- the same message with its body changed: DKIM fails, DMARC refuses
r = send("D-BODY", fields({ sig_rsa }), "Hello Bob,\r\nsend the money.\r\n")
check(r == SMFIR_REPLYCODE, "D-BODY: refused at end of message")

-- aligned by SPF, no signature
r, conn = send("D-SPF", fields({}, "carol@aligned.authgate.example"), body,
    "192.0.2.10", "<carol@aligned.authgate.example>")
check(r == SMFIR_CONTINUE, "D-SPF: accepted")
check(has(ar_of(conn), "dmarc=pass (p=reject; SPF aligned, DKIM did not pass)"),
    "D-SPF: dmarc=pass, aligned by SPF")

-- p=quarantine, and this domain's failures are held (per-domain setting)
r, conn = send("D-QUAR", fields({}, "dave@quar.authgate.example"), body)
check(r == SMFIR_CONTINUE, "D-QUAR: accepted into the hold queue")
check(mt.eom_check(conn, MT_QUARANTINE), "D-QUAR: quarantined")
check(has(ar_of(conn), "policy.dmarc=quarantine"), "D-QUAR: the header says so")

-- p=none: recorded only
r, conn = send("D-LENIENT", fields({}, "erin@lenient.authgate.example"), body)
check(r == SMFIR_CONTINUE, "D-LENIENT: p=none failure accepted")
check(has(ar_of(conn), "dmarc=fail (p=none"), "D-LENIENT: recorded")

-- From: problems
local h = fields({})
h[#h + 1] = { "From", "mallory@evil.example" }
check(send("D-TWOFROM", h, body) == SMFIR_REPLYCODE, "D-TWOFROM: refused")
check(send("D-NOFROM", { { "Subject", "who am I" } }, body) == SMFIR_REPLYCODE,
    "D-NOFROM: refused")
check(send("D-MIXED", fields({}, "a@signed.authgate.example, b@evil.example"),
    body) == SMFIR_REPLYCODE, "D-MIXED: refused")
check(send("D-GARBLED", fields({}, "\"alice@signed.authgate.example <x@evil.example>"),
    body) == SMFIR_REPLYCODE, "D-GARBLED: refused")

-- the DMARC lookup fails (SERVFAIL): try again later
check(send("D-TEMP", fields({}, "f@x.servfail.example"), body) ==
    SMFIR_REPLYCODE, "D-TEMP: refused for now")

-- a mailing list changed the body but signed it itself: recorded only
r, conn = send("D-LIST", fields({ sig_list, sig_rsa }),
    "Hello Bob,\r\nthe numbers are fine.\r\n-- \r\nlist footer\r\n")
check(r == SMFIR_CONTINUE, "D-LIST: accepted")
check(has(ar_of(conn), "not enforced: trusted signer lists.authgate.example"),
    "D-LIST: the header says why the failure is not enforced")
