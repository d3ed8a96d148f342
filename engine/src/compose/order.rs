//! The order Compose brings services up in: dependencies first, then by name.
//!
//! Facts (`tests/oracle/compose-*.log`): `depends_on`, `links` and `network_mode:
//! service:S` are dependencies; both programs start the services whose dependencies are up
//! in parallel (their lines interleave at random), a level at a time; docknet runs each
//! level in name order, and takes them down in the reverse order.

use std::collections::BTreeMap;

use super::error::ComposeError;
use super::model::{ComposeFile, NetworkModeSpec, Service};
use super::program::Program;
use crate::error::EngineError;

/// The services a service needs up before it starts.
pub fn dependencies(svc: &Service) -> Vec<&str> {
    let mut deps: Vec<&str> = svc.depends_on.iter().map(String::as_str).collect();
    deps.extend(svc.links.iter().map(|(s, _)| s.as_str()));
    if let Some(NetworkModeSpec::Service(s)) = &svc.network_mode {
        deps.push(s);
    }
    deps.sort();
    deps.dedup();
    deps
}

/// Services grouped by start level: level 0 needs nothing, level n needs levels below n.
pub fn levels(f: &ComposeFile, program: Program) -> Result<Vec<Vec<String>>, EngineError> {
    for (name, svc) in &f.services {
        if let Some(missing) = dependencies(svc)
            .into_iter()
            .find(|d| !f.services.contains_key(*d))
        {
            return Err(ComposeError::UndefinedService {
                program,
                service: name.clone(),
                missing: missing.to_string(),
            }
            .into());
        }
    }
    let mut level: BTreeMap<&str, usize> = BTreeMap::new();
    // At most one pass per service: a level beyond that count is a cycle.
    for _ in 0..=f.services.len() {
        let mut changed = false;
        for (name, svc) in &f.services {
            let l = dependencies(svc)
                .iter()
                .map(|d| level.get(d).map_or(0, |x| x + 1))
                .max()
                .unwrap_or(0);
            if level.get(name.as_str()) != Some(&l) {
                level.insert(name, l);
                changed = true;
            }
        }
        if !changed {
            let depth = level.values().max().map_or(0, |m| m + 1);
            let mut out = vec![Vec::new(); depth];
            for (name, l) in level {
                out[l].push(name.to_string());
            }
            return Ok(out);
        }
    }
    Err(EngineError::Unsupported(
        "circular dependencies between compose services".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::model::ComposeFile;
    use super::super::yaml::parse;
    use super::*;

    #[test]
    fn dependencies_first_then_names() {
        let f = ComposeFile::from_tree(&parse("services:\n  web:\n    image: x\n    links: ['db:database']\n  side:\n    image: x\n    network_mode: 'service:web'\n  db:\n    image: x\n  cache:\n    image: x\n").unwrap()).unwrap();
        assert_eq!(
            levels(&f, Program::V2).unwrap(),
            vec![vec!["cache", "db"], vec!["web"], vec!["side"]]
        );
    }
}
