//! What listens in a container: the servers its command (or its image) runs, and what they
//! answer. Containers run no real processes, so docknet reads this off the command line.
//!
//! Facts (busybox 1.35 and the images' defaults): busybox `httpd [-f] [-p [IP:]PORT]` serves
//! port 80 unless told otherwise and, with no files, answers every request `404 Not Found`
//! with a small HTML body; `nc -l [-p] PORT` accepts and says nothing; `python3 -m
//! http.server [PORT]` serves 8000 with a directory listing; nginx (and the tutorial's
//! nginx-based networktest image) serves 80 with its welcome page; postgres 5432, redis 6379,
//! mysql and mariadb 3306 accept and speak their own protocols.

use crate::op::NetnsName;
use crate::state::{Socket, SocketProto};

/// A server program, as far as a client's output shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerProgram {
    /// busybox `httpd` with no files: `404 Not Found` for everything.
    BusyboxHttpd,
    /// nginx's default site: `200 OK`, the welcome page.
    Nginx,
    /// `python3 -m http.server`: `200 OK`, a directory listing.
    PythonHttp,
    /// A server that speaks no HTTP (`nc -l`, a database).
    Other(String),
}

/// One listening socket of a container's process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// TCP or UDP.
    pub proto: SocketProto,
    /// The bound address (`0.0.0.0` for all).
    pub addr: std::net::Ipv4Addr,
    /// The port.
    pub port: u16,
    /// What answers.
    pub program: ServerProgram,
}

impl Listener {
    fn tcp(port: u16, program: ServerProgram) -> Listener {
        Listener {
            proto: SocketProto::Tcp,
            addr: std::net::Ipv4Addr::UNSPECIFIED,
            port,
            program,
        }
    }

    /// The kernel socket it holds.
    pub fn socket(&self) -> Socket {
        Socket {
            proto: self.proto,
            addr: self.addr,
            port: self.port,
            forward: None,
        }
    }
}

/// The listeners of a container started with this image and `entrypoint + cmd`.
pub fn listeners(image: &str, argv: &[String]) -> Vec<Listener> {
    let base = image.rsplit('/').next().unwrap_or(image);
    let base = base.split(':').next().unwrap_or(base);
    match base {
        "nginx" => return vec![Listener::tcp(80, ServerProgram::Nginx)],
        "networktest" if argv.iter().any(|a| a == "nginx") => {
            return vec![Listener::tcp(80, ServerProgram::Nginx)]
        }
        "postgres" => return vec![Listener::tcp(5432, ServerProgram::Other("postgres".into()))],
        "redis" => return vec![Listener::tcp(6379, ServerProgram::Other("redis".into()))],
        "mysql" | "mariadb" => return vec![Listener::tcp(3306, ServerProgram::Other(base.into()))],
        _ => {}
    }
    command_listeners(argv)
}

/// The listeners a command line opens (`httpd`, `nc -l`, `python3 -m http.server`).
pub fn command_listeners(argv: &[String]) -> Vec<Listener> {
    let Some((prog, args)) = argv.split_first() else {
        return Vec::new();
    };
    let name = prog.rsplit('/').next().unwrap_or(prog);
    match name {
        "httpd" => {
            let mut addr = std::net::Ipv4Addr::UNSPECIFIED;
            let mut port = 80;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                if a == "-p" {
                    let v = it.next().map(String::as_str).unwrap_or("80");
                    let (ip, p) = v.rsplit_once(':').map_or((None, v), |(i, p)| (Some(i), p));
                    port = p.parse().unwrap_or(80);
                    if let Some(ip) = ip.and_then(|i| i.parse().ok()) {
                        addr = ip;
                    }
                }
            }
            vec![Listener {
                addr,
                ..Listener::tcp(port, ServerProgram::BusyboxHttpd)
            }]
        }
        "nc" if args.iter().any(|a| a.starts_with("-l")) => {
            let port = args.iter().rev().find_map(|a| {
                a.trim_start_matches("-lp")
                    .trim_start_matches("-p")
                    .parse()
                    .ok()
            });
            port.map(|p| vec![Listener::tcp(p, ServerProgram::Other("nc".into()))])
                .unwrap_or_default()
        }
        "python" | "python3"
            if args.first().is_some_and(|a| a == "-m")
                && args.get(1).is_some_and(|m| m == "http.server") =>
        {
            let port = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(8000);
            vec![Listener::tcp(port, ServerProgram::PythonHttp)]
        }
        _ => Vec::new(),
    }
}

/// The namespace a listener's socket lives in, for a container with sandbox key `key`.
pub fn listener_ns(key: &str) -> NetnsName {
    NetnsName::new(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn reads_servers_off_command_lines() {
        assert_eq!(listeners("busybox", &v("httpd -f -p 8080"))[0].port, 8080);
        assert_eq!(listeners("busybox", &v("httpd -f"))[0].port, 80);
        let l = &listeners("busybox", &v("httpd -p 127.0.0.1:81"))[0];
        assert_eq!((l.addr.to_string().as_str(), l.port), ("127.0.0.1", 81));
        assert_eq!(listeners("busybox", &v("nc -l -p 9000"))[0].port, 9000);
        assert_eq!(listeners("busybox", &v("nc -lp 9001"))[0].port, 9001);
        assert_eq!(
            listeners("python", &v("python3 -m http.server"))[0].port,
            8000
        );
        assert_eq!(
            listeners("nginx:latest", &v("/docker-entrypoint.sh nginx"))[0].program,
            ServerProgram::Nginx
        );
        assert!(listeners("busybox", &v("sleep 100")).is_empty());
    }
}
