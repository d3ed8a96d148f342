//! Executing a parsed template over a JSON value, printing values as Go's `fmt` does.

use serde_json::Value;

use super::parse::{Arg, Node, Pipeline};

/// Variables in scope, innermost last.
struct Scope {
    vars: Vec<(String, Value)>,
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

/// Go's `fmt.Sprint` of a value decoded from JSON (maps print with sorted keys).
pub fn go_print(v: &Value) -> String {
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
            let mut keys: Vec<&String> = m.keys().collect();
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

/// Go's template truth: false, 0, "", nil and empty collections are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn field(v: &Value, path: &[String]) -> Value {
    let mut cur = v.clone();
    for f in path {
        cur = match cur {
            Value::Object(m) => m.get(f).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
    }
    cur
}

/// `json`: compact, no HTML escaping (Docker's template func).
pub fn to_json(v: &Value) -> String {
    serde_json::to_string(v).expect("serializing a Value cannot fail")
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
                    (Value::Object(m), Value::String(s)) => m.get(s).cloned().unwrap_or(Value::Null),
                    (Value::Array(a), Value::Number(n)) => {
                        let i = n.as_u64().unwrap_or(u64::MAX) as usize;
                        a.get(i)
                            .cloned()
                            .ok_or_else(|| format!("error calling index: index out of range: {i}"))?
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
                Value::Object(m) => m.len(),
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
                out.extend(if start { c.to_uppercase().collect::<Vec<_>>() } else { vec![c] });
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
        "eq" => Value::Bool(args.len() > 1 && args[1..].iter().any(|a| a == &args[0])),
        "ne" => {
            want(2)?;
            Value::Bool(args[0] != args[1])
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
        Arg::Dot(path) => field(dot, path),
        Arg::Var(name, path) => field(&scope.get(name)?, path),
        Arg::Str(s) => Value::String(s.clone()),
        Arg::Int(n) => Value::from(*n),
        Arg::Bool(b) => Value::Bool(*b),
        Arg::Func(f) => call(f, Vec::new())?,
        Arg::Sub(p, path) => field(&eval_pipeline(p, dot, scope)?, path),
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
                    Value::Object(m) => {
                        let mut keys: Vec<&String> = m.keys().collect();
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
pub fn execute(nodes: &[Node], dot: &Value) -> Result<String, String> {
    let mut scope = Scope {
        vars: vec![("$".to_string(), dot.clone())],
    };
    let mut out = String::new();
    run(nodes, dot, &mut scope, &mut out)?;
    Ok(out)
}
