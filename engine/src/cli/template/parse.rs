//! Parsing Go `text/template` source into a tree (the subset people use with `--format`).

/// One operand of a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `.`, `.A.B`: fields of the current value, and the byte offset of the operand.
    Dot(Vec<String>, usize),
    /// `$`, `$x`, `$x.A`: a variable and fields of it, and the byte offset.
    Var(String, Vec<String>, usize),
    /// `"text"` or `` `text` ``.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// `true`/`false`.
    Bool(bool),
    /// A function name (`json`, `index`, ...).
    Func(String),
    /// `( pipeline )`, optionally followed by `.Field`s.
    Sub(Box<Pipeline>, Vec<String>),
}

/// `cmd | cmd | ...`; each later command gets the previous result as its last argument.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    /// `$k, $v :=` (or `$v :=`) declarations.
    pub decl: Vec<String>,
    /// Commands, each a list of operands.
    pub cmds: Vec<Vec<Arg>>,
}

/// A template node.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Literal text.
    Text(String),
    /// `{{pipeline}}`: print its value.
    Action(Pipeline),
    /// `{{if}}…{{else}}…{{end}}`.
    If(Pipeline, Vec<Node>, Vec<Node>),
    /// `{{range}}…{{else}}…{{end}}`.
    Range(Pipeline, Vec<Node>, Vec<Node>),
    /// `{{with}}…{{else}}…{{end}}`.
    With(Pipeline, Vec<Node>, Vec<Node>),
}

/// One lexed piece: text, or an action's inside with its byte offset in the source.
type Piece = (bool, String, usize);

/// Splits source into text and action pieces, honouring `{{-` and `-}}` trimming.
fn lex(src: &str) -> Result<Vec<Piece>, String> {
    let mut out: Vec<Piece> = Vec::new();
    let mut rest = src;
    while let Some(start) = rest.find("{{") {
        let mut text = rest[..start].to_string();
        let mut inner_start = start + 2;
        if rest[inner_start..].starts_with("- ") || rest[inner_start..].starts_with("-\t") {
            text = text.trim_end().to_string();
            inner_start += 1;
        }
        if !text.is_empty() {
            out.push((false, text, 0));
        }
        let Some(end_rel) = find_close(&rest[inner_start..]) else {
            return Err("unclosed action".to_string());
        };
        let mut inner = &rest[inner_start..inner_start + end_rel];
        let mut after = inner_start + end_rel + 2;
        let mut trim_next = false;
        if inner.ends_with(" -") || inner.ends_with("\t-") {
            inner = &inner[..inner.len() - 1];
            trim_next = true;
        }
        let base = src.len() - rest.len() + inner_start;
        let lead = inner.len() - inner.trim_start().len();
        out.push((true, inner.trim().to_string(), base + lead));
        rest = &rest[after..];
        if trim_next {
            let trimmed = rest.trim_start();
            after = rest.len() - trimmed.len();
            rest = &rest[after..];
        }
    }
    if !rest.is_empty() {
        out.push((false, rest.to_string(), 0));
    }
    Ok(out)
}

/// The offset of the `}}` closing an action, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'}' if b[i + 1] == b'}' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits an action into tokens (words, strings, `|`, `(`, `)`, `:=`, `,`) with their byte
/// offsets, `base` being the offset of `s` in the template.
fn tokens(s: &str, base: usize) -> Result<Vec<(String, usize)>, String> {
    let offsets: Vec<usize> = s.char_indices().map(|(i, _)| base + i).collect();
    let mut out = Vec::new();
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '`' {
            let mut j = i + 1;
            while j < cs.len() && cs[j] != c {
                if c == '"' && cs[j] == '\\' {
                    j += 1;
                }
                j += 1;
            }
            if j >= cs.len() {
                return Err("unterminated quoted string".to_string());
            }
            out.push((cs[i..=j].iter().collect(), offsets[i]));
            i = j + 1;
        } else if c == '|' || c == '(' || c == ')' || c == ',' {
            out.push((c.to_string(), offsets[i]));
            i += 1;
        } else if c == ':' && cs.get(i + 1) == Some(&'=') {
            out.push((":=".to_string(), offsets[i]));
            i += 2;
        } else if c == ')' {
            out.push((")".into(), offsets[i]));
            i += 1;
        } else {
            let mut j = i;
            while j < cs.len() && !cs[j].is_whitespace() && !"|(),".contains(cs[j]) {
                if cs[j] == ':' && cs.get(j + 1) == Some(&'=') {
                    break;
                }
                j += 1;
            }
            let word: String = cs[i..j].iter().collect();
            // `(...)`.Field: a closing paren glued to fields arrives as a separate token.
            out.push((word, offsets[i]));
            i = j;
        }
    }
    Ok(out)
}

fn unquote(t: &str) -> Result<String, String> {
    if let Some(raw) = t.strip_prefix('`') {
        return Ok(raw.trim_end_matches('`').to_string());
    }
    let inner = &t[1..t.len() - 1];
    let mut out = String::new();
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(o) => return Err(format!("invalid syntax: \\{o}")),
                None => return Err("invalid syntax".to_string()),
            }
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn fields(path: &str) -> Vec<String> {
    path.split('.')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn operand(tok: &str, pos: usize) -> Result<Arg, String> {
    if tok.starts_with('.') {
        return Ok(Arg::Dot(fields(tok), pos));
    }
    if let Some(v) = tok.strip_prefix('$') {
        let (name, path) = v.split_once('.').unwrap_or((v, ""));
        return Ok(Arg::Var(format!("${name}"), fields(path), pos));
    }
    if tok.starts_with('"') || tok.starts_with('`') {
        return unquote(tok).map(Arg::Str);
    }
    if tok == "true" || tok == "false" {
        return Ok(Arg::Bool(tok == "true"));
    }
    if let Ok(n) = tok.parse::<i64>() {
        return Ok(Arg::Int(n));
    }
    if tok.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Ok(Arg::Func(tok.to_string()));
    }
    Err(format!("unexpected {tok:?} in operand"))
}

/// Parses a pipeline from tokens starting at `*i`, stopping at `)` or the end.
fn pipeline(toks: &[(String, usize)], i: &mut usize) -> Result<Pipeline, String> {
    let word = |k: usize| toks[k].0.as_str();
    let mut decl = Vec::new();
    // Declarations: `$v :=` or `$k , $v :=`.
    let mut j = *i;
    let mut names = Vec::new();
    while j < toks.len() && word(j).starts_with('$') {
        names.push(toks[j].0.clone());
        j += 1;
        if j < toks.len() && word(j) == "," {
            j += 1;
            continue;
        }
        break;
    }
    if !names.is_empty() && j < toks.len() && word(j) == ":=" {
        decl = names;
        *i = j + 1;
    }
    let mut cmds = vec![Vec::new()];
    while *i < toks.len() {
        let (t, pos) = (&toks[*i].0, toks[*i].1);
        match t.as_str() {
            ")" => break,
            "|" => cmds.push(Vec::new()),
            "(" => {
                *i += 1;
                let sub = pipeline(toks, i)?;
                if *i >= toks.len() || word(*i) != ")" {
                    return Err("unclosed left paren".to_string());
                }
                // `(x).Field`: the field path follows the paren as its own token.
                let mut path = Vec::new();
                if let Some((next, _)) = toks.get(*i + 1) {
                    if next.starts_with('.') {
                        path = fields(next);
                        *i += 1;
                    }
                }
                cmds.last_mut()
                    .expect("non-empty")
                    .push(Arg::Sub(Box::new(sub), path));
            }
            _ => cmds.last_mut().expect("non-empty").push(operand(t, pos)?),
        }
        *i += 1;
    }
    if cmds.iter().any(Vec::is_empty) {
        return Err("missing value for command".to_string());
    }
    Ok(Pipeline { decl, cmds })
}

fn parse_pipeline(src: &str, base: usize) -> Result<Pipeline, String> {
    let toks = tokens(src, base)?;
    let mut i = 0;
    let p = pipeline(&toks, &mut i)?;
    if i < toks.len() {
        return Err(format!("unexpected {:?} in operand", toks[i].0));
    }
    Ok(p)
}

/// Parses a whole template.
pub fn parse(src: &str) -> Result<Vec<Node>, String> {
    let pieces = lex(src)?;
    let mut i = 0;
    let (nodes, end) = block(&pieces, &mut i)?;
    match end {
        None => Ok(nodes),
        Some(word) => Err(format!("unexpected {{{{{word}}}}}")),
    }
}

/// Parses nodes until `{{end}}`/`{{else}}` (returned) or the end of input (`None`).
fn block(pieces: &[Piece], i: &mut usize) -> Result<(Vec<Node>, Option<String>), String> {
    let mut nodes = Vec::new();
    while *i < pieces.len() {
        let (is_action, s, base) = &pieces[*i];
        let base = *base;
        *i += 1;
        if !is_action {
            nodes.push(Node::Text(s.clone()));
            continue;
        }
        if s.starts_with("/*") {
            continue;
        }
        let (word, rest) = s
            .split_once(char::is_whitespace)
            .unwrap_or((s.as_str(), ""));
        match word {
            "end" | "else" => return Ok((nodes, Some(word.to_string()))),
            "if" | "range" | "with" => {
                let p = parse_pipeline(rest, base + (s.len() - rest.len()))?;
                let (body, end) = block(pieces, i)?;
                let els = match end.as_deref() {
                    Some("end") => Vec::new(),
                    Some("else") => match block(pieces, i)? {
                        (e, Some(w)) if w == "end" => e,
                        _ => return Err(format!("unexpected EOF in {word}")),
                    },
                    _ => return Err("unexpected EOF".to_string()),
                };
                nodes.push(match word {
                    "if" => Node::If(p, body, els),
                    "range" => Node::Range(p, body, els),
                    _ => Node::With(p, body, els),
                });
            }
            _ => nodes.push(Node::Action(parse_pipeline(s, base)?)),
        }
    }
    Ok((nodes, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_shapes() {
        assert!(parse("{{.Id}}").is_ok());
        assert!(parse("{{json .IPAM}}").is_ok());
        assert!(parse("{{range $k, $v := .Containers}}{{$k}}={{$v.Name}} {{end}}").is_ok());
        assert!(parse("{{(index .IPAM.Config 0).Gateway}}").is_ok());
        assert!(parse("{{range .X}}").is_err());
        assert!(parse("{{.A}").is_err());
        assert_eq!(parse("a {{- .X -}} b").unwrap().len(), 3);
    }
}
