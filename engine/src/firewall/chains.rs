//! The chains the bridge driver and the controller create once (driver init, first network).

use super::{Rule, DOCKER_CHAIN, ISOLATION_1, ISOLATION_2, STEADY_FORWARD_TOP, USER_CHAIN};
use crate::op::{NetnsName, Op, Table};
use crate::plan::Plan;
use crate::KernelState;
use docknet_netstate::rule::RuleSpec;

fn chain_add(plan: &mut Plan, table: Table, chain: &str) {
    plan.push(
        Op::ChainAdd {
            ns: NetnsName::host(),
            table,
            chain: chain.to_string(),
        },
        Some(Op::ChainDel {
            ns: NetnsName::host(),
            table,
            chain: chain.to_string(),
        }),
    );
}

/// Bridge driver `setupIPChains`: nat `DOCKER`, filter `DOCKER`, the two isolation chains,
/// each isolation chain ending in `-j RETURN`.
pub fn driver_chains(plan: &mut Plan) {
    chain_add(plan, Table::Nat, DOCKER_CHAIN);
    chain_add(plan, Table::Filter, DOCKER_CHAIN);
    chain_add(plan, Table::Filter, ISOLATION_1);
    chain_add(plan, Table::Filter, ISOLATION_2);
    plan.append_rule(&Rule::filter(ISOLATION_1, RuleSpec::new().jump("RETURN")));
    plan.append_rule(&Rule::filter(ISOLATION_2, RuleSpec::new().jump("RETURN")));
}

/// `setupIPForwarding` when Docker flips `ip_forward` on: the sysctl, then FORWARD policy DROP.
pub fn ip_forwarding(plan: &mut Plan) {
    plan.push(
        Op::SysctlSet {
            ns: NetnsName::host(),
            key: "net.ipv4.ip_forward".to_string(),
            value: "1".to_string(),
        },
        None,
    );
    plan.push(
        Op::ChainPolicy {
            ns: NetnsName::host(),
            table: Table::Filter,
            chain: "FORWARD".to_string(),
            policy: "DROP".to_string(),
        },
        None,
    );
}

/// What `arrangeUserFilterRule` and `EnsureJumpRule` find in the host's filter table before
/// they change it (libnetwork asks with `iptables -C`, so a tool step that removed one of
/// Docker's rules changes what the next `network create` does).
///
/// Facts: with `DOCKER-USER`'s `-j RETURN` deleted (`iptables -D DOCKER-USER 1` or `-F`), the
/// next `docker network create` appends it again; the chain's other rules stay as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterFacts {
    /// Whether the `DOCKER-USER` chain exists.
    pub user_chain: bool,
    /// Whether it holds a plain `-j RETURN`.
    pub user_return: bool,
    /// FORWARD's rules, in order.
    pub forward: Vec<RuleSpec>,
}

impl FilterFacts {
    /// How the filter table is after any command of a daemon nobody else touched.
    pub fn steady() -> Self {
        FilterFacts {
            user_chain: true,
            user_return: true,
            forward: STEADY_FORWARD_TOP
                .iter()
                .map(|c| RuleSpec::new().jump(c))
                .collect(),
        }
    }

    /// The facts of a fresh host, before the daemon made anything.
    pub fn fresh() -> Self {
        FilterFacts {
            user_chain: false,
            user_return: false,
            forward: Vec::new(),
        }
    }

    /// The facts of the host namespace in `state`.
    pub fn of(state: &KernelState) -> Self {
        let filter = state
            .ns(NetnsName::HOST)
            .and_then(|ns| ns.iptables.get(&Table::Filter));
        let chain = |name: &str| filter.and_then(|t| t.chain(name));
        let user = chain(USER_CHAIN);
        let ret = RuleSpec::new().jump("RETURN");
        FilterFacts {
            user_chain: user.is_some(),
            user_return: user.is_some_and(|c| c.rules.contains(&ret)),
            forward: chain("FORWARD")
                .map(|c| c.rules.clone())
                .unwrap_or_default(),
        }
    }
}

/// `arrangeUserFilterRule`, run at the end of every `NewNetwork`: make `DOCKER-USER` if
/// missing, give it its `-j RETURN` if it has none, then move its FORWARD jump to the top.
/// `facts` are how the table is before the plan (see [`Plan::ensure_jump`]).
pub fn arrange_user_chain(plan: &mut Plan, facts: &FilterFacts) {
    if !facts.user_chain {
        chain_add(plan, Table::Filter, USER_CHAIN);
    }
    if !facts.user_return {
        plan.append_rule(&Rule::filter(USER_CHAIN, RuleSpec::new().jump("RETURN")));
    }
    plan.ensure_jump("FORWARD", USER_CHAIN, &facts.forward);
}
