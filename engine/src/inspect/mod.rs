//! `docker ... inspect` JSON documents, field for field as the 20.10 daemon encodes them.

pub mod network;

use serde_json::Value;

/// Pretty-prints inspect results as the docker CLI does: a JSON array, 4-space indent, `[]`
/// when empty, and Go's HTML-safe escaping of `<`, `>` and `&`.
pub fn indented(items: &[Value]) -> String {
    if items.is_empty() {
        return "[]\n".to_string();
    }
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&items, &mut ser).expect("serializing a Value cannot fail");
    let s = String::from_utf8(buf).expect("serde_json writes UTF-8");
    format!("{}\n", go_escape(&s))
}

/// Go's `encoding/json` escapes these even inside strings; they cannot occur outside strings.
pub fn go_escape(s: &str) -> String {
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_nested() {
        assert_eq!(indented(&[]), "[]\n");
        let v: Value = serde_json::json!({"A": {}, "B": [], "C": {"D": 1}});
        assert_eq!(
            indented(&[v]),
            "[\n    {\n        \"A\": {},\n        \"B\": [],\n        \"C\": {\n            \"D\": 1\n        }\n    }\n]\n"
        );
    }
}
