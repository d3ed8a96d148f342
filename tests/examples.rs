//! Every example a newcomer can copy runs as written: the `sh` blocks of the README and the
//! `Examples:` of `docknet --help`.
//!
//! `cargo run -- ARGS` and `docknet ARGS` lines run the built binary with ARGS from the
//! repository root and must succeed with output; `cargo test`/`cargo bench` lines must name
//! test and bench targets that exist (running cargo from inside its own test would recurse).
//! Any other command in an `sh` block fails this test until it is taught here.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BIN: &str = env!("CARGO_BIN_EXE_docknet");

/// The command lines of every ```sh block in `markdown`.
fn sh_blocks(markdown: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut inside = false;
    for line in markdown.lines() {
        match line.trim() {
            "```sh" => inside = true,
            "```" => inside = false,
            l if inside && !l.is_empty() && !l.starts_with('#') => lines.push(l.to_string()),
            _ => {}
        }
    }
    lines
}

/// The lines under `Examples:` in `--help`, without their indentation.
fn help_examples(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

fn run_docknet(example: &str, args: &str) {
    let argv: Vec<&str> = args.split_whitespace().collect();
    let out = Command::new(BIN)
        .args(&argv)
        .current_dir(ROOT)
        .output()
        .expect("the docknet binary runs");
    assert!(
        out.status.success(),
        "`{example}` failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.stdout.is_empty(), "`{example}` printed nothing");
}

/// `--test NAME` and `--bench NAME` must be targets of this package.
fn check_cargo_targets(example: &str) {
    let words: Vec<&str> = example.split_whitespace().collect();
    for pair in words.windows(2) {
        let file = match pair[0] {
            "--test" => format!("tests/{}.rs", pair[1]),
            "--bench" => format!("benches/{}.rs", pair[1]),
            _ => continue,
        };
        assert!(
            Path::new(ROOT).join(&file).exists(),
            "`{example}` names {file}, which does not exist"
        );
    }
}

fn check(example: &str) {
    let command = example
        .split_whitespace()
        .skip_while(|w| w.contains('=') && !w.starts_with('-'))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(args) = command.strip_prefix("cargo run -- ") {
        run_docknet(example, args);
    } else if let Some(args) = command.strip_prefix("docknet ") {
        run_docknet(example, args);
    } else if command.starts_with("cargo test") || command.starts_with("cargo bench") {
        check_cargo_targets(&command);
    } else if command.starts_with("git diff") {
        // Reviewing snapshots: nothing to run.
    } else {
        panic!("no check for the example `{example}`: teach tests/examples.rs");
    }
}

#[test]
fn readme_examples_run() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let examples = sh_blocks(&readme);
    assert!(
        examples.len() >= 2,
        "the README shows its two first commands"
    );
    assert!(examples[0].starts_with("cargo run -- replay scenarios/tutorial-"));
    assert_eq!(examples[1], "cargo test --workspace");
    examples.iter().for_each(|e| check(e));
}

#[test]
fn help_examples_run() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    let examples = help_examples(&String::from_utf8_lossy(&out.stdout));
    assert!(!examples.is_empty(), "--help has examples");
    examples.iter().for_each(|e| check(e));
}

#[test]
fn extraction() {
    let md = "x\n```sh\n# c\ncargo run -- a\n```\n```text\nno\n```\n";
    assert_eq!(sh_blocks(md), ["cargo run -- a"]);
    assert_eq!(
        help_examples("Usage:\n  x\n\nExamples:\n  docknet a\n  docknet b\n\nMore\n"),
        ["docknet a", "docknet b"]
    );
}
