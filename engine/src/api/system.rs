//! `/_ping`, `/version` and `/info`.
//!
//! Facts (dockerd 20.10.24 and `shared/reference/engine-api.md` §1):
//! - `/_ping` answers `OK` with an `Api-Version` header (the server adds it to every
//!   response); without it the CLI falls back to API 1.24;
//! - `/version` is what docker-py and Compose ask first, without a version prefix; they read
//!   `ApiVersion`.

use serde_json::{json, Value};

use super::{ApiError, ApiRequest, ApiResponse, Body, Method, Routed, API_VERSION};
use crate::engine::Engine;

/// `GET /version`: the recorded 20.10.24 host's server versions.
pub fn version_value() -> Value {
    json!({
        "Platform": {"Name": ""},
        "Components": [
            {"Name": "Engine", "Version": "20.10.24+dfsg1", "Details": {
                "ApiVersion": API_VERSION, "Arch": "amd64", "BuildTime": "2026-05-07T21:09:36.000000000+00:00",
                "Experimental": "false", "GitCommit": "5d6db84", "GoVersion": "go1.19.8",
                "KernelVersion": "6.18.44-fc-v657", "MinAPIVersion": "1.12", "Os": "linux"}},
            {"Name": "containerd", "Version": "1.6.20~ds1", "Details": {"GitCommit": "1.6.20~ds1-1+deb12u3"}},
            {"Name": "runc", "Version": "1.1.5+ds1", "Details": {"GitCommit": "1.1.5+ds1-1+deb12u1"}},
            {"Name": "docker-init", "Version": "0.19.0", "Details": {"GitCommit": ""}}
        ],
        "Version": "20.10.24+dfsg1",
        "ApiVersion": API_VERSION,
        "MinAPIVersion": "1.12",
        "GitCommit": "5d6db84",
        "GoVersion": "go1.19.8",
        "Os": "linux",
        "Arch": "amd64",
        "KernelVersion": "6.18.44-fc-v657",
        "BuildTime": "2026-05-07T21:09:36.000000000+00:00"
    })
}

/// The `/info` fields `docker info` shows beyond those the CLI front end models (the recorded
/// 20.10.24 host's, as `docker info` prints them in a replay).
fn extend_info(v: &mut Value) {
    let extra = json!({
        "DriverStatus": [["Backing Filesystem", "extfs"], ["Supports d_type", "true"],
            ["Native Overlay Diff", "true"], ["userxattr", "false"]],
        "LoggingDriver": "json-file",
        "CgroupDriver": "cgroupfs",
        "CgroupVersion": "1",
        "Swarm": {"LocalNodeState": "inactive", "NodeID": "", "NodeAddr": "",
            "ControlAvailable": false, "Error": "", "RemoteManagers": null},
        "Runtimes": {"io.containerd.runc.v2": {"path": "runc"},
            "io.containerd.runtime.v1.linux": {"path": "runc"}, "runc": {"path": "runc"}},
        "DefaultRuntime": "runc",
        "InitBinary": "docker-init",
        "ContainerdCommit": {"ID": "1.6.20~ds1-1+deb12u3", "Expected": "1.6.20~ds1-1+deb12u3"},
        "RuncCommit": {"ID": "1.1.5+ds1-1+deb12u1", "Expected": "1.1.5+ds1-1+deb12u1"},
        "InitCommit": {"ID": "", "Expected": ""},
        "SecurityOptions": ["name=seccomp,profile=default"],
        "IndexServerAddress": "https://index.docker.io/v1/",
        "RegistryConfig": {"InsecureRegistryCIDRs": ["127.0.0.0/8"], "IndexConfigs": {
            "docker.io": {"Name": "docker.io", "Mirrors": [], "Secure": true, "Official": true}},
            "Mirrors": []},
        "Labels": [],
        "ExperimentalBuild": false,
        "Debug": false,
    });
    if let (Some(v), Value::Object(extra)) = (v.as_object_mut(), extra) {
        v.extend(extra);
        for key in [
            "MemoryLimit",
            "SwapLimit",
            "KernelMemory",
            "OomKillDisable",
            "CpuCfsPeriod",
            "CpuCfsQuota",
            "CPUShares",
            "CPUSet",
            "PidsLimit",
            "IPv4Forwarding",
            "BridgeNfIptables",
            "BridgeNfIp6tables",
        ] {
            v.insert(key.into(), json!(true));
        }
    }
}

impl Engine {
    /// The system routes.
    pub(crate) fn api_system(&mut self, req: &ApiRequest, segs: &[&str]) -> Routed {
        let ok = |v| Some(Ok(ApiResponse::json(200, v)));
        match (req.method, segs) {
            (Method::Get | Method::Head, ["_ping"]) => Some(Ok(ApiResponse {
                status: 200,
                body: Body::Text("OK".into()),
            })),
            (Method::Get, ["version"]) => ok(version_value()),
            (Method::Get, ["info"]) => {
                let mut v = self.info_value();
                extend_info(&mut v);
                ok(v)
            }
            (_, ["_ping" | "version" | "info"]) => Some(Err(ApiError::not_found("page not found"))),
            _ => None,
        }
    }
}
