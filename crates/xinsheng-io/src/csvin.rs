//! CSV and TSV inputs with a header row.

use std::io::{self, Read};
use std::sync::Arc;

use csv_core::ReadRecordResult;

use crate::encoding::TextEncoding;
use crate::fields::{FieldMap, Role};
use crate::record::{CsvHeader, Item, Original, Record, RecordError, Source};
use crate::speaker::SpeakerMap;

/// A CSV/TSV record parser over any reader, on `csv-core` so that it knows the exact
/// line of every record and never holds more than `max` bytes of one record (a longer
/// record, e.g. after an unterminated quote, is parsed through and reported, not kept).
struct Parser<R> {
    inner: R,
    core: csv_core::Reader,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    eof: bool,
    /// Current line (1-based) at `pos`.
    line: u64,
    out: Vec<u8>,
    ends: Vec<usize>,
    /// Fields of the last record: `ends[..nfields]`.
    nfields: usize,
    max: usize,
}

/// One parsed record: its first line, or why it failed.
enum Parsed {
    Record(u64),
    TooLong(u64, usize),
    Io(u64, io::Error),
    End,
}

impl<R: Read> Parser<R> {
    fn new(inner: R, tsv: bool, max: usize) -> Self {
        let core = csv_core::ReaderBuilder::new()
            .delimiter(if tsv { b'\t' } else { b',' })
            .quoting(!tsv)
            .build();
        Parser {
            inner,
            core,
            buf: vec![0; 64 * 1024],
            pos: 0,
            len: 0,
            eof: false,
            line: 1,
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

    fn next_record(&mut self) -> Parsed {
        let mut nout = 0;
        let mut nend = 0;
        let mut started: Option<u64> = None;
        let mut too_long = 0usize;
        loop {
            if self.pos == self.len && !self.eof {
                match self.inner.read(&mut self.buf) {
                    Ok(0) => self.eof = true,
                    Ok(n) => {
                        self.pos = 0;
                        self.len = n;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        self.eof = true;
                        self.pos = 0;
                        self.len = 0;
                        return Parsed::Io(started.unwrap_or(self.line), e);
                    }
                }
            }
            let input = &self.buf[self.pos..self.len];
            let (res, nin, o, e) =
                self.core
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            // Lines: a record starts at its first byte that is not a line break.
            for &b in &input[..nin] {
                if started.is_none() && b != b'\n' && b != b'\r' {
                    started = Some(self.line);
                }
                if b == b'\n' {
                    self.line += 1;
                }
            }
            self.pos += nin;
            nout += o;
            nend += e;
            match res {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if self.out.len() >= self.max {
                        // Keep parsing, drop the bytes.
                        too_long += nout;
                        nout = 0;
                        nend = 0;
                    } else {
                        let n = (self.out.len() * 2).min(self.max.max(1));
                        self.out.resize(n, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if self.ends.len() >= 1 << 20 {
                        too_long += nout;
                        nout = 0;
                        nend = 0;
                    } else {
                        let n = self.ends.len() * 2;
                        self.ends.resize(n, 0);
                    }
                }
                ReadRecordResult::Record => {
                    let line = started.unwrap_or(self.line);
                    if too_long > 0 {
                        self.nfields = 0;
                        return Parsed::TooLong(line, too_long + nout);
                    }
                    self.nfields = nend;
                    return Parsed::Record(line);
                }
                ReadRecordResult::End => return Parsed::End,
            }
        }
    }
}

pub(crate) struct CsvInput<R> {
    parser: Parser<R>,
    header: Arc<CsvHeader>,
    file: Arc<str>,
    encoding: TextEncoding,
    done: bool,
}

impl<R: Read> CsvInput<R> {
    /// Read the header. `Err` is a message about the whole input; `Ok(None)` an input
    /// with no record at all.
    pub fn new(
        inner: R,
        tsv: bool,
        file: Arc<str>,
        encoding: TextEncoding,
        fields: &FieldMap,
        max_record_bytes: usize,
    ) -> Result<Option<CsvInput<R>>, String> {
        let mut parser = Parser::new(inner, tsv, max_record_bytes);
        let line = match parser.next_record() {
            Parsed::Record(line) => line,
            Parsed::End => return Ok(None),
            Parsed::TooLong(line, n) => {
                return Err(format!("line {line}: the header is {n} bytes long"))
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
            encoding,
            done: false,
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
                    "record is {n} bytes, longer than the limit of {} bytes (an unterminated quote?); skipped",
                    self.parser.max
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

    fn build(&self, source: Source, speakers: &SpeakerMap) -> Result<Record, String> {
        let mut fields = Vec::with_capacity(self.parser.nfields);
        for (i, f) in self.parser.fields().enumerate() {
            let s = self.encoding.decode(f).map_err(|m| {
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

    fn lines(input: &str, tsv: bool) -> Vec<(u64, Vec<String>)> {
        let mut p = Parser::new(input.as_bytes(), tsv, 1 << 20);
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
                Parsed::Io(..) => unreachable!(),
            }
        }
        out
    }

    #[test]
    fn exact_lines() {
        let got = lines("a,b\r\n1,2\r\n\r\n\"x\ny\",5\n6,7", false);
        let want: Vec<(u64, Vec<String>)> = vec![
            (1, vec!["a".into(), "b".into()]),
            (2, vec!["1".into(), "2".into()]),
            (4, vec!["x\ny".into(), "5".into()]),
            (6, vec!["6".into(), "7".into()]),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn small_buffers_and_long_records() {
        let mut p = Parser::new(&b"text\n\"aaaaaaaaaaaaaaaaaaaa\"\nok\n"[..], false, 8);
        p.buf = vec![0; 3];
        p.out = vec![0; 2];
        assert!(matches!(p.next_record(), Parsed::Record(1)));
        assert!(matches!(p.next_record(), Parsed::TooLong(2, 20)));
        assert!(matches!(p.next_record(), Parsed::Record(3)));
        assert_eq!(p.fields().next(), Some(&b"ok"[..]));
        assert!(matches!(p.next_record(), Parsed::End));
    }
}
