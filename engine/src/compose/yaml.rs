//! Reading a compose file's YAML into a plain tree, once, with the parse error as each
//! Compose program words it.
//!
//! Facts (`tests/oracle/compose-tutorial.log`): Compose 2.40 (go-yaml, a libyaml port) prints
//! `yaml: line N: PROBLEM`, N being the 0-based line of the construct it was parsing (the
//! 1-based line just above it), or nothing when that is line 0; Compose 1.29 (PyYAML) prints
//! `yaml.parser.ParserError: while parsing a block mapping` with the construct's and the
//! problem's 1-based `line, column` in `"./FILE"`.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// One YAML node: scalars keep whether they were plain (an unquoted `true` is a boolean).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A scalar and whether it was written without quotes.
    Scalar(String, bool),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping in file order (keys as strings).
    Map(Vec<(String, Node)>),
    /// `~`, `null` or nothing.
    Null,
}

impl Node {
    /// The scalar's text (`None` for collections and null).
    pub fn text(&self) -> Option<&str> {
        match self {
            Node::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// The mapping's entries (`None` if not a mapping).
    pub fn entries(&self) -> Option<&[(String, Node)]> {
        match self {
            Node::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// Where and why the YAML did not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// The construct being parsed when it failed (a block mapping), 0-based line and column.
    pub context: Option<(&'static str, usize, usize)>,
    /// The problem, in libyaml's words.
    pub problem: String,
    /// Where the problem is, 0-based line and column.
    pub at: (usize, usize),
    /// The character found there, for PyYAML's `but found 'X'`.
    pub found: Option<char>,
    /// A scanner error (bad characters) rather than a parser error (bad structure).
    pub scanner: bool,
}

#[derive(Default)]
struct TreeBuilder {
    stack: Vec<(Vec<Node>, bool, Marker)>,
    done: Option<Node>,
}

impl TreeBuilder {
    fn push_value(&mut self, n: Node) {
        match self.stack.last_mut() {
            Some((items, _, _)) => items.push(n),
            None => self.done = Some(n),
        }
    }

    fn close(&mut self) {
        let Some((items, is_map, _)) = self.stack.pop() else {
            return;
        };
        let node = if is_map {
            let mut pairs = Vec::new();
            let mut it = items.into_iter();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                pairs.push((key_text(k), v));
            }
            Node::Map(pairs)
        } else {
            Node::Seq(items)
        };
        self.push_value(node);
    }

    /// The innermost open block mapping's start: libyaml's context mark.
    fn open_mapping(&self) -> Option<Marker> {
        self.stack.iter().rev().find(|s| s.1).map(|s| s.2)
    }
}

fn key_text(k: Node) -> String {
    match k {
        Node::Scalar(s, _) => s,
        Node::Null => "null".into(),
        _ => String::new(),
    }
}

impl MarkedEventReceiver for TreeBuilder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(v, style, _, _) => {
                let plain = style == TScalarStyle::Plain;
                let n = if plain && matches!(v.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                    Node::Null
                } else {
                    Node::Scalar(v, plain)
                };
                self.push_value(n);
            }
            Event::SequenceStart(..) => self.stack.push((Vec::new(), false, mark)),
            Event::MappingStart(..) => self.stack.push((Vec::new(), true, mark)),
            Event::SequenceEnd | Event::MappingEnd => self.close(),
            _ => {}
        }
    }
}

/// Parses the first document of `text` (an empty file is [`Node::Null`]).
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut b = TreeBuilder::default();
    let mut parser = Parser::new_from_str(text);
    match parser.load(&mut b, false) {
        Ok(()) => Ok(b.done.unwrap_or(Node::Null)),
        Err(e) => Err(describe(text, &b, e.marker(), e.info())),
    }
}

/// Where the block construct on (1-based) `line` begins: its first character past the
/// indentation and any `- ` entry markers. yaml-rust2 marks the token after it; libyaml
/// (go-yaml, and PyYAML after it) marks this.
fn line_start(text: &str, line: usize) -> (usize, usize) {
    let l = line.saturating_sub(1);
    let s = text.lines().nth(l).unwrap_or("");
    let indent = s.len() - s.trim_start().len();
    (l, indent)
}

fn describe(text: &str, b: &TreeBuilder, m: &Marker, info: &str) -> YamlError {
    let mut at = (m.line().saturating_sub(1), m.col());
    if let Some(problem) = info.strip_prefix("while parsing a block mapping, ") {
        at = line_start(text, m.line());
        let found = text.lines().nth(at.0).and_then(|l| l.chars().nth(at.1));
        let ctx = b.open_mapping().map(|c| line_start(text, c.line()));
        return YamlError {
            context: ctx.map(|(l, c)| ("while parsing a block mapping", l, c)),
            problem: problem.to_string(),
            at,
            found,
            scanner: false,
        };
    }
    let found = text.lines().nth(at.0).and_then(|l| l.chars().nth(at.1));
    // yaml-rust2 says `unexpected character: `X'` where libyaml cannot start a token.
    let bad_start = info.starts_with("unexpected character");
    let scanner = bad_start || info.starts_with("while scanning");
    let problem = if bad_start {
        "found character that cannot start any token".to_string()
    } else {
        info.to_string()
    };
    YamlError {
        context: None,
        problem,
        at,
        found,
        scanner,
    }
}

impl YamlError {
    /// Compose 2.40's text (go-yaml's `yaml: line N: ...`).
    pub fn v2_text(&self) -> String {
        let line = match self.context {
            Some((_, l, _)) if l != 0 => l + usize::from(self.scanner),
            _ if self.at.0 != 0 => self.at.0 + usize::from(self.scanner),
            _ => 0,
        };
        if line == 0 {
            format!("yaml: {}", self.problem)
        } else {
            format!("yaml: line {line}: {}", self.problem)
        }
    }

    /// Compose 1.29's text (PyYAML's marks, 1-based, in `"./FILE"`).
    pub fn v1_text(&self, file: &str) -> String {
        let mark =
            |(l, c): (usize, usize)| format!("  in \"./{file}\", line {}, column {}", l + 1, c + 1);
        let found = self
            .found
            .map(|c| format!("'{c}'"))
            .unwrap_or("<scalar>".into());
        match self.context {
            Some((what, l, c)) => format!(
                "yaml.parser.ParserError: {what}\n{}\nexpected <block end>, but found {found}\n{}",
                mark((l, c)),
                mark(self.at)
            ),
            None if self.scanner => format!(
                "yaml.scanner.ScannerError: while scanning for the next token\nfound character {found} that cannot start any token\n{}",
                mark(self.at)
            ),
            None => format!("yaml.parser.ParserError: {}\n{}", self.problem, mark(self.at)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tutorial's front/back file, whose `app` networks mix a map and a list.
    const TUTORIAL_FRONT_BACK: &str = "version: '2'\n\nservices:\n    proxy:\n        build: ./proxy\n        networks: \n            - front\n    app:\n        build: ./app\n        networks:\n            # you may set custom IP addresses\n            front:\n                ipv4_address: 172.16.238.10 \n                ipv6_address: \"2001:3984:3989::10\"\n            - back\n";

    #[test]
    fn tree_keeps_order_and_plainness() {
        let n = parse("b: 1\na: 'true'\nc:\n  - x\nd:\n").unwrap();
        let e = n.entries().unwrap();
        assert_eq!(e[0].0, "b");
        assert_eq!(n.get("a"), Some(&Node::Scalar("true".into(), false)));
        assert_eq!(
            n.get("c"),
            Some(&Node::Seq(vec![Node::Scalar("x".into(), true)]))
        );
        assert_eq!(n.get("d"), Some(&Node::Null));
    }

    #[test]
    fn block_mapping_error_as_both_programs_print_it() {
        let e = parse(TUTORIAL_FRONT_BACK).unwrap_err();
        assert_eq!(e.v2_text(), "yaml: line 11: did not find expected key");
        assert_eq!(
            e.v1_text("docker-compose.yml"),
            "yaml.parser.ParserError: while parsing a block mapping\n  in \"./docker-compose.yml\", line 12, column 13\nexpected <block end>, but found '-'\n  in \"./docker-compose.yml\", line 15, column 13"
        );
    }

    #[test]
    fn scanner_error_at_line_zero() {
        let e = parse("```\nversion: '2'\n").unwrap_err();
        assert_eq!(
            e.v2_text(),
            "yaml: found character that cannot start any token"
        );
        assert_eq!(
            e.v1_text("docker-compose.yml"),
            "yaml.scanner.ScannerError: while scanning for the next token\nfound character '`' that cannot start any token\n  in \"./docker-compose.yml\", line 1, column 1"
        );
    }
}
