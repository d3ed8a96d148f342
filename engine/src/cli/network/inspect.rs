//! `docker network inspect`: documents, `--format` templates, and not-found handling.

use super::docs::{INSPECT, INSPECT_DOCS};
use super::template_error;
use crate::cli::flags::{self, FlagSpec};
use crate::cli::help::help_text;
use crate::cli::template::Template;
use crate::engine::Engine;
use crate::error::EngineError;
use crate::inspect::indented;
use crate::inspect::network::NETWORK_RESOURCE;
use crate::output::CommandOutput;

impl Engine {
    /// `docker network inspect [-f FORMAT] NET...`.
    pub(crate) fn network_inspect(&mut self, args: &[String]) -> CommandOutput {
        const SPECS: &[FlagSpec] = &[
            FlagSpec::value("format", Some('f')),
            FlagSpec::boolean("verbose", Some('v')),
        ];
        let p = match flags::parse(SPECS, args, true) {
            Ok(p) => p,
            Err(e) => return INSPECT.flag_error(&e),
        };
        if p.help {
            return CommandOutput::ok(help_text(&INSPECT, None, INSPECT_DOCS));
        }
        if let Some(out) = INSPECT.check_args(p.args.len(), None, 1) {
            return out;
        }
        let tmpl = match p.last("format").filter(|f| !f.is_empty()) {
            Some(f) => match Template::parse(f) {
                Ok(t) => Some(t),
                Err(e) => return template_error(&e, 64),
            },
            None => None,
        };
        // One pass in argument order, as the CLI's inspector collects output and errors.
        let mut docs = Vec::new();
        let mut out = String::new();
        let mut errs = Vec::new();
        for name in &p.args {
            let doc = match self.network(name) {
                Ok(n) => self.network_json(n),
                Err(EngineError::NetworkNotFound(_)) => {
                    errs.push(EngineError::NoSuchNetwork(name.clone()).render());
                    continue;
                }
                Err(e) => {
                    errs.push(e.render());
                    continue;
                }
            };
            match &tmpl {
                None => docs.push(doc),
                Some(t) => match t.execute_typed(&doc, &NETWORK_RESOURCE) {
                    Ok(s) => {
                        out.push_str(&s);
                        out.push('\n');
                    }
                    Err(e) => errs.push(format!("template parsing error: {e}\n")),
                },
            }
        }
        let stdout = match &tmpl {
            None => indented(&docs),
            // The template inspector prints a lone newline when it has nothing.
            Some(_) if out.is_empty() => "\n".to_string(),
            Some(_) => out,
        };
        CommandOutput {
            stdout,
            exit: if errs.is_empty() { 0 } else { 1 },
            stderr: errs.concat(),
        }
    }
}
