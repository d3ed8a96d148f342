//! Executing a parsed template over a JSON value, printing values as Go's `fmt` does.

use serde_json::Value;

use super::parse::{Arg, Node, Pipeline};
use super::typed::{is_marker, untyped, NIL, STRUCT, TIME};

/// How a missing field or key behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Prints `<no value>` (Go's default on `map[string]interface{}`).
    Lenient,
    /// On a typed view: an unknown struct field fails (the caller then retries raw).
    Typed,
    /// `missingkey=error`: a missing key fails the template.
    Strict,
}

/// Variables in scope, innermost last, and how missing keys behave.
struct Scope {
    vars: Vec<(String, Value)>,
    mode: Mode,
}

impl Scope {
    fn get(&self, name: &str) -> Result<Value, String> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("undefined variable: {name}"))
    }
}

/// Go's `fmt.Sprint` of a value decoded from JSON (maps print with sorted keys); typed
/// views print structs as `{a b}`, times as `time.Time.String()`, nil maps as `map[]`.
pub fn go_print(v: &Value) -> String {
    if let Value::Object(m) = v {
        if let Some(Value::String(t)) = m.get(TIME) {
            return t.clone();
        }
        if let Some(Value::String(what)) = m.get(NIL) {
            return if what == "map" { "map[]" } else { "[]" }.to_string();
        }
        if let Some(Value::Array(names)) = m.get(STRUCT) {
            let parts: Vec<String> = names
                .iter()
                .filter_map(|n| n.as_str())
                .map(|n| go_print_inner(&m[n]))
                .collect();
            return format!("{{{}}}", parts.join(" "));
        }
    }
    match v {
        Value::Null => "<no value>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().map(go_print_inner).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().filter(|k| !is_marker(k)).collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_print_inner(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn go_print_inner(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        other => go_print(other),
    }
}

/// Go's template truth: false, 0, "", nil and empty collections are false; structs true.
fn truthy(v: &Value) -> bool {
    if let Value::Object(m) = v {
        if m.contains_key(NIL) {
            return false;
        }
        if m.contains_key(STRUCT) || m.contains_key(TIME) {
            return true;
        }
    }
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// Go struct field names whose JSON name differs: Docker runs templates on typed structs
/// first, so `{{.ID}}` works on an inspect document that only has `Id`.
fn go_alias(name: &str) -> Option<&'static str> {
    match name {
        "ID" => Some("Id"),
        "AuxAddress" => Some("AuxiliaryAddresses"),
        _ => None,
    }
}

/// `.A.B` on `v`. A missing key prints `<no value>` (lenient), fails on a typed struct
/// (typed, so the caller retries on the raw document) or fails with Go's wording (strict);
/// `shown` is the operand as written and `pos` its byte offset.
fn field(v: &Value, path: &[String], mode: Mode, shown: &str, pos: usize) -> Result<Value, String> {
    let mut cur = v.clone();
    for f in path {
        cur = match cur {
            Value::Object(m) if m.contains_key(STRUCT) || mode == Mode::Typed => match m.get(f) {
                Some(x) if !m.contains_key(NIL) => x.clone(),
                _ if m.contains_key(STRUCT) => {
                    return Err(format!(
                        "{pos}: executing \"\" at <{shown}>: can't evaluate field {f}"
                    ))
                }
                _ => Value::Null,
            },
            Value::Object(m) => match m.get(f).or_else(|| go_alias(f).and_then(|a| m.get(a))) {
                Some(x) => x.clone(),
                None if mode == Mode::Strict => {
                    return Err(format!(
                        "{pos}: executing \"\" at <{shown}>: map has no entry for key \"{f}\""
                    ))
                }
                None => Value::Null,
            },
            Value::Null if mode != Mode::Lenient => {
                return Err(format!(
                    "{pos}: executing \"\" at <{shown}>: nil pointer evaluating interface {{}}.{f}"
                ))
            }
            _ => Value::Null,
        };
    }
    Ok(cur)
}

/// A sub-expression's field path never errors (Docker's typed run would have printed it).
fn lenient(v: &Value, path: &[String]) -> Value {
    field(v, path, Mode::Lenient, "", 0).unwrap_or(Value::Null)
}

/// `json`: compact, no HTML escaping (Docker's template func).
pub fn to_json(v: &Value) -> String {
    serde_json::to_string(&untyped(v)).expect("serializing a Value cannot fail")
}

fn as_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => go_print(other),
    }
}

fn call(name: &str, args: Vec<Value>) -> Result<Value, String> {
    let want = |n: usize| -> Result<(), String> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    Ok(match name {
        "json" => {
            want(1)?;
            Value::String(to_json(&args[0]))
        }
        "index" => {
            let mut cur = args.first().cloned().unwrap_or(Value::Null);
            for k in &args[1..] {
                cur = match (&cur, k) {
                    (Value::Object(m), Value::String(s)) if !is_marker(s) => {
                        m.get(s).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Array(a), Value::Number(n)) => {
                        let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                        a.get(i).cloned().ok_or_else(|| {
                            format!("error calling index: index out of range: {i}")
                        })?
                    }
                    _ => Value::Null,
                };
            }
            cur
        }
        "len" => {
            want(1)?;
            let n = match &args[0] {
                Value::Array(a) => a.len(),
                Value::Object(m) => m.keys().filter(|k| !is_marker(k)).count(),
                Value::String(s) => s.len(),
                _ => return Err("error calling len: len of nil pointer".to_string()),
            };
            Value::from(n)
        }
        "join" => {
            want(2)?;
            let items: Vec<String> = match &args[0] {
                Value::Array(a) => a.iter().map(as_str).collect(),
                other => vec![as_str(other)],
            };
            Value::String(items.join(&as_str(&args[1])))
        }
        "split" => {
            want(2)?;
            let sep = as_str(&args[1]);
            Value::Array(
                as_str(&args[0])
                    .split(sep.as_str())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            )
        }
        "upper" => Value::String(as_str(&args[0]).to_uppercase()),
        "lower" => Value::String(as_str(&args[0]).to_lowercase()),
        "title" => {
            let s = as_str(&args[0]);
            let mut out = String::new();
            let mut start = true;
            for c in s.chars() {
                out.extend(if start {
                    c.to_uppercase().collect::<Vec<_>>()
                } else {
                    vec![c]
                });
                start = c.is_whitespace();
            }
            Value::String(out)
        }
        "println" => {
            let parts: Vec<String> = args.iter().map(go_print).collect();
            Value::String(format!("{}\n", parts.join(" ")))
        }
        "print" => Value::String(args.iter().map(go_print).collect::<Vec<_>>().concat()),
        "printf" => {
            let fmt = args.first().map(as_str).unwrap_or_default();
            Value::String(printf(&fmt, &args[1..]))
        }
        "eq" => {
            let first = untyped(&args[0]);
            Value::Bool(args.len() > 1 && args[1..].iter().any(|a| untyped(a) == first))
        }
        "ne" => {
            want(2)?;
            Value::Bool(untyped(&args[0]) != untyped(&args[1]))
        }
        "not" => {
            want(1)?;
            Value::Bool(!truthy(&args[0]))
        }
        "and" => args
            .iter()
            .find(|a| !truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        "or" => args
            .iter()
            .find(|a| truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null),
        _ => return Err(format!("function {name:?} not defined")),
    })
}

/// A small `fmt.Sprintf`: `%s`, `%v`, `%d`, `%q`, `%%`.
fn printf(fmt: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut it = fmt.chars();
    let mut n = 0;
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('%') => out.push('%'),
            Some(verb) => {
                let a = args.get(n).cloned().unwrap_or(Value::Null);
                n += 1;
                match verb {
                    'q' => out.push_str(&format!("{:?}", as_str(&a))),
                    _ => out.push_str(&go_print(&a)),
                }
            }
            None => out.push_str("%!(NOVERB)"),
        }
    }
    out
}

fn eval_arg(arg: &Arg, dot: &Value, scope: &mut Scope) -> Result<Value, String> {
    Ok(match arg {
        Arg::Dot(path, pos) => {
            let shown = format!(".{}", path.join("."));
            field(dot, path, scope.mode, &shown, *pos)?
        }
        Arg::Var(name, path, pos) => {
            let mut shown = name.clone();
            for p in path {
                shown.push('.');
                shown.push_str(p);
            }
            field(&scope.get(name)?, path, scope.mode, &shown, *pos)?
        }
        Arg::Str(s) => Value::String(s.clone()),
        Arg::Int(n) => Value::from(*n),
        Arg::Bool(b) => Value::Bool(*b),
        Arg::Func(f) => call(f, Vec::new())?,
        Arg::Sub(p, path) => lenient(&eval_pipeline(p, dot, scope)?, path),
    })
}

fn eval_pipeline(p: &Pipeline, dot: &Value, scope: &mut Scope) -> Result<Value, String> {
    let mut prev: Option<Value> = None;
    for cmd in &p.cmds {
        let value = match &cmd[0] {
            Arg::Func(name) => {
                let mut args = Vec::new();
                for a in &cmd[1..] {
                    args.push(eval_arg(a, dot, scope)?);
                }
                if let Some(v) = prev.take() {
                    args.push(v);
                }
                call(name, args)?
            }
            first => {
                if cmd.len() > 1 {
                    return Err(format!("can't give argument to non-function {first:?}"));
                }
                eval_arg(first, dot, scope)?
            }
        };
        prev = Some(value);
    }
    let v = prev.unwrap_or(Value::Null);
    if let Some(name) = p.decl.last() {
        scope.vars.push((name.clone(), v.clone()));
    }
    Ok(v)
}

fn run(nodes: &[Node], dot: &Value, scope: &mut Scope, out: &mut String) -> Result<(), String> {
    for n in nodes {
        match n {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => {
                let v = eval_pipeline(p, dot, scope)?;
                if p.decl.is_empty() {
                    out.push_str(&go_print(&v));
                }
            }
            Node::If(p, body, els) => {
                let mark = scope.vars.len();
                let v = eval_pipeline(p, dot, scope)?;
                run(if truthy(&v) { body } else { els }, dot, scope, out)?;
                scope.vars.truncate(mark);
            }
            Node::With(p, body, els) => {
                let mark = scope.vars.len();
                let v = eval_pipeline(p, dot, scope)?;
                if truthy(&v) {
                    run(body, &v, scope, out)?;
                } else {
                    run(els, dot, scope, out)?;
                }
                scope.vars.truncate(mark);
            }
            Node::Range(p, body, els) => {
                let bare = Pipeline {
                    decl: Vec::new(),
                    cmds: p.cmds.clone(),
                };
                let v = eval_pipeline(&bare, dot, scope)?;
                let items: Vec<(Value, Value)> = match &v {
                    Value::Array(a) => a
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i), x.clone()))
                        .collect(),
                    Value::Object(m) if m.contains_key(NIL) => Vec::new(),
                    Value::Object(m) if !m.contains_key(STRUCT) && !m.contains_key(TIME) => {
                        let mut keys: Vec<&String> = m.keys().filter(|k| !is_marker(k)).collect();
                        keys.sort();
                        keys.into_iter()
                            .map(|k| (Value::String(k.clone()), m[k.as_str()].clone()))
                            .collect()
                    }
                    Value::Null => Vec::new(),
                    other => return Err(format!("range can't iterate over {}", go_print(other))),
                };
                if items.is_empty() {
                    run(els, dot, scope, out)?;
                }
                for (k, item) in items {
                    let mark = scope.vars.len();
                    match p.decl.as_slice() {
                        [v] => scope.vars.push((v.clone(), item.clone())),
                        [kn, vn] => {
                            scope.vars.push((kn.clone(), k));
                            scope.vars.push((vn.clone(), item.clone()));
                        }
                        _ => {}
                    }
                    run(body, &item, scope, out)?;
                    scope.vars.truncate(mark);
                }
            }
        }
    }
    Ok(())
}

/// Executes `nodes` with `dot` as `.` and `$`.
pub fn execute(nodes: &[Node], dot: &Value, mode: Mode) -> Result<String, String> {
    let mut scope = Scope {
        vars: vec![("$".to_string(), dot.clone())],
        mode,
    };
    let mut out = String::new();
    run(nodes, dot, &mut scope, &mut out)?;
    Ok(out)
}
