//! A minimal kernel for unit tests: records every op and models iptables tables and link
//! names closely enough to print `iptables-save` and catch missing/duplicate rules.

use std::collections::BTreeMap;

use crate::kernel::{Errno, Kernel, KernelError};
use crate::op::{Op, RulePosition, Table};
use crate::state::KernelState;

/// One table: chains in creation order with policy and rules.
#[derive(Default, Debug, Clone)]
struct TableModel {
    chains: Vec<(String, Option<String>, Vec<String>)>,
}

/// The test kernel.
#[derive(Default, Debug, Clone)]
pub struct TestKernel {
    /// Every op applied, in order.
    pub ops: Vec<Op>,
    tables: BTreeMap<Table, TableModel>,
    /// Host links by name.
    pub links: Vec<String>,
    /// Fail the op with this index (0-based count of applied ops) with EPERM, once.
    pub fail_at: Option<usize>,
}

impl TestKernel {
    fn table(&mut self, t: Table) -> &mut TableModel {
        self.tables.entry(t).or_insert_with(|| TableModel {
            chains: t
                .builtin_chains()
                .iter()
                .map(|c| (c.to_string(), Some("ACCEPT".to_string()), Vec::new()))
                .collect(),
        })
    }

    /// `iptables-save` without comments and counters' header lines, filter and nat only.
    pub fn save(&self) -> String {
        let mut out = String::new();
        for t in [Table::Filter, Table::Nat] {
            let Some(m) = self.tables.get(&t) else {
                continue;
            };
            out.push_str(&format!("*{t}\n"));
            let nb = t.builtin_chains().len();
            let mut order: Vec<&(String, Option<String>, Vec<String>)> =
                m.chains[..nb].iter().collect();
            let mut users: Vec<&(String, Option<String>, Vec<String>)> =
                m.chains[nb..].iter().collect();
            users.sort_by(|a, b| a.0.cmp(&b.0));
            order.extend(users);
            for (name, pol, _) in &order {
                out.push_str(&format!(
                    ":{name} {} [0:0]\n",
                    pol.as_deref().unwrap_or("-")
                ));
            }
            for (name, _, rules) in &order {
                for r in rules {
                    out.push_str(&format!("-A {name} {r}\n"));
                }
            }
            out.push_str("COMMIT\n");
        }
        out
    }
}

impl Kernel for TestKernel {
    fn apply(&mut self, op: &Op) -> Result<(), KernelError> {
        if self.fail_at == Some(self.ops.len()) {
            // Fail once: the rollback that follows must be able to run.
            self.fail_at = None;
            return Err(KernelError::errno(Errno::EPERM, op));
        }
        let err = |e| Err(KernelError::errno(e, op));
        match op {
            Op::ChainAdd { table, chain, .. } => {
                let m = self.table(*table);
                if m.chains.iter().any(|c| &c.0 == chain) {
                    return err(Errno::EEXIST);
                }
                m.chains.push((chain.clone(), None, Vec::new()));
            }
            Op::ChainDel { table, chain, .. } => {
                let m = self.table(*table);
                m.chains.retain(|c| &c.0 != chain);
            }
            Op::ChainPolicy {
                table,
                chain,
                policy,
                ..
            } => {
                let m = self.table(*table);
                let Some(c) = m.chains.iter_mut().find(|c| &c.0 == chain) else {
                    return err(Errno::ENOENT);
                };
                c.1 = Some(policy.clone());
            }
            Op::RuleAdd {
                table,
                chain,
                rule,
                at,
                ..
            } => {
                let m = self.table(*table);
                let Some(c) = m.chains.iter_mut().find(|c| &c.0 == chain) else {
                    return err(Errno::ENOENT);
                };
                match at {
                    RulePosition::Append => c.2.push(rule.to_string()),
                    RulePosition::Insert(n) => c.2.insert(n - 1, rule.to_string()),
                }
            }
            Op::RuleDel {
                table, chain, rule, ..
            } => {
                let m = self.table(*table);
                let Some(c) = m.chains.iter_mut().find(|c| &c.0 == chain) else {
                    return err(Errno::ENOENT);
                };
                let Some(i) = c.2.iter().position(|r| rule == r) else {
                    return err(Errno::ENOENT);
                };
                c.2.remove(i);
            }
            Op::LinkAdd { name, .. } => {
                if self.links.contains(name) {
                    return err(Errno::EEXIST);
                }
                self.links.push(name.clone());
            }
            Op::LinkDel { name, .. } => {
                let Some(i) = self.links.iter().position(|l| l == name) else {
                    return err(Errno::ENODEV);
                };
                self.links.remove(i);
            }
            _ => {}
        }
        self.ops.push(op.clone());
        Ok(())
    }

    fn observe(&mut self) -> Result<KernelState, KernelError> {
        Ok(KernelState::default())
    }
}
