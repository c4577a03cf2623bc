//! Inputs: files, directories (walked recursively, sorted) and stdin.

use std::fmt;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use xinsheng_io::InputFormat;

/// The name standard input has in messages and `source` fields.
pub const STDIN_NAME: &str = "<stdin>";

/// One input.
pub enum Input {
    /// Standard input (`-` on the command line).
    Stdin,
    /// A file.
    Path(PathBuf),
    /// Any reader, with the name used in `source` fields (for examples and benchmarks).
    Reader {
        /// Name, e.g. `memory.jsonl` (its extension tells the format).
        name: String,
        /// The bytes.
        reader: Box<dyn Read + Send + Sync>,
    },
    /// An input that could not be listed (an unreadable directory): reported as an
    /// error when its turn comes.
    Broken {
        /// Name.
        name: String,
        /// Why.
        message: String,
    },
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Stdin => f.write_str("Stdin"),
            Input::Path(p) => f.debug_tuple("Path").field(p).finish(),
            Input::Reader { name, .. } => f.debug_struct("Reader").field("name", name).finish(),
            Input::Broken { name, message } => f
                .debug_struct("Broken")
                .field("name", name)
                .field("message", message)
                .finish(),
        }
    }
}

impl Input {
    /// A file input.
    pub fn path(p: impl Into<PathBuf>) -> Input {
        Input::Path(p.into())
    }

    /// An in-memory input.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
        Input::Reader {
            name: name.into(),
            reader: Box::new(io::Cursor::new(bytes.into())),
        }
    }

    /// The name used in messages and `source` fields.
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => STDIN_NAME.to_string(),
            Input::Path(p) => p.display().to_string(),
            Input::Reader { name, .. } | Input::Broken { name, .. } => name.clone(),
        }
    }

    /// The size in bytes, when known (for the progress line).
    pub fn size(&self) -> Option<u64> {
        match self {
            Input::Path(p) => fs::metadata(p)
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len()),
            Input::Broken { .. } => Some(0),
            _ => None,
        }
    }

    /// Open the input: its name and a reader, or `name: reason`.
    pub fn open(self) -> Result<(String, Box<dyn Read + Send>), (String, String)> {
        let name = self.name();
        match self {
            Input::Stdin => Ok((name, Box::new(io::stdin()))),
            Input::Path(p) => match fs::File::open(&p) {
                Ok(f) => {
                    if f.metadata().is_ok_and(|m| m.is_dir()) {
                        return Err((name, "is a directory".to_string()));
                    }
                    Ok((name, Box::new(f)))
                }
                Err(e) => Err((name, io_message(&e))),
            },
            Input::Reader { reader, .. } => Ok((name, reader)),
            Input::Broken { message, .. } => Err((name, message)),
        }
    }
}

/// An I/O error without the `(os error N)` noise.
pub fn io_message(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Files a directory walk picks up: the extensions of the input formats.
fn wanted(path: &Path) -> bool {
    InputFormat::from_extension(path).is_some()
}

fn walk(dir: &Path, out: &mut Vec<Input>) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.push(Input::Broken {
                name: dir.display().to_string(),
                message: io_message(&e),
            });
            return;
        }
    };
    let mut paths: Vec<(PathBuf, bool)> = Vec::new();
    for entry in entries {
        match entry {
            Ok(e) => {
                let hidden = e.file_name().to_string_lossy().starts_with('.');
                if hidden {
                    continue;
                }
                // file_type() does not follow symlinks: symlinked directories are not
                // walked (no loops); symlinked files are read.
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                paths.push((e.path(), is_dir));
            }
            Err(e) => out.push(Input::Broken {
                name: dir.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    paths.sort();
    for (p, is_dir) in paths {
        if is_dir {
            walk(&p, out);
        } else if wanted(&p) {
            out.push(Input::Path(p));
        }
    }
}

/// Expand command-line inputs: `-` is stdin, a directory is every `.jsonl`, `.ndjson`,
/// `.json`, `.csv`, `.tsv`, `.txt` and `.log` file under it (recursively, sorted by
/// path, hidden files skipped), anything else a file (read whatever its extension).
pub fn expand<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Vec<Input> {
    let mut out = Vec::new();
    for a in args {
        let a = a.as_ref();
        if a == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let p = PathBuf::from(a);
        if p.is_dir() {
            walk(&p, &mut out);
        } else {
            out.push(Input::Path(p));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_and_filters() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("b/c")).unwrap();
        for f in [
            "b/c/z.jsonl",
            "b/a.csv",
            "a.txt",
            "notes.md",
            ".hidden.jsonl",
            "b/x.log",
        ] {
            fs::write(d.join(f), "").unwrap();
        }
        let got: Vec<String> = expand(&[d.as_os_str(), "-".as_ref()])
            .iter()
            .map(|i| {
                i.name()
                    .strip_prefix(&d.display().to_string())
                    .unwrap_or(&i.name())
                    .to_string()
            })
            .collect();
        assert_eq!(
            got,
            ["/a.txt", "/b/a.csv", "/b/c/z.jsonl", "/b/x.log", "<stdin>"]
        );
    }
}
