#!/usr/bin/env python3
"""loadgen.py - SMTP load for the benchmark: one session per message, each
claiming a client address with XCLIENT, several sessions at once.

    loadgen.py --port PORT --messages N --sessions C [--seed S] --out FILE.json

The mix (seeded, the same every run): 70 % pass (192.0.2.0/24 sending for
pass.authgate.example), 10 % softfail, 10 % fail (refused at RCPT),
5 % none, 5 % null sender (HELO pass). Latency is measured per message from connect
to the final reply. The JSON has counts, wall time, msgs/s and latency
percentiles.
"""
import argparse
import json
import random
import smtplib
import socket
import threading
import time

# (weight, client IP, HELO, sender); HELO names under nowhere.authgate.example
# do not exist (SPF HELO result none), mail.authgate.example is 192.0.2.10
MIX = [
    (70, "192.0.2.%d", "host%d.nowhere.authgate.example", "user%d@pass.authgate.example"),
    (10, "198.51.100.%d", "host%d.nowhere.authgate.example", "u%d@softfail.authgate.example"),
    (10, "198.51.100.%d", "host%d.nowhere.authgate.example", "u%d@pass.authgate.example"),
    (5, "192.0.2.%d", "host%d.nowhere.authgate.example", "u%d@none.authgate.example"),
    (5, "192.0.2.10", "mail.authgate.example", ""),
]


def plan(n, seed):
    rnd = random.Random(seed)
    weights = [m[0] for m in MIX]
    jobs = []
    for i in range(n):
        _, ip, helo, sender = rnd.choices(MIX, weights)[0]
        size = int(2000 * (10 ** rnd.random()))          # 2..20 KB
        host = rnd.randint(1, 254)
        jobs.append((ip % host if "%d" in ip else ip,
                     helo % host if "%d" in helo else helo,
                     sender % i if "%d" in sender else sender, size, i))
    return jobs


def one(port, job):
    ip, helo, sender, size, i = job
    start = time.monotonic()
    s = smtplib.SMTP("127.0.0.1", port, timeout=60)
    try:
        s.ehlo("loadgen.test")
        s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE] HELO=%s PROTO=ESMTP"
                % (ip, helo))
        s.ehlo(helo)
        code, _ = s.docmd("MAIL FROM:<%s>" % sender)
        if code < 400:
            code, _ = s.docmd("RCPT TO:<rcpt%d@rcpt.example>" % (i % 7))
        if code < 400:
            body = ("Subject: bench %d\r\nFrom: <%s>\r\nTo: rcpt@rcpt.example\r\n"
                    "\r\n" % (i, sender or "postmaster@" + helo))
            line = "x" * 76 + "\r\n"
            body += line * (size // len(line))
            code, _ = s.data(body.encode())
        s.quit()
    except (smtplib.SMTPException, OSError):
        code = 0
    return code, time.monotonic() - start


def pct(sorted_vals, p):
    if not sorted_vals:
        return 0.0
    k = min(len(sorted_vals) - 1, int(round(p / 100.0 * (len(sorted_vals) - 1))))
    return sorted_vals[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--messages", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=4)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    jobs = plan(a.messages, a.seed)
    lock = threading.Lock()
    results = []
    nxt = [0]

    def worker():
        while True:
            with lock:
                if nxt[0] >= len(jobs):
                    return
                job = jobs[nxt[0]]
                nxt[0] += 1
            r = one(a.port, job)
            with lock:
                results.append(r)

    t0 = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(a.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    lat = sorted(r[1] * 1000 for r in results)
    codes = {}
    for code, _ in results:
        k = "%dxx" % (code // 100) if code else "error"
        codes[k] = codes.get(k, 0) + 1
    out = {"messages": len(results), "sessions": a.sessions, "wall_s": wall,
           "msgs_per_s": len(results) / wall if wall else 0,
           "lat_ms": {"p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99)},
           "replies": codes}
    with open(a.out, "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
