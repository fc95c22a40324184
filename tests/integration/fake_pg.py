#!/usr/bin/env python3
"""fake_pg.py - PostgreSQL servers that misbehave, for the DMARC report
store's tests (tests/unit/test_dmarcrep.c via tests/integration/
dmarc_pg.sh).

    fake_pg.py PORTS_FILE PIDFILE MAX_SECONDS MODE [MODE ...]

Each MODE gets its own listening socket on 127.0.0.1 at a port the
kernel picks; when all listen, PORTS_FILE gets one line "MODE PORT" per
mode (written to a temporary name and renamed), then PIDFILE this
process's PID. Modes:
    garbage  refuses TLS, then answers the startup packet with bytes that
             are no protocol message
    silent   reads the startup packet and never answers
    close    closes every connection as soon as it is accepted
    hugelen  refuses TLS, then answers with an authentication message
             header claiming 2**31-1 bytes
Each connection has its own thread; the process exits by itself after
MAX_SECONDS, so a test that dies never leaves it behind.
"""
import os
import socket
import sys
import threading
import time


def serve(conn, mode):
    try:
        conn.settimeout(30)
        if mode == "close":
            return
        first = conn.recv(65536)
        # libpq asks for TLS first (sslmode=prefer): refuse it, so that
        # what follows reaches its protocol reader, then read the
        # startup packet
        if first[4:8] == b"\x04\xd2\x16\x2f":
            conn.sendall(b"N")
            conn.recv(65536)
        if mode == "garbage":
            conn.sendall(b"\x00\xffnot postgres\r\n" * 64)
        elif mode == "hugelen":
            conn.sendall(b"R\x7f\xff\xff\xff")
        while conn.recv(65536):     # silent, or after the answer
            pass
    except OSError:
        pass
    finally:
        conn.close()


def listen(sock, mode):
    while True:
        conn, _ = sock.accept()
        threading.Thread(target=serve, args=(conn, mode),
                         daemon=True).start()


def write_whole(path, text):
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    ports_file, pid_file, seconds = sys.argv[1], sys.argv[2], \
        float(sys.argv[3])
    lines = []
    for mode in sys.argv[4:]:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        lines.append("%s %d\n" % (mode, s.getsockname()[1]))
        threading.Thread(target=listen, args=(s, mode), daemon=True).start()
    write_whole(ports_file, "".join(lines))
    write_whole(pid_file, "%d\n" % os.getpid())
    time.sleep(seconds)


if __name__ == "__main__":
    main()
