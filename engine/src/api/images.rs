//! `GET /images/{name}/json` and `POST /images/create` (an instant fake pull).
//!
//! Facts (`shared/reference/engine-api.md` §2, §5):
//! - `docker inspect X` probes images after containers: an unknown image must be a 404
//!   `No such image: X`, else the CLI "finds" an image;
//! - Compose inspects the image before it creates a container and pulls on a 404; the
//!   image's `Id` must be stable (it feeds Compose's config hash);
//! - a pull answers a JSON-lines progress stream ending in `Status: Downloaded newer image`.

use serde_json::{json, Value};

use super::{ApiError, ApiRequest, ApiResponse, Body, Method, Routed};
use crate::container::image;
use crate::container::inspect::derived_hex;
use crate::engine::Engine;

/// The name a pull records: `fromImage` with `tag` (default `latest`), registry stripped.
pub fn pull_name(from_image: &str, tag: Option<&str>) -> String {
    let name = from_image
        .strip_prefix("docker.io/")
        .unwrap_or(from_image)
        .trim_start_matches("library/");
    match tag.filter(|t| !t.is_empty()) {
        Some(t) if !name.rsplit('/').next().unwrap_or(name).contains(':') => format!("{name}:{t}"),
        _ => image::pulled_name(name),
    }
}

/// The inspect document of a pulled image.
fn image_json(name: &str) -> Value {
    let cfg = image::lookup(name);
    let exposed: serde_json::Map<String, Value> = cfg
        .exposed
        .iter()
        .map(|p| (p.to_string(), json!({})))
        .collect();
    json!({
        "Id": format!("sha256:{}", derived_hex(&format!("image:{name}"))),
        "RepoTags": [name],
        "RepoDigests": [],
        "Os": "linux",
        "Architecture": "amd64",
        "Config": {
            "Cmd": cfg.cmd,
            "Entrypoint": cfg.entrypoint,
            "ExposedPorts": if exposed.is_empty() { Value::Null } else { Value::Object(exposed) },
            "Labels": null,
        },
    })
}

impl Engine {
    /// The image routes.
    pub(crate) fn api_images(&mut self, req: &ApiRequest, segs: &[&str]) -> Routed {
        match (req.method, segs) {
            (Method::Get, [name @ .., "json"]) if !name.is_empty() => {
                let name = name.join("/");
                let full = image::pulled_name(&name);
                Some(if self.containers.images.contains(&full) {
                    Ok(ApiResponse::json(200, image_json(&full)))
                } else {
                    Err(ApiError::not_found(format!(
                        "no such image: {name}: No such image: {full}"
                    )))
                })
            }
            (Method::Post, ["create"]) => Some(self.api_pull(req)),
            _ => None,
        }
    }

    /// `POST /images/create?fromImage=NAME&tag=TAG`.
    fn api_pull(&mut self, req: &ApiRequest) -> Result<ApiResponse, ApiError> {
        let from = req
            .q("fromImage")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::unsupported("images/create without fromImage (import)"))?;
        let name = pull_name(from, req.q("tag"));
        let tag = name.rsplit_once(':').map(|(_, t)| t).unwrap_or("latest");
        let digest = derived_hex(&format!("digest:{name}"));
        self.containers.images.insert(name.clone());
        Ok(ApiResponse {
            status: 200,
            body: Body::JsonLines(vec![
                json!({"status": format!("Pulling from {}", repo_path(&name)), "id": tag}),
                json!({"status": format!("Digest: sha256:{digest}")}),
                json!({"status": format!("Status: Downloaded newer image for {name}")}),
            ]),
        })
    }
}

/// `library/busybox` for `busybox:latest`, as the registry names it.
fn repo_path(name: &str) -> String {
    let repo = name.rsplit_once(':').map(|(r, _)| r).unwrap_or(name);
    if repo.contains('/') {
        repo.to_string()
    } else {
        format!("library/{repo}")
    }
}
