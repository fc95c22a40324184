#!/usr/bin/env python3
"""send_check.py - one message through the private Postfix, and what the
client was answered: the sending-side end-to-end tests (sender.sh) call
it once per step, between their changes to zones, config and state.

    send_check.py --port PORT --sink DIR --subject S [--login LOGIN]
        [--addr IP] [--mail-from ADDR] [--from ADDR] [--rcpt ADDR ...]
        [--header "Name: value" ...] [--sign KEYFILE:DOMAIN:SELECTOR ...]
        --expect CODE [--stage mail|rcpt|data] [--reply-has TEXT ...]
        [--delivered | --not-delivered] [--what WORDS]

The client claims its address and login with XCLIENT (Postfix hands the
login to the milter as {auth_authen}), sends one message and checks the
first refusal's code, stage and words, or that the message reached
smtp-sink. Prints "ok - ..." lines; exits 1 at the first failed check.
--sign DKIM-signs the message (python3-dkim, rsa-sha256) with each key
given, the last signature on top.
"""
import argparse
import glob
import os
import smtplib
import sys
import time


def ok(cond, what):
    if not cond:
        print("FAIL: " + what)
        sys.exit(1)
    print("ok - " + what)


def delivered(sink, subject, wait):
    """Has smtp-sink received the message with this subject"""
    deadline = time.time() + wait
    while True:
        for path in glob.glob(os.path.join(sink, "*")):
            with open(path, "rb") as f:
                data = f.read().decode("latin-1")
            if "Subject: " + subject + "\n" in data or \
               "Subject: " + subject + "\r\n" in data:
                return True
        if time.time() >= deadline:
            return False
        time.sleep(0.1)


def send(a):
    """The first refusal (stage, code, text), or ("data", 250, text)"""
    s = smtplib.SMTP("127.0.0.1", a.port, timeout=60)
    s.ehlo("client.test")
    addr = "IPV6:" + a.addr if ":" in a.addr else a.addr
    attrs = "ADDR=%s NAME=[UNAVAILABLE] HELO=relay.client.test PROTO=ESMTP" \
        % addr
    if a.login:
        attrs += " LOGIN=" + a.login
    code, msg = s.docmd("XCLIENT", attrs)
    ok(code == 220, "XCLIENT accepted (%d)" % code)
    s.ehlo("relay.client.test")
    code, msg = s.docmd("MAIL FROM:<%s>" % a.mail_from)
    if code >= 400:
        return ("mail", code, msg.decode())
    refused = None
    for r in a.rcpt or ["rcpt@rcpt.example"]:
        code, msg = s.docmd("RCPT TO:<%s>" % r)
        if code >= 400 and refused is None:
            refused = ("rcpt", code, msg.decode())
    if refused is not None and refused[1] >= 400 and \
            len(a.rcpt or [1]) == 1:
        s.quit()
        return refused
    text = "\r\n".join(["From: " + (a.from_addr or a.mail_from),
                        "To: rcpt@rcpt.example",
                        "Subject: " + a.subject,
                        "Message-ID: <%s@send-check.test>" % a.subject]
                       + (a.header or []) + ["", "Hello.", ""])
    for spec in a.sign or []:
        import dkim
        keyfile, domain, selector = spec.split(":")
        with open(keyfile, "rb") as f:
            key = f.read()
        text = dkim.sign(text.encode(), selector.encode(), domain.encode(),
                         key, include_headers=[b"from", b"to", b"subject",
                                               b"message-id"]).decode() + text
    try:
        code, msg = s.data(text.encode())
    except smtplib.SMTPResponseException as e:
        code, msg = e.smtp_code, e.smtp_error
    s.quit()
    if refused is not None:
        return refused
    return ("data", code, msg.decode() if isinstance(msg, bytes) else msg)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--sink", required=True)
    p.add_argument("--subject", required=True)
    p.add_argument("--login")
    p.add_argument("--addr", default="192.0.2.10")
    p.add_argument("--mail-from", required=True)
    p.add_argument("--from", dest="from_addr")
    p.add_argument("--rcpt", action="append")
    p.add_argument("--header", action="append")
    p.add_argument("--sign", action="append")
    p.add_argument("--expect", type=int, required=True)
    p.add_argument("--stage")
    p.add_argument("--reply-has", action="append", default=[])
    p.add_argument("--delivered", action="store_true")
    p.add_argument("--not-delivered", action="store_true")
    p.add_argument("--what", default="")
    a = p.parse_args()
    what = a.what or a.subject
    stage, code, text = send(a)
    flat = " ".join(text.split())
    ok(code == a.expect, "%s: answered %d at %s (want %d): %s" %
       (what, code, stage, a.expect, flat))
    if a.stage:
        ok(stage == a.stage, "%s: at the %s stage" % (what, a.stage))
    for words in a.reply_has:
        ok(words in flat, "%s: the reply says \"%s\"" % (what, words))
    if a.delivered:
        ok(delivered(a.sink, a.subject, 20), "%s: delivered" % what)
    if a.not_delivered:
        ok(not delivered(a.sink, a.subject, 0), "%s: not delivered" % what)


if __name__ == "__main__":
    main()
