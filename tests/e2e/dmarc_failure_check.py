#!/usr/bin/env python3
"""dmarc_failure_check.py - the failure report mails smtp-sink received.

    dmarc_failure_check.py --sink DIR --to ADDR --count N --domain D
        --source-ip IP --subject-prefix S [--body-absent TEXT]

Finds exactly N mails to ADDR and reads each with Python's email parser
(not ours): multipart/report; report-type=feedback-report of three parts
(RFC 6591 over RFC 5965): text/plain, message/feedback-report whose
fields say Feedback-Type auth-failure, Version 1, Auth-Failure dmarc,
Reported-Domain D, Source-IP IP and carry Authentication-Results,
Arrival-Date and Identity-Alignment, and text/rfc822-headers holding
the original message's Subject (starting with S) and never its body
(TEXT). Prints "ok - ..." lines; exits 1 otherwise.
"""
import argparse
import email
import email.policy
import glob
import os
import sys


def fail(msg):
    print("FAIL - " + msg)
    sys.exit(1)


def fields(text):
    """The fields of a feedback-report block (RFC 5965 3.1), unfolded"""
    out = {}
    name = None
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and name:
            out[name] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            out[name] = value.strip()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sink", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--source-ip", required=True)
    ap.add_argument("--subject-prefix", required=True)
    ap.add_argument("--body-absent", default="")
    a = ap.parse_args()
    found = []
    for path in glob.glob(os.path.join(a.sink, "*")):
        with open(path, "rb") as f:
            raw = f.read()
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        if a.to in str(msg.get("To", "")) and \
                str(msg.get("Subject", "")).startswith("DMARC failure"):
            found.append((path, raw, msg))
    if len(found) != a.count:
        fail("%d failure report mails to %s, want %d" % (len(found), a.to,
                                                          a.count))
    for path, raw, msg in found:
        name = os.path.basename(path)
        if msg.get_content_type() != "multipart/report" or \
                msg.get_param("report-type") != "feedback-report":
            fail("%s: %s, not multipart/report; report-type=feedback-"
                 "report" % (name, msg.get("Content-Type")))
        parts = msg.get_payload()
        types = [p.get_content_type() for p in parts]
        if types != ["text/plain", "message/feedback-report",
                     "text/rfc822-headers"]:
            fail("%s: parts %s" % (name, types))
        # the parser reads message/* parts as messages: the report's
        # fields are their header
        fb = parts[1].get_payload()
        text = fb[0].as_string() if isinstance(fb, list) else str(fb)
        f = fields(text)
        want = {"feedback-type": "auth-failure", "version": "1",
                "auth-failure": "dmarc", "reported-domain": a.domain,
                "source-ip": a.source_ip}
        for k, v in want.items():
            if f.get(k) != v:
                fail("%s: %s is %r, want %r (fields %s)" % (
                    name, k, f.get(k), v, sorted(f)))
        for k in ("authentication-results", "arrival-date",
                  "identity-alignment", "user-agent"):
            if not f.get(k):
                fail("%s: no %s field" % (name, k))
        if "dmarc=fail" not in f["authentication-results"]:
            fail("%s: Authentication-Results %s" % (
                name, f["authentication-results"]))
        headers = parts[2].get_payload()
        if isinstance(headers, list):
            headers = headers[0].as_string()
        h = fields(headers)
        if not h.get("subject", "").startswith(a.subject_prefix):
            fail("%s: the headers part has Subject %r" % (
                name, h.get("subject")))
        if a.body_absent and a.body_absent.encode() in raw:
            fail("%s: the message body is in the report" % name)
        print("ok - %s: multipart/report of 3 parts; auth-failure dmarc "
              "for %s from %s; the original's header fields (Subject %s), "
              "not its body" % (name, a.domain, a.source_ip, h["subject"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
