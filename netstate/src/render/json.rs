//! The compact JSON that iproute2's `json_writer` prints with `-j`: one line, no spaces,
//! object keys in the tool's order, and timers as fixed two-decimal numbers (`0.00`),
//! which `serde_json` cannot reproduce. Built by the `ip -j`/`bridge -j` renderers.

use std::fmt;

/// One JSON value, printed exactly as iproute2 6.1 prints it.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// A string (escaped as `jsonw_string` does).
    Str(String),
    /// An unsigned integer.
    Num(u64),
    /// `true` / `false`.
    Bool(bool),
    /// A number with two decimals, as `print_float(..., "%.2f", ...)` prints timers.
    Fixed2(f64),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in print order.
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    /// A string value.
    pub fn str(s: impl Into<String>) -> Json {
        Json::Str(s.into())
    }

    /// An array of strings.
    pub fn strs<'a>(items: impl IntoIterator<Item = &'a str>) -> Json {
        Json::Arr(items.into_iter().map(Json::str).collect())
    }
}

/// Appends `s` as a JSON string literal.
fn write_escaped(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\t' => f.write_str("\\t")?,
            '\r' => f.write_str("\\r")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl fmt::Display for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Str(s) => write_escaped(f, s),
            Json::Num(n) => write!(f, "{n}"),
            Json::Bool(b) => write!(f, "{b}"),
            Json::Fixed2(x) => write!(f, "{x:.2}"),
            Json::Arr(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Json::Obj(fields) => {
                f.write_str("{")?;
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_escaped(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_like_iproute2() {
        let v = Json::Arr(vec![Json::Obj(vec![
            ("ifindex", Json::Num(1)),
            ("flags", Json::strs(["UP", "LOWER_UP"])),
            ("hairpin", Json::Bool(false)),
            ("gc_timer", Json::Fixed2(0.0)),
            ("ifname", Json::str("a\"b")),
        ])]);
        assert_eq!(
            v.to_string(),
            r#"[{"ifindex":1,"flags":["UP","LOWER_UP"],"hairpin":false,"gc_timer":0.00,"ifname":"a\"b"}]"#
        );
    }
}
