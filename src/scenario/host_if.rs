//! `%host-if`: one interface of the scenario's host.
//!
//! `%host-if ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink`
//! declares a NIC. docknet builds it as a veth whose peer lives in the "outside" namespace;
//! when a gateway is given, the peer owns the gateway address (the upstream router) and the
//! host gets a default route through it. `down` leaves the interface administratively down
//! (and then it may have no address or gateway), like the tutorial's unused `ens192`.

use std::net::Ipv4Addr;

use docknet_engine::{Ipv4Cidr, Mac};

/// Longest interface name Linux accepts (IFNAMSIZ - 1).
pub use docknet_netstate::op::IFNAME_MAX;

/// A declared host interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostIf {
    /// Interface name in the host namespace (and of its peer in "outside").
    pub name: String,
    /// Its MAC (`mac`, required: real NICs have fixed ones).
    pub mac: Mac,
    /// Addresses (`addr CIDR`, repeatable), added with a broadcast address like ifupdown does.
    pub addrs: Vec<Ipv4Cidr>,
    /// The upstream gateway (`gateway IP`): a default route via it, the address on the peer.
    pub gateway: Option<Ipv4Addr>,
    /// `onlink` after the gateway: the route carries the flag, as ifupdown on Ubuntu adds it.
    pub onlink: bool,
    /// `false` with `down`.
    pub up: bool,
}

impl HostIf {
    /// Parses the words after `%host-if`; the error says what was expected.
    pub fn parse(words: &[String]) -> Result<HostIf, String> {
        let mut it = words.iter().map(String::as_str).peekable();
        let name = it.next().ok_or("an interface name after %host-if")?;
        if name.is_empty() || name.len() > IFNAME_MAX || name.contains(['/', ' ', ':']) {
            return Err(format!(
                "an interface name of 1 to {IFNAME_MAX} characters, not `{name}`"
            ));
        }
        if name == "lo" {
            return Err("an interface name other than `lo` (lo always exists)".into());
        }
        let mut mac = None;
        let mut hif = HostIf {
            name: name.to_string(),
            mac: Mac::ZERO,
            addrs: Vec::new(),
            gateway: None,
            onlink: false,
            up: true,
        };
        while let Some(key) = it.next() {
            let mut value = |what: &str| {
                it.next()
                    .ok_or_else(|| format!("{what} after `{key}`"))
                    .map(str::to_string)
            };
            match key {
                "mac" => {
                    let v = value("a MAC address like 00:50:56:b4:47:61")?;
                    mac = Some(Mac::parse(&v).ok_or(format!("a MAC address, not `{v}`"))?);
                }
                "addr" => {
                    let v = value("an address like 10.190.16.120/24")?;
                    let cidr = Ipv4Cidr::parse(&v).ok_or(format!("an IPv4 CIDR, not `{v}`"))?;
                    hif.addrs.push(cidr);
                }
                "gateway" => {
                    let v = value("a gateway address like 10.190.16.1")?;
                    hif.gateway = Some(
                        v.parse()
                            .map_err(|_| format!("an IPv4 address, not `{v}`"))?,
                    );
                }
                "onlink" if hif.gateway.is_some() => hif.onlink = true,
                "down" => hif.up = false,
                other => {
                    return Err(format!(
                        "one of mac, addr, gateway, onlink (after gateway), down; not `{other}`"
                    ))
                }
            }
        }
        hif.mac = mac.ok_or("`mac MAC` in %host-if")?;
        hif.check()?;
        Ok(hif)
    }

    /// The address the outside peer takes: the gateway with the prefix that covers it.
    pub fn gateway_cidr(&self) -> Option<Ipv4Cidr> {
        let gw = self.gateway?;
        let covering = self.addrs.iter().find(|a| a.contains(gw))?;
        Some(Ipv4Cidr::new(gw, covering.prefix))
    }

    fn check(&self) -> Result<(), String> {
        if let Some(gw) = self.gateway {
            if !self.up {
                return Err(
                    "no gateway on a `down` interface (the route could not be added)".into(),
                );
            }
            if self.gateway_cidr().is_none() {
                return Err(format!("an `addr` whose prefix contains the gateway {gw}"));
            }
            if self.addrs.iter().any(|a| a.addr == gw) {
                return Err(format!(
                    "a gateway other than the interface's own address {gw}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<HostIf, String> {
        HostIf::parse(
            &line
                .split_whitespace()
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn tutorial_interfaces() {
        let ens160 =
            parse("ens160 mac 00:50:56:b4:47:61 addr 10.190.16.120/24 gateway 10.190.16.1 onlink")
                .unwrap();
        assert!(ens160.up && ens160.onlink);
        assert_eq!(ens160.gateway_cidr().unwrap().to_string(), "10.190.16.1/24");
        let ens192 = parse("ens192 mac 00:50:56:b4:9b:ec down").unwrap();
        assert!(!ens192.up && ens192.addrs.is_empty() && ens192.gateway.is_none());
    }

    #[test]
    fn refusals_say_what_was_expected() {
        assert!(parse("ens160").unwrap_err().contains("mac"));
        assert!(parse("ens160 mac zz").unwrap_err().contains("MAC"));
        assert!(parse("ens160 mac 00:50:56:b4:47:61 gateway 10.0.0.1")
            .unwrap_err()
            .contains("contains the gateway"));
        assert!(
            parse("ens160 mac 00:50:56:b4:47:61 addr 10.0.0.2/24 gateway 10.0.0.1 down").is_err()
        );
        assert!(parse("averyveryverylongname mac 00:50:56:b4:47:61").is_err());
        assert!(parse("ens160 mac 00:50:56:b4:47:61 onlink").is_err());
        assert!(parse("lo mac 00:50:56:b4:47:61").is_err());
    }
}
