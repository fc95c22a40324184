#!/usr/bin/env python3
"""load.py - the SMTP client side of the fault experiments.

    load.py send --port P --tag T (--messages N | --duration S)
                 [--sessions K] [--pace S] [--retry-for S] [--out FILE]
                 [--hostile] [--pid PID --sample-every M]
    load.py report --tag T --out FILE --sink DIR --authserv-id ID
                 [--restore EPOCH ...] [--recovery-bound S]
                 [--crashes N] [--log FILE] [--drain S] [--flat-kb KB]

send: N messages (or new ones for S seconds, each session pausing --pace
seconds between its messages: load that spans a fault) through the
private Postfix (which runs authgate as its milter with
milter_default_action = tempfail), K at a time, each as a
client at 192.0.2.10 (XCLIENT) whose SPF passes, one connection per
attempt. Like an MTA it retries a message answered 4xx (or cut off) after
a short backoff, for up to S seconds from its first attempt, then gives
up. Every attempt is a JSON line in FILE: id, start and end time, the
code (0: no answer), the stage and the text. With --hostile the messages
are odd: binary and 8-bit bodies, NUL bytes, 20 kB lines, 3000 header
fields, a 2 MB body, no From:, two From:, a From: that is no address.
With --pid the daemon's PSS (or RSS) is sampled every M messages.

report: what became of each message, from the attempts and what smtp-sink
received (waiting up to --drain seconds for Postfix's queue): one line

    T: messages=N delivered_with_ar=A delivered_without_ar=B 5xx=C lost=D
       duplicated=E crashes=F [recovery=R late_4xx=L] [pss_kb=...]

where lost is a message accepted but never delivered, or given up; a
message delivered without our Authentication-Results field went through
unchecked. Every message is one a careful receiver accepts, so a 5xx
fails too, unless --allow-5xx (the odd messages). For each --restore time (the fault ended then): recovery is
the time until an attempt started after it was accepted, first_after the
answer to the first attempt started 0.4 s after it (past the resolver's
300 ms merge window all its lookups are new, so it must be 250), and
late_4xx counts attempts started 2 s or more
after it that still got a 4xx. Exits 1 when delivered_without_ar, lost,
duplicated or crashes is not zero, recovery exceeds the bound,
first_after is not 250, late_4xx is not zero, or PSS did not level
off (the median of the last third of the samples more than --flat-kb
above that of the middle third).
"""
import argparse
import glob
import json
import os
import queue
import smtplib
import socket
import statistics
import sys
import threading
import time

SENDER = "user@pass.authgate.example"
CLIENT = "192.0.2.10"
HELO = "mail.authgate.example"


def message(tag, i, hostile):
    """the bytes of message i"""
    mid = "<fault-%s-%d@authgate.test>" % (tag, i)
    head = ["From: " + SENDER, "To: rcpt@rcpt.example",
            "Subject: fault %s %d" % (tag, i), "Message-ID: " + mid]
    body = "Hello %d.\r\n" % i
    if hostile:
        kind = i % 8
        if kind == 0:
            body = "".join(chr(c) for c in range(1, 256) if c not in
                           (10, 13)) + "\r\n"
        elif kind == 1:
            body = "nul\x00byte and \xff\xfe 8-bit\r\n"
            head.append("X-Eight-Bit: caf\xe9 \xff")
        elif kind == 2:
            body = "x" * 20000 + "\r\n"
            head.append("X-Long: " + "y" * 20000)
        elif kind == 3:
            head.extend("X-Field-%d: %d" % (n, n) for n in range(3000))
        elif kind == 4:
            body = ("0123456789" * 7 + "\r\n") * 28000
        elif kind == 5:
            head = [h for h in head if not h.startswith("From:")]
        elif kind == 6:
            head.append("From: second@other.example")
        else:
            head[0] = "From: \"unclosed <@@@>,,; ("
    text = "\r\n".join(head) + "\r\n\r\n" + body
    return text.encode("latin-1"), mid


def attempt(port, data):
    """one SMTP attempt: (code, stage, text); code 0 when cut off"""
    stage = "connect"
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=90)
        try:
            stage = "ehlo"
            s.ehlo("client.test")
            code, msg = s.docmd("XCLIENT", "ADDR=%s NAME=[UNAVAILABLE] "
                                "HELO=%s PROTO=ESMTP" % (CLIENT, HELO))
            if code != 220:
                return code, "xclient", msg.decode("latin-1")
            s.ehlo(HELO)
            stage = "data"
            s.sendmail(SENDER, ["rcpt@rcpt.example"], data)
            return 250, "data", ""
        finally:
            try:
                s.quit()
            except (smtplib.SMTPException, OSError):
                pass
    except smtplib.SMTPSenderRefused as e:
        return e.smtp_code, "mail", e.smtp_error.decode("latin-1")
    except smtplib.SMTPRecipientsRefused as e:
        code, msg = list(e.recipients.values())[0]
        return code, "rcpt", msg.decode("latin-1")
    except smtplib.SMTPDataError as e:
        return e.smtp_code, stage, e.smtp_error.decode("latin-1")
    except smtplib.SMTPResponseException as e:
        return e.smtp_code, stage, e.smtp_error.decode("latin-1")
    except (smtplib.SMTPException, OSError) as e:
        return 0, stage, str(e)


def pss_kb(pid):
    """the daemon's proportional set size, or its RSS"""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def send(args):
    work = queue.Queue()
    for i in range(args.messages):
        work.put(i)
    out = open(args.out, "a")
    lock = threading.Lock()
    done = [0]
    until = time.time() + args.duration if args.duration else 0
    next_id = [args.messages]

    def take():
        """the next message: from the queue, or a new one until the end"""
        if not until:
            return work.get_nowait()
        with lock:
            if time.time() >= until:
                raise queue.Empty
            next_id[0] += 1
            return next_id[0] - 1

    def record(obj):
        with lock:
            out.write(json.dumps(obj) + "\n")
            out.flush()

    def worker():
        while True:
            try:
                i = take()
            except queue.Empty:
                return
            data, _ = message(args.tag, i, args.hostile)
            first = time.time()
            backoff = 0.25
            while True:
                t0 = time.time()
                code, stage, text = attempt(args.port, data)
                record({"tag": args.tag, "id": i, "t": t0,
                        "end": time.time(), "code": code, "stage": stage,
                        "text": text[:200]})
                if code == 250 or 500 <= code < 600:
                    break
                if time.time() - first > args.retry_for:
                    record({"tag": args.tag, "id": i, "t": time.time(),
                            "end": time.time(), "code": -1,
                            "stage": "gave up", "text": ""})
                    break
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
            with lock:
                done[0] += 1
                n = done[0]
            if args.pid and args.sample_every and n % args.sample_every == 0:
                kb = pss_kb(args.pid)
                if kb is not None:
                    record({"tag": args.tag, "sample": n, "pss_kb": kb})
            if args.pace:
                time.sleep(args.pace)

    threads = [threading.Thread(target=worker) for _ in range(args.sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.close()
    return 0


def sink_index(sink, authserv_id):
    """Message-ID -> list of (has our A-R) over smtp-sink's files"""
    index = {}
    for path in glob.glob(os.path.join(sink, "*")):
        try:
            with open(path, "rb") as f:
                data = f.read().decode("latin-1")
        except OSError:
            continue
        head = data.replace("\r\n", "\n").split("\n\n", 1)[0]
        mid, ours = None, False
        for line in head.split("\n"):
            low = line.lower()
            if low.startswith("message-id:"):
                mid = line.split(":", 1)[1].strip()
            elif low.startswith("authentication-results:") and \
                    line.split(":", 1)[1].strip().split(";")[0].strip() == \
                    authserv_id:
                ours = True
        if mid is not None:
            index.setdefault(mid, []).append(ours)
    return index


def report(args):
    attempts, samples = {}, []
    with open(args.out) as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("tag") != args.tag:
                continue
            if "sample" in rec:
                samples.append((rec["sample"], rec["pss_kb"]))
            else:
                attempts.setdefault(rec["id"], []).append(rec)
    final = {i: a[-1]["code"] for i, a in attempts.items()}
    accepted = [i for i, c in final.items() if c == 250]
    refused = [i for i, c in final.items() if 500 <= c < 600]
    gave_up = [i for i, c in final.items() if c == -1]
    mids = {i: message(args.tag, i, False)[1] for i in attempts}
    deadline = time.time() + args.drain
    while True:
        index = sink_index(args.sink, args.authserv_id)
        missing = [i for i in accepted if mids[i] not in index]
        if not missing or time.time() > deadline:
            break
        time.sleep(0.5)
    with_ar = without_ar = dup = 0
    for i in attempts:
        copies = index.get(mids[i], [])
        if len(copies) > 1:
            dup += 1
        for ours in copies[:1]:
            if ours:
                with_ar += 1
            else:
                without_ar += 1
    lost = len(missing) + len(gave_up)
    line = ("%s: messages=%d delivered_with_ar=%d delivered_without_ar=%d "
            "5xx=%d lost=%d duplicated=%d crashes=%d" % (
                args.tag, len(attempts), with_ar, without_ar, len(refused),
                lost, dup, args.crashes))
    failed = without_ar or lost or dup or args.crashes or \
        (refused and not args.allow_5xx)
    if len(attempts) == 0:
        failed = True
        line += " (no attempts recorded)"
    for r in args.restore:
        oks = sorted(a["end"] for al in attempts.values() for a in al
                     if a["code"] == 250 and a["t"] >= r)
        recovery = oks[0] - r if oks else float("inf")
        late = sum(1 for al in attempts.values() for a in al
                   if 400 <= a["code"] < 500 and a["t"] >= r + 2)
        # the first attempt that started after the fault ended and after
        # the resolver's merge window (a lookup joins an identical one in
        # flight for 300 ms): all its lookups are new, it must be answered
        after = sorted((a["t"], a["code"]) for al in attempts.values()
                       for a in al if a["code"] != -1 and a["t"] >= r + 0.4)
        first = after[0][1] if after else 0
        line += " recovery=%.1fs first_after=%d late_4xx=%d" % (
            recovery, first, late)
        if recovery > args.recovery_bound or late or first != 250:
            failed = True
    if samples:
        samples.sort()
        kbs = [kb for _, kb in samples]
        line += " pss_kb=" + ",".join(str(kb) for kb in kbs)
        third = len(kbs) // 3
        if third >= 1:
            middle = statistics.median(kbs[third:2 * third])
            last = statistics.median(kbs[2 * third:])
            line += " (growth %+d kB)" % (last - middle)
            if last - middle > args.flat_kb:
                failed = True
    if args.log:
        try:
            with open(args.log, errors="replace") as f:
                log = f.read()
            for word in ("AddressSanitizer", "UndefinedBehaviorSanitizer",
                         "ThreadSanitizer", "runtime error:"):
                if word in log:
                    line += " sanitizer=%s" % word
                    failed = True
        except OSError:
            pass
    for i in gave_up[:3]:
        last = [a for a in attempts[i] if a["code"] != -1][-1:]
        if last:
            line += "\n  gave up on %d: %d %s" % (i, last[0]["code"],
                                                 last[0]["text"][:120])
    print(line + (" FAIL" if failed else ""))
    return 1 if failed else 0


def main(argv):
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--tag", required=True)
    s.add_argument("--messages", type=int, default=0)
    s.add_argument("--duration", type=float, default=0)
    s.add_argument("--pace", type=float, default=0)
    s.add_argument("--sessions", type=int, default=4)
    s.add_argument("--retry-for", type=float, default=60)
    s.add_argument("--out", required=True)
    s.add_argument("--hostile", action="store_true")
    s.add_argument("--pid", type=int, default=0)
    s.add_argument("--sample-every", type=int, default=0)
    r = sub.add_parser("report")
    r.add_argument("--tag", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--sink", required=True)
    r.add_argument("--authserv-id", required=True)
    r.add_argument("--restore", type=float, action="append", default=[])
    r.add_argument("--recovery-bound", type=float, default=5.0)
    r.add_argument("--crashes", type=int, default=0)
    r.add_argument("--log")
    r.add_argument("--drain", type=float, default=60)
    r.add_argument("--flat-kb", type=int, default=512)
    r.add_argument("--allow-5xx", action="store_true")
    args = p.parse_args(argv[1:])
    socket.setdefaulttimeout(90)
    return send(args) if args.cmd == "send" else report(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
