//! `ip link/addr/route/netns` text output against `testdata/` (see `capture.sh` for the
//! commands; `host-*` from the host namespace, `ctr-*` via `nsenter -t $C1 -n`, `lab-*`).

use super::fixtures::{host, lab, CTR};
use super::{check, run_in};

#[test]
fn ip_link_show_host() {
    // capture.sh host: `ip link show > host-ip-link.txt`
    let s = host();
    check(
        &s,
        "host",
        "ip link show",
        include_str!("../testdata/host-ip-link.txt"),
    );
    check(
        &s,
        "host",
        "ip link",
        include_str!("../testdata/host-ip-link.txt"),
    );
    check(
        &s,
        "host",
        "ip l",
        include_str!("../testdata/host-ip-link.txt"),
    );
    check(
        &s,
        "host",
        "ip link list",
        include_str!("../testdata/host-ip-link.txt"),
    );
}

#[test]
fn ip_link_show_container() {
    // `nsenter -t $C1 -n ip link show > ctr-ip-link.txt`
    check(
        &host(),
        CTR,
        "ip link show",
        include_str!("../testdata/ctr-ip-link.txt"),
    );
}

#[test]
fn ip_link_show_selectors() {
    // capture.sh lab: `ip link show master br0 > lab-ip-link-master-br0.txt`
    let s = lab();
    check(
        &s,
        "lab",
        "ip link show master br0",
        include_str!("../testdata/lab-ip-link-master-br0.txt"),
    );
    // The same three links one by one, by `dev NAME`, bare `NAME` and abbreviations.
    let all = include_str!("../testdata/lab-ip-link-master-br0.txt");
    let one = |n: usize| {
        all.lines()
            .skip(2 * n)
            .take(2)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    };
    check(&s, "lab", "ip link show dev v1", &one(0));
    check(&s, "lab", "ip link sh v2", &one(1));
    // Checked by hand: an unknown master is an argument error (exit 255).
    let out = run_in(&s, "lab", "ip link show master nosuch").unwrap();
    let err = "Error: argument \"nosuch\" is wrong: Device does not exist\n\n";
    assert_eq!((out.stderr.as_str(), out.exit), (err, 255));
}

#[test]
fn ip_detail_link_show() {
    // `ip -d link show | mask > host-ip-d-link.txt` (mask: bridge timers to 0.00)
    check(
        &host(),
        "host",
        "ip -d link show",
        include_str!("../testdata/host-ip-d-link.txt"),
    );
    check(
        &host(),
        "host",
        "ip -details link",
        include_str!("../testdata/host-ip-d-link.txt"),
    );
}

#[test]
fn ip_addr_show() {
    let s = host();
    // `ip addr show > host-ip-addr.txt`
    for cmd in [
        "ip addr show",
        "ip a",
        "ip address",
        "ip address show",
        "ip a s",
        "ip addr list",
    ] {
        check(
            &s,
            "host",
            cmd,
            include_str!("../testdata/host-ip-addr.txt"),
        );
    }
    // `nsenter -t $C1 -n ip addr show > ctr-ip-addr.txt`
    check(
        &s,
        CTR,
        "ip addr show",
        include_str!("../testdata/ctr-ip-addr.txt"),
    );
    // `ip -4 addr show`: no link line, `link-netnsid` moves to the header line.
    check(
        &s,
        CTR,
        "ip -4 addr show",
        include_str!("../testdata/ctr-ip-4-addr.txt"),
    );
    check(
        &s,
        CTR,
        "ip -4 a",
        include_str!("../testdata/ctr-ip-4-addr.txt"),
    );
    // `ip -6 addr show`: the short AF_INET6 header, peer index looked up locally.
    check(
        &s,
        CTR,
        "ip -6 addr show",
        include_str!("../testdata/ctr-ip-6-addr.txt"),
    );
}

#[test]
fn ip_addr_show_shapes() {
    // capture.sh lab: `ip addr show > lab-ip-addr.txt` (secondary, label, /32, scope link,
    // lo down, M-DOWN) and `ip -6 addr show > lab-ip-6-addr.txt`.
    let s = lab();
    check(
        &s,
        "lab",
        "ip addr show",
        include_str!("../testdata/lab-ip-addr.txt"),
    );
    check(
        &s,
        "lab",
        "ip -6 addr show",
        include_str!("../testdata/lab-ip-6-addr.txt"),
    );
}

#[test]
fn ip_more_shapes() {
    // capture.sh lab: `ip -4 addr show > lab-ip-4-addr.txt` (links without IPv4 skipped),
    // `ip -d link show dev v2 | mask > lab-ip-d-link-v2.txt` (port number 3, not ifindex rank).
    let s = lab();
    check(
        &s,
        "lab",
        "ip -4 addr show",
        include_str!("../testdata/lab-ip-4-addr.txt"),
    );
    check(
        &s,
        "lab",
        "ip -d link show dev v2",
        include_str!("../testdata/lab-ip-d-link-v2.txt"),
    );
    // `ip -d addr show dev v2 | mask > lab-ip-d-addr-v2.txt`: details, then addresses.
    let d = include_str!("../testdata/lab-ip-d-addr-v2.txt");
    check(&s, "lab", "ip -d addr show dev v2", d);
}

#[test]
fn ip_brief() {
    // capture.sh lab: `ip -br link show`, `ip -br addr show`, `ip -br -4 addr show`.
    let s = lab();
    check(
        &s,
        "lab",
        "ip -br link show",
        include_str!("../testdata/lab-ip-br-link.txt"),
    );
    check(
        &s,
        "lab",
        "ip -br a",
        include_str!("../testdata/lab-ip-br-addr.txt"),
    );
    check(
        &s,
        "lab",
        "ip -brief -4 addr show",
        include_str!("../testdata/lab-ip-br-4-addr.txt"),
    );
    // Checked by hand: a 19-character `NAME@ifN` overflows the 16 columns by one space.
    let h = host();
    let line =
        "vetha847f37@if2  UP             6a:1f:0e:3c:5d:02 <BROADCAST,MULTICAST,UP,LOWER_UP> \n";
    check(&h, "host", "ip -br link show vetha847f37", line);
}

#[test]
fn ip_route_show() {
    let s = host();
    // `ip route show > host-ip-route.txt`, and in the container.
    for cmd in [
        "ip route show",
        "ip r",
        "ip ro sh",
        "ip route list",
        "ip -4 route",
        "ip route show table main",
    ] {
        check(
            &s,
            "host",
            cmd,
            include_str!("../testdata/host-ip-route.txt"),
        );
    }
    check(
        &s,
        CTR,
        "ip route",
        include_str!("../testdata/ctr-ip-route.txt"),
    );
    // capture.sh lab: via, proto static, scope link, /32, onlink; `dev` drops `dev X`.
    let l = lab();
    check(
        &l,
        "lab",
        "ip route show",
        include_str!("../testdata/lab-ip-route.txt"),
    );
    check(
        &l,
        "lab",
        "ip route show dev br0",
        include_str!("../testdata/lab-ip-route-dev-br0.txt"),
    );
}

#[test]
fn ip_netns_list_id() {
    // `ip netns list-id > host-ip-netns-list-id.txt` / `ctr-ip-netns-list-id.txt`
    check(
        &host(),
        "host",
        "ip netns list-id",
        include_str!("../testdata/host-ip-netns-list-id.txt"),
    );
    check(
        &host(),
        CTR,
        "ip netns list-id",
        include_str!("../testdata/ctr-ip-netns-list-id.txt"),
    );
    check(&lab(), "lab", "ip netns list-id", "");
}

#[test]
fn ip_errors() {
    // Checked by hand: `ip link show dev nosuch`, `ip link show nosuch`, `ip addr show dev
    // nosuch` print `Device "nosuch" does not exist.` and exit 1; `ip route show dev nosuch`
    // prints `Cannot find device "nosuch"` and exits 1; `ip link show dev` exits 255.
    let s = host();
    for cmd in [
        "ip link show dev nosuch",
        "ip link show nosuch",
        "ip addr show dev nosuch",
        "ip -j link show dev nosuch",
    ] {
        let out = run_in(&s, "host", cmd).unwrap();
        assert_eq!(out.stderr, "Device \"nosuch\" does not exist.\n", "{cmd}");
        assert_eq!((out.stdout.as_str(), out.exit), ("", 1), "{cmd}");
    }
    let out = run_in(&s, "host", "ip route show dev nosuch").unwrap();
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        ("Cannot find device \"nosuch\"\n", 1)
    );
    let out = run_in(&s, "host", "ip link show dev").unwrap();
    assert_eq!(
        out.stderr,
        "Command line is not complete. Try option \"help\"\n"
    );
    assert_eq!(out.exit, 255);
    // `ip -4 a s v1` with no IPv4 address prints nothing.
    assert_eq!(
        run_in(&s, "host", "ip -4 a s veth357f9b6").unwrap().stdout,
        ""
    );
}

#[test]
fn unsupported_forms_are_none() {
    let s = host();
    // `ip link s` is `ip link set`; `ip a d` is `ip addr del`; the rest is not modelled.
    for cmd in [
        "ip link s",
        "ip a d",
        "ip -s link",
        "ip -6 route",
        "ip neigh",
        "ip -b a",
        "ip -br -j a",
        "foo",
        "ip",
    ] {
        assert!(run_in(&s, "host", cmd).is_none(), "{cmd}");
    }
    assert!(run_in(&s, "nosuchns", "ip a").is_none());
}

#[test]
fn ip_family_with_device() {
    // Checked by hand: `ip -6 a s lo` keeps the full header (a single-link request, not the
    // AF_INET6 dump) but drops the link line.
    let s = host();
    let lo = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default \
              qlen 1000\n    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft \
              forever\n";
    check(&s, "host", "ip -6 a s lo", lo);
}
