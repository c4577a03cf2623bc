//! Where results go: stdout, or a file written atomically.
//!
//! `-o FILE` writes a temporary file in the same directory (`.FILE.xinsheng-PID-N.tmp`)
//! and renames it over `FILE` only when the run finished writing: readers of `FILE`
//! never see a half-written result, and a failed run leaves the old `FILE` as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

enum Inner {
    Stdout(BufWriter<Stdout>),
    File {
        w: BufWriter<File>,
        tmp: PathBuf,
        path: PathBuf,
    },
    Done,
}

/// A buffered output: stdout, or a file committed atomically by [`Output::commit`].
pub struct Output {
    inner: Inner,
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.inner {
            Inner::Stdout(_) => f.write_str("Output(stdout)"),
            Inner::File { path, .. } => write!(f, "Output({})", path.display()),
            Inner::Done => f.write_str("Output(done)"),
        }
    }
}

impl Output {
    /// Standard output (buffered).
    pub fn stdout() -> Output {
        Output {
            inner: Inner::Stdout(BufWriter::with_capacity(64 * 1024, io::stdout())),
        }
    }

    /// A temporary file next to `path`, renamed to `path` by [`Output::commit`].
    pub fn file(path: &Path) -> io::Result<Output> {
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "output path has no file name")
            })?
            .to_string_lossy()
            .into_owned();
        let pid = std::process::id();
        let mut n = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.xinsheng-{pid}-{n}.tmp"));
            match OpenOptions::new().write(true).create_new(true).open(&tmp) {
                Ok(f) => {
                    return Ok(Output {
                        inner: Inner::File {
                            w: BufWriter::with_capacity(64 * 1024, f),
                            tmp,
                            path: path.to_path_buf(),
                        },
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
                Err(e) => return Err(e),
            }
        }
    }

    /// Flush, and for a file, sync it and rename it over the target.
    pub fn commit(mut self) -> io::Result<()> {
        match std::mem::replace(&mut self.inner, Inner::Done) {
            Inner::Stdout(mut w) => w.flush(),
            Inner::File { w, tmp, path } => {
                let result = (|| {
                    let f = w.into_inner().map_err(|e| e.into_error())?;
                    f.sync_all()?;
                    drop(f);
                    fs::rename(&tmp, &path)
                })();
                if result.is_err() {
                    let _ = fs::remove_file(&tmp);
                }
                result
            }
            Inner::Done => Ok(()),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Inner::File { tmp, .. } = &self.inner {
            let _ = fs::remove_file(tmp);
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Inner::Stdout(w) => w.write(buf),
            Inner::File { w, .. } => w.write(buf),
            Inner::Done => Err(io::Error::other("output already committed")),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(w) => w.write_all(buf),
            Inner::File { w, .. } => w.write_all(buf),
            Inner::Done => Err(io::Error::other("output already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Stdout(w) => w.flush(),
            Inner::File { w, .. } => w.flush(),
            Inner::Done => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        fs::write(&path, "old").unwrap();
        let mut o = Output::file(&path).unwrap();
        o.write_all(b"new").unwrap();
        o.flush().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        o.commit().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        // Dropped without commit: no trace.
        let mut o = Output::file(&path).unwrap();
        o.write_all(b"partial").unwrap();
        drop(o);
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
