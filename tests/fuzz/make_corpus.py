#!/usr/bin/env python3
"""make_corpus.py - write the hand-made seed corpora of the fuzz targets
into tests/fuzz/corpus/TARGET/ (run from anywhere; the files are in the
repository, this script shows where they come from and remakes them).
The DKIM seeds are signed here with the test keys of tests/keys (Debian's
python3-dkim)."""
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")


def put(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("latin-1")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# --- DNS replies: first byte = index of the type asked (fuzz_dns_answer)
TYPES = {"A": 0, "AAAA": 1, "TXT": 2, "MX": 3, "PTR": 4, "CNAME": 5,
         "NS": 6, "SPF": 7}
CODES = {"A": 1, "AAAA": 28, "TXT": 16, "MX": 15, "PTR": 12, "CNAME": 5,
         "NS": 2, "SPF": 99, "SOA": 6}


def name(n):
    out = b""
    for label in n.split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def reply(qtype, answers, rcode=0, authority=(), flags=0x8180):
    q = "q.fuzz.example"
    head = struct.pack(">HHHHHH", 0x1234, flags | rcode, 1, len(answers),
                       len(authority), 0)
    body = name(q) + struct.pack(">HH", CODES[qtype], 1)
    for owner, t, rdata in list(answers) + list(authority):
        body += (b"\xc0\x0c" if owner == q else name(owner)) + \
            struct.pack(">HHIH", CODES[t], 1, 300, len(rdata)) + rdata
    return bytes([TYPES[qtype]]) + head + body


def txt(*strings):
    return b"".join(bytes([len(s)]) + s.encode() for s in strings)


def dns():
    q = "q.fuzz.example"
    put("dns_answer", "a", reply("A", [(q, "A", bytes([192, 0, 2, 1]))]))
    put("dns_answer", "aaaa", reply("AAAA", [(q, "AAAA", bytes(15) +
                                                  b"\1")]))
    put("dns_answer", "spf", reply("TXT", [(q, "TXT", txt(
        "v=spf1 ip4:192.0.2.0/24 ", "include:_spf.fuzz.example -all"))]))
    put("dns_answer", "dmarc", reply("TXT", [(q, "TXT", txt(
        "v=DMARC1; p=reject; rua=mailto:d@fuzz.example; pct=50"))]))
    put("dns_answer", "two-spf", reply("TXT", [
        (q, "TXT", txt("v=spf1 -all")), (q, "TXT", txt("v=spf1 +all"))]))
    put("dns_answer", "mx", reply("MX", [(q, "MX", b"\0\x0a\2mx\xc0\x0c")]))
    put("dns_answer", "cname", reply("A", [
        (q, "CNAME", name("t.fuzz.example")),
        ("t.fuzz.example", "A", bytes([192, 0, 2, 2]))]))
    soa = name("ns.fuzz.example") + name("h.fuzz.example") + \
        struct.pack(">IIIII", 1, 2, 3, 4, 60)
    put("dns_answer", "nxdomain", reply("TXT", [], 3,
                                        [("fuzz.example", "SOA", soa)]))
    put("dns_answer", "ptr", reply("PTR", [(q, "PTR",
                                            name("mail.fuzz.example"))]))
    put("dns_answer", "truncated", reply("TXT", [], 0, (), 0x8380))


def text_targets():
    for i, v in enumerate([
            " user@example.com", " \"Name, Q.\" <a@b.example>",
            " =?utf-8?q?J=C3=B6rg?= <j@example.org>", " a@b.example, c@d.example",
            " group: a@b.example, c@d.example;", " <@route:a@b.example>",
            " (comment) a@b.example (another)", " undisclosed-recipients:;",
            " j\xf6rg@ex\xe4mple.de", " \"unclosed <a@b>"]):
        put("from", "f%d" % i, v)
    for i, v in enumerate([
            "mx.example.org; spf=pass smtp.mailfrom=a.example",
            "mx.example.org 1; dkim=pass (good) header.d=a.example "
            "header.s=sel; dmarc=fail policy.dmarc=reject",
            "mx.example.org; none",
            "mx.example.org; iprev=pass (x) policy.iprev=192.0.2.1; "
            "dnsbl=fail dns.zone=zen policy.ip=127.0.0.2",
            "\"quoted\"; auth=pass smtp.auth=user@a.example",
            "mx; spf=pass reason=\"a \\\"b\\\" c\" smtp.mailfrom=x"]):
        put("authres", "a%d" % i, chr(i & 1) + v)
    for i, v in enumerate([
            "<user@example.com>", "<>", "<@a.example,@b.example:u@c.example>",
            "<\"a b\"@example.com>", "user@[192.0.2.1]", "<a@b..example>",
            "<a,b c@b.example>", "<j\xf6rg@example.com>", "postmaster",
            "<" + "x" * 300 + "@example.com>"]):
        put("smtp_addr", "s%d" % i, v)
    for i, v in enumerate([
            "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 a mx -all",
            "v=spf1 include:%{d2}.x exists:%{ir}.%{v}._spf.%{d} ~all",
            "v=spf1 redirect=_spf.example.com",
            "v=spf1 a:mail.example.com/24//64 mx:example.com/30 ptr ?all",
            "v=spf1 -all exp=explain._spf.%{d}",
            "%{s} %{l} %{o} %{d} %{i} %{p} %{v} %{h} %{c} %{r} %{t}",
            "%{d2r+-}.%{L}.%%%_%-", "v=spf1 exists:%{l1r-}.x -all"]):
        put("spf_record", "r%d" % i, v)
    for i, v in enumerate([
            "v=spf1 ip4:192.0.2.0/24 -all",
            "v=spf1 include:a.fuzz.example -all\na v=spf1 a:b.fuzz.example "
            "-all",
            "v=spf1 redirect=r.fuzz.example\nr v=spf1 ip6:2001:db8::/32 ~all",
            "v=spf1 exists:%{i}.x.fuzz.example -all exp=e.fuzz.example\n"
            "e Sorry %{s}, %{i} is not allowed",
            "v=spf1 " + " ".join("include:i%d.fuzz.example" % n
                                 for n in range(12)) + " -all",
            "v=spf1 mx mx mx a a a ptr -all"]):
        put("spf_check", "c%d" % i, v)
    for i, v in enumerate([
            "v=DMARC1; p=reject", "v=DMARC1; p=quarantine; sp=none; "
            "np=reject; adkim=s; aspf=r; pct=20; fo=1:d; "
            "rua=mailto:a@b.example,mailto:c@d.example!10m; t=y; psd=n",
            "v=DMARC1; p=bogus", "v=DMARC1 ; p = none ;", "p=reject"]):
        put("dmarc_record", "d%d" % i, v)
    for i, v in enumerate([
            "10.0.0.0/8, 192.0.2.1 2001:db8::/32\0%{ip} is listed: %{txt}",
            "::ffff:192.0.2.0/120\0see %{url}", "0.0.0.0/0\0",
            "192.0.2.300/24\0%{nope}"]):
        put("netlist", "n%d" % i, v)


def lockdown():
    """domain lockdown records, then NUL and the sender IDs to match them
    against, one per line (fuzz_lockdown_record)"""
    seeds = {
        "auth": b"v=mc1 auth=acct1",
        "auths": b"v=mc1 auth=a1 auth=a2 auth=a3\x00a2",
        "case_tabs": b"V=MC1\tAUTH=Acct\t\tSenderID=A|X-AuthUser|B  "
                     b"SIDW=*|x-authuser|*  \x00acct\na|x-authuser|b",
        "control": b"v=mc1 auth=a\r\nauth=b\x7f \x1b[0m",
        "dup_v": b"v=mc1 auth=a V=mc1",
        "eight_bit": b"v=mc1 auth=a auth=b auth=c auth=caf\xe9",
        "empty": b"v=mc1 auth=x sidw=y auth=",
        "fields_300": b"v=mc1 " + b" ".join(b"auth=a%d" % n
                                             for n in range(300)),
        "locked": b"v=mc1\x00acct\nacct|x-authuser|bob",
        "long_value": b"v=mc1 auth=x senderid=" + b"x" * 254 + b" sidw=" +
                      b"y" * 253,
        "mc10": b"v=mc10 auth=x",
        "mc2": b"v=mc2 auth=x",
        "mixed": b"v=mc1 auth=z senderid=s|x-authuser|u sidw=s* auth==x"
                 b"\x00x\ns|x-authuser|u\nS|X-AUTHUSER|U\n=x",
        "no_eq": b"v=mc1 auth=a foo =x a.b=c",
        "nul_inside": b"v=mc1 auth=a\x00b auth=c",
        "senderid": b"v=mc1 senderid=acct|x-authuser|bob\x00"
                    b"acct|x-authuser|bob\nacct|x-authuser|bobby",
        "sidw": b"v=mc1 sidw=*|x-authsender|*@example.com\x00"
                b"a|x-authsender|joe@example.com",
        "sidw_miss": b"v=mc1 sidw=acct|*|bob sidw=acct|x-authuser|*\x00"
                     b"acct2|x-authuser|bob\nacct|x-authuser|bo",
        "stars": b"v=mc1 sidw=" + b"*a" * 100 + b"*b sidw=" + b"*" * 200 +
                 b"\x00" + b"a" * 253 + b"\n" + b"*" * 30 + b"b",
        "unknown": b"v=mc1 future=1 x-new=abc foo_bar=* auth=a\x00a",
    }
    for n, v in seeds.items():
        put("lockdown_record", n, v)


def config():
    with open(os.path.join(TOP, "conf", "authgate.conf"), "rb") as f:
        put("config", "sample", f.read())
    put("config", "small", "dns { servers = \"127.0.0.1:53\" }\n"
        "dnsbl { zone \"zen.spamhaus.org\" { } }\n"
        "override \"x.example\" { spf { mailfrom { fail = accept } } }\n")
    put("config", "broken", "spf {\n  trusted = sometimes\n# no end\n")


def dkim():
    try:
        import dkim as dkimpy
    except ImportError:
        print("python3-dkim missing: no DKIM seeds", file=sys.stderr)
        return
    msg = (b"From: a@example.com\r\nTo: b@example.org\r\n"
           b"Subject: fuzz seed\r\nDate: Fri, 04 Dec 2026 10:00:00 +0000\r\n"
           b"\r\nHello.\r\n\r\n")
    for key, sel, alg in [("rsa2048.pem", b"s2048", b"rsa-sha256")]:
        with open(os.path.join(TOP, "tests", "keys", key), "rb") as f:
            pem = f.read()
        try:
            sig = dkimpy.sign(msg, sel, b"example.com", pem,
                              include_headers=[b"from", b"to", b"subject"],
                              canonicalize=(b"relaxed", b"simple"),
                              signature_algorithm=alg)
        except Exception as e:
            print("cannot sign with %s: %s" % (key, e), file=sys.stderr)
            continue
        put("dkim", sel.decode(), sig + msg)
    put("dkim", "unsigned", msg)


def session():
    def pkt(cmd, data=b""):
        return struct.pack(">I", len(data) + 1) + cmd + data

    opt = pkt(b"O", struct.pack(">III", 6, 0x1ff, 0x1fffff))
    conn = pkt(b"D", b"Cj\0mx.test\0{daemon_name}\0smtpd\0") + \
        pkt(b"C", b"mail.fuzz.example\0" + b"4" + struct.pack(">H", 25) +
            b"192.0.2.1\0")
    helo = pkt(b"H", b"mail.fuzz.example\0")
    mail = pkt(b"D", b"Mi\0ABC123\0{auth_authen}\0\0") + \
        pkt(b"M", b"<user@fuzz.example>\0SIZE=100\0")
    rcpt = pkt(b"R", b"<postmaster@rcpt.example>\0")
    head = pkt(b"L", b"From\0 user@fuzz.example\0") + \
        pkt(b"L", b"Authentication-Results\0 mx.authgate.test; spf=pass\0") + \
        pkt(b"L", b"Subject\0 hi\0") + pkt(b"N")
    body = pkt(b"B", b"Hello.\r\n") + pkt(b"E")
    put("session", "one", opt + conn + helo + mail + rcpt + head + body +
        pkt(b"Q"))
    put("session", "two", opt + conn + helo + mail + rcpt + pkt(b"A") +
        mail + rcpt + head + body + pkt(b"Q"))
    put("session", "v6", opt + pkt(b"C", b"[2001:db8::1]\0" + b"6" +
                                   struct.pack(">H", 25) + b"2001:db8::1\0")
        + pkt(b"H", b"[2001:db8::1]\0") + pkt(b"M", b"<>\0") + rcpt + head +
        body)


def report():
    """rua=, record, source address, domain (fuzz_report)"""
    seeds = [
        b"mailto:a@b.example,mailto:c@d.example!10m\0v=DMARC1; p=reject; "
        b"rua=mailto:a@b.example; sp=none; adkim=s\0192.0.2.1\0fuzz.example",
        b"mailto:%61@x.example!1k,https://r.example/ , mailto:\0"
        b"v=DMARC1;p=none;rua=\0[2001:db8::1]:9464\0Fuzz.Example",
        b"mailto:a@b!99999999999999999999t\0v = DMARC1 ; p = quarantine ;"
        b" pct = 50 ; fo = 1:d:s\02001:db8:0:0:0:0:0:1\0a<b>&c",
        b"\0\0::ffff:192.0.2.1\0",
    ]
    for i, v in enumerate(seeds):
        put("report", "r%d" % i, v)


def arc():
    """ARC header fields, one per line (fuzz_arc)"""
    seeds = [
        "ARC-Authentication-Results: i=1; mx.example; spf=pass\n"
        "ARC-Message-Signature: i=1; a=rsa-sha256; d=example.org;\n"
        " s=s; h=from; bh=x; b=y\n"
        "ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=s; b=z\n",
        "ARC-Seal: i=2; cv=pass\nARC-Seal: i=1; cv=none\n"
        "ARC-Authentication-Results: i=2; x\nARC-Message-Signature: i=2\n",
        "ARC-Seal: i=0; cv=fail; cv=none\nARC-Seal: I=51;;;==\n",
        "From: a@b\nARC-Authentication-Results: mx; i=1\n",
    ]
    for i, v in enumerate(seeds):
        put("arc", "a%d" % i, v)
    # a set sealed with the test key the fuzz zone publishes at
    # s1024._domainkey.example.com (python3-dkim's arc_sign)
    import dkim
    with open(os.path.join(TOP, "tests", "keys", "rsa1024.pem"), "rb") as f:
        key = f.read()
    msg = (b"Authentication-Results: example.com; spf=pass "
           b"smtp.mailfrom=example.com; dmarc=pass header.from=example.com\r\n"
           b"From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n"
           b"\r\nHello,\r\n  the body.\r\n\r\n")
    msg = b"".join(dkim.arc_sign(msg, b"s1024", b"example.com", key,
                                 b"example.com", timestamp=1700000000,
                                 include_headers=[b"from", b"to",
                                                  b"subject"])) + msg
    put("arc", "sealed", msg.replace(b"\r\n", b"\n"))


dns()
text_targets()
lockdown()
config()
dkim()
session()
report()
arc()
