//! Messages on stderr: per-record errors, warnings, the progress line and the summary.
//!
//! Every message starts with `xinsheng: `. Writing to stderr never panics (a closed
//! stderr is ignored).

use std::fmt::Display;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Per-record errors printed before the rest are only counted (they are all in the
/// output stream and the summary).
pub const MAX_ERRORS_SHOWN: u64 = 100;

/// An error met while producing results that is not about writing them (a thread that
/// cannot start, a full temporary folder): carried in an [`io::Error`] so that it is not
/// reported as an output error.
#[derive(Debug)]
pub struct NotOutput(pub String);

impl NotOutput {
    /// An [`io::Error`] saying `message`.
    pub fn error(message: impl Into<String>) -> io::Error {
        io::Error::other(NotOutput(message.into()))
    }

    /// Whether `e` is one of these.
    pub fn is(e: &io::Error) -> bool {
        e.get_ref().is_some_and(|inner| inner.is::<NotOutput>())
    }
}

impl std::fmt::Display for NotOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotOutput {}

/// The progress line (records/s, and percent + ETA when the input size is known).
#[derive(Debug)]
struct Progress {
    start: Instant,
    last: Instant,
    total_bytes: Option<u64>,
    shown: bool,
}

/// Writes messages to stderr.
#[derive(Debug)]
pub struct Reporter {
    quiet: bool,
    errors_shown: u64,
    errors_hidden: u64,
    max_errors_shown: u64,
    progress: Option<Progress>,
    bytes: Arc<AtomicU64>,
}

impl Default for Reporter {
    /// A quiet reporter: nothing is printed.
    fn default() -> Self {
        Reporter::new(true)
    }
}

fn stderr_line(args: std::fmt::Arguments<'_>) {
    let mut e = io::stderr().lock();
    let _ = e.write_fmt(args);
    let _ = e.write_all(b"\n");
}

impl Reporter {
    /// A reporter; `quiet` prints nothing but fatal errors (printed by the caller).
    pub fn new(quiet: bool) -> Reporter {
        Reporter {
            quiet,
            errors_shown: 0,
            errors_hidden: 0,
            max_errors_shown: MAX_ERRORS_SHOWN,
            progress: None,
            bytes: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Show a progress line (call only when stderr is a terminal); `total_bytes` is the
    /// input size when known.
    pub fn with_progress(mut self, total_bytes: Option<u64>) -> Reporter {
        if !self.quiet {
            let now = Instant::now();
            self.progress = Some(Progress {
                start: now,
                last: now,
                total_bytes: total_bytes.filter(|&t| t > 0),
                shown: false,
            });
        }
        self
    }

    /// The counter of input bytes read, updated by the reader thread.
    pub fn bytes_counter(&self) -> Arc<AtomicU64> {
        self.bytes.clone()
    }

    /// True when nothing but fatal errors is printed.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A per-record error (`file:line: reason`).
    pub fn record_error(&mut self, e: &dyn Display) {
        if self.quiet {
            return;
        }
        if self.errors_shown >= self.max_errors_shown {
            self.errors_hidden += 1;
            return;
        }
        self.errors_shown += 1;
        self.clear_progress();
        stderr_line(format_args!("xinsheng: {e}"));
    }

    /// A warning.
    pub fn warn(&mut self, msg: &dyn Display) {
        if !self.quiet {
            self.clear_progress();
            stderr_line(format_args!("xinsheng: warning: {msg}"));
        }
    }

    /// A note (the run summary).
    pub fn note(&mut self, msg: &dyn Display) {
        if !self.quiet {
            self.clear_progress();
            if self.errors_hidden > 0 {
                let n = self.errors_hidden;
                self.errors_hidden = 0;
                stderr_line(format_args!(
                    "xinsheng: … and {n} more errors (not shown; they are in the output)"
                ));
            }
            stderr_line(format_args!("xinsheng: {msg}"));
        }
    }

    /// Update the progress line (at most 4 times a second).
    pub fn tick(&mut self, records: u64) {
        let Some(p) = &mut self.progress else {
            return;
        };
        let now = Instant::now();
        if now.duration_since(p.last) < Duration::from_millis(250) {
            return;
        }
        p.last = now;
        p.shown = true;
        let secs = now.duration_since(p.start).as_secs_f64().max(1e-3);
        let rate = records as f64 / secs;
        let mut line = format!("xinsheng: {records} records, {rate:.0}/s");
        if let Some(total) = p.total_bytes {
            let done = self.bytes.load(Ordering::Relaxed).min(total);
            let frac = done as f64 / total as f64;
            line.push_str(&format!(", {:.0}%", frac * 100.0));
            if frac > 0.01 {
                let eta = (secs / frac - secs).max(0.0) as u64;
                line.push_str(&format!(", ETA {}:{:02}", eta / 60, eta % 60));
            }
        }
        let mut e = io::stderr().lock();
        let _ = write!(e, "\r\x1b[2K{line}");
        let _ = e.flush();
    }

    /// Erase the progress line.
    pub fn clear_progress(&mut self) {
        if let Some(p) = &mut self.progress {
            if p.shown {
                p.shown = false;
                let mut e = io::stderr().lock();
                let _ = write!(e, "\r\x1b[2K");
                let _ = e.flush();
            }
        }
    }
}
