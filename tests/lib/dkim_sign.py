#!/usr/bin/env python3
"""dkim_sign.py - DKIM-sign a message for the tests (python3-dkim).

    dkim_sign.py KEYFILE DOMAIN SELECTOR < message > DKIM-Signature value

The message is read as it will be sent (CRLF line ends); the output is
the value of the DKIM-Signature field (after the colon, with its leading
space), folded with LF as Postfix hands header values to a milter.
Signed fields: From, To, Subject, Date, Message-ID that are present.
"""
import base64
import sys

import dkim


def main():
    keyfile, domain, selector = sys.argv[1:4]
    msg = sys.stdin.buffer.read()
    with open(keyfile, "rb") as f:
        key = f.read()
    alg = b"rsa-sha256"
    if b"BEGIN PRIVATE KEY" in key and len(key) < 200:
        # an Ed25519 PKCS#8 key: dkimpy wants the 32-byte seed, base64
        der = base64.b64decode(b"".join(key.split(b"\n")[1:-2]))
        key = base64.b64encode(der[-32:])
        alg = b"ed25519-sha256"
    sig = dkim.sign(msg, selector.encode(), domain.encode(), key,
                    include_headers=[b"from", b"to", b"subject", b"date",
                                     b"message-id"],
                    linesep=b"\n", signature_algorithm=alg)
    name, _, value = sig.decode().partition(":")
    assert name == "DKIM-Signature", name
    sys.stdout.write(value.rstrip("\n"))


if __name__ == "__main__":
    main()
