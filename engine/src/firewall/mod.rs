//! iptables rules as data, and the rule sets dockerd 20.10 programs (facts §5.1).
//!
//! A [`Rule`] is a table, a chain and the rule text exactly as `iptables-save` prints it after
//! `-A CHAIN `; plans are built from its `insert`/`append`/`delete` ops with their undos.

pub mod bridge;
pub mod chains;
#[cfg(test)]
pub(crate) mod testkernel;

use crate::op::{NetnsName, Op, RulePosition, Table};
use crate::plan::Plan;
use docknet_netstate::rule::RuleSpec;

/// The nat and filter chain every bridge network's published ports and jumps use.
pub const DOCKER_CHAIN: &str = "DOCKER";
/// First stage of inter-network isolation.
pub const ISOLATION_1: &str = "DOCKER-ISOLATION-STAGE-1";
/// Second stage of inter-network isolation.
pub const ISOLATION_2: &str = "DOCKER-ISOLATION-STAGE-2";
/// The chain left to the user; Docker keeps its jump at the top of FORWARD.
pub const USER_CHAIN: &str = "DOCKER-USER";

/// One iptables rule in the host namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Its table.
    pub table: Table,
    /// Its chain.
    pub chain: String,
    /// The rule.
    pub spec: RuleSpec,
}

impl Rule {
    /// A rule in `table`/`chain`.
    pub fn new(table: Table, chain: &str, spec: RuleSpec) -> Self {
        Rule {
            table,
            chain: chain.to_string(),
            spec,
        }
    }

    /// A filter-table rule.
    pub fn filter(chain: &str, spec: RuleSpec) -> Self {
        Rule::new(Table::Filter, chain, spec)
    }

    /// A nat-table rule.
    pub fn nat(chain: &str, spec: RuleSpec) -> Self {
        Rule::new(Table::Nat, chain, spec)
    }

    /// `iptables -t T -I CHAIN RULE` (position 1).
    pub fn insert_op(&self) -> Op {
        self.add_op(RulePosition::Insert(1))
    }

    /// `iptables -t T -A CHAIN RULE`.
    pub fn append_op(&self) -> Op {
        self.add_op(RulePosition::Append)
    }

    /// `iptables -t T -D CHAIN RULE`.
    pub fn delete_op(&self) -> Op {
        Op::RuleDel {
            ns: NetnsName::host(),
            table: self.table,
            chain: self.chain.clone(),
            rule: self.spec.clone(),
        }
    }

    /// `iptables -t T -I CHAIN N RULE` or `-A`.
    pub fn add_op(&self, at: RulePosition) -> Op {
        Op::RuleAdd {
            ns: NetnsName::host(),
            table: self.table,
            chain: self.chain.clone(),
            rule: self.spec.clone(),
            at,
        }
    }

    /// The line `iptables-save` prints for it.
    pub fn save_line(&self) -> String {
        docknet_netstate::render::iptables_save::rule_line(&self.chain, &self.spec)
    }
}

/// Plan builders: each adds one step with the op that takes it back.
impl Plan {
    /// `-I CHAIN 1 RULE`, undone by `-D`.
    pub fn insert_rule(&mut self, r: &Rule) {
        self.push(r.insert_op(), Some(r.delete_op()));
    }

    /// `-A CHAIN RULE`, undone by `-D`.
    pub fn append_rule(&mut self, r: &Rule) {
        self.push(r.append_op(), Some(r.delete_op()));
    }

    /// `-D CHAIN RULE` of a rule Docker put at the top, undone by inserting it there again.
    pub fn delete_top_rule(&mut self, r: &Rule) {
        self.push(r.delete_op(), Some(r.insert_op()));
    }

    /// `-D CHAIN RULE` of a rule Docker appended, undone by appending it again.
    pub fn delete_rule(&mut self, r: &Rule) {
        self.push(r.delete_op(), Some(r.append_op()));
    }

    /// `EnsureJumpRule`: delete the jump if it is in the chain, then insert it at the top.
    ///
    /// `known` is the chain before this plan. The plan's own earlier steps are replayed over
    /// it to find where the jump is when it is deleted, so the undo puts it back exactly there.
    pub fn ensure_jump(&mut self, from: &str, to: &str, known: &[RuleSpec]) {
        let r = Rule::filter(from, RuleSpec::new().jump(to));
        let mut chain: Vec<RuleSpec> = known.to_vec();
        for op in self.ops() {
            match op {
                Op::RuleAdd {
                    table: Table::Filter,
                    chain: c,
                    rule,
                    at: RulePosition::Insert(n),
                    ..
                } if c == from => chain.insert((n - 1).min(chain.len()), rule.clone()),
                Op::RuleDel {
                    table: Table::Filter,
                    chain: c,
                    rule,
                    ..
                } if c == from => chain.retain(|x| x != rule),
                _ => {}
            }
        }
        if let Some(i) = chain.iter().position(|x| *x == r.spec) {
            self.push(r.delete_op(), Some(r.add_op(RulePosition::Insert(i + 1))));
        }
        self.insert_rule(&r);
    }
}

/// How FORWARD starts after any command of a started daemon: the DOCKER-USER jump, then the
/// isolation jump.
pub const STEADY_FORWARD_TOP: [&str; 2] = [USER_CHAIN, ISOLATION_1];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ops() {
        let r = Rule::nat("DOCKER", RuleSpec::parse("-i docker0 -j RETURN").unwrap());
        assert_eq!(r.save_line(), "-A DOCKER -i docker0 -j RETURN");
        assert!(matches!(
            r.insert_op(),
            Op::RuleAdd {
                at: RulePosition::Insert(1),
                ..
            }
        ));
        let mut p = Plan::new();
        p.ensure_jump(
            "FORWARD",
            USER_CHAIN,
            &chains::FilterFacts::steady().forward,
        );
        assert_eq!(p.steps.len(), 2);
    }
}
