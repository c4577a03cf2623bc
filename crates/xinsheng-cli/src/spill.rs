//! Spilling to disk: anonymous temporary files written and read back as JSON lines.
//!
//! The `flag` worklist ([`crate::worklist`]), the regrouping of interleaved calls
//! ([`crate::regroup`]) and the error records kept for the end of `flag`
//! ([`crate::errlog`]) hold a bounded number of bytes in memory and write the rest here.
//! The files are anonymous (unlinked at creation): nothing is left behind, however the
//! run ends.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// An anonymous temporary file in `$TMPDIR`; `what` says what it is for and `hint` what to
/// do when it cannot be made (they open the error message).
pub fn temp_file(what: &str, hint: &str) -> io::Result<File> {
    tempfile::tempfile().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "{what}: cannot create a temporary file in {} ({hint}): {e}",
                std::env::temp_dir().display()
            ),
        )
    })
}

/// Capacity of a reader's line buffer kept from one line to the next.
const LINE_KEPT: usize = 64 << 10;

/// Writes values, one JSON line each, to a temporary file.
pub struct RunWriter {
    w: BufWriter<File>,
    what: &'static str,
}

impl RunWriter {
    /// A writer on a new temporary file (see [`temp_file`]).
    pub fn new(what: &'static str, hint: &str) -> io::Result<RunWriter> {
        Ok(RunWriter {
            w: BufWriter::new(temp_file(what, hint)?),
            what,
        })
    }

    /// Append one value.
    pub fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.w, value).map_err(|e| {
            io::Error::new(
                e.io_error_kind().unwrap_or(io::ErrorKind::Other),
                format!("{}: writing a temporary file: {e}", self.what),
            )
        })?;
        self.w.write_all(b"\n")
    }

    /// Append raw bytes (read back with [`RunReader::bytes`], given their length): a long
    /// text read back this way costs its length once, not its JSON line and its copy.
    pub fn push_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.w.write_all(bytes)
    }

    /// The file, flushed (read it with [`RunReader::new`]).
    pub fn finish(self) -> io::Result<File> {
        self.w.into_inner().map_err(|e| e.into_error())
    }
}

/// Reads back, from the start, what a [`RunWriter`] wrote.
pub struct RunReader {
    r: BufReader<File>,
    line: String,
    what: &'static str,
}

impl RunReader {
    /// A reader from the start of `file` (which stays usable: it can be read again).
    pub fn new(file: &File, what: &'static str) -> io::Result<RunReader> {
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        Ok(RunReader {
            r: BufReader::new(file),
            line: String::new(),
            what,
        })
    }

    /// The next value, `None` at the end.
    pub fn read<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        self.line.clear();
        if self.r.read_line(&mut self.line)? == 0 {
            return Ok(None);
        }
        let value = serde_json::from_str(&self.line).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{}: a temporary file does not read back: {e}", self.what),
            )
        });
        // A long line's buffer is not kept.
        if self.line.capacity() > LINE_KEPT {
            self.line = String::new();
        }
        value
    }

    /// `n` raw bytes written with [`RunWriter::push_bytes`].
    pub fn bytes(&mut self, n: usize) -> io::Result<Vec<u8>> {
        let mut buf = vec![0; n];
        self.r.read_exact(&mut buf)?;
        Ok(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_in_order_and_twice() {
        let mut w = RunWriter::new("test", "none").unwrap();
        for i in 0..1000u32 {
            w.push(&(i, format!("第{i}行\n\"引号\""))).unwrap();
        }
        let f = w.finish().unwrap();
        for _ in 0..2 {
            let mut r = RunReader::new(&f, "test").unwrap();
            let mut n = 0u32;
            while let Some((i, s)) = r.read::<(u32, String)>().unwrap() {
                assert_eq!(i, n);
                assert_eq!(s, format!("第{i}行\n\"引号\""));
                n += 1;
            }
            assert_eq!(n, 1000);
        }
        // Raw bytes between values.
        let mut w = RunWriter::new("test", "none").unwrap();
        w.push(&1u8).unwrap();
        w.push_bytes("一\n二".as_bytes()).unwrap();
        w.push(&2u8).unwrap();
        let f = w.finish().unwrap();
        let mut r = RunReader::new(&f, "test").unwrap();
        assert_eq!(r.read::<u8>().unwrap(), Some(1));
        assert_eq!(r.bytes(7).unwrap(), "一\n二".as_bytes());
        assert_eq!(r.read::<u8>().unwrap(), Some(2));
        assert_eq!(r.read::<u8>().unwrap(), None);
    }
}
