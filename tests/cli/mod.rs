//! End-to-end tests of the `xinsheng` binary: every test runs the real binary in a
//! temporary directory (see [`Sandbox`] and the [`xs!`] macro).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod calls;
mod explain;
mod files;
mod flag;
mod grouping;
mod lexicon;
mod outputs;
mod props;
mod reading;
mod robustness;
mod score;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_xinsheng");

/// The bundled examples.
pub const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");

/// A temporary working directory for one test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Stdout lines parsed as JSON (panics on a line that is not JSON).
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Write a file (creating directories) and return its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        if let Some(d) = p.parent() {
            std::fs::create_dir_all(d).expect("mkdir");
        }
        std::fs::write(&p, contents).expect("write");
        p
    }

    /// The command, run in the sandbox.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).current_dir(self.dir.path());
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        let out = self
            .cmd(args)
            .stdin(Stdio::null())
            .output()
            .expect("run xinsheng");
        finish(out)
    }

    pub fn run_stdin(&self, args: &[&str], input: impl AsRef<[u8]>) -> Run {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn xinsheng");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = input.as_ref().to_vec();
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
        let out = child.wait_with_output().expect("wait");
        let _ = writer.join();
        finish(out)
    }
}

/// `xs!(sandbox, "score", "a.jsonl")` runs the binary in the sandbox.
#[macro_export]
macro_rules! xs {
    ($sb:expr $(, $arg:expr)* $(,)?) => {
        $sb.run(&[$($arg),*])
    };
}

/// An example file's path.
pub fn example(name: &str) -> String {
    Path::new(EXAMPLES).join(name).display().to_string()
}
