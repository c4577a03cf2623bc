//! Property tests of the readers: no panic on arbitrary bytes in any format and
//! encoding, one item per non-blank line, and round trips through JSON, CSV and GB18030.

use proptest::prelude::*;
use xinsheng_io::{read, EncodingChoice, InputFormat, Item, ReadOptions, TextEncoding};

fn formats() -> impl Strategy<Value = InputFormat> {
    prop_oneof![
        Just(InputFormat::Auto),
        Just(InputFormat::Jsonl),
        Just(InputFormat::Csv),
        Just(InputFormat::Tsv),
        Just(InputFormat::Text),
    ]
}

fn encodings() -> impl Strategy<Value = EncodingChoice> {
    prop_oneof![
        Just(EncodingChoice::Auto),
        Just(EncodingChoice::Fixed(TextEncoding::Utf8)),
        Just(EncodingChoice::Fixed(TextEncoding::Gb18030)),
    ]
}

/// Bytes that look a bit like inputs: structure characters are frequent.
fn input_bytes() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => any::<u8>(),
        2 => prop::sample::select(b"\n\r,\t\"{}[]:\\ ".to_vec()),
        1 => prop::sample::select("客服：户你好投诉".as_bytes().to_vec()),
    ];
    prop::collection::vec(byte, 0..400)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn readers_never_panic(
        bytes in input_bytes(),
        format in formats(),
        encoding in encodings(),
        max in 1usize..64,
    ) {
        let opts = ReadOptions { format, encoding, max_record_bytes: max, ..ReadOptions::default() };
        if let Ok(reader) = read("fuzz", &bytes[..], &opts) {
            let mut last_line = 0;
            for item in reader {
                let line = item.source().line;
                prop_assert!(line >= 1 && line >= last_line, "lines go forward: {} after {}", line, last_line);
                last_line = line;
            }
        }
    }

    #[test]
    fn jsonl_records_round_trip(
        records in prop::collection::vec(("\\PC{0,12}", "\\PC{0,40}", prop::option::of(0u32..100)), 1..20),
    ) {
        let mut input = String::new();
        for (id, text, turn) in &records {
            let mut v = serde_json::json!({"call_id": id, "text": text, "speaker": "客户"});
            if let Some(t) = turn {
                v["turn"] = serde_json::json!(t);
            }
            input.push_str(&v.to_string());
            input.push('\n');
        }
        let items: Vec<Item> = read("r.jsonl", input.as_bytes(), &ReadOptions::default()).unwrap().collect();
        prop_assert_eq!(items.len(), records.len());
        for (i, (item, (id, text, turn))) in items.iter().zip(&records).enumerate() {
            let Item::Record(r) = item else { panic!("{item:?}") };
            prop_assert_eq!(&r.text, text);
            prop_assert_eq!(r.call_id.as_deref(), Some(id.as_str()));
            prop_assert_eq!(r.turn.clone(), turn.map(|t| t.to_string()));
            prop_assert_eq!(r.source.line, i as u64 + 1);
        }
    }

    #[test]
    fn csv_records_round_trip_in_utf8_and_gbk(
        rows in prop::collection::vec(("[a-z0-9]{1,6}", "[\\u{4e00}-\\u{9fa5}，。！？,\"\n a-z]{0,30}"), 1..15),
        gbk in any::<bool>(),
    ) {
        let mut w = csv::Writer::from_writer(Vec::new());
        // A Chinese column name, as in real exports: a GBK file of one or two rare
        // characters can be valid UTF-8 by chance (see detect_encoding).
        w.write_record(["call_id", "text", "备注"]).unwrap();
        for (id, text) in &rows {
            w.write_record([id.as_str(), text.as_str(), "x"]).unwrap();
        }
        let utf8 = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let bytes = if gbk {
            encoding_rs::GB18030.encode(&utf8).0.into_owned()
        } else {
            utf8.clone().into_bytes()
        };
        let items: Vec<Item> = read("r.csv", &bytes[..], &ReadOptions::default()).unwrap().collect();
        prop_assert_eq!(items.len(), rows.len());
        let mut line = 2u64;
        for (item, (id, text)) in items.iter().zip(&rows) {
            let Item::Record(r) = item else { panic!("{item:?}") };
            prop_assert_eq!(&r.text, text.trim());
            prop_assert_eq!(r.call_id.as_deref(), Some(id.as_str()));
            prop_assert_eq!(r.source.line, line);
            line += 1 + text.matches('\n').count() as u64;
        }
    }

    #[test]
    fn transcripts_yield_one_record_per_utterance_line(
        lines in prop::collection::vec(("[\\u{4e00}-\\u{9fa5}a-z ，。]{1,20}", prop::sample::select(vec!["客服", "客户", "坐席", "用户"])), 1..20),
    ) {
        let mut input = String::new();
        for (i, (text, who)) in lines.iter().enumerate() {
            input.push_str(&format!("[00:{:02}:{:02}] {who}：{text}\n", i / 60, i % 60));
        }
        let items: Vec<Item> = read("t.txt", input.as_bytes(), &ReadOptions::default()).unwrap().collect();
        prop_assert_eq!(items.len(), lines.len());
        for (item, (text, _)) in items.iter().zip(&lines) {
            let Item::Record(r) = item else { panic!("{item:?}") };
            prop_assert_eq!(&r.text, text.trim());
            prop_assert!(r.speaker != xinsheng::Speaker::Unknown);
        }
    }
}
