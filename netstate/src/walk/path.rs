//! A packet's way through namespaces: a namespace's OUTPUT, POSTROUTING and layer 2 to the
//! next stack, bridged frames through br_netfilter, PREROUTING and the routing decision, and
//! FORWARD or INPUT. Each table of a hook is interpreted by [`super::netfilter`]; conntrack
//! classifies the packet once per namespace ([`super::conntrack`]).

use std::net::Ipv4Addr;

use super::conntrack::{self, Direction};
use super::netfilter::{run_table, Hook, Verdict};
use super::packet::{IcmpError, Packet, TcpFlags, L4};
use super::route::{self, RouteTo};
use super::segment;
use super::{Arrival, Step, WalkError, Walker};
use crate::op::{NetnsName, Table};
use crate::state::KernelState;

/// The interfaces a hook sees: `-i` (none for locally generated packets), `-o` (none on
/// the way in).
type Devs<'a> = (Option<&'a str>, Option<&'a str>);

impl Walker<'_> {
    /// Carries `pkt`, generated in `ns`, until a stack takes it or it is dropped. Also
    /// returns the source address the sender chose.
    pub(super) fn journey(
        &mut self,
        ns: &NetnsName,
        mut pkt: Packet,
    ) -> Result<(Arrival, Ipv4Addr), WalkError> {
        let here = &self.state.namespaces[ns];
        let route = route::lookup(here, pkt.dst);
        self.steps.push(Step::Route {
            ns: ns.clone(),
            dst: pkt.dst,
            to: route.clone(),
        });
        if pkt.src.is_unspecified() {
            pkt.src = match &route {
                RouteTo::Local => pkt.dst,
                RouteTo::Out { src: Some(s), .. } => *s,
                RouteTo::Out { .. } | RouteTo::Unreachable => {
                    return Ok((Arrival::Unroutable, pkt.src))
                }
            };
        }
        let src = pkt.src;
        let out_dev = match &route {
            RouteTo::Unreachable => return Ok((Arrival::Unroutable, src)),
            RouteTo::Local => "lo".to_string(),
            RouteTo::Out { dev_name, .. } => dev_name.clone(),
        };
        let dir = self.ct.classify(ns, &mut pkt, true);
        let hook: Devs<'_> = (None, Some(&out_dev));
        let tables: &[Table] = if dir == Direction::New {
            &[Table::Raw, Table::Mangle, Table::Nat, Table::Filter]
        } else {
            &[Table::Raw, Table::Mangle, Table::Filter]
        };
        let dst_before = pkt.dst;
        if let Some(end) = self.hook(ns, "OUTPUT", tables, &mut pkt, &hook, dir)? {
            return Ok((end, src));
        }
        // A DNAT in OUTPUT reroutes.
        let route = if pkt.dst != dst_before {
            route::lookup(here, pkt.dst)
        } else {
            route
        };
        let arrival = match route {
            RouteTo::Local => self.local_in(ns, "lo", pkt, dir)?,
            RouteTo::Out {
                dev,
                next_hop,
                dev_name,
                ..
            } => self.egress(ns, dev, &dev_name, next_hop, None, pkt, dir)?,
            RouteTo::Unreachable => Arrival::Unroutable,
        };
        Ok((arrival, src))
    }

    /// Runs `tables` of one hook; `Some` when the packet ends there.
    fn hook(
        &mut self,
        ns: &NetnsName,
        chain: &str,
        tables: &[Table],
        pkt: &mut Packet,
        devs: &Devs<'_>,
        dir: Direction,
    ) -> Result<Option<Arrival>, WalkError> {
        let h = &Hook {
            ns: &self.state.namespaces[ns],
            in_dev: devs.0,
            out_dev: devs.1,
            ct: dir.state(),
        };
        for &t in tables {
            if t == Table::Nat && dir != Direction::New {
                continue;
            }
            let mut hits = Vec::new();
            let verdict = run_table(t, chain, pkt, h, &mut hits)?;
            if !hits.is_empty() {
                self.steps.push(Step::Rules {
                    ns: ns.clone(),
                    hits,
                    verdict: verdict.clone(),
                });
            }
            match verdict {
                Verdict::Accept => {}
                Verdict::Drop => return Ok(Some(Arrival::Dropped)),
                Verdict::Reject(with) => {
                    return Ok(Some(Arrival::Rejected {
                        ns: ns.clone(),
                        pkt: *pkt,
                        with,
                    }))
                }
                Verdict::Dnat(to) => {
                    let before = *pkt;
                    if let Some(a) = to.addr {
                        pkt.dst = a;
                    }
                    if let (Some((lo, _)), Some((s, _))) = (to.ports, pkt.ports()) {
                        *pkt = pkt.with_ports(s, lo);
                    }
                    self.ct.nat(ns, &before, pkt);
                    self.steps.push(Step::Nat {
                        ns: ns.clone(),
                        what: "DNAT".into(),
                        before,
                        after: *pkt,
                    });
                }
                Verdict::Snat(_) | Verdict::Masquerade => {
                    let before = *pkt;
                    let new_src = match &verdict {
                        Verdict::Snat(to) => to.addr,
                        _ => h
                            .out_dev
                            .and_then(|d| h.ns.link_by_name(d))
                            .and_then(|l| h.ns.addrs_of(l.ifindex).next())
                            .map(|a| a.cidr.addr),
                    };
                    if let Some(a) = new_src {
                        pkt.src = a;
                    }
                    self.ct.nat(ns, &before, pkt);
                    let what = if verdict == Verdict::Masquerade {
                        "MASQUERADE"
                    } else {
                        "SNAT"
                    };
                    self.steps.push(Step::Nat {
                        ns: ns.clone(),
                        what: what.into(),
                        before,
                        after: *pkt,
                    });
                }
            }
        }
        Ok(None)
    }

    /// POSTROUTING, then layer 2 to whoever answers for `next_hop`, then that stack's ingress.
    #[allow(clippy::too_many_arguments)]
    fn egress(
        &mut self,
        ns: &NetnsName,
        dev: u32,
        dev_name: &str,
        next_hop: Ipv4Addr,
        in_dev: Option<&str>,
        mut pkt: Packet,
        dir: Direction,
    ) -> Result<Arrival, WalkError> {
        let here = &self.state.namespaces[ns];
        if pkt.src.octets()[0] == 127
            && !sysctl_on(here, &format!("net.ipv4.conf.{dev_name}.route_localnet"))
        {
            self.steps.push(Step::Drop {
                ns: ns.clone(),
                why: format!(
                    "martian source {} on {dev_name} (route_localnet=0)",
                    pkt.src
                ),
            });
            return Ok(Arrival::Dropped);
        }
        let hook: Devs<'_> = (in_dev, Some(dev_name));
        if let Some(end) = self.hook(
            ns,
            "POSTROUTING",
            &[Table::Mangle, Table::Nat],
            &mut pkt,
            &hook,
            dir,
        )? {
            return Ok(end);
        }
        conntrack::restore_src(dir, &mut pkt);
        let Some(d) = segment::deliver(self.state, ns, dev, next_hop) else {
            self.steps.push(Step::Drop {
                ns: ns.clone(),
                why: format!("no neighbour answers for {next_hop} on {dev_name}"),
            });
            return Ok(Arrival::Dropped);
        };
        self.steps.push(Step::Link {
            crossed: d.crossed.clone(),
        });
        if let Some((bridge, _, _)) = &d.bridged {
            if let Some(end) = self.bridged(bridge, &mut pkt)? {
                return Ok(end);
            }
        }
        self.ingress(&d.to.ns, &d.to.name, pkt)
    }

    /// br_netfilter: a frame bridged between two ports meets PREROUTING, FORWARD and
    /// POSTROUTING of the bridge's namespace, as `-i BRIDGE -o BRIDGE`.
    fn bridged(
        &mut self,
        bridge: &segment::Port,
        pkt: &mut Packet,
    ) -> Result<Option<Arrival>, WalkError> {
        let n = &self.state.namespaces[&bridge.ns];
        // A fresh namespace has bridge-nf-call-iptables=1 (br_netfilter is built in).
        if n.sysctls
            .get("net.bridge.bridge-nf-call-iptables")
            .is_some_and(|v| v != "1")
        {
            return Ok(None);
        }
        let dir = self.ct.classify(&bridge.ns, pkt, false);
        let name = bridge.name.as_str();
        let after = |pkt: &mut Packet| conntrack::restore_src(dir, pkt);
        let pre: Devs<'_> = (Some(name), None);
        if let Some(end) = self.hook(
            &bridge.ns,
            "PREROUTING",
            &[Table::Raw, Table::Mangle, Table::Nat],
            pkt,
            &pre,
            dir,
        )? {
            return Ok(Some(end));
        }
        let fwd: Devs<'_> = (Some(name), Some(name));
        if let Some(end) = self.hook(
            &bridge.ns,
            "FORWARD",
            &[Table::Mangle, Table::Filter],
            pkt,
            &fwd,
            dir,
        )? {
            return Ok(Some(end));
        }
        let end = self.hook(
            &bridge.ns,
            "POSTROUTING",
            &[Table::Mangle, Table::Nat],
            pkt,
            &fwd,
            dir,
        )?;
        after(pkt);
        Ok(end)
    }

    /// A packet arriving on `dev` of `ns`: PREROUTING, then local delivery or forwarding.
    fn ingress(
        &mut self,
        ns: &NetnsName,
        dev: &str,
        mut pkt: Packet,
    ) -> Result<Arrival, WalkError> {
        if self.steps.len() > 400 || pkt.ttl == 0 {
            return Err(WalkError::Loop);
        }
        let here = &self.state.namespaces[ns];
        let dir = self.ct.classify(ns, &mut pkt, false);
        let pre: Devs<'_> = (Some(dev), None);
        if let Some(end) = self.hook(
            ns,
            "PREROUTING",
            &[Table::Raw, Table::Mangle, Table::Nat],
            &mut pkt,
            &pre,
            dir,
        )? {
            return Ok(end);
        }
        let route = route::lookup(here, pkt.dst);
        match route {
            RouteTo::Local => self.local_in(ns, dev, pkt, dir),
            RouteTo::Unreachable => {
                self.steps.push(Step::Drop {
                    ns: ns.clone(),
                    why: format!("no route to {}", pkt.dst),
                });
                Ok(Arrival::Dropped)
            }
            RouteTo::Out {
                dev: out,
                dev_name,
                next_hop,
                ..
            } => {
                self.steps.push(Step::Route {
                    ns: ns.clone(),
                    dst: pkt.dst,
                    to: RouteTo::Out {
                        dev: out,
                        dev_name: dev_name.clone(),
                        next_hop,
                        src: None,
                        via_route: String::new(),
                    },
                });
                if !sysctl_on(here, "net.ipv4.ip_forward") {
                    self.steps.push(Step::Drop {
                        ns: ns.clone(),
                        why: "not forwarded: net.ipv4.ip_forward=0".into(),
                    });
                    return Ok(Arrival::Dropped);
                }
                pkt.ttl -= 1;
                let fwd: Devs<'_> = (Some(dev), Some(&dev_name));
                if let Some(end) = self.hook(
                    ns,
                    "FORWARD",
                    &[Table::Mangle, Table::Filter],
                    &mut pkt,
                    &fwd,
                    dir,
                )? {
                    return Ok(end);
                }
                self.egress(ns, out, &dev_name, next_hop, Some(dev), pkt, dir)
            }
        }
    }

    /// INPUT, then the stack of `ns` has it.
    fn local_in(
        &mut self,
        ns: &NetnsName,
        dev: &str,
        mut pkt: Packet,
        dir: Direction,
    ) -> Result<Arrival, WalkError> {
        let h: Devs<'_> = (Some(dev), None);
        if let Some(end) = self.hook(
            ns,
            "INPUT",
            &[Table::Mangle, Table::Filter, Table::Nat],
            &mut pkt,
            &h,
            dir,
        )? {
            return Ok(end);
        }
        conntrack::restore_src(dir, &mut pkt);
        Ok(Arrival::Local {
            ns: ns.clone(),
            pkt,
        })
    }
}

fn sysctl_on(ns: &crate::state::Netns, key: &str) -> bool {
    ns.sysctls.get(key).is_some_and(|v| v != "0")
}

/// What a `REJECT --reject-with W` in `ns` sends back for `pkt`.
pub(super) fn reject_answer(
    pkt: &Packet,
    with: &str,
    state: &KernelState,
    ns: &NetnsName,
) -> Packet {
    if with == "tcp-reset" {
        return pkt.answer(L4::Tcp {
            sport: 0,
            dport: 0,
            flags: TcpFlags::Rst,
        });
    }
    let mut err = pkt.answer(L4::IcmpError {
        kind: IcmpError::for_reject(with),
    });
    // The error comes from the rejecting host's own address towards the sender.
    if let RouteTo::Out { src: Some(s), .. } = route::lookup(&state.namespaces[ns], pkt.src) {
        err.src = s;
    }
    err
}
