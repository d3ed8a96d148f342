//! `bridge link show` of iproute2 6.1 (`bridge` utility), text and `-j`: one line per bridge
//! port, in ifindex order. Unlike `ip`, `bridge` resolves a veth peer's index in its own
//! namespace even when the peer is elsewhere (see [`Iface::new_local_peer`]).

use super::iface::{Iface, PeerRef};
use super::json::Json;
use super::link::NoDevice;
use super::link_details::{port_state_name, PORT_COST, PORT_PRIORITY};
use crate::state::Netns;

/// The error `bridge link show dev X` prints for an unknown device (exit 255).
pub fn error_text(e: &NoDevice) -> String {
    format!("Cannot find device \"{}\"\n", e.0)
}

fn ports<'a>(ns: &'a Netns, dev: Option<&str>) -> Result<Vec<Iface<'a>>, NoDevice> {
    if let Some(d) = dev {
        if ns.link_by_name(d).is_none() {
            return Err(NoDevice(d.to_string()));
        }
    }
    Ok(ns
        .links
        .values()
        .map(|l| Iface::new_local_peer(ns, l))
        .filter(|i| i.master.is_some())
        .filter(|i| dev.is_none_or(|d| i.link.name == d))
        .collect())
}

fn state(i: &Iface<'_>) -> &'static str {
    port_state_name(i.link.port_state.unwrap_or(0))
}

/// `N: NAME@PEER: <FLAGS> mtu M master BR state S priority 32 cost 2 \n` per port.
pub fn show_text(ns: &Netns, dev: Option<&str>) -> Result<String, NoDevice> {
    Ok(ports(ns, dev)?
        .iter()
        .map(|i| {
            format!(
                "{}: {}: {} mtu {} master {} state {} priority {PORT_PRIORITY} cost {PORT_COST} \n",
                i.link.ifindex,
                i.display_name(),
                i.flag_list(),
                i.link.mtu,
                i.master.unwrap_or(""),
                state(i),
            )
        })
        .collect())
}

/// `bridge -j link show`: one line of compact JSON (`"link"` is `ifN` for a remote peer).
pub fn show_json(ns: &Netns, dev: Option<&str>) -> Result<String, NoDevice> {
    let items = ports(ns, dev)?
        .iter()
        .map(|i| {
            let mut o = vec![("ifindex", Json::Num(i.link.ifindex.into()))];
            match &i.peer {
                PeerRef::None => {}
                PeerRef::Local(p) => o.push(("link", Json::str(p.as_str()))),
                PeerRef::Remote { ifindex, .. } => {
                    o.push(("link", Json::str(format!("if{ifindex}"))))
                }
            }
            o.extend([
                ("ifname", Json::str(i.link.name.as_str())),
                ("flags", Json::strs(i.flags.iter().copied())),
                ("mtu", Json::Num(i.link.mtu.into())),
                ("master", Json::str(i.master.unwrap_or(""))),
                ("state", Json::str(state(i))),
                ("priority", Json::Num(PORT_PRIORITY)),
                ("cost", Json::Num(PORT_COST)),
            ]);
            Json::Obj(o)
        })
        .collect();
    Ok(format!("{}\n", Json::Arr(items)))
}
