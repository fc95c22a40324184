#!/usr/bin/python3
"""milter_steps.py SOCKET - the "no reply" steps a milter asks for.

Speaks the milter protocol's option negotiation alone: offers version 6,
every action and every protocol step, and prints the SMFIP_NR_* steps of
the milter's answer, one name per line (conn, helo, mail, rcpt, data,
unkn, eoh, body, hdr). SOCKET is unix:PATH or inet:PORT@HOST, as
authgate's -p takes it. Exits 1 when no answer comes. The packets are
read and written by tests/faults/milter_packets.py's helpers.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "faults"))
from milter_packets import open_sock, pkt, read_pkt  # noqa: E402

NR = [("conn", 0x1000), ("helo", 0x2000), ("mail", 0x4000),
      ("rcpt", 0x8000), ("data", 0x10000), ("unkn", 0x20000),
      ("eoh", 0x40000), ("body", 0x80000), ("hdr", 0x80)]


def main(argv):
    s = open_sock(argv[1])
    s.sendall(pkt(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff)))
    reply = read_pkt(s)
    s.close()
    if reply is None or reply[0] != b"O" or len(reply[1]) < 12:
        print("no option negotiation answer", file=sys.stderr)
        return 1
    _version, _actions, steps = struct.unpack(">III", reply[1][:12])
    for name, bit in NR:
        if steps & bit:
            print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
