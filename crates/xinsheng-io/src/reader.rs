//! Opening an input: sniffing its encoding and format, then reading items.

use std::fmt;
use std::io::{self, BufReader, Chain, Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use crate::csvin::CsvInput;
use crate::encoding::{detect_encoding, EncodingChoice, TextEncoding, SNIFF_BYTES};
use crate::fields::{FieldMap, RoleTable};
use crate::format::{detect_format, InputFormat};
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
}

type Input<R> = Chain<Cursor<Vec<u8>>, R>;

enum Inner<R> {
    Jsonl(LineReader<BufReader<Input<R>>>),
    Text(LineReader<BufReader<Input<R>>>, TextState),
    Csv(Box<CsvInput<Input<R>>>),
    Empty,
}

/// Reads the items of one input; see [`read`].
pub struct InputReader<R> {
    inner: Inner<R>,
    name: Arc<str>,
    format: InputFormat,
    encoding: TextEncoding,
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
/// cannot be read at all (an I/O error at the start, UTF-16, a CSV without a text column)
/// is a [`FileError`]; everything else is an [`Item::Error`] for its line.
pub fn read<R: Read>(
    name: &str,
    mut reader: R,
    opts: &ReadOptions,
) -> Result<InputReader<R>, FileError> {
    let file_error = |message: String| FileError {
        name: name.to_string(),
        message,
    };
    let mut head = read_head(&mut reader, SNIFF_BYTES).map_err(|e| file_error(e.to_string()))?;
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Err(file_error(
            "UTF-16 is not supported; convert the file to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"
                .to_string(),
        ));
    }
    let encoding = match opts.encoding {
        EncodingChoice::Fixed(e) => e,
        EncodingChoice::Auto => detect_encoding(&head),
    };
    if head.starts_with(b"\xEF\xBB\xBF") {
        head.drain(..3);
    }
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
    let name: Arc<str> = Arc::from(name);
    let empty = head.is_empty();
    let input = Cursor::new(head).chain(reader);
    let max = opts.max_record_bytes.max(1);
    let lines = |input| LineReader::new(BufReader::with_capacity(64 * 1024, input), max);
    let inner = if empty {
        Inner::Empty
    } else {
        match format {
            InputFormat::Jsonl => Inner::Jsonl(lines(input)),
            InputFormat::Text | InputFormat::Auto => {
                Inner::Text(lines(input), TextState::new(name.clone()))
            }
            InputFormat::Csv | InputFormat::Tsv => match CsvInput::new(
                input,
                format == InputFormat::Tsv,
                name.clone(),
                encoding,
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
        self.stats
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
        let (lines, mut text_state) = match &mut self.inner {
            Inner::Empty => return None,
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
            let text = match self.encoding.decode(bytes) {
                Ok(t) => t,
                Err(m) => return Some(Item::Error(RecordError::new(source, m))),
            };
            if let Some(p) = text.find('\0') {
                return Some(Item::Error(RecordError::new(
                    source,
                    format!("binary data (NUL byte at byte {})", p + 1),
                )));
            }
            if text.trim().is_empty() {
                self.stats.skipped += 1;
                continue;
            }
            match text_state.as_deref_mut() {
                None => {
                    return Some(
                        match jsonl::parse_line(
                            &text,
                            source.clone(),
                            &self.fields,
                            &self.roles,
                            &self.speakers,
                        ) {
                            Ok(r) => Item::Record(r),
                            Err(m) => Item::Error(RecordError::new(source, m)),
                        },
                    )
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
                skipped: 2
            }
        );
    }
}
