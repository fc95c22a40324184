#!/usr/bin/env python3
"""dmarc_rows.py - the DMARC report records against the daemon's log.

    dmarc_rows.py --log authgate.log --db dmarc.sqlite [--wait S]

Every transaction line with a dmarc= result must have exactly one row
in the SQLite store with its queue id, and no row may be without a
line, except a message deferred with 451 (verdict=tempfail): it is
recorded when it comes back, not each time it is deferred: the same DMARC result, the From: domain, and the disposition the
verdict applied (reject, quarantine, else none; a refused message that
DMARC failed is "reject" whichever check refused it). A failing message
delivered although its domain publishes quarantine or reject must carry
an override reason. The writer stores within a second or two: the rows
are awaited up to S seconds (default 10). Prints "ok - ..." lines and
exits 1 at the first difference.
"""
import argparse
import re
import sqlite3
import sys
import time

LINE = re.compile(r"\]: (?:info: )?([0-9A-Za-z]+): client=.* dmarc=([a-z]+)\("
                  r"([^ :)]+)[^)]*\).* verdict=([a-z]+)")


def log_rows(path):
    rows = {}
    for line in open(path, errors="replace"):
        m = LINE.search(line)
        if m and m.group(1) != "NOQUEUE" and m.group(4) != "tempfail":
            qid, result, domain, verdict = m.groups()
            disp = verdict if verdict in ("reject", "quarantine") else "none"
            rows[qid] = (result, domain.lower(), disp)
    return rows


def db_rows(path):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return {r[0]: r[1:] for r in db.execute(
            "SELECT queue_id, result, header_from, disposition, override, "
            "policy FROM dmarc_message")}
    finally:
        db.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--wait", type=float, default=10.0)
    a = ap.parse_args()
    want = log_rows(a.log)
    if not want:
        print("FAIL - no transaction line with a DMARC result in the log")
        return 1
    deadline = time.monotonic() + a.wait
    while True:
        try:
            got = db_rows(a.db)
        except sqlite3.Error:
            got = {}
        if len(got) >= len(want) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if set(got) != set(want):
        print("FAIL - queue ids in the log but not stored: %s; stored but "
              "not in the log: %s" % (sorted(set(want) - set(got)),
                                      sorted(set(got) - set(want))))
        return 1
    print("ok - one stored record per DMARC evaluation logged: %d" % len(got))
    overrides = 0
    for qid, (result, domain, disp) in sorted(want.items()):
        g = got[qid]
        if (g[0], g[1], g[2]) != (result, domain, disp):
            print("FAIL - %s: stored %s, logged %s" % (qid, g[:3],
                                                       (result, domain, disp)))
            return 1
        if result == "fail" and disp == "none" and g[4] in ("quarantine",
                                                            "reject"):
            if not g[3]:
                print("FAIL - %s: p=%s not applied, no override reason"
                      % (qid, g[4]))
                return 1
            overrides += 1
    print("ok - each record has the logged result, From: domain and "
          "disposition; %d unenforced failures carry their reason" % overrides)
    return 0


if __name__ == "__main__":
    sys.exit(main())
