//! Writers for scored records: JSONL, CSV and an aligned table.
//!
//! A [`RecordFormat`] renders one record into bytes with `&self`, so records can be
//! rendered in parallel and written in order; a [`FormatWriter`] couples a format with
//! any [`Write`] (wrap files and stdout in a [`std::io::BufWriter`]).
//!
//! * JSONL: the original record, untouched, plus an `xinsheng` key holding the
//!   `UtteranceAnalysis` and `"source": "file:line"`; an error is
//!   `{"error": "file:line: reason", "source": "file:line"}`.
//! * CSV: the original columns plus `emotion, polarity, valence, intensity, risk, level,
//!   cues, agent, source, error`.
//! * Table: one aligned line per record for a terminal.

use std::borrow::Cow;
use std::io::{self, Write};
use std::sync::Arc;

use serde::Serialize;
use xinsheng::UtteranceAnalysis;

use crate::fields::Role;
use crate::record::{CsvHeader, Original, Record, RecordError, Source};

/// Something that writes scored records and errors, in order.
pub trait RecordWriter {
    /// Write a scored record.
    fn scored(&mut self, record: &Record, analysis: &UtteranceAnalysis) -> io::Result<()>;
    /// Write an error record.
    fn error(&mut self, error: &RecordError) -> io::Result<()>;
    /// Flush what is buffered (call once at the end).
    fn finish(&mut self) -> io::Result<()>;
}

/// Renders records as bytes. `start` is called once, before anything else; `scored` and
/// `error` take `&self` and may run on many threads at once.
pub trait RecordFormat: Send + Sync {
    /// Bytes that come first (a header), given the run's first item: its record, or
    /// `None` when it is an error.
    fn start(&mut self, first: Option<&Record>, out: &mut Vec<u8>);
    /// Render a scored record (with its line end).
    fn scored(&self, record: &Record, analysis: &UtteranceAnalysis, out: &mut Vec<u8>);
    /// Render an error record (with its line end).
    fn error(&self, error: &RecordError, out: &mut Vec<u8>);
    /// Render a scored record whose text was analysed only in part, its first
    /// `analysed_chars` characters (the `xinsheng` command caps the analysed length of
    /// one record): JSONL adds `"truncated": true, "analysed_chars": N` to the
    /// `xinsheng` object; by default, as [`RecordFormat::scored`].
    fn scored_cut(
        &self,
        record: &Record,
        analysis: &UtteranceAnalysis,
        analysed_chars: usize,
        out: &mut Vec<u8>,
    ) {
        let _ = analysed_chars;
        self.scored(record, analysis, out)
    }
}

impl<F: RecordFormat + ?Sized> RecordFormat for Box<F> {
    fn start(&mut self, first: Option<&Record>, out: &mut Vec<u8>) {
        (**self).start(first, out)
    }
    fn scored(&self, record: &Record, analysis: &UtteranceAnalysis, out: &mut Vec<u8>) {
        (**self).scored(record, analysis, out)
    }
    fn error(&self, error: &RecordError, out: &mut Vec<u8>) {
        (**self).error(error, out)
    }
    fn scored_cut(
        &self,
        record: &Record,
        analysis: &UtteranceAnalysis,
        analysed_chars: usize,
        out: &mut Vec<u8>,
    ) {
        (**self).scored_cut(record, analysis, analysed_chars, out)
    }
}

/// The output formats of scored records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScoreFormat {
    /// One JSON object per line.
    Jsonl,
    /// CSV with a header row.
    Csv,
    /// CSV for spreadsheets such as Excel: [`ScoreFormat::Csv`] after a UTF-8 byte-order
    /// mark (without one Excel reads UTF-8 Chinese as mojibake), text cells that a
    /// spreadsheet would run as a formula prefixed with `'` (see [`excel_field`]).
    Excel,
    /// An aligned table for terminals.
    Table,
}

/// The renderer of a format.
pub fn record_format(format: ScoreFormat) -> Box<dyn RecordFormat> {
    match format {
        ScoreFormat::Jsonl => Box::new(Jsonl),
        ScoreFormat::Csv => Box::new(Csv::default()),
        ScoreFormat::Excel => Box::new(Csv::excel()),
        ScoreFormat::Table => Box::new(Table::default()),
    }
}

/// A writer for `format` over `w`.
pub fn score_writer<'w, W: Write + Send + 'w>(
    format: ScoreFormat,
    w: W,
) -> Box<dyn RecordWriter + Send + 'w> {
    Box::new(FormatWriter::with_format(record_format(format), w))
}

/// A [`RecordFormat`] writing to a [`Write`].
#[derive(Debug)]
pub struct FormatWriter<F, W> {
    format: F,
    w: W,
    started: bool,
    buf: Vec<u8>,
}

impl<F: RecordFormat, W: Write> FormatWriter<F, W> {
    /// A writer of `format` over `w`.
    pub fn with_format(format: F, w: W) -> Self {
        FormatWriter {
            format,
            w,
            started: false,
            buf: Vec::with_capacity(4096),
        }
    }

    /// The inner writer.
    pub fn into_inner(self) -> W {
        self.w
    }

    fn start(&mut self, first: Option<&Record>) {
        if !self.started {
            self.started = true;
            self.format.start(first, &mut self.buf);
        }
    }

    fn flush_buf(&mut self) -> io::Result<()> {
        self.w.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl<F: RecordFormat, W: Write> RecordWriter for FormatWriter<F, W> {
    fn scored(&mut self, record: &Record, analysis: &UtteranceAnalysis) -> io::Result<()> {
        self.start(Some(record));
        self.format.scored(record, analysis, &mut self.buf);
        self.flush_buf()
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        self.start(None);
        self.format.error(error, &mut self.buf);
        self.flush_buf()
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush_buf()?;
        self.w.flush()
    }
}

/// JSONL: the original record plus an `xinsheng` key.
#[derive(Debug, Clone, Copy, Default)]
pub struct Jsonl;

/// A JSONL writer.
pub type JsonlWriter<W> = FormatWriter<Jsonl, W>;

impl<W: Write> FormatWriter<Jsonl, W> {
    /// A JSONL writer over `w`.
    pub fn new(w: W) -> Self {
        FormatWriter::with_format(Jsonl, w)
    }
}

/// `{"error": "...", "source": "..."}`.
#[derive(Serialize)]
struct ErrorOut<'a> {
    error: String,
    source: &'a Source,
}

/// Write an error record as one JSON line.
pub fn write_error_json<W: Write>(w: &mut W, e: &RecordError) -> io::Result<()> {
    let mut buf = Vec::new();
    Jsonl.error(e, &mut buf);
    w.write_all(&buf)
}

/// Serialize into a Vec (cannot fail for these types: no maps with non-string keys).
fn json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(&mut *out, value);
}

fn json_kv(out: &mut Vec<u8>, first: &mut bool, key: &str, value: &str) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    json(out, key);
    out.push(b':');
    json(out, value);
}

impl RecordFormat for Jsonl {
    fn start(&mut self, _first: Option<&Record>, _out: &mut Vec<u8>) {}

    fn scored(&self, record: &Record, a: &UtteranceAnalysis, out: &mut Vec<u8>) {
        self.scored_with(record, a, None, out)
    }

    fn scored_cut(
        &self,
        record: &Record,
        a: &UtteranceAnalysis,
        analysed_chars: usize,
        out: &mut Vec<u8>,
    ) {
        self.scored_with(record, a, Some(analysed_chars), out)
    }

    fn error(&self, e: &RecordError, out: &mut Vec<u8>) {
        json(
            out,
            &ErrorOut {
                error: e.to_string(),
                source: &e.source,
            },
        );
        out.push(b'\n');
    }
}

impl Jsonl {
    /// A scored record; `cut`: the characters analysed, when not all were.
    fn scored_with(
        &self,
        record: &Record,
        a: &UtteranceAnalysis,
        cut: Option<usize>,
        out: &mut Vec<u8>,
    ) {
        match &record.original {
            Original::Json {
                line,
                empty,
                has_xinsheng: false,
            } => {
                // A valid, trimmed JSON object: it ends with `}`.
                let body = line.strip_suffix('}').unwrap_or(line);
                out.extend_from_slice(body.as_bytes());
                if !empty {
                    out.push(b',');
                }
            }
            Original::Json {
                line,
                has_xinsheng: true,
                ..
            } => {
                // Re-scoring our own output: replace the old analysis, keep key order.
                let mut map: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(line).unwrap_or_default();
                map.shift_remove("xinsheng");
                out.push(b'{');
                for (k, v) in &map {
                    json(out, k);
                    out.push(b':');
                    json(out, v);
                    out.push(b',');
                }
            }
            Original::Csv { header, fields } => {
                out.push(b'{');
                let mut first = true;
                for (i, value) in fields.iter().enumerate() {
                    match header.keys.get(i) {
                        Some(k) => json_kv(out, &mut first, k, value),
                        None => json_kv(out, &mut first, &format!("column_{}", i + 1), value),
                    }
                }
                if !first {
                    out.push(b',');
                }
            }
            Original::Text => {
                out.push(b'{');
                let mut first = true;
                for role in [Role::Id, Role::Turn, Role::Time, Role::Speaker, Role::Text] {
                    if let Some(v) = record.role_value(role) {
                        json_kv(out, &mut first, role.name(), v);
                    }
                }
                if !first {
                    out.push(b',');
                }
            }
        }
        out.extend_from_slice(b"\"xinsheng\":");
        let at = out.len();
        json(out, a);
        // `{...}` → `{...,"source":"file:line"}`
        if out.len() > at && out.last() == Some(&b'}') {
            out.pop();
            out.extend_from_slice(b",\"source\":");
        } else {
            out.extend_from_slice(b"{\"source\":");
        }
        json(out, &record.source);
        if let Some(n) = cut {
            out.extend_from_slice(b",\"truncated\":true,\"analysed_chars\":");
            out.extend_from_slice(n.to_string().as_bytes());
        }
        out.extend_from_slice(b"}}\n");
    }
}

/// The analysis columns appended to every CSV row.
pub const CSV_COLUMNS: [&str; 10] = [
    "emotion",
    "polarity",
    "valence",
    "intensity",
    "risk",
    "level",
    "cues",
    "agent",
    "source",
    "error",
];

/// Escalation cues as `category:text|category:text` (negated cues are left out; quoted
/// ones are marked `category:text(quoted)`).
pub fn cues_cell(a: &UtteranceAnalysis) -> String {
    let mut s = String::new();
    for c in a.escalation.cues.iter().filter(|c| !c.negated) {
        if !s.is_empty() {
            s.push('|');
        }
        s.push_str(c.category.as_str());
        s.push(':');
        s.push_str(&c.text);
        if c.quoted {
            s.push_str("(quoted)");
        }
    }
    s
}

/// Agent phrases as `kind/category:text|…` (negated ones left out).
pub fn agent_cell(a: &UtteranceAnalysis) -> String {
    let mut s = String::new();
    for m in a.agent.iter().filter(|m| !m.negated) {
        if !s.is_empty() {
            s.push('|');
        }
        s.push_str(m.kind.as_str());
        s.push('/');
        s.push_str(m.category.as_str());
        s.push(':');
        s.push_str(&m.text);
    }
    s
}

/// CSV: original columns (of the first record's input, or `call_id, turn, time,
/// speaker, text` when that is not CSV) plus [`CSV_COLUMNS`].
///
/// Records from an input with other columns are projected by column name, and the
/// call id / turn / speaker / text / time columns by their role.
#[derive(Debug, Clone, Default)]
pub struct Csv {
    header: Option<Arc<CsvHeader>>,
    excel: bool,
}

/// A CSV writer.
pub type CsvWriter<W> = FormatWriter<Csv, W>;

impl<W: Write> FormatWriter<Csv, W> {
    /// A CSV writer over `w`.
    pub fn new(w: W) -> Self {
        FormatWriter::with_format(Csv::default(), w)
    }
}

fn canonical_header() -> CsvHeader {
    let roles = [Role::Id, Role::Turn, Role::Time, Role::Speaker, Role::Text];
    let names = roles.iter().map(|r| r.name().to_string()).collect();
    // Columns of each role, indexed like Role::ALL (Id, Turn, Speaker, Text, Time).
    CsvHeader::new(names, [Some(0), Some(1), Some(3), Some(4), Some(2)])
}

/// The UTF-8 byte-order mark that tells a spreadsheet a CSV file is UTF-8.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Write one CSV field for a spreadsheet: as [`csv_field`], but a text that starts like
/// a formula (`=`, `+`, `-`, `@`, tab or CR: `=HYPERLINK(…)`, `+86 138…`, `-_-`) gets a
/// leading `'`, so that the spreadsheet shows it instead of running it. Numbers (`-0.5`)
/// stay numbers.
///
/// ```
/// let mut out = Vec::new();
/// xinsheng_io::write::excel_field(&mut out, "=1+1");
/// out.push(b',');
/// xinsheng_io::write::excel_field(&mut out, "-0.25");
/// assert_eq!(out, b"'=1+1,-0.25");
/// ```
pub fn excel_field(out: &mut Vec<u8>, s: &str) {
    let risky = s
        .as_bytes()
        .first()
        .is_some_and(|b| matches!(b, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    if risky && s.trim().parse::<f64>().is_err() {
        let mut guarded = String::with_capacity(s.len() + 1);
        guarded.push('\'');
        guarded.push_str(s);
        csv_field(out, &guarded);
    } else {
        csv_field(out, s);
    }
}

/// Write one CSV field: for a spreadsheet with [`excel_field`], else [`csv_field`].
pub fn csv_cell(out: &mut Vec<u8>, s: &str, excel: bool) {
    if excel {
        excel_field(out, s);
    } else {
        csv_field(out, s);
    }
}

/// Write one CSV field, quoted when it must be (RFC 4180).
pub fn csv_field(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for part in s.split('"').enumerate() {
            if part.0 > 0 {
                out.extend_from_slice(b"\"\"");
            }
            out.extend_from_slice(part.1.as_bytes());
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

impl Csv {
    /// CSV for spreadsheets ([`ScoreFormat::Excel`]).
    pub fn excel() -> Csv {
        Csv {
            header: None,
            excel: true,
        }
    }

    fn field(&self, out: &mut Vec<u8>, s: &str) {
        csv_cell(out, s, self.excel);
    }

    fn header(&self) -> &CsvHeader {
        // `start` always sets it; an empty header is never used in practice.
        static EMPTY: std::sync::OnceLock<CsvHeader> = std::sync::OnceLock::new();
        self.header
            .as_deref()
            .unwrap_or_else(|| EMPTY.get_or_init(canonical_header))
    }

    /// The record's value for each output column.
    fn project<'r>(header: &CsvHeader, record: &'r Record, out: &mut Vec<&'r str>) {
        if let Original::Csv {
            header: own,
            fields,
        } = &record.original
        {
            if std::ptr::eq(&**own, header) || own.names == header.names {
                out.extend(fields.iter().take(header.names.len()).map(String::as_str));
                while out.len() < header.names.len() {
                    out.push("");
                }
                return;
            }
        }
        for (i, name) in header.names.iter().enumerate() {
            let by_name = match &record.original {
                Original::Csv {
                    header: own,
                    fields,
                } => own
                    .names
                    .iter()
                    .position(|n| n == name)
                    .and_then(|c| fields.get(c))
                    .map(String::as_str),
                _ => None,
            };
            let by_role = || {
                Role::ALL
                    .iter()
                    .find(|r| header.column(**r) == Some(i))
                    .and_then(|r| record.role_value(*r))
            };
            out.push(by_name.or_else(by_role).unwrap_or(""));
        }
    }
}

impl RecordFormat for Csv {
    fn start(&mut self, first: Option<&Record>, out: &mut Vec<u8>) {
        let h = match first.map(|r| &r.original) {
            Some(Original::Csv { header, .. }) => header.clone(),
            _ => Arc::new(canonical_header()),
        };
        if self.excel {
            out.extend_from_slice(UTF8_BOM);
        }
        for (i, name) in h
            .names
            .iter()
            .map(String::as_str)
            .chain(CSV_COLUMNS)
            .enumerate()
        {
            if i > 0 {
                out.push(b',');
            }
            self.field(out, name);
        }
        out.push(b'\n');
        self.header = Some(h);
    }

    fn scored(&self, record: &Record, a: &UtteranceAnalysis, out: &mut Vec<u8>) {
        let header = self.header();
        let mut cols: Vec<&str> = Vec::with_capacity(header.names.len());
        Csv::project(header, record, &mut cols);
        for c in cols {
            self.field(out, c);
            out.push(b',');
        }
        let _ = write!(
            out,
            "{},{},{},{},{},{},",
            a.emotion, a.polarity, a.valence, a.intensity, a.escalation.risk, a.escalation.level
        );
        self.field(out, &cues_cell(a));
        out.push(b',');
        self.field(out, &agent_cell(a));
        out.push(b',');
        self.field(out, &record.source.to_string());
        out.extend_from_slice(b",\n");
    }

    fn error(&self, e: &RecordError, out: &mut Vec<u8>) {
        let n = self.header().names.len() + CSV_COLUMNS.len() - 2;
        out.extend(std::iter::repeat_n(b',', n));
        self.field(out, &e.source.to_string());
        out.push(b',');
        self.field(out, &e.to_string());
        out.push(b'\n');
    }
}

/// Display width of a char in a terminal: 2 for East Asian wide and full-width
/// characters, 0 for control characters, 1 otherwise.
pub fn char_width(c: char) -> usize {
    let u = c as u32;
    if c.is_control() {
        0
    } else if matches!(u,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
    {
        2
    } else {
        1
    }
}

/// Display width of a string (see [`char_width`]).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` on one line (newlines and tabs as spaces), cut to at most `width` columns with
/// `…` when cut.
///
/// ```
/// use xinsheng_io::write::{fit, display_width};
/// assert_eq!(fit("你好世界", 5), "你好…");
/// assert_eq!(fit("a\tb", 10), "a b");
/// assert!(display_width(&fit("我要投诉你们", 6)) <= 6);
/// ```
pub fn fit(s: &str, width: usize) -> Cow<'_, str> {
    let clean = !s.chars().any(char::is_control);
    if clean && display_width(s) <= width {
        return Cow::Borrowed(s);
    }
    let shown = |c: char| if c.is_control() { ' ' } else { c };
    let total: usize = s.chars().map(|c| char_width(shown(c))).sum();
    if total <= width {
        return Cow::Owned(s.chars().map(shown).collect());
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars().map(shown) {
        let cw = char_width(c);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    if width > 0 {
        out.push('…');
    }
    Cow::Owned(out)
}

/// `s` with control characters (terminal escape sequences among them) shown as spaces,
/// for text output: a call id or file name can never drive the reader's terminal.
///
/// ```
/// assert_eq!(xinsheng_io::write::printable("C\u{1b}[31m1"), "C [31m1");
/// ```
pub fn printable(s: &str) -> Cow<'_, str> {
    fit(s, usize::MAX)
}

/// `s` cut or padded with spaces to exactly `width` columns.
pub fn pad(s: &str, width: usize) -> String {
    let f = fit(s, width);
    let w = display_width(&f);
    let mut out = f.into_owned();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// Table: `SOURCE SPEAKER EMOTION VALENCE RISK LEVEL TEXT [CUES]` for terminals.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    text_width: usize,
}

impl Default for Table {
    fn default() -> Self {
        Table { text_width: 40 }
    }
}

/// A table writer.
pub type TableWriter<W> = FormatWriter<Table, W>;

impl<W: Write> FormatWriter<Table, W> {
    /// A table writer over `w`, with text cut to 40 columns.
    pub fn new(w: W) -> Self {
        FormatWriter::with_format(Table::default(), w)
    }

    /// Cut texts to this many columns.
    pub fn text_width(mut self, width: usize) -> Self {
        self.format.text_width = width.max(8);
        self
    }
}

/// `…tail` of a source when it is longer than `width`.
fn source_cell(s: &str, width: usize) -> String {
    if display_width(s) <= width {
        return pad(s, width);
    }
    let chars: Vec<char> = s.chars().collect();
    let mut w = 1;
    let mut start = chars.len();
    while start > 0 && w + char_width(chars[start - 1]) <= width {
        start -= 1;
        w += char_width(chars[start]);
    }
    let tail: String = chars[start..].iter().collect();
    pad(&format!("…{tail}"), width)
}

impl RecordFormat for Table {
    fn start(&mut self, _first: Option<&Record>, out: &mut Vec<u8>) {
        let _ = writeln!(
            out,
            "{} {} {} {:>6} {:>5} {} {} CUES",
            pad("SOURCE", 24),
            pad("SPEAKER", 8),
            pad("EMOTION", 9),
            "VAL",
            "RISK",
            pad("LEVEL", 8),
            pad("TEXT", self.text_width),
        );
    }

    fn scored(&self, record: &Record, a: &UtteranceAnalysis, out: &mut Vec<u8>) {
        let _ = writeln!(
            out,
            "{} {} {} {:>+6.2} {:>5.2} {} {} {}",
            source_cell(&record.source.to_string(), 24),
            pad(a.speaker.as_str(), 8),
            pad(a.emotion.as_str(), 9),
            a.valence,
            a.escalation.risk,
            pad(a.escalation.level.as_str(), 8),
            pad(&record.text, self.text_width),
            cues_cell(a),
        );
    }

    fn error(&self, e: &RecordError, out: &mut Vec<u8>) {
        let _ = writeln!(
            out,
            "{} error: {}",
            source_cell(&e.source.to_string(), 24),
            fit(&e.message, 100)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{read, Item, ReadOptions};

    fn analysis() -> UtteranceAnalysis {
        serde_json::from_str(
            r#"{"speaker":"customer","emotion":"anger","emotions":{"anger":0.6,"disgust":0.0,"anxiety":0.0,"sadness":0.0,"surprise":0.0,"joy":0.0,"gratitude":0.0,"neutral":0.4},
            "polarity":"negative","valence":-0.5,"intensity":0.7,
            "escalation":{"risk":0.65,"level":"high","cues":[{"category":"complaint","text":"投诉","start":2,"end":4,"severity":4,"weight":0.65,"negated":false,"quoted":false}]},
            "agent":[]}"#,
        )
        .unwrap()
    }

    fn records(name: &str, input: &str) -> Vec<Item> {
        read(name, input.as_bytes(), &ReadOptions::default())
            .unwrap()
            .collect()
    }

    fn write_all(w: &mut dyn RecordWriter, items: &[Item]) {
        let a = analysis();
        for item in items {
            match item {
                Item::Record(r) => w.scored(r, &a).unwrap(),
                Item::Error(e) => w.error(e).unwrap(),
            }
        }
        w.finish().unwrap();
    }

    #[test]
    fn jsonl_marks_a_text_analysed_in_part() {
        let items = records("c.jsonl", "{\"text\":\"我要投诉\"}\n");
        let Item::Record(r) = &items[0] else { panic!() };
        let format = record_format(ScoreFormat::Jsonl);
        let mut out = Vec::new();
        format.scored_cut(r, &analysis(), 2, &mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["xinsheng"]["truncated"], true);
        assert_eq!(v["xinsheng"]["analysed_chars"], 2);
        assert_eq!(v["xinsheng"]["source"], "c.jsonl:1");
        let mut whole = Vec::new();
        format.scored(r, &analysis(), &mut whole);
        let v: serde_json::Value = serde_json::from_slice(&whole).unwrap();
        assert!(v["xinsheng"].get("truncated").is_none());
        // Other formats render it as a whole record.
        let csv = record_format(ScoreFormat::Csv);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        csv.scored_cut(r, &analysis(), 2, &mut a);
        csv.scored(r, &analysis(), &mut b);
        assert_eq!(a, b);
    }

    #[test]
    fn jsonl_keeps_original_fields() {
        let items = records(
            "c.jsonl",
            "{\"call_id\":\"A\", \"n\":1.50, \"text\":\"我要投诉\"}\n{}\nbad\n{\"text\":\"x\",\"xinsheng\":{\"old\":1},\"z\":2}\n",
        );
        let mut out = Vec::new();
        write_all(&mut JsonlWriter::new(&mut out), &items);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with(
            "{\"call_id\":\"A\", \"n\":1.50, \"text\":\"我要投诉\",\"xinsheng\":{\"speaker\":\"customer\""
        ), "{}", lines[0]);
        assert!(
            lines[0].ends_with(",\"source\":\"c.jsonl:1\"}}"),
            "{}",
            lines[0]
        );
        assert!(lines[1].starts_with("{\"error\":\"c.jsonl:2: missing text field"));
        assert!(lines[2].starts_with("{\"error\":\"c.jsonl:3: invalid JSON"));
        assert!(
            lines[3].starts_with("{\"text\":\"x\",\"z\":2,\"xinsheng\":{\"speaker\""),
            "{}",
            lines[3]
        );
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v.get("xinsheng").is_some() || v.get("error").is_some());
        }
    }

    #[test]
    fn csv_keeps_original_columns() {
        let items = records(
            "c.csv",
            "id,speaker,text,channel\n1,客户,\"我要投诉,快\",app\n",
        );
        let mut out = Vec::new();
        write_all(&mut CsvWriter::new(&mut out), &items);
        let out = String::from_utf8(out).unwrap();
        assert_eq!(
            out,
            "id,speaker,text,channel,emotion,polarity,valence,intensity,risk,level,cues,agent,source,error\n\
             1,客户,\"我要投诉,快\",app,anger,negative,-0.5,0.7,0.65,high,complaint:投诉,,c.csv:2,\n"
        );
    }

    #[test]
    fn csv_from_transcript_and_errors() {
        let mut items = records("t.txt", "[10:00] 客户：我要投诉\n");
        items.push(Item::Error(RecordError::new(
            Source::new("t.txt".into(), 9),
            "boom",
        )));
        let mut out = Vec::new();
        write_all(&mut CsvWriter::new(&mut out), &items);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "call_id,turn,time,speaker,text,emotion,polarity,valence,intensity,risk,level,cues,agent,source,error");
        assert_eq!(lines[1], "t.txt,1,10:00,客户,我要投诉,anger,negative,-0.5,0.7,0.65,high,complaint:投诉,,t.txt:1,");
        assert_eq!(lines[2], ",,,,,,,,,,,,,t.txt:9,t.txt:9: boom");
    }

    #[test]
    fn jsonl_from_transcript() {
        let items = records("t.txt", "[10:00] 客户：我要投诉\n");
        let mut out = Vec::new();
        write_all(&mut JsonlWriter::new(&mut out), &items);
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("{\"call_id\":\"t.txt\",\"turn\":\"1\",\"time\":\"10:00\",\"speaker\":\"客户\",\"text\":\"我要投诉\",\"xinsheng\":{"), "{out}");
    }

    #[test]
    fn table_is_aligned() {
        let items = records(
            "a-very-long-directory-name/calls.jsonl",
            "{\"text\":\"我要投诉\\n马上\"}\n",
        );
        let mut out = Vec::new();
        write_all(&mut TableWriter::new(&mut out), &items);
        let out = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].starts_with("…tory-name/calls.jsonl:1 "),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("我要投诉 马上"));
        let col = |l: &str| display_width(&l[..l.find("high").unwrap()]);
        assert_eq!(
            col(lines[1]),
            display_width(&lines[0][..lines[0].find("LEVEL").unwrap()])
        );
    }

    #[test]
    fn fit_and_pad() {
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("abcd", 3), "ab…");
        assert_eq!(pad("你", 4), "你  ");
        assert_eq!(fit("", 0), "");
    }
}
