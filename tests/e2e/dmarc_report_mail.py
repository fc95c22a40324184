#!/usr/bin/env python3
"""dmarc_report_mail.py - the report mail smtp-sink received.

    dmarc_report_mail.py --sink DIR --domain D --to ADDR --messages N

Finds exactly one mail to ADDR whose Subject is "Report Domain: D
Submitter: ... Report-ID: <...>" (RFC 7489 7.2.1.1), with a gzip
attachment named receiver!D!begin!end.xml.gz whose XML is the report of
D counting N messages. Prints "ok - ..." lines; exits 1 otherwise.
"""
import argparse
import email
import email.policy
import glob
import gzip
import os
import re
import sys
import xml.etree.ElementTree as ET


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sink", required=True)
    ap.add_argument("--domain", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--messages", type=int, required=True)
    a = ap.parse_args()
    found = []
    for path in glob.glob(os.path.join(a.sink, "*")):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        if a.to in str(msg.get("To", "")) and str(msg.get("Subject", "")) \
                .startswith("Report Domain: %s Submitter: " % a.domain):
            found.append(msg)
    if len(found) != 1:
        print("FAIL - %d report mails to %s for %s" % (len(found), a.to,
                                                        a.domain))
        return 1
    msg = found[0]
    if not re.fullmatch(r"Report Domain: \S+ Submitter: \S+ Report-ID: <\S+>",
                        str(msg["Subject"])):
        print("FAIL - Subject: %s" % msg["Subject"])
        return 1
    parts = [p for p in msg.iter_attachments()
             if p.get_content_type() == "application/gzip"]
    if len(parts) != 1:
        print("FAIL - %d gzip attachments" % len(parts))
        return 1
    name = parts[0].get_filename()
    if not re.fullmatch(r"[^!]+!%s!\d+!\d+\.xml\.gz" % re.escape(a.domain),
                        name or ""):
        print("FAIL - attachment name %r" % name)
        return 1
    root = ET.fromstring(gzip.decompress(parts[0].get_content()))
    domain = root.findtext("policy_published/domain")
    count = sum(int(c.text) for c in root.iter("count"))
    if domain != a.domain or count != a.messages:
        print("FAIL - the attached report is for %s with %d messages"
              % (domain, count))
        return 1
    print("ok - one report mail to %s: Subject %s, attachment %s with %d "
          "message(s) for %s" % (a.to, msg["Subject"], name, count, domain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
