//! What `docker network SUB --help` prints: use lines, blurbs and flag texts of CLI 20.10.

use crate::cli::help::FlagDoc;
use crate::cli::Usage;

/// `docker network create`.
pub(super) const CREATE: Usage = Usage {
    path: "docker network create",
    line: "docker network create [OPTIONS] NETWORK",
    short: "Create a network",
};
/// `docker network ls`.
pub(super) const LS: Usage = Usage {
    path: "docker network ls",
    line: "docker network ls [OPTIONS]",
    short: "List networks",
};
/// `docker network inspect`.
pub(super) const INSPECT: Usage = Usage {
    path: "docker network inspect",
    line: "docker network inspect [OPTIONS] NETWORK [NETWORK...]",
    short: "Display detailed information on one or more networks",
};
/// `docker network rm`.
pub(super) const RM: Usage = Usage {
    path: "docker network rm",
    line: "docker network rm NETWORK [NETWORK...]",
    short: "Remove one or more networks",
};
/// `docker network prune`.
pub(super) const PRUNE: Usage = Usage {
    path: "docker network prune",
    line: "docker network prune [OPTIONS]",
    short: "Remove all unused networks",
};

/// `docker network create` flags.
pub(super) const CREATE_DOCS: &[FlagDoc] = &[
    FlagDoc::new(None, "attachable", "", "Enable manual container attachment"),
    FlagDoc::new(
        None,
        "aux-address",
        "map",
        "Auxiliary IPv4 or IPv6 addresses used by Network driver",
    )
    .with_default("map[]"),
    FlagDoc::new(
        None,
        "config-from",
        "string",
        "The network from which to copy the configuration",
    ),
    FlagDoc::new(
        None,
        "config-only",
        "",
        "Create a configuration only network",
    ),
    FlagDoc::new(
        Some('d'),
        "driver",
        "string",
        "Driver to manage the Network",
    )
    .with_default("\"bridge\""),
    FlagDoc::new(
        None,
        "gateway",
        "strings",
        "IPv4 or IPv6 Gateway for the master subnet",
    ),
    FlagDoc::new(None, "ingress", "", "Create swarm routing-mesh network"),
    FlagDoc::new(
        None,
        "internal",
        "",
        "Restrict external access to the network",
    ),
    FlagDoc::new(
        None,
        "ip-range",
        "strings",
        "Allocate container ip from a sub-range",
    ),
    FlagDoc::new(
        None,
        "ipam-driver",
        "string",
        "IP Address Management Driver",
    )
    .with_default("\"default\""),
    FlagDoc::new(None, "ipam-opt", "map", "Set IPAM driver specific options").with_default("map[]"),
    FlagDoc::new(None, "ipv6", "", "Enable IPv6 networking"),
    FlagDoc::new(None, "label", "list", "Set metadata on a network"),
    FlagDoc::new(Some('o'), "opt", "map", "Set driver specific options").with_default("map[]"),
    FlagDoc::new(None, "scope", "string", "Control the network's scope"),
    FlagDoc::new(
        None,
        "subnet",
        "strings",
        "Subnet in CIDR format that represents a network segment",
    ),
];

/// `docker network ls` flags.
pub(super) const LS_DOCS: &[FlagDoc] = &[
    FlagDoc::new(
        Some('f'),
        "filter",
        "filter",
        "Provide filter values (e.g. 'driver=bridge')",
    ),
    FlagDoc::new(
        None,
        "format",
        "string",
        "Pretty-print networks using a Go template",
    ),
    FlagDoc::new(None, "no-trunc", "", "Do not truncate the output"),
    FlagDoc::new(Some('q'), "quiet", "", "Only display network IDs"),
];

/// `docker network inspect` flags.
pub(super) const INSPECT_DOCS: &[FlagDoc] = &[
    FlagDoc::new(
        Some('f'),
        "format",
        "string",
        "Format the output using the given Go template",
    ),
    FlagDoc::new(Some('v'), "verbose", "", "Verbose output for diagnostics"),
];

/// `docker network prune` flags.
pub(super) const PRUNE_DOCS: &[FlagDoc] = &[
    FlagDoc::new(
        None,
        "filter",
        "filter",
        "Provide filter values (e.g. 'until=<timestamp>')",
    ),
    FlagDoc::new(Some('f'), "force", "", "Do not prompt for confirmation"),
];

/// `docker network`'s usage (command list padded as cobra's `NamePadding` of 11).
pub(super) const NETWORK_USAGE: &str = "Usage:  docker network COMMAND

Manage networks

Commands:
  connect     Connect a container to a network
  create      Create a network
  disconnect  Disconnect a container from a network
  inspect     Display detailed information on one or more networks
  ls          List networks
  prune       Remove all unused networks
  rm          Remove one or more networks

Run 'docker network COMMAND --help' for more information on a command.";
