//! What the network clients of a namespace reach through: the kernel's probes, the
//! engine's resolver and servers, and which tools the namespace's image has.

use std::net::Ipv4Addr;

use docknet_engine::container::services::ServerProgram;
use docknet_engine::{Engine, Kernel, NetnsName};
use docknet_netstate::tools::Observed;
use docknet_netstate::walk::{Outcome, Probe, ProbeKind};

use super::clients::{ClientNet, Flavour, Service};

/// busybox httpd's answer when it has no files (`../shared/oracle/`, raw 6t).
const BUSYBOX_404: &str = "<HTML><HEAD><TITLE>404 Not Found</TITLE></HEAD>\n<BODY><H1>404 Not Found</H1>\nThe requested URL was not found\n</BODY></HTML>\n";

/// The clients' view from one namespace.
pub struct NamespaceNet<'a, 'k> {
    /// The kernel, for probes.
    pub kernel: &'a mut Observed<'k>,
    /// The daemon, for names and servers.
    pub engine: &'a Engine,
    /// Where the client runs.
    pub ns: NetnsName,
}

/// Images whose tools are GNU/iputils (Debian and Ubuntu based); the host is Debian too.
pub fn flavour(engine: &Engine, ns: &NetnsName) -> Flavour {
    match engine.image_in(ns) {
        Some(image) => image_flavour(image),
        None => Flavour::Gnu,
    }
}

/// The tools an image ships, by its name (registry and tag ignored).
pub fn image_flavour(image: &str) -> Flavour {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(':').next().unwrap_or(base);
    match base {
        "networktest" | "ubuntu" | "debian" | "nginx" | "httpd" | "postgres" | "python" => {
            Flavour::Gnu
        }
        _ => Flavour::Busybox,
    }
}

impl ClientNet for NamespaceNet<'_, '_> {
    fn resolve(&mut self, name: &str) -> Option<Ipv4Addr> {
        self.engine.resolve(&self.ns, name)
    }

    fn probe(&mut self, dst: Ipv4Addr, kind: ProbeKind) -> Result<Outcome, String> {
        let p = Probe {
            from: self.ns.clone(),
            dst,
            kind,
        };
        self.kernel.probe(&p).map_err(|e| e.to_string())
    }

    fn service(&mut self, outcome: &Outcome) -> Service {
        let mut o = outcome;
        while let Outcome::Connected {
            onward: Some(next), ..
        } = o
        {
            o = next;
        }
        let Outcome::Connected { ns, socket, .. } = o else {
            return Service::Silent;
        };
        match self.engine.server_at(ns, socket.port()) {
            Some(ServerProgram::BusyboxHttpd) => Service::Http {
                status: "404 Not Found".into(),
                body: Some(BUSYBOX_404.into()),
            },
            Some(ServerProgram::Nginx) | Some(ServerProgram::PythonHttp) => Service::Http {
                status: "200 OK".into(),
                body: None,
            },
            _ => Service::Silent,
        }
    }
}
