#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""One UDP flow, 60-byte frames, sent with send() on a packet socket for SECS
seconds; prints how many were sent.

Usage: blast.py IFNAME SRC_MAC DST_MAC SRC_IP DST_IP SECS

`make bench` runs one per core (taskset) for the contention figure: frames
sent this way reach the peer veth as linear skbs and are received on the
sending CPU, so two of these put one flow on both cores at once. (trafgen's
TX_RING frames carry only the Ethernet header in the linear part, and its
sendto() mode keeps to one core.)"""
import socket
import struct
import sys
import time


def checksum(hdr):
    s = sum(struct.unpack(f"!{len(hdr) // 2}H", hdr))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def frame(src_mac, dst_mac, src_ip, dst_ip):
    mac = lambda m: bytes.fromhex(m.replace(":", ""))
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 46, 0, 0, 64, 17, 0,
                     socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    udp = struct.pack("!HHHH", 40000, 9, 26, 0) + bytes(18)
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + ip + udp


def main():
    if len(sys.argv) != 7:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    ifname, src_mac, dst_mac, src_ip, dst_ip, secs = sys.argv[1:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((ifname, 0))
    f = frame(src_mac, dst_mac, src_ip, dst_ip)
    send = s.send
    end = time.monotonic() + float(secs)
    n = 0
    while time.monotonic() < end:
        for _ in range(1000):
            send(f)
        n += 1000
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
