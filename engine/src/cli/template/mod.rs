//! Go `text/template`, the subset `docker ... --format` users write, over JSON values.
//!
//! Docker runs templates over its typed structs; docknet runs them over the same data as
//! JSON, so fields, `json`, `index`, `range`, `if`, `with`, variables and the usual helper
//! functions behave alike. Known difference: Go prints a nested struct as `{a b}` where
//! docknet prints `map[K:a ...]`.

mod exec;
mod parse;
pub mod typed;

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

    /// Runs the template with `dot` as `.`; a missing key prints `<no value>` (as for
    /// `docker ps`/`network ls` rows).
    pub fn execute(&self, dot: &Value) -> Result<String, String> {
        exec::execute(&self.nodes, dot, exec::Mode::Lenient)
            .map_err(|e| format!("template: :1: {e}"))
    }

    /// Runs the template as `docker inspect -f` does: first on the typed view of `dot` (Go
    /// struct printing, Go field names), and if that fails, on the raw document with
    /// `missingkey=error`.
    pub fn execute_typed(&self, dot: &Value, kind: &'static typed::Kind) -> Result<String, String> {
        let view = typed::typed(dot, kind);
        match exec::execute(&self.nodes, &view, exec::Mode::Typed) {
            Ok(s) => Ok(s),
            Err(_) => self.execute_inspect(dot),
        }
    }

    /// Runs the template as `docker inspect -f` does on the raw document: a missing key is
    /// an error (`missingkey=error`), worded as Go words it.
    pub fn execute_inspect(&self, dot: &Value) -> Result<String, String> {
        exec::execute(&self.nodes, dot, exec::Mode::Strict).map_err(|e| {
            if e.starts_with(|c: char| c.is_ascii_digit()) {
                format!("template: :1:{e}")
            } else {
                format!("template: :1: {e}")
            }
        })
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
        assert_eq!(
            run("{{index .Options \"com.docker.network.bridge.name\"}}", &v),
            "br0"
        );
        assert_eq!(run("{{range .Containers}}{{.Name}} {{end}}", &v), "c1 c2 ");
        assert_eq!(
            run(
                "{{range $k, $v := .Containers}}{{$k}}={{$v.Name}};{{end}}",
                &v
            ),
            "a=c1;b=c2;"
        );
        assert_eq!(run("{{(index .IPAM.Config 0).Subnet}}", &v), "10.0.0.1/24");
        assert_eq!(
            run("{{range .IPAM.Config}}{{.Subnet}}{{end}}", &v),
            "10.0.0.1/24"
        );
        assert_eq!(run("{{.Labels}}", &v), "map[]");
        assert_eq!(run("{{.Nope}}", &v), "<no value>");
        assert_eq!(run("{{if .Labels}}y{{else}}n{{end}}", &v), "n");
        assert_eq!(run("{{.Name | upper}}", &v), "TESTBRIDGE");
        assert_eq!(run("{{json .Name}}", &v), "\"testbridge\"");
        assert_eq!(run("{{with .IPAM}}{{.Driver}}{{end}}", &v), "default");
        assert_eq!(run("{{printf \"%s-%s\" .Name .Id}}", &v), "testbridge-ef9d");
    }

    #[test]
    fn inspect_mode_missing_keys() {
        let v = json!({"Id": "abc", "IPAM": {"Options": null}});
        let t = Template::parse("{{.ID}} {{.Id}}").unwrap();
        assert_eq!(t.execute_inspect(&v).unwrap(), "abc abc");
        let t = Template::parse("x {{.Nope}}").unwrap();
        assert_eq!(
            t.execute_inspect(&v).unwrap_err(),
            "template: :1:4: executing \"\" at <.Nope>: map has no entry for key \"Nope\""
        );
        let t = Template::parse("{{range $k, $v := .IPAM}}{{$v.X}}{{end}}").unwrap();
        assert!(t
            .execute_inspect(&v)
            .unwrap_err()
            .contains("nil pointer evaluating"));
    }

    #[test]
    fn errors() {
        assert!(Template::parse("{{.A").is_err());
        assert!(Template::parse("{{nosuch .A}}")
            .unwrap()
            .execute(&json!({}))
            .is_err());
    }
}
