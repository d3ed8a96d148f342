//! Pure tests of the API mapping: status codes, Docker's messages, bad requests.

use super::*;
use crate::container::testkit::{booted, FakeKernel as Sim};

fn boot() -> (Engine, Sim) {
    booted()
}

fn call(e: &mut Engine, k: &mut Sim, method: &str, target: &str, body: &str) -> ApiResponse {
    e.api(
        k,
        &ApiRequest::new(method, target, body.as_bytes().to_vec()),
    )
}

#[test]
fn ping_and_unknown_routes() {
    let (mut e, mut k) = boot();
    let r = call(&mut e, &mut k, "HEAD", "/_ping", "");
    assert_eq!((r.status, r.body), (200, Body::Text("OK".into())));
    let r = call(&mut e, &mut k, "GET", "/v1.41/nothing", "");
    assert_eq!((r.status, r.message()), (404, Some("page not found")));
    let r = call(&mut e, &mut k, "GET", "/v1.99/version", "");
    assert_eq!(r.status, 400);
    let r = call(&mut e, &mut k, "GET", "/v1.24/version", "");
    assert_eq!(r.status, 200);
    let r = call(&mut e, &mut k, "GET", "/v1.11/version", "");
    assert_eq!(r.status, 400);
    let r = call(&mut e, &mut k, "GET", "/v1.42/_ping", "");
    let want = "client version 1.42 is too new. Maximum supported API version is 1.41";
    assert_eq!((r.status, r.message()), (400, Some(want)));
}

#[test]
fn network_errors_have_dockers_codes() {
    let (mut e, mut k) = boot();
    let body = r#"{"Name":"n1","Driver":"bridge","IPAM":{"Config":[{"Subnet":"10.0.0.0/24"}]}}"#;
    assert_eq!(
        call(&mut e, &mut k, "POST", "/v1.41/networks/create", body).status,
        201
    );
    let r = call(&mut e, &mut k, "POST", "/networks/create", body);
    assert_eq!(
        (r.status, r.message()),
        (409, Some("network with name n1 already exists"))
    );
    let r = call(&mut e, &mut k, "GET", "/networks/nosuch", "");
    assert_eq!(
        (r.status, r.message()),
        (404, Some("network nosuch not found"))
    );
    let r = call(&mut e, &mut k, "DELETE", "/networks/bridge", "");
    assert_eq!(r.status, 403);
    let r = call(&mut e, &mut k, "DELETE", "/networks/n1", "");
    assert_eq!(r.status, 204);
}

#[test]
fn bad_requests_are_400() {
    let (mut e, mut k) = boot();
    for body in ["{", r#"{"Name": 5}"#, "[]", r#"{"Internal":"yes"}"#] {
        let r = call(&mut e, &mut k, "POST", "/networks/create", body);
        assert_eq!(r.status, 400, "{body}");
        assert!(r.message().is_some());
    }
    let huge = "x".repeat(MAX_BODY + 1);
    assert_eq!(
        call(&mut e, &mut k, "POST", "/containers/create", &huge).status,
        400
    );
    let r = call(&mut e, &mut k, "GET", "/networks?filters=%7Bbad", "");
    assert_eq!(r.status, 400);
}

#[test]
fn filters_in_both_forms() {
    let (mut e, mut k) = boot();
    for f in [r#"{"driver":{"host":true}}"#, r#"{"driver":["host"]}"#] {
        let target = format!("/networks?filters={f}");
        let r = call(&mut e, &mut k, "GET", &target, "");
        let Body::Json(Value::Array(list)) = r.body else {
            panic!()
        };
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["Name"], "host");
    }
}

#[test]
fn container_lifecycle_and_exec() {
    let (mut e, mut k) = boot();
    let body =
        r#"{"Image":"busybox","Cmd":["sleep","1000"],"HostConfig":{"NetworkMode":"default"}}"#;
    let r = call(&mut e, &mut k, "POST", "/containers/create?name=c1", body);
    assert_eq!(r.status, 201);
    let r = call(
        &mut e,
        &mut k,
        "POST",
        "/containers/c1/exec",
        r#"{"Cmd":["ip","a"]}"#,
    );
    assert_eq!(r.status, 409);
    assert_eq!(
        call(&mut e, &mut k, "POST", "/containers/c1/start", "").status,
        204
    );
    assert_eq!(
        call(&mut e, &mut k, "POST", "/containers/c1/start", "").status,
        304
    );
    let r = call(&mut e, &mut k, "POST", "/containers/c1/create", "");
    assert_eq!(r.status, 404);
    let r = call(
        &mut e,
        &mut k,
        "POST",
        "/containers/c1/create?name=c1",
        body,
    );
    assert_eq!(r.status, 404);
    let r = call(&mut e, &mut k, "POST", "/containers/create?name=c1", body);
    assert_eq!(r.status, 409);
    let r = call(
        &mut e,
        &mut k,
        "POST",
        "/containers/c1/exec",
        r#"{"Cmd":["ip","a"]}"#,
    );
    assert_eq!(r.status, 201);
    let r = call(&mut e, &mut k, "DELETE", "/containers/c1", "");
    assert_eq!(r.status, 409);
    assert_eq!(
        call(&mut e, &mut k, "DELETE", "/containers/c1?force=True", "").status,
        204
    );
    let r = call(&mut e, &mut k, "GET", "/containers/c1/json", "");
    assert_eq!(
        (r.status, r.message()),
        (404, Some("No such container: c1"))
    );
    let r = call(&mut e, &mut k, "POST", "/containers/c1/attach?stream=1", "");
    assert_eq!(
        (r.status, r.message()),
        (404, Some("No such container: c1"))
    );
    let r = call(&mut e, &mut k, "POST", "/containers/c1/pause", "");
    assert_eq!(r.status, 501);
    assert!(r.message().unwrap().starts_with("docknet: unsupported"));
}

#[test]
fn images_404_until_pulled() {
    let (mut e, mut k) = boot();
    let r = call(&mut e, &mut k, "GET", "/images/alpine:3.20/json", "");
    assert_eq!(
        (r.status, r.message()),
        (
            404,
            Some("no such image: alpine:3.20: No such image: alpine:3.20")
        )
    );
    let r = call(
        &mut e,
        &mut k,
        "POST",
        "/images/create?fromImage=docker.io%2Flibrary%2Falpine&tag=3.20",
        "",
    );
    assert_eq!(r.status, 200);
    let r = call(&mut e, &mut k, "GET", "/images/alpine:3.20/json", "");
    assert_eq!(r.status, 200);
}

#[test]
fn query_decoding() {
    let r = ApiRequest::new(
        "GET",
        "/x?a=%7B%22k%22%7D&b=1&c=True&d=%zz&e=%E2%82",
        vec![],
    );
    assert_eq!(r.q("a"), Some("{\"k\"}"));
    assert!(r.flag("b") && r.flag("c") && !r.flag("a"));
    assert_eq!(r.q("d"), Some("%zz"));
    assert_eq!(
        strip_version("/v1.41/networks"),
        (Some("1.41"), "/networks")
    );
    assert_eq!(strip_version("/vx/networks"), (None, "/vx/networks"));
    assert_eq!(strip_version("/_ping"), (None, "/_ping"));
}
