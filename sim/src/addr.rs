//! IPv4 and IPv6 addresses.
//!
//! Facts (6.18, `ip -j addr` in scratch namespaces):
//! - a duplicate (same address and prefix length) is EEXIST; deleting an address that is not
//!   there, or with another prefix length, is EADDRNOTAVAIL ("ipv4: Address not found"); the
//!   same address on another device is fine;
//! - a second address inside a prefix already on the device with the same length is
//!   `secondary`; a different length makes another primary;
//! - list order: primaries in insertion order (a new primary goes after the last primary of
//!   equal or wider scope), secondaries after them in insertion order
//!   (10.0.0.1/24, 172.20.0.1/16, 10.0.0.7/25, 9.0.0.1/8, then secondary 10.0.0.2/24);
//! - `promote_secondaries` is 0 in a fresh namespace: deleting a primary deletes its
//!   secondaries too;
//! - `brd` is present only when asked for (`brd +`); labels are the device name;
//! - IPv6: a device gets fe80::/64 (EUI-64 of its MAC at that moment, `scope link`) once it is
//!   up AND ready (carrier, operstate up); lo gets ::1/128 `scope host`; all are dropped on
//!   down and re-made on the next up (with the MAC of that time); a MAC change on a configured
//!   device keeps the old link-local; `disable_ipv6=1` drops them and prevents new ones.

use std::net::{Ipv4Addr, Ipv6Addr};

use docknet_netstate::kernel::Errno;
use docknet_netstate::state::AddrScope;
use docknet_netstate::{Ipv4Cidr, Mac, NetnsName};

use crate::error::{fail, SimError};
use crate::link::DevKind;
use crate::{DevId, Sim};

/// One IPv4 address on a device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AddrEntry {
    /// Address and prefix length.
    pub(crate) cidr: Ipv4Cidr,
    /// `brd`, if set.
    pub(crate) broadcast: Option<Ipv4Addr>,
    /// `host` for 127/8 (what `ip addr add` asks for), else `global`.
    pub(crate) scope: AddrScope,
    /// The label.
    pub(crate) label: String,
    /// IFA_F_SECONDARY.
    pub(crate) secondary: bool,
}

/// Numeric route/address scope (RT_SCOPE_*), for the kernel's ordering rule.
fn scope_num(s: AddrScope) -> u8 {
    match s {
        AddrScope::Global => 0,
        AddrScope::Link => 253,
        AddrScope::Host => 254,
    }
}

/// fe80::/64 with the modified EUI-64 of `mac`.
pub(crate) fn link_local(mac: Mac) -> Ipv6Addr {
    let m = mac.0;
    Ipv6Addr::from([
        0xfe,
        0x80,
        0,
        0,
        0,
        0,
        0,
        0,
        m[0] ^ 0x02,
        m[1],
        m[2],
        0xff,
        0xfe,
        m[3],
        m[4],
        m[5],
    ])
}

impl Sim {
    /// `inet_insert_ifa`: EEXIST for a duplicate, else insert in kernel order; returns whether
    /// the new address is primary.
    fn insert_ifa(&mut self, id: DevId, new: AddrEntry) -> Result<bool, SimError> {
        let dev = self.dev_mut(id);
        let mut new = new;
        let mut last_primary = 0usize;
        for (i, a) in dev.addrs.iter().enumerate() {
            if !a.secondary && scope_num(new.scope) <= scope_num(a.scope) {
                last_primary = i + 1;
            }
            if a.cidr.prefix == new.cidr.prefix && a.cidr.masked() == new.cidr.masked() {
                if a.cidr.addr == new.cidr.addr {
                    return fail(Errno::EEXIST);
                }
                if a.scope != new.scope {
                    return fail(Errno::EINVAL);
                }
                new.secondary = true;
            }
        }
        let primary = !new.secondary;
        if primary {
            dev.addrs.insert(last_primary, new);
        } else {
            dev.addrs.push(new);
        }
        Ok(primary)
    }

    /// `ip addr add CIDR [brd +] dev DEV`.
    pub(crate) fn addr_add(
        &mut self,
        ns: &NetnsName,
        dev: &str,
        cidr: Ipv4Cidr,
        broadcast: bool,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, dev)?;
        // rtm_to_ifaddr marks the device's IPv4 conf as written before inserting.
        self.dev_mut(id).conf4.mark_all_written();
        let scope = if cidr.addr.octets()[0] == 127 {
            AddrScope::Host
        } else {
            AddrScope::Global
        };
        let entry = AddrEntry {
            cidr,
            broadcast: (broadcast && cidr.prefix < 31).then(|| cidr.broadcast()),
            scope,
            label: self.dev(id).name.clone(),
            secondary: false,
        };
        if self.insert_ifa(id, entry)? && self.dev(id).up {
            self.add_prefix_route(id, cidr);
        }
        Ok(())
    }

    /// `ip addr del CIDR dev DEV`.
    pub(crate) fn addr_del(
        &mut self,
        ns: &NetnsName,
        dev: &str,
        cidr: Ipv4Cidr,
    ) -> Result<(), SimError> {
        let (_, id) = self.lookup(ns, dev)?;
        let d = self.dev_mut(id);
        let Some(pos) = d.addrs.iter().position(|a| a.cidr == cidr) else {
            return fail(Errno::EADDRNOTAVAIL);
        };
        let gone = d.addrs.remove(pos);
        if !gone.secondary {
            // promote_secondaries=0: the primary's secondaries go with it.
            d.addrs.retain(|a| {
                !(a.secondary && a.cidr.prefix == cidr.prefix && cidr.contains(a.cidr.addr))
            });
            self.del_prefix_route(id, cidr);
        }
        if self.dev(id).addrs.is_empty() {
            // The last IPv4 address gone: fib_disable_ip drops every route through the device.
            self.fib_dev_gone(id);
        }
        Ok(())
    }

    /// inetdev NETDEV_UP on a loopback: 127.0.0.1/8 scope host, unless already there.
    pub(crate) fn lo_add_loopback_addr(&mut self, id: DevId) {
        let entry = AddrEntry {
            cidr: Ipv4Cidr::new(Ipv4Addr::LOCALHOST, 8),
            broadcast: None,
            scope: AddrScope::Host,
            label: self.dev(id).name.clone(),
            secondary: false,
        };
        let _ = self.insert_ifa(id, entry);
    }

    /// Whether IPv6 is disabled on the device (`net.ipv6.conf.<if>.disable_ipv6`).
    fn ipv6_disabled(&self, id: DevId) -> bool {
        self.dev(id).conf6.disable_ipv6() != 0
    }

    /// addrconf NETDEV_UP: lo gets ::1; others the link-local once ready.
    pub(crate) fn addrconf_up(&mut self, id: DevId) {
        if self.ipv6_disabled(id) {
            return;
        }
        if matches!(self.dev(id).kind, DevKind::Loopback) {
            let d = self.dev_mut(id);
            if !d.addrs6.iter().any(|(a, _)| *a == Ipv6Addr::LOCALHOST) {
                d.addrs6.push((Ipv6Addr::LOCALHOST, 128));
            }
            d.v6_ready = true;
            return;
        }
        self.addrconf_change(id);
    }

    /// addrconf NETDEV_CHANGE: configure the link-local the first time the link is ready.
    pub(crate) fn addrconf_change(&mut self, id: DevId) {
        if self.ipv6_disabled(id) {
            return;
        }
        let d = self.dev_mut(id);
        if d.v6_ready || !d.up || !d.carrier || !d.oper_up() {
            return;
        }
        d.v6_ready = true;
        if !matches!(d.kind, DevKind::Loopback) {
            let ll = link_local(d.mac);
            d.addrs6.push((ll, 64));
        }
    }

    /// addrconf NETDEV_DOWN (or disable_ipv6=1): every IPv6 address goes.
    pub(crate) fn addrconf_down(&mut self, id: DevId) {
        let d = self.dev_mut(id);
        d.addrs6.clear();
        d.v6_ready = false;
    }

    /// `disable_ipv6` flipped on a device: drop or (if up) re-make its IPv6 addresses.
    pub(crate) fn ipv6_disable_changed(&mut self, id: DevId) {
        if self.ipv6_disabled(id) {
            self.addrconf_down(id);
        } else if self.dev(id).up {
            self.addrconf_up(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Errno, Ipv4Cidr, Kernel, LinkAddKind, Mac, NetnsName, Op};

    use super::link_local;
    use crate::Sim;

    fn c(s: &str) -> Ipv4Cidr {
        Ipv4Cidr::parse(s).unwrap()
    }

    fn add(sim: &mut Sim, s: &str, brd: bool) -> Result<(), Option<Errno>> {
        sim.apply(&Op::AddrAdd {
            ns: NetnsName::host(),
            dev: "v1".into(),
            addr: c(s),
            broadcast: brd,
        })
        .map_err(|e| e.errno_value())
    }

    fn setup() -> Sim {
        let mut sim = Sim::new();
        sim.apply(&Op::LinkAdd {
            ns: NetnsName::host(),
            name: "v1".into(),
            mac: None,
            kind: LinkAddKind::Veth {
                peer: "p1".into(),
                peer_ns: None,
                peer_mac: None,
            },
        })
        .unwrap();
        sim
    }

    #[test]
    fn kernel_list_order_and_secondaries() {
        let mut sim = setup();
        for a in ["10.0.0.1/24", "10.0.0.2/24", "172.20.0.1/16", "10.0.0.7/25"] {
            add(&mut sim, a, false).unwrap();
        }
        add(&mut sim, "9.0.0.1/8", true).unwrap();
        assert_eq!(
            add(&mut sim, "10.0.0.1/24", false),
            Err(Some(Errno::EEXIST))
        );
        let st = sim.observe().unwrap();
        let got: Vec<String> = st.host().addrs.iter().map(|a| a.cidr.to_string()).collect();
        assert_eq!(
            got,
            [
                "10.0.0.1/24",
                "172.20.0.1/16",
                "10.0.0.7/25",
                "9.0.0.1/8",
                "10.0.0.2/24"
            ]
        );
        assert!(st.host().addrs[4].secondary);
        assert_eq!(
            st.host().addrs[3].broadcast.unwrap().to_string(),
            "9.255.255.255"
        );
        assert_eq!(st.host().addrs[0].broadcast, None);
        let del = |s: &str| Op::AddrDel {
            ns: NetnsName::host(),
            dev: "v1".into(),
            addr: c(s),
        };
        let e = sim.apply(&del("10.0.0.1/16")).unwrap_err();
        assert_eq!(e.errno_value(), Some(Errno::EADDRNOTAVAIL));
        sim.apply(&del("10.0.0.1/24")).unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(
            st.host().addrs.len(),
            3,
            "the secondary went with its primary"
        );
    }

    #[test]
    fn eui64_link_local() {
        let ll = link_local(Mac([0x02, 0x42, 0xac, 0x11, 0x00, 0x00]));
        assert_eq!(ll.to_string(), "fe80::42:acff:fe11:0");
        let ll = link_local(Mac([0xf6, 0x33, 0xa8, 0xdd, 0xbf, 0xe3]));
        assert_eq!(ll.to_string(), "fe80::f433:a8ff:fedd:bfe3");
    }
}
