//! Per-namespace sysctls: the `net.*` keys docknet reads or writes.
//!
//! Facts (6.18, `sysctl -a` and `sysctl -w` in scratch namespaces):
//! - fresh namespace: `ip_forward` 0; `conf.{all,default,lo}`: accept_redirects 1,
//!   forwarding 0, proxy_arp 0, route_localnet 0, rp_filter 0, send_redirects 1; IPv6
//!   `conf.{all,default,lo}`: accept_ra 1, disable_ipv6 0, forwarding 0; `net.bridge`:
//!   bridge-nf-call-{arptables,ip6tables,iptables} 1, filter-pppoe-tagged 0,
//!   filter-vlan-tagged 0, pass-vlan-input-dev 0 — per namespace (a write in one namespace
//!   leaves the others alone; a new namespace never inherits the host's writes);
//! - a new device copies `default` (IPv4 and IPv6), keys follow renames, and a device moved
//!   to another namespace starts again from that namespace's `default`;
//! - `ip_forward` IS `conf.all.forwarding`; changing it also sets `default.forwarding` and
//!   every device's `forwarding` to the value and `all.accept_redirects` to its negation;
//!   writing `<if>.forwarding` or `default.forwarding` changes only that key;
//! - IPv4 `default.<key>` writes (other than forwarding) reach devices that never had that
//!   key written, including by inheritance (`devinet_copy_dflt_conf`); adding an IPv4 address
//!   through netlink marks every key of the device written (`ipv4_devconf_setall`): after
//!   `default.rp_filter=2`, br0/v1x/lo showed 2 but p1 and br2, which had addresses, kept 0;
//! - IPv6 `all.forwarding` and `all.disable_ipv6` also set `default` and every device;
//!   IPv6 `default` writes change only `default`; other keys are plain values;
//! - values are stored as written integers (`ip_forward=7` reads back 7); a missing key is
//!   ENOENT ("cannot stat /proc/sys/...").

use std::collections::BTreeMap;

use docknet_netstate::kernel::Errno;
use docknet_netstate::NetnsName;

use crate::error::{fail, SimError};
use crate::{DevId, NetId, Sim};

/// Per-interface IPv4 keys (`net.ipv4.conf.<if>.<key>`), in `sysctl -a` order.
pub(crate) const CONF4_KEYS: [&str; 6] = [
    "accept_redirects",
    "forwarding",
    "proxy_arp",
    "route_localnet",
    "rp_filter",
    "send_redirects",
];
/// Fresh values of [`CONF4_KEYS`].
const CONF4_FRESH: [i64; 6] = [1, 0, 0, 0, 0, 1];
/// Index of `forwarding` in [`CONF4_KEYS`].
const FORWARDING4: usize = 1;
/// Index of `accept_redirects` in [`CONF4_KEYS`].
const ACCEPT_REDIRECTS4: usize = 0;

/// Per-interface IPv6 keys (`net.ipv6.conf.<if>.<key>`), in `sysctl -a` order.
pub(crate) const CONF6_KEYS: [&str; 3] = ["accept_ra", "disable_ipv6", "forwarding"];
/// Fresh values of [`CONF6_KEYS`].
const CONF6_FRESH: [i64; 3] = [1, 0, 0];
/// Index of `disable_ipv6` in [`CONF6_KEYS`].
const DISABLE6: usize = 1;
/// Index of `forwarding` in [`CONF6_KEYS`].
const FORWARDING6: usize = 2;

/// `net.bridge.*` keys and fresh values; only the first three are observed (as the real
/// backend reads them).
pub(crate) const BRIDGE_KEYS: [(&str, i64); 6] = [
    ("bridge-nf-call-arptables", 1),
    ("bridge-nf-call-ip6tables", 1),
    ("bridge-nf-call-iptables", 1),
    ("bridge-nf-filter-pppoe-tagged", 0),
    ("bridge-nf-filter-vlan-tagged", 0),
    ("bridge-nf-pass-vlan-input-dev", 0),
];
/// How many of [`BRIDGE_KEYS`] `observe` reports.
pub(crate) const BRIDGE_OBSERVED: usize = 3;

/// Other real keys docknet may write but never observes: accepted (and remembered, so a
/// write never fails where the kernel's would succeed) without modelling any effect.
const UNOBSERVED_GLOBAL: &[&str] = &[
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_nonlocal_bind",
    "net.ipv6.ip_nonlocal_bind",
    "net.core.somaxconn",
];
/// Real per-interface IPv4 keys outside [`CONF4_KEYS`] (accepted, not modelled).
const UNOBSERVED_CONF4: &[&str] = &[
    "arp_accept",
    "arp_announce",
    "arp_filter",
    "arp_ignore",
    "arp_notify",
    "accept_local",
    "log_martians",
    "promote_secondaries",
    "secure_redirects",
    "shared_media",
    "src_valid_mark",
    "disable_policy",
    "disable_xfrm",
    "drop_gratuitous_arp",
    "ignore_routes_with_linkdown",
    "bc_forwarding",
    "proxy_arp_pvlan",
    "mc_forwarding",
];
/// Real per-interface IPv6 keys outside [`CONF6_KEYS`] (accepted, not modelled).
const UNOBSERVED_CONF6: &[&str] = &[
    "accept_dad",
    "addr_gen_mode",
    "autoconf",
    "dad_transmits",
    "keep_addr_on_down",
    "mtu",
    "use_tempaddr",
    "hop_limit",
    "router_solicitations",
    "accept_ra_defrtr",
    "proxy_ndp",
    "ignore_routes_with_linkdown",
    "disable_policy",
];

/// An IPv4 interface configuration, with the "explicitly written" bit per key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Conf4 {
    /// Values, indexed like [`CONF4_KEYS`].
    pub(crate) values: [i64; 6],
    /// `cnf->state`: the key was written (here or, by inheritance, on `default`).
    written: [bool; 6],
}

/// An IPv6 interface configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Conf6 {
    /// Values, indexed like [`CONF6_KEYS`].
    pub(crate) values: [i64; 3],
}

impl Conf4 {
    /// `ipv4_devconf_setall`: every key counts as written (an address was added through
    /// netlink), so later `default` writes no longer reach this device.
    pub(crate) fn mark_all_written(&mut self) {
        self.written = [true; 6];
    }
}

impl Conf6 {
    /// `disable_ipv6`.
    pub(crate) fn disable_ipv6(&self) -> i64 {
        self.values[DISABLE6]
    }
}

/// A namespace's own sysctls.
#[derive(Clone, Debug)]
pub(crate) struct NetSysctl {
    /// `net.ipv4.conf.all` (its forwarding is `net.ipv4.ip_forward`).
    pub(crate) all4: Conf4,
    /// `net.ipv4.conf.default`.
    pub(crate) default4: Conf4,
    /// `net.ipv6.conf.all`.
    pub(crate) all6: Conf6,
    /// `net.ipv6.conf.default`.
    pub(crate) default6: Conf6,
    /// `net.bridge.*`, indexed like [`BRIDGE_KEYS`].
    pub(crate) bridge: [i64; 6],
    /// Writes to real but unmodelled keys, by key.
    pub(crate) unobserved: BTreeMap<String, String>,
}

impl Default for NetSysctl {
    fn default() -> Self {
        let c4 = Conf4 {
            values: CONF4_FRESH,
            written: [false; 6],
        };
        let c6 = Conf6 {
            values: CONF6_FRESH,
        };
        NetSysctl {
            all4: c4,
            default4: c4,
            all6: c6,
            default6: c6,
            bridge: BRIDGE_KEYS.map(|(_, v)| v),
            unobserved: BTreeMap::new(),
        }
    }
}

impl NetSysctl {
    /// What a device registered now starts with: copies of `default`.
    pub(crate) fn defaults_for_new_dev(&self) -> (Conf4, Conf6) {
        (self.default4, self.default6)
    }
}

/// Which configuration a `conf.<if>` key names.
enum Target {
    All,
    Default,
    Dev(DevId),
}

/// `proc_dointvec`: an integer (surrounding whitespace allowed), else EINVAL.
fn parse_int(value: &str) -> Result<i64, SimError> {
    match value.trim().parse::<i32>() {
        Ok(v) => Ok(i64::from(v)),
        Err(_) => fail(Errno::EINVAL),
    }
}

impl Sim {
    /// Resolves `all`, `default` or a device name in `net`.
    fn conf_target(&self, net: NetId, ifname: &str) -> Result<Target, SimError> {
        match ifname {
            "all" => Ok(Target::All),
            "default" => Ok(Target::Default),
            name => match self.net(net).by_name.get(name) {
                Some(id) => Ok(Target::Dev(*id)),
                None => fail(Errno::ENOENT),
            },
        }
    }

    /// The devices of `net`, in ifindex order.
    fn devs_of(&self, net: NetId) -> Vec<DevId> {
        self.net(net).by_index.values().copied().collect()
    }

    /// `sysctl -w KEY=VALUE` inside `ns`.
    pub(crate) fn sysctl_set(
        &mut self,
        ns: &NetnsName,
        key: &str,
        value: &str,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if key == "net.ipv4.ip_forward" {
            let v = parse_int(value)?;
            self.set_conf4(net, Target::All, FORWARDING4, v);
            return Ok(());
        }
        if let Some(k) = key.strip_prefix("net.bridge.") {
            let Some(i) = BRIDGE_KEYS.iter().position(|(n, _)| *n == k) else {
                return fail(Errno::ENOENT);
            };
            let v = parse_int(value)?;
            self.net_mut(net).sysctl.bridge[i] = v;
            return Ok(());
        }
        if let Some(rest) = key.strip_prefix("net.ipv4.conf.") {
            let Some((ifname, k)) = rest.rsplit_once('.') else {
                return fail(Errno::ENOENT);
            };
            let t = self.conf_target(net, ifname)?;
            let Some(i) = CONF4_KEYS.iter().position(|n| *n == k) else {
                return self.set_unobserved(net, UNOBSERVED_CONF4.contains(&k), key, value);
            };
            let v = parse_int(value)?;
            self.set_conf4(net, t, i, v);
            return Ok(());
        }
        if let Some(rest) = key.strip_prefix("net.ipv6.conf.") {
            let Some((ifname, k)) = rest.rsplit_once('.') else {
                return fail(Errno::ENOENT);
            };
            let t = self.conf_target(net, ifname)?;
            let Some(i) = CONF6_KEYS.iter().position(|n| *n == k) else {
                return self.set_unobserved(net, UNOBSERVED_CONF6.contains(&k), key, value);
            };
            let v = parse_int(value)?;
            self.set_conf6(net, t, i, v);
            return Ok(());
        }
        let known = UNOBSERVED_GLOBAL.contains(&key);
        self.set_unobserved(net, known, key, value)
    }

    /// Remembers a write to a real but unmodelled key; ENOENT for a key the kernel lacks.
    fn set_unobserved(
        &mut self,
        net: NetId,
        known: bool,
        key: &str,
        value: &str,
    ) -> Result<(), SimError> {
        if !known {
            return fail(Errno::ENOENT);
        }
        let v = value.trim().to_string();
        self.net_mut(net)
            .sysctl
            .unobserved
            .insert(key.to_string(), v);
        Ok(())
    }

    /// One IPv4 conf write, with the kernel's couplings.
    fn set_conf4(&mut self, net: NetId, t: Target, i: usize, v: i64) {
        let devs = self.devs_of(net);
        if i == FORWARDING4 {
            match t {
                Target::All => {
                    let s = &mut self.net_mut(net).sysctl;
                    if s.all4.values[FORWARDING4] == v {
                        return;
                    }
                    // inet_forward_change.
                    s.all4.values[FORWARDING4] = v;
                    s.all4.values[ACCEPT_REDIRECTS4] = i64::from(v == 0);
                    s.default4.values[FORWARDING4] = v;
                    for d in devs {
                        self.dev_mut(d).conf4.values[FORWARDING4] = v;
                    }
                }
                Target::Default => self.net_mut(net).sysctl.default4.values[FORWARDING4] = v,
                Target::Dev(d) => self.dev_mut(d).conf4.values[FORWARDING4] = v,
            }
            return;
        }
        match t {
            Target::All => {
                let c = &mut self.net_mut(net).sysctl.all4;
                c.values[i] = v;
                c.written[i] = true;
            }
            Target::Default => {
                let c = &mut self.net_mut(net).sysctl.default4;
                c.values[i] = v;
                c.written[i] = true;
                // devinet_copy_dflt_conf: devices that never had the key written follow.
                for d in devs {
                    let c = &mut self.dev_mut(d).conf4;
                    if !c.written[i] {
                        c.values[i] = v;
                    }
                }
            }
            Target::Dev(d) => {
                let c = &mut self.dev_mut(d).conf4;
                c.values[i] = v;
                c.written[i] = true;
            }
        }
    }

    /// One IPv6 conf write, with the kernel's couplings.
    fn set_conf6(&mut self, net: NetId, t: Target, i: usize, v: i64) {
        let devs = self.devs_of(net);
        match t {
            Target::All => {
                let s = &mut self.net_mut(net).sysctl;
                s.all6.values[i] = v;
                if i == FORWARDING6 || i == DISABLE6 {
                    s.default6.values[i] = v;
                    for d in devs {
                        self.set_dev_conf6(d, i, v);
                    }
                }
            }
            Target::Default => self.net_mut(net).sysctl.default6.values[i] = v,
            Target::Dev(d) => self.set_dev_conf6(d, i, v),
        }
    }

    /// Sets one IPv6 key on a device; flipping `disable_ipv6` adds or drops its addresses.
    fn set_dev_conf6(&mut self, d: DevId, i: usize, v: i64) {
        let old = self.dev(d).conf6.values[i];
        self.dev_mut(d).conf6.values[i] = v;
        if i == DISABLE6 && (old == 0) != (v == 0) {
            self.ipv6_disable_changed(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Errno, Kernel, LinkAddKind, NetnsName, Op};

    use crate::Sim;

    fn set(sim: &mut Sim, key: &str, value: &str) -> Result<(), Option<Errno>> {
        sim.apply(&Op::SysctlSet {
            ns: NetnsName::host(),
            key: key.into(),
            value: value.into(),
        })
        .map_err(|e| e.errno_value())
    }

    fn get(sim: &mut Sim, key: &str) -> String {
        sim.observe().unwrap().host().sysctls[key].clone()
    }

    #[test]
    fn ip_forward_couples_and_devices_inherit_default() {
        let mut sim = Sim::new();
        set(&mut sim, "net.ipv4.conf.default.rp_filter", "2").unwrap();
        sim.apply(&Op::LinkAdd {
            ns: NetnsName::host(),
            name: "br0".into(),
            mac: None,
            kind: LinkAddKind::Bridge,
        })
        .unwrap();
        assert_eq!(get(&mut sim, "net.ipv4.conf.br0.rp_filter"), "2");
        set(&mut sim, "net.ipv4.ip_forward", "1").unwrap();
        assert_eq!(get(&mut sim, "net.ipv4.conf.all.forwarding"), "1");
        assert_eq!(get(&mut sim, "net.ipv4.conf.all.accept_redirects"), "0");
        assert_eq!(get(&mut sim, "net.ipv4.conf.default.forwarding"), "1");
        assert_eq!(get(&mut sim, "net.ipv4.conf.br0.forwarding"), "1");
        assert_eq!(get(&mut sim, "net.ipv4.conf.lo.forwarding"), "1");
        set(&mut sim, "net.ipv4.conf.br0.forwarding", "0").unwrap();
        assert_eq!(get(&mut sim, "net.ipv4.ip_forward"), "1");
        assert_eq!(
            set(&mut sim, "net.nosuch.key", "1"),
            Err(Some(Errno::ENOENT))
        );
        assert_eq!(
            set(&mut sim, "net.ipv4.conf.nope.rp_filter", "1"),
            Err(Some(Errno::ENOENT))
        );
        set(&mut sim, "net.ipv6.conf.all.disable_ipv6", "1").unwrap();
        assert_eq!(get(&mut sim, "net.ipv6.conf.default.disable_ipv6"), "1");
        assert_eq!(get(&mut sim, "net.ipv6.conf.br0.disable_ipv6"), "1");
    }

    #[test]
    fn rename_carries_keys() {
        let mut sim = Sim::new();
        set(&mut sim, "net.ipv4.conf.lo.rp_filter", "2").unwrap();
        sim.apply(&Op::LinkSetName {
            ns: NetnsName::host(),
            name: "lo".into(),
            new_name: "lo0".into(),
        })
        .unwrap();
        assert_eq!(get(&mut sim, "net.ipv4.conf.lo0.rp_filter"), "2");
        assert!(!sim
            .observe()
            .unwrap()
            .host()
            .sysctls
            .contains_key("net.ipv4.conf.lo.rp_filter"));
    }
}
