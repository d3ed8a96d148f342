//! Legacy links (`docker run --link NAME[:ALIAS]`): names the linking container resolves
//! through its `/etc/hosts`, and `HostConfig.Links`.
//!
//! Facts (20.10, `../shared/oracle/`): `--link test3:db` writes `IP<TAB>db SHORTID test3`
//! into the linking container's `/etc/hosts`, before its own entry; `db`, `test3` and the
//! short ID then resolve there (and only there: the linked container learns nothing);
//! inspect shows `"Links": ["/test3:/tl/db"]`; a link to a container that does not exist
//! fails the create with `could not get container for NAME: No such container: NAME`. On a
//! user-defined network a link is only a name for the embedded DNS: no `/etc/hosts` line, no
//! `HostConfig.Links`, and a missing target is no error.

use std::net::Ipv4Addr;

use crate::container::model::Container;
use crate::engine::Engine;
use crate::error::EngineError;

/// One `--link`: the linked container's ID and the alias it goes by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The linked container's full ID.
    pub target: String,
    /// Its name when the link was made (what `HostConfig.Links` shows).
    pub name: String,
    /// The alias (the name when none was given).
    pub alias: String,
    /// A `--link` on the default bridge (`/etc/hosts`, `HostConfig.Links`), rather than one
    /// on a user-defined network, which only the embedded DNS answers (Compose's).
    pub legacy: bool,
}

/// Splits `NAME[:ALIAS]`.
pub fn parse(spec: &str) -> (String, String) {
    match spec.split_once(':') {
        Some((n, a)) => (n.trim_start_matches('/').to_string(), a.to_string()),
        None => {
            let n = spec.trim_start_matches('/').to_string();
            (n.clone(), n)
        }
    }
}

impl Engine {
    /// Resolves the `--link` specs of a container being created.
    pub(crate) fn resolve_links(&self, specs: &[String]) -> Result<Vec<Link>, EngineError> {
        specs
            .iter()
            .map(|s| {
                let (name, alias) = parse(s);
                let i = self.containers.find(&name).map_err(|_| {
                    EngineError::Message(format!(
                        "could not get container for {name}: No such container: {name}"
                    ))
                })?;
                let c = self.containers.get(i);
                Ok(Link {
                    target: c.id.clone(),
                    name: c.name.clone(),
                    alias,
                    legacy: true,
                })
            })
            .collect()
    }

    /// The `--link` specs of a container created on a user-defined network: names only the
    /// embedded DNS answers, so a target that does not exist is no error (conformance:
    /// 20.10 creates and starts such a container) and simply resolves nothing.
    pub(crate) fn links_on_network(&self, specs: &[String]) -> Vec<Link> {
        specs
            .iter()
            .filter_map(|s| {
                let (name, alias) = parse(s);
                let c = self.containers.get(self.containers.find(&name).ok()?);
                Some(Link {
                    target: c.id.clone(),
                    name: c.name.clone(),
                    alias,
                    legacy: false,
                })
            })
            .collect()
    }

    /// The linked container and its address as the link shows it (its first address).
    fn link_target(&self, l: &Link) -> Option<(&Container, Ipv4Addr)> {
        let c = self.containers.by_id(&l.target)?;
        let ip = c
            .sandbox
            .as_ref()?
            .sorted_endpoints()
            .into_iter()
            .find_map(|e| e.ip)?;
        Some((c, ip.addr))
    }

    /// The `/etc/hosts` lines of `c`'s links.
    pub(crate) fn link_hosts_lines(&self, c: &Container) -> String {
        c.links
            .iter()
            .filter(|l| l.legacy)
            .filter_map(|l| {
                let (t, ip) = self.link_target(l)?;
                let mut names = vec![l.alias.clone(), t.hostname.clone()];
                if t.name != l.alias {
                    names.push(t.name.clone());
                }
                Some(format!("{ip}\t{}\n", names.join(" ")))
            })
            .collect()
    }

    /// What a link of `c` makes `name` resolve to.
    pub(crate) fn resolve_link(&self, c: &Container, name: &str) -> Option<Ipv4Addr> {
        c.links.iter().find_map(|l| {
            let (t, ip) = self.link_target(l)?;
            (name == l.alias || name == t.name || name == t.hostname).then_some(ip)
        })
    }
}

/// `HostConfig.Links`: `/TARGET:/SELF/ALIAS` each, or `null`.
pub fn inspect_links(c: &Container) -> serde_json::Value {
    if !c.links.iter().any(|l| l.legacy) {
        return serde_json::Value::Null;
    }
    c.links
        .iter()
        .filter(|l| l.legacy)
        .map(|l| serde_json::Value::String(format!("/{}:/{}/{}", l.name, c.name, l.alias)))
        .collect()
}
