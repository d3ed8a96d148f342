//! Go `text/template`, the subset `docker ... --format` users write, over JSON values.
//!
//! Docker runs templates over its typed structs; docknet runs them over the same data as
//! JSON, so fields, `json`, `index`, `range`, `if`, `with`, variables and the usual helper
//! functions behave alike. Known difference: Go prints a nested struct as `{a b}` where
//! docknet prints `map[K:a ...]`.

mod exec;
mod parse;

use serde_json::Value;

pub use exec::{go_print, to_json};

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    nodes: Vec<parse::Node>,
}

impl Template {
    /// Parses `src`; the error reads like Go's (`template: :1: ...`).
    pub fn parse(src: &str) -> Result<Template, String> {
        parse::parse(src)
            .map(|nodes| Template { nodes })
            .map_err(|e| format!("template: :1: {e}"))
    }

    /// Runs the template with `dot` as `.`.
    pub fn execute(&self, dot: &Value) -> Result<String, String> {
        exec::execute(&self.nodes, dot).map_err(|e| format!("template: :1: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        Template::parse(t).unwrap().execute(v).unwrap()
    }

    #[test]
    fn fields_json_index_range() {
        let v = json!({
            "Name": "testbridge",
            "Id": "ef9d",
            "IPAM": {"Driver": "default", "Options": {}, "Config": [{"Subnet": "10.0.0.1/24"}]},
            "Containers": {"b": {"Name": "c2"}, "a": {"Name": "c1", "IPv4Address": "10.0.0.2/24"}},
            "Options": {"com.docker.network.bridge.name": "br0"},
            "Labels": {}
        });
        assert_eq!(run("{{.Id}}", &v), "ef9d");
        assert_eq!(
            run("{{json .IPAM}}", &v),
            r#"{"Driver":"default","Options":{},"Config":[{"Subnet":"10.0.0.1/24"}]}"#
        );
        assert_eq!(run("{{index .Options \"com.docker.network.bridge.name\"}}", &v), "br0");
        assert_eq!(run("{{range .Containers}}{{.Name}} {{end}}", &v), "c1 c2 ");
        assert_eq!(
            run("{{range $k, $v := .Containers}}{{$k}}={{$v.Name}};{{end}}", &v),
            "a=c1;b=c2;"
        );
        assert_eq!(run("{{(index .IPAM.Config 0).Subnet}}", &v), "10.0.0.1/24");
        assert_eq!(run("{{range .IPAM.Config}}{{.Subnet}}{{end}}", &v), "10.0.0.1/24");
        assert_eq!(run("{{.Labels}}", &v), "map[]");
        assert_eq!(run("{{.Nope}}", &v), "<no value>");
        assert_eq!(run("{{if .Labels}}y{{else}}n{{end}}", &v), "n");
        assert_eq!(run("{{.Name | upper}}", &v), "TESTBRIDGE");
        assert_eq!(run("{{json .Name}}", &v), "\"testbridge\"");
        assert_eq!(run("{{with .IPAM}}{{.Driver}}{{end}}", &v), "default");
        assert_eq!(run("{{printf \"%s-%s\" .Name .Id}}", &v), "testbridge-ef9d");
    }

    #[test]
    fn errors() {
        assert!(Template::parse("{{.A").is_err());
        assert!(Template::parse("{{nosuch .A}}").unwrap().execute(&json!({})).is_err());
    }
}
