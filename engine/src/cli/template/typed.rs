//! Docker runs `inspect -f` templates on its typed Go structs first. This gives a JSON
//! document that typed view: struct fields under their Go names (zero values filled in),
//! `time.Time` and nil maps marked, and the original JSON kept for `{{json}}`.
//!
//! Markers are object keys starting with NUL, which no Go field or JSON key can.

use serde_json::{Map, Value};

/// Key holding a struct's Go field names in declaration order.
pub const STRUCT: &str = "\u{0}struct";
/// Key holding the original JSON of a struct or time.
pub const JSON: &str = "\u{0}json";
/// Key holding a `time.Time`'s `String()`.
pub const TIME: &str = "\u{0}time";
/// Key marking a nil map (`"map"`) or nil slice (`"slice"`).
pub const NIL: &str = "\u{0}nil";

/// The Go type of a document node.
#[derive(Debug)]
pub enum Kind {
    /// `string`.
    Str,
    /// `bool`.
    Bool,
    /// `time.Time` (JSON: RFC 3339).
    Time,
    /// `map[string]T`.
    Map(&'static Kind),
    /// `[]T`.
    Slice(&'static Kind),
    /// A struct: (Go name, JSON name, type) in declaration order.
    Struct(&'static [(&'static str, &'static str, &'static Kind)]),
}

/// Whether an object key is a marker.
pub fn is_marker(k: &str) -> bool {
    k.starts_with('\u{0}')
}

/// The typed view of `json` as a value of `kind`.
pub fn typed(json: &Value, kind: &'static Kind) -> Value {
    match kind {
        Kind::Str => match json {
            Value::Null => Value::String(String::new()),
            v => v.clone(),
        },
        Kind::Bool => match json {
            Value::Null => Value::Bool(false),
            v => v.clone(),
        },
        Kind::Time => {
            let s = json.as_str().unwrap_or("");
            let mut m = Map::new();
            m.insert(TIME.into(), Value::String(go_time(s)));
            m.insert(JSON.into(), json.clone());
            Value::Object(m)
        }
        Kind::Map(elem) => match json {
            Value::Object(src) => Value::Object(
                src.iter()
                    .map(|(k, v)| (k.clone(), typed(v, elem)))
                    .collect(),
            ),
            _ => nil("map"),
        },
        Kind::Slice(elem) => match json {
            Value::Array(a) => Value::Array(a.iter().map(|v| typed(v, elem)).collect()),
            _ => nil("slice"),
        },
        Kind::Struct(fields) => {
            let mut m = Map::new();
            let empty = Value::Null;
            for (go, js, k) in fields.iter() {
                m.insert(go.to_string(), typed(json.get(js).unwrap_or(&empty), k));
            }
            let names = fields
                .iter()
                .map(|f| Value::String(f.0.to_string()))
                .collect();
            m.insert(STRUCT.into(), Value::Array(names));
            m.insert(JSON.into(), json.clone());
            Value::Object(m)
        }
    }
}

fn nil(what: &str) -> Value {
    let mut m = Map::new();
    m.insert(NIL.into(), Value::String(what.into()));
    Value::Object(m)
}

/// Back to plain JSON (what `{{json}}` prints).
pub fn untyped(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            if let Some(j) = m.get(JSON) {
                return j.clone();
            }
            if m.contains_key(NIL) {
                return Value::Null;
            }
            Value::Object(m.iter().map(|(k, v)| (k.clone(), untyped(v))).collect())
        }
        Value::Array(a) => Value::Array(a.iter().map(untyped).collect()),
        other => other.clone(),
    }
}

/// Go's `time.Time.String()` for an RFC 3339 UTC timestamp (`...Z`); other text unchanged.
fn go_time(s: &str) -> String {
    let Some(body) = s.strip_suffix('Z') else {
        return s.to_string();
    };
    let (date, time) = match body.split_once('T') {
        Some(p) => p,
        None => return s.to_string(),
    };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let frac = frac.trim_end_matches('0');
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{date} {hms}{frac} +0000 UTC")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static IPAM_CONFIG: Kind = Kind::Struct(&[
        ("Subnet", "Subnet", &Kind::Str),
        ("IPRange", "IPRange", &Kind::Str),
        ("Gateway", "Gateway", &Kind::Str),
        ("AuxAddress", "AuxiliaryAddresses", &Kind::Map(&Kind::Str)),
    ]);

    #[test]
    fn round_trip_and_time() {
        let j = json!({"Subnet": "10.0.0.1/24"});
        let t = typed(&j, &IPAM_CONFIG);
        assert_eq!(t["IPRange"], "");
        assert_eq!(untyped(&t), j);
        assert_eq!(
            go_time("2026-11-27T19:34:28.8013Z"),
            "2026-11-27 19:34:28.8013 +0000 UTC"
        );
    }
}
