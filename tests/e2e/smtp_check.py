#!/usr/bin/env python3
"""smtp_check.py - the SMTP client side of the end-to-end tests.

Sends messages to the private Postfix (which runs authgate as its milter
and relays to smtp-sink), claiming client addresses with XCLIENT, and
checks what the client was answered and what smtp-sink received.

    smtp_check.py --port PORT --sink DIR --authserv-id ID SCENARIO...

Scenarios: pass, fail, forged, huge, percent, authenticated, dkim_pass,
dkim_body, dmarc_quarantine, two_from, tempfail. Each prints
"ok - ..." lines and the script exits 1 at the first failed check.
"""
import argparse
import base64
import glob
import os
import smtplib
import sys
import time

ARGS = None
KEYS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "keys")


def ok(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok - " + what)


def connect(addr, helo, login=None):
    """An SMTP session that looks like it comes from addr (XCLIENT), as a
    client that logged in with SMTP AUTH when login is given."""
    s = smtplib.SMTP("127.0.0.1", ARGS.port, timeout=60)
    s.ehlo("client.test")
    xaddr = "IPV6:" + addr if ":" in addr else addr
    attrs = "ADDR=%s NAME=[UNAVAILABLE] HELO=%s PROTO=ESMTP" % (xaddr, helo)
    if login is not None:
        attrs += " LOGIN=" + login
    code, msg = s.docmd("XCLIENT", attrs)
    ok(code == 220, "XCLIENT accepted (%d %s)" % (code, msg.decode()))
    s.ehlo(helo)
    return s


def message(subject, headers=(), body="Hello.\r\n",
            from_addr="sender@pass.authgate.example"):
    lines = ["From: " + from_addr,
             "To: rcpt@rcpt.example",
             "Subject: " + subject,
             "Message-ID: <%s@authgate.test>" % subject]
    lines.extend(headers)
    return "\r\n".join(lines) + "\r\n\r\n" + body


def send(addr, helo, sender, subject, headers=(), body="Hello.\r\n",
         login=None, from_addr="sender@pass.authgate.example",
         rcpt="rcpt@rcpt.example"):
    """MAIL, RCPT, DATA; returns (stage, code, text) of the first refusal,
    or ("data", 250, text) when the message was accepted."""
    s = connect(addr, helo, login)
    code, msg = s.docmd("MAIL FROM:<%s>" % sender)
    if code >= 400:
        return ("mail", code, msg.decode())
    code, msg = s.docmd("RCPT TO:<%s>" % rcpt)
    if code >= 400:
        s.quit()
        return ("rcpt", code, msg.decode())
    code, msg = s.data(message(subject, headers, body, from_addr).encode())
    s.quit()
    return ("data", code, msg.decode())


def delivered(subject, wait=20):
    """The message smtp-sink received with this subject (text), or None."""
    deadline = time.time() + wait
    while time.time() < deadline:
        for path in glob.glob(os.path.join(ARGS.sink, "*")):
            with open(path, "rb") as f:
                data = f.read().decode("latin-1")
            if "Subject: " + subject + "\n" in data or \
               "Subject: " + subject + "\r\n" in data:
                return data
        time.sleep(0.1)
    return None


def header_block(msg):
    """The header part of a delivered message, unfolded: [(name, value)]."""
    head = msg.replace("\r\n", "\n").split("\n\n", 1)[0]
    fields = []
    for line in head.split("\n"):
        if line[:1] in (" ", "\t") and fields:
            fields[-1] = (fields[-1][0], fields[-1][1] + "\n" + line)
        elif ":" in line:
            name, value = line.split(":", 1)
            fields.append((name, value))
    return fields


def our_ar(fields):
    return [v for n, v in fields if n.lower() == "authentication-results"
            and v.strip().split(";")[0].strip() == ARGS.authserv_id]


def scenario_pass():
    stage, code, text = send("192.0.2.10", "mail.authgate.example",
                             "user@pass.authgate.example", "e2e-pass")
    ok(code == 250, "SPF pass: message accepted (%s %d)" % (stage, code))
    msg = delivered("e2e-pass")
    ok(msg is not None, "SPF pass: delivered to smtp-sink")
    ar = our_ar(header_block(msg))
    ok(len(ar) == 1, "SPF pass: exactly one A-R field of ours")
    value = " ".join(ar[0].split())
    ok(value == "%s; iprev=pass (mail.authgate.example) "
       "policy.iprev=192.0.2.10; spf=pass smtp.mailfrom=pass.authgate.example; "
       "spf=pass smtp.helo=mail.authgate.example; dkim=none (not signed); arc=none; "
       "dmarc=none reason=\"pass.authgate.example publishes no DMARC "
       "record\" header.from=pass.authgate.example policy.dmarc=none"
       % ARGS.authserv_id, "SPF pass: Authentication-Results: " + value)
    names = [n.lower() for n, _ in header_block(msg)]
    ok(names.index("authentication-results") < names.index("subject"),
       "SPF pass: A-R field is at the top of the header")
    rspf = [v for n, v in header_block(msg) if n.lower() == "received-spf"]
    ok(len(rspf) == 1 and rspf[0].split()[0] == "pass",
       "SPF pass: Received-SPF: " + " ".join(rspf[0].split()[:8]) + " ...")


def scenario_fail():
    stage, code, text = send("198.51.100.20", "host.nowhere.authgate.example",
                             "user@pass.authgate.example", "e2e-fail")
    ok(stage == "rcpt" and code == 550,
       "SPF fail: refused at RCPT with 550 (%s %d)" % (stage, code))
    print("    reply: " + text.replace("\n", "\n           "))
    lines = text.split("\n")
    ok(all(l.startswith("5.7.1 ") for l in lines),
       "SPF fail: every reply line carries 5.7.1")
    flat = " ".join(l[6:] for l in lines)
    ok("pass.authgate.example does not allow 198.51.100.20 to send mail for "
       "user@pass.authgate.example" in flat, "SPF fail: names domain, IP, sender")
    ok("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:1::/48 -all" in flat,
       "SPF fail: quotes the domain's record")
    ok('The part that decided: "-all"' in flat,
       "SPF fail: names the term of the record that decided")
    ok("must add ip4:198.51.100.20" in flat, "SPF fail: says what to change")
    ok(delivered("e2e-fail", wait=2) is None, "SPF fail: nothing delivered")


def scenario_forged():
    forged = ["Authentication-Results: %s; spf=pass smtp.mailfrom=forged.example"
              % ARGS.authserv_id,
              "Authentication-Results: other.example; dkim=pass header.d=other.example",
              "authentication-results: (sneaky) %s; dmarc=pass header.from=x"
              % ARGS.authserv_id.upper()]
    stage, code, text = send("192.0.2.10", "mail.authgate.example",
                             "user@pass.authgate.example", "e2e-forged", forged)
    ok(code == 250, "forged A-R: message accepted")
    fields = header_block(delivered("e2e-forged"))
    values = [" ".join(v.split()) for n, v in fields
              if n.lower() == "authentication-results"]
    ok(not any("forged.example" in v or "dmarc=pass" in v for v in values),
       "forged A-R: both fields claiming our authserv-id are gone")
    ok(any(v.startswith("other.example;") for v in values),
       "forged A-R: another server's field is kept")
    ok(len(our_ar(fields)) == 1 and "spf=pass" in our_ar(fields)[0],
       "forged A-R: our own field is there, once")


def scenario_huge():
    big = "Subject-Long: " + "\r\n ".join(["x" * 70] * 900)     # ~64 KB
    binary = "X-Binary: " + "".join(chr(c) for c in range(0x80, 0x100))
    # many fields (not Received: Postfix refuses more than 50 hops)
    many = ["X-Trace-%d: relay%d.example" % (i, i) for i in range(300)]
    stage, code, text = send("192.0.2.10", "mail.authgate.example",
                             "user@pass.authgate.example", "e2e-huge",
                             [big, binary] + many, body="y" * 1000000)
    ok(code == 250, "huge header block (64 KB field, 300 more fields, 8-bit, "
       "1 MB body): accepted")
    ok(delivered("e2e-huge") is not None, "huge header block: delivered")


def scenario_percent():
    stage, code, text = send("198.51.100.20", "host.nowhere.authgate.example",
                             "us%er@pass.authgate.example", "e2e-percent")
    ok(code == 550, "'%' in the sender: refused with 550")
    ok("us%er@pass.authgate.example" in text and "%%" not in text,
       "'%' in the sender: reaches the client as a single %")


def scenario_authenticated():
    # Postfix hands the login to the milter as {auth_authen}; the same
    # sender and client as scenario_fail, but SPF is not checked
    stage, code, text = send("198.51.100.20", "host.nowhere.authgate.example",
                             "user@pass.authgate.example", "e2e-auth",
                             login="alice")
    ok(code == 250, "authenticated sender: accepted although SPF would fail "
       "(%s %d %s)" % (stage, code, text))
    msg = delivered("e2e-auth")
    ok(msg is not None, "authenticated sender: delivered")
    ar = our_ar(header_block(msg))
    value = " ".join(ar[0].split()) if ar else ""
    ok(value == "%s; (DNSBL, iprev, SPF, DKIM, DMARC not checked: "
       "authenticated sender) "
       "none" % ARGS.authserv_id, "authenticated sender: "
       "Authentication-Results: " + value)
    ok("alice" not in msg, "authenticated sender: the login name is not "
       "in the message")


def signed_message(subject, body, from_addr="alice@signed.authgate.example"):
    """A message signed with the test key for signed.authgate.example
    (python3-dkim), and its lines, ready for DATA."""
    import dkim
    text = ("From: Alice <%s>\r\nTo: rcpt@rcpt.example\r\n"
            "Subject: %s\r\nMessage-ID: <%s@signed.authgate.example>\r\n"
            "\r\n%s" % (from_addr, subject, subject, body))
    with open(os.path.join(KEYS, "rsa2048.pem"), "rb") as f:
        key = f.read()
    sig = dkim.sign(text.encode(), b"s2048", b"signed.authgate.example", key,
                    include_headers=[b"from", b"to", b"subject",
                                     b"message-id"])
    return sig.decode() + text


def send_raw(addr, helo, sender, data):
    """MAIL, RCPT, DATA with a message as given."""
    s = connect(addr, helo)
    code, msg = s.docmd("MAIL FROM:<%s>" % sender)
    if code >= 400:
        return ("mail", code, msg.decode())
    code, msg = s.docmd("RCPT TO:<rcpt@rcpt.example>")
    if code >= 400:
        s.quit()
        return ("rcpt", code, msg.decode())
    try:
        code, msg = s.data(data.encode())
    except smtplib.SMTPDataError as e:
        code, msg = e.smtp_code, e.smtp_error
    s.quit()
    return ("data", code, msg.decode())


def scenario_dkim_pass():
    data = signed_message("e2e-dkim", "Hello Bob,\r\nthe numbers.\r\n")
    stage, code, text = send_raw("198.51.100.20", "mail.esp.authgate.example",
                                 "bounce@esp.authgate.example", data)
    ok(code == 250, "signed, aligned, p=reject: accepted (%s %d %s)"
       % (stage, code, text))
    msg = delivered("e2e-dkim")
    ok(msg is not None, "signed, aligned, p=reject: delivered")
    value = " ".join(our_ar(header_block(msg))[0].split())
    ok("dkim=pass (2048-bit key) header.d=signed.authgate.example" in value,
       "DKIM-signed message: dkim=pass in Authentication-Results")
    ok("dmarc=pass (p=reject; SPF did not pass, DKIM aligned) "
       "header.from=signed.authgate.example policy.dmarc=none" in value,
       "DKIM-signed message: dmarc=pass in Authentication-Results")
    print("    " + value)


def scenario_dkim_body():
    data = signed_message("e2e-body", "Hello Bob,\r\nthe numbers.\r\n")
    data = data.replace("the numbers.", "the numberz.")
    stage, code, text = send_raw("198.51.100.20", "mail.esp.authgate.example",
                                 "bounce@esp.authgate.example", data)
    ok(stage == "data" and code == 550,
       "one body byte changed: refused after DATA with 550 (%s %d)"
       % (stage, code))
    print("    reply: " + text.replace("\n", "\n           "))
    flat = " ".join(l[6:] for l in text.split("\n"))
    ok("DMARC fail: signed.authgate.example asks receivers to reject mail "
       "that is not authenticated for it (p=reject)" in flat,
       "changed body: the reply explains the DMARC policy")
    ok("the body hash does not match" in flat,
       "changed body: the reply says the body was changed")
    ok("sign the mail with a DKIM key of signed.authgate.example" in flat,
       "changed body: the reply says how to fix it")
    ok(delivered("e2e-body", wait=2) is None, "changed body: not delivered")


def scenario_dmarc_quarantine():
    stage, code, text = send("198.51.100.20", "mail.esp.authgate.example",
                             "bounce@esp.authgate.example", "e2e-quarantine",
                             from_addr="dave@quar.authgate.example")
    ok(code == 250, "p=quarantine failure: accepted into the hold queue "
       "(%s %d)" % (stage, code))
    ok(delivered("e2e-quarantine", wait=3) is None,
       "p=quarantine failure: held, not delivered")


def scenario_two_from():
    data = ("From: a@signed.authgate.example\r\nFrom: b@evil.example\r\n"
            "To: rcpt@rcpt.example\r\nSubject: e2e-twofrom\r\n\r\nhi\r\n")
    stage, code, text = send_raw("192.0.2.10", "mail.authgate.example",
                                 "user@pass.authgate.example", data)
    ok(code == 550, "two From: fields: refused with 550 (%s %d)"
       % (stage, code))
    ok("From: header field appears 2 times" in text,
       "two From: fields: the reply says so")
    ok(delivered("e2e-twofrom", wait=2) is None, "two From: not delivered")


def scenario_tempfail():
    stage, code, text = send("192.0.2.10", "mail.authgate.example",
                             "user@neutral.authgate.example", "e2e-tempfail")
    ok(stage == "rcpt" and code == 451,
       "DNS server stopped: 451 at RCPT (%s %d)" % (stage, code))
    print("    reply: " + text.replace("\n", "\n           "))
    ok(text.startswith("4.7.1 "), "DNS server stopped: 4.7.1")
    ok("try again later" in text, "DNS server stopped: says it is temporary")
    ok(delivered("e2e-tempfail", wait=2) is None,
       "DNS server stopped: nothing delivered")


def refused_text(name, addr, sender, subject, want, helo=None):
    """A refusal at RCPT with 550 5.7.1 whose text holds each of want."""
    stage, code, text = send(addr, helo or "host.nowhere.authgate.example",
                             sender, subject)
    ok(stage == "rcpt" and code == 550,
       "%s: refused at RCPT with 550 (%s %d)" % (name, stage, code))
    print("    reply: " + text.replace("\n", "\n           "))
    lines = text.split("\n")
    ok(all(l.startswith("5.7.1 ") for l in lines),
       "%s: every reply line carries 5.7.1" % name)
    flat = " ".join(l[6:] for l in lines)
    for w in want:
        ok(w in flat, "%s: the reply says: %s" % (name, w))
    ok(delivered(subject, wait=2) is None, "%s: nothing delivered" % name)


def scenario_dnsbl_sbl():
    refused_text("SBL listing", "198.51.100.50", "u@none.authgate.example",
                 "e2e-sbl", ["IP 198.51.100.50 is listed in zen.bl.example "
                             "(SBL, answer 127.0.0.2)",
                             "SBL999 spam source",
                             "https://check.bl.example/?ip=198.51.100.50"])


def scenario_dnsbl_pbl():
    refused_text("PBL listing", "198.51.100.51", "u@none.authgate.example",
                 "e2e-pbl", ["as an end-user address that should not send "
                             "mail directly",
                             "send through your provider's SMTP relay "
                             "(smarthost)"])


def scenario_dnsbl_v6():
    if not os.path.exists("/proc/net/if_inet6"):
        print("skip - no IPv6 in this kernel: Postfix cannot take an IPv6 "
              "XCLIENT address (the miltertest case covers the lookup)")
        return
    refused_text("IPv6 XBL listing", "2001:db8:2::25",
                 "u@none.authgate.example", "e2e-xbl",
                 ["IP 2001:db8:2::25 is listed in zen.bl.example (XBL"])


def scenario_dnsbl_postmaster():
    stage, code, text = send("198.51.100.50", "host.nowhere.authgate.example",
                             "u@none.authgate.example", "e2e-postmaster",
                             rcpt="postmaster@rcpt.example")
    ok(code == 250, "postmaster@ from a listed IP: accepted (%s %d %s)"
       % (stage, code, text))
    msg = delivered("e2e-postmaster")
    ok(msg is not None, "postmaster@ from a listed IP: delivered")
    value = " ".join(our_ar(header_block(msg))[0].split())
    ok("dnsbl=fail (SBL, +3) (not enforced: mail to postmaster) "
       "dns.zone=zen.bl.example policy.ip=127.0.0.2" in value,
       "postmaster@ from a listed IP: the header shows the listing: " + value)


def scenario_dnswl():
    stage, code, text = send("198.51.100.53", "host.nowhere.authgate.example",
                             "u@none.authgate.example", "e2e-dnswl")
    ok(code == 250, "DNSWL offsets SBL: accepted (%s %d)" % (stage, code))
    msg = delivered("e2e-dnswl")
    value = " ".join(our_ar(header_block(msg))[0].split()) if msg else ""
    ok("dnswl=pass (dnswl-high, -3) dns.zone=wl.bl.example" in value,
       "DNSWL offsets SBL: dnswl=pass in the header: " + value)


def scenario_sender_networks():
    refused_text("sender networks", "198.51.100.60", "u@bank.authgate.example",
                 "e2e-authz", ["Mail with the MAIL FROM domain "
                               "bank.authgate.example may come only from "
                               "the networks",
                               "IP 198.51.100.60 is not one of them"])


def scenario_iprev_fail():
    stage, code, text = send("192.0.2.11", "host.nowhere.authgate.example",
                             "u@none.authgate.example", "e2e-iprev")
    ok(code == 250, "iprev fail: recorded, accepted (%s %d)" % (stage, code))
    msg = delivered("e2e-iprev")
    value = " ".join(our_ar(header_block(msg))[0].split()) if msg else ""
    ok("iprev=fail (none.authgate.example) reason=\"none.authgate.example "
       "does not resolve back to 192.0.2.11\" policy.iprev=192.0.2.11"
       in value, "iprev fail: in the header: " + value)


def scenario_report_only():
    # an SBL-listed client sending as a domain whose SPF fails it: with
    # report_only = yes it is delivered, the header says what would
    # have happened
    stage, code, text = send("198.51.100.50", "host.nowhere.authgate.example",
                             "user@pass.authgate.example", "e2e-report")
    ok(code == 250, "report only: a message that would be refused is "
       "accepted (%s %d %s)" % (stage, code, text))
    msg = delivered("e2e-report")
    ok(msg is not None, "report only: delivered")
    value = " ".join(our_ar(header_block(msg))[0].split()) if msg else ""
    ok("dnsbl=fail (SBL, +3) (report only: would reject)" in value and
       "spf=fail (report only: would reject)" in value,
       "report only: the header says what would have been done: " + value)


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--sink", required=True)
    ap.add_argument("--authserv-id", required=True)
    ap.add_argument("scenarios", nargs="+")
    ARGS = ap.parse_args()
    for name in ARGS.scenarios:
        globals()["scenario_" + name]()


if __name__ == "__main__":
    main()
