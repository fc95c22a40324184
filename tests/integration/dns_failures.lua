-- dns_failures.lua - one transaction whose checks need DNS; the driver
-- decides what the DNS looks like (up, stopped, black hole) and passes
-- the queue id as "qid" and the sender domain as "domain".
dofile(srcdir .. "/tests/integration/lib.lua")

if expect == "accept" then
	local ar = deliver("192.0.2.10", "mail.authgate.example", qid,
	    "<user@" .. domain .. ">")
	check(has(ar, "spf=pass"), qid .. ": pass")
else
	refuse_at_rcpt("192.0.2.10", "mail.authgate.example", qid,
	    "<user@" .. domain .. ">")
end
