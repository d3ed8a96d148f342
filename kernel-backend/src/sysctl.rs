//! Sysctls under `/proc/sys/net`, which belong to the netns of the thread that opens them.

use std::collections::BTreeMap;
use std::io;
use std::os::fd::BorrowedFd;

use crate::netns;

/// Per-interface IPv4 keys docknet reads (`net.ipv4.conf.<if>.<key>`).
const IPV4_CONF: &[&str] = &[
    "accept_redirects",
    "forwarding",
    "proxy_arp",
    "route_localnet",
    "rp_filter",
    "send_redirects",
];

/// Per-interface IPv6 keys docknet reads (`net.ipv6.conf.<if>.<key>`).
const IPV6_CONF: &[&str] = &["accept_ra", "disable_ipv6", "forwarding"];

/// Namespace-wide keys docknet reads.
const GLOBAL: &[&str] = &[
    "net.bridge.bridge-nf-call-arptables",
    "net.bridge.bridge-nf-call-ip6tables",
    "net.bridge.bridge-nf-call-iptables",
    "net.ipv4.ip_forward",
];

/// The keys observed in a namespace whose links are called `links`.
pub(crate) fn observed_keys<'a>(links: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut keys: Vec<String> = GLOBAL.iter().map(|k| k.to_string()).collect();
    let mut ifs = vec!["all".to_string(), "default".to_string()];
    ifs.extend(links.map(str::to_string));
    for i in &ifs {
        keys.extend(IPV4_CONF.iter().map(|k| format!("net.ipv4.conf.{i}.{k}")));
        keys.extend(IPV6_CONF.iter().map(|k| format!("net.ipv6.conf.{i}.{k}")));
    }
    keys
}

/// `/proc/sys/...` for a dotted key (interface names never contain dots in docknet).
fn path(key: &str) -> String {
    format!("/proc/sys/{}", key.replace('.', "/"))
}

/// Writes `(key, value)` pairs in order inside `ns`, on one thread; stops at the first
/// failure and returns its position (the writes before it stay).
pub(crate) fn write_all(
    ns: BorrowedFd<'_>,
    writes: &[(&str, &str)],
) -> Result<(), (usize, io::Error)> {
    let outcome = netns::run_in(ns, false, || {
        Ok(writes
            .iter()
            .enumerate()
            .find_map(|(k, (key, value))| std::fs::write(path(key), value).err().map(|e| (k, e))))
    });
    match outcome {
        Ok(None) => Ok(()),
        Ok(Some(failed)) => Err(failed),
        Err(e) => Err((0, e)),
    }
}

/// Reads every key that exists inside `ns` (missing ones, e.g. for a link without IPv6, are
/// left out), trimmed as `sysctl -n` prints them.
pub(crate) fn read_all(
    ns: BorrowedFd<'_>,
    keys: &[String],
) -> io::Result<BTreeMap<String, String>> {
    netns::run_in(ns, false, || {
        let mut out = BTreeMap::new();
        for k in keys {
            if let Ok(v) = std::fs::read_to_string(path(k)) {
                out.insert(k.clone(), v.trim_end().to_string());
            }
        }
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cover_all_default_and_links() {
        let keys = observed_keys(["eth0"].into_iter());
        assert!(keys.contains(&"net.ipv4.conf.eth0.rp_filter".to_string()));
        assert!(keys.contains(&"net.ipv6.conf.default.disable_ipv6".to_string()));
        assert!(keys.contains(&"net.ipv4.ip_forward".to_string()));
        assert_eq!(path("net.ipv4.ip_forward"), "/proc/sys/net/ipv4/ip_forward");
    }
}
