//! Opening an input: sniffing its encoding and format, then reading items.

use flate2::read::MultiGzDecoder;
use std::fmt;
use std::io::{self, BufReader, Chain, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use crate::csvin::CsvInput;
use crate::encoding::{
    binary_bytes, detect_encoding, looks_binary, EncodingChoice, LineDecoder, TextEncoding,
    SNIFF_BYTES,
};
use crate::fields::{FieldMap, RoleTable};
use crate::format::{detect_format, InputFormat};
use crate::jsonarray::{starts_array, ArrayReader, Element};
use crate::jsonl;
use crate::lines::{Line, LineReader};
use crate::record::{Item, RecordError, Source};
use crate::speaker::SpeakerMap;
use crate::text::TextState;

/// The default bound on one record (line or CSV row): 16 MiB.
pub const DEFAULT_MAX_RECORD_BYTES: usize = 16 * 1024 * 1024;

/// How to read inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Input format (`Auto`: by extension, then content).
    pub format: InputFormat,
    /// Encoding (`Auto`: from the first 64 KiB).
    pub encoding: EncodingChoice,
    /// Field names.
    pub fields: FieldMap,
    /// Speaker labels.
    pub speakers: SpeakerMap,
    /// A longer record is an error (its bytes are skipped, never held in memory).
    pub max_record_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            format: InputFormat::Auto,
            encoding: EncodingChoice::Auto,
            fields: FieldMap::default(),
            speakers: SpeakerMap::default(),
            max_record_bytes: DEFAULT_MAX_RECORD_BYTES,
        }
    }
}

/// An input that cannot be read at all: `name: reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The input's name.
    pub name: String,
    /// Why.
    pub message: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for FileError {}

/// Counts of what a reader read so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadStats {
    /// Records yielded.
    pub records: u64,
    /// Errors yielded.
    pub errors: u64,
    /// Lines that yield nothing: blank lines, transcript separators and headers.
    pub skipped: u64,
    /// Lines (CSV records) of an input detected as UTF-8 that were not valid UTF-8 and
    /// were read as GB18030 (only with `--encoding auto`).
    pub read_as_gb18030: u64,
    /// Lines (CSV records) of an input detected as GB18030 that were valid UTF-8 and
    /// were read as UTF-8 (only with `--encoding auto`).
    pub read_as_utf8: u64,
}

impl ReadStats {
    /// A warning about an input of mixed encodings, if it was one.
    ///
    /// ```
    /// use xinsheng_io::ReadStats;
    /// let s = ReadStats { read_as_gb18030: 2, ..ReadStats::default() };
    /// assert_eq!(
    ///     s.encoding_warning().unwrap(),
    ///     "mixed encodings: 2 lines were not UTF-8 and were read as GB18030"
    /// );
    /// assert_eq!(ReadStats::default().encoding_warning(), None);
    /// ```
    pub fn encoding_warning(&self) -> Option<String> {
        let count = |n: u64| match n {
            1 => ("1 line".to_string(), "was"),
            n => (format!("{n} lines"), "were"),
        };
        match (self.read_as_gb18030, self.read_as_utf8) {
            (0, 0) => None,
            (n, 0) => {
                let (count, verb) = count(n);
                Some(format!(
                    "mixed encodings: {count} {verb} not UTF-8 and {verb} read as GB18030"
                ))
            }
            (0, n) => {
                let (count, verb) = count(n);
                Some(format!(
                    "mixed encodings: {count} {verb} UTF-8 and {verb} read as UTF-8, not GB18030"
                ))
            }
            (g, u) => Some(format!(
                "mixed encodings: {g} line(s) read as GB18030 and {u} as UTF-8"
            )),
        }
    }
}

/// The first two bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// An input as read: plain, or gzip-compressed (told by its first bytes), or one whose
/// reading failed within its first bytes (the error comes after them).
enum Decompressed<R> {
    Plain(R),
    Gzip(Box<MultiGzDecoder<R>>),
    Failed(Option<io::Error>),
}

impl<R: Read> Read for Decompressed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decompressed::Plain(r) => r.read(buf),
            Decompressed::Gzip(r) => r.read(buf),
            Decompressed::Failed(e) => match e.take() {
                Some(e) => Err(e),
                None => Ok(0),
            },
        }
    }
}

type Input<R> = Chain<Cursor<Vec<u8>>, Decompressed<Chain<Cursor<Vec<u8>>, R>>>;

enum Inner<R> {
    Jsonl(LineReader<BufReader<Input<R>>>),
    Array(Box<ArrayReader<BufReader<Input<R>>>>),
    Text(LineReader<BufReader<Input<R>>>, TextState),
    Csv(Box<CsvInput<BufReader<Input<R>>>>),
    Empty,
}

/// Reads the items of one input; see [`read`].
pub struct InputReader<R> {
    inner: Inner<R>,
    name: Arc<str>,
    format: InputFormat,
    encoding: TextEncoding,
    decoder: LineDecoder,
    /// Lines end with a lone `\r`.
    cr: bool,
    speakers: SpeakerMap,
    fields: FieldMap,
    roles: RoleTable,
    max: usize,
    stats: ReadStats,
}

impl<R> fmt::Debug for InputReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InputReader")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("encoding", &self.encoding)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// Read up to `n` bytes (fewer only at the end of the input).
fn read_head<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(n.min(SNIFF_BYTES));
    r.by_ref().take(n as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Open an input for reading: look at its first 64 KiB to tell the encoding and format
/// (unless `opts` fixes them), then read [`Item`]s one at a time.
///
/// `name` is used in every [`Source`] and to tell the format by extension. An input that
/// cannot be read at all (an I/O error at the start, a broken gzip header, UTF-16, binary
/// data, a CSV without a text column) is a [`FileError`]; everything else is an
/// [`Item::Error`] for its line.
pub fn read<R: Read>(
    name: &str,
    mut reader: R,
    opts: &ReadOptions,
) -> Result<InputReader<R>, FileError> {
    let file_error = |message: String| FileError {
        name: name.to_string(),
        message,
    };
    let first = read_head(&mut reader, SNIFF_BYTES).map_err(|e| file_error(e.to_string()))?;
    let gzip = first.starts_with(&GZIP_MAGIC);
    let raw = Cursor::new(first).chain(reader);
    let mut source = if gzip {
        Decompressed::Gzip(Box::new(MultiGzDecoder::new(raw)))
    } else {
        Decompressed::Plain(raw)
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    if let Err(e) = source
        .by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
    {
        if head.is_empty() {
            return Err(file_error(if gzip {
                format!("cannot decompress (gzip): {e}")
            } else {
                e.to_string()
            }));
        }
        // What was read is read; the error comes after it, at its line.
        source = Decompressed::Failed(Some(e));
    }
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(file_error(
            "UTF-16 is not supported; convert the file to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"
                .to_string(),
        ));
    }
    if looks_binary(&head) {
        let share = binary_bytes(&head) * 100 / head.len();
        return Err(file_error(format!(
            "binary data, not text ({share}% of the first {} bytes are neither UTF-8 nor GB18030 text); not read",
            head.len()
        )));
    }
    let encoding = match opts.encoding {
        EncodingChoice::Fixed(e) => e,
        EncodingChoice::Auto => detect_encoding(&head),
    };
    let decoder = LineDecoder {
        encoding,
        per_line: opts.encoding == EncodingChoice::Auto,
    };
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
    // Lines that end with a lone CR (old Mac exports): no LF in the head, and a CR.
    let cr = memchr::memchr(b'\n', &head).is_none() && memchr::memchr(b'\r', &head).is_some();
    let format = match opts.format {
        InputFormat::Auto => InputFormat::from_extension(Path::new(name)).unwrap_or_else(|| {
            let text = match encoding {
                TextEncoding::Utf8 => String::from_utf8_lossy(&head).into_owned(),
                TextEncoding::Gb18030 => encoding_rs::GB18030
                    .decode_without_bom_handling(&head)
                    .0
                    .into_owned(),
            };
            detect_format(&text, &opts.fields)
        }),
        f => f,
    };
    let array = format == InputFormat::Jsonl && starts_array(&head);
    let name: Arc<str> = Arc::from(name);
    let empty = head.is_empty();
    let input = Cursor::new(head).chain(source);
    let max = opts.max_record_bytes.max(1);
    let end = if cr { b'\r' } else { b'\n' };
    let buffered = |input| BufReader::with_capacity(64 * 1024, input);
    let lines = |input| {
        let l = LineReader::new(buffered(input), max);
        if cr {
            l.cr_endings()
        } else {
            l
        }
    };
    let inner = if empty {
        Inner::Empty
    } else {
        match format {
            InputFormat::Jsonl if array => Inner::Array(Box::new(ArrayReader::new(
                buffered(input),
                end,
                encoding == TextEncoding::Gb18030,
                max,
            ))),
            InputFormat::Jsonl => Inner::Jsonl(lines(input)),
            InputFormat::Text | InputFormat::Auto => {
                Inner::Text(lines(input), TextState::new(name.clone()))
            }
            InputFormat::Csv | InputFormat::Tsv => match CsvInput::new(
                lines(input),
                format == InputFormat::Tsv,
                cr,
                name.clone(),
                decoder,
                &opts.fields,
                max,
            ) {
                Ok(Some(c)) => Inner::Csv(Box::new(c)),
                Ok(None) => Inner::Empty,
                Err(m) => return Err(file_error(m)),
            },
        }
    };
    Ok(InputReader {
        inner,
        name,
        format,
        encoding,
        decoder,
        cr,
        speakers: opts.speakers.clone(),
        fields: opts.fields.clone(),
        roles: RoleTable::new(&opts.fields),
        max,
        stats: ReadStats::default(),
    })
}

impl<R> InputReader<R> {
    /// The format being read (detected or given).
    pub fn format(&self) -> InputFormat {
        self.format
    }

    /// The encoding being read (detected or given).
    pub fn encoding(&self) -> TextEncoding {
        self.encoding
    }

    /// The input's name.
    pub fn name(&self) -> &Arc<str> {
        &self.name
    }

    /// What was read so far.
    pub fn stats(&self) -> ReadStats {
        let mut s = self.stats;
        if let Inner::Csv(c) = &self.inner {
            match self.encoding {
                TextEncoding::Utf8 => s.read_as_gb18030 += c.other_encoding,
                TextEncoding::Gb18030 => s.read_as_utf8 += c.other_encoding,
            }
        }
        s
    }
}

impl<R: Read> Iterator for InputReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let item = self.next_inner()?;
        match &item {
            Item::Record(_) => self.stats.records += 1,
            Item::Error(_) => self.stats.errors += 1,
        }
        Some(item)
    }
}

impl<R: Read> InputReader<R> {
    fn next_inner(&mut self) -> Option<Item> {
        if let Inner::Array(_) = self.inner {
            match self.next_array() {
                Some(Some(item)) => return Some(item),
                Some(None) => {} // The array closed: JSON lines from here on.
                None => return None,
            }
        }
        let (lines, mut text_state) = match &mut self.inner {
            Inner::Empty | Inner::Array(_) => return None,
            Inner::Csv(c) => return c.next_item(&self.speakers),
            Inner::Jsonl(l) => (l, None),
            Inner::Text(l, st) => (l, Some(st)),
        };
        loop {
            let (line_no, line) = lines.next_line()?;
            let source = Source::new(self.name.clone(), line_no);
            let bytes = match line {
                Err(e) => {
                    return Some(Item::Error(RecordError::new(
                        source,
                        format!("read error: {e}; rest of input skipped"),
                    )))
                }
                Ok(Line::TooLong(n)) => {
                    return Some(Item::Error(RecordError::new(
                        source,
                        format!(
                            "line is {n} bytes, longer than the limit of {} bytes; skipped",
                            self.max
                        ),
                    )))
                }
                Ok(Line::Bytes(b)) => b,
            };
            if bytes.iter().all(u8::is_ascii_whitespace) {
                self.stats.skipped += 1;
                continue;
            }
            let text = match decode(self.decoder, bytes, &mut self.stats) {
                Ok(t) => t,
                Err(m) => return Some(Item::Error(RecordError::new(source, m))),
            };
            if text.trim().is_empty() {
                self.stats.skipped += 1;
                continue;
            }
            match text_state.as_deref_mut() {
                None => {
                    return Some(json_item(
                        &text,
                        source,
                        &self.fields,
                        &self.roles,
                        &self.speakers,
                    ))
                }
                Some(st) => match st.line(&text, source, &self.speakers) {
                    Some(r) => return Some(Item::Record(r)),
                    None => {
                        self.stats.skipped += 1;
                        continue;
                    }
                },
            }
        }
    }

    /// The next item of a JSON array: `Some(None)` when the array closed (the rest of
    /// the input is then read as JSON lines), `None` at the end.
    fn next_array(&mut self) -> Option<Option<Item>> {
        let Inner::Array(array) = &mut self.inner else {
            return None;
        };
        let error = |line: u64, m: String| {
            Some(Some(Item::Error(RecordError::new(
                Source::new(self.name.clone(), line),
                m,
            ))))
        };
        let closed_at = match array.next()? {
            Element::Value(line, bytes) => {
                let source = Source::new(self.name.clone(), line);
                let item = match decode(self.decoder, bytes, &mut self.stats) {
                    Ok(text) => json_item(&text, source, &self.fields, &self.roles, &self.speakers),
                    Err(m) => Item::Error(RecordError::new(source, m)),
                };
                return Some(Some(item));
            }
            Element::TooLong(line, n) => {
                return error(
                    line,
                    format!(
                        "array element is {n} bytes, longer than the limit of {} bytes; skipped",
                        self.max
                    ),
                )
            }
            Element::Error(line, m) => return error(line, m),
            Element::Io(line, e) => {
                return error(line, format!("read error: {e}; rest of input skipped"))
            }
            Element::Closed(line) => line,
        };
        let Inner::Array(array) = std::mem::replace(&mut self.inner, Inner::Empty) else {
            return None;
        };
        let mut lines = LineReader::new(array.into_inner(), self.max).first_line(closed_at);
        if self.cr {
            lines = lines.cr_endings();
        }
        self.inner = Inner::Jsonl(lines);
        Some(None)
    }
}

/// Decode a line (or array element), counting lines read in the other encoding; a NUL
/// byte is an error.
fn decode<'a>(
    decoder: LineDecoder,
    bytes: &'a [u8],
    stats: &mut ReadStats,
) -> Result<std::borrow::Cow<'a, str>, String> {
    let (text, used) = decoder.decode(bytes)?;
    if used != decoder.encoding {
        match used {
            TextEncoding::Gb18030 => stats.read_as_gb18030 += 1,
            TextEncoding::Utf8 => stats.read_as_utf8 += 1,
        }
    }
    if let Some(p) = text.find('\0') {
        return Err(format!("binary data (NUL byte at byte {})", p + 1));
    }
    Ok(text)
}

/// One JSON object (a line or an array element) as an item.
fn json_item(
    text: &str,
    source: Source,
    fields: &FieldMap,
    roles: &RoleTable,
    speakers: &SpeakerMap,
) -> Item {
    match jsonl::parse_line(text, source.clone(), fields, roles, speakers) {
        Ok(r) => Item::Record(r),
        Err(m) => Item::Error(RecordError::new(source, m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Original;
    use xinsheng::Speaker;

    fn items(name: &str, bytes: &[u8], opts: &ReadOptions) -> Vec<String> {
        read(name, bytes, opts)
            .unwrap()
            .map(|i| match i {
                Item::Record(r) => format!(
                    "{} {}|{}|{}",
                    r.source,
                    r.call_id.unwrap_or_default(),
                    r.speaker,
                    r.text
                ),
                Item::Error(e) => format!("ERR {e}"),
            })
            .collect()
    }

    #[test]
    fn jsonl_with_bom_crlf_and_errors() {
        let input = "\u{feff}{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"你好\"}\r\n\r\n{bad\r\n{\"speaker\":\"x\"}\n";
        let got = items("a.jsonl", input.as_bytes(), &ReadOptions::default());
        assert_eq!(got[0], "a.jsonl:1 A|customer|你好");
        assert!(
            got[1].starts_with("ERR a.jsonl:3: invalid JSON"),
            "{}",
            got[1]
        );
        assert!(got[2].starts_with("ERR a.jsonl:4: missing text field"));
        assert_eq!(got.len(), 3);
    }

    #[test]
    fn invalid_utf8_line_is_an_error() {
        let mut input = "{\"text\":\"好\"}\n".repeat(3).into_bytes();
        input.extend_from_slice(b"{\"text\":\"\xff\xfe\"}\n{\"text\":\"ok\"}\n");
        let got = items("x.jsonl", &input, &ReadOptions::default());
        assert_eq!(got.len(), 5);
        assert!(
            got[3].starts_with("ERR x.jsonl:4: invalid UTF-8"),
            "{}",
            got[3]
        );
        assert_eq!(got[4], "x.jsonl:5 |unknown|ok");
    }

    #[test]
    fn gbk_csv() {
        let text = "会话ID,角色,内容,渠道\r\nC1,客服,您好，请问有什么可以帮您？,app\r\nC1,客户,\"我要投诉,马上\",app\r\n";
        let bytes = encoding_rs::GB18030.encode(text).0.into_owned();
        let r = read("chats.csv", &bytes[..], &ReadOptions::default()).unwrap();
        assert_eq!(r.encoding(), TextEncoding::Gb18030);
        let got: Vec<Item> = r.collect();
        assert_eq!(got.len(), 2);
        let Item::Record(rec) = &got[1] else {
            panic!("{:?}", got[1])
        };
        assert_eq!(rec.text, "我要投诉,马上");
        assert_eq!(rec.speaker, Speaker::Customer);
        assert_eq!(rec.source.line, 3);
        let Original::Csv { header, fields } = &rec.original else {
            panic!()
        };
        assert_eq!(header.names, ["会话ID", "角色", "内容", "渠道"]);
        assert_eq!(fields[3], "app");
    }

    #[test]
    fn csv_without_text_column_is_a_file_error() {
        let e = read("x.csv", &b"a,b\n1,2\n"[..], &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().starts_with("x.csv: no text column"));
    }

    #[test]
    fn tsv_keeps_quotes() {
        let got = items(
            "x.tsv",
            "speaker\ttext\n客户\t他说\"我要投诉\"\n".as_bytes(),
            &ReadOptions::default(),
        );
        assert_eq!(got, ["x.tsv:2 |customer|他说\"我要投诉\""]);
    }

    #[test]
    fn transcript_and_sniffing() {
        let input = "[00:00:01] 客服：您好\n[00:00:05] 客户：我的快递呢\n---\n客户：还有一个问题\n";
        let got = items("-", input.as_bytes(), &ReadOptions::default());
        assert_eq!(
            got,
            [
                "-:1 -|agent|您好",
                "-:2 -|customer|我的快递呢",
                "-:4 -#2|customer|还有一个问题"
            ]
        );
    }

    #[test]
    fn long_lines_are_bounded() {
        let mut input = vec![b'x'; 100];
        input.extend_from_slice(b"\n{\"text\":\"ok\"}\n");
        let opts = ReadOptions {
            max_record_bytes: 50,
            format: InputFormat::Jsonl,
            ..ReadOptions::default()
        };
        let got = items("-", &input, &opts);
        assert!(got[0].contains("longer than the limit"));
        assert_eq!(got[1], "-:2 |unknown|ok");
        // CSV: an unterminated quote does not swallow the input.
        let mut csv = b"text\n\"".to_vec();
        csv.extend(std::iter::repeat_n(b'y', 200_000));
        let opts = ReadOptions {
            max_record_bytes: 1000,
            ..ReadOptions::default()
        };
        let got = items("x.csv", &csv, &opts);
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("longer than"), "{}", got[0]);
    }

    #[test]
    fn empty_and_utf16() {
        assert!(items("e.jsonl", b"", &ReadOptions::default()).is_empty());
        assert!(items("e.csv", b"", &ReadOptions::default()).is_empty());
        assert!(read("u.txt", &b"\xff\xfeh\0i\0"[..], &ReadOptions::default()).is_err());
    }

    #[test]
    fn stats_count_skipped() {
        let mut r = read(
            "t.txt",
            "客户：a\n\n---\n客服：b\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        while r.next().is_some() {}
        assert_eq!(
            r.stats(),
            ReadStats {
                records: 2,
                errors: 0,
                skipped: 2,
                ..ReadStats::default()
            }
        );
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn gzip_is_read_transparently() {
        let jsonl = "{\"call_id\":\"A\",\"speaker\":\"客户\",\"text\":\"你好\"}\nbad\n";
        // By name and by content: a .gz without a known inner extension is sniffed.
        for name in ["a.jsonl.gz", "a.gz", "-"] {
            let got = items(name, &gzip(jsonl.as_bytes()), &ReadOptions::default());
            assert_eq!(got[0], format!("{name}:1 A|customer|你好"));
            assert!(
                got[1].starts_with(&format!("ERR {name}:2: invalid JSON")),
                "{}",
                got[1]
            );
        }
        let csv = gzip("speaker,text\n客户,我要投诉\n".as_bytes());
        assert_eq!(
            items("c.csv.gz", &csv, &ReadOptions::default()),
            ["c.csv.gz:2 |customer|我要投诉"]
        );
        let gbk_text = gzip(&encoding_rs::GB18030.encode("客户：我的快递呢\n").0);
        assert_eq!(
            items("t.txt.gz", &gbk_text, &ReadOptions::default()),
            ["t.txt.gz:1 t.txt.gz|customer|我的快递呢"]
        );
        // A cut-off stream (past the first 64 KiB): the records before, then an error.
        let mut big = String::new();
        for i in 0..40000 {
            big.push_str(&format!("{{\"text\":\"第{i}行\"}}\n"));
        }
        let z = gzip(big.as_bytes());
        let got = items("cut.jsonl.gz", &z[..z.len() / 2], &ReadOptions::default());
        assert!(got.len() > 1);
        assert!(
            got.last().unwrap().contains("read error"),
            "{}",
            got.last().unwrap()
        );
        assert!(read(
            "bad.gz",
            &b"\x1f\x8bnot gzip at all"[..],
            &ReadOptions::default()
        )
        .is_err());
    }

    #[test]
    fn cr_only_line_endings() {
        let t = "[00:00:01] 客服：您好\r[00:00:05] 客户：我的快递呢\r\r客户：还有一个问题\r";
        let got = items("t.txt", t.as_bytes(), &ReadOptions::default());
        assert_eq!(
            got,
            [
                "t.txt:1 t.txt|agent|您好",
                "t.txt:2 t.txt|customer|我的快递呢",
                "t.txt:4 t.txt|customer|还有一个问题"
            ]
        );
        let j = "{\"text\":\"a\"}\r{\"text\":\"b\"}";
        assert_eq!(
            items("j.jsonl", j.as_bytes(), &ReadOptions::default()),
            ["j.jsonl:1 |unknown|a", "j.jsonl:2 |unknown|b"]
        );
        let c = "speaker,text\r客户,\"多\r行\"\r客服,好\r";
        assert_eq!(
            items("c.csv", c.as_bytes(), &ReadOptions::default()),
            ["c.csv:2 |customer|多\r行", "c.csv:4 |agent|好"]
        );
    }

    /// Issue 15: a UTF-8 file with some GBK lines, and the reverse, decided per line.
    #[test]
    fn mixed_encodings_per_line() {
        let mut input = Vec::new();
        for i in 0..20 {
            input.extend_from_slice(format!("{{\"text\":\"你好{i}\"}}\n").as_bytes());
        }
        input.extend_from_slice(
            &encoding_rs::GB18030
                .encode("{\"text\":\"我要投诉你们\"}\n")
                .0,
        );
        input.extend_from_slice(b"{\"text\":\"\xff\xff\"}\n");
        let mut r = read("m.jsonl", &input[..], &ReadOptions::default()).unwrap();
        let got: Vec<Item> = r.by_ref().collect();
        assert_eq!(got.len(), 22);
        let Item::Record(rec) = &got[20] else {
            panic!("{:?}", got[20])
        };
        assert_eq!(rec.text, "我要投诉你们");
        assert!(matches!(&got[21], Item::Error(e) if e.message.contains("invalid UTF-8")));
        assert_eq!(r.stats().read_as_gb18030, 1);
        assert_eq!(
            r.stats().encoding_warning().unwrap(),
            "mixed encodings: 1 line was not UTF-8 and was read as GB18030"
        );
        // With --encoding utf-8 the GBK line is an error.
        let fixed = ReadOptions {
            encoding: EncodingChoice::Fixed(TextEncoding::Utf8),
            ..ReadOptions::default()
        };
        let got = items("m.jsonl", &input, &fixed);
        assert!(
            got[20].starts_with("ERR m.jsonl:21: invalid UTF-8"),
            "{}",
            got[20]
        );
        // A GBK CSV with UTF-8 rows.
        let mut csv = encoding_rs::GB18030
            .encode("角色,内容\n客户,您好，请问什么时候发货\n")
            .0
            .into_owned();
        csv.extend_from_slice("客户,我要退款\n".as_bytes());
        let mut r = read("g.csv", &csv[..], &ReadOptions::default()).unwrap();
        assert_eq!(r.encoding(), TextEncoding::Gb18030);
        let got: Vec<Item> = r.by_ref().collect();
        let Item::Record(rec) = &got[1] else { panic!() };
        assert_eq!(rec.text, "我要退款");
        assert_eq!(r.stats().read_as_utf8, 1);
    }

    #[test]
    fn binary_input_is_one_error() {
        let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
        elf.extend((0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8));
        let e = read("a.out", &elf[..], &ReadOptions::default()).unwrap_err();
        assert!(e.message.starts_with("binary data, not text"), "{e}");
        // A few NUL bytes in a text file stay a per-line error.
        let t = format!(
            "{}{{\"text\":\"a\0b\"}}\n",
            "{\"text\":\"你好\"}\n".repeat(10)
        );
        let got = items("n.jsonl", t.as_bytes(), &ReadOptions::default());
        assert!(got[10].contains("NUL byte"), "{}", got[10]);
    }

    /// Issue 15: a pretty-printed JSON array of objects is read as records.
    #[test]
    fn json_array_of_objects() {
        let input = "[\n  {\n    \"call_id\": \"A\",\n    \"speaker\": \"客户\",\n    \"text\": \"我要投诉\"\n  },\n  {\n    \"text\": null\n  },\n  {\"call_id\": \"A\", \"speaker\": \"客服\", \"text\": \"抱歉\"}\n]\n{\"text\":\"after\"}\n";
        let got = items("a.json", input.as_bytes(), &ReadOptions::default());
        assert_eq!(
            got,
            [
                "a.json:2 A|customer|我要投诉",
                "ERR a.json:7: text field `text` is null",
                "a.json:10 A|agent|抱歉",
                "a.json:12 |unknown|after"
            ]
        );
        // The original is the compacted element.
        let r: Vec<Item> = read(
            "-",
            "[{\"text\": \"x\",  \"n\": 1}]".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap()
        .collect();
        let Item::Record(rec) = &r[0] else { panic!() };
        assert!(
            matches!(&rec.original, Original::Json { line, .. } if line == "{\"text\":\"x\",\"n\":1}")
        );
        // Not closed.
        let got = items("b.json", b"[{\"text\":\"a\"},\n", &ReadOptions::default());
        assert_eq!(got.len(), 2);
        assert!(
            got[1].starts_with("ERR b.json:2: the JSON array is not closed"),
            "{}",
            got[1]
        );
    }

    #[test]
    fn csv_unclosed_quote_resumes() {
        let mut input = String::from("call_id,speaker,text\nK,客户,\"未闭合\n");
        for i in 0..50 {
            input.push_str(&format!("C{i},客户,我要投诉{i}\n"));
        }
        let got = items("q.csv", input.as_bytes(), &ReadOptions::default());
        assert_eq!(got.len(), 51);
        assert!(
            got[0].starts_with("ERR q.csv:2: unclosed quote"),
            "{}",
            got[0]
        );
        assert_eq!(got[1], "q.csv:3 C0|customer|我要投诉0");
        assert_eq!(got[50], "q.csv:52 C49|customer|我要投诉49");
    }
}
