-- check_tool.lua - the scenarios of check_tool.sh through the daemon:
-- each line of the scenario file is "qid|ip|helo|from|rcpt|message",
-- message one of the kinds below or "none" (envelope only).
dofile(srcdir .. "/tests/integration/lib.lua")

local kinds = {
	aligned = { { "From", "Alice <a@aligned.authgate.example>" },
		{ "To", "r@rcpt.example" }, { "Subject", "report" } },
	plain = { { "From", "x@none.authgate.example" },
		{ "To", "r@rcpt.example" }, { "Subject", "hello" } },
	forged = { { "From", "Billing <billing@signed.authgate.example>" },
		{ "To", "r@rcpt.example" }, { "Subject", "invoice" } },
	twofrom = { { "From", "a@aligned.authgate.example" },
		{ "From", "b@other.example" }, { "Subject", "two" } },
	bank = { { "From", "Bank <alerts@bank.authgate.example>" },
		{ "To", "r@rcpt.example" }, { "Subject", "alert" } },
}

local f = io.open(scenarios, "r")
check(f ~= nil, "scenario file readable")
local n = 0
for line in f:lines() do
	local qid, ip, helo, from, to, kind =
	    string.match(line, "^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$")
	if qid ~= nil then
		local conn = connect_from(ip, helo)
		local r = mail(conn, qid, from)
		if r == SMFIR_CONTINUE then
			r = rcpt(conn, to)
			if r == SMFIR_CONTINUE and kind ~= "none" then
				message(conn, kinds[kind], "Hello.\r\n")
			end
		end
		mt.disconnect(conn)
		n = n + 1
	end
end
f:close()
check(n >= 10, n .. " scenarios sent through the daemon")
