//! The host the sim benches measure: a booted daemon with containers spread over networks.

use docknet::Backend;
use docknet_engine::{Engine, DEFAULT_SEED};
use docknet_netstate::state::KernelState;

/// A booted daemon with `networks` networks (`10.N.0.0/24`) and `containers` running
/// containers spread over them, and the state it left on sim.
pub fn populated_host(networks: usize, containers: usize) -> (Engine, KernelState) {
    let mut kernel = Backend::Sim.kernel().expect("sim is available");
    let mut engine = Engine::new(DEFAULT_SEED);
    engine.boot(kernel.as_mut()).expect("boots");
    let mut run = |line: String| {
        let args: Vec<String> = line.split_whitespace().map(String::from).collect();
        let out = engine.docker(kernel.as_mut(), &args);
        assert_eq!(out.exit, 0, "docker {line}: {}", out.stderr);
    };
    for n in 0..networks {
        run(format!("network create --subnet 10.{n}.0.0/24 net{n}"));
    }
    for c in 0..containers {
        run(format!(
            "run -d --name c{c} --network net{} busybox sleep 100000",
            c % networks
        ));
    }
    let state = kernel.observe().expect("observable");
    (engine, state)
}
