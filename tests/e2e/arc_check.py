#!/usr/bin/env python3
"""arc_check.py - one ARC scenario through the private Postfix (arc.sh).

    arc_check.py --port PORT --sink DIR --authserv-id ID --keys DIR
        --dkim-key PEM --dns NAME=RECORDFILE ... SCENARIO

A message from u@src.arc.example (p=reject), DKIM-signed by its author
domain, goes through a "mailing list" that tags the subject and adds a
footer (the author's signature breaks, and the list's own server is not
in the author's SPF record), and is ARC-sealed by the list with
python3-dkim's arc_sign (an implementation independent of authgate). The
list then sends it on from 198.51.100.30 (XCLIENT), and the scenario says
what authgate must make of it:

  trusted_dkim  the same, the list having seen an aligned DKIM pass (no
             dmarc= in its results): delivered, the A-R says so
  trusted    sealed by lists.arc.example, a trusted sealer: delivered,
             A-R arc=pass and dmarc=fail not enforced with the ARC reason;
             our own ARC set on top verifies with python3-dkim's
             arc_verify, over the list's
  untrusted  sealed by other.arc.example: refused with DMARC's 550, whose
             text names the chain's sealer as not trusted
  broken     sealed by lists.arc.example, then the list's
             ARC-Authentication-Results altered: refused, arc=fail, the
             text says the chain does not verify
  plain      a message with no chain that passes DMARC: delivered with
             arc=none and our ARC set (cv=none), which arc_verify passes
  replay     the trusted list's set, then the body changed and a set of
             other.arc.example added on top with cv=pass: the chain
             passes but the list's AMS does not (oldest-pass 2), so its
             dmarc=pass vouches for nothing: refused
  list_flow  with arc.seal_mail = outgoing, a list host: the message comes
             in (DMARC pass, not sealed), the list tags it and sends it
             on from 127.0.0.1: sealed, the AAR carrying the results of
             the way in, and arc_verify passes it

--dns gives the key records arc_verify looks up (its own lookups never
leave the test). Prints "ok - ..." lines; exits 1 at the first failure.
"""
import argparse
import glob
import os
import re
import smtplib
import sys
import time

import dkim


def ok(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok - " + what)


def original(subject):
    """The author's message, DKIM-signed by src.arc.example (CRLF)."""
    text = ("From: Ann <u@src.arc.example>\r\n"
            "To: list@lists.arc.example\r\n"
            "Subject: %s\r\n"
            "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
            "Message-ID: <%s@src.arc.example>\r\n"
            "\r\n"
            "Hello list,\r\nthe text.\r\n") % (subject, subject)
    with open(ARGS.dkim_key, "rb") as f:
        key = f.read()
    sig = dkim.sign(text.encode(), b"s2048", b"src.arc.example", key,
                    include_headers=[b"from", b"to", b"subject", b"date",
                                     b"message-id"])
    return sig + text.encode()


def list_copy(msg, sealer, results=None):
    """What the list sends on: its A-R of the original, the subject
    tagged, a footer, then its ARC set on top (python3-dkim)."""
    head, body = msg.split(b"\r\n\r\n", 1)
    head = head.replace(b"Subject: ", b"Subject: [list] ")
    body += b"-- \r\nlist footer\r\n"
    if results is None:
        results = ("spf=pass smtp.mailfrom=u@src.arc.example; dkim=pass "
                   "header.d=src.arc.example header.s=s2048; dmarc=pass "
                   "header.from=src.arc.example")
    ar = ("Authentication-Results: %s; %s\r\n" % (sealer, results)).encode()
    msg = ar + head + b"\r\n\r\n" + body
    with open(os.path.join(ARGS.keys, "rsa2048.pem"), "rb") as f:
        key = f.read()
    fields = dkim.arc_sign(msg, b"arc", sealer.encode(), key,
                           sealer.encode(),
                           include_headers=[b"from", b"to", b"subject",
                                            b"date", b"message-id"],
                           timestamp=int(time.time()))
    ok(len(fields) == 3, "%s sealed the list copy (python3-dkim)" % sealer)
    return b"".join(fields) + msg


def dnsfunc(name, timeout=5):
    """The key records of --dns, for python3-dkim's lookups."""
    name = name.decode() if isinstance(name, bytes) else name
    return RECORDS.get(name.rstrip(".").lower())


def send(msg, addr, mail_from):
    """(code, text) of the answer to DATA (or the first refusal)."""
    s = smtplib.SMTP("127.0.0.1", ARGS.port, timeout=60)
    s.ehlo("client.test")
    code, text = s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE] "
                         "HELO=mail.lists.arc.example PROTO=ESMTP" % addr)
    ok(code == 220, "XCLIENT accepted")
    s.ehlo("mail.lists.arc.example")
    code, text = s.docmd("MAIL FROM:<%s>" % mail_from)
    if code < 400:
        code, text = s.docmd("RCPT TO:<rcpt@rcpt.example>")
    if code < 400:
        try:
            code, text = s.data(msg)
        except smtplib.SMTPResponseException as e:
            code, text = e.smtp_code, e.smtp_error
    s.quit()
    return code, text.decode() if isinstance(text, bytes) else text


def delivered(subject, wait=20):
    """The message smtp-sink received with this subject (bytes)."""
    deadline = time.time() + wait
    while time.time() < deadline:
        for path in glob.glob(os.path.join(ARGS.sink, "*")):
            with open(path, "rb") as f:
                data = f.read()
            if b"Subject: " + subject.encode() + b"\r\n" in data or \
               b"Subject: " + subject.encode() + b"\n" in data:
                return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        time.sleep(0.1)
    return None


def our_ar(msg):
    """Our Authentication-Results value, unfolded."""
    head = msg.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    head = re.sub(r"\r\n[ \t]+", " ", head)
    for line in head.split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "authentication-results" and \
                value.strip().split(";")[0].strip() == ARGS.authserv_id:
            return " ".join(value.split())
    return ""


def verify_our_seal(msg, sets):
    """python3-dkim validates the chain with our set on top."""
    cv, results, comment = dkim.arc_verify(msg, dnsfunc=dnsfunc)
    ok(cv == dkim.CV_Pass, "python3-dkim arc_verify: %s (%s)" %
       (cv.decode(), comment))
    ok(len(results) == sets, "the chain has %d sets" % sets)
    ok(b"d=mx.arc.example" in msg, "our set is sealed by mx.arc.example")


def scenario_trusted():
    subject = "arc-trusted"
    msg = list_copy(original(subject), "lists.arc.example")
    if ARGS.save:
        with open(ARGS.save, "wb") as f:
            f.write(msg)
    code, text = send(msg, "198.51.100.30", "bounce@lists.arc.example")
    ok(code == 250, "trusted sealer: accepted (%d %s)" % (code, text))
    got = delivered("[list] " + subject)
    ok(got is not None, "trusted sealer: delivered")
    ar = our_ar(got)
    ok("arc=pass (i=1, sealed by lists.arc.example)" in ar,
       "A-R arc=pass with the sealer: " + ar)
    ok("header.oldest-pass=0" in ar and "smtp.remote-ip=198.51.100.30" in
       ar, "A-R arc= has oldest-pass and remote-ip")
    ok(re.search(r"dmarc=fail \(p=reject;[^)]*not enforced: arc trusted "
                 r"sealer lists\.arc\.example, whose ARC set i=1 saw "
                 r"dmarc=pass\)", ar) is not None,
       "A-R dmarc=fail not enforced with the ARC reason")
    verify_our_seal(got, 2)


def scenario_trusted_dkim():
    subject = "arc-trusted-dkim"
    msg = list_copy(original(subject), "lists.arc.example",
                    "dkim=pass header.d=src.arc.example header.s=s2048")
    code, text = send(msg, "198.51.100.30", "bounce@lists.arc.example")
    ok(code == 250, "trusted sealer that saw DKIM pass: accepted (%d %s)" %
       (code, text))
    got = delivered("[list] " + subject)
    ok(got is not None, "trusted sealer that saw DKIM pass: delivered")
    ar = our_ar(got)
    ok("whose ARC set i=1 saw dkim=pass header.d=src.arc.example" in ar,
       "A-R says the aligned DKIM pass the sealer saw: " + ar)


def scenario_untrusted():
    subject = "arc-untrusted"
    msg = list_copy(original(subject), "other.arc.example")
    code, text = send(msg, "198.51.100.30", "bounce@other.arc.example")
    ok(code == 550, "untrusted sealer: refused (%d)" % code)
    ok("DMARC fail" in text and "other.arc.example, which this receiver "
       "does not trust to vouch for it" in " ".join(text.split()),
       "the 550 names the untrusted sealer: " + text)
    ok(delivered("[list] " + subject, wait=2) is None,
       "untrusted sealer: not delivered")


def scenario_broken():
    subject = "arc-broken"
    msg = list_copy(original(subject), "lists.arc.example")
    # one ARC header altered after sealing
    msg = msg.replace(b"dmarc=pass header.from=src.arc.example",
                      b"dmarc=pass header.from=src.arc.example (ok)", 1)
    ok(b"(ok)" in msg.split(b"\r\n\r\n")[0], "the AAR was altered")
    code, text = send(msg, "198.51.100.30", "bounce@lists.arc.example")
    ok(code == 550, "broken chain: refused (%d)" % code)
    ok("ARC chain that does not verify" in " ".join(text.split()),
       "the 550 says the chain does not verify: " + text)


def scenario_replay():
    """a trusted set replayed over a changed message: the attacker's own
    set on top passes, the trusted list's AMS no longer does"""
    subject = "arc-replay"
    msg = list_copy(original(subject), "lists.arc.example")
    msg = msg.replace(b"Hello list,\r\nthe text.", b"Pay this invoice,\r\n"
                      b"at evil.example.", 1)
    ok(b"evil.example" in msg, "the body was changed after the list sealed")
    msg = b"Authentication-Results: other.arc.example; arc=pass\r\n" + msg
    with open(os.path.join(ARGS.keys, "rsa2048.pem"), "rb") as f:
        key = f.read()
    fields = dkim.arc_sign(msg, b"arc", b"other.arc.example", key,
                           b"other.arc.example",
                           include_headers=[b"from", b"to", b"subject"],
                           timestamp=int(time.time()))
    ok(len(fields) == 3 and b"i=2" in fields[0] and b"cv=pass" in
       fields[0], "the attacker sealed set 2 with cv=pass")
    code, text = send(b"".join(fields) + msg, "198.51.100.30",
                      "bounce@other.arc.example")
    ok(code == 550, "a replayed trusted set vouches for nothing: refused "
       "(%d %s)" % (code, text))


def scenario_list_flow():
    """arc.seal_mail = outgoing: a list host's two passes through us"""
    subject = "arc-list-flow"
    code, text = send(original(subject), "192.0.2.10", "u@src.arc.example")
    ok(code == 250, "list flow, way in: accepted (%d %s)" % (code, text))
    got = delivered(subject)
    ok(got is not None and b"dmarc=pass" in got,
       "list flow, way in: delivered with our A-R")
    head = got.split(b"\r\n\r\n", 1)[0]
    ok(b"\r\nARC-Seal:" not in b"\r\n" + head,
       "list flow, way in: not sealed (mail coming in)")
    # the list manager tags, adds its footer and sends it on from here
    head, body = got.split(b"\r\n\r\n", 1)
    head = head.replace(b"Subject: ", b"Subject: [list] ", 1)
    msg = head + b"\r\n\r\n" + body + b"-- \r\nlist footer\r\n"
    code, text = send(msg, "127.0.0.1", "bounce@lists.arc.example")
    ok(code == 250, "list flow, way out: accepted (%d %s)" % (code, text))
    out = delivered("[list] " + subject)
    ok(out is not None, "list flow, way out: delivered")
    aar = re.search(rb"ARC-Authentication-Results: i=1; mx\.authgate\.test;"
                    rb"(.*?)\r\n(?! |\t)", out, re.S)
    ok(aar is not None and b"dmarc=pass" in aar.group(1) and
       b"header.from=src.arc.example" in aar.group(1),
       "our AAR carries the results of the way in: %r" %
       (aar.group(1) if aar else None))
    verify_our_seal(out, 1)


def scenario_plain():
    subject = "arc-plain"
    msg = original(subject)
    code, text = send(msg, "192.0.2.10", "u@src.arc.example")
    ok(code == 250, "plain message: accepted (%d %s)" % (code, text))
    got = delivered(subject)
    ok(got is not None, "plain message: delivered")
    ar = our_ar(got)
    ok("arc=none" in ar and "dmarc=pass" in ar, "A-R arc=none: " + ar)
    ok(b"cv=none" in got, "our seal says cv=none")
    verify_our_seal(got, 1)


def main():
    global ARGS, RECORDS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sink", required=True)
    p.add_argument("--authserv-id", required=True)
    p.add_argument("--keys", required=True)
    p.add_argument("--dkim-key", required=True)
    p.add_argument("--dns", action="append", default=[])
    p.add_argument("--save", help="write the message sent to this file")
    p.add_argument("scenario", choices=["trusted", "trusted_dkim",
                                        "untrusted", "broken", "plain",
                                        "replay", "list_flow"])
    ARGS = p.parse_args()
    RECORDS = {}
    for spec in ARGS.dns:
        name, _, path = spec.partition("=")
        with open(path, "rb") as f:
            RECORDS[name.lower()] = f.read().strip()
    globals()["scenario_" + ARGS.scenario]()


if __name__ == "__main__":
    main()
