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

    /// A second copy of a regular file larger than `bytes` (it can be read twice); None
    /// for anything else (standard input, a FIFO, an in-memory input, a smaller file).
    pub fn reopen_if_larger(&self, bytes: u64) -> Option<Input> {
        match self {
            Input::Path(p) => fs::metadata(p)
                .ok()
                .filter(|m| m.is_file() && m.len() > bytes)
                .map(|_| Input::Path(p.clone())),
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

/// A file a directory walk passed over, and why (reported as a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path.
    pub path: PathBuf,
    /// Why it was not read.
    pub reason: String,
}

/// What the command line names: the inputs to read, and the files a directory walk
/// passed over (to be reported).
#[derive(Debug, Default)]
pub struct Expanded {
    /// The inputs, in order.
    pub inputs: Vec<Input>,
    /// Files under input directories that are not read.
    pub skipped: Vec<Skipped>,
}

/// The input format a walked file is read as: by its extension, looking through a
/// `.gz` suffix (`calls.jsonl.gz`).
fn walk_format(path: &Path) -> Option<InputFormat> {
    let is_gz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    if is_gz {
        InputFormat::from_extension(Path::new(path.file_stem()?))
    } else {
        InputFormat::from_extension(path)
    }
}

/// Why a walked file of this extension is not read.
fn unread_reason(path: &Path) -> String {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
    {
        Some(e) if matches!(e.as_str(), "xlsx" | "xls" | "xlsm" | "ods") => {
            format!(".{e} is not read: save the sheet as CSV")
        }
        Some(e) if e == "gz" => "a .gz of a format that is not read".to_string(),
        Some(e)
            if matches!(
                e.as_str(),
                "zip" | "7z" | "rar" | "bz2" | "xz" | "zst" | "tar"
            ) =>
        {
            format!(".{e} archives are not read: unpack them first")
        }
        Some(e) => format!(
            ".{e} is not a transcript format (jsonl, json, csv, tsv, txt, log, or any of them .gz)"
        ),
        None => "no extension: name the file on the command line to read it".to_string(),
    }
}

/// The kind of a non-regular file, for messages.
fn special_kind(t: &fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    let _ = t;
    "not a regular file"
}

/// One entry of a walked directory: a directory to walk, a file to consider, or a file
/// passed over. Symbolic links are followed to files but never to directories (no
/// loops).
enum Walked {
    Dir(PathBuf),
    File(PathBuf),
    Skip(Skipped),
}

fn classify(path: PathBuf, own: &fs::FileType) -> Walked {
    let skip = |path, reason: String| Walked::Skip(Skipped { path, reason });
    if own.is_dir() {
        return Walked::Dir(path);
    }
    let target = if own.is_symlink() {
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                return skip(path, "a symbolic link to a directory (not followed)".into())
            }
            Ok(m) => m.file_type(),
            Err(e) => return skip(path, format!("a broken symbolic link ({})", io_message(&e))),
        }
    } else {
        *own
    };
    if !target.is_file() {
        let kind = special_kind(&target);
        return skip(
            path,
            format!("{kind}: name it on the command line to read it as a stream"),
        );
    }
    Walked::File(path)
}

/// A walked file's first bytes look like xinsheng's own output (a `score`, `calls` or
/// `flag` result written into an input folder): read back, it would be scored twice.
fn looks_like_our_output(path: &Path, format: InputFormat) -> bool {
    let mut head = Vec::with_capacity(OUTPUT_SNIFF_BYTES);
    let read =
        fs::File::open(path).and_then(|f| f.take(OUTPUT_SNIFF_BYTES as u64).read_to_end(&mut head));
    if read.is_err() {
        return false;
    }
    let head = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&head);
    let first = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    let first = first.trim_end_matches('\r');
    match format {
        InputFormat::Jsonl => {
            let keys = |k: &[&str]| k.iter().all(|k| first.contains(&format!("\"{k}\":")));
            first.starts_with('{')
                && (keys(&["xinsheng"]) || keys(&["call_id", "source", "escalation", "trajectory"]))
        }
        InputFormat::Csv => {
            first.contains(&xinsheng_io::write::CSV_COLUMNS.join(","))
                || first.starts_with(&crate::calls::CALL_CSV_COLUMNS[..4].join(","))
                || first.starts_with(&crate::calls::FLAG_CSV_COLUMNS[..4].join(","))
        }
        _ => false,
    }
}

/// How much of a walked file is read to tell whether it is one of our outputs.
const OUTPUT_SNIFF_BYTES: usize = 64 * 1024;

fn walk(dir: &Path, exclude: &[PathBuf], out: &mut Expanded) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            out.inputs.push(Input::Broken {
                name: dir.display().to_string(),
                message: io_message(&e),
            });
            return;
        }
    };
    let mut found: Vec<Walked> = Vec::new();
    for entry in entries {
        match entry {
            // Hidden files (ours: `.NAME.xinsheng-PID-N.tmp`) are passed over silently.
            Ok(e) if e.file_name().to_string_lossy().starts_with('.') => {}
            Ok(e) => match e.file_type() {
                Ok(t) => found.push(classify(e.path(), &t)),
                Err(err) => found.push(Walked::Skip(Skipped {
                    path: e.path(),
                    reason: io_message(&err),
                })),
            },
            Err(e) => out.inputs.push(Input::Broken {
                name: dir.display().to_string(),
                message: io_message(&e),
            }),
        }
    }
    let path_of = |w: &Walked| match w {
        Walked::Dir(p) | Walked::File(p) => p.clone(),
        Walked::Skip(s) => s.path.clone(),
    };
    found.sort_by_key(path_of);
    for w in found {
        match w {
            Walked::Dir(p) => walk(&p, exclude, out),
            Walked::Skip(s) => out.skipped.push(s),
            Walked::File(p) => take_file(p, exclude, out),
        }
    }
}

fn take_file(p: PathBuf, exclude: &[PathBuf], out: &mut Expanded) {
    let skip = |reason: &str| Skipped {
        path: p.clone(),
        reason: reason.to_string(),
    };
    let Some(format) = walk_format(&p) else {
        out.skipped.push(skip(&unread_reason(&p)));
        return;
    };
    if is_excluded(&p, exclude) {
        out.skipped.push(skip("it is this run's output (-o)"));
    } else if looks_like_our_output(&p, format) {
        out.skipped.push(skip(
            "it is xinsheng output (name it on the command line to read it)",
        ));
    } else {
        out.inputs.push(Input::Path(p));
    }
}

fn is_excluded(p: &Path, exclude: &[PathBuf]) -> bool {
    if exclude.is_empty() {
        return false;
    }
    let canonical = fs::canonicalize(p);
    exclude
        .iter()
        .any(|x| canonical.as_ref().is_ok_and(|c| c == x))
}

/// Expand command-line inputs: `-` is stdin, a directory is every `.jsonl`, `.ndjson`,
/// `.json`, `.csv`, `.tsv`, `.txt` and `.log` file under it, gzipped or not (recursively,
/// sorted by path; hidden files, other extensions, special files such as FIFOs, symbolic
/// links to directories and xinsheng's own outputs are passed over and listed in
/// [`Expanded::skipped`]), anything else a file (read whatever its extension). `output`
/// is this run's `-o` file, never read from a directory walk.
pub fn expand<S: AsRef<std::ffi::OsStr>>(args: &[S], output: Option<&Path>) -> Expanded {
    let mut out = Expanded::default();
    let exclude: Vec<PathBuf> = output
        .and_then(|o| fs::canonicalize(o).ok())
        .into_iter()
        .collect();
    for a in args {
        let a = a.as_ref();
        if a == "-" {
            out.inputs.push(Input::Stdin);
            continue;
        }
        let p = PathBuf::from(a);
        if p.is_dir() {
            walk(&p, &exclude, &mut out);
        } else {
            out.inputs.push(Input::Path(p));
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
        let got: Vec<String> = expand(&[d.as_os_str(), "-".as_ref()], None)
            .inputs
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

    #[test]
    fn reports_what_a_walk_passes_over() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::write(d.join("a.jsonl.gz"), "").unwrap();
        fs::write(d.join("b.xlsx"), "").unwrap();
        fs::write(d.join("c.tar.gz"), "").unwrap();
        fs::write(d.join("scored.jsonl"), "{\"text\":\"x\",\"xinsheng\":{}}\n").unwrap();
        fs::write(d.join("out.csv"), "").unwrap();
        let e = expand(&[d.as_os_str()], Some(&d.join("out.csv")));
        let names: Vec<String> = e.inputs.iter().map(Input::name).collect();
        assert_eq!(names, [d.join("a.jsonl.gz").display().to_string()]);
        let skipped: Vec<(String, &str)> = e
            .skipped
            .iter()
            .map(|s| {
                let name = s.path.file_name().unwrap().to_string_lossy().into_owned();
                (name, s.reason.split(':').next().unwrap())
            })
            .collect();
        assert_eq!(
            skipped,
            [
                ("b.xlsx".to_string(), ".xlsx is not read"),
                ("c.tar.gz".to_string(), "a .gz of a format that is not read"),
                ("out.csv".to_string(), "it is this run's output (-o)"),
                (
                    "scored.jsonl".to_string(),
                    "it is xinsheng output (name it on the command line to read it)"
                ),
            ]
        );
    }
}
