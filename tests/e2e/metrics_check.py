#!/usr/bin/env python3
"""metrics_check.py - the scraper side of tests/e2e/metrics.sh.

    metrics_check.py scrape --url URL --stop-file F --out FILE
                            [--every S] [--max N]
    metrics_check.py check --url URL --load JSON --messages N [--seed S]

scrape: GET URL every S seconds (default 0.1, at most N times) until F
exists; every counter and histogram series of each scrape must be at
least its value in the scrape before (counters never go back), and each
histogram's +Inf bucket must equal its _count. Prints the number of
scrapes; FILE gets the last page.

check: one more scrape after the load; compares it, exactly, with what
loadgen.py sent (its JSON: replies by class) and with loadgen's plan (the
same seed, so the same mix): transactions and sessions by count,
verdicts by action, SPF results by result, the histograms' counts.
Prints "ok - ..." per check and exits 1 at the first mismatch.
"""
import argparse
import collections
import json
import os
import re
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "bench"))
import loadgen  # noqa: E402  (the plan of the load that was sent)

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse(text):
    """{(name, frozenset(labels)): value} and {name: type}"""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split(" ", 3)
            types[name] = typ
            continue
        if not line or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            raise ValueError("not a sample line: %r" % line)
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples, types


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        if r.status != 200:
            raise ValueError("HTTP %d" % r.status)
        ctype = r.headers.get("Content-Type", "")
        if not ctype.startswith("text/plain; version=0.0.4"):
            raise ValueError("Content-Type %r" % ctype)
        return r.read().decode()


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count", ""):
        if name.endswith(suffix) and name[:len(name) - len(suffix)] in types:
            return name[:len(name) - len(suffix)]
    return None


def monotonic(prev, cur, types):
    for key, v in cur.items():
        fam = family_of(key[0], types)
        if fam is None or types[fam] not in ("counter", "histogram"):
            continue
        if key in prev and v < prev[key]:
            return "%s%s went back from %g to %g" % (key[0], sorted(key[1]),
                                                      prev[key], v)
    return None


def inf_matches_count(cur, types):
    for (name, labels), v in cur.items():
        if not name.endswith("_count") or types.get(name[:-6]) != "histogram":
            continue
        inf = cur.get((name[:-6] + "_bucket", labels | {("le", "+Inf")}))
        if inf != v:
            return "%s%s: _count %g but +Inf bucket %s" % (
                name, sorted(labels), v, inf)
    return None


def scrape(a):
    prev, n, last = {}, 0, ""
    while not os.path.exists(a.stop_file) and n < a.max:
        last = get(a.url)
        cur, types = parse(last)
        err = monotonic(prev, cur, types) or inf_matches_count(cur, types)
        if err:
            print("scrape %d: %s" % (n + 1, err))
            return 1
        prev = cur
        n += 1
        time.sleep(a.every)
    with open(a.out, "w") as f:
        f.write(last)
    print("scrapes=%d" % n)
    return 0 if n > 0 else 1


def total(samples, name, **want):
    return sum(v for (n, labels), v in samples.items() if n == name and
               all((k, w) in labels for k, w in want.items()))


def check(a):
    samples, _ = parse(get(a.url))
    with open(a.load) as f:
        load = json.load(f)
    mix = collections.Counter()
    for ip, helo, sender, _, _ in loadgen.plan(a.messages, a.seed):
        if sender == "":
            mix["null"] += 1
        elif sender.endswith("@softfail.authgate.example"):
            mix["softfail"] += 1
        elif sender.endswith("@none.authgate.example"):
            mix["none"] += 1
        elif ip.startswith("198.51.100."):
            mix["fail"] += 1
        else:
            mix["pass"] += 1
    replies = load["replies"]
    ok = [0]

    def expect(what, got, want):
        if got != want:
            print("FAIL - %s: metrics say %g, expected %g" % (what, got, want))
            sys.exit(1)
        print("ok - %s: %d" % (what, want))
        ok[0] += 1

    if load["messages"] != a.messages or sum(replies.values()) != a.messages:
        print("FAIL - the load did not complete: %s" % load)
        return 1
    vt = "authgate_verdicts_total"
    expect("transactions counted", total(samples, vt), a.messages)
    # Postfix opens a milter connection per SMTP session and another
    # after XCLIENT (and one for the start-up probe): at least one each
    sessions = total(samples, "authgate_sessions_total")
    if sessions < a.messages:
        print("FAIL - %d milter sessions counted for %d SMTP sessions"
              % (sessions, a.messages))
        return 1
    print("ok - milter sessions counted: %d for %d SMTP sessions"
          % (sessions, a.messages))
    expect("no session left open", total(samples, "authgate_sessions_active"),
           0)
    expect("accepted = the 2xx answers", total(samples, vt, action="accept"),
           replies.get("2xx", 0))
    expect("rejected = the 5xx answers", total(samples, vt, action="reject"),
           replies.get("5xx", 0))
    expect("rejected = the SPF failures sent", total(samples, vt,
           action="reject", check="spf-mailfrom", stage="rcpt"), mix["fail"])
    cr = "authgate_check_results_total"
    expect("spf_mailfrom=fail", total(samples, cr, check="spf_mailfrom",
           result="fail"), mix["fail"])
    expect("spf_mailfrom=softfail", total(samples, cr, check="spf_mailfrom",
           result="softfail"), mix["softfail"])
    expect("spf_mailfrom=none", total(samples, cr, check="spf_mailfrom",
           result="none"), mix["none"])
    expect("spf_mailfrom=pass (pass, and the null sender's HELO)",
           total(samples, cr, check="spf_mailfrom", result="pass"),
           mix["pass"] + mix["null"])
    expect("a DMARC result for every message that reached its end",
           total(samples, cr, check="dmarc"), replies.get("2xx", 0))
    expect("transaction times: one per transaction",
           total(samples, "authgate_transaction_seconds_count"), a.messages)
    expect("RCPT answer times: one per RCPT",
           total(samples, "authgate_callback_seconds_count", stage="rcpt"),
           a.messages)
    expect("end-of-message answer times: one per message accepted",
           total(samples, "authgate_callback_seconds_count", stage="eom"),
           replies.get("2xx", 0))
    expect("DNS waits: one per message that reached its end, at EOM",
           total(samples, "authgate_dns_wait_seconds_count", stage="eom"),
           replies.get("2xx", 0))
    fast = total(samples, "authgate_callback_seconds_bucket", stage="eom",
                 le="0.25")
    if fast <= 0:
        print("FAIL - the end-of-message histogram has no bucket filled")
        return 1
    print("ok - the end-of-message histogram is filled (%d at most 250 ms)"
          % fast)
    if total(samples, "authgate_dns_lookups_total", served="sent") <= 0 or \
            total(samples, "authgate_dns_answers_total", result="ok") <= 0 or \
            total(samples, "authgate_dns_response_seconds_count") <= 0:
        print("FAIL - no DNS lookups, answers or response times counted")
        return 1
    print("ok - DNS lookups, answers and response times counted")
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scrape")
    s.add_argument("--url", required=True)
    s.add_argument("--stop-file", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--every", type=float, default=0.1)
    s.add_argument("--max", type=int, default=6000)
    c = sub.add_parser("check")
    c.add_argument("--url", required=True)
    c.add_argument("--load", required=True)
    c.add_argument("--messages", type=int, required=True)
    c.add_argument("--seed", type=int, default=20261123)
    a = ap.parse_args()
    return scrape(a) if a.cmd == "scrape" else check(a)


if __name__ == "__main__":
    sys.exit(main())
