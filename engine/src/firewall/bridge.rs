//! One bridge network's rules: what `setupIPTables` and `setupNetworkIsolationRules` insert
//! at create, and what the registered clean-up functions delete at `network rm`.

use super::{Rule, DOCKER_CHAIN, ISOLATION_1, ISOLATION_2};
use crate::op::{Ipv4Cidr, NetnsName, Op};
use crate::plan::Plan;
use docknet_netstate::rule::{AddrType, CtState, Module, Neg, RuleSpec};

/// What the rules of one bridge network depend on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BridgeFirewall {
    /// The kernel bridge name.
    pub bridge: String,
    /// The masked subnet.
    pub subnet: Ipv4Cidr,
    /// `--internal`.
    pub internal: bool,
    /// `enable_icc`.
    pub icc: bool,
    /// `enable_ip_masquerade`.
    pub masquerade: bool,
    /// The daemon's `--userland-proxy` (20.10's default `true`).
    pub userland_proxy: bool,
}

impl BridgeFirewall {
    fn spec(&self) -> RuleSpec {
        RuleSpec::new()
    }

    fn masq(&self) -> Rule {
        Rule::nat(
            "POSTROUTING",
            self.spec()
                .src(self.subnet, false)
                .out_iface(&self.bridge, true)
                .jump("MASQUERADE"),
        )
    }

    /// `--userland-proxy=false`: traffic the host sends into the bridge (a DNAT from
    /// `127.0.0.1:PORT`) leaves with the bridge's address.
    fn hairpin_masq(&self) -> Rule {
        let local = Module::AddrType {
            src: Some(Neg::is(AddrType::Local)),
            dst: None,
        };
        Rule::nat(
            "POSTROUTING",
            self.spec()
                .out_iface(&self.bridge, false)
                .module(local)
                .jump("MASQUERADE"),
        )
    }

    fn route_localnet(&self) -> Op {
        Op::SysctlSet {
            ns: NetnsName::host(),
            key: format!("net.ipv4.conf.{}.route_localnet", self.bridge),
            value: "1".into(),
        }
    }

    fn skip_dnat(&self) -> Rule {
        Rule::nat(
            DOCKER_CHAIN,
            self.spec().in_iface(&self.bridge, false).jump("RETURN"),
        )
    }

    fn icc_rule(&self) -> Rule {
        let verdict = if self.icc { "ACCEPT" } else { "DROP" };
        Rule::filter(
            "FORWARD",
            self.spec()
                .in_iface(&self.bridge, false)
                .out_iface(&self.bridge, false)
                .jump(verdict),
        )
    }

    fn out_rule(&self) -> Rule {
        Rule::filter(
            "FORWARD",
            self.spec()
                .in_iface(&self.bridge, false)
                .out_iface(&self.bridge, true)
                .jump("ACCEPT"),
        )
    }

    fn docker_jump(&self) -> Rule {
        Rule::filter(
            "FORWARD",
            self.spec()
                .out_iface(&self.bridge, false)
                .jump(DOCKER_CHAIN),
        )
    }

    fn established(&self) -> Rule {
        let states = vec![CtState::Related, CtState::Established];
        Rule::filter(
            "FORWARD",
            self.spec()
                .out_iface(&self.bridge, false)
                .module(Module::Conntrack(Neg::is(states)))
                .jump("ACCEPT"),
        )
    }

    fn internal_in_drop(&self) -> Rule {
        Rule::filter(
            ISOLATION_1,
            self.spec()
                .dst(self.subnet, true)
                .in_iface(&self.bridge, false)
                .jump("DROP"),
        )
    }

    fn internal_out_drop(&self) -> Rule {
        Rule::filter(
            ISOLATION_1,
            self.spec()
                .src(self.subnet, true)
                .out_iface(&self.bridge, false)
                .jump("DROP"),
        )
    }

    fn isolation(&self) -> [Rule; 2] {
        [
            Rule::filter(
                ISOLATION_1,
                self.spec()
                    .in_iface(&self.bridge, false)
                    .out_iface(&self.bridge, true)
                    .jump(ISOLATION_2),
            ),
            Rule::filter(
                ISOLATION_2,
                self.spec().out_iface(&self.bridge, false).jump("DROP"),
            ),
        ]
    }

    /// `setIcc(enable)`: ICC ACCEPT is inserted at the top, ICC DROP appended at the bottom.
    fn add_icc(&self, plan: &mut Plan) {
        if self.icc {
            plan.insert_rule(&self.icc_rule());
        } else {
            plan.append_rule(&self.icc_rule());
        }
    }

    fn remove_icc(&self, plan: &mut Plan) {
        if self.icc {
            plan.delete_top_rule(&self.icc_rule());
        } else {
            plan.delete_rule(&self.icc_rule());
        }
    }

    /// `setupIPTables` up to (not including) the FORWARD isolation jump.
    ///
    /// `first_network` says whether the nat PREROUTING/OUTPUT jumps to DOCKER are still
    /// missing (they are appended once, by the first non-internal bridge network).
    pub fn add_rules(&self, plan: &mut Plan, first_network: bool) {
        if self.internal {
            plan.insert_rule(&self.internal_in_drop());
            plan.insert_rule(&self.internal_out_drop());
            self.add_icc(plan);
            return;
        }
        if self.masquerade {
            plan.insert_rule(&self.masq());
            if self.userland_proxy {
                // Userland proxy on (the default): traffic from the bridge skips DNAT.
                plan.insert_rule(&self.skip_dnat());
            } else {
                plan.insert_rule(&self.hairpin_masq());
            }
        }
        if !self.userland_proxy {
            // 127.0.0.1:PORT DNATed into the bridge must not be dropped as martian.
            plan.push(self.route_localnet(), None);
        }
        self.add_icc(plan);
        plan.insert_rule(&self.out_rule());
        if first_network {
            let local = || Module::AddrType {
                src: None,
                dst: Some(Neg::is(AddrType::Local)),
            };
            plan.append_rule(&Rule::nat(
                "PREROUTING",
                RuleSpec::new().module(local()).jump(DOCKER_CHAIN),
            ));
            // With the userland proxy, 127.0.0.1 is docker-proxy's; without, it is DNATed too.
            let loopback = Ipv4Cidr::new(std::net::Ipv4Addr::new(127, 0, 0, 0), 8);
            let mut output = RuleSpec::new();
            if self.userland_proxy {
                output = output.dst(loopback, true);
            }
            plan.append_rule(&Rule::nat(
                "OUTPUT",
                output.module(local()).jump(DOCKER_CHAIN),
            ));
        }
        plan.insert_rule(&self.docker_jump());
        plan.insert_rule(&self.established());
    }

    /// `setupNetworkIsolationRules`: the two isolation-chain rules (none for internal).
    pub fn add_isolation(&self, plan: &mut Plan) {
        if self.internal {
            return;
        }
        for r in self.isolation() {
            plan.insert_rule(&r);
        }
    }

    /// The clean-up functions in registration order: NAT/ICC/out rules, the filter chain
    /// jumps, then isolation.
    pub fn remove_rules(&self, plan: &mut Plan) {
        if self.internal {
            plan.delete_top_rule(&self.internal_in_drop());
            plan.delete_top_rule(&self.internal_out_drop());
            self.remove_icc(plan);
            return;
        }
        if self.masquerade {
            plan.delete_top_rule(&self.masq());
            if self.userland_proxy {
                plan.delete_top_rule(&self.skip_dnat());
            } else {
                plan.delete_top_rule(&self.hairpin_masq());
            }
        }
        self.remove_icc(plan);
        plan.delete_top_rule(&self.out_rule());
        plan.delete_top_rule(&self.docker_jump());
        plan.delete_top_rule(&self.established());
        for r in self.isolation() {
            plan.delete_top_rule(&r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::op::Op;

    fn rules(plan: &Plan) -> Vec<String> {
        plan.ops()
            .map(|op| match op {
                Op::RuleAdd {
                    table,
                    chain,
                    rule,
                    at,
                    ..
                } => {
                    format!("{table} {chain} {at:?} {rule}")
                }
                Op::RuleDel {
                    table, chain, rule, ..
                } => format!("{table} {chain} D {rule}"),
                other => format!("{other:?}"),
            })
            .collect()
    }

    fn fw() -> BridgeFirewall {
        BridgeFirewall {
            bridge: "br-ef9d7c74a9bb".into(),
            subnet: Ipv4Cidr::parse("10.0.0.1/24").unwrap(),
            internal: false,
            icc: true,
            masquerade: true,
            userland_proxy: true,
        }
    }

    #[test]
    fn default_network_rules_use_masked_subnet() {
        let mut p = Plan::new();
        fw().add_rules(&mut p, false);
        let r = rules(&p);
        assert_eq!(
            r[0],
            "nat POSTROUTING Insert(1) -s 10.0.0.0/24 ! -o br-ef9d7c74a9bb -j MASQUERADE"
        );
        assert_eq!(r.len(), 6);
    }

    #[test]
    fn internal_and_icc_off() {
        let mut f = fw();
        f.internal = true;
        f.icc = false;
        let mut p = Plan::new();
        f.add_rules(&mut p, false);
        f.add_isolation(&mut p);
        let r = rules(&p);
        assert_eq!(
            r,
            vec![
                "filter DOCKER-ISOLATION-STAGE-1 Insert(1) ! -d 10.0.0.0/24 -i br-ef9d7c74a9bb -j DROP",
                "filter DOCKER-ISOLATION-STAGE-1 Insert(1) ! -s 10.0.0.0/24 -o br-ef9d7c74a9bb -j DROP",
                "filter FORWARD Append -i br-ef9d7c74a9bb -o br-ef9d7c74a9bb -j DROP",
            ]
        );
    }
}
