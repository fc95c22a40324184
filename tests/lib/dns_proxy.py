#!/usr/bin/env python3
"""dns_proxy.py - a DNS forwarder whose behaviour a test switches while
it runs: the resolver in front of authgate during an outage.

    dns_proxy.py LISTEN_PORT UPSTREAM_PORT MODE_FILE PIDFILE [MAX_SECONDS]

Queries on 127.0.0.1:LISTEN_PORT (UDP, and TCP with the two-byte length
prefix) go to 127.0.0.1:UPSTREAM_PORT. MODE_FILE is read for every query:
    fast        answer as soon as upstream does
    slow MS     hold each answer MS milliseconds (past the client's
                timeout: every answer arrives late)
    silent      drop every query (a server that went away, or a firewall)
    silent SUFFIX
                drop the queries for names ending in SUFFIX (one zone
                that went away), answer the others as fast does
A missing or unreadable file means fast. With DNS_PROXY_LOG set in the
environment, every query is appended to that file as "name TYPE" (the
type's number), for a test to see what was asked. "Stopped" is the test killing
this process. Queries are handled independently (a thread each); the
process exits by itself after MAX_SECONDS (default 900).
"""
import os
import socket
import struct
import sys
import threading
import time


def mode(path):
    try:
        with open(path) as f:
            words = f.read().split()
    except OSError:
        return ("fast", 0.0)
    if not words:
        return ("fast", 0.0)
    if words[0] == "slow" and len(words) > 1:
        return ("slow", int(words[1]) / 1000.0)
    if words[0] == "silent" and len(words) > 1:
        return ("silent", 0.0, words[1].lower().rstrip("."))
    return (words[0], 0.0)


def qname(query):
    """the name a query asks for, lower case, "" if it cannot be read"""
    labels, i = [], 12
    while i < len(query) and query[i] != 0 and len(labels) < 128:
        n = query[i]
        if n > 63:
            return ""
        labels.append(query[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    return ".".join(labels).lower()


LOG_LOCK = threading.Lock()


def log_query(query):
    """note the query in $DNS_PROXY_LOG, when set"""
    path = os.environ.get("DNS_PROXY_LOG")
    if not path:
        return
    i = 12
    while i < len(query) and query[i] != 0:
        i += 1 + query[i]
    qtype = struct.unpack(">H", query[i + 1:i + 3])[0] \
        if i + 3 <= len(query) else 0
    with LOG_LOCK, open(path, "a") as f:
        f.write("%s %d\n" % (qname(query), qtype))


def ask_upstream(port, query, tcp):
    if tcp:
        up = socket.create_connection(("127.0.0.1", port), 5)
        try:
            up.sendall(struct.pack(">H", len(query)) + query)
            head = up.recv(2)
            if len(head) < 2:
                return None
            n = struct.unpack(">H", head)[0]
            data = b""
            while len(data) < n:
                chunk = up.recv(n - len(data))
                if not chunk:
                    return None
                data += chunk
            return data
        finally:
            up.close()
    up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    up.settimeout(5)
    try:
        up.sendto(query, ("127.0.0.1", port))
        return up.recvfrom(65535)[0]
    finally:
        up.close()


def answer(upstream, mode_file, query):
    """the upstream answer as the current mode lets it out, or None"""
    started = time.monotonic()
    log_query(query)
    m = mode(mode_file)
    kind, delay = m[0], m[1]
    if kind == "silent" and (len(m) < 3 or qname(query) == m[2] or
                             qname(query).endswith("." + m[2])):
        return None, 0.0
    return query, delay - (time.monotonic() - started)


def relay_udp(listener, upstream, mode_file, query, client):
    q, rest = answer(upstream, mode_file, query)
    if q is None:
        return
    try:
        data = ask_upstream(upstream, q, False)
    except OSError:
        return
    if data is None:
        return
    if rest > 0:
        time.sleep(rest)
    try:
        listener.sendto(data, client)
    except OSError:
        pass


def relay_tcp(conn, upstream, mode_file):
    try:
        conn.settimeout(10)
        head = conn.recv(2)
        if len(head) < 2:
            return
        n = struct.unpack(">H", head)[0]
        query = b""
        while len(query) < n:
            chunk = conn.recv(n - len(query))
            if not chunk:
                return
            query += chunk
        q, rest = answer(upstream, mode_file, query)
        if q is None:
            time.sleep(10)
            return
        data = ask_upstream(upstream, q, True)
        if data is None:
            return
        if rest > 0:
            time.sleep(rest)
        conn.sendall(struct.pack(">H", len(data)) + data)
    except OSError:
        pass
    finally:
        conn.close()


def serve_tcp(listener, upstream, mode_file):
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        threading.Thread(target=relay_tcp, daemon=True,
                         args=(conn, upstream, mode_file)).start()


def main():
    port, upstream = int(sys.argv[1]), int(sys.argv[2])
    mode_file, pidfile = sys.argv[3], sys.argv[4]
    max_seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 900
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", port))
    udp.settimeout(1)
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind(("127.0.0.1", port))
    tcp.listen(64)
    threading.Thread(target=serve_tcp, daemon=True,
                     args=(tcp, upstream, mode_file)).start()
    with open(pidfile, "w") as f:
        f.write("%d\n" % os.getpid())
    end = time.monotonic() + max_seconds
    while time.monotonic() < end:
        try:
            query, client = udp.recvfrom(65535)
        except socket.timeout:
            continue
        threading.Thread(target=relay_udp, daemon=True,
                         args=(udp, upstream, mode_file, query,
                               client)).start()


if __name__ == "__main__":
    main()
