#!/usr/bin/env python3
"""dmarc_fleet_check.py - what the aggregate reports of a fleet say.

    dmarc_fleet_check.py --dir DIR [--record DOMAIN|IP|DISPOSITION|COUNT]...
        [--reason DOMAIN|IP|TYPE]... [--signatures DOMAIN|N]...
        [--envelope-to DOMAIN|RCPT_DOMAIN]...

In DIR (authgate-report --dry-run): exactly one report file per policy
domain (the rows of every host joined into it); --record: that domain's
report has one <record> for the source IP and disposition, with that
count (rows of several hosts joined into one record); --reason: the
record of that IP carries a policy override reason of that type;
--signatures: a record of that domain lists N DKIM results;
--envelope-to: every record of that domain names the recipient domain
as its envelope_to. Prints
"ok - ..." lines; exits 1 at the first difference.
"""
import argparse
import collections
import glob
import gzip
import os
import sys
import xml.etree.ElementTree as ET


def fail(msg):
    print("FAIL - " + msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--record", action="append", default=[])
    ap.add_argument("--reason", action="append", default=[])
    ap.add_argument("--signatures", action="append", default=[])
    ap.add_argument("--envelope-to", action="append", default=[])
    a = ap.parse_args()
    reports = collections.defaultdict(list)
    for f in sorted(glob.glob(os.path.join(a.dir, "*.xml.gz"))):
        with gzip.open(f) as g:
            root = ET.fromstring(g.read())
        reports[root.findtext("policy_published/domain")].append(root)
    if not reports:
        fail("no reports in %s" % a.dir)
    for dom, rs in reports.items():
        if len(rs) != 1:
            fail("%s: %d reports, not one" % (dom, len(rs)))
    print("ok - one report per domain: %s" % ", ".join(sorted(reports)))

    def records(dom):
        if dom not in reports:
            fail("no report for %s" % dom)
        return reports[dom][0].findall("record")

    for spec in a.record:
        dom, ip, disp, count = spec.split("|")
        found = [r for r in records(dom)
                 if r.findtext("row/source_ip") == ip and
                 r.findtext("row/policy_evaluated/disposition") == disp]
        if len(found) != 1 or found[0].findtext("row/count") != count:
            fail("%s: want one record %s %s count %s, got %s" % (
                dom, ip, disp, count,
                [r.findtext("row/count") for r in found]))
        print("ok - %s: %s %s: one record, count %s" % (dom, ip, disp, count))
    for spec in a.reason:
        dom, ip, kind = spec.split("|")
        types = [t.text for r in records(dom)
                 if r.findtext("row/source_ip") == ip
                 for t in r.findall("row/policy_evaluated/reason/type")]
        if kind not in types:
            fail("%s: %s: reasons %s, not %s" % (dom, ip, types, kind))
        print("ok - %s: %s: override reason %s" % (dom, ip, kind))
    for spec in a.signatures:
        dom, n = spec.split("|")
        counts = [len(r.findall("auth_results/dkim")) for r in records(dom)]
        if int(n) not in counts:
            fail("%s: DKIM results per record %s, none with %s" % (
                dom, counts, n))
        print("ok - %s: a record with %s DKIM results" % (dom, n))
    for spec in a.envelope_to:
        dom, to = spec.split("|")
        tos = [r.findtext("identifiers/envelope_to") for r in records(dom)]
        if set(tos) != {to}:
            fail("%s: envelope_to %s, not %s" % (dom, tos, to))
        print("ok - %s: envelope_to %s in all %d records" % (dom, to,
                                                            len(tos)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
