-- fleet.lua - one transaction of a logged-in sender through one daemon
-- of the fleet (fleet.sh): -D socket, qid, login, from, expect (accept
-- or refuse, at RCPT or at the end of the message: a 451 and a 550 are
-- both reply codes here; fleet.sh tells them apart in the log line).
dofile(srcdir .. "/tests/integration/lib.lua")

local conn = connect_from("192.0.2.10", "relay.client.test")
mt.macro(conn, SMFIC_MAIL, "i", qid, "{auth_authen}", login)
local err = mt.mailfrom(conn, "<" .. from .. ">")
if err ~= nil then
	error("mailfrom: " .. err)
end
check(mt.getreply(conn) == SMFIR_CONTINUE, qid .. ": MAIL FROM answered")
local r = rcpt(conn, "<rcpt@rcpt.example>")
if r == SMFIR_CONTINUE then
	r = message(conn, { { "From", from }, { "Subject", qid } })
	if r == SMFIR_ACCEPT then
		r = SMFIR_CONTINUE
	end
end
local want = { accept = SMFIR_CONTINUE, refuse = SMFIR_REPLYCODE }
check(r == want[expect], qid .. ": " .. login .. " <" .. from .. "> " ..
    expect .. " (answer " .. tostring(r) .. ")")
mt.disconnect(conn)
