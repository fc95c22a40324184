#!/usr/bin/python3
"""milter_steps.py SOCKET - the "no reply" steps a milter asks for.

Speaks the milter protocol's option negotiation alone: offers version 6,
every action and every protocol step, and prints the SMFIP_NR_* steps of
the milter's answer, one name per line (conn, helo, mail, rcpt, data,
unkn, eoh, body, hdr). SOCKET is unix:PATH or inet:PORT@HOST, as
authgate's -p takes it. Exits 1 when no answer comes.
"""
import socket
import struct
import sys

NR = [("conn", 0x1000), ("helo", 0x2000), ("mail", 0x4000),
      ("rcpt", 0x8000), ("data", 0x10000), ("unkn", 0x20000),
      ("eoh", 0x40000), ("body", 0x80000), ("hdr", 0x80)]


def open_sock(spec):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        addr = spec[5:]
    else:
        port, _, host = spec[5:].partition("@")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        addr = (host or "127.0.0.1", int(port))
    s.settimeout(5.0)
    s.connect(addr)
    return s


def read_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def main(argv):
    s = open_sock(argv[1])
    offer = b"O" + struct.pack(">III", 6, 0x1ff, 0x1fffff)
    s.sendall(struct.pack(">I", len(offer)) + offer)
    head = read_exact(s, 4)
    body = read_exact(s, struct.unpack(">I", head)[0]) if head else None
    s.close()
    if body is None or body[:1] != b"O" or len(body) < 13:
        print("no option negotiation answer", file=sys.stderr)
        return 1
    _version, _actions, steps = struct.unpack(">III", body[1:13])
    for name, bit in NR:
        if steps & bit:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
