//! The outputs shown in the README and in `docs/*.md` are the binary's real outputs.
//!
//! A shown output is a block between two markers; the opening marker holds the command:
//!
//! ````text
//! <!-- out: xinsheng flag --format table examples/calls.jsonl | head -5 -->
//! ```console
//! $ xinsheng flag --format table examples/calls.jsonl | head -5
//! …what the command prints on stdout…
//! ```
//! <!-- /out -->
//! ````
//!
//! The command runs with `sh -c` in the workspace root, with this build's `xinsheng` first
//! on `PATH`; only stdout is shown (write `2>&1 >/dev/null` to show stderr instead).
//! Durations (`in 0.42s (97 records/s)`) and blanks at the ends of lines are removed, so
//! the check is deterministic.
//!
//! `cargo test` fails when a block differs from what the command prints now;
//! `scripts/readme.sh` (`XINSHENG_BLESS=1 cargo test -p xinsheng-cli --test readme`)
//! rewrites every block.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The files whose marked blocks are checked (relative to the workspace root); a missing
/// file is skipped (docs written by other work may not exist yet).
const FILES: &[&str] = &[
    "README.md",
    "docs/cli.md",
    "docs/schema.md",
    "docs/guarantees.md",
    "docs/model.md",
    "docs/python.md",
];

const OPEN: &str = "<!-- out:";
const CLOSE: &str = "<!-- /out -->";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// What `command` prints on stdout, without durations.
fn run(command: &str) -> String {
    let bin = Path::new(env!("CARGO_BIN_EXE_xinsheng"));
    let path = std::env::join_paths(std::iter::once(bin.parent().unwrap().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    // `mktemp` in a shown command makes its files here; removed afterwards.
    let tmp = std::env::temp_dir().join(format!("xinsheng-readme-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(root())
        .env("PATH", path)
        .env("TMPDIR", &tmp)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run `sh -c {command}`: {e}"));
    std::fs::remove_dir_all(&tmp).unwrap();
    let text = String::from_utf8(out.stdout).expect("shown output is UTF-8");
    // Trailing blanks (table padding) would not survive editors.
    let text: String = text
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    strip_durations(&text)
}

/// ` in 0.42s (412 records/s)` → ``: the summary line's duration differs run to run.
fn strip_durations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" in ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let digits = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        if digits > 0 && after[digits..].starts_with('s') {
            rest = &after[digits + 1..];
            // and the rate that follows it: ` (412 records/s)`
            let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
            if let Some(rate) = line.strip_prefix(" (") {
                if let Some(end) = rate.find(" records/s)") {
                    if rate[..end].bytes().all(|b| b.is_ascii_digit()) {
                        rest = &rest[2 + end + " records/s)".len()..];
                    }
                }
            }
        } else {
            out.push_str(" in ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// The file with every marked block rewritten from its command.
fn regenerate(text: &str, file: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let marker_end = start
            + rest[start..]
                .find("-->")
                .unwrap_or_else(|| panic!("{file}: unclosed `{OPEN}` marker"));
        let command = rest[start + OPEN.len()..marker_end].trim();
        let block_end = marker_end
            + rest[marker_end..]
                .find(CLOSE)
                .unwrap_or_else(|| panic!("{file}: `{OPEN} {command}` has no `{CLOSE}`"));
        out.push_str(&rest[..marker_end + 3]);
        let shown = run(command);
        out.push_str(&format!(
            "\n```console\n$ {command}\n{shown}{}```\n",
            if shown.is_empty() || shown.ends_with('\n') {
                ""
            } else {
                "\n"
            }
        ));
        out.push_str(CLOSE);
        rest = &rest[block_end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

#[test]
fn shown_outputs_are_current() {
    let bless = std::env::var_os("XINSHENG_BLESS").is_some();
    let mut stale = Vec::new();
    for file in FILES {
        let path = root().join(file);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let fresh = regenerate(&text, file);
        if fresh != text {
            if bless {
                std::fs::write(&path, fresh).unwrap();
            } else {
                let line = text
                    .lines()
                    .zip(fresh.lines())
                    .position(|(a, b)| a != b)
                    .map_or(text.lines().count().min(fresh.lines().count()), |i| i);
                stale.push(format!(
                    "{file}:{}: shown output differs from the binary's (now: {:?})",
                    line + 1,
                    fresh.lines().nth(line).unwrap_or("")
                ));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{}\nrun scripts/readme.sh to rewrite the shown outputs",
        stale.join("\n")
    );
}

#[test]
fn durations_are_stripped() {
    assert_eq!(
        strip_durations("1 scored in 0.70s (4 records/s)\n0 errors in 0.42s; 9 calls\nin time"),
        "1 scored\n0 errors; 9 calls\nin time"
    );
}
