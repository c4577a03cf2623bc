//! Property tests, in process through the CLI's library pipeline (the same code the
//! binary runs): no panic on arbitrary input, bounded scores, one output line per input
//! record, and the same bytes whatever the thread count and chunk size.

use std::sync::OnceLock;

use proptest::prelude::*;
use xinsheng::Analyzer;
use xinsheng_cli::report::Reporter;
use xinsheng_cli::{pipeline, Input, Options};
use xinsheng_io::write::ScoreFormat;

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(Analyzer::new)
}

fn score(
    name: &str,
    bytes: &[u8],
    threads: usize,
    chunk: usize,
    format: ScoreFormat,
) -> (Vec<u8>, pipeline::Summary) {
    let opts = Options {
        threads,
        chunk_records: chunk,
        ..Options::default()
    };
    let mut out = Vec::new();
    let summary = pipeline::score(
        analyzer(),
        vec![Input::bytes(name, bytes.to_vec())],
        &opts,
        format,
        &mut out,
        &mut Reporter::default(),
    )
    .expect("writing to memory cannot fail");
    (out, summary)
}

/// Input lines: random bytes, random text, transcript-like lines and JSON records.
fn line() -> impl Strategy<Value = Vec<u8>> {
    let texts = prop_oneof![
        "\\PC{0,30}",
        Just("我要投诉，再不退款就打12315！".to_string()),
        Just("不是不满意".to_string()),
        Just("谢谢你！！！".to_string()),
        Just("这个不归我管".to_string()),
    ];
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..60),
        "\\PC{0,40}".prop_map(String::into_bytes),
        (prop_oneof![Just("客户"), Just("客服"), Just("张三"), Just("")], texts.clone())
            .prop_map(|(s, t)| format!("[00:00:01] {s}：{t}").into_bytes()),
        (any::<u8>(), texts).prop_map(|(id, t)| {
            serde_json::json!({"call_id": id % 3, "speaker": if id % 2 == 0 { "客户" } else { "客服" }, "text": t})
                .to_string()
                .into_bytes()
        }),
    ]
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(line(), 0..24).prop_map(|lines| lines.join(&b"\n"[..]))
}

fn check_bounds(v: &serde_json::Value) {
    let x = &v["xinsheng"];
    let valence = x["valence"].as_f64().expect("valence");
    let intensity = x["intensity"].as_f64().expect("intensity");
    let risk = x["escalation"]["risk"].as_f64().expect("risk");
    assert!((-1.0..=1.0).contains(&valence), "valence {valence}");
    assert!((0.0..=1.0).contains(&intensity), "intensity {intensity}");
    assert!((0.0..=1.0).contains(&risk), "risk {risk}");
    let sum: f64 = x["emotions"]
        .as_object()
        .expect("emotions")
        .values()
        .map(|s| s.as_f64().expect("score"))
        .sum();
    assert!((sum - 1.0).abs() < 1e-3, "emotion scores sum to {sum}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_lines_never_panic_and_every_record_yields_one_line(
        bytes in input(),
        name in prop_oneof![Just("x.jsonl"), Just("x.txt"), Just("x.csv"), Just("x.tsv"), Just("x")],
    ) {
        let (out, summary) = score(name, &bytes, 2, 5, ScoreFormat::Jsonl);
        let text = String::from_utf8(out).expect("output is UTF-8");
        let lines: Vec<&str> = text.lines().collect();
        prop_assert_eq!(lines.len() as u64, summary.read + summary.input_errors);
        prop_assert_eq!(summary.read, summary.scored + summary.errors);
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l).expect("each line is JSON");
            if v.get("error").is_some() {
                prop_assert!(v["source"].is_string());
            } else {
                check_bounds(&v);
            }
        }
    }

    #[test]
    fn jsonl_and_text_count_every_line(bytes in input(), text in any::<bool>()) {
        let name = if text { "x.txt" } else { "x.jsonl" };
        prop_assume!(!bytes.starts_with(b"\xEF\xBB\xBF") && !bytes.starts_with(b"\xFF\xFE") && !bytes.starts_with(b"\xFE\xFF"));
        // A JSON array is read by elements, not lines.
        let mut syntax = bytes.iter().filter(|b| !b" \t\r\n".contains(b));
        prop_assume!(text || syntax.next() != Some(&b'[') || !matches!(syntax.next(), Some(b'{' | b']') | None));
        let (_, s) = score(name, &bytes, 1, 1000, ScoreFormat::Jsonl);
        if s.input_errors > 0 {
            // Refused whole (mostly binary, or a broken gzip stream): one error.
            prop_assert_eq!((s.input_errors, s.read, s.skipped), (1, 0, 0));
        } else {
            // Lines end with LF, or with a lone CR in an input without LF.
            let end = if !bytes.contains(&b'\n') && bytes.contains(&b'\r') { b'\r' } else { b'\n' };
            let breaks = bytes.iter().filter(|b| **b == end).count() as u64;
            let lines = breaks + u64::from(bytes.last().is_some_and(|b| *b != end));
            prop_assert_eq!(s.read + s.skipped, lines);
        }
    }

    #[test]
    fn output_does_not_depend_on_threads_or_chunks(bytes in input(), csv in any::<bool>()) {
        let format = if csv { ScoreFormat::Csv } else { ScoreFormat::Jsonl };
        let (a, _) = score("x", &bytes, 1, 1, format);
        let (b, _) = score("x", &bytes, 2, 3, format);
        let (c, _) = score("x", &bytes, 2, 4096, format);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(&a, &c);
    }
}
