//! Byte lines with a length bound.

use std::io::{self, BufRead};

/// One line read by [`LineReader`].
pub(crate) enum Line<'a> {
    /// The line's bytes, without `\n` or `\r\n`.
    Bytes(&'a [u8]),
    /// The line was longer than the bound; its bytes were skipped.
    TooLong(u64),
}

/// Reads `\n`-terminated lines (or `\r`-terminated ones, for files from old Macs),
/// holding at most `max` bytes of one line in memory.
pub(crate) struct LineReader<R> {
    inner: R,
    buf: Vec<u8>,
    max: usize,
    /// The line terminator: `\n` (a `\r` before it is dropped) or `\r` (a `\n` after
    /// it is dropped).
    end: u8,
    /// 1-based number of the line last returned.
    line_no: u64,
    done: bool,
}

impl<R: BufRead> LineReader<R> {
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            buf: Vec::new(),
            max,
            end: b'\n',
            line_no: 0,
            done: false,
        }
    }

    /// Number the lines from `first` on (the first line read is line `first`).
    pub fn first_line(mut self, first: u64) -> Self {
        self.line_no = first.saturating_sub(1);
        self
    }

    /// Split lines at a lone `\r` instead of `\n` (CR-only line endings).
    pub fn cr_endings(mut self) -> Self {
        self.end = b'\r';
        self
    }

    /// The next line and its 1-based number, `None` at the end. After an I/O error the
    /// reader is done.
    pub fn next_line(&mut self) -> Option<(u64, io::Result<Line<'_>>)> {
        if self.done {
            return None;
        }
        self.buf.clear();
        let mut total: u64 = 0;
        let mut saw_any = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.done = true;
                    self.line_no += 1;
                    return Some((self.line_no, Err(e)));
                }
            };
            if available.is_empty() {
                self.done = true;
                if !saw_any {
                    return None;
                }
                break;
            }
            saw_any = true;
            let (chunk, used, end) = match memchr::memchr(self.end, available) {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            total += chunk.len() as u64;
            if total <= self.max as u64 {
                self.buf.extend_from_slice(chunk);
            } else if !self.buf.is_empty() {
                // Over the bound: drop what was kept, keep counting.
                self.buf = Vec::new();
            }
            self.inner.consume(used);
            if end {
                break;
            }
        }
        self.line_no += 1;
        if total > self.max as u64 {
            return Some((self.line_no, Ok(Line::TooLong(total))));
        }
        let mut line = &self.buf[..];
        if self.end == b'\n' {
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
        } else if line.first() == Some(&b'\n') {
            line = &line[1..];
        }
        Some((self.line_no, Ok(Line::Bytes(line))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(input: &[u8], max: usize, cap: usize) -> Vec<String> {
        collect_mode(input, max, cap, false)
    }

    fn collect_mode(input: &[u8], max: usize, cap: usize, cr: bool) -> Vec<String> {
        let r = io::BufReader::with_capacity(cap, input);
        let mut lr = LineReader::new(r, max);
        if cr {
            lr = lr.cr_endings();
        }
        let mut out = Vec::new();
        while let Some((_, l)) = lr.next_line() {
            out.push(match l.unwrap() {
                Line::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                Line::TooLong(n) => format!("<{n}>"),
            });
        }
        out
    }

    #[test]
    fn splits_lines() {
        assert_eq!(collect(b"a\r\nbb\n\nccc", 100, 2), ["a", "bb", "", "ccc"]);
        assert_eq!(collect(b"a\n", 100, 1), ["a"]);
        assert!(collect(b"", 100, 4).is_empty());
    }

    #[test]
    fn bounds_long_lines() {
        assert_eq!(
            collect(b"short\n0123456789abc\nok", 8, 3),
            ["short", "<13>", "ok"]
        );
    }

    #[test]
    fn cr_only_endings() {
        assert_eq!(
            collect_mode(b"a\rbb\r\rccc", 100, 2, true),
            ["a", "bb", "", "ccc"]
        );
        // CRLF read in CR mode still gives the lines (and a blank one at the end).
        assert_eq!(collect_mode(b"a\r\nbb\r\n", 100, 1, true), ["a", "bb", ""]);
        // In LF mode a lone CR is part of the line.
        assert_eq!(collect(b"a\rb\n", 100, 3), ["a\rb"]);
    }
}
