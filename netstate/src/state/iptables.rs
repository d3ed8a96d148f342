//! iptables tables and chains as `iptables-save` prints them.

use crate::rule::RuleSpec;

/// One chain: built-in chains have a policy, user chains do not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chain {
    /// Chain name.
    pub name: String,
    /// `ACCEPT`/`DROP` for built-in chains; `None` (printed `-`) for user chains.
    pub policy: Option<String>,
    /// Rules in order.
    pub rules: Vec<RuleSpec>,
}

/// One table: built-in chains first (in the kernel's order), then user chains by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IptablesTable {
    /// Chains in the order `iptables-save` prints their `:NAME` lines.
    pub chains: Vec<Chain>,
}

impl IptablesTable {
    /// The chain called `name`.
    pub fn chain(&self, name: &str) -> Option<&Chain> {
        self.chains.iter().find(|c| c.name == name)
    }
}
