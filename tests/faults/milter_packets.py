#!/usr/bin/env python3
"""milter_packets.py - hostile milter packets straight to authgate's socket.

usage: milter_packets.py SOCKET [--cycles N] [--pid PID]
       milter_packets.py SOCKET --idle N [--hold SECONDS]

SOCKET is unix:/path or inet:port@127.0.0.1. Each experiment sends what
no MTA sends - a macro list with a name and no value, strings without
their NUL, a packet cut short, a length of 2 GB, a zero length, unknown
commands, garbage - and then checks that the daemon still serves a
well-formed session (a MAIL FROM gets a milter reply). Then N
connect/close cycles (default 1000), half of them after the option
negotiation. Prints one line per experiment and exits 1 when the daemon
died (PID gone) or stopped answering; every socket wait is bounded.

With --idle: open N well-formed sessions (negotiation, connect, HELO),
print "N idle connections open", and hold them without a word for up to
SECONDS (default 300) or until killed.
"""
import os
import socket
import struct
import sys
import time

TIMEOUT = 5.0
# SMFIF_ADDHDRS|CHGHDRS|QUARANTINE|SETSYMLIST offered, no protocol flags:
# the milter must reply to every command
OPTNEG = b"O" + struct.pack(">III", 6, 0x1ff, 0)


def pkt(cmd, data=b""):
    """one milter packet: 4-byte length (command + data), command, data"""
    return struct.pack(">I", len(data) + 1) + cmd + data


def connect_pkt(ip="192.0.2.10", host=b"client.example"):
    return pkt(b"C", host + b"\0" + b"4" + struct.pack(">H", 2525) +
               ip.encode() + b"\0")


def open_sock(spec):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        addr = spec[5:]
    else:
        port, _, host = spec[5:].partition("@")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        addr = (host or "127.0.0.1", int(port))
    s.settimeout(TIMEOUT)
    s.connect(addr)
    return s


def read_pkt(s):
    """one reply packet (command byte, data), or None at EOF/reset"""
    head = b""
    try:
        while len(head) < 4:
            chunk = s.recv(4 - len(head))
            if not chunk:
                return None
            head += chunk
        n = struct.unpack(">I", head)[0]
        if n == 0 or n > 1 << 20:
            return None
        body = b""
        while len(body) < n:
            chunk = s.recv(n - len(body))
            if not chunk:
                return None
            body += chunk
    except (ConnectionResetError, socket.timeout, OSError):
        return None
    return body[:1], body[1:]


def reply_after(s, data):
    """send, then the first reply that is not a progress report"""
    s.sendall(data)
    for _ in range(20):
        r = read_pkt(s)
        if r is None or r[0] != b"p":
            return r
    return None


def serves(spec):
    """a well-formed session still gets its replies up to MAIL FROM"""
    try:
        s = open_sock(spec)
    except OSError:
        return False
    try:
        if reply_after(s, pkt(OPTNEG[:1], OPTNEG[1:])) is None:
            return False
        s.sendall(pkt(b"D", b"C" + b"j\0mx.test\0{daemon_name}\0smtpd\0"))
        if reply_after(s, connect_pkt()) is None:
            return False
        if reply_after(s, pkt(b"H", b"client.example\0")) is None:
            return False
        s.sendall(pkt(b"D", b"M" + b"i\0ABC123\0"))
        r = reply_after(s, pkt(b"M", b"<user@example.org>\0"))
        s.sendall(pkt(b"Q"))
        return r is not None and r[0] in b"cartdy"
    finally:
        s.close()


def hostile(spec, packets, expect_close=True):
    """send the packets; True when the daemon closed the connection"""
    try:
        s = open_sock(spec)
    except OSError:
        return False
    try:
        s.sendall(pkt(OPTNEG[:1], OPTNEG[1:]))
        read_pkt(s)
        for p in packets:
            try:
                s.sendall(p)
            except OSError:
                return True        # closed on us: what we want
        if not expect_close:
            return True
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                s.settimeout(max(0.1, deadline - time.monotonic()))
                if not s.recv(4096):
                    return True    # EOF: the connection was closed
            except socket.timeout:
                return False       # still open: kept
            except OSError:
                return True        # reset: closed
        return False
    finally:
        s.close()


EXPERIMENTS = [
    ("macro name without value",
     [pkt(b"D", b"C{daemon_name}\0"), connect_pkt(),
      pkt(b"H", b"x.example\0"), pkt(b"D", b"M{auth_authen}\0"),
      pkt(b"M", b"<a@b.example>\0")]),
    ("macro list without NUL",
     [pkt(b"D", b"Cj\0mx"), connect_pkt(), pkt(b"M", b"<a@b.example>\0")]),
    ("HELO without NUL", [connect_pkt(), pkt(b"H", b"x.example")]),
    ("MAIL without NUL", [connect_pkt(), pkt(b"H", b"x.example\0"),
                          pkt(b"M", b"<a@b.example>")]),
    ("header without NUL", [connect_pkt(), pkt(b"H", b"x\0"),
                            pkt(b"M", b"<a@b.example>\0"),
                            pkt(b"R", b"<c@d.example>\0"),
                            pkt(b"L", b"From\0x@y")]),
    ("truncated packet", [struct.pack(">I", 100) + b"M<a@b"]),
    ("length of 2 GB", [struct.pack(">I", 0x7fffffff) + b"B" + b"x" * 100]),
    ("zero length", [struct.pack(">I", 0)]),
    ("unknown command", [pkt(b"Z", b"what\0")]),
    ("connect without family", [pkt(b"C", b"host\0")]),
    ("connect with short address", [pkt(b"C", b"host\0" + b"4" + b"\1")]),
    ("MAIL before connect", [pkt(b"M", b"<a@b.example>\0")]),
    ("bad MAIL before connect", [pkt(b"M", b"<nobody@early.example\0")]),
    ("end of message first", [pkt(b"E")]),
    ("garbage", [bytes((i * 37 + 11) % 256 for i in range(4096))]),
]


def idle(spec, n, hold):
    """n sessions that stop talking after HELO"""
    socks = []
    for _ in range(n):
        s = open_sock(spec)
        if reply_after(s, pkt(OPTNEG[:1], OPTNEG[1:])) is None or \
                reply_after(s, connect_pkt()) is None or \
                reply_after(s, pkt(b"H", b"idle.example\0")) is None:
            print("an idle session was not served")
            return 1
        socks.append(s)
    print("%d idle connections open" % len(socks), flush=True)
    time.sleep(hold)
    for s in socks:
        s.close()
    return 0


def alive(pid):
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    spec = argv[1]
    cycles = 1000
    pid = None
    n_idle, hold = 0, 300.0
    args = argv[2:]
    while args:
        if args[0] == "--cycles":
            cycles = int(args[1])
        elif args[0] == "--pid":
            pid = int(args[1])
        elif args[0] == "--idle":
            n_idle = int(args[1])
        elif args[0] == "--hold":
            hold = float(args[1])
        else:
            print("unknown option " + args[0], file=sys.stderr)
            return 64
        args = args[2:]
    if n_idle:
        return idle(spec, n_idle, hold)
    failed = 0
    if not serves(spec):
        print("FAIL: the daemon does not serve a well-formed session")
        return 1
    for name, packets in EXPERIMENTS:
        closed = hostile(spec, packets)
        ok = alive(pid) and serves(spec)
        print("%-28s %s, daemon %s" % (
            name, "connection closed" if closed else "connection kept",
            "serving" if ok else "NOT SERVING"))
        if not ok:
            failed += 1
    t0 = time.monotonic()
    waits = 0
    for i in range(cycles):
        # a full listen backlog (a slow, e.g. sanitizer, build) answers
        # EAGAIN: wait as a client would, at most 5 s per cycle
        for _ in range(500):
            try:
                s = open_sock(spec)
                break
            except BlockingIOError:
                waits += 1
                time.sleep(0.01)
            except OSError as e:
                print("cycle %d: %s" % (i, e))
                return 1
        else:
            print("cycle %d: the backlog stayed full for 5 s" % i)
            return 1
        try:
            if i % 2:
                s.sendall(pkt(OPTNEG[:1], OPTNEG[1:]))
        except OSError:
            pass
        s.close()
    ok = alive(pid) and serves(spec)
    print("%d connect/close cycles in %.1f s (%d waits for a full "
          "backlog), daemon %s" % (cycles, time.monotonic() - t0, waits,
                                   "serving" if ok else "NOT SERVING"))
    if not ok:
        failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
