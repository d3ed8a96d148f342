#!/usr/bin/env python3
"""Companion of crosscheck: runs its #CMDS (stdin) in the current scratch namespace, one per
~1.1 s so linkwatch settles, and prints the real state in the crosscheck line format.
Run only through run.sh (inside `unshare --net --mount` with a tmpfs on /run)."""
import json, os, subprocess, sys, time

def sh(cmd, ns=None):
    if ns and ns != "host":
        cmd = f"ip netns exec {ns} " + cmd
    return subprocess.run(cmd, shell=True, capture_output=True, text=True)

def j(cmd, ns):
    pre = "" if ns == "host" else f"-n {ns} "
    out = subprocess.run(f"ip {pre}{cmd}", shell=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else []

PORT = {"disabled": 0, "listening": 1, "learning": 2, "forwarding": 3, "blocking": 4}
C4 = ["accept_redirects","forwarding","proxy_arp","route_localnet","rp_filter","send_redirects"]
C6 = ["accept_ra","disable_ipv6","forwarding"]

def dump(ns):
    print(f"ns {ns}")
    links = j("-d -j link show", ns)
    idx = {l["ifname"]: l["ifindex"] for l in links}
    for l in links:
        li = l.get("linkinfo", {})
        kind = "loopback" if l.get("link_type") == "loopback" else li.get("info_kind", "?")
        flags = ",".join(f for f in l["flags"] if f != "M-DOWN")
        master = idx.get(l.get("master"), "-") if l.get("master") else "-"
        if "link_netnsid" in l:
            peer = f'{l["link_index"]}@{l["link_netnsid"]}'
        elif "link" in l and l["link"]:
            peer = str(idx.get(l["link"], "?"))
        else:
            peer = "-"
        st = li.get("info_slave_data", {}).get("state")
        port = f'{PORT.get(st, st)}#{int(li["info_slave_data"]["no"], 16)}' if st is not None else "-"
        print(f'L {l["ifindex"]} {l["ifname"]} {kind} {l["address"]} mtu={l["mtu"]} flags={flags} '
              f'oper={l["operstate"]} qdisc={l["qdisc"]} qlen={l.get("txqlen", 0)} master={master} peer={peer} port={port}')
    addrs = j("-j addr", ns)
    for fam in ("inet", "inet6"):
        for l in addrs:
            for a in l["addr_info"]:
                if a["family"] != fam: continue
                if fam == "inet":
                    sec = " secondary" if a.get("secondary") else ""
                    print(f'A {l["ifindex"]} {a["local"]}/{a["prefixlen"]} brd={a.get("broadcast","-")} scope={a["scope"]} label={a.get("label")}{sec}')
                else:
                    print(f'A6 {l["ifindex"]} {a["local"]}/{a["prefixlen"]} scope={a["scope"]}')
    for r in j("-j route", ns):
        dst = r["dst"]
        if dst != "default" and "/" not in dst: dst += "/32"
        fl = ",".join(f for f in r.get("flags", []) if f in ("onlink", "linkdown"))
        print(f'R {dst} via={r.get("gateway","-")} dev={idx[r["dev"]]} proto={r.get("protocol","boot")} '
              f'scope={r.get("scope","global")} src={r.get("prefsrc","-")} flags={fl}')
    pre = "" if ns == "host" else f"-n {ns} "
    for line in subprocess.run(f"ip {pre}netns list-id", shell=True, capture_output=True, text=True).stdout.splitlines():
        parts = line.split()
        name = line.split("name: ")[1].rstrip(")") if "name: " in line else "host"
        print(f"N {parts[1]} {name}")
    keys = {"net.bridge.bridge-nf-call-arptables","net.bridge.bridge-nf-call-ip6tables","net.bridge.bridge-nf-call-iptables","net.ipv4.ip_forward"}
    for i in ["all", "default"] + list(idx):
        keys |= {f"net.ipv4.conf.{i}.{k}" for k in C4} | {f"net.ipv6.conf.{i}.{k}" for k in C6}
    vals = {}
    for line in sh("sysctl -a 2>/dev/null", ns).stdout.splitlines():
        k, _, v = line.partition(" = ")
        if k in keys: vals[k] = v
    for k in sorted(vals): print(f"S {k}={vals[k]}")
    tabs = {}
    cur = None
    for line in sh("iptables-save", ns).stdout.splitlines():
        if line.startswith("#") or line == "COMMIT": continue
        if line.startswith("*"): cur = line[1:]; tabs[cur] = []; continue
        if line.startswith(":"): line = line.rsplit(" ", 1)[0] + " [0:0]"
        tabs[cur].append(line)
    for t in ["filter", "nat", "mangle", "raw"]:
        if t in tabs:
            print(f"T *{t}")
            for line in tabs[t]: print(f"T {line}")

def main():
    # Safety: only ever act on a fresh scratch namespace (nothing but lo).
    if len(j("-j link show", "host")) != 1:
        sys.exit("refusing to run: not a fresh network namespace (use run.sh)")
    text = sys.stdin.read()
    cmds = text.split("#CMDS\n")[1].split("#STATE\n")[0].splitlines()
    os.environ["HOSTPID"] = str(os.getpid())
    delay = float(os.environ.get("DELAY", "1.1"))
    for c in cmds:
        c = c.split(" # ")[0]
        r = subprocess.run(c, shell=True, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"#ERR {c}: {r.stderr.strip()}", file=sys.stderr)
        time.sleep(delay)
    names = ["host"] + (os.listdir("/run/netns") if os.path.isdir("/run/netns") else [])
    for ns in sorted(names): dump(ns)

main()
