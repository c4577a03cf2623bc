//! The records that could not be read, kept in input order for outputs written at the
//! end of the run (the `flag` worklist is ranked, so its errors follow it): in memory up
//! to [`ERROR_SPILL_BYTES`], then appended to an anonymous temporary file.

use std::fs::File;
use std::io;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xinsheng_io::{RecordError, Source};

use crate::spill::{RunReader, RunWriter};

/// Default bytes of error records kept in memory before they go to a temporary file.
pub const ERROR_SPILL_BYTES: usize = 4 << 20;

/// Bytes counted per error besides its strings.
const OVERHEAD: usize = 64;

const WHAT: &str = "flag (error records)";
const HINT: &str = "set TMPDIR to a directory with room";

#[derive(Serialize, Deserialize)]
struct Stored {
    file: String,
    line: u64,
    message: String,
}

/// Error records in input order (see the module).
#[derive(Debug)]
pub struct ErrorLog {
    memory: Vec<RecordError>,
    bytes: usize,
    spill_bytes: usize,
    writer: Option<RunWriterBox>,
    file: Option<File>,
    len: u64,
}

/// A [`RunWriter`] with a `Debug` that says nothing.
struct RunWriterBox(RunWriter);

impl std::fmt::Debug for RunWriterBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunWriter")
    }
}

impl Default for ErrorLog {
    fn default() -> Self {
        ErrorLog::with_spill_bytes(ERROR_SPILL_BYTES)
    }
}

impl ErrorLog {
    /// A log that spills past `bytes` bytes.
    pub fn with_spill_bytes(bytes: usize) -> ErrorLog {
        ErrorLog {
            memory: Vec::new(),
            bytes: 0,
            spill_bytes: bytes,
            writer: None,
            file: None,
            len: 0,
        }
    }

    /// Errors logged.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// No error was logged.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Log an error (after those logged before).
    pub fn push(&mut self, e: &RecordError) -> io::Result<()> {
        self.len += 1;
        self.bytes += OVERHEAD + e.message.len() + e.source.file.len();
        self.memory.push(e.clone());
        if self.bytes >= self.spill_bytes {
            if self.writer.is_none() {
                self.writer = Some(RunWriterBox(RunWriter::new(WHAT, HINT)?));
            }
            if let Some(w) = &mut self.writer {
                for e in self.memory.drain(..) {
                    w.0.push(&Stored {
                        file: e.source.file.to_string(),
                        line: e.source.line,
                        message: e.message,
                    })?;
                }
            }
            self.bytes = 0;
        }
        Ok(())
    }

    /// Visit the errors in the order logged; may be called again.
    pub fn for_each(
        &mut self,
        mut visit: impl FnMut(&RecordError) -> io::Result<()>,
    ) -> io::Result<()> {
        if let Some(w) = self.writer.take() {
            self.file = Some(w.0.finish()?);
        }
        if let Some(f) = &self.file {
            let mut r = RunReader::new(f, WHAT)?;
            let mut name: Arc<str> = Arc::from("");
            while let Some(s) = r.read::<Stored>()? {
                if *name != *s.file {
                    name = Arc::from(s.file);
                }
                visit(&RecordError::new(
                    Source::new(name.clone(), s.line),
                    s.message,
                ))?;
            }
        }
        self.memory.iter().try_for_each(visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_come_back_in_order_spilled_or_not() {
        let errors: Vec<RecordError> = (1..=500u64)
            .map(|i| RecordError::new(Source::new("a.jsonl".into(), i), format!("bad {i}")))
            .collect();
        for spill in [1, 1000, ERROR_SPILL_BYTES] {
            let mut log = ErrorLog::with_spill_bytes(spill);
            for e in &errors {
                log.push(e).unwrap();
            }
            assert_eq!(log.len(), 500);
            for _ in 0..2 {
                let mut got = Vec::new();
                log.for_each(|e| {
                    got.push(e.clone());
                    Ok(())
                })
                .unwrap();
                assert_eq!(got, errors, "spill {spill}");
            }
        }
    }
}
