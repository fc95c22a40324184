#!/usr/bin/env python3
"""pg_to_sqlite.py - the DMARC report rows of a PostgreSQL store, copied
into a SQLite file with the columns the checkers read (dmarc_rows.py,
dmarc_report_check.py), so that they check a fleet's store unchanged.

    pg_to_sqlite.py --out FILE -- PSQL_COMMAND...

PSQL_COMMAND is a psql invocation reaching the database (the rows are
read with --csv). Prints how many rows were copied.
"""
import argparse
import csv
import io
import sqlite3
import subprocess
import sys

COLUMNS = ["id", "time", "reporter", "queue_id", "source_ip", "header_from",
           "envelope_from", "policy_domain", "result", "policy",
           "disposition", "override"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("psql", nargs="+")
    a = ap.parse_args()
    # NULL as \N, distinct from an empty string
    query = "SELECT %s FROM dmarc_message ORDER BY id" % ", ".join(COLUMNS)
    out = subprocess.run(a.psql + ["--csv", "-P", "null=\\N", "-c", query],
                         capture_output=True, text=True, check=True).stdout
    rows = list(csv.reader(io.StringIO(out)))
    if not rows or rows[0] != COLUMNS:
        print("FAIL - psql said: %s" % out[:200])
        return 1
    db = sqlite3.connect(a.out)
    db.execute("CREATE TABLE dmarc_message (%s)" % ", ".join(COLUMNS))
    db.executemany("INSERT INTO dmarc_message VALUES (%s)" %
                   ", ".join("?" * len(COLUMNS)),
                   [[None if v == "\\N" else v for v in r] for r in rows[1:]])
    db.commit()
    db.close()
    print("ok - %d rows copied from PostgreSQL" % (len(rows) - 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
