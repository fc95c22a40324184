#!/usr/bin/env python3
"""coldcache.py - the cold-cache benchmark's corpus, load and report
(tests/bench/coldcache.sh runs it). Every message comes from a sender
domain seen once, so no answer a transaction needs is in any cache.

    coldcache.py zone --domains N --key RECORDFILE > cold.example.zone
    coldcache.py rzone --domains N > 18.198.in-addr.arpa.zone
    coldcache.py send --port PORT --domains N --dkim-key PEM --out FILE.json
    coldcache.py report --delay MS --base FILE.json --with FILE.json
        --log AUTHGATE_LOG

Sender domains d<i>.cold.example, one SPF shape each, in turn:
  ip4       v=spf1 ip4:... -all                     (0 levels of include)
  include1  include:one level deep, like a small ESP
  include2, include3, include4  chains 2-4 deep, like the big ESPs'
  wide3     three includes side by side, the client in the last (like
            an ESP's netblocks records)
  amx       v=spf1 a mx -all (the MX host's address too)
  exists    v=spf1 exists:%{i}._spf.<domain> -all (a macro)
  redirect  v=spf1 redirect=_spf.<domain>
Every message comes from a client address of its own whose PTR name
resolves back, and is DKIM-signed by its domain (a key of its own name);
half the domains publish DMARC themselves, the others inherit
_dmarc.cold.example (the tree walk / organizational domain).

report prints, per kind and overall, the latency p50/p95/p99 (connect to
the final reply) with authgate, what it adds over Postfix alone, and the
DNS round trips on the critical path: the time authgate's verdicts waited
for DNS (the dns_wait= of its log line) divided by the added delay, in
all, up to RCPT and at the end of the message, beside the minimum
(MINIMUM: at RCPT + at the end / with reject_stage = eom). A round trip through the delaying forwarder costs a
little more than the delay.
"""
import argparse
import json
import re
import smtplib
import sys
import time

KINDS = ["ip4", "include1", "include2", "include3", "include4", "wide3",
         "amx", "exists", "redirect"]
# every message from a client of its own, with reverse DNS that resolves
# back (PTR client-<i>.cold.example, its A record), as most servers that
# send mail have: the reverse DNS check is as cold as the rest
NET16 = "198.18"


def client_ip(i):
    return "%s.%d.%d" % (NET16, i // 250, 1 + i % 250)


def client_name(i):
    return "client-%d.cold.example" % i


# the fewest waits on the network a receiver can argue for, with refusals
# at RCPT (the default) / at the end of the message (reject_stage = eom).
# At RCPT: the SPF record, then one level per include or redirect, or the
# lookup an exists macro or an mx names (it needs the record first). At
# the end: the DKIM key, whose name the client sends only after RCPT is
# answered (the DMARC records of the MAIL FROM domain start at MAIL; the
# reverse DNS, its PTR record and the address of the PTR name the MTA
# passes, together from connect, is done by then). At the end alone every
# lookup overlaps: the SPF chain's depth.
MINIMUM = {"ip4": "1+1 / 1", "include1": "2+1 / 2",
           "include2": "3+1 / 3", "include3": "4+1 / 4",
           "include4": "5+1 / 5", "wide3": "2+1 / 2",
           "amx": "2+1 / 2", "exists": "2+1 / 2",
           "redirect": "2+1 / 2"}


def kind_of(i):
    return KINDS[i % len(KINDS)]


def zone(args):
    key = open(args.key).read().strip()
    # a record over 255 bytes goes as several strings
    key = " ".join('"%s"' % key[j:j + 250] for j in range(0, len(key), 250))
    out = ["$ORIGIN cold.example.", "$TTL 3600",
           "@ SOA ns.cold.example. hostmaster.cold.example. 1 3600 600 "
           "86400 300", "@ NS ns.authgate.example.",
           '_dmarc TXT "v=DMARC1; p=none"']
    for i in range(args.domains):
        d = "d%d" % i
        k = kind_of(i)
        out.append("client-%d A %s" % (i, client_ip(i)))
        net = '"v=spf1 ip4:%s.0.0/16 -all"' % NET16
        if k == "ip4":
            out.append("%s TXT %s" % (d, net))
        elif k.startswith("include"):
            depth = int(k[-1])
            out.append('%s TXT "v=spf1 include:i1.%s.cold.example -all"'
                       % (d, d))
            for lvl in range(1, depth):
                out.append('i%d.%s TXT "v=spf1 include:i%d.%s.cold.example '
                           '-all"' % (lvl, d, lvl + 1, d))
            out.append("i%d.%s TXT %s" % (depth, d, net))
        elif k == "wide3":
            out.append('%s TXT "v=spf1 include:a.%s.cold.example '
                       'include:b.%s.cold.example include:c.%s.cold.example '
                       '-all"' % (d, d, d, d))
            out.append('a.%s TXT "v=spf1 ip4:198.51.100.0/24 -all"' % d)
            out.append('b.%s TXT "v=spf1 ip4:203.0.113.0/24 -all"' % d)
            out.append("c.%s TXT %s" % (d, net))
        elif k == "amx":
            out.append('%s TXT "v=spf1 a mx -all"' % d)
            out.append("%s A %s" % (d, client_ip(i)))
            out.append("%s MX 10 mx.%s.cold.example." % (d, d))
            out.append("mx.%s A %s" % (d, client_ip(i)))
        elif k == "exists":
            out.append('%s TXT "v=spf1 exists:%%{i}._spf.%s.cold.example '
                       '-all"' % (d, d))
            out.append("*._spf.%s A 127.0.0.2" % d)
        elif k == "redirect":
            out.append('%s TXT "v=spf1 redirect=_spf.%s.cold.example"'
                       % (d, d))
            out.append("_spf.%s TXT %s" % (d, net))
        out.append("s1._domainkey.%s TXT %s" % (d, key))
        if i % 2 == 0:
            out.append('_dmarc.%s TXT "v=DMARC1; p=reject"' % d)
    print("\n".join(out))


def rzone(args):
    """the reverse zone of the clients"""
    out = ["$ORIGIN %s.in-addr.arpa." % ".".join(reversed(NET16.split("."))),
           "$TTL 3600", "@ SOA ns.cold.example. hostmaster.cold.example. "
           "1 3600 600 86400 300", "@ NS ns.authgate.example."]
    for i in range(args.domains):
        a, b = client_ip(i).split(".")[2:]
        out.append("%s.%s PTR %s." % (b, a, client_name(i)))
    print("\n".join(out))


def send(args):
    import dkim
    key = open(args.dkim_key, "rb").read()
    results = []
    for i in range(args.domains):
        d = "d%d.cold.example" % i
        ip = client_ip(i)
        text = ("From: u@%s\r\nTo: rcpt@rcpt.example\r\nSubject: cold %d\r\n"
                "Date: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
                "Message-ID: <%d@%s>\r\n\r\nHello.\r\n" % (d, i, i, d))
        sig = dkim.sign(text.encode(), b"s1", d.encode(), key,
                        include_headers=[b"from", b"to", b"subject"])
        msg = sig + text.encode()
        t0 = time.monotonic()
        s = smtplib.SMTP("127.0.0.1", args.port, timeout=120)
        s.ehlo("client.test")
        # the name Postfix's own lookup would have found
        s.docmd("XCLIENT", "ADDR=%s NAME=%s HELO=mail.%s "
                "PROTO=ESMTP" % (ip, client_name(i), d))
        s.ehlo("mail." + d)
        code, _ = s.docmd("MAIL FROM:<u@%s>" % d)
        if code < 400:
            code, _ = s.docmd("RCPT TO:<rcpt@rcpt.example>")
        if code < 400:
            try:
                code, _ = s.data(msg)
            except smtplib.SMTPResponseException as e:
                code = e.smtp_code
        s.quit()
        results.append({"domain": d, "kind": kind_of(i), "code": code,
                        "ms": (time.monotonic() - t0) * 1000.0})
    json.dump(results, open(args.out, "w"))


def pct(v, p):
    v = sorted(v)
    if not v:
        return float("nan")
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def report(args):
    base = json.load(open(args.base))
    withag = json.load(open(args.with_))
    waits = {}
    for line in open(args.log, errors="replace"):
        m = re.search(r" from=<u@(d\d+\.cold\.example)>.*", line)
        if not m:
            continue
        w = re.search(r" dns_wait=(\S+)", line)
        stages = {}
        if w:
            for part in w.group(1).split(","):
                stage, ms = part.split(":")
                stages[stage] = float(ms.rstrip("ms"))
        waits[m.group(1)] = stages
    base_ms = {r["domain"]: r["ms"] for r in base}
    print("DNS delay %d ms, %d messages, one per sender domain" %
          (args.delay, len(withag)))
    print("| kind | n | p50 ms | p95 ms | p99 ms | added p50 ms | "
          "DNS round trips (p50) | at RCPT | at end | minimum |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind in KINDS + ["all"]:
        rows = [r for r in withag if kind == "all" or r["kind"] == kind]
        if not rows:
            continue
        lat = [r["ms"] for r in rows]
        added = [r["ms"] - base_ms.get(r["domain"], 0) for r in rows]
        def rtt(r, stages):
            w = waits.get(r["domain"], {})
            return sum(v for k, v in w.items()
                       if stages is None or k in stages) / args.delay
        print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f "
              "| %s |" % (
                  kind, len(rows), pct(lat, 50), pct(lat, 95), pct(lat, 99),
                  pct(added, 50), pct([rtt(r, None) for r in rows], 50),
                  pct([rtt(r, ("connect", "helo", "mail", "rcpt"))
                       for r in rows], 50),
                  pct([rtt(r, ("data", "eom")) for r in rows], 50),
                  MINIMUM.get(kind, "")))
    codes = {}
    for r in withag:
        codes[r["code"]] = codes.get(r["code"], 0) + 1
    print("answers: %s" % ", ".join("%d x %d" % (n, c) for c, n in
                                    sorted(codes.items())))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    z = sub.add_parser("zone")
    z.add_argument("--domains", type=int, required=True)
    z.add_argument("--key", required=True)
    z = sub.add_parser("rzone")
    z.add_argument("--domains", type=int, required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--domains", type=int, required=True)
    s.add_argument("--dkim-key", required=True)
    s.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--delay", type=int, required=True)
    r.add_argument("--base", required=True)
    r.add_argument("--with", dest="with_", required=True)
    r.add_argument("--log", required=True)
    a = p.parse_args()
    {"zone": zone, "rzone": rzone, "send": send, "report": report}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
