//! # xinsheng-io
//!
//! Streaming readers and writers for [xinsheng](https://docs.rs/xinsheng): every input
//! line (or CSV record) becomes exactly one [`Item`], either a [`Record`] to score or a
//! [`RecordError`] saying `file:line: reason`. Nothing here panics on bad input, and
//! memory stays bounded whatever the input size (one record is held at a time, and a
//! record longer than [`ReadOptions::max_record_bytes`] is an error, not an allocation).
//!
//! * Formats ([`InputFormat`]): JSONL, CSV, TSV and plain-text transcripts with speaker
//!   prefixes (`客服：…`, `[00:01:23] 客户: …`), told by extension, then by content. A
//!   `.json` file (or any JSONL input) that holds one top-level array of objects is read
//!   element by element, each element a record at the line it starts on (one element in
//!   memory at a time, at most [`ReadOptions::max_record_bytes`]).
//! * Compression: an input that starts with the gzip magic bytes is read decompressed,
//!   whatever its name; `calls.jsonl.gz` has the format of `calls.jsonl`.
//! * Lines end with `\n`, `\r\n`, or a lone `\r` (told from the first 64 KiB).
//! * CSV: a quoted field still open after [`MAX_CSV_RECORD_LINES`] lines, after
//!   [`ReadOptions::max_record_bytes`] or at the end of the input is an error at the line
//!   where it opened, and reading goes on with the next line.
//! * Encodings ([`EncodingChoice`]): UTF-8 (with or without BOM) and GBK/GB18030,
//!   detected from the first 64 KiB, then per line: a line that is not valid in the
//!   detected encoding but is in the other is read in the other and counted
//!   ([`ReadStats::encoding_warning`]); a line valid in neither is an error for its line.
//!   An input whose first 64 KiB is more than a tenth binary (control bytes, bytes of
//!   neither encoding) is refused with one [`FileError`].
//! * Fields ([`FieldMap`]): call id, turn, speaker, text and time are found under common
//!   names (`call_id`, `session_id`, `speaker`, `role`, `text`, `content`, 内容 …) or the
//!   names you give.
//! * Speakers ([`SpeakerMap`]): 客服/坐席/agent → agent, 客户/用户/customer → customer,
//!   by the longest known label a label starts with (客户经理, 客户服务, Customer Service
//!   are staff), anything else → unknown, with your own additions.
//! * Writers ([`mod@write`]): JSONL (the original record plus an `xinsheng` key), CSV (the
//!   original columns plus the analysis) and an aligned table for terminals.
//!
//! The readers are generic over [`std::io::Read`] and the writers over
//! [`std::io::Write`]: files, stdin, in-memory buffers all work the same.
//!
//! ```
//! use xinsheng_io::{read, Item, ReadOptions, InputFormat};
//! use xinsheng::Speaker;
//!
//! let input = "{\"call_id\":\"A1\",\"speaker\":\"客户\",\"text\":\"我要投诉\"}\nnot json\n";
//! let opts = ReadOptions::default();
//! let items: Vec<Item> = read("calls.jsonl", input.as_bytes(), &opts)?.collect();
//! match &items[0] {
//!     Item::Record(r) => {
//!         assert_eq!(r.call_id.as_deref(), Some("A1"));
//!         assert_eq!(r.speaker, Speaker::Customer);
//!         assert_eq!(r.text, "我要投诉");
//!     }
//!     Item::Error(e) => panic!("{e}"),
//! }
//! match &items[1] {
//!     Item::Error(e) => assert!(e.to_string().starts_with("calls.jsonl:2: invalid JSON")),
//!     Item::Record(_) => panic!("expected an error"),
//! }
//! # Ok::<(), xinsheng_io::FileError>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod csvin;
mod encoding;
mod fields;
mod format;
mod jsonarray;
mod jsonl;
mod lines;
mod reader;
mod record;
mod speaker;
mod text;
pub mod write;

pub use csvin::MAX_CSV_RECORD_LINES;
pub use encoding::{detect_encoding, EncodingChoice, TextEncoding, SNIFF_BYTES};
pub use fields::{FieldMap, Role};
pub use format::{detect_format, InputFormat};
pub use reader::{read, FileError, InputReader, ReadOptions, ReadStats, DEFAULT_MAX_RECORD_BYTES};
pub use record::{CsvHeader, Item, Original, Record, RecordError, Source};
pub use speaker::{ParseSpeakerMapError, SpeakerMap};
pub use text::{parse_transcript_line, TranscriptLine};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Record>();
        assert_send_sync::<crate::Item>();
        assert_send_sync::<crate::RecordError>();
        assert_send_sync::<crate::ReadOptions>();
        assert_send_sync::<crate::InputReader<std::fs::File>>();
        assert_send_sync::<crate::FileError>();
        assert_send_sync::<crate::write::JsonlWriter<Vec<u8>>>();
        assert_send_sync::<crate::write::CsvWriter<Vec<u8>>>();
        assert_send_sync::<crate::write::TableWriter<Vec<u8>>>();
        assert_send_sync::<crate::write::Csv>();
        assert_send_sync::<Box<dyn crate::write::RecordFormat>>();
        assert_send_sync::<crate::SpeakerMap>();
        assert_send_sync::<crate::FieldMap>();
        assert_send_sync::<crate::CsvHeader>();
    }
}
