//! `ip -j` and `bridge -j` output against `testdata/` (see `capture.sh` for the commands).

use super::check;
use super::fixtures::{host, lab, CTR};

#[test]
fn ip_json_link() {
    // `ip -j link show > host-ip-j-link.txt`
    check(
        &host(),
        "host",
        "ip -j link show",
        include_str!("../testdata/host-ip-j-link.txt"),
    );
    check(
        &host(),
        "host",
        "ip -json link",
        include_str!("../testdata/host-ip-j-link.txt"),
    );
}

#[test]
fn ip_json_detail_link() {
    // `ip -d -j link show | mask > host-ip-d-j-link.txt`, and in the container.
    check(
        &host(),
        "host",
        "ip -d -j link show",
        include_str!("../testdata/host-ip-d-j-link.txt"),
    );
    check(
        &host(),
        "host",
        "ip -j -d link",
        include_str!("../testdata/host-ip-d-j-link.txt"),
    );
    check(
        &host(),
        CTR,
        "ip -d -j link show",
        include_str!("../testdata/ctr-ip-d-j-link.txt"),
    );
}

#[test]
fn ip_json_addr() {
    // `ip -j addr show > host-ip-j-addr.txt`, `ctr-ip-j-addr.txt`, `ip -j -4 addr show`.
    check(
        &host(),
        "host",
        "ip -j addr show",
        include_str!("../testdata/host-ip-j-addr.txt"),
    );
    check(
        &host(),
        CTR,
        "ip -j addr show",
        include_str!("../testdata/ctr-ip-j-addr.txt"),
    );
    check(
        &host(),
        CTR,
        "ip -j -4 addr show",
        include_str!("../testdata/ctr-ip-j-4-addr.txt"),
    );
    // capture.sh lab: `ip -j addr show dev br0 > lab-ip-j-addr-br0.txt`
    check(
        &lab(),
        "lab",
        "ip -j addr show dev br0",
        include_str!("../testdata/lab-ip-j-addr-br0.txt"),
    );
}

#[test]
fn ip_json_more_shapes() {
    // capture.sh lab: `ip -j -6 addr show` (AF_INET6 dump members only),
    // `ip -j link show dev v3` (M-DOWN), `bridge -j link show` (local peers, port states).
    let s = lab();
    check(
        &s,
        "lab",
        "ip -j -6 addr show",
        include_str!("../testdata/lab-ip-j-6-addr.txt"),
    );
    check(
        &s,
        "lab",
        "ip -j link show dev v3",
        include_str!("../testdata/lab-ip-j-link-v3.txt"),
    );
    check(
        &s,
        "lab",
        "bridge -j link show",
        include_str!("../testdata/lab-bridge-j-link.txt"),
    );
    // `ip -d -j -4 addr show dev br0`: `-d` brings the link-layer members back.
    let d = include_str!("../testdata/lab-ip-d-j-4-addr-br0.txt");
    check(&s, "lab", "ip -d -j -4 addr show dev br0", d);
}

#[test]
fn ip_json_route() {
    // `ip -j route show > host-ip-j-route.txt`, `ctr-ip-j-route.txt`, `lab-ip-j-route.txt`.
    check(
        &host(),
        "host",
        "ip -j route show",
        include_str!("../testdata/host-ip-j-route.txt"),
    );
    check(
        &host(),
        CTR,
        "ip -j r",
        include_str!("../testdata/ctr-ip-j-route.txt"),
    );
    check(
        &lab(),
        "lab",
        "ip -j route show",
        include_str!("../testdata/lab-ip-j-route.txt"),
    );
}

#[test]
fn json_empty_lists() {
    // Checked by hand: `ip -j netns list-id` with no nsids prints `[]`, `bridge -j link` with
    // no ports prints `[]` (as dockerd's recorded 02-kstate-bridge-link.json).
    check(&lab(), "lab", "ip -j netns list-id", "[]\n");
    check(&host(), CTR, "bridge -j link", "[]\n");
    check(
        &host(),
        "host",
        "ip -j netns list-id",
        "[{\"nsid\":0},{\"nsid\":1}]\n",
    );
}

#[test]
fn bridge_json_link() {
    // `bridge -j link show > host-bridge-j-link.txt`
    check(
        &host(),
        "host",
        "bridge -j link show",
        include_str!("../testdata/host-bridge-j-link.txt"),
    );
    check(
        &host(),
        "host",
        "bridge -j link",
        include_str!("../testdata/host-bridge-j-link.txt"),
    );
}
