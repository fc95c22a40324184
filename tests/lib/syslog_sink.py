#!/usr/bin/env python3
"""syslog_sink.py - a syslog socket a test owns: receives the datagrams
syslog(3) sends to /dev/log and writes each as one line.

    syslog_sink.py SOCKET_PATH OUT_FILE PIDFILE [MAX_SECONDS [CHECK_PATH]]

With CHECK_PATH each line ends with " [exists]" or " [missing]": did
CHECK_PATH exist when the datagram arrived (sd_notify's READY=1 must
come after the milter socket is there). Also the sd_notify socket of
tests/integration/notify.sh. The process exits by itself after
MAX_SECONDS (default 300), or when the test kills it.
"""
import os
import socket
import sys
import time


def main():
    path, out, pidfile = sys.argv[1], sys.argv[2], sys.argv[3]
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 300.0
    check = sys.argv[5] if len(sys.argv) > 5 else None
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    s.settimeout(0.5)
    with open(pidfile + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(pidfile + ".tmp", pidfile)
    end = time.time() + limit
    with open(out, "ab", buffering=0) as f:
        while time.time() < end:
            try:
                data = s.recv(65536)
            except socket.timeout:
                continue
            line = data.replace(b"\n", b" ").rstrip(b"\0")
            if check is not None:
                line += b" [exists]" if os.path.exists(check) else \
                    b" [missing]"
            f.write(line + b"\n")


if __name__ == "__main__":
    main()
