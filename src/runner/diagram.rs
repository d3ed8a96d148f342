//! `docknet diagram [--format text|mermaid|dot|svg] [--reach]`: the connectivity picture of
//! the host as the scenario has left it, as a step.
//!
//! The picture is drawn by `docknet_netstate::diagram` from the observed kernel state; this
//! module only hands it the names the engine knows ([`labels`]): which container runs in
//! which namespace, which network each bridge is, which host ports are published.

use docknet_engine::{CommandOutput, Engine, KernelState};
use docknet_netstate::diagram::{self, Format, Labels, Options, Published};

/// The usage line, for refusals.
const USAGE: &str = "usage: docknet diagram [--format svg|dot|mermaid|text] [--reach]";

/// The names the engine knows that the kernel cannot hold.
pub fn labels(engine: &Engine) -> Labels {
    let mut labels = Labels::default();
    for c in engine.running_containers() {
        // IPv6 bindings (`::`) are the same ports again; docknet draws IPv4 only.
        for b in c.published.iter().filter(|b| !b.host_ip.contains(':')) {
            labels.published.push(Published {
                host_ip: b.host_ip.clone(),
                host_port: b.host_port,
                proto: b.container.proto.name().to_string(),
                container: c.name.clone(),
                container_port: b.container.port,
            });
        }
        labels.containers.entry(c.ns).or_default().push(c.name);
    }
    labels.published.sort_by(|a, b| {
        (a.host_port, &a.proto, &a.host_ip, &a.container).cmp(&(
            b.host_port,
            &b.proto,
            &b.host_ip,
            &b.container,
        ))
    });
    labels.networks = engine.bridge_networks().into_iter().collect();
    labels
}

/// Parses the step's arguments (after `docknet diagram`).
pub fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        format: Format::Text,
        reach: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        match flag {
            "--reach" if inline.is_none() => options.reach = true,
            "--format" => {
                let v = inline
                    .or_else(|| it.next().cloned())
                    .ok_or("--format needs a value")?;
                options.format = Format::parse(&v)
                    .ok_or(format!("--format takes {}, not `{v}`", Format::NAMES))?;
            }
            other => return Err(format!("unexpected `{other}` ({USAGE})")),
        }
    }
    Ok(options)
}

/// `docknet diagram ...` over `state`.
pub fn step(state: &KernelState, engine: &Engine, args: &[String]) -> CommandOutput {
    let options = match parse_options(args) {
        Ok(o) => o,
        Err(e) => return CommandOutput::fail(format!("docknet: diagram: {e}\n"), 2),
    };
    match diagram::draw(state, &labels(engine), options) {
        Ok(text) => CommandOutput::ok(text),
        Err(e) => CommandOutput::fail(format!("docknet: diagram: {e}\n"), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn options_parse_once_into_a_format_and_the_overlay() {
        assert_eq!(
            parse_options(&args("--format mermaid --reach")),
            Ok(Options {
                format: Format::Mermaid,
                reach: true
            })
        );
        assert_eq!(
            parse_options(&args("--format=svg")).map(|o| o.format),
            Ok(Format::Svg)
        );
        assert_eq!(parse_options(&[]).map(|o| o.format), Ok(Format::Text));
    }

    #[test]
    fn at_replays_up_to_its_step_and_refuses_a_line_without_one() {
        let path = std::env::temp_dir().join(format!("docknet-diagram-{}.scn", std::process::id()));
        let scn = "# two steps\n$ docker run -d --name ca busybox sleep 9\n\n$ docker run -d --name cb busybox sleep 9\n";
        std::fs::write(&path, scn).unwrap();
        let file = path.to_string_lossy().into_owned();
        let step = args("docknet diagram");
        let at = |line| crate::diagnose_file_at(&file, None, crate::Backend::Sim, &step, line);
        let first = at(Some(2)).unwrap().stdout;
        assert!(
            first.contains("container ca:") && !first.contains("container cb:"),
            "{first}"
        );
        assert!(at(None).unwrap().stdout.contains("container cb:"));
        let refused = at(Some(3)).unwrap_err();
        assert!(matches!(refused, crate::Error::NoStepAt { line: 3, .. }));
        assert!(refused.to_string().starts_with(&format!("{file}:3: ")));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn bad_options_are_refused_with_the_usage() {
        assert!(parse_options(&args("--format png"))
            .unwrap_err()
            .contains("svg|dot|mermaid|text"));
        assert!(parse_options(&args("--format"))
            .unwrap_err()
            .contains("needs a value"));
        assert!(parse_options(&args("--frob"))
            .unwrap_err()
            .contains("usage"));
    }
}
