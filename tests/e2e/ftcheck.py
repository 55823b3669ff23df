#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check a fluxtrace --json report against the documented contract and
against what a lab must produce.

  ftcheck.py REPORT [--label TEXT] [--replay REPORT2] RULE...

REPORT holds fluxtrace's stdout: exactly one JSON object on one line. It is
always checked against the schema of the JSON contract first. Each RULE is
one argument (an asymmetry finding is a group of flows: its client.* and
server.* paths match the finding's own or any of its samples'):

  asym COND...        some asymmetry finding meets every COND
  flux COND...        some arp_flux finding meets every COND
  allow-asym COND...  such a finding may be present (it is true, but not
                      what the lab is about); needed by nothing
  allow-flux COND...
  no-asym COND...     no asymmetry finding meets every COND (no COND: none)
  no-flux COND...
  only                every finding is matched by an asym/flux/allow rule:
                      nothing false is reported beside what is expected
  counter COND...     the "counters" object meets every COND
  iface NAME COND...  the interface NAME meets every COND

COND is PATH OP VALUE. PATH is dotted (client.ip, packets.reply,
icmp_errors.*.type; * means any element). OP is one of
  =   equal; for a list: the same set of values (VALUE comma-separated,
      empty VALUE = empty list)
  !=  not equal
  ~=  string: regular expression found (case-insensitive); list: every
      comma-separated pattern found in some element
  !~  not ~=
  >= <= > <   numbers; for a list, its length
IP addresses and MACs are compared in canonical form.

A joined report (fluxtrace -r A -r B ...: {"correlated": [...], "hosts":
[...]}) has each host's report checked against the schema, and takes
  corr COND...        some correlated finding meets every COND
  no-corr COND...     none does (no COND: none at all)
  only                every correlated finding is matched by a corr rule
where each correlated finding also has "parts": one "HOST/ROLE/IFACES/MACS"
per host it names (lists joined with '+'), e.g.
parts=lb/balancer/eth0/02:02:02:00:00:02,...
--alone R1,R2...: the reports of each trace reduced alone, in -r order;
each host's findings in the joined report must equal them, hints included.

--replay REPORT2: a report of the same run replayed from its recorded
trace; its findings must equal REPORT's, hints included (the trace records
the host facts the live hints quoted).
"""
import argparse
import ipaddress
import json
import re
import shlex
import sys

ASYM_KINDS = {"return_path_mismatch", "next_hop_mismatch", "one_way", "multipath"}
FLUX_KINDS = {"local_flux", "duplicate_ip", "flip_flop", "mac_changed", "unresolved_neighbor"}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
OPS = ("!=", "~=", "!~", ">=", "<=", "=", ">", "<")


class Failure(Exception):
    pass


def load(path):
    with open(path) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    if len(lines) != 1:
        raise Failure(f"{path}: expected one JSON line on stdout, found {len(lines)}")
    try:
        return json.loads(lines[0])
    except ValueError as e:
        raise Failure(f"{path}: not JSON: {e}")


# --- the contract ----------------------------------------------------------

def need(obj, key, types, where):
    if not isinstance(obj, dict) or key not in obj:
        raise Failure(f"schema: {where} has no '{key}'")
    v = obj[key]
    if not isinstance(v, types) or (isinstance(v, bool) and bool not in _tuple(types)):
        raise Failure(f"schema: {where}.{key} is {type(v).__name__} {v!r}")
    return v


def _tuple(t):
    return t if isinstance(t, tuple) else (t,)


def need_time(obj, key, where):
    v = need(obj, key, str, where)
    if not RFC3339.match(v):
        raise Failure(f"schema: {where}.{key} is not RFC 3339: {v!r}")


def need_ip(obj, key, where):
    v = need(obj, key, str, where)
    try:
        ipaddress.ip_address(v)
    except ValueError:
        raise Failure(f"schema: {where}.{key} is not an IP address: {v!r}")


def need_list(obj, key, where, check=None):
    v = need(obj, key, list, where)
    for i, item in enumerate(v):
        if check and not check(item):
            raise Failure(f"schema: {where}.{key}[{i}] is malformed: {item!r}")
    return v


def is_mac(v):
    return isinstance(v, str) and MAC.match(v) is not None


def is_name(v):
    return isinstance(v, str) and 0 < len(v) < 16


GROUP_ID = re.compile(r"^[0-9a-f]{16}$")


def need_group(f, w):
    if not GROUP_ID.match(need(f, "id", str, w)):
        raise Failure(f"schema: {w}.id is not 16 hex digits: {f['id']!r}")
    if need(f, "state", str, w) not in ("active", "resolved"):
        raise Failure(f"schema: {w}.state is {f['state']!r}")


def check_schema(r):
    if r.get("fluxtrace") != 2:
        raise Failure(f"schema: \"fluxtrace\" is {r.get('fluxtrace')!r}, expected 2")
    need(r, "host", str, "report")
    need(r, "window_seconds", (int, float), "report")
    need_time(r, "start", "report")
    need_time(r, "end", "report")
    for i, itf in enumerate(need_list(r, "interfaces", "report")):
        w = f"interfaces[{i}]"
        need(itf, "name", str, w)
        need(itf, "ifindex", int, w)
        need_list(itf, "hooks", w, lambda h: isinstance(h, str))
        if not is_mac(need(itf, "mac", str, w)):
            raise Failure(f"schema: {w}.mac is not a MAC: {itf['mac']!r}")
    c = need(r, "counters", dict, "report")
    for k in ("flows", "packets", "events", "lost_events"):
        if need(c, k, int, "counters") < 0:
            raise Failure(f"schema: counters.{k} is negative")
    for i, f in enumerate(need_list(r, "asymmetry", "report")):
        w = f"asymmetry[{i}]"
        if need(f, "kind", str, w) not in ASYM_KINDS:
            raise Failure(f"schema: {w}.kind is {f['kind']!r}")
        proto = need(f, "proto", (str, int), w)
        if isinstance(proto, str) and proto not in ("tcp", "udp", "icmp", "icmpv6"):
            raise Failure(f"schema: {w}.proto is {proto!r}")
        for end in ("client", "server"):
            e = need(f, end, dict, w)
            need_ip(e, "ip", f"{w}.{end}")
            need(e, "port", int, f"{w}.{end}")
        for k in ("request_in", "request_out", "reply_in", "reply_out"):
            need_list(f, k, w, is_name)
        for k in ("request_src_macs", "reply_dst_macs"):
            need_list(f, k, w, is_mac)
        p = need(f, "packets", dict, w)
        need(p, "request", int, f"{w}.packets")
        need(p, "reply", int, f"{w}.packets")
        for j, e in enumerate(need_list(f, "icmp_errors", w)):
            ew = f"{w}.icmp_errors[{j}]"
            need(e, "type", int, ew)
            need(e, "code", int, ew)
            need_ip(e, "from", ew)
        for j, d in enumerate(need_list(f, "drops", w)):
            dw = f"{w}.drops[{j}]"
            if need(d, "reason", str, dw) not in ("rp_filter", "netfilter"):
                raise Failure(f"schema: {dw}.reason is {d['reason']!r}")
            if need(d, "side", str, dw) not in ("request", "reply"):
                raise Failure(f"schema: {dw}.side is {d['side']!r}")
            if not is_name(need(d, "interface", str, dw)):
                raise Failure(f"schema: {dw}.interface is {d['interface']!r}")
        if need(f, "role", str, w) not in ("server", "client"):
            raise Failure(f"schema: {w}.role is {f['role']!r}")
        flows = need(f, "flows", int, w)
        if flows < 1 or need(f, "peers", int, w) > flows:
            raise Failure(f"schema: {w} has {flows} flows and {f['peers']} peers")
        samples = need_list(f, "samples", w)
        if not 1 <= len(samples) <= min(flows, 5):
            raise Failure(f"schema: {w} has {len(samples)} samples for {flows} flows")
        for j, smp in enumerate(samples):
            sw = f"{w}.samples[{j}]"
            for end in ("client", "server"):
                need_ip(need(smp, end, dict, sw), "ip", f"{sw}.{end}")
                need(smp[end], "port", int, f"{sw}.{end}")
            need(need(smp, "packets", dict, sw), "request", int, f"{sw}.packets")
            need_time(smp, "first_seen", sw)
        need_group(f, w)
        need_time(f, "first_seen", w)
        need_time(f, "last_seen", w)
        need(f, "hint", str, w)
    for i, f in enumerate(need_list(r, "arp_flux", "report")):
        w = f"arp_flux[{i}]"
        if need(f, "kind", str, w) not in FLUX_KINDS:
            raise Failure(f"schema: {w}.kind is {f['kind']!r}")
        if need(f, "family", str, w) not in ("ipv4", "ipv6"):
            raise Failure(f"schema: {w}.family is {f['family']!r}")
        need_ip(f, "ip", w)
        need_list(f, "macs", w, is_mac)
        need_list(f, "interfaces", w, is_name)
        need(f, "changes", (int, list), w)
        if f["kind"] == "unresolved_neighbor":
            need(f, "requests", int, w)
            need(f, "failed", bool, w)
            need(f, "dropped_packets", int, w)
            for j, d in enumerate(need_list(f, "dropped_flows", w)):
                dw = f"{w}.dropped_flows[{j}]"
                need(d, "proto", (str, int), dw)
                for end in ("src", "dst"):
                    need_ip(need(d, end, dict, dw), "ip", f"{dw}.{end}")
                    need(d[end], "port", int, f"{dw}.{end}")
                need(d, "via_gateway", bool, dw)
                need(d, "reason", str, dw)
                need(d, "packets", int, dw)
        need_group(f, w)
        need_time(f, "first_seen", w)
        need_time(f, "last_seen", w)
        need(f, "hint", str, w)


# --- conditions ------------------------------------------------------------

def canon(v):
    """Canonical text of a scalar: IPs compressed, MACs and words lower."""
    s = str(v).strip()
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s.lower()


def resolve(obj, path):
    """Values at a dotted path; '*' fans out over a list. Missing: []."""
    vals = [obj]
    for part in path.split("."):
        nxt = []
        for v in vals:
            if part == "*" and isinstance(v, list):
                nxt.extend(v)
            elif isinstance(v, dict) and part in v:
                nxt.append(v[part])
            elif isinstance(v, list) and part.isdigit() and int(part) < len(v):
                nxt.append(v[int(part)])
        vals = nxt
    return vals


def parse_cond(text):
    m = re.match(r"^([A-Za-z0-9_.*]+)(!=|~=|!~|>=|<=|=|>|<)(.*)$", text)
    if not m:
        raise Failure(f"bad condition '{text}' (PATH OP VALUE, OP one of {' '.join(OPS)})")
    return m.group(1), m.group(2), m.group(3)


def number(v):
    if isinstance(v, list):
        return len(v)
    return float(v)


def holds(value, op, want):
    if op in ("=", "!="):
        if isinstance(value, list):
            wanted = {canon(w) for w in want.split(",") if w != ""}
            eq = {canon(x) for x in value} == wanted
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                eq = float(want) == value
            except ValueError:
                eq = False
        else:
            eq = canon(value) == canon(want)
        return eq if op == "=" else not eq
    if op in ("~=", "!~"):
        if isinstance(value, list):
            found = all(any(re.search(p, str(x), re.I) for x in value)
                        for p in want.split(","))
        else:
            found = re.search(want, str(value), re.I) is not None
        return found if op == "~=" else not found
    try:
        a, b = number(value), float(want)
    except (TypeError, ValueError):
        return False
    return {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]


def matches(obj, conds):
    for path, op, want in conds:
        if not any(holds(v, op, want) for v in resolve(obj, path)):
            return False
    return True


def views(f):
    """A finding, and the same finding told by each of its sample flows."""
    yield f
    for smp in f.get("samples", []):
        yield dict(f, client=smp["client"], server=smp["server"])


def matches_finding(f, conds):
    return any(matches(v, conds) for v in views(f))


def closest(findings, conds):
    """What the finding that comes nearest to a rule lacks."""
    best = None
    for f in findings:
        unmet = [c for c in conds if not matches(f, [c])]
        if best is None or len(unmet) < len(best[1]):
            best = (f, unmet)
    if not best:
        return ""
    f, unmet = best
    got = "; ".join(f"{p}{op}{w} (is {json.dumps(resolve(f, p))[1:-1] or 'absent'})"
                    for p, op, w in unmet)
    return f"\n    nearest: {f.get('kind')} {f.get('proto', f.get('ip', ''))} fails: {got}"


def brief(f):
    """One line per finding for failure messages."""
    keep = {k: v for k, v in f.items() if k not in ("hint", "first_seen", "last_seen")}
    return json.dumps(keep, separators=(",", ":")) + f"\n      hint: {f.get('hint', '')}"


def listing(findings):
    if not findings:
        return "    (none)"
    return "\n".join(f"    {brief(f)}" for f in findings)




def run(report, rules, replay):
    check_schema(report)
    lists = {"asym": report["asymmetry"], "flux": report["arp_flux"]}
    used = {"asym": [], "flux": []}
    errors = []
    want_only = False
    for rule in rules:
        words = shlex.split(rule)
        if not words:
            continue
        verb, args = words[0], words[1:]
        if verb == "only":
            want_only = True
            continue
        if verb == "iface":
            if not args:
                raise Failure("iface needs a NAME")
            itf = [i for i in report["interfaces"] if i.get("name") == args[0]]
            conds = [parse_cond(a) for a in args[1:]]
            if not itf or not matches(itf[0], conds):
                errors.append(f"interface rule not met: {rule}\n    interfaces: "
                              f"{json.dumps(report['interfaces'])}")
            continue
        conds = [parse_cond(a) for a in args]
        if verb == "counter":
            if not matches(report["counters"], conds):
                errors.append(f"counter rule not met: {rule}\n    counters: "
                              f"{json.dumps(report['counters'])}")
            continue
        negate = verb.startswith("no-")
        optional = verb.startswith("allow-")
        kind = verb.split("-")[-1]
        if kind not in lists:
            raise Failure(f"unknown rule '{verb}'")
        hits = [f for f in lists[kind] if matches_finding(f, conds)]
        if negate:
            if hits:
                errors.append(f"false finding ({rule}):\n{listing(hits)}")
            continue
        used[kind].append(conds)
        if not hits and not optional:
            errors.append(f"missing finding: {' '.join(words)}{closest(lists[kind], conds)}")
    if want_only:
        for kind, findings in lists.items():
            extra = [f for f in findings
                     if not any(matches_finding(f, c) for c in used[kind])]
            if extra:
                errors.append(f"unexpected {kind} finding(s):\n{listing(extra)}")
    if errors:
        errors.append(f"the report's findings:\n  asymmetry:\n{listing(lists['asym'])}"
                      f"\n  arp_flux:\n{listing(lists['flux'])}")
    if replay is not None:
        check_schema(replay)
        for key in ("asymmetry", "arp_flux"):
            live, again = report[key], replay[key]
            if sorted(map(json.dumps, live)) != sorted(map(json.dumps, again)):
                errors.append(f"replay differs from the live run in '{key}':\n  live:\n"
                              f"{listing(report[key])}\n  replayed:\n{listing(replay[key])}")
    return errors


CORR_KINDS = {"nat_return_bypass", "return_path_around", "duplicate_ip_owners",
              "arp_flux_explained"}


def check_corr_schema(c, i):
    w = f"correlated[{i}]"
    if need(c, "kind", str, w) not in CORR_KINDS:
        raise Failure(f"schema: {w}.kind is {c['kind']!r}")
    need(c, "summary", str, w)
    need(c, "flows", int, w)
    need_time(c, "first_seen", w)
    need_time(c, "last_seen", w)
    hosts = need(c, "hosts", list, w)
    if len(hosts) < 2 and c["kind"] != "duplicate_ip_owners":
        raise Failure(f"schema: {w} names {len(hosts)} host(s)")
    for k, h in enumerate(hosts):
        need(h, "host", str, f"{w}.hosts[{k}]")
        need(h, "role", str, f"{w}.hosts[{k}]")
        need(h, "interfaces", list, f"{w}.hosts[{k}]")
        need(h, "macs", list, f"{w}.hosts[{k}]")


def run_joined(report, rules, alone):
    corr = need(report, "correlated", list, "report")
    hosts = need(report, "hosts", list, "report")
    for h in hosts:
        check_schema(h)
    for i, c in enumerate(corr):
        check_corr_schema(c, i)
        c["parts"] = [f"{h['host']}/{h['role']}/{'+'.join(h['interfaces'])}/"
                      f"{'+'.join(h['macs'])}" for h in c["hosts"]]
    errors, used, want_only = [], [], False
    for rule in rules:
        words = shlex.split(rule)
        if not words:
            continue
        verb, conds = words[0], [parse_cond(a) for a in words[1:]]
        if verb == "only":
            want_only = True
        elif verb == "no-corr":
            hits = [c for c in corr if matches(c, conds)]
            if hits:
                errors.append(f"false correlated finding ({rule}):\n{listing(hits)}")
        elif verb == "corr":
            used.append(conds)
            if not any(matches(c, conds) for c in corr):
                errors.append(f"missing correlated finding: {rule}{closest(corr, conds)}")
        else:
            raise Failure(f"unknown rule '{verb}' for a joined report")
    if want_only:
        extra = [c for c in corr if not any(matches(c, u) for u in used)]
        if extra:
            errors.append(f"unexpected correlated finding(s):\n{listing(extra)}")
    if errors:
        errors.append(f"the correlated findings:\n{listing(corr)}")
    if alone is not None:
        if len(alone) != len(hosts):
            raise Failure(f"{len(hosts)} hosts joined, {len(alone)} reports alone")
        for h, a in zip(hosts, alone):
            for key in ("asymmetry", "arp_flux"):
                if sorted(map(json.dumps, h[key])) != sorted(map(json.dumps, a[key])):
                    errors.append(f"host {h['host']}: '{key}' differs from its trace "
                                  f"reduced alone:\n  joined:\n{listing(h[key])}\n"
                                  f"  alone:\n{listing(a[key])}")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("report")
    ap.add_argument("rules", nargs="*")
    ap.add_argument("--label", default="fluxtrace")
    ap.add_argument("--replay")
    ap.add_argument("--alone")
    a = ap.parse_intermixed_args()
    try:
        report = load(a.report)
        if "correlated" in report:
            alone = [load(p) for p in a.alone.split(",")] if a.alone else None
            errors = run_joined(report, a.rules, alone)
        else:
            replay = load(a.replay) if a.replay else None
            errors = run(report, a.rules, replay)
    except Failure as e:
        errors = [str(e)]
    if errors:
        for e in errors:
            print(f"{a.label}: {e}", file=sys.stderr)
        sys.exit(1)
    print(f"{a.label}: report meets {len(a.rules)} rule(s)"
          f"{' and replays identically' if a.replay else ''}")


if __name__ == "__main__":
    main()
