//! Benchmarks that guard xinsheng's hot path, with bare jieba segmentation as the baseline.
//!
//! ```text
//! cargo bench -p xinsheng                      # everything, about 1.5 minutes
//! cargo bench -p xinsheng -- utterance/        # one family
//! ```
//!
//! Inputs are the committed fixtures `benches/fixtures/utterances.txt` (~200 customer and
//! agent lines) and `benches/fixtures/call.txt` (one 12-turn call). Every utterance group
//! times `Analyzer::analyze` on a set of utterances next to a bare `Jieba::cut(text, true)`
//! (HMM on, default dictionary) on the same utterances, normalized beforehand with
//! `xinsheng::normalize::normalize` so that both see the same text. Throughput is reported
//! in bytes of the original text for the utterance groups and in utterances (elements) for
//! the conversation, stage and batch groups. After the run, a table of median ratios
//! (analyze / bare cut, sequential / parallel) is printed from criterion's estimates.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput};
use estimates::median;
use jieba_rs::Jieba;
use xinsheng::normalize::normalize;
use xinsheng::{Analyzer, Speaker, Turn};

mod estimates;

const UTTERANCES: &str = include_str!("fixtures/utterances.txt");
const CALL: &str = include_str!("fixtures/call.txt");

/// `(speaker, text)` lines of a fixture.
fn parse(fixture: &str) -> Vec<(Speaker, &str)> {
    fixture
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (tag, text) = l
                .split_once('\t')
                .expect("fixture line is SPEAKER<TAB>TEXT");
            let speaker = match tag {
                "C" => Speaker::Customer,
                "A" => Speaker::Agent,
                other => panic!("unknown speaker tag {other:?} in a fixture"),
            };
            (speaker, text)
        })
        .collect()
}

/// Length classes of the utterance groups, in chars.
const CLASSES: [(&str, usize, usize); 3] = [
    ("short", 1, 10),
    ("typical", 20, 40),
    ("long", 200, usize::MAX),
];

fn speaker_name(s: Speaker) -> &'static str {
    match s {
        Speaker::Agent => "agent",
        _ => "customer",
    }
}

fn bytes(texts: &[&str]) -> u64 {
    texts.iter().map(|t| t.len() as u64).sum()
}

fn construction(c: &mut Criterion) {
    let mut g = c.benchmark_group("construct");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("analyzer_new", |b| b.iter(|| black_box(Analyzer::new())));
    g.bench_function("jieba_new", |b| b.iter(|| black_box(Jieba::new())));
    g.finish();
}

/// `analyze` vs bare `Jieba::cut` per speaker and length class.
fn utterances(c: &mut Criterion, analyzer: &Analyzer, jieba: &Jieba) {
    let lines = parse(UTTERANCES);
    for speaker in [Speaker::Customer, Speaker::Agent] {
        for (class, min, max) in CLASSES {
            let texts: Vec<&str> = lines
                .iter()
                .filter(|(s, t)| *s == speaker && (min..=max).contains(&t.chars().count()))
                .map(|(_, t)| *t)
                .collect();
            assert!(
                !texts.is_empty(),
                "no {class} {speaker:?} line in the fixture"
            );
            let normalized: Vec<String> = texts.iter().map(|t| normalize(t).text).collect();
            let mut g = c.benchmark_group(format!("utterance/{}-{class}", speaker_name(speaker)));
            g.sample_size(30)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(2))
                .throughput(Throughput::Bytes(bytes(&texts)));
            let n = texts.len();
            g.bench_function(BenchmarkId::new("analyze", n), |b| {
                b.iter(|| {
                    for t in &texts {
                        black_box(analyzer.analyze(black_box(t), speaker));
                    }
                })
            });
            g.bench_function(BenchmarkId::new("jieba_cut", n), |b| {
                b.iter(|| {
                    for t in &normalized {
                        black_box(jieba.cut(black_box(t), true));
                    }
                })
            });
            g.finish();
        }
    }
}

/// A segmenter like the analyzer's own: jieba's default dictionary plus every multi-char,
/// non-ASCII lexicon term (normalized), added longest first as `AnalyzerBuilder::build`
/// does.
fn jieba_with_lexicon_terms() -> Jieba {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../lexicons");
    let mut terms: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the lexicons directory") {
        let path = entry.expect("a lexicon file").path();
        if path.extension().is_none_or(|e| e != "tsv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a UTF-8 lexicon file");
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            let term = normalize(line.split('\t').next().unwrap_or("").trim()).text;
            let term = term.trim();
            if term.chars().count() >= 2 && !term.is_ascii() {
                terms.push(term.to_string());
            }
        }
    }
    terms.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    terms.dedup();
    let mut jieba = Jieba::new();
    for t in &terms {
        jieba.add_word(t, None, None);
    }
    jieba
}

/// Where the time of a typical customer utterance goes: normalization, segmentation with
/// the lexicon terms in the dictionary (as the analyzer segments), and the whole analysis.
fn stages(c: &mut Criterion, analyzer: &Analyzer, jieba: &Jieba) {
    let texts: Vec<&str> = parse(UTTERANCES)
        .into_iter()
        .filter(|(s, t)| *s == Speaker::Customer && (20..=40).contains(&t.chars().count()))
        .map(|(_, t)| t)
        .collect();
    let normalized: Vec<String> = texts.iter().map(|t| normalize(t).text).collect();
    let lexicon_jieba = jieba_with_lexicon_terms();
    let mut g = c.benchmark_group("stages/customer-typical");
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("normalize", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(normalize(black_box(t)));
            }
        })
    });
    g.bench_function("jieba_cut", |b| {
        b.iter(|| {
            for t in &normalized {
                black_box(jieba.cut(black_box(t), true));
            }
        })
    });
    g.bench_function("jieba_cut_lexicon_dict", |b| {
        b.iter(|| {
            for t in &normalized {
                black_box(lexicon_jieba.cut(black_box(t), true));
            }
        })
    });
    g.bench_function("analyze", |b| {
        b.iter(|| {
            for t in &texts {
                black_box(analyzer.analyze(black_box(t), Speaker::Customer));
            }
        })
    });
    g.finish();
}

/// A 12-turn call: the whole conversation analysis vs its turns alone vs bare cut.
fn conversation(c: &mut Criterion, analyzer: &Analyzer, jieba: &Jieba) {
    let call: Vec<Turn<'_>> = parse(CALL)
        .into_iter()
        .map(|(s, t)| Turn::new(s, t))
        .collect();
    assert_eq!(call.len(), 12, "the call fixture has 12 turns");
    let normalized: Vec<String> = call.iter().map(|t| normalize(t.text).text).collect();
    let mut g = c.benchmark_group("conversation/12-turns");
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(call.len() as u64));
    g.bench_function("analyze_conversation", |b| {
        b.iter(|| black_box(analyzer.analyze_conversation(black_box(&call))))
    });
    g.bench_function("analyze_turns", |b| {
        b.iter(|| {
            for t in &call {
                black_box(analyzer.analyze(black_box(t.text), t.speaker));
            }
        })
    });
    g.bench_function("jieba_cut", |b| {
        b.iter(|| {
            for t in &normalized {
                black_box(jieba.cut(black_box(t), true));
            }
        })
    });
    g.finish();
}

/// The whole fixture, four times over: one thread vs rayon in a 2-thread pool.
fn batch(c: &mut Criterion, analyzer: &Analyzer) {
    let lines = parse(UTTERANCES);
    let texts: Vec<&str> = (0..4).flat_map(|_| lines.iter().map(|(_, t)| *t)).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("a 2-thread pool");
    let mut g = c.benchmark_group(format!("batch/{}-utterances", texts.len()));
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(texts.len() as u64));
    g.bench_function("sequential", |b| {
        b.iter(|| {
            black_box(analyzer.analyze_batch_sequential(black_box(&texts), Speaker::Customer))
        })
    });
    g.bench_function("rayon_2_threads", |b| {
        b.iter(|| {
            pool.install(|| black_box(analyzer.analyze_batch(black_box(&texts), Speaker::Customer)))
        })
    });
    g.finish();
}

/// The ratios the performance targets are stated in.
fn print_ratios() {
    let mut rows: Vec<(String, f64, &str)> = Vec::new();
    let lines = parse(UTTERANCES);
    for speaker in [Speaker::Customer, Speaker::Agent] {
        for (class, min, max) in CLASSES {
            let n = lines
                .iter()
                .filter(|(s, t)| *s == speaker && (min..=max).contains(&t.chars().count()))
                .count();
            let group = format!("utterance/{}-{class}", speaker_name(speaker));
            if let (Some(a), Some(j)) = (
                median(&group, &format!("analyze/{n}")),
                median(&group, &format!("jieba_cut/{n}")),
            ) {
                rows.push((group, a / j, "analyze / bare cut (target <= 1.3)"));
            }
        }
    }
    let g = "stages/customer-typical";
    if let (Some(j), Some(l), Some(nz), Some(a)) = (
        median(g, "jieba_cut"),
        median(g, "jieba_cut_lexicon_dict"),
        median(g, "normalize"),
        median(g, "analyze"),
    ) {
        rows.push((g.to_string(), nz / j, "normalize / bare cut"));
        rows.push((g.to_string(), l / j, "cut with lexicon terms / bare cut"));
        rows.push((g.to_string(), a / j, "analyze / bare cut"));
        rows.push((g.to_string(), a / l, "analyze / cut with lexicon terms"));
    }
    let g = "conversation/12-turns";
    if let (Some(a), Some(j)) = (median(g, "analyze_conversation"), median(g, "jieba_cut")) {
        rows.push((g.to_string(), a / j, "analyze_conversation / bare cut"));
    }
    let n = 4 * lines.len();
    let g = format!("batch/{n}-utterances");
    if let (Some(s), Some(p)) = (median(&g, "sequential"), median(&g, "rayon_2_threads")) {
        rows.push((g, s / p, "speedup, 2 threads vs 1 (target >= 1.7)"));
    }
    if let Some(a) = median("construct", "analyzer_new") {
        rows.push((
            "construct".into(),
            a / 1e6,
            "Analyzer::new, ms (target < 250)",
        ));
    }
    if rows.is_empty() {
        return;
    }
    println!(
        "\nMedians of this run ({}):",
        estimates::criterion_dir().display()
    );
    for (group, ratio, what) in rows {
        println!("  {group:<28} {ratio:>8.2}  {what}");
    }
}

fn main() {
    estimates::start();
    // No HTML plots: they cost more time than the measurements on a small machine.
    let mut c = Criterion::default().without_plots().configure_from_args();
    construction(&mut c);
    let analyzer = Analyzer::new();
    let jieba = Jieba::new();
    utterances(&mut c, &analyzer, &jieba);
    stages(&mut c, &analyzer, &jieba);
    conversation(&mut c, &analyzer, &jieba);
    batch(&mut c, &analyzer);
    c.final_summary();
    print_ratios();
}
