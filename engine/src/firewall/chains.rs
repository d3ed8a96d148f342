//! The chains the bridge driver and the controller create once (driver init, first network).

use super::{Rule, DOCKER_CHAIN, ISOLATION_1, ISOLATION_2, USER_CHAIN};
use crate::op::{NetnsName, Op, Table};
use crate::plan::Plan;
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

/// `arrangeUserFilterRule`, run at the end of every `NewNetwork`: make `DOCKER-USER` (with its
/// `-j RETURN`) if missing, then move its FORWARD jump to the top. `known_top` is how FORWARD
/// starts before the plan (see [`Plan::ensure_jump`]).
pub fn arrange_user_chain(plan: &mut Plan, exists: bool, known_top: &[&str]) {
    if !exists {
        chain_add(plan, Table::Filter, USER_CHAIN);
        plan.append_rule(&Rule::filter(USER_CHAIN, RuleSpec::new().jump("RETURN")));
    }
    plan.ensure_jump("FORWARD", USER_CHAIN, known_top);
}
