#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Traffic for the fluxtrace labs: hand-made frames and small clients/servers.

Frames (ARP, gratuitous ARP, unsolicited NA, VLAN-tagged IP) go out through an
AF_PACKET socket, so no arping or scapy is needed. Clients and the echo
server use ordinary sockets. Every wait is bounded.

  pkt.py arp IFACE --smac M --sip IP --tip IP [--op reply --tmac M --dmac M] [--vlan 100]
  pkt.py garp IFACE --smac M --ip IP [--vlan 100]
  pkt.py arp-race IFACE --smac M --ip IP --ready FILE [--timeout S]
  pkt.py na IFACE --smac M --ip IP6
  pkt.py ip IFACE --smac M --dmac M --src IP --dst IP --proto tcp|udp|icmp
               [--sport N --dport N --flags S --dns --vlan 100[,200]]
  pkt.py serve --tcp 80,8080 --udp 7 [--sink 514] --ready FILE [--timeout S]
  pkt.py tcp HOST PORT [--expect ok|timeout|refused] [--timeout S] [--bind IP] [--count N]
  pkt.py udp HOST PORT [--expect reply|none] [--count N] [--gap S] [--dns] [--bind IP]
             [--sport N]
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import threading
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8


def die(msg):
    print(f"pkt.py: {msg}", file=sys.stderr)
    sys.exit(1)


def mac_bytes(mac):
    parts = mac.split(":")
    if len(parts) != 6:
        die(f"bad MAC address '{mac}'")
    return bytes(int(p, 16) for p in parts)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dmac, smac, ethertype, vlans=()):
    """Ethernet header; vlans lists VLAN ids outermost first (802.1ad outer
    tag when there are two, as in QinQ)."""
    hdr = mac_bytes(dmac) + mac_bytes(smac)
    for i, vid in enumerate(vlans):
        tpid = ETH_P_8021AD if len(vlans) > 1 and i == 0 else ETH_P_8021Q
        hdr += struct.pack("!HH", tpid, vid & 0x0FFF)
    return hdr + struct.pack("!H", ethertype)


def arp(op, smac, sip, tmac, tip):
    return struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, op) + mac_bytes(smac) + \
        socket.inet_aton(sip) + mac_bytes(tmac) + socket.inet_aton(tip)


def ipv4(src, dst, proto, payload, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x1234, 0x4000, ttl, proto,
              0, socket.inet_aton(src), socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ipv6(src, dst, nexthdr, payload, hlim=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), nexthdr, hlim) + \
        ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + payload


def pseudo4(src, dst, proto, length):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, length)


def pseudo6(src, dst, proto, length):
    return ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + \
        struct.pack("!IxxxB", length, proto)


TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10}


def tcp(src, dst, sport, dport, flags, seq=1000, ack=0, payload=b""):
    bits = 0
    for f in flags:
        bits |= TCP_FLAGS[f]
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, bits, 64240, 0, 0)
    c = csum(pseudo4(src, dst, 6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def udp(src, dst, sport, dport, payload):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(pseudo4(src, dst, 17, length) + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack("!H", c) + payload


def icmp_echo(ident, seq, payload=b"fluxtrace-lab"):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    c = csum(hdr + payload)
    return hdr[:2] + struct.pack("!H", c) + hdr[4:] + payload


def dns_query(name="lab.example", qid=0x4242):
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", 1, 1)


def send_frames(iface, frames, count=1, gap=0.0):
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
    except OSError as e:
        die(f"cannot open a raw socket on {iface}: {e.strerror} (run as root inside the lab)")
    for i in range(count):
        for f in frames:
            s.send(f)
        if gap and i + 1 < count:
            time.sleep(gap)
    s.close()


def vlan_list(text):
    return [int(v) for v in text.split(",")] if text else []


def cmd_arp(a):
    op = 2 if a.op == "reply" else 1
    tmac = a.tmac or "00:00:00:00:00:00"
    dmac = a.dmac or ("ff:ff:ff:ff:ff:ff" if op == 1 else tmac)
    frame = eth(dmac, a.smac, ETH_P_ARP, vlan_list(a.vlan)) + arp(op, a.smac, a.sip, tmac, a.tip)
    send_frames(a.iface, [frame], a.count, a.gap)


def cmd_arp_race(a):
    """An ARP spoofer's responder (the arpspoof/ettercap pattern): answer
    every ARP request for IP, whoever owns it, with "IP is at SMAC", right
    after the owner does. Runs until --timeout."""
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
        s.bind((a.iface, 0))
    except OSError as e:
        die(f"cannot open a raw socket on {a.iface}: {e.strerror} (run as root inside the lab)")
    want = socket.inet_aton(a.ip)
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("ready\n")
        os.rename(a.ready + ".tmp", a.ready)
    end = time.monotonic() + a.timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([s], [], [], 0.5)
        if not ready:
            continue
        frame, addr = s.recvfrom(2048)
        if addr[2] == socket.PACKET_OUTGOING or len(frame) < 42:
            continue
        op, sha, spa, tpa = struct.unpack("!H", frame[20:22])[0], frame[22:28], frame[28:32], \
            frame[38:42]
        if op != 1 or tpa != want or spa in (want, b"\0\0\0\0"):
            continue
        smac = mac_bytes(a.smac)
        s.send(sha + smac + struct.pack("!H", ETH_P_ARP) +
               struct.pack("!HHBBH", 1, ETH_P_IP, 6, 4, 2) + smac + want + sha + spa)
        print(f"answered {socket.inet_ntoa(spa)} for {a.ip}", flush=True)
    s.close()


def cmd_garp(a):
    """Gratuitous ARP in request form (sender IP == target IP), as keepalived
    and `arping -U` send it."""
    frame = eth("ff:ff:ff:ff:ff:ff", a.smac, ETH_P_ARP, vlan_list(a.vlan)) + \
        arp(1, a.smac, a.ip, "00:00:00:00:00:00", a.ip)
    send_frames(a.iface, [frame], a.count, a.gap)


def cmd_na(a):
    """Unsolicited Neighbour Advertisement with the override flag, to all
    nodes: the IPv6 counterpart of a gratuitous ARP."""
    src = a.src or a.ip
    dst = "ff02::1"
    body = struct.pack("!BBHI", 136, 0, 0, 0x20000000) + ipaddress.IPv6Address(a.ip).packed
    body += struct.pack("!BB", 2, 1) + mac_bytes(a.smac)  # target link-layer address
    c = csum(pseudo6(src, dst, 58, len(body)) + body)
    body = body[:2] + struct.pack("!H", c) + body[4:]
    frame = eth("33:33:00:00:00:01", a.smac, ETH_P_IPV6, vlan_list(a.vlan)) + \
        ipv6(src, dst, 58, body, hlim=255)
    send_frames(a.iface, [frame], a.count, a.gap)


def cmd_ip(a):
    if a.proto == "tcp":
        l4, proto = tcp(a.src, a.dst, a.sport, a.dport, a.flags), 6
    elif a.proto == "udp":
        payload = dns_query() if a.dns else b"fluxtrace-lab"
        l4, proto = udp(a.src, a.dst, a.sport, a.dport, payload), 17
    else:
        l4, proto = icmp_echo(a.sport or 0x4c42, 1), 1
    frame = eth(a.dmac, a.smac, ETH_P_IP, vlan_list(a.vlan)) + ipv4(a.src, a.dst, proto, l4)
    send_frames(a.iface, [frame], a.count, a.gap)


IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)


def listen(kind, port):
    """Sockets on every address of both families (IPv6 where usable). UDP
    sockets learn each datagram's destination, so that a reply leaves from
    the address the request was sent to, as a well-written server does."""
    socks = []
    stype = socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        try:
            s = socket.socket(fam, stype)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            if kind == "udp" and fam == socket.AF_INET:
                s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            elif kind == "udp":
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
            s.bind((addr, port))
        except OSError:
            if fam == socket.AF_INET:
                raise
            continue  # no IPv6 in this namespace
        if kind == "tcp":
            s.listen(64)
        socks.append(s)
    return socks


def echo_udp(s):
    """Echo one datagram from the address it was sent to."""
    data, anc, _, peer = s.recvmsg(4096, socket.CMSG_SPACE(20))
    reply_anc = []
    for level, ctype, cdata in anc:
        if level == socket.IPPROTO_IP and ctype == IP_PKTINFO:
            # struct in_pktinfo: ifindex, spec_dst, addr; reply from addr
            reply_anc.append((level, ctype, struct.pack("=i4s4s", 0, cdata[8:12], b"\0" * 4)))
        elif level == socket.IPPROTO_IPV6 and ctype == socket.IPV6_PKTINFO:
            reply_anc.append((level, ctype, cdata[:16] + struct.pack("=i", 0)))
    s.sendmsg([data], reply_anc, 0, peer)


def echo_tcp(conn):
    conn.settimeout(5)
    try:
        while True:
            data = conn.recv(4096)
            if not data:
                break
            conn.sendall(data)
    except OSError:
        pass
    finally:
        conn.close()


def cmd_serve(a):
    """TCP and UDP echo (and silent UDP sinks) on the given ports until
    killed or --timeout."""
    socks = {}
    for kind, ports in (("tcp", a.tcp), ("udp", a.udp), ("sink", a.sink)):
        for p in filter(None, (ports or "").split(",")):
            for s in listen("tcp" if kind == "tcp" else "udp", int(p)):
                socks[s] = kind
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write(f"{os.getpid()}\n")
        os.rename(a.ready + ".tmp", a.ready)
    deadline = time.monotonic() + a.timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select(list(socks), [], [], 0.5)
        for s in ready:
            if socks[s] == "tcp":
                conn, _ = s.accept()
                threading.Thread(target=echo_tcp, args=(conn,), daemon=True).start()
            elif socks[s] == "udp":
                echo_udp(s)
            else:
                s.recv(65536)  # a sink: syslog-like, never answers


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def cmd_tcp(a):
    """Connect, send a line, read the echo, close; --expect says which
    outcome is the lab's point (exit 1 on any other)."""
    for i in range(a.count):
        s = socket.socket(family_of(a.host), socket.SOCK_STREAM)
        s.settimeout(a.timeout)
        if a.bind:
            s.bind((a.bind, 0))
        try:
            s.connect((a.host, a.port))
            msg = f"fluxtrace lab {i}\n".encode()
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                chunk = s.recv(4096)
                if not chunk:
                    break
                got += chunk
            outcome = "ok" if got == msg else "short"
        except socket.timeout:
            outcome = "timeout"
        except ConnectionRefusedError:
            outcome = "refused"
        except OSError as e:
            outcome = e.strerror
        finally:
            s.close()
        if outcome != a.expect:
            die(f"tcp {a.host}:{a.port}: {outcome}, expected {a.expect}")


def cmd_udp(a):
    """Datagrams to HOST:PORT, each waiting (bounded) for its answer when
    --expect reply, else spaced by --gap."""
    s = socket.socket(family_of(a.host), socket.SOCK_DGRAM)
    if a.bind or a.sport:
        s.bind((a.bind or "", a.sport))
    s.connect((a.host, a.port))
    payload = dns_query() if a.dns else b"fluxtrace-lab"
    replies = 0
    for i in range(a.count):
        s.send(payload)
        r, _, _ = select.select([s], [], [], a.timeout if a.expect == "reply" else a.gap)
        if r:
            try:
                s.recv(4096)
                replies += 1
            except ConnectionRefusedError:
                pass  # ICMP port unreachable, reported on the socket
    s.close()
    if a.expect == "reply" and replies != a.count:
        die(f"udp {a.host}:{a.port}: {replies} of {a.count} replies")
    if a.expect == "none" and replies:
        die(f"udp {a.host}:{a.port}: {replies} unexpected replies")


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)

    def framed(name, fn):
        p = sub.add_parser(name)
        p.add_argument("iface")
        p.add_argument("--smac", required=True)
        p.add_argument("--vlan", help="VLAN ids, outermost first")
        p.add_argument("--count", type=int, default=1)
        p.add_argument("--gap", type=float, default=0.0)
        p.set_defaults(fn=fn)
        return p

    p = framed("arp", cmd_arp)
    p.add_argument("--op", choices=("request", "reply"), default="request")
    p.add_argument("--sip", required=True)
    p.add_argument("--tip", required=True)
    p.add_argument("--tmac")
    p.add_argument("--dmac")
    p = sub.add_parser("arp-race")
    p.add_argument("iface")
    p.add_argument("--smac", required=True)
    p.add_argument("--ip", required=True)
    p.add_argument("--ready")
    p.add_argument("--timeout", type=float, default=300)
    p.set_defaults(fn=cmd_arp_race)
    p = framed("garp", cmd_garp)
    p.add_argument("--ip", required=True)
    p = framed("na", cmd_na)
    p.add_argument("--ip", required=True)
    p.add_argument("--src", help="IPv6 source (default: the target address)")
    p = framed("ip", cmd_ip)
    p.add_argument("--dmac", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--proto", choices=("tcp", "udp", "icmp"), required=True)
    p.add_argument("--sport", type=int, default=0)
    p.add_argument("--dport", type=int, default=0)
    p.add_argument("--flags", default="S")
    p.add_argument("--dns", action="store_true", help="UDP payload is a DNS query")

    p = sub.add_parser("serve")
    p.add_argument("--tcp")
    p.add_argument("--udp")
    p.add_argument("--sink", help="UDP ports that receive and never answer")
    p.add_argument("--ready")
    p.add_argument("--timeout", type=float, default=300)
    p.set_defaults(fn=cmd_serve)

    p = sub.add_parser("tcp")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--expect", choices=("ok", "timeout", "refused"), default="ok")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--bind")
    p.set_defaults(fn=cmd_tcp)

    p = sub.add_parser("udp")
    p.add_argument("host")
    p.add_argument("port", type=int)
    p.add_argument("--expect", choices=("reply", "none"), default="reply")
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--gap", type=float, default=0.2)
    p.add_argument("--dns", action="store_true")
    p.add_argument("--bind")
    p.add_argument("--sport", type=int, default=0, help="source port (one flow across runs)")
    p.set_defaults(fn=cmd_udp)

    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
