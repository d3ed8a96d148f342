//! `down`: the project's containers, newest level first, then the networks it made;
//! external networks stay.
//!
//! Facts (`tests/oracle/compose-*.log`): containers are found by their project label;
//! 2.40 prints ` Network N  Removing`/`Removed` for the networks it made and nothing for
//! external ones, and warns `No resource found to remove` when nothing is there; 1.29
//! prints `Removing network N` for each network of the file (`Network N not found.` when
//! it is gone) and `Network N is external, skipping`.

use super::labels;
use super::program::Program;
use super::progress::{Object, Progress};
use super::Loaded;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::kernel::Kernel;

impl Engine {
    /// `down`; progress on `out`; `Ok(false)` when there was nothing to remove.
    pub(super) fn compose_down(
        &mut self,
        k: &mut dyn Kernel,
        l: &Loaded,
        levels: &[Vec<String>],
        out: &mut Progress,
    ) -> Result<bool, EngineError> {
        let p = &l.project;
        let mut names: Vec<String> = Vec::new();
        for level in levels.iter().rev() {
            names.extend(
                level
                    .iter()
                    .map(|s| p.container_name(s))
                    .filter(|n| self.project_container(n, &p.name)),
            );
        }
        names.iter().for_each(|n| out.learn(n));
        let running: Vec<String> = names
            .iter()
            .filter(|n| {
                self.containers
                    .find(n)
                    .is_ok_and(|i| self.containers.get(i).running())
            })
            .cloned()
            .collect();
        out.batch("Stopping", &running);
        out.batch("Removing", &names);
        for n in &names {
            let i = self.containers.find(n)?;
            let was_running = self.containers.get(i).running();
            if was_running {
                out.event(Object::Container, n, "Stopping");
            }
            self.graceful_stop(k, i, None)?;
            if was_running {
                out.event(Object::Container, n, "Stopped");
            }
            out.event(Object::Container, n, "Removing");
            self.containers.list.remove(i);
            out.event(Object::Container, n, "Removed");
        }
        let removed_nets = self.down_networks(k, l, out)?;
        Ok(!names.is_empty() || removed_nets)
    }

    fn project_container(&self, name: &str, project: &str) -> bool {
        self.containers.find(name).is_ok_and(|i| {
            self.containers
                .get(i)
                .labels
                .get(labels::PROJECT)
                .map(String::as_str)
                == Some(project)
        })
    }

    fn down_networks(
        &mut self,
        k: &mut dyn Kernel,
        l: &Loaded,
        out: &mut Progress,
    ) -> Result<bool, EngineError> {
        let p = &l.project;
        let mut mine = Vec::new();
        for (key, def) in self.used_networks(l).into_iter().rev() {
            let name = p.network_name(&key, def.name.as_deref());
            let ours = self.network(&name).is_ok_and(|n| {
                n.labels.get(labels::PROJECT).map(String::as_str) == Some(p.name.as_str())
            });
            if p.program == Program::V1 {
                out.line(&if def.is_external() {
                    format!("Network {name} is external, skipping")
                } else if ours {
                    format!("Removing network {name}")
                } else {
                    format!("Removing network {name}\nNetwork {name} not found.")
                });
            }
            if ours && !def.is_external() {
                mine.push(name);
            }
        }
        for n in &mine {
            out.event(Object::Network, n, "Removing");
        }
        for n in &mine {
            self.remove_network(k, n)?;
        }
        for n in &mine {
            out.event(Object::Network, n, "Removed");
        }
        Ok(!mine.is_empty())
    }
}
