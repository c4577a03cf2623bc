//! Fuzz the input readers: any bytes, in any format and encoding, with any record bound,
//! must yield items (records or `file:line` errors) without panicking, with line numbers
//! that never go back.
//!
//! ```sh
//! cargo +nightly fuzz run readers -- -max_len=4096
//! ```
#![no_main]

use libfuzzer_sys::fuzz_target;
use xinsheng_io::{
    parse_transcript_line, read, EncodingChoice, InputFormat, ReadOptions, SpeakerMap, TextEncoding,
};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let format = match selector % 5 {
        0 => InputFormat::Auto,
        1 => InputFormat::Jsonl,
        2 => InputFormat::Csv,
        3 => InputFormat::Tsv,
        _ => InputFormat::Text,
    };
    let encoding = match (selector / 5) % 3 {
        0 => EncodingChoice::Auto,
        1 => EncodingChoice::Fixed(TextEncoding::Utf8),
        _ => EncodingChoice::Fixed(TextEncoding::Gb18030),
    };
    let max_record_bytes = 1 + (selector as usize / 15) * 64;
    let opts = ReadOptions {
        format,
        encoding,
        max_record_bytes,
        ..ReadOptions::default()
    };
    if let Ok(reader) = read("fuzz.input", bytes, &opts) {
        let mut last = 0;
        for item in reader {
            let line = item.source().line;
            assert!(line >= 1 && line >= last, "line {line} after {last}");
            last = line;
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let map = SpeakerMap::default();
        for line in text.lines() {
            let _ = parse_transcript_line(line, &map);
        }
        let _ = text.parse::<SpeakerMap>();
    }
});
