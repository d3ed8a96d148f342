//! Splitting a rule into words as `iptables-save` quotes them and `iptables-restore` (and a
//! shell) reads them back: `"..."` groups, `\"` and `\\` escape.

/// The words of `text`; `None` for an unterminated quote.
pub fn split(text: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => words.extend(cur.take()),
            '"' | '\'' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        q if q == c => break,
                        '\\' if c == '"' => w.push(chars.next()?),
                        ch => w.push(ch),
                    }
                }
            }
            ch => cur.get_or_insert_with(String::new).push(ch),
        }
    }
    words.extend(cur);
    Some(words)
}

/// A word as `iptables-save` prints it: quoted when it holds a space or a quote, or is empty.
pub fn quote(word: &str) -> String {
    if !word.is_empty() && !word.contains([' ', '"', '\t', '\\']) {
        return word.to_string();
    }
    let mut s = String::from("\"");
    for c in word.chars() {
        if c == '"' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_quotes() {
        assert_eq!(
            split(r#"-m comment --comment "hello \"you\"" -j X"#).unwrap(),
            ["-m", "comment", "--comment", "hello \"you\"", "-j", "X"]
        );
        assert_eq!(split("\"open").map(|_| ()), None);
        assert_eq!(quote("a b"), "\"a b\"");
        assert_eq!(quote("ab"), "ab");
        assert_eq!(split(&quote("x \" y")).unwrap(), ["x \" y"]);
    }
}
