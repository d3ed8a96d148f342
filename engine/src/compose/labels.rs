//! The `com.docker.compose.*` labels Compose puts on what it creates, and reads back to find
//! a project's containers and networks.
//!
//! Facts (`tests/oracle/compose-*.log`): 1.29 labels a network `network` (its `name:` if
//! given, else its key), `project`, `version`; 2.40 adds `config-hash` and always says the
//! key. 1.29 labels a container `config-hash`, `container-number`, `oneoff` (`False`),
//! `project`, `project.config_files` (as given), `project.working_dir`, `service`,
//! `version`; 2.40 adds `depends_on` (`svc:service_started:true` for a link, `:false` for a
//! `depends_on`, sorted, comma-joined) and `image` (the image ID), and gives the config file
//! as an absolute path. The hashes are sha256 of Compose's own serialisation; docknet's are
//! a stable digest of its model (they differ).

use std::collections::BTreeMap;

use super::model::{NetworkDef, Service};
use super::program::Program;
use super::project::Project;
use crate::container::inspect::derived_hex;

/// The label naming a container's project.
pub const PROJECT: &str = "com.docker.compose.project";
/// The label naming a container's service.
pub const SERVICE: &str = "com.docker.compose.service";
/// The label naming a network's key.
pub const NETWORK: &str = "com.docker.compose.network";

fn label(map: &mut BTreeMap<String, String>, key: &str, value: impl Into<String>) {
    map.insert(format!("com.docker.compose.{key}"), value.into());
}

/// The labels of the network under `key`, merged over its own `labels:`.
pub fn network_labels(p: &Project, key: &str, def: &NetworkDef) -> BTreeMap<String, String> {
    let mut m = def.labels.clone();
    let shown_key = match (p.program, &def.name) {
        (Program::V1, Some(name)) => name.clone(),
        _ => key.to_string(),
    };
    if p.program == Program::V2 {
        label(
            &mut m,
            "config-hash",
            derived_hex(&format!("network:{key}:{def:?}")),
        );
    }
    label(&mut m, "network", shown_key);
    label(&mut m, "project", p.name.clone());
    label(&mut m, "version", p.program.version());
    m
}

/// The labels of the container of service `name`.
pub fn container_labels(p: &Project, name: &str, svc: &Service) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    label(
        &mut m,
        "config-hash",
        derived_hex(&format!("service:{name}:{svc:?}")),
    );
    label(&mut m, "container-number", "1");
    label(&mut m, "oneoff", "False");
    label(&mut m, "project", p.name.clone());
    label(&mut m, "project.working_dir", p.working_dir.clone());
    label(&mut m, "service", name);
    label(&mut m, "version", p.program.version());
    match p.program {
        Program::V1 => label(&mut m, "project.config_files", p.file_given.clone()),
        Program::V2 => {
            label(&mut m, "project.config_files", p.file_path.clone());
            label(&mut m, "depends_on", depends_on_label(svc));
            let image = derived_hex(&format!("image:{}", svc.image));
            label(&mut m, "image", format!("sha256:{image}"));
        }
    }
    m
}

/// 2.40's `depends_on` label: links restart their dependent (`true`), `depends_on` does not.
fn depends_on_label(svc: &Service) -> String {
    let mut deps: BTreeMap<&str, bool> = BTreeMap::new();
    for d in &svc.depends_on {
        deps.entry(d).or_insert(false);
    }
    for (l, _) in &svc.links {
        deps.insert(l, true);
    }
    deps.iter()
        .map(|(d, restart)| format!("{d}:service_started:{restart}"))
        .collect::<Vec<_>>()
        .join(",")
}
