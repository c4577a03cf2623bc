//! A top-level JSON array of objects (`[{…}, {…}]`, pretty-printed or on one line) read
//! one element at a time: memory holds one element (at most the record byte limit),
//! never the whole array.
//!
//! Each element is handed on compacted (white space outside strings dropped), so that it
//! reads like a JSON line, with the line it starts on. After the closing `]`, the rest of
//! the input is read as JSON lines.

use std::io::{self, BufRead};

/// What [`ArrayReader::next`] found.
pub(crate) enum Element<'a> {
    /// An element (compacted) and its first line.
    Value(u64, &'a [u8]),
    /// An element longer than the limit (its byte count), skipped.
    TooLong(u64, u64),
    /// Not an element: a syntax problem at a line.
    Error(u64, String),
    /// A read error: the rest of the input is skipped.
    Io(u64, io::Error),
    /// The array is closed; the rest is JSON lines, from this line on.
    Closed(u64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the `[`.
    Start,
    /// After `[`: an element or `]`.
    First,
    /// After an element: `,` or `]`.
    After,
    /// After `,`: an element.
    Element,
    /// After a broken element: skipping to a line that starts with `{`.
    Resync,
    Done,
}

/// Reads the elements of a JSON array from a [`BufRead`].
pub(crate) struct ArrayReader<R> {
    inner: R,
    /// The line of the next byte (1-based).
    line: u64,
    /// The line terminator, counted for line numbers.
    end: u8,
    /// GB18030 input: a byte from 0x81 up is followed by one that is not syntax.
    gb: bool,
    state: State,
    buf: Vec<u8>,
    max: usize,
    /// In [`State::Resync`]: only white space so far on this line.
    line_start: bool,
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<R: BufRead> ArrayReader<R> {
    pub fn new(inner: R, end: u8, gb: bool, max: usize) -> Self {
        ArrayReader {
            inner,
            line: 1,
            end,
            gb,
            state: State::Start,
            buf: Vec::new(),
            max,
            line_start: false,
        }
    }

    /// The reader, positioned after the closing `]`.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The next byte that is not white space (not consumed); `Ok(None)` at the end.
    fn peek(&mut self) -> io::Result<Option<u8>> {
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                return Ok(None);
            }
            let mut i = 0;
            while i < avail.len() && is_ws(avail[i]) {
                if avail[i] == self.end {
                    self.line += 1;
                }
                i += 1;
            }
            if i < avail.len() {
                let b = avail[i];
                self.inner.consume(i);
                return Ok(Some(b));
            }
            let n = avail.len();
            self.inner.consume(n);
        }
    }

    /// After the closing `]`: skip the white space and line break that end its line.
    fn finish_line(&mut self) -> io::Result<()> {
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let Some(&b) = avail.first() else {
                return Ok(());
            };
            if !is_ws(b) {
                return Ok(());
            }
            self.inner.consume(1);
            if b == self.end {
                self.line += 1;
                return Ok(());
            }
        }
    }

    /// Skip to the next line whose first byte that is not white space is `{`.
    fn resync(&mut self) -> io::Result<bool> {
        loop {
            let avail = self.inner.fill_buf()?;
            if avail.is_empty() {
                return Ok(false);
            }
            let mut i = 0;
            while i < avail.len() {
                let b = avail[i];
                if b == self.end {
                    self.line += 1;
                    self.line_start = true;
                } else if self.line_start && !is_ws(b) {
                    if b == b'{' {
                        self.inner.consume(i);
                        return Ok(true);
                    }
                    self.line_start = false;
                }
                i += 1;
            }
            let n = avail.len();
            self.inner.consume(n);
        }
    }

    /// The next element, error or the close of the array; `None` at the end.
    pub fn next(&mut self) -> Option<Element<'_>> {
        loop {
            if self.state == State::Done {
                return None;
            }
            if self.state == State::Resync {
                match self.resync() {
                    Ok(true) => self.state = State::Element,
                    Ok(false) => {
                        self.state = State::Done;
                        return None;
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return Some(Element::Io(self.line, e));
                    }
                }
            }
            let b = match self.peek() {
                Err(e) => {
                    self.state = State::Done;
                    return Some(Element::Io(self.line, e));
                }
                Ok(None) => {
                    let open = self.state != State::Start;
                    self.state = State::Done;
                    return open.then(|| {
                        Element::Error(
                            self.line,
                            "the JSON array is not closed (`]` missing at the end)".to_string(),
                        )
                    });
                }
                Ok(Some(b)) => b,
            };
            match (self.state, b) {
                (State::Start, _) => {
                    // The reader is made for inputs that start with `[`.
                    self.inner.consume(1);
                    self.state = State::First;
                }
                (State::First | State::After | State::Element, b']') => {
                    self.inner.consume(1);
                    self.state = State::Done;
                    if let Err(e) = self.finish_line() {
                        return Some(Element::Io(self.line, e));
                    }
                    return Some(Element::Closed(self.line));
                }
                (State::After, b',') => {
                    self.inner.consume(1);
                    self.state = State::Element;
                }
                (State::After, _) => {
                    self.state = State::Element;
                    return Some(Element::Error(
                        self.line,
                        "expected `,` or `]` after an array element".to_string(),
                    ));
                }
                (State::First | State::Element, b',') => {
                    self.inner.consume(1);
                    self.state = State::Element;
                    return Some(Element::Error(self.line, "empty array element".to_string()));
                }
                (State::First | State::Element, _) => return Some(self.element()),
                (State::Resync | State::Done, _) => unreachable!("handled above"),
            }
        }
    }

    /// Scan one element, from its first byte.
    fn element(&mut self) -> Element<'_> {
        let start = self.line;
        self.buf.clear();
        let mut size: u64 = 0;
        let mut depth = 0usize;
        let (mut in_str, mut esc, mut gb_skip) = (false, false, false);
        loop {
            let avail = match self.inner.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.state = State::Done;
                    return Element::Io(self.line, e);
                }
            };
            if avail.is_empty() {
                if depth == 0 && !in_str && size > 0 {
                    break;
                }
                self.state = State::Done;
                return Element::Error(
                    start,
                    "the input ends inside this array element (an unclosed `{`, `[` or string)"
                        .to_string(),
                );
            }
            let mut i = 0;
            let mut done = false;
            while i < avail.len() {
                let b = avail[i];
                if gb_skip {
                    gb_skip = false;
                } else if in_str {
                    if esc {
                        esc = false;
                    } else if b == b'\\' {
                        esc = true;
                    } else if b == b'"' {
                        in_str = false;
                        if depth == 0 {
                            done = true;
                        }
                    } else if b == b'\n' || b == b'\r' {
                        // JSON strings hold no raw line break: the string is not closed.
                        self.inner.consume(i);
                        self.state = State::Resync;
                        self.line_start = false;
                        return Element::Error(
                            start,
                            "unterminated string in this array element; skipped".to_string(),
                        );
                    } else if self.gb && b >= 0x81 {
                        gb_skip = true;
                    }
                } else if is_ws(b) {
                    if b == self.end {
                        self.line += 1;
                    }
                    i += 1;
                    if depth == 0 && size > 0 {
                        done = true;
                        break;
                    }
                    continue;
                } else {
                    match b {
                        b'"' => in_str = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' if depth == 0 => {
                            done = true;
                            break;
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            done = depth == 0;
                        }
                        b',' if depth == 0 => {
                            done = true;
                            break;
                        }
                        _ if self.gb && b >= 0x81 => gb_skip = true,
                        _ => {}
                    }
                }
                size += 1;
                if size <= self.max as u64 {
                    self.buf.push(b);
                }
                i += 1;
                if done {
                    break;
                }
            }
            self.inner.consume(i);
            if done {
                break;
            }
        }
        self.state = State::After;
        if size > self.max as u64 {
            self.buf = Vec::new();
            return Element::TooLong(start, size);
        }
        Element::Value(start, &self.buf)
    }
}

/// True when `head` (the first bytes of an input, without a BOM) starts a JSON array of
/// objects: `[`, then `{` or `]` after white space.
pub(crate) fn starts_array(head: &[u8]) -> bool {
    let mut it = head.iter().copied().filter(|b| !is_ws(*b));
    it.next() == Some(b'[') && matches!(it.next(), Some(b'{') | Some(b']') | None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(input: &str, max: usize) -> Vec<String> {
        let mut r = ArrayReader::new(
            io::BufReader::with_capacity(4, input.as_bytes()),
            b'\n',
            false,
            max,
        );
        let mut out = Vec::new();
        while let Some(e) = r.next() {
            out.push(match e {
                Element::Value(l, b) => format!("{l} {}", String::from_utf8_lossy(b)),
                Element::TooLong(l, n) => format!("{l} <{n}>"),
                Element::Error(l, m) => format!("{l} ERR {m}"),
                Element::Io(l, e) => format!("{l} IO {e}"),
                Element::Closed(l) => format!("{l} ]"),
            });
        }
        out
    }

    #[test]
    fn pretty_printed_array() {
        let input = "[\n  {\n    \"text\": \"a b, [c]\",\n    \"n\": [1, 2]\n  },\n  {\"text\": \"\\\"q\\\"\"}\n]\n";
        assert_eq!(
            all(input, 100),
            [
                "2 {\"text\":\"a b, [c]\",\"n\":[1,2]}",
                "6 {\"text\":\"\\\"q\\\"\"}",
                "8 ]"
            ]
        );
        assert_eq!(all("[]", 100), ["1 ]"]);
        assert_eq!(
            all("[1, \"x\" ,{}]", 100),
            ["1 1", "1 \"x\"", "1 {}", "1 ]"]
        );
    }

    #[test]
    fn broken_arrays() {
        // Missing comma, empty element, not closed.
        assert_eq!(
            all("[{\"a\":1}\n{\"b\":2},,\n{\"c\":3}", 100),
            [
                "1 {\"a\":1}",
                "2 ERR expected `,` or `]` after an array element",
                "2 {\"b\":2}",
                "2 ERR empty array element",
                "3 {\"c\":3}",
                "3 ERR the JSON array is not closed (`]` missing at the end)"
            ]
        );
        // An unterminated string: the element is an error, the next one is read.
        assert_eq!(
            all(
                "[\n{\"text\": \"abc,\n \"x\": 1},\n{\"text\":\"ok\"}\n]",
                100
            ),
            [
                "2 ERR unterminated string in this array element; skipped",
                "4 {\"text\":\"ok\"}",
                "5 ]"
            ]
        );
        // Too long, then fine; the end inside an element.
        assert_eq!(
            all("[{\"t\":\"0123456789\"},{\"t\":1}]", 10),
            ["1 <18>", "1 {\"t\":1}", "1 ]"]
        );
        assert_eq!(
            all("[{\"t\":[1,", 100),
            ["1 ERR the input ends inside this array element (an unclosed `{`, `[` or string)"]
        );
    }

    #[test]
    fn gb18030_trail_bytes_are_not_syntax() {
        // 乗 is 81 5C in GB18030: its second byte is a backslash.
        let (bytes, _, _) = encoding_rs::GB18030.encode("[{\"t\":\"乗\"},{\"t\":\"x\"}]");
        assert!(bytes.windows(2).any(|w| w == [0x81, 0x5C]));
        let mut r = ArrayReader::new(&bytes[..], b'\n', true, 100);
        let mut n = 0;
        while let Some(e) = r.next() {
            if let Element::Value(..) = e {
                n += 1;
            }
        }
        assert_eq!(n, 2);
    }

    #[test]
    fn detection() {
        assert!(starts_array(b"[\n  {\"a\":1}"));
        assert!(starts_array(b" [ ]"));
        assert!(!starts_array(b"[00:01] x"));
        assert!(!starts_array(b"{\"a\":1}"));
    }
}
