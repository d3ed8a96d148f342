//! iptables (nf_tables backend, iptables 1.8.9) tables as `iptables-save` prints them.
//!
//! Facts (scratch namespace, `iptables`/`iptables-save`):
//! - a fresh namespace prints nothing; listing (`-L`) creates no table; a table appears with
//!   all its built-in chains (policy ACCEPT) on the first write to it: `-N`, `-A`/`-I`, `-P`,
//!   or `-F` of a built-in chain (`-t nat -F PREROUTING` made `*nat` appear; a failed `-D`
//!   did not);
//! - user chains are printed sorted by name (created ZZZ, AAA, DOCKER: printed AAA, DOCKER,
//!   ZZZ), after the built-in ones;
//! - `-N` of an existing chain is EEXIST ("Chain already exists"); `-X` of a missing chain
//!   ENOENT, of a referenced (`-j`/`-g`) or non-empty chain EBUSY ("CHAIN_DEL failed (Device
//!   or resource busy)"); `-A … -j NOPE` with no such chain or target is ENOENT; `-D` of a rule
//!   that is not there is ENOENT ("Bad rule"); `-I CHAIN N` with N > rules+1 is E2BIG ("Index
//!   of insertion too big"); `-P` of a user chain is ENOENT ("Bad built-in chain name").

use docknet_netstate::kernel::Errno;
use docknet_netstate::rule::RuleSpec;
use docknet_netstate::state::{Chain, IptablesTable};
use docknet_netstate::{NetnsName, RulePosition, Table};

use crate::error::{fail, SimError};
use crate::{NetId, Sim};

/// Standard verdicts and the target extensions docknet may use: `-j` to one of these needs
/// no chain.
const TARGETS: &[&str] = &[
    "ACCEPT",
    "DROP",
    "RETURN",
    "QUEUE",
    "REJECT",
    "DNAT",
    "SNAT",
    "MASQUERADE",
    "REDIRECT",
    "LOG",
    "MARK",
    "CONNMARK",
    "TCPMSS",
    "CT",
    "NOTRACK",
    "NFLOG",
    "NFQUEUE",
    "CHECKSUM",
    "TPROXY",
    "TRACE",
    "CLASSIFY",
    "AUDIT",
    "TEE",
    "SET",
    "NETMAP",
];

/// A table as it first appears: built-in chains, policy ACCEPT, no rules.
fn fresh_table(t: Table) -> IptablesTable {
    IptablesTable {
        chains: t
            .builtin_chains()
            .iter()
            .map(|c| Chain {
                name: c.to_string(),
                policy: Some("ACCEPT".to_string()),
                rules: Vec::new(),
            })
            .collect(),
    }
}

/// Whether `name` is a built-in chain of `t`.
fn is_builtin(t: Table, name: &str) -> bool {
    t.builtin_chains().contains(&name)
}

impl Sim {
    /// The table `t` of `net`, if it was ever written.
    fn table(&self, net: NetId, t: Table) -> Option<&IptablesTable> {
        self.net(net).iptables.get(&t)
    }

    /// The table, created on first write.
    fn table_mut(&mut self, net: NetId, t: Table) -> &mut IptablesTable {
        self.net_mut(net)
            .iptables
            .entry(t)
            .or_insert_with(|| fresh_table(t))
    }

    /// Whether `chain` exists in `t` (a never-written table has its built-ins implicitly).
    fn chain_exists(&self, net: NetId, t: Table, chain: &str) -> bool {
        match self.table(net, t) {
            Some(tab) => tab.chain(chain).is_some(),
            None => is_builtin(t, chain),
        }
    }

    /// A rule's jump target must be a known target or an existing chain.
    fn check_target(&self, net: NetId, t: Table, rule: &RuleSpec) -> Result<(), SimError> {
        match rule.chain_target() {
            Some(x) if !TARGETS.contains(&x) && !self.chain_exists(net, t, x) => {
                fail(Errno::ENOENT)
            }
            _ => Ok(()),
        }
    }

    /// `iptables -t T -N CHAIN`.
    pub(crate) fn chain_add(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if self.chain_exists(net, t, chain) {
            return fail(Errno::EEXIST);
        }
        let tab = self.table_mut(net, t);
        let user_pos = tab
            .chains
            .iter()
            .position(|c| c.policy.is_none() && c.name.as_str() > chain)
            .unwrap_or(tab.chains.len());
        tab.chains.insert(
            user_pos,
            Chain {
                name: chain.to_string(),
                policy: None,
                rules: Vec::new(),
            },
        );
        Ok(())
    }

    /// `iptables -t T -X CHAIN`: must exist, be a user chain, empty and unreferenced.
    pub(crate) fn chain_del(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        let Some(tab) = self.table(net, t) else {
            return fail(Errno::ENOENT);
        };
        let Some(c) = tab.chain(chain) else {
            return fail(Errno::ENOENT);
        };
        if c.policy.is_some() {
            return fail(Errno::EINVAL);
        }
        let referenced = tab
            .chains
            .iter()
            .flat_map(|c| c.rules.iter())
            .any(|r| r.chain_target() == Some(chain));
        if referenced || !c.rules.is_empty() {
            return fail(Errno::EBUSY);
        }
        self.table_mut(net, t).chains.retain(|c| c.name != chain);
        Ok(())
    }

    /// `iptables -t T -F CHAIN`.
    pub(crate) fn chain_flush(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if !self.chain_exists(net, t, chain) {
            return fail(Errno::ENOENT);
        }
        let tab = self.table_mut(net, t);
        if let Some(c) = tab.chains.iter_mut().find(|c| c.name == chain) {
            c.rules.clear();
        }
        Ok(())
    }

    /// `iptables -t T -P CHAIN POLICY` (built-in chains; ACCEPT or DROP).
    pub(crate) fn chain_policy(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
        policy: &str,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if !is_builtin(t, chain) {
            return fail(Errno::ENOENT);
        }
        if policy != "ACCEPT" && policy != "DROP" {
            return fail(Errno::EINVAL);
        }
        let tab = self.table_mut(net, t);
        if let Some(c) = tab.chains.iter_mut().find(|c| c.name == chain) {
            c.policy = Some(policy.to_string());
        }
        Ok(())
    }

    /// `iptables -t T -A|-I CHAIN [N] RULE`.
    pub(crate) fn rule_add(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
        rule: &RuleSpec,
        at: RulePosition,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        if !self.chain_exists(net, t, chain) {
            return fail(Errno::ENOENT);
        }
        self.check_target(net, t, rule)?;
        let len = self
            .table(net, t)
            .and_then(|tab| tab.chain(chain))
            .map_or(0, |c| c.rules.len());
        let pos = match at {
            RulePosition::Append => len,
            RulePosition::Insert(0) => return fail(Errno::EINVAL),
            RulePosition::Insert(n) if n > len + 1 => return fail(Errno::E2BIG),
            RulePosition::Insert(n) => n - 1,
        };
        let tab = self.table_mut(net, t);
        if let Some(c) = tab.chains.iter_mut().find(|c| c.name == chain) {
            c.rules.insert(pos, rule.clone());
        }
        Ok(())
    }

    /// `iptables -t T -D CHAIN RULE`: the first equal rule.
    pub(crate) fn rule_del(
        &mut self,
        ns: &NetnsName,
        t: Table,
        chain: &str,
        rule: &RuleSpec,
    ) -> Result<(), SimError> {
        let net = self.net_id(ns)?;
        let Some(pos) = self
            .table(net, t)
            .and_then(|tab| tab.chain(chain))
            .and_then(|c| c.rules.iter().position(|r| r == rule))
        else {
            return fail(Errno::ENOENT);
        };
        let tab = self.table_mut(net, t);
        if let Some(c) = tab.chains.iter_mut().find(|c| c.name == chain) {
            c.rules.remove(pos);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use docknet_netstate::{Errno, Kernel, NetnsName, Op, RulePosition, Table};

    use crate::Sim;

    fn run(sim: &mut Sim, op: Op) -> Result<(), Option<Errno>> {
        sim.apply(&op).map_err(|e| e.errno_value())
    }

    fn new(chain: &str) -> Op {
        Op::ChainAdd {
            ns: NetnsName::host(),
            table: Table::Nat,
            chain: chain.into(),
        }
    }

    fn del(chain: &str) -> Op {
        Op::ChainDel {
            ns: NetnsName::host(),
            table: Table::Nat,
            chain: chain.into(),
        }
    }

    fn rule(chain: &str, r: &str, at: RulePosition) -> Op {
        Op::RuleAdd {
            ns: NetnsName::host(),
            table: Table::Nat,
            chain: chain.into(),
            rule: docknet_netstate::rule::RuleSpec::parse(r).unwrap(),
            at,
        }
    }

    #[test]
    fn chains_sorted_tables_on_first_write_and_errors() {
        let mut sim = Sim::new();
        assert!(sim.observe().unwrap().host().iptables.is_empty());
        for c in ["ZZZ", "AAA", "DOCKER"] {
            run(&mut sim, new(c)).unwrap();
        }
        assert_eq!(run(&mut sim, new("ZZZ")), Err(Some(Errno::EEXIST)));
        run(
            &mut sim,
            rule(
                "PREROUTING",
                "-m addrtype --dst-type LOCAL -j DOCKER",
                RulePosition::Append,
            ),
        )
        .unwrap();
        run(&mut sim, rule("ZZZ", "-j RETURN", RulePosition::Append)).unwrap();
        let st = sim.observe().unwrap();
        let nat = &st.host().iptables[&Table::Nat];
        let names: Vec<&str> = nat.chains.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "PREROUTING",
                "INPUT",
                "OUTPUT",
                "POSTROUTING",
                "AAA",
                "DOCKER",
                "ZZZ"
            ]
        );
        assert!(!st.host().iptables.contains_key(&Table::Filter));
        assert_eq!(run(&mut sim, del("DOCKER")), Err(Some(Errno::EBUSY)));
        assert_eq!(run(&mut sim, del("ZZZ")), Err(Some(Errno::EBUSY)));
        assert_eq!(run(&mut sim, del("NOPE")), Err(Some(Errno::ENOENT)));
        assert_eq!(
            run(&mut sim, rule("AAA", "-j NOPE", RulePosition::Append)),
            Err(Some(Errno::ENOENT))
        );
        assert_eq!(
            run(&mut sim, rule("AAA", "-j RETURN", RulePosition::Insert(2))),
            Err(Some(Errno::E2BIG))
        );
        run(&mut sim, rule("AAA", "-j RETURN", RulePosition::Insert(1))).unwrap();
        run(&mut sim, rule("AAA", "-j ACCEPT", RulePosition::Insert(1))).unwrap();
        let st = sim.observe().unwrap();
        assert_eq!(
            st.host().iptables[&Table::Nat].chain("AAA").unwrap().rules,
            ["-j ACCEPT", "-j RETURN"]
        );
        let rdel = |r: &str| Op::RuleDel {
            ns: NetnsName::host(),
            table: Table::Nat,
            chain: "AAA".into(),
            rule: docknet_netstate::rule::RuleSpec::parse(r).unwrap(),
        };
        assert_eq!(run(&mut sim, rdel("-j DROP")), Err(Some(Errno::ENOENT)));
        run(&mut sim, rdel("-j ACCEPT")).unwrap();
    }

    #[test]
    fn flush_of_builtin_creates_table_but_failed_delete_does_not() {
        let mut sim = Sim::new();
        let flush = Op::ChainFlush {
            ns: NetnsName::host(),
            table: Table::Nat,
            chain: "PREROUTING".into(),
        };
        run(&mut sim, flush).unwrap();
        let d = Op::RuleDel {
            ns: NetnsName::host(),
            table: Table::Mangle,
            chain: "PREROUTING".into(),
            rule: docknet_netstate::rule::RuleSpec::parse("-j ACCEPT").unwrap(),
        };
        assert_eq!(run(&mut sim, d), Err(Some(Errno::ENOENT)));
        let st = sim.observe().unwrap();
        assert!(st.host().iptables.contains_key(&Table::Nat));
        assert!(!st.host().iptables.contains_key(&Table::Mangle));
    }
}
