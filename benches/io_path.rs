//! Benchmarks of the batch CLI's work around the analysis: reading records (decode,
//! split, parse) and rendering scored records, per record.
//!
//! ```text
//! cargo bench -p xinsheng-io                   # about 30 seconds
//! ```
//!
//! In `xinsheng score`, reading runs on a thread of its own and rendering on the scoring
//! threads, next to `analyze` (see `cargo bench -p xinsheng`): with `-j1` the scoring
//! thread is `analyze` plus rendering, and with `-j2` the reader shares the two cores with
//! the scorers. The corpus is the committed fixture `benches/fixtures/utterances.txt`
//! written out as 2,070 records of calls of 10 turns, as JSONL, as UTF-8 CSV and as GBK
//! CSV (the exports analysts get). Throughput is in records (elements) and bytes of input.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use xinsheng::{Analyzer, Speaker, UtteranceAnalysis};
use xinsheng_io::write::{record_format, ScoreFormat};
use xinsheng_io::{Item, ReadOptions, Record};

mod estimates;

const UTTERANCES: &str = include_str!("fixtures/utterances.txt");

/// `(speaker label, text)` of the fixture, ten times over.
fn utterances() -> Vec<(&'static str, &'static str)> {
    let lines: Vec<(&str, &str)> = UTTERANCES
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (tag, text) = l.split_once('\t').expect("SPEAKER<TAB>TEXT");
            (if tag == "A" { "客服" } else { "客户" }, text)
        })
        .collect();
    lines
        .iter()
        .copied()
        .cycle()
        .take(lines.len() * 10)
        .collect()
}

fn jsonl(rows: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, (speaker, text)) in rows.iter().enumerate() {
        let line = serde_json::json!({
            "call_id": format!("B-{:05}", i / 10),
            "turn": i % 10 + 1,
            "speaker": speaker,
            "text": text,
            "ts": format!("2024-06-02 09:{:02}:{:02}", (i / 60) % 60, i % 60),
        });
        out.extend_from_slice(line.to_string().as_bytes());
        out.push(b'\n');
    }
    out
}

fn csv(rows: &[(&str, &str)]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["call_id", "turn", "speaker", "text", "ts"])
        .unwrap();
    for (i, (speaker, text)) in rows.iter().enumerate() {
        w.write_record([
            format!("B-{:05}", i / 10).as_str(),
            (i % 10 + 1).to_string().as_str(),
            speaker,
            text,
            format!("2024-06-02 09:{:02}:{:02}", (i / 60) % 60, i % 60).as_str(),
        ])
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// The records of `bytes`, read as the CLI reads them (every one must read).
fn records<'a>(name: &str, bytes: &'a [u8]) -> impl Iterator<Item = Record> + 'a {
    xinsheng_io::read(name, bytes, &ReadOptions::default())
        .expect("readable")
        .map(|item| match item {
            Item::Record(r) => r,
            Item::Error(e) => panic!("bench corpus record failed: {e}"),
        })
}

/// Read every record of `bytes`; how many there were.
fn read_all(name: &str, bytes: &[u8]) -> usize {
    records(name, bytes)
        .map(|r| black_box(r.text.len()).min(1))
        .sum()
}

fn main() {
    estimates::start();
    let mut c = Criterion::default()
        .configure_from_args()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let rows = utterances();
    let jsonl = jsonl(&rows);
    let csv_utf8 = csv(&rows);
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv_utf8);
    assert!(!unmappable, "the fixture has a char GBK lacks");
    let inputs: [(&str, &str, &[u8]); 3] = [
        ("jsonl", "bench.jsonl", &jsonl),
        ("csv-utf8", "bench.csv", csv_utf8.as_bytes()),
        ("csv-gbk", "bench.csv", &gbk),
    ];

    let mut g = c.benchmark_group("read");
    g.throughput(Throughput::Elements(rows.len() as u64));
    for (id, name, bytes) in inputs {
        assert_eq!(read_all(name, bytes), rows.len(), "{id}");
        g.bench_function(id, |b| b.iter(|| read_all(name, black_box(bytes))));
    }
    g.finish();

    // Rendering: the records of the JSONL corpus, scored once.
    let analyzer = Analyzer::new();
    let scored: Vec<(Record, UtteranceAnalysis)> = records("bench.jsonl", &jsonl)
        .map(|r| {
            let speaker = if r.speaker == Speaker::Unknown {
                Speaker::Customer
            } else {
                r.speaker
            };
            let a = analyzer.analyze(&r.text, speaker);
            (r, a)
        })
        .collect();
    let mut g = c.benchmark_group("render");
    g.throughput(Throughput::Elements(scored.len() as u64));
    for (id, format) in [("jsonl", ScoreFormat::Jsonl), ("csv", ScoreFormat::Csv)] {
        let mut f = record_format(format);
        f.start(Some(&scored[0].0), &mut Vec::new());
        let mut out = Vec::with_capacity(1 << 20);
        g.bench_function(id, |b| {
            b.iter(|| {
                out.clear();
                for (r, a) in &scored {
                    f.scored(r, a, &mut out);
                }
                black_box(out.len())
            })
        });
    }
    g.finish();

    c.final_summary();
    println!("\nMedians of this run, per record:");
    for (group, id, n) in [
        ("read", "jsonl", rows.len()),
        ("read", "csv-utf8", rows.len()),
        ("read", "csv-gbk", rows.len()),
        ("render", "jsonl", scored.len()),
        ("render", "csv", scored.len()),
    ] {
        if let Some(ns) = estimates::median(group, id) {
            println!(
                "  {:<16} {:>6.0} ns",
                format!("{group}/{id}"),
                ns / n as f64
            );
        }
    }
}
