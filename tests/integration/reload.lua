-- reload.lua - a softfail transaction: accepted or refused, as "expect" says
dofile(srcdir .. "/tests/integration/lib.lua")

if expect == "accept" then
	local ar = deliver("198.51.100.20", "host.nowhere.authgate.example", qid,
	    "<u@softfail.authgate.example>")
	check(has(ar, "spf=softfail"), qid .. ": softfail recorded")
else
	refuse_at_rcpt("198.51.100.20", "host.nowhere.authgate.example", qid,
	    "<u@softfail.authgate.example>")
end
