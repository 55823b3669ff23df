#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""LAN background noise for the fluxtrace labs, as real hosts make it, with
ordinary sockets (raw ones only for LLDP, as lldpd sends it):

  lan.py serve --iface IF --name NAME --ready FILE [--timeout S] [--delay S]
        mDNS responder (224.0.0.251 and ff02::fb, port 5353: a legacy query
        from another port is answered by unicast to it, a 5353 query by
        multicast), SSDP responder (239.255.255.250:1900, M-SEARCH answered
        by unicast from 1900 after --delay), NetBIOS name server (port 137:
        a broadcast name query for NAME answered by unicast from 137), DNS
        server (port 53: any A query answered with this host's address)
  lan.py mdns-query --iface IF --family 4|6 [--from-5353] NAME
  lan.py ssdp-search --iface IF [--mx S]
  lan.py ssdp-notify --iface IF
  lan.py nbns-query --iface IF --bcast IP [--from-137] NAME
  lan.py nbdgm --iface IF --bcast IP
  lan.py dns-query SERVER NAME
  lan.py lldp --iface IF --name NAME [--count N]

Queries print how many answers came and fail when none did. Every wait is
bounded.
"""
import argparse
import fcntl
import os
import select
import socket
import struct
import sys
import threading
import time

MDNS4, MDNS6, MDNS_PORT = "224.0.0.251", "ff02::fb", 5353
SSDP4, SSDP_PORT = "239.255.255.250", 1900


def die(msg):
    print(f"lan.py: {msg}", file=sys.stderr)
    sys.exit(1)


def if_addr4(iface):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        req = struct.pack("256s", iface.encode()[:15])
        return socket.inet_ntoa(fcntl.ioctl(s.fileno(), 0x8915, req)[20:24])  # SIOCGIFADDR
    finally:
        s.close()


def if_mac(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        return bytes(int(b, 16) for b in f.read().strip().split(":"))


# --- DNS wire format (DNS, mDNS) ---------------------------------------------

def qname(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.rstrip(".").split(".")) + b"\0"


def dns_query(name, qid=0, qtype=1, qclass=1):
    return struct.pack("!6H", qid, 0x0100 if qid else 0, 1, 0, 0, 0) + qname(name) + \
        struct.pack("!HH", qtype, qclass)


def parse_question(msg):
    """(id, flags, name, qtype) of a message's first question, or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if not qd:
        return None
    i, labels = 12, []
    while i < len(msg) and msg[i]:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode(errors="replace"))
        i += 1 + n
    if i + 5 > len(msg):
        return None
    qtype = struct.unpack("!H", msg[i + 1:i + 3])[0]
    return qid, flags, ".".join(labels), qtype, msg[12:i + 5]


def dns_answer(qid, question, ip4, mdns_multicast=False):
    rclass = 0x8001 if mdns_multicast else 1  # mDNS: cache-flush bit
    return struct.pack("!6H", qid, 0x8400, 1, 1, 0, 0) + question + \
        struct.pack("!HHHIH", 0xC00C, 1, rclass, 120, 4) + socket.inet_aton(ip4)


# --- NetBIOS ---------------------------------------------------------------

def nb_name(name, suffix=0x00):
    raw = name.upper().encode()[:15].ljust(15) + bytes([suffix])
    return b"\x20" + b"".join(bytes([0x41 + (c >> 4), 0x41 + (c & 15)]) for c in raw) + b"\0"


def nb_decode(enc):
    if len(enc) < 34 or enc[0] != 0x20:
        return None
    raw = bytes(((enc[1 + 2 * i] - 0x41) << 4) | (enc[2 + 2 * i] - 0x41) for i in range(16))
    return raw[:15].decode(errors="replace").strip()


# --- sockets ---------------------------------------------------------------

def udp4(port, iface, group=None, bcast=False):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    if bcast:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.bind(("", port))
    addr = socket.inet_aton(if_addr4(iface))
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, addr)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    if group:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                     socket.inet_aton(group) + addr)
    return s


def udp6(port, iface, group=None):
    idx = socket.if_nametoindex(iface)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind(("::", port))
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    if group:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP,
                     socket.inet_pton(socket.AF_INET6, group) + struct.pack("@I", idx))
    return s


def collect(s, secs):
    """Every datagram arriving within secs: [(data, addr)]."""
    got, end = [], time.monotonic() + secs
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([s], [], [], left)[0]:
            return got
        got.append(s.recvfrom(2048))


def report(what, answers):
    print(f"{what}: {len(answers)} answer(s) from "
          f"{', '.join(sorted({str(a[1][0]) for a in answers})) or 'nobody'}")
    if not answers:
        sys.exit(1)


# --- the responder ---------------------------------------------------------

def serve(a):
    ip4 = if_addr4(a.iface)
    socks = {
        "mdns4": udp4(MDNS_PORT, a.iface, MDNS4),
        "mdns6": udp6(MDNS_PORT, a.iface, MDNS6),
        "ssdp": udp4(SSDP_PORT, a.iface, SSDP4),
        "nbns": udp4(137, a.iface, bcast=True),
        "dns": udp4(53, a.iface),
    }
    kinds = {s.fileno(): k for k, s in socks.items()}
    with open(a.ready, "w"):
        pass
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        for s in select.select(list(socks.values()), [], [], 0.5)[0]:
            data, src = s.recvfrom(2048)
            kind = kinds[s.fileno()]
            if kind == "ssdp":
                if data.startswith(b"M-SEARCH"):
                    # Responders wait a while (up to MX) before answering.
                    threading.Timer(a.delay, s.sendto, (
                        b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
                        b"LOCATION: http://" + ip4.encode() + b":49152/desc.xml\r\n"
                        b"ST: upnp:rootdevice\r\nUSN: uuid:" + a.name.encode() +
                        b"::upnp:rootdevice\r\n\r\n", src)).start()
                continue
            if kind == "nbns":
                q = parse_nbns(data)
                if q and q[1].lower() == a.name.lower():
                    s.sendto(struct.pack("!6H", q[0], 0x8500, 0, 1, 0, 0) + nb_name(q[1]) +
                             struct.pack("!HHIHH", 0x20, 1, 300000, 6, 0) +
                             socket.inet_aton(ip4), src)
                continue
            q = parse_question(data)
            if not q or q[1] & 0x8000:
                continue  # not a query
            qid, _, name, qtype, question = q
            if kind == "dns":
                s.sendto(dns_answer(qid, question, ip4), src)
            elif name.lower() == f"{a.name}.local".lower():
                if src[1] != MDNS_PORT:  # legacy one-shot query: unicast answer
                    s.sendto(dns_answer(qid, question, ip4), src)
                else:
                    grp = (MDNS4, MDNS_PORT) if kind == "mdns4" else (MDNS6, MDNS_PORT)
                    s.sendto(dns_answer(0, question, ip4, True), grp)


def parse_nbns(data):
    if len(data) < 12 + 34 or struct.unpack("!H", data[2:4])[0] & 0x8000:
        return None
    return struct.unpack("!H", data[:2])[0], nb_decode(data[12:46])


# --- queries ---------------------------------------------------------------

def mdns_query(a):
    port = MDNS_PORT if a.from_5353 else 0
    if a.family == 6:
        s = udp6(port, a.iface, MDNS6 if port else None)
        dst = (MDNS6, MDNS_PORT, 0, socket.if_nametoindex(a.iface))
    else:
        s = udp4(port, a.iface, MDNS4 if port else None)
        dst = (MDNS4, MDNS_PORT)
    s.sendto(dns_query(a.name, qid=0 if port else 0x1234), dst)
    answers = [x for x in collect(s, a.wait) if (parse_question(x[0]) or (0, 0))[1] & 0x8000]
    report(f"mDNS{'' if port else ' legacy'} query {a.name} (IPv{a.family})", answers)


def ssdp_search(a):
    s = udp4(0, a.iface)
    s.sendto(b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
             b"MX: %d\r\nST: upnp:rootdevice\r\n\r\n" % a.mx, (SSDP4, SSDP_PORT))
    report("SSDP M-SEARCH", collect(s, a.mx + 0.5))


def ssdp_notify(a):
    s = udp4(0, a.iface)
    s.sendto(b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n"
             b"NTS: ssdp:alive\r\nLOCATION: http://" + if_addr4(a.iface).encode() +
             b":49152/desc.xml\r\n\r\n", (SSDP4, SSDP_PORT))


def nbns_query(a):
    # nmblookup asks from an ephemeral port; Windows from 137 (--from-137).
    s = udp4(137 if a.from_137 else 0, a.iface, bcast=True)
    s.sendto(struct.pack("!6H", 0x4e42, 0x0110, 1, 0, 0, 0) + nb_name(a.name) +
             struct.pack("!HH", 0x20, 1), (a.bcast, 137))
    answers = [x for x in collect(s, 1.0) if struct.unpack("!H", x[0][2:4])[0] & 0x8000]
    report(f"NetBIOS name query {a.name}", answers)


def nbdgm(a):
    s = udp4(138, a.iface, bcast=True)
    ip = socket.inet_aton(if_addr4(a.iface))
    body = nb_name("LABHOST") + nb_name("WORKGROUP", 0x1D) + b"\x11\x01browser-announce"
    s.sendto(struct.pack("!BBH4sHHH", 0x11, 0x02, 0x4444, ip, 138, len(body), 0) + body,
             (a.bcast, 138))


def dns_query_cmd(a):
    fam = socket.AF_INET6 if ":" in a.server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.sendto(dns_query(a.name, qid=os.getpid() & 0xFFFF), (a.server, 53))
    report(f"DNS query {a.name}", collect(s, 1.0)[:1])


def lldp(a):
    mac = if_mac(a.iface)

    def tlv(t, v):
        return struct.pack("!H", t << 9 | len(v)) + v
    frame = bytes.fromhex("0180c200000e") + mac + b"\x88\xcc" + \
        tlv(1, b"\x04" + mac) + tlv(2, b"\x05" + a.iface.encode()) + \
        tlv(3, struct.pack("!H", 120)) + tlv(5, a.name.encode()) + tlv(0, b"")
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    for i in range(a.count):
        s.send(frame)
        if i + 1 < a.count:
            time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("serve")
    p.add_argument("--iface", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--ready", required=True)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--delay", type=float, default=0.1)
    p.set_defaults(fn=serve)
    p = sub.add_parser("mdns-query")
    p.add_argument("--iface", required=True)
    p.add_argument("--family", type=int, choices=(4, 6), default=4)
    p.add_argument("--from-5353", action="store_true")
    p.add_argument("--wait", type=float, default=1.0)
    p.add_argument("name")
    p.set_defaults(fn=mdns_query)
    p = sub.add_parser("ssdp-search")
    p.add_argument("--iface", required=True)
    p.add_argument("--mx", type=int, default=1)
    p.set_defaults(fn=ssdp_search)
    p = sub.add_parser("ssdp-notify")
    p.add_argument("--iface", required=True)
    p.set_defaults(fn=ssdp_notify)
    p = sub.add_parser("nbns-query")
    p.add_argument("--iface", required=True)
    p.add_argument("--bcast", required=True)
    p.add_argument("--from-137", action="store_true")
    p.add_argument("name")
    p.set_defaults(fn=nbns_query)
    p = sub.add_parser("nbdgm")
    p.add_argument("--iface", required=True)
    p.add_argument("--bcast", required=True)
    p.set_defaults(fn=nbdgm)
    p = sub.add_parser("dns-query")
    p.add_argument("server")
    p.add_argument("name")
    p.set_defaults(fn=dns_query_cmd)
    p = sub.add_parser("lldp")
    p.add_argument("--iface", required=True)
    p.add_argument("--name", required=True)
    p.add_argument("--count", type=int, default=1)
    p.set_defaults(fn=lldp)
    a = ap.parse_args()
    try:
        a.fn(a)
    except OSError as e:
        die(f"{a.cmd}: {e}")


if __name__ == "__main__":
    main()
