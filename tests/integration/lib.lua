-- lib.lua - helpers shared by the miltertest scripts (loaded with dofile).
-- The driver script defines "socket" (where authgate listens) with -D.

function check(cond, what)
	if not cond then
		error("FAIL: " .. what)
	end
	print("ok - " .. what)
end

-- open a milter connection and send the connection information
function connect_from(ip, helo)
	local conn = mt.connect(socket, 40, 0.05)
	if conn == nil then
		error("cannot connect to " .. socket)
	end
	local err = mt.conninfo(conn, "client.example", ip)
	if err ~= nil then
		error("conninfo: " .. err)
	end
	if helo ~= nil then
		err = mt.helo(conn, helo)
		if err ~= nil then
			error("helo: " .. err)
		end
	end
	return conn
end

-- MAIL FROM with a queue id the log line can be found by
function mail(conn, qid, from)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	local err = mt.mailfrom(conn, from)
	if err ~= nil then
		error("mailfrom: " .. err)
	end
	return mt.getreply(conn)
end

function rcpt(conn, to)
	local err = mt.rcptto(conn, to)
	if err ~= nil then
		error("rcptto: " .. err)
	end
	return mt.getreply(conn)
end

-- headers, end of header, [body,] end of message
function message(conn, headers, body)
	for _, h in ipairs(headers) do
		local err = mt.header(conn, h[1], h[2])
		if err ~= nil then
			error("header: " .. err)
		end
	end
	-- authgate negotiates SMFIP_NOEOH: the MTA sends no end-of-header
	if not mt.test_option(conn, SMFIP_NOEOH) then
		mt.eoh(conn)
	end
	if body ~= nil then
		local e = mt.bodystring(conn, body)
		if e ~= nil then
			error("body: " .. e)
		end
	end
	local err = mt.eom(conn)
	if err ~= nil then
		error("eom: " .. err)
	end
	return mt.getreply(conn)
end

-- a whole accepted transaction; returns our Authentication-Results value
function deliver(ip, helo, qid, from, headers)
	local conn = connect_from(ip, helo)
	check(mail(conn, qid, from) == SMFIR_CONTINUE, qid .. ": MAIL accepted")
	check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_CONTINUE,
	    qid .. ": RCPT accepted")
	local r = message(conn, headers or { { "From", "x@example.org" } })
	check(r == SMFIR_CONTINUE or r == SMFIR_ACCEPT, qid .. ": message accepted")
	local ar = mt.getheader(conn, "Authentication-Results", 0)
	check(ar ~= nil, qid .. ": Authentication-Results added")
	return unlead(ar), conn
end

-- a transaction refused at RCPT (the reply code lands in the log)
function refuse_at_rcpt(ip, helo, qid, from)
	local conn = connect_from(ip, helo)
	check(mail(conn, qid, from) == SMFIR_CONTINUE,
	    qid .. ": MAIL accepted (refusals wait for RCPT)")
	check(rcpt(conn, "<rcpt@rcpt.example>") == SMFIR_REPLYCODE,
	    qid .. ": RCPT refused with a reply text")
	mt.disconnect(conn)
end

-- a header value without the leading space authgate supplies itself
-- when SMFIP_HDR_LEADSPC is negotiated (miltertest offers it)
function unlead(v)
	if v ~= nil and string.sub(v, 1, 1) == " " then
		return string.sub(v, 2)
	end
	return v
end

-- plain substring search (no Lua patterns)
function has(text, part)
	return text ~= nil and string.find(text, part, 1, true) ~= nil
end

-- a folded header value on one line (folds become single spaces)
function unfold(v)
	if v == nil then
		return nil
	end
	return (string.gsub(v, "\n[ \t]+", " "))
end

-- the contents of a small file (a signature made by the driver script)
function slurp(path)
	local f = io.open(path, "r")
	if f == nil then
		error("cannot read " .. path)
	end
	local text = f:read("*a")
	f:close()
	return text
end
