#!/usr/bin/env python3
"""dns_delay.py - a UDP DNS forwarder on 127.0.0.1 that holds every answer
for a fixed time before passing it on: the test DNS server as seen over a
slow network. Used to show that authgate's lookups run concurrently.

    dns_delay.py LISTEN_PORT UPSTREAM_PORT DELAY_MS PIDFILE [MAX_SECONDS]

Each query is forwarded to 127.0.0.1:UPSTREAM_PORT at once; its answer is
sent back DELAY_MS after the query arrived. Queries are handled
independently (one thread each), so N queries at once take DELAY_MS, not
N x DELAY_MS. The process exits by itself after MAX_SECONDS (default 600).
"""
import os
import socket
import sys
import threading
import time


def relay(listener, upstream_port, delay, query, client):
    started = time.monotonic()
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.settimeout(5)
    try:
        up.sendto(query, ("127.0.0.1", upstream_port))
        answer, _ = up.recvfrom(65535)
    except OSError:
        return  # the resolver times out, as with a lost packet
    finally:
        up.close()
    rest = delay - (time.monotonic() - started)
    if rest > 0:
        time.sleep(rest)
    listener.sendto(answer, client)


def main():
    listen_port, upstream_port = int(sys.argv[1]), int(sys.argv[2])
    delay = int(sys.argv[3]) / 1000.0
    pidfile = sys.argv[4]
    max_seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 600
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", listen_port))
    listener.settimeout(1)
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    end = time.monotonic() + max_seconds
    while time.monotonic() < end:
        try:
            query, client = listener.recvfrom(65535)
        except socket.timeout:
            continue
        threading.Thread(target=relay, daemon=True,
                         args=(listener, upstream_port, delay, query,
                               client)).start()


if __name__ == "__main__":
    main()
