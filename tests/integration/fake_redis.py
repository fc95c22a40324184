#!/usr/bin/env python3
"""fake_redis.py - Redis servers that misbehave, for the state store's
tests (tests/unit/test_state.c via tests/integration/state_redis.sh).

    fake_redis.py PORTS_FILE PIDFILE MAX_SECONDS MODE [MODE ...]
    fake_redis.py PORT MODE PIDFILE [MAX_SECONDS]

The first form gives each MODE its own listening socket on 127.0.0.1 at
a port the kernel picks; when all listen, PORTS_FILE gets one line
"MODE PORT" per mode. The second serves one MODE on 127.0.0.1:PORT.
Then PIDFILE gets this process's PID (files are written to a temporary
name and renamed: they appear whole). Modes:
    garbage    answers every request with bytes that are not Redis replies
    slow       answers +OK to every request, 2 s late (past the timeout)
    silent     reads every request and never answers
    drip       answers a long string one byte every 50 ms
    close      closes every connection as soon as it is accepted
    hugelen    answers an array header of 2**31-1 elements
    wrongtype  speaks Redis (OK to AUTH and SELECT, a SHA-1 to SCRIPT
               LOAD) but answers scripts with a reply of the wrong shape
    badsha     answers SCRIPT LOAD with an integer
Each connection is served by its own thread; the process exits by itself
after MAX_SECONDS, so a test that dies never leaves it behind.
"""
import os
import socket
import sys
import threading
import time


def read_command(conn, buf):
    """one request in the Redis protocol: (argv, rest), or (None, b"")"""
    while True:
        argv, rest = parse_command(buf)
        if argv is not None:
            return argv, rest
        data = conn.recv(65536)
        if not data:
            return None, b""
        buf += data


def parse_command(buf):
    """argv and the bytes after it, or (None, buf) when incomplete"""
    if not buf.startswith(b"*") or b"\r\n" not in buf:
        return None, buf
    head, rest = buf.split(b"\r\n", 1)
    argv = []
    for _ in range(int(head[1:])):
        if b"\r\n" not in rest:
            return None, buf
        line, body = rest.split(b"\r\n", 1)
        n = int(line[1:])
        if len(body) < n + 2:
            return None, buf
        argv.append(body[:n])
        rest = body[n + 2:]
    return argv, rest


def speak(conn, script_reply):
    """answer like Redis, except for SCRIPT LOAD or the scripts"""
    buf = b""
    while True:
        argv, buf = read_command(conn, buf)
        if argv is None:
            return
        cmd = argv[0].upper()
        if cmd == b"SCRIPT":
            conn.sendall(script_reply)
        elif cmd in (b"EVALSHA", b"EVAL"):
            conn.sendall(b"*2\r\n:1\r\n$3\r\nabc\r\n")
        else:
            conn.sendall(b"+OK\r\n")


def serve(conn, mode):
    """one connection, in its mode"""
    try:
        if mode == "close":
            return
        if mode == "wrongtype":
            speak(conn, b"$40\r\n" + b"0123456789abcdef" * 2 +
                  b"01234567\r\n")
            return
        if mode == "badsha":
            speak(conn, b":1\r\n")
            return
        while True:
            data = conn.recv(65536)
            if not data:
                return
            if mode == "garbage":
                conn.sendall(b"\x00\xffthis is not redis\r\n")
            elif mode == "slow":
                time.sleep(2.0)
                conn.sendall(b"+OK\r\n")
            elif mode == "drip":
                conn.sendall(b"$100000\r\n")
                for _ in range(2000):
                    conn.sendall(b"x")
                    time.sleep(0.05)
            elif mode == "hugelen":
                conn.sendall(b"*2147483647\r\n")
            # silent: read on, answer nothing
    except OSError:
        pass
    finally:
        conn.close()


def listen(mode, port=0):
    """accept connections for one mode, each in a thread"""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)

    def loop():
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=serve, args=(conn, mode),
                             daemon=True).start()

    threading.Thread(target=loop, daemon=True).start()
    return sock.getsockname()[1]


KNOWN = ("garbage", "slow", "silent", "drip", "close", "hugelen",
         "wrongtype", "badsha")


def write_whole(path, text):
    """write a file under a temporary name, then rename it"""
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.rename(path + ".tmp", path)


def main():
    args = sys.argv[1:]
    if len(args) >= 3 and args[0].isdigit():
        port, modes, pid_file = int(args[0]), [args[1]], args[2]
        max_seconds = args[3] if len(args) > 3 else "300"
    elif len(args) >= 4:
        ports_file, pid_file, max_seconds = args[:3]
        modes, port = args[3:], None
    else:
        sys.exit(__doc__)
    for mode in modes:
        if mode not in KNOWN:
            sys.exit("fake_redis.py: unknown mode " + mode)
    if port is not None:
        listen(modes[0], port)
    else:
        write_whole(ports_file, "".join("%s %d\n" % (mode, listen(mode))
                                        for mode in modes))
    write_whole(pid_file, "%d\n" % os.getpid())
    time.sleep(float(max_seconds))


if __name__ == "__main__":
    main()
