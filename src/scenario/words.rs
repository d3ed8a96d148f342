//! Shell-style word splitting for one step's command line.
//!
//! Follows POSIX `sh` quoting closely enough for the commands people type in tutorials:
//! single quotes are literal, double quotes honour `\"`, `\\`, `\$` and `` \` ``, a backslash
//! outside quotes escapes the next character, `#` at the start of a word begins a comment, an
//! unquoted `|` separates pipeline stages, and `$(command)` is a command substitution (not
//! nested; split into fields when unquoted, kept whole inside double quotes). Everything else a
//! real shell would expand or redirect (`$VAR`, backticks, `;`, `&`, `<`, `>`) is refused rather
//! than taken literally, so a scenario never silently means something other than what a shell
//! would do.

/// One lexical token of a command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A word after quote removal.
    Word(Word),
    /// An unquoted `|`.
    Pipe,
}

/// A word: literal text and command substitutions, concatenated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word(pub Vec<Piece>);

/// A part of a [`Word`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Text after quote removal (possibly empty, for `''`).
    Lit(String),
    /// `$(argv...)`; `quoted` when inside double quotes (no field splitting).
    Sub {
        /// The inner command's words.
        argv: Vec<String>,
        /// Inside `"..."`.
        quoted: bool,
    },
}

impl Word {
    /// The word's text, when it has no substitution.
    pub fn literal(&self) -> Option<String> {
        let mut s = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Lit(l) => s.push_str(l),
                Piece::Sub { .. } => return None,
            }
        }
        Some(s)
    }

    /// Expands the word into fields, running each substitution through `run` (which returns
    /// the inner command's stdout). Like `sh`, trailing newlines of the output are dropped and
    /// an unquoted substitution is split on whitespace.
    pub fn expand(&self, run: &mut dyn FnMut(&[String]) -> String) -> Vec<String> {
        let mut fields = Vec::new();
        let mut current: Option<String> = None;
        for piece in &self.0 {
            match piece {
                Piece::Lit(l) => current.get_or_insert_with(String::new).push_str(l),
                Piece::Sub { argv, quoted } => {
                    let out = run(argv);
                    let out = out.trim_end_matches('\n');
                    if *quoted {
                        current.get_or_insert_with(String::new).push_str(out);
                        continue;
                    }
                    let mut parts = out.split_whitespace();
                    if let Some(first) = parts.next() {
                        current.get_or_insert_with(String::new).push_str(first);
                    }
                    for part in parts {
                        fields.extend(current.replace(part.to_string()));
                    }
                }
            }
        }
        fields.extend(current);
        fields
    }
}

/// The tokens of a line, and where an unquoted comment started (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lexed {
    /// Tokens in order.
    pub tokens: Vec<Token>,
    /// Byte offset of the `#` that began a trailing comment.
    pub comment_at: Option<usize>,
}

/// Splits `line` into words; the error says what was expected.
pub fn split(line: &str) -> Result<Lexed, String> {
    let mut lexer = Lexer {
        chars: line.char_indices().peekable(),
        tokens: Vec::new(),
        word: Word::default(),
        lit: String::new(),
        in_word: false,
    };
    let comment_at = lexer.run()?;
    Ok(Lexed {
        tokens: lexer.tokens,
        comment_at,
    })
}

struct Lexer<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    tokens: Vec<Token>,
    word: Word,
    lit: String,
    in_word: bool,
}

impl Lexer<'_> {
    fn run(&mut self) -> Result<Option<usize>, String> {
        while let Some((at, c)) = self.chars.next() {
            match c {
                ' ' | '\t' | '\n' | '\r' => self.end_word(),
                '#' if !self.in_word => {
                    return Ok(Some(at));
                }
                '\'' => {
                    self.in_word = true;
                    self.single_quoted()?;
                }
                '"' => {
                    self.in_word = true;
                    self.double_quoted()?;
                }
                '\\' => match self.chars.next() {
                    // A backslash-newline is a line continuation: it vanishes.
                    Some((_, '\n')) => {}
                    Some((_, e)) => self.push(e),
                    None => return Err("a character after the trailing `\\`".into()),
                },
                '|' => {
                    if matches!(self.chars.peek(), Some((_, '|'))) {
                        return Err(
                            "a command without `||` (shell operators are not supported)".into()
                        );
                    }
                    self.end_word();
                    self.tokens.push(Token::Pipe);
                }
                ';' | '&' | '<' | '>' | '`' | '(' | ')' => {
                    return Err(format!(
                        "a command without `{c}` (only `|` pipes into grep are supported)"
                    ));
                }
                '$' if matches!(self.chars.peek(), Some((_, '('))) => {
                    self.substitution(false)?;
                }
                '$' => {
                    self.refuse_expansion()?;
                    self.push('$');
                }
                _ => self.push(c),
            }
        }
        self.end_word();
        Ok(None)
    }

    fn push(&mut self, c: char) {
        self.in_word = true;
        self.lit.push(c);
    }

    /// Closes the literal run so far (quotes make even an empty one count).
    fn flush_lit(&mut self) {
        if !self.lit.is_empty() || self.word.0.is_empty() {
            self.word.0.push(Piece::Lit(std::mem::take(&mut self.lit)));
        }
    }

    fn end_word(&mut self) {
        if self.in_word {
            if !self.lit.is_empty() || self.word.0.is_empty() {
                self.flush_lit();
            }
            self.tokens
                .push(Token::Word(std::mem::take(&mut self.word)));
            self.in_word = false;
        }
    }

    /// `$(...)`, the `$` already read: the inner text up to the matching `)` (quotes inside
    /// respected), lexed as one simple command.
    fn substitution(&mut self, quoted: bool) -> Result<(), String> {
        self.chars.next(); // the `(`
        let mut inner = String::new();
        let mut quote = None;
        loop {
            let Some((_, c)) = self.chars.next() else {
                return Err("a closing `)` of `$(`".into());
            };
            match (quote, c) {
                (None, ')') => break,
                (None, '(') => return Err("a `$(...)` without nested parentheses".into()),
                (None, '\'' | '"') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                _ => {}
            }
            inner.push(c);
        }
        let lexed = split(&inner)?;
        let mut argv = Vec::new();
        for token in lexed.tokens {
            match token.clone() {
                Token::Word(w) => argv.push(
                    w.literal()
                        .ok_or("a `$(...)` without another `$(...)` inside")?,
                ),
                Token::Pipe => return Err("a `$(...)` without pipes".into()),
            }
        }
        if argv.is_empty() {
            return Err("a command inside `$(...)`".into());
        }
        if !self.lit.is_empty() {
            self.flush_lit();
        }
        self.in_word = true;
        self.word.0.push(Piece::Sub { argv, quoted });
        Ok(())
    }

    fn single_quoted(&mut self) -> Result<(), String> {
        for (_, c) in self.chars.by_ref() {
            if c == '\'' {
                self.in_word = true;
                if self.lit.is_empty() {
                    // `''` alone must still make a word.
                    self.word.0.push(Piece::Lit(String::new()));
                }
                return Ok(());
            }
            self.lit.push(c);
        }
        Err("a closing `'`".into())
    }

    fn double_quoted(&mut self) -> Result<(), String> {
        while let Some((_, c)) = self.chars.next() {
            match c {
                '"' => {
                    if self.lit.is_empty() && self.word.0.is_empty() {
                        self.word.0.push(Piece::Lit(String::new()));
                    }
                    return Ok(());
                }
                '\\' => match self.chars.peek().map(|&(_, e)| e) {
                    Some(e @ ('"' | '\\' | '$' | '`')) => {
                        self.chars.next();
                        self.lit.push(e);
                    }
                    Some('\n') => {
                        self.chars.next();
                    }
                    _ => self.lit.push('\\'),
                },
                '$' if matches!(self.chars.peek(), Some((_, '('))) => self.substitution(true)?,
                '$' => {
                    self.refuse_expansion()?;
                    self.lit.push('$');
                }
                '`' => return Err("a command without backticks (use `$(...)`)".into()),
                _ => self.lit.push(c),
            }
        }
        Err("a closing `\"`".into())
    }

    /// `$` followed by a name, `{` or `(` would expand in a shell; docknet has no variables.
    fn refuse_expansion(&mut self) -> Result<(), String> {
        match self.chars.peek() {
            Some(&(_, c)) if c.is_ascii_alphanumeric() || matches!(c, '_' | '{' | '?') => {
                Err("a command without `$` variables (quote a literal `$` with '...')".into())
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split(line)
            .unwrap()
            .tokens
            .into_iter()
            .map(|t| match t {
                Token::Word(w) => w.literal().expect("no substitution"),
                Token::Pipe => "|".into(),
            })
            .collect()
    }

    fn expand(line: &str, output: &str) -> Vec<String> {
        let mut seen = Vec::new();
        let mut fields = Vec::new();
        for t in split(line).unwrap().tokens {
            if let Token::Word(w) = t {
                fields.extend(w.expand(&mut |argv| {
                    seen.push(argv.join(" "));
                    output.to_string()
                }));
            }
        }
        assert!(seen.iter().all(|s| s.starts_with("docker")), "{seen:?}");
        fields
    }

    #[test]
    fn quoting() {
        assert_eq!(words("docker  network ls"), ["docker", "network", "ls"]);
        assert_eq!(words("a 'b c' \"d e\""), ["a", "b c", "d e"]);
        assert_eq!(words(r#"a "x\"y\\z\q""#), ["a", r#"x"y\z\q"#]);
        assert_eq!(words(r"a b\ c \'"), ["a", "b c", "'"]);
        assert_eq!(words("create ''"), ["create", ""]);
        assert_eq!(words("x'{{json .IPAM}}'y"), ["x{{json .IPAM}}y"]);
        assert_eq!(words("a \\\n b"), ["a", "b"]);
        assert_eq!(words("echo $ 5$"), ["echo", "$", "5$"]);
    }

    #[test]
    fn comments_and_pipes() {
        let l = split("docker ps # list them").unwrap();
        assert_eq!(l.comment_at, Some(10));
        assert_eq!(words("a#b"), ["a#b"]);
        assert_eq!(
            words("inspect x | grep Sandbox"),
            ["inspect", "x", "|", "grep", "Sandbox"]
        );
        assert_eq!(words("a '|' b"), ["a", "|", "b"]);
        assert_eq!(
            split("a '|' b").unwrap().tokens[1],
            Token::Word(Word(vec![Piece::Lit("|".into())]))
        );
    }

    #[test]
    fn command_substitution() {
        let key = "/var/run/docker/netns/ab12\n";
        assert_eq!(
            expand(
                "nsenter --net=$(docker inspect -f '{{.NetworkSettings.SandboxKey}}' t1) ip a",
                key
            ),
            ["nsenter", "--net=/var/run/docker/netns/ab12", "ip", "a"]
        );
        assert_eq!(
            expand("docker x $(docker ls -q)", "a\nb\n"),
            ["docker", "x", "a", "b"]
        );
        assert_eq!(
            expand("docker x \"$(docker ls -q)\"", "a\nb\n"),
            ["docker", "x", "a\nb"]
        );
        assert_eq!(
            expand("docker x $(docker ls -q) y", ""),
            ["docker", "x", "y"]
        );
        assert_eq!(
            expand("docker x \"$(docker ls -q)\"", ""),
            ["docker", "x", ""]
        );
        assert_eq!(expand("docker ''", ""), ["docker", ""]);
    }

    #[test]
    fn refusals() {
        assert!(split("a 'b").unwrap_err().contains("closing `'`"));
        assert!(split("a \"b").unwrap_err().contains("closing `\"`"));
        assert!(split("a > f").is_err());
        assert!(split("a; b").is_err());
        assert!(split("a || b").is_err());
        assert!(split("echo $HOME").is_err());
        assert!(split("echo ${x}").is_err());
        assert!(split("echo `id`").is_err());
        assert!(split("echo $(a $(b))").is_err());
        assert!(split("echo $(a | b)").is_err());
        assert!(split("echo $(a").is_err());
        assert!(split("trailing \\").is_err());
    }
}
