//! CSV and TSV inputs with a header row.

use std::collections::VecDeque;
use std::io::{self, BufRead};
use std::sync::Arc;

use csv_core::ReadRecordResult;

use crate::encoding::LineDecoder;
use crate::fields::{FieldMap, Role};
use crate::lines::{Line, LineReader};
use crate::record::{CsvHeader, Item, Original, Record, RecordError, Source};
use crate::speaker::SpeakerMap;

/// The most physical lines one CSV record may span. A quoted field still open after this
/// many lines is taken for an unclosed quote: the record is an error and reading resumes
/// on the line after its first.
pub const MAX_CSV_RECORD_LINES: usize = 1000;

/// A physical line that a record in progress had read, kept so that reading can resume
/// on the line after the record's first when the record turns out to be broken.
enum Held {
    Line(u64, Vec<u8>),
    TooLong(u64, u64),
}

/// Why a record was broken off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unclosed {
    /// More than [`MAX_CSV_RECORD_LINES`] lines.
    Lines,
    /// More than the record byte limit.
    Bytes,
    /// A line longer than the limit came inside the quoted field.
    LongLine,
    /// The input ended inside the quoted field.
    Eof,
}

/// A CSV/TSV record parser on `csv-core`, fed one physical line at a time, so that it
/// knows the line of every record and never holds more than about twice `max` bytes: a
/// record (a quoted field) running past [`MAX_CSV_RECORD_LINES`] lines, `max` bytes or the
/// end of the input is reported at its first line, and its other lines are read again
/// as records of their own.
struct Parser<R> {
    lines: LineReader<R>,
    /// Lines to read again before reading on, in order.
    replay: VecDeque<Held>,
    core: csv_core::Reader,
    /// The line terminator fed to `core` after each line.
    term: u8,
    cur: Vec<u8>,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last record: `ends[..nfields]`.
    nfields: usize,
    max: usize,
}

/// One parsed record: its first line, or why it failed.
enum Parsed {
    Record(u64),
    TooLong(u64, u64),
    Unclosed(u64, Unclosed),
    Io(u64, io::Error),
    End,
}

/// What the next physical line is.
enum Phys {
    Line(u64),
    TooLong(u64, u64),
    Io(u64, io::Error),
    Eof,
}

/// What feeding one line did.
enum Fed {
    /// The record ended; `usize` bytes of the line were used.
    Record(usize),
    /// The record goes on (a quoted field spans the line break).
    More,
}

impl<R: BufRead> Parser<R> {
    fn new(lines: LineReader<R>, tsv: bool, cr: bool, max: usize) -> Self {
        let term = if cr { b'\r' } else { b'\n' };
        let core = csv_core::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .quoting(!tsv)
            .terminator(csv_core::Terminator::Any(term))
            .build();
        Parser {
            lines,
            replay: VecDeque::new(),
            core,
            term,
            cur: Vec::new(),
            out: vec![0; 4096],
            ends: vec![0; 64],
            nfields: 0,
            max,
        }
    }

    fn fields(&self) -> impl Iterator<Item = &[u8]> {
        let mut start = 0;
        self.ends[..self.nfields].iter().map(move |&e| {
            let f = &self.out[start..e];
            start = e;
            f
        })
    }

    /// The next physical line, into `self.cur`.
    fn next_phys(&mut self) -> Phys {
        if let Some(h) = self.replay.pop_front() {
            return match h {
                Held::Line(no, bytes) => {
                    self.cur = bytes;
                    Phys::Line(no)
                }
                Held::TooLong(no, n) => Phys::TooLong(no, n),
            };
        }
        match self.lines.next_line() {
            None => Phys::Eof,
            Some((no, Err(e))) => Phys::Io(no, e),
            Some((no, Ok(Line::TooLong(n)))) => Phys::TooLong(no, n),
            Some((no, Ok(Line::Bytes(b)))) => {
                self.cur.clear();
                self.cur.extend_from_slice(b);
                Phys::Line(no)
            }
        }
    }

    /// Feed `self.cur` and then a line terminator to the record parser.
    fn feed(&mut self, nout: &mut usize, nend: &mut usize) -> Fed {
        let term = [self.term];
        let mut used = 0;
        for (part, is_line) in [(&self.cur[..], true), (&term[..], false)] {
            // An empty input means the end to csv-core: an empty line in a quoted field
            // is its terminator alone.
            if part.is_empty() {
                continue;
            }
            let mut input = part;
            loop {
                let (res, nin, o, e) =
                    self.core
                        .read_record(input, &mut self.out[*nout..], &mut self.ends[*nend..]);
                input = &input[nin..];
                if is_line {
                    used += nin;
                }
                *nout += o;
                *nend += e;
                match res {
                    ReadRecordResult::InputEmpty => break,
                    ReadRecordResult::OutputFull => {
                        let n = self.out.len() * 2;
                        self.out.resize(n, 0);
                    }
                    ReadRecordResult::OutputEndsFull => {
                        let n = self.ends.len() * 2;
                        self.ends.resize(n, 0);
                    }
                    ReadRecordResult::Record | ReadRecordResult::End => {
                        return Fed::Record(if is_line { used } else { self.cur.len() })
                    }
                }
            }
        }
        Fed::More
    }

    /// Give the lines of a broken record after its first back, to be read again.
    fn resume_after_first(&mut self, held: Vec<Held>) {
        for h in held.into_iter().skip(1).rev() {
            self.replay.push_front(h);
        }
    }

    fn next_record(&mut self) -> Parsed {
        self.core.reset();
        self.nfields = 0;
        let (mut nout, mut nend) = (0usize, 0usize);
        // The record's first line, and its lines while it spans several.
        let mut start: Option<u64> = None;
        let mut held: Vec<Held> = Vec::new();
        let mut held_bytes = 0usize;
        loop {
            let no = match self.next_phys() {
                Phys::Line(no) => no,
                Phys::Eof => {
                    let Some(first) = start else {
                        return Parsed::End;
                    };
                    self.resume_after_first(held);
                    return Parsed::Unclosed(first, Unclosed::Eof);
                }
                Phys::Io(no, e) => return Parsed::Io(start.unwrap_or(no), e),
                Phys::TooLong(no, n) => {
                    let Some(first) = start else {
                        return Parsed::TooLong(no, n);
                    };
                    held.push(Held::TooLong(no, n));
                    self.resume_after_first(held);
                    return Parsed::Unclosed(first, Unclosed::LongLine);
                }
            };
            if start.is_none() {
                if self.cur.is_empty() {
                    continue;
                }
                start = Some(no);
            }
            match self.feed(&mut nout, &mut nend) {
                Fed::Record(used) => {
                    if used < self.cur.len() {
                        // A terminator inside the line (a mixed file): the rest of the
                        // line is read as the next record.
                        let rest = self.cur[used..].to_vec();
                        self.replay.push_front(Held::Line(no, rest));
                    }
                    self.nfields = nend;
                    return Parsed::Record(start.unwrap_or(no));
                }
                Fed::More => {
                    held_bytes += self.cur.len();
                    held.push(Held::Line(no, std::mem::take(&mut self.cur)));
                    let why = if held.len() >= MAX_CSV_RECORD_LINES {
                        Some(Unclosed::Lines)
                    } else if held_bytes > self.max {
                        Some(Unclosed::Bytes)
                    } else {
                        None
                    };
                    if let Some(why) = why {
                        self.resume_after_first(held);
                        return Parsed::Unclosed(start.unwrap_or(no), why);
                    }
                }
            }
        }
    }
}

pub(crate) struct CsvInput<R> {
    parser: Parser<R>,
    header: Arc<CsvHeader>,
    file: Arc<str>,
    decoder: LineDecoder,
    done: bool,
    /// Records read in the other encoding than the input's (see [`LineDecoder`]).
    pub other_encoding: u64,
}

impl<R: BufRead> CsvInput<R> {
    /// Read the header. `Err` is a message about the whole input; `Ok(None)` an input
    /// with no record at all. `cr`: the input's lines end with a lone `\r`.
    pub fn new(
        lines: LineReader<R>,
        tsv: bool,
        cr: bool,
        file: Arc<str>,
        decoder: LineDecoder,
        fields: &FieldMap,
        max_record_bytes: usize,
    ) -> Result<Option<CsvInput<R>>, String> {
        let encoding = decoder.encoding;
        let mut parser = Parser::new(lines, tsv, cr, max_record_bytes);
        let line = match parser.next_record() {
            Parsed::Record(line) => line,
            Parsed::End => return Ok(None),
            Parsed::TooLong(line, n) => {
                return Err(format!("line {line}: the header is {n} bytes long"))
            }
            Parsed::Unclosed(line, _) => {
                return Err(format!("line {line}: the header has an unclosed quote"))
            }
            Parsed::Io(_, e) => return Err(format!("cannot read the header: {e}")),
        };
        let mut names = Vec::new();
        for (i, f) in parser.fields().enumerate() {
            let name = encoding
                .decode(f)
                .map_err(|m| format!("line {line}: header: {m}"))?;
            let name = if i == 0 {
                name.trim_start_matches('\u{feff}')
            } else {
                &name
            };
            names.push(name.trim().to_string());
        }
        let roles = fields.resolve_header(&names);
        if roles[Role::Text as usize].is_none() {
            return Err(format!(
                "no text column in the header ({}); name it with --text-field",
                fields.describe(Role::Text)
            ));
        }
        Ok(Some(CsvInput {
            parser,
            header: Arc::new(CsvHeader::new(names, roles)),
            file,
            decoder,
            done: false,
            other_encoding: 0,
        }))
    }

    /// The next item.
    pub fn next_item(&mut self, speakers: &SpeakerMap) -> Option<Item> {
        if self.done {
            return None;
        }
        let error = |file: &Arc<str>, line: u64, m: String| {
            Some(Item::Error(RecordError::new(
                Source::new(file.clone(), line),
                m,
            )))
        };
        match self.parser.next_record() {
            Parsed::End => {
                self.done = true;
                None
            }
            Parsed::Io(line, e) => {
                self.done = true;
                error(&self.file, line, format!("read error: {e}; rest of input skipped"))
            }
            Parsed::TooLong(line, n) => error(
                &self.file,
                line,
                format!(
                    "line is {n} bytes, longer than the limit of {} bytes; skipped",
                    self.parser.max
                ),
            ),
            Parsed::Unclosed(line, why) => error(
                &self.file,
                line,
                format!(
                    "unclosed quote: the quoted field that starts on this line {}; skipped, reading goes on with the next line",
                    match why {
                        Unclosed::Lines => format!("runs past {MAX_CSV_RECORD_LINES} lines"),
                        Unclosed::Bytes => format!("runs past the limit of {} bytes", self.parser.max),
                        Unclosed::LongLine => format!("runs into a line longer than the limit of {} bytes", self.parser.max),
                        Unclosed::Eof => "runs to the end of the input".to_string(),
                    }
                ),
            ),
            Parsed::Record(line) => {
                let source = Source::new(self.file.clone(), line);
                Some(match self.build(source.clone(), speakers) {
                    Ok(r) => Item::Record(r),
                    Err(m) => Item::Error(RecordError::new(source, m)),
                })
            }
        }
    }

    fn build(&mut self, source: Source, speakers: &SpeakerMap) -> Result<Record, String> {
        let mut fields = Vec::with_capacity(self.parser.nfields);
        // The fields lie one after the other: the record's encoding is told from them all.
        let all = self.parser.ends[..self.parser.nfields]
            .last()
            .copied()
            .unwrap_or(0);
        let encoding = self.decoder.choose(&self.parser.out[..all]);
        if encoding != self.decoder.encoding {
            self.other_encoding += 1;
        }
        for (i, f) in self.parser.fields().enumerate() {
            let s = encoding.decode(f).map_err(|m| {
                let name = self.header.names.get(i).map(String::as_str).unwrap_or("?");
                format!("column {} ({name}): {m}", i + 1)
            })?;
            if let Some(p) = s.find('\0') {
                return Err(format!(
                    "binary data (NUL byte) in column {} at byte {}",
                    i + 1,
                    p + 1
                ));
            }
            fields.push(s.into_owned());
        }
        let get = |role: Role| -> Option<&str> {
            self.header
                .column(role)
                .and_then(|c| fields.get(c))
                .map(|s| s.trim())
        };
        let Some(text) = get(Role::Text) else {
            return Err(format!(
                "row has {} field(s), no text column ({})",
                fields.len(),
                self.header
                    .column(Role::Text)
                    .map(|c| self.header.names[c].as_str())
                    .unwrap_or("text")
            ));
        };
        let text = text.to_string();
        let nonempty = |role: Role| get(role).filter(|s| !s.is_empty()).map(str::to_string);
        let speaker_label = nonempty(Role::Speaker);
        let speaker = speakers.map_opt(speaker_label.as_deref());
        Ok(Record {
            source,
            call_id: nonempty(Role::Id),
            turn: nonempty(Role::Turn),
            speaker,
            speaker_label,
            time: nonempty(Role::Time),
            text,
            original: Original::Csv {
                header: self.header.clone(),
                fields,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parser(input: &[u8], tsv: bool, max: usize) -> Parser<io::BufReader<&[u8]>> {
        let lines = LineReader::new(io::BufReader::with_capacity(3, input), max);
        Parser::new(lines, tsv, false, max)
    }

    fn records(input: &str, max: usize) -> Vec<(u64, Vec<String>)> {
        let mut p = parser(input.as_bytes(), false, max);
        let mut out = Vec::new();
        loop {
            match p.next_record() {
                Parsed::Record(l) => out.push((
                    l,
                    p.fields()
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect(),
                )),
                Parsed::End => break,
                Parsed::TooLong(l, _) => out.push((l, vec!["<long>".into()])),
                Parsed::Unclosed(l, why) => out.push((l, vec![format!("<{why:?}>")])),
                Parsed::Io(..) => unreachable!(),
            }
        }
        out
    }

    fn row(line: u64, fields: &[&str]) -> (u64, Vec<String>) {
        (line, fields.iter().map(|f| f.to_string()).collect())
    }

    #[test]
    fn exact_lines() {
        let got = records("a,b\r\n1,2\r\n\r\n\"x\ny\",5\n6,7", 1 << 20);
        assert_eq!(
            got,
            [
                row(1, &["a", "b"]),
                row(2, &["1", "2"]),
                row(4, &["x\ny", "5"]),
                row(6, &["6", "7"]),
            ]
        );
        // An empty line inside a quoted field is part of it.
        let got = records("\"a\n\nb\",1\n2,3\n", 1 << 20);
        assert_eq!(got, [row(1, &["a\n\nb", "1"]), row(4, &["2", "3"])]);
    }

    #[test]
    fn long_lines() {
        let mut p = parser(b"text\n\"aaaaaaaaaaaaaaaaaaaa\"\nok\n", false, 8);
        p.out = vec![0; 2];
        assert!(matches!(p.next_record(), Parsed::Record(1)));
        assert!(matches!(p.next_record(), Parsed::TooLong(2, 22)));
        assert!(matches!(p.next_record(), Parsed::Record(3)));
        assert_eq!(p.fields().next(), Some(&b"ok"[..]));
        assert!(matches!(p.next_record(), Parsed::End));
    }

    /// Issue 15: an unclosed quote does not swallow the rest of the input.
    #[test]
    fn unclosed_quote_resumes_on_the_next_line() {
        let input = "id,text\nK,\"未闭合\nA,一\nB,二\n";
        assert_eq!(
            records(input, 1 << 20),
            [
                row(1, &["id", "text"]),
                row(2, &["<Eof>"]),
                row(3, &["A", "一"]),
                row(4, &["B", "二"]),
            ]
        );
        // Past the line limit: resumes, and a later quote pair still parses.
        let mut input = String::from("id,text\nK,\"open\n");
        for i in 0..MAX_CSV_RECORD_LINES + 5 {
            input.push_str(&format!("R{i},t\n"));
        }
        input.push_str("Q,\"a\nb\"\n");
        let got = records(&input, 1 << 20);
        assert_eq!(got[1], row(2, &["<Lines>"]));
        assert_eq!(got[2], row(3, &["R0", "t"]));
        assert_eq!(got.len(), 2 + MAX_CSV_RECORD_LINES + 5 + 1);
        assert_eq!(
            got.last().unwrap(),
            &row(MAX_CSV_RECORD_LINES as u64 + 8, &["Q", "a\nb"])
        );
        // Past the byte limit.
        let got = records("t\n\"xxxxxxxx\nyyyyyyyy\nzz,1\n", 12);
        assert_eq!(
            got,
            [
                row(1, &["t"]),
                row(2, &["<Bytes>"]),
                row(3, &["yyyyyyyy"]),
                row(4, &["zz", "1"]),
            ]
        );
        // A too-long line inside the quote: reported after the record.
        let got = records("t\n\"a\nxxxxxxxxxxxxxxxxxxxxx\nb\n", 12);
        assert_eq!(
            got,
            [
                row(1, &["t"]),
                row(2, &["<LongLine>"]),
                row(3, &["<long>"]),
                row(4, &["b"]),
            ]
        );
    }

    #[test]
    fn cr_only_lines() {
        let lines =
            LineReader::new(io::BufReader::new(&b"a,b\r1,\"x\ry\"\r2,3"[..]), 100).cr_endings();
        let mut p = Parser::new(lines, false, true, 100);
        assert!(matches!(p.next_record(), Parsed::Record(1)));
        assert!(matches!(p.next_record(), Parsed::Record(2)));
        let f: Vec<&[u8]> = p.fields().collect();
        assert_eq!(f, [&b"1"[..], &b"x\ry"[..]]);
        assert!(matches!(p.next_record(), Parsed::Record(4)));
        assert!(matches!(p.next_record(), Parsed::End));
    }
}
