// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The shared parser, through each real program (ft_xdp, ft_tc_ingress,
 * ft_tc_egress) on crafted frames: what each kind of frame turns into
 * (a flow, an ARP/NDP event, a counted fragment, malformed or non-IP
 * frame) and that every frame is passed on untouched.
 */
#include <errno.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include "lib/bpf_run.h"

#define V4_A "10.0.0.1"
#define V4_B "10.0.0.2"
#define V4_ROUTER "192.0.2.254"
#define V6_A "2001:db8::1"
#define V6_B "2001:db8::2"
#define V6_ROUTER "2001:db8:ffff::1"
#define PORT_A 40000
#define PORT_B 80
#define ECHO_ID 0x4242
#define LO_IFINDEX 1
#define ETH_HLEN 14

#define TCP_SYN FT_TCP_SYN
#define TCP_SYNACK (FT_TCP_SYN | FT_TCP_ACK)

enum outcome {
	OUT_FLOW,		/* one FT_REC_FLOW_NEW, one ft_flows entry */
	OUT_ARP,		/* one FT_REC_ARP */
	OUT_FRAGMENT,		/* FT_CNT_FRAGMENTS, nothing tracked */
	OUT_MALFORMED,		/* FT_CNT_MALFORMED, nothing tracked */
	OUT_NON_IP,		/* FT_CNT_NON_IP, nothing tracked */
	OUT_ICMP_UNMATCHED,	/* FT_CNT_ICMP_UNMATCHED, nothing tracked */
};

struct parse_case {
	const char *desc;
	void (*build)(struct frame *f, int arg);
	int arg;
	size_t cut;		/* keep only this many bytes (0: whole frame) */
	enum outcome out;
	/* OUT_FLOW: family, proto and ports (as sent, A to B), outer VLAN id,
	 * TCP flags. OUT_ARP: proto holds the op, tcp_flags the FT_ARP_* flags. */
	int family;
	__u8 proto;
	__u16 sport, dport;
	__u16 vlan;
	__u8 tcp_flags;
};

static const enum ft_hook hooks[] = { FT_HOOK_XDP, FT_HOOK_TC_INGRESS, FT_HOOK_TC_EGRESS };

TestSuite(bpf_parse, .init = bt_setup, .fini = bt_teardown, .timeout = 60);

/* ---- frame builders: arg is the case's arg ---- */

static void b_tcp4(struct frame *f, int flags)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, IPPROTO_TCP);
	fr_tcp(f, PORT_A, PORT_B, flags);
	fr_done(f);
}

static void b_vlan_tcp4(struct frame *f, int tci)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_8021Q);
	fr_vlan(f, tci, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, IPPROTO_TCP);
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

/* Two tags: 802.1ad outside (arg 0) or 802.1Q twice (arg 1); arg 2 adds
 * a third tag, more than the parser walks. */
static void b_qinq_tcp4(struct frame *f, int variant)
{
	fr_eth(f, MAC_B, MAC_A, variant == 1 ? ETH_TYPE_8021Q : ETH_TYPE_8021AD);
	fr_vlan(f, 200, ETH_TYPE_8021Q);
	if (variant == 2)
		fr_vlan(f, 250, ETH_TYPE_8021Q);
	fr_vlan(f, 300, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, IPPROTO_TCP);
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

static void b_lldp(struct frame *f, int tagged)
{
	static const __u8 lldp_mcast[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };

	fr_eth(f, lldp_mcast, MAC_A, tagged ? ETH_TYPE_8021Q : ETH_TYPE_LLDP);
	if (tagged)
		fr_vlan(f, 7, ETH_TYPE_LLDP);
	fr_zeros(f, 32);
}

static void b_udp4(struct frame *f, int unused)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, IPPROTO_UDP);
	fr_udp(f, 5353, 53);
	fr_zeros(f, 12);
	fr_done(f);
}

static void b_echo4(struct frame *f, int type)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, IPPROTO_ICMP);
	fr_icmp(f, type, 0, ECHO_ID, 1);
	fr_zeros(f, 16);
	fr_done(f);
}

static void b_opts_tcp4(struct frame *f, int optlen)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4_ex(f, V4_A, V4_B, IPPROTO_TCP, optlen, 0);
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

/* arg: the IPv4 flags/fragment-offset field. The 8 bytes after the IP
 * header look like a UDP header either way. */
static void b_frag_udp4(struct frame *f, int frag)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4_ex(f, V4_A, V4_B, IPPROTO_UDP, 0, frag);
	fr_udp(f, 5353, 53);
	fr_zeros(f, 24);
	fr_done(f);
}

static void b_gre4(struct frame *f, int unused)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_A, V4_B, 47);
	fr_u16(f, 0);
	fr_u16(f, ETH_TYPE_IPV4);
	fr_done(f);
}

static void b_tcp6(struct frame *f, int flags)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_TCP);
	fr_tcp(f, PORT_A, PORT_B, flags);
	fr_done(f);
}

/* arg 0: hop-by-hop, destination options, routing; arg 1: 16-byte
 * hop-by-hop, 24-byte destination options; arg 2: four headers, the most
 * the parser walks. */
static void b_ext_tcp6(struct frame *f, int variant)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_HOPOPTS);
	switch (variant) {
	case 0:
		fr_ip6_ext(f, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, 8);
		fr_ip6_ext(f, IPPROTO_DSTOPTS, IPPROTO_ROUTING, 8);
		fr_ip6_ext(f, IPPROTO_ROUTING, IPPROTO_TCP, 24);
		break;
	case 1:
		fr_ip6_ext(f, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, 16);
		fr_ip6_ext(f, IPPROTO_DSTOPTS, IPPROTO_TCP, 24);
		break;
	default:
		fr_ip6_ext(f, IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, 8);
		fr_ip6_ext(f, IPPROTO_DSTOPTS, IPPROTO_ROUTING, 8);
		fr_ip6_ext(f, IPPROTO_ROUTING, IPPROTO_DSTOPTS, 24);
		fr_ip6_ext(f, IPPROTO_DSTOPTS, IPPROTO_TCP, 8);
		break;
	}
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

/* A fragment header at offset arg (bytes), more fragments following;
 * with BEHIND_HBH set, after a hop-by-hop header. */
#define BEHIND_HBH 0x100000

static void b_frag_udp6(struct frame *f, int arg)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	if (arg & BEHIND_HBH) {
		fr_ipv6(f, V6_A, V6_B, IPPROTO_HOPOPTS);
		fr_ip6_ext(f, IPPROTO_HOPOPTS, IPPROTO_FRAGMENT, 8);
	} else {
		fr_ipv6(f, V6_A, V6_B, IPPROTO_FRAGMENT);
	}
	fr_ip6_frag(f, IPPROTO_UDP, arg & ~BEHIND_HBH, 1);
	fr_udp(f, 5353, 53);
	fr_zeros(f, 24);
	fr_done(f);
}

static void b_echo6(struct frame *f, int type)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_ICMPV6);
	fr_icmp(f, type, 0, ECHO_ID, 1);
	fr_zeros(f, 16);
	fr_done(f);
}

/* Authentication header (length in 4-byte units minus 2), then TCP. */
static void b_ah_tcp6(struct frame *f, int unused)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_AH);
	fr_u8(f, IPPROTO_TCP);
	fr_u8(f, 24 / 4 - 2);
	fr_zeros(f, 22);
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

static void b_esp6(struct frame *f, int unused)
{
	fr_eth(f, MAC_B, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_ESP);
	fr_u32(f, 0x1001);
	fr_u32(f, 1);
	fr_zeros(f, 32);
	fr_done(f);
}

static void b_ra6(struct frame *f, int unused)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_ICMPV6);
	fr_icmp(f, 134, 0, 0x4000, 1800);
	fr_zeros(f, 8);
	fr_done(f);
}

enum { ARP_REQUEST_KIND, ARP_REPLY_KIND, ARP_GRATUITOUS_KIND, ARP_PROBE_KIND };

static void b_arp(struct frame *f, int kind)
{
	fr_eth(f, kind == ARP_REPLY_KIND ? MAC_B : MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	switch (kind) {
	case ARP_REQUEST_KIND:
		fr_arp(f, 1, MAC_A, V4_A, MAC_ZERO, V4_B);
		break;
	case ARP_REPLY_KIND:
		fr_arp(f, 2, MAC_A, V4_A, MAC_B, V4_B);
		break;
	case ARP_GRATUITOUS_KIND:
		fr_arp(f, 1, MAC_A, V4_A, MAC_ZERO, V4_A);
		break;
	default:
		fr_arp(f, 1, MAC_A, "0.0.0.0", MAC_ZERO, V4_B);
		break;
	}
	fr_zeros(f, 18);	/* Ethernet padding to 60 bytes */
}

static void b_vlan_arp(struct frame *f, int tci)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_8021Q);
	fr_vlan(f, tci, ETH_TYPE_ARP);
	fr_arp(f, 1, MAC_A, V4_A, MAC_ZERO, V4_B);
}

/* ARP whose hardware type (arg 0) or opcode (arg 1) is not Ethernet/IPv4
 * request or reply. */
static void b_odd_arp(struct frame *f, int which)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_ARP);
	fr_arp(f, which ? 3 : 1, MAC_A, V4_A, MAC_ZERO, V4_B);
	if (!which)
		f->data[ETH_HLEN + 1] = 6;	/* IEEE 802 */
}

static void b_ns(struct frame *f, int unused)
{
	fr_eth(f, MAC_BCAST, MAC_A, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_A, "ff02::1:ff00:2", IPPROTO_ICMPV6);
	fr_ndp(f, 135, 0, V6_B);
	fr_ndp_lla(f, ND_OPT_SLLA, MAC_A);
	fr_done(f);
}

static void b_na(struct frame *f, int unused)
{
	fr_eth(f, MAC_A, MAC_B, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_B, V6_A, IPPROTO_ICMPV6);
	fr_ndp(f, 136, NA_FLAG_SOLICITED | NA_FLAG_OVERRIDE, V6_B);
	fr_ndp_lla(f, ND_OPT_TLLA, MAC_B);
	fr_done(f);
}

/* ICMP errors from a router about a packet A sent to B, with no flow of
 * that packet tracked. arg 0: port unreachable quoting UDP; 1: time
 * exceeded quoting IPv4 with options and TCP; 2: quoting a non-first
 * fragment (no ports in it). */
static void b_icmp4_error(struct frame *f, int variant)
{
	fr_eth(f, MAC_A, MAC_C, ETH_TYPE_IPV4);
	fr_ipv4(f, V4_ROUTER, V4_A, IPPROTO_ICMP);
	fr_icmp(f, variant == 1 ? 11 : 3, variant == 1 ? 0 : 3, 0, 0);
	switch (variant) {
	case 0:
		fr_ipv4(f, V4_A, V4_B, IPPROTO_UDP);
		fr_udp(f, 5353, 53);
		break;
	case 1:
		fr_ipv4_ex(f, V4_A, V4_B, IPPROTO_TCP, 8, 0);
		fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
		break;
	default:
		fr_ipv4_ex(f, V4_A, V4_B, IPPROTO_UDP, 0, 100);
		fr_udp(f, 5353, 53);
		break;
	}
	fr_done(f);
}

static void b_icmp6_error(struct frame *f, int unused)
{
	fr_eth(f, MAC_A, MAC_C, ETH_TYPE_IPV6);
	fr_ipv6(f, V6_ROUTER, V6_A, IPPROTO_ICMPV6);
	fr_icmp(f, 1, 4, 0, 0);
	fr_ipv6(f, V6_A, V6_B, IPPROTO_TCP);
	fr_tcp(f, PORT_A, PORT_B, TCP_SYN);
	fr_done(f);
}

/* Header fields that lie: arg 0: IPv4 IHL 4; 1: version 6 under the IPv4
 * EtherType; 2: version 4 under the IPv6 EtherType. */
static void b_bad_ip(struct frame *f, int which)
{
	if (which == 2) {
		b_tcp6(f, TCP_SYN);
		f->data[ETH_HLEN] = 0x40;
	} else {
		b_tcp4(f, TCP_SYN);
		f->data[ETH_HLEN] = which ? 0x65 : 0x44;
	}
}

#define CASE(d, b, a, c, o, ...) \
	{ .desc = d, .build = b, .arg = a, .cut = c, .out = o, __VA_ARGS__ }
#define V4(...) .family = 4, __VA_ARGS__
#define V6(...) .family = 6, __VA_ARGS__

static const struct parse_case cases[] = {
	/* Ethernet and VLAN tags */
	CASE("IPv4 TCP SYN, untagged", b_tcp4, TCP_SYN, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("802.1Q tag PCP 5 VID 100", b_vlan_tcp4, 0xa064, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .vlan = 100,
			.tcp_flags = TCP_SYN)),
	CASE("QinQ 802.1ad 200 over 802.1Q 300: outer VID", b_qinq_tcp4, 0, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .vlan = 200,
			.tcp_flags = TCP_SYN)),
	CASE("double 802.1Q 200/300: outer VID", b_qinq_tcp4, 1, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .vlan = 200,
			.tcp_flags = TCP_SYN)),
	CASE("three VLAN tags: beyond the two parsed", b_qinq_tcp4, 2, 0, OUT_NON_IP),
	CASE("LLDP", b_lldp, 0, 0, OUT_NON_IP),
	CASE("802.1Q-tagged LLDP", b_lldp, 1, 0, OUT_NON_IP),
	/* IPv4 */
	CASE("IPv4 UDP", b_udp4, 0, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_UDP, .sport = 5353, .dport = 53)),
	CASE("ICMP echo request: identifier as both ports", b_echo4, 8, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_ICMP, .sport = ECHO_ID, .dport = ECHO_ID)),
	CASE("ICMP echo reply: identifier as both ports", b_echo4, 0, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_ICMP, .sport = ECHO_ID, .dport = ECHO_ID)),
	CASE("IPv4 with 4 bytes of options", b_opts_tcp4, 4, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv4 with 40 bytes of options (IHL 15)", b_opts_tcp4, 40, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv4 DF set is not a fragment", b_frag_udp4, 0x4000, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_UDP, .sport = 5353, .dport = 53)),
	CASE("IPv4 first fragment (MF, offset 0) has ports", b_frag_udp4, FR_IP_MF, 0, OUT_FLOW,
	     V4(.proto = IPPROTO_UDP, .sport = 5353, .dport = 53)),
	CASE("IPv4 middle fragment (MF, offset 1480)", b_frag_udp4, FR_IP_MF | 185, 0,
	     OUT_FRAGMENT),
	CASE("IPv4 last fragment (offset 1480)", b_frag_udp4, 185, 0, OUT_FRAGMENT),
	CASE("IPv4 GRE: no ports", b_gre4, 0, 0, OUT_FLOW, V4(.proto = 47)),
	/* IPv6 */
	CASE("IPv6 TCP", b_tcp6, TCP_SYN, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv6 hop-by-hop + destination options + routing + TCP", b_ext_tcp6, 0, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv6 16-byte hop-by-hop + 24-byte destination options", b_ext_tcp6, 1, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv6 four extension headers", b_ext_tcp6, 2, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv6 fragment header, first fragment has ports", b_frag_udp6, 0, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_UDP, .sport = 5353, .dport = 53)),
	CASE("IPv6 fragment header, non-first fragment", b_frag_udp6, 1232, 0, OUT_FRAGMENT),
	CASE("IPv6 hop-by-hop then non-first fragment", b_frag_udp6, BEHIND_HBH | 1232, 0,
	     OUT_FRAGMENT),
	CASE("IPv6 hop-by-hop then first fragment", b_frag_udp6, BEHIND_HBH, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_UDP, .sport = 5353, .dport = 53)),
	CASE("ICMPv6 echo request: identifier as both ports", b_echo6, 128, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_ICMPV6, .sport = ECHO_ID, .dport = ECHO_ID)),
	CASE("IPv6 AH then TCP", b_ah_tcp6, 0, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_TCP, .sport = PORT_A, .dport = PORT_B, .tcp_flags = TCP_SYN)),
	CASE("IPv6 ESP: no ports", b_esp6, 0, 0, OUT_FLOW, V6(.proto = IPPROTO_ESP)),
	CASE("ICMPv6 router advertisement: a flow without ports", b_ra6, 0, 0, OUT_FLOW,
	     V6(.proto = IPPROTO_ICMPV6)),
	/* ARP and NDP (details in bpf_arp) */
	CASE("ARP request", b_arp, ARP_REQUEST_KIND, 0, OUT_ARP, V4(.proto = FT_ARP_REQUEST)),
	CASE("ARP reply", b_arp, ARP_REPLY_KIND, 0, OUT_ARP, V4(.proto = FT_ARP_REPLY)),
	CASE("gratuitous ARP", b_arp, ARP_GRATUITOUS_KIND, 0, OUT_ARP,
	     V4(.proto = FT_ARP_REQUEST, .tcp_flags = FT_ARP_GRATUITOUS)),
	CASE("ARP probe from 0.0.0.0", b_arp, ARP_PROBE_KIND, 0, OUT_ARP,
	     V4(.proto = FT_ARP_REQUEST, .tcp_flags = FT_ARP_PROBE)),
	CASE("802.1Q-tagged ARP", b_vlan_arp, 10, 0, OUT_ARP,
	     V4(.proto = FT_ARP_REQUEST, .vlan = 10)),
	CASE("ARP over IEEE 802 hardware", b_odd_arp, 0, 0, OUT_NON_IP),
	CASE("ARP opcode 3 (RARP)", b_odd_arp, 1, 0, OUT_NON_IP),
	CASE("NDP neighbour solicitation", b_ns, 0, 0, OUT_ARP, V6(.proto = FT_NDP_NS)),
	CASE("NDP neighbour advertisement", b_na, 0, 0, OUT_ARP,
	     V6(.proto = FT_NDP_NA, .tcp_flags = FT_NA_SOLICITED | FT_NA_OVERRIDE)),
	/* ICMP errors quoting nothing tracked (matching ones in bpf_flow) */
	CASE("ICMP port unreachable, no such flow", b_icmp4_error, 0, 0, OUT_ICMP_UNMATCHED),
	CASE("ICMP time exceeded quoting IPv4 options, no such flow", b_icmp4_error, 1, 0,
	     OUT_ICMP_UNMATCHED),
	CASE("ICMP unreachable quoting a non-first fragment", b_icmp4_error, 2, 0,
	     OUT_ICMP_UNMATCHED),
	CASE("ICMPv6 destination unreachable, no such flow", b_icmp6_error, 0, 0,
	     OUT_ICMP_UNMATCHED),
	/* Truncated or lying headers, layer by layer */
	CASE("Ethernet only, IPv4 EtherType", b_tcp4, TCP_SYN, ETH_HLEN, OUT_MALFORMED),
	CASE("Ethernet only, IPv6 EtherType", b_tcp6, TCP_SYN, ETH_HLEN, OUT_MALFORMED),
	CASE("Ethernet only, ARP EtherType", b_arp, ARP_REQUEST_KIND, ETH_HLEN, OUT_MALFORMED),
	CASE("802.1Q TPID without its tag", b_vlan_tcp4, 100, ETH_HLEN, OUT_MALFORMED),
	CASE("802.1Q tag cut in half", b_vlan_tcp4, 100, ETH_HLEN + 2, OUT_MALFORMED),
	CASE("QinQ inner tag missing", b_qinq_tcp4, 0, ETH_HLEN + 4, OUT_MALFORMED),
	CASE("IPv4 header cut at 19 bytes", b_tcp4, TCP_SYN, ETH_HLEN + 19, OUT_MALFORMED),
	CASE("IPv4 options cut", b_opts_tcp4, 8, ETH_HLEN + 24, OUT_MALFORMED),
	CASE("IPv4 IHL 4", b_bad_ip, 0, 0, OUT_MALFORMED),
	CASE("IPv4 EtherType carrying version 6", b_bad_ip, 1, 0, OUT_MALFORMED),
	CASE("TCP header cut at 6 bytes", b_tcp4, TCP_SYN, ETH_HLEN + 20 + 6, OUT_MALFORMED),
	CASE("TCP header cut at 12 bytes, before the flags", b_tcp4, TCP_SYN, ETH_HLEN + 20 + 12,
	     OUT_MALFORMED),
	CASE("TCP header cut at 19 bytes", b_tcp4, TCP_SYN, ETH_HLEN + 20 + 19, OUT_MALFORMED),
	CASE("UDP header cut at 6 bytes", b_udp4, 0, ETH_HLEN + 20 + 6, OUT_MALFORMED),
	CASE("ICMP header cut at 4 bytes", b_echo4, 8, ETH_HLEN + 20 + 4, OUT_MALFORMED),
	CASE("IPv6 header cut at 39 bytes", b_tcp6, TCP_SYN, ETH_HLEN + 39, OUT_MALFORMED),
	CASE("IPv6 EtherType carrying version 4", b_bad_ip, 2, 0, OUT_MALFORMED),
	CASE("IPv6 extension header cut at 4 bytes", b_ext_tcp6, 0, ETH_HLEN + 40 + 4,
	     OUT_MALFORMED),
	CASE("IPv6 16-byte hop-by-hop cut at 12", b_ext_tcp6, 1, ETH_HLEN + 40 + 12, OUT_MALFORMED),
	CASE("IPv6 routing header cut", b_ext_tcp6, 0, ETH_HLEN + 40 + 16 + 20, OUT_MALFORMED),
	CASE("IPv6 fragment header cut", b_frag_udp6, 0, ETH_HLEN + 40 + 6, OUT_MALFORMED),
	CASE("TCP after IPv6 extensions cut", b_ext_tcp6, 0, ETH_HLEN + 40 + 40 + 10,
	     OUT_MALFORMED),
	CASE("TCP after IPv6 AH cut", b_ah_tcp6, 0, ETH_HLEN + 40 + 24 + 4, OUT_MALFORMED),
	CASE("ARP cut at 27 bytes", b_arp, ARP_REQUEST_KIND, ETH_HLEN + 27, OUT_MALFORMED),
	CASE("NDP solicitation cut inside the target", b_ns, 0, ETH_HLEN + 40 + 16, OUT_MALFORMED),
	CASE("ICMP error, quoted IPv4 header cut", b_icmp4_error, 0, ETH_HLEN + 20 + 8 + 12,
	     OUT_MALFORMED),
	CASE("ICMP error, quoted IPv4 options cut", b_icmp4_error, 1, ETH_HLEN + 20 + 8 + 24,
	     OUT_MALFORMED),
	CASE("ICMP error, quoted UDP cut at 4 bytes", b_icmp4_error, 0, ETH_HLEN + 20 + 8 + 20 + 4,
	     OUT_MALFORMED),
	CASE("ICMPv6 error, quoted IPv6 header cut", b_icmp6_error, 0, ETH_HLEN + 40 + 8 + 30,
	     OUT_MALFORMED),
	CASE("ICMPv6 error, quoted TCP cut at 4 bytes", b_icmp6_error, 0,
	     ETH_HLEN + 40 + 8 + 40 + 4, OUT_MALFORMED),
};

static const char *outcome_name(enum outcome o)
{
	static const char *const names[] = { "flow", "arp", "fragment", "malformed", "non-ip",
					     "icmp-unmatched" };

	return names[o];
}

/* The one counter an outcome moves besides FT_CNT_PACKETS, or -1. */
static int outcome_counter(enum outcome o)
{
	switch (o) {
	case OUT_FRAGMENT:
		return FT_CNT_FRAGMENTS;
	case OUT_MALFORMED:
		return FT_CNT_MALFORMED;
	case OUT_NON_IP:
		return FT_CNT_NON_IP;
	case OUT_ICMP_UNMATCHED:
		return FT_CNT_ICMP_UNMATCHED;
	default:
		return -1;
	}
}

static void check_flow_event(const struct parse_case *c, enum ft_hook hook,
			     const struct frame *f, const union bt_event *ev)
{
	const char *src = c->family == 4 ? V4_A : V6_A, *dst = c->family == 4 ? V4_B : V6_B;
	const struct ft_flow_event *e = &ev->flow;
	struct ft_flow_key key;
	struct ft_flow_state st;

	bt_key(&key, c->family, c->proto, src, c->sport, dst, c->dport);
	cr_expect_eq(e->type, FT_REC_FLOW_NEW, "%s [%s]: event type %d", c->desc,
		     bt_hook_name(hook), e->type);
	cr_expect_eq(e->hook, hook, "%s [%s]: hook %d", c->desc, bt_hook_name(hook), e->hook);
	cr_expect_eq(e->ifindex, LO_IFINDEX, "%s [%s]: ifindex %u", c->desc, bt_hook_name(hook),
		     e->ifindex);
	cr_expect_arr_eq(&e->key, &key, sizeof(key), "%s [%s]: key differs (proto %u ports %u/%u)",
			 c->desc, bt_hook_name(hook), e->key.proto, e->key.port_a, e->key.port_b);
	cr_expect_eq(e->side, bt_side_of(&key, c->family, src, c->sport), "%s [%s]: side",
		     c->desc, bt_hook_name(hook));
	cr_expect_eq(e->vlan, c->vlan, "%s [%s]: vlan %u, want %u", c->desc, bt_hook_name(hook),
		     e->vlan, c->vlan);
	cr_expect_eq(e->tcp_flags, c->tcp_flags, "%s [%s]: tcp flags %#x", c->desc,
		     bt_hook_name(hook), e->tcp_flags);
	cr_expect_eq(e->pkt_len, f->len, "%s [%s]: pkt_len %u, frame %zu", c->desc,
		     bt_hook_name(hook), e->pkt_len, f->len);
	cr_expect_arr_eq(e->src_mac, f->data + 6, 6, "%s [%s]: src MAC", c->desc,
			 bt_hook_name(hook));
	cr_expect_arr_eq(e->dst_mac, f->data, 6, "%s [%s]: dst MAC", c->desc, bt_hook_name(hook));
	cr_expect_eq(bt_flow_get(&key, &st), 0, "%s [%s]: flow not in ft_flows", c->desc,
		     bt_hook_name(hook));
}

static void check_arp_event(const struct parse_case *c, enum ft_hook hook,
			    const union bt_event *ev)
{
	cr_expect_eq(ev->type, FT_REC_ARP, "%s [%s]: event type %d", c->desc, bt_hook_name(hook),
		     ev->type);
	if (ev->type != FT_REC_ARP)
		return;
	cr_expect_eq(ev->arp.op, c->proto, "%s [%s]: op %u", c->desc, bt_hook_name(hook),
		     ev->arp.op);
	cr_expect_eq(ev->arp.flags, c->tcp_flags, "%s [%s]: flags %#x, want %#x", c->desc,
		     bt_hook_name(hook), ev->arp.flags, c->tcp_flags);
	cr_expect_eq(ev->arp.family, c->family, "%s [%s]: family", c->desc, bt_hook_name(hook));
	cr_expect_eq(ev->arp.vlan, c->vlan, "%s [%s]: vlan", c->desc, bt_hook_name(hook));
	cr_expect_eq(ev->arp.hook, hook, "%s [%s]: hook", c->desc, bt_hook_name(hook));
}

static void run_case(const struct parse_case *c, enum ft_hook hook)
{
	__u64 cnt[FT_CNT_MAX];
	int want_cnt = outcome_counter(c->out), want_events, n;
	struct frame f;

	c->build(&f, c->arg);
	if (c->cut)
		fr_cut(&f, c->cut);
	bt_reset();
	if (hook != FT_HOOK_XDP && !bt_skb_can_carry(&f)) {
		cr_expect_eq(bt_try_run(hook, &f, LO_IFINDEX), -EINVAL,
			     "%s [%s]: the kernel now runs skb programs on short IP frames: "
			     "drop the bt_skb_can_carry() exception", c->desc, bt_hook_name(hook));
		return;
	}
	bt_run(hook, &f, LO_IFINDEX);

	bt_counters(cnt);
	cr_expect_eq(cnt[FT_CNT_PACKETS], 1, "%s [%s]: FT_CNT_PACKETS %llu", c->desc,
		     bt_hook_name(hook), (unsigned long long)cnt[FT_CNT_PACKETS]);
	for (int i = 1; i < FT_CNT_MAX; i++)
		cr_expect_eq(cnt[i], i == want_cnt, "%s [%s]: want %s, counter %d is %llu", c->desc,
			     bt_hook_name(hook), outcome_name(c->out), i,
			     (unsigned long long)cnt[i]);

	want_events = c->out == OUT_FLOW || c->out == OUT_ARP;
	n = bt_pending();
	cr_expect_eq(n, want_events, "%s [%s]: %d events, want %d", c->desc, bt_hook_name(hook), n,
		     want_events);
	cr_expect_eq(bt_flow_count(), c->out == OUT_FLOW, "%s [%s]: %d flows tracked", c->desc,
		     bt_hook_name(hook), bt_flow_count());
	if (n != 1 || !want_events)
		return;
	if (c->out == OUT_FLOW)
		check_flow_event(c, hook, &f, bt_take());
	else
		check_arp_event(c, hook, bt_take());
}

Test(bpf_parse, every_frame_kind_on_every_hook)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (size_t h = 0; h < sizeof(hooks) / sizeof(hooks[0]); h++)
			run_case(&cases[i], hooks[h]);
}

/* Frames the kernel pads or that carry trailing bytes parse the same. */
Test(bpf_parse, trailing_bytes_ignored)
{
	struct frame f;
	const union bt_event *e;

	b_tcp4(&f, TCP_SYN);
	fr_zeros(&f, 200);
	bt_run(FT_HOOK_XDP, &f, LO_IFINDEX);
	e = bt_take();
	cr_assert_not_null(e);
	cr_expect_eq(e->flow.key.port_a + e->flow.key.port_b, PORT_A + PORT_B);
	cr_expect_eq(bt_counter(FT_CNT_MALFORMED), 0);
}
