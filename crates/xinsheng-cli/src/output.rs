//! Where results go: stdout, or a file written atomically.
//!
//! `-o FILE` writes a temporary file in the same directory (`.FILE.xinsheng-PID-N.tmp`)
//! and renames it over `FILE` only when the run finished writing: readers of `FILE`
//! never see a half-written result, and a failed run leaves the old `FILE` as it was.
//!
//! - An existing regular file keeps its permission bits (and, where the process may set
//!   them, its owner and group); a new file gets the usual `0666` less the umask, as a
//!   shell redirection would (`umask 077` keeps results private).
//! - A symbolic link is followed: the file it points to is replaced, the link stays.
//! - A FIFO or a character device (`/dev/null`, `/dev/stdout`) is written in place,
//!   never replaced; a directory, a socket or a block device is refused before any
//!   input is read.
//! - SIGINT, SIGTERM and SIGHUP remove the temporary file before the process ends
//!   ([`cleanup_on_signals`]); a temporary file left by a process that no longer runs
//!   (a `kill -9`, a power cut) is removed by the next run writing the same `FILE`.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Output buffer size.
const BUFFER_BYTES: usize = 64 * 1024;

/// Temporary files being written, removed when a signal ends the process.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// On SIGINT, SIGTERM or SIGHUP, remove the temporary files of unfinished outputs, then
/// end the process as the signal would have (exit status 128 + signal). Call once, early.
pub fn cleanup_on_signals() -> io::Result<()> {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
        std::thread::Builder::new()
            .name("xinsheng-signals".into())
            .spawn(move || {
                if let Some(sig) = signals.forever().next() {
                    for tmp in pending().drain(..) {
                        let _ = fs::remove_file(tmp);
                    }
                    let _ = signal_hook::low_level::emulate_default_handler(sig);
                    std::process::exit(128 + sig);
                }
            })?;
    }
    Ok(())
}

/// What an `-o` path is.
#[derive(Debug)]
enum Target {
    /// A regular file (or a new path): replaced atomically.
    Replace {
        path: PathBuf,
        old: Option<fs::Metadata>,
    },
    /// A FIFO or character device: written in place.
    InPlace(PathBuf),
}

fn target(path: &Path) -> io::Result<Target> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A new file; or a broken symbolic link, written through like `>` would.
            return Ok(match fs::symlink_metadata(path) {
                Ok(_) => Target::InPlace(path.to_path_buf()),
                Err(_) => Target::Replace {
                    path: path.to_path_buf(),
                    old: None,
                },
            });
        }
        Err(e) => return Err(e),
    };
    if meta.is_file() {
        // Through a symbolic link, the file it points to is replaced.
        let real = if fs::symlink_metadata(path)?.file_type().is_symlink() {
            fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        };
        return Ok(Target::Replace {
            path: real,
            old: Some(meta),
        });
    }
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        ));
    }
    if is_stream(&meta) {
        return Ok(Target::InPlace(path.to_path_buf()));
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "not a regular file, FIFO or character device",
    ))
}

fn is_stream(meta: &fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        t.is_fifo() || t.is_char_device()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

enum Inner {
    Stdout(BufWriter<Stdout>),
    File {
        w: BufWriter<File>,
        tmp: PathBuf,
        path: PathBuf,
    },
    InPlace(BufWriter<File>),
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
            Inner::InPlace(_) => f.write_str("Output(in place)"),
            Inner::Done => f.write_str("Output(done)"),
        }
    }
}

impl Output {
    /// Standard output (buffered).
    pub fn stdout() -> Output {
        Output {
            inner: Inner::Stdout(BufWriter::with_capacity(BUFFER_BYTES, io::stdout())),
        }
    }

    /// `path`: a regular file is replaced by [`Output::commit`] (a temporary file next to
    /// it until then); a FIFO or character device is written in place; anything else is
    /// an error, returned before anything is written.
    pub fn file(path: &Path) -> io::Result<Output> {
        match target(path)? {
            Target::InPlace(p) => {
                let f = OpenOptions::new().write(true).open(p)?;
                Ok(Output {
                    inner: Inner::InPlace(BufWriter::with_capacity(BUFFER_BYTES, f)),
                })
            }
            Target::Replace { path, old } => Output::replacing(&path, old.as_ref()),
        }
    }

    fn replacing(path: &Path, old: Option<&fs::Metadata>) -> io::Result<Output> {
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
        remove_stale(&dir, &name);
        let pid = std::process::id();
        let mut n = 0u32;
        loop {
            let tmp = dir.join(format!(".{name}.xinsheng-{pid}-{n}.tmp"));
            match create_private(&tmp) {
                Ok(f) => {
                    // Registered before anything is written: a signal removes it.
                    pending().push(tmp.clone());
                    if let Err(e) = keep_attributes(&f, old) {
                        forget(&tmp);
                        let _ = fs::remove_file(&tmp);
                        return Err(e);
                    }
                    return Ok(Output {
                        inner: Inner::File {
                            w: BufWriter::with_capacity(BUFFER_BYTES, f),
                            tmp,
                            path: path.to_path_buf(),
                        },
                    });
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
            Inner::InPlace(mut w) => w.flush(),
            Inner::File { w, tmp, path } => {
                let result = (|| {
                    let f = w.into_inner().map_err(|e| e.into_error())?;
                    f.sync_all()?;
                    drop(f);
                    fs::rename(&tmp, &path)
                })();
                forget(&tmp);
                if result.is_err() {
                    let _ = fs::remove_file(&tmp);
                }
                result
            }
            Inner::Done => Ok(()),
        }
    }
}

fn forget(tmp: &Path) {
    pending().retain(|p| p != tmp);
}

/// Create `tmp` readable by its owner only: the mode the result will have is set once
/// the file exists ([`keep_attributes`]), so results are never more open than meant.
fn create_private(tmp: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(tmp)
}

/// Give the temporary file the permission bits of the file it replaces (owner and group
/// too, where allowed), or for a new file `0666` less the umask.
fn keep_attributes(f: &File, old: Option<&fs::Metadata>) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let mode = match old {
            Some(m) => m.mode() & 0o7777,
            None => 0o666 & !current_umask(),
        };
        f.set_permissions(fs::Permissions::from_mode(mode))?;
        if let Some(m) = old {
            let mine = f.metadata()?;
            if (mine.uid(), mine.gid()) != (m.uid(), m.gid()) {
                // Only a privileged process may give a file away; others keep their own.
                let _ = std::os::unix::fs::fchown(f, Some(m.uid()), Some(m.gid()));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (f, old);
    Ok(())
}

/// The process's umask, read from `/proc/self/status` (Linux); `022` where it cannot be
/// read.
#[cfg(unix)]
fn current_umask() -> u32 {
    const USUAL_UMASK: u32 = 0o022;
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("Umask:"))?;
            u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
        })
        .unwrap_or(USUAL_UMASK)
}

/// Remove `.NAME.xinsheng-PID-N.tmp` files in `dir` whose process no longer runs (a run
/// killed by SIGKILL or a crash of the machine leaves them behind).
fn remove_stale(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.is_dir() {
        return; // No way to tell a live writer from a dead one.
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.xinsheng-");
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let Some(rest) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('-') else {
            continue;
        };
        let ours = pid.bytes().all(|b| b.is_ascii_digit()) && n.bytes().all(|b| b.is_ascii_digit());
        if ours && !pid.is_empty() && !proc.join(pid).exists() {
            let _ = fs::remove_file(e.path());
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if let Inner::File { tmp, .. } = &self.inner {
            forget(tmp);
            let _ = fs::remove_file(tmp);
        }
    }
}

impl Output {
    fn writer(&mut self) -> io::Result<&mut dyn Write> {
        match &mut self.inner {
            Inner::Stdout(w) => Ok(w),
            Inner::File { w, .. } | Inner::InPlace(w) => Ok(w),
            Inner::Done => Err(io::Error::other("output already committed")),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Inner::Done => Ok(()),
            _ => self.writer()?.flush(),
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
        assert!(pending().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_the_mode_and_follows_links() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.jsonl");
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut o = Output::file(&link).unwrap();
        o.write_all(b"new").unwrap();
        o.commit().unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn refuses_a_directory_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let e = Output::file(dir.path()).unwrap_err();
        assert_eq!(e.to_string(), "is a directory");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn removes_only_stale_temporary_files_of_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // PIDs above the kernel's maximum (4194304) never run.
        let stale = d.join(".out.jsonl.xinsheng-99999999-0.tmp");
        let live = d.join(format!(".out.jsonl.xinsheng-{}-7.tmp", std::process::id()));
        let other = d.join(".other.jsonl.xinsheng-99999999-0.tmp");
        for p in [&stale, &live, &other] {
            fs::write(p, "x").unwrap();
        }
        let o = Output::file(&d.join("out.jsonl")).unwrap();
        o.commit().unwrap();
        assert!(!stale.exists());
        assert!(live.exists() && other.exists());
    }
}
