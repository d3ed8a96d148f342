//! Published ports: `-p` parsing, host-port allocation, the iptables rules 20.10 programs for a
//! mapping (facts §5.1), and how `docker port` and `docker ps` print them.
//!
//! Dynamic host ports: 20.10's port allocator reads `net.ipv4.ip_local_port_range` at start
//! and only falls back to 49153–65535 when it cannot. Neither docknet kernel changes that
//! sysctl from the kernel default, `32768 60999`, so that is the range used here. Like
//! Docker's allocator, it hands out ports sequentially per (host IP, protocol), starting at the
//! bottom of the range and wrapping (not at random).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;

use crate::firewall::Rule;
use crate::op::Ipv4Cidr;
use docknet_netstate::rule::{NatTo, Proto as RuleProto, RuleSpec, Target};

/// First dynamic host port: the kernel default `ip_local_port_range` start.
pub const DYNAMIC_FIRST: u16 = 32768;
/// Last dynamic host port: the kernel default `ip_local_port_range` end.
pub const DYNAMIC_LAST: u16 = 60999;

/// A container port and protocol, as in `80/tcp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortProto {
    /// The port number.
    pub port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub proto: Proto,
}

/// A transport protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
}

impl Proto {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Sctp => "sctp",
        }
    }

    fn parse(s: &str) -> Option<Proto> {
        match s.to_ascii_lowercase().as_str() {
            "" | "tcp" => Some(Proto::Tcp),
            "udp" => Some(Proto::Udp),
            "sctp" => Some(Proto::Sctp),
            _ => None,
        }
    }
}

impl fmt::Display for PortProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.port, self.proto.name())
    }
}

/// One `HostConfig.PortBindings` entry: what the user asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortBindingSpec {
    /// The container port.
    pub container: PortProto,
    /// `HostIp` as typed ("" for the network's default).
    pub host_ip: String,
    /// `HostPort` as typed: "" (dynamic), "8080", or a range "8000-8005".
    pub host_port: String,
}

/// A host port actually bound for a running container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundPort {
    /// The container port.
    pub container: PortProto,
    /// The host IP as inspect prints it (`0.0.0.0`, `::`, `127.0.0.1`).
    pub host_ip: String,
    /// The host port.
    pub host_port: u16,
    /// Whether a docker-proxy serves it (`--userland-proxy`, the default).
    pub proxy: bool,
}

fn parse_range(s: &str) -> Option<(u16, u16)> {
    let (a, b) = match s.split_once('-') {
        Some((a, b)) => (a, b),
        None => (s, s),
    };
    let a: u16 = a.parse().ok()?;
    let b: u16 = b.parse().ok()?;
    (a <= b).then_some((a, b))
}

/// Parses one `-p` value (`nat.ParsePortSpec`), error texts as the CLI prints them.
pub fn parse_publish(spec: &str) -> Result<Vec<PortBindingSpec>, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (ip, host, ctr) = match parts.len() {
        1 => ("".to_string(), "", parts[0]),
        2 => ("".to_string(), parts[0], parts[1]),
        3 => (parts[0].to_string(), parts[1], parts[2]),
        n => (parts[..n - 2].join(":"), parts[n - 2], parts[n - 1]),
    };
    let ip = ip.trim_start_matches('[').trim_end_matches(']').to_string();
    if !ip.is_empty() && ip.parse::<std::net::IpAddr>().is_err() {
        return Err(format!("Invalid ip address: {ip}"));
    }
    let (ctr_ports, proto) = match ctr.split_once('/') {
        Some((p, pr)) => (p, pr),
        None => (ctr, "tcp"),
    };
    let proto = Proto::parse(proto).ok_or_else(|| format!("Invalid proto: {proto}"))?;
    let (c0, c1) =
        parse_range(ctr_ports).ok_or_else(|| format!("Invalid containerPort: {ctr_ports}"))?;
    let (h0, h1) = if host.is_empty() {
        (0, 0)
    } else {
        parse_range(host).ok_or_else(|| format!("Invalid hostPort: {host}"))?
    };
    let same_len = c1 - c0 == h1 - h0;
    if !host.is_empty() && !same_len && c0 != c1 {
        return Err(format!(
            "Invalid ranges specified for container and host Ports: {ctr_ports} and {host}"
        ));
    }
    let mut out = Vec::new();
    for i in 0..=(c1 - c0) {
        let host_port = if host.is_empty() {
            String::new()
        } else if same_len {
            (h0 + i).to_string()
        } else {
            format!("{h0}-{h1}")
        };
        out.push(PortBindingSpec {
            container: PortProto {
                port: c0 + i,
                proto,
            },
            host_ip: ip.clone(),
            host_port,
        });
    }
    Ok(out)
}

/// Parses one `--expose` value (`80`, `80/udp`, `8000-8002`).
pub fn parse_expose(spec: &str) -> Result<Vec<PortProto>, String> {
    let (p, proto) = spec.split_once('/').unwrap_or((spec, "tcp"));
    let proto = Proto::parse(proto).ok_or_else(|| format!("Invalid proto: {proto}"))?;
    let (a, b) =
        parse_range(p).ok_or_else(|| format!("Invalid range format for --expose: {spec}"))?;
    Ok((a..=b).map(|port| PortProto { port, proto }).collect())
}

/// Host ports in use, per (host IP, protocol), with Docker's sequential dynamic cursor.
#[derive(Clone, Debug, Default)]
pub struct PortAllocator {
    used: BTreeSet<(String, Proto, u16)>,
    last: BTreeMap<(String, Proto), u16>,
}

impl PortAllocator {
    /// Reserves a host port for `ip`/`proto`: `wanted` may be "", a port or a range.
    pub fn request(&mut self, ip: &str, proto: Proto, wanted: &str) -> Result<u16, String> {
        let (lo, hi, dynamic) = match wanted {
            "" => (DYNAMIC_FIRST, DYNAMIC_LAST, true),
            w => match parse_range(w) {
                Some((a, b)) if a == b => {
                    if self.used.contains(&(ip.to_string(), proto, a)) {
                        return Err(format!(
                            "Bind for {ip}:{a} failed: port is already allocated"
                        ));
                    }
                    self.used.insert((ip.to_string(), proto, a));
                    return Ok(a);
                }
                Some((a, b)) => (a, b, false),
                None => return Err(format!("Invalid hostPort: {w}")),
            },
        };
        let key = (ip.to_string(), proto);
        let start = if dynamic {
            self.last.get(&key).copied().unwrap_or(DYNAMIC_LAST)
        } else {
            hi
        };
        let mut port = start;
        for _ in 0..=(hi - lo) {
            port = if port >= hi || port < lo {
                lo
            } else {
                port + 1
            };
            if !self.used.contains(&(ip.to_string(), proto, port)) {
                self.used.insert((ip.to_string(), proto, port));
                if dynamic {
                    self.last.insert(key, port);
                }
                return Ok(port);
            }
        }
        Err(format!(
            "Bind for {ip}:{wanted} failed: port is already allocated"
        ))
    }

    /// Releases a host port.
    pub fn release(&mut self, ip: &str, proto: Proto, port: u16) {
        self.used.remove(&(ip.to_string(), proto, port));
    }

    /// Whether a port is in use.
    pub fn in_use(&self, ip: &str, proto: Proto, port: u16) -> bool {
        self.used.contains(&(ip.to_string(), proto, port))
    }
}

/// The three rules 20.10 programs for one IPv4 mapping (`ChainInfo.Forward`), in order.
///
/// `hairpin` is `--userland-proxy=false`: the DNAT then applies to traffic from the bridge
/// too (no `! -i BRIDGE`).
pub fn mapping_rules(
    bridge: &str,
    host_ip: Ipv4Addr,
    host_port: u16,
    ctr_ip: Ipv4Addr,
    ctr: PortProto,
    hairpin: bool,
) -> Vec<Rule> {
    let proto = match ctr.proto {
        Proto::Tcp => RuleProto::TCP,
        Proto::Udp => RuleProto::UDP,
        Proto::Sctp => RuleProto(132),
    };
    let host = |ip: Ipv4Addr| Ipv4Cidr::new(ip, 32);
    let mut dnat = RuleSpec::new();
    if !host_ip.is_unspecified() {
        dnat = dnat.dst(host(host_ip), false);
    }
    let to = NatTo {
        addr: Some(ctr_ip),
        ports: Some((ctr.port, ctr.port)),
    };
    vec![
        Rule::nat(
            "DOCKER",
            if hairpin {
                dnat
            } else {
                dnat.in_iface(bridge, true)
            }
            .proto_dport(proto, Some(host_port))
            .target(Target::Dnat(to)),
        ),
        Rule::filter(
            "DOCKER",
            RuleSpec::new()
                .dst(host(ctr_ip), false)
                .in_iface(bridge, true)
                .out_iface(bridge, false)
                .proto_dport(proto, Some(ctr.port))
                .jump("ACCEPT"),
        ),
        Rule::nat(
            "POSTROUTING",
            RuleSpec::new()
                .src(host(ctr_ip), false)
                .dst(host(ctr_ip), false)
                .proto_dport(proto, Some(ctr.port))
                .jump("MASQUERADE"),
        ),
    ]
}

/// `NetworkSettings.Ports`: every exposed port, with its bindings or none (`null`).
pub fn port_map(
    exposed: &[PortProto],
    bound: &[BoundPort],
) -> BTreeMap<String, Option<Vec<(String, String)>>> {
    let mut m: BTreeMap<String, Option<Vec<(String, String)>>> = BTreeMap::new();
    for e in exposed {
        m.entry(e.to_string()).or_insert(None);
    }
    for b in bound {
        m.entry(b.container.to_string())
            .or_insert(None)
            .get_or_insert_with(Vec::new)
            .push((b.host_ip.clone(), b.host_port.to_string()));
    }
    m
}

/// `docker port` lines: `80/tcp -> 0.0.0.0:8080`, sorted by container port.
pub fn port_lines(bound: &[BoundPort], only: Option<PortProto>) -> Vec<String> {
    let mut v: Vec<&BoundPort> = bound
        .iter()
        .filter(|b| only.is_none_or(|o| o == b.container))
        .collect();
    v.sort_by_key(|b| b.container);
    v.into_iter()
        .map(|b| {
            // CLI 20.10 joins IP and port with a bare colon (`:::8080` for IPv6); brackets
            // came with later CLIs.
            let host = format!("{}:{}", b.host_ip, b.host_port);
            match only {
                Some(_) => host,
                None => format!("{} -> {host}", b.container),
            }
        })
        .collect()
}

/// One entry of the API's port list: (IP, private, public, proto); IP "" for unpublished.
type ApiPort = (String, u16, u16, Proto);

/// `docker ps`'s PORTS column as CLI 20.10 builds it (`DisplayablePorts`).
pub fn displayable_ports(exposed: &[PortProto], bound: &[BoundPort]) -> String {
    let mut ports: Vec<ApiPort> = Vec::new();
    for (k, v) in port_map(exposed, bound) {
        let (num, proto) = k.split_once('/').unwrap_or((&k, "tcp"));
        let num: u16 = num.parse().unwrap_or(0);
        let proto = Proto::parse(proto).unwrap_or(Proto::Tcp);
        match v {
            None => ports.push((String::new(), num, 0, proto)),
            Some(list) => {
                for (ip, hp) in list {
                    ports.push((ip, num, hp.parse().unwrap_or(0), proto));
                }
            }
        }
    }
    ports.sort_by(|a, b| (a.1, &a.0, a.2, a.3.name()).cmp(&(b.1, &b.0, b.2, b.3.name())));
    let mut groups: Vec<(String, u16, u16)> = Vec::new();
    let mut open: BTreeMap<String, usize> = BTreeMap::new();
    let mut result: Vec<String> = Vec::new();
    let mut host_mappings: Vec<String> = Vec::new();
    for (ip, private, public, proto) in ports {
        let mut key = proto.name().to_string();
        if !ip.is_empty() {
            if public != private {
                host_mappings.push(format!("{ip}:{public}->{private}/{}", proto.name()));
                continue;
            }
            key = format!("{ip}/{}", proto.name());
        }
        match open.get(&key) {
            None => {
                open.insert(key.clone(), groups.len());
                groups.push((key, private, private));
            }
            Some(&gi) if groups[gi].2 + 1 == private => groups[gi].2 = private,
            Some(&gi) => {
                result.push(form_group(&groups[gi].0, groups[gi].1, groups[gi].2));
                groups[gi].1 = private;
                groups[gi].2 = private;
            }
        }
    }
    for (key, first, last) in &groups {
        result.push(form_group(key, *first, *last));
    }
    result.extend(host_mappings);
    result.join(", ")
}

fn form_group(key: &str, first: u16, last: u16) -> String {
    let (ip, proto) = match key.rsplit_once('/') {
        Some((ip, p)) => (ip, p),
        None => ("", key),
    };
    let mut group = first.to_string();
    if first != last {
        group = format!("{group}-{last}");
    }
    if !ip.is_empty() {
        group = format!("{ip}:{group}->{group}");
    }
    format!("{group}/{proto}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tcp(port: u16) -> PortProto {
        PortProto {
            port,
            proto: Proto::Tcp,
        }
    }

    #[test]
    fn publish_forms() {
        let p = parse_publish("8080:80").unwrap();
        assert_eq!(
            (
                p[0].host_ip.as_str(),
                p[0].host_port.as_str(),
                p[0].container
            ),
            ("", "8080", tcp(80))
        );
        let p = parse_publish("127.0.0.1:8080:80/udp").unwrap();
        assert_eq!(p[0].host_ip, "127.0.0.1");
        assert_eq!(p[0].container.proto, Proto::Udp);
        let p = parse_publish("80").unwrap();
        assert_eq!(p[0].host_port, "");
        let p = parse_publish("8000-8001:80-81").unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!((p[1].host_port.as_str(), p[1].container.port), ("8001", 81));
        let p = parse_publish("8000-8005:80").unwrap();
        assert_eq!(p[0].host_port, "8000-8005");
        assert_eq!(
            parse_publish("8000-8001:80-83").unwrap_err(),
            "Invalid ranges specified for container and host Ports: 80-83 and 8000-8001"
        );
        assert_eq!(parse_publish("x:80").unwrap_err(), "Invalid hostPort: x");
    }

    #[test]
    fn allocator_sequential_and_conflicts() {
        let mut a = PortAllocator::default();
        assert_eq!(a.request("0.0.0.0", Proto::Tcp, "8080"), Ok(8080));
        assert_eq!(
            a.request("0.0.0.0", Proto::Tcp, "8080").unwrap_err(),
            "Bind for 0.0.0.0:8080 failed: port is already allocated"
        );
        assert_eq!(a.request("0.0.0.0", Proto::Udp, "8080"), Ok(8080));
        assert_eq!(a.request("0.0.0.0", Proto::Tcp, ""), Ok(32768));
        assert_eq!(a.request("0.0.0.0", Proto::Tcp, ""), Ok(32769));
        a.release("0.0.0.0", Proto::Tcp, 32768);
        assert_eq!(a.request("0.0.0.0", Proto::Tcp, ""), Ok(32770));
        assert_eq!(a.request("0.0.0.0", Proto::Tcp, "8080-8081"), Ok(8081));
    }

    #[test]
    fn rule_text_matches_recording() {
        let r = mapping_rules(
            "docker0",
            Ipv4Addr::UNSPECIFIED,
            8080,
            Ipv4Addr::new(172, 17, 0, 4),
            tcp(80),
            false,
        );
        assert_eq!(r[0].save_line(), "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.4:80");
        assert_eq!(
            r[1].save_line(),
            "-A DOCKER -d 172.17.0.4/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT"
        );
        assert_eq!(r[2].save_line(), "-A POSTROUTING -s 172.17.0.4/32 -d 172.17.0.4/32 -p tcp -m tcp --dport 80 -j MASQUERADE");
        let r = mapping_rules(
            "docker0",
            Ipv4Addr::LOCALHOST,
            8080,
            Ipv4Addr::new(172, 17, 0, 4),
            tcp(80),
            false,
        );
        assert!(r[0]
            .spec
            .to_string()
            .starts_with("-d 127.0.0.1/32 ! -i docker0"));
    }

    #[test]
    fn ps_ports_column() {
        let bound = vec![
            BoundPort {
                container: tcp(80),
                host_ip: "0.0.0.0".into(),
                host_port: 8080,
                proxy: true,
            },
            BoundPort {
                container: tcp(80),
                host_ip: "::".into(),
                host_port: 8080,
                proxy: true,
            },
        ];
        assert_eq!(
            displayable_ports(&[tcp(80)], &bound),
            "0.0.0.0:8080->80/tcp, :::8080->80/tcp"
        );
        assert_eq!(
            displayable_ports(&[tcp(80), tcp(443)], &[]),
            "80/tcp, 443/tcp"
        );
        assert_eq!(displayable_ports(&[tcp(80), tcp(81)], &[]), "80-81/tcp");
        assert_eq!(
            port_lines(&bound, None),
            vec!["80/tcp -> 0.0.0.0:8080", "80/tcp -> :::8080"]
        );
        let same = vec![BoundPort {
            container: tcp(80),
            host_ip: "0.0.0.0".into(),
            host_port: 80,
            proxy: true,
        }];
        assert_eq!(displayable_ports(&[tcp(80)], &same), "0.0.0.0:80->80/tcp");
    }
}
