//! Throughput of the batch API (`Analyzer::analyze_batch`, rayon) on a file of
//! utterances, one per line: the Rust side of `crates/xinsheng-py/bench/bench.py`.
//!
//! ```text
//! cargo run --release -p xinsheng --example batch_throughput -- FILE [RUNS] [THREADS]
//! ```
//!
//! Builds the analyzer (not timed), analyzes the whole file once to warm up, then RUNS
//! times (default 3), on THREADS threads (default: rayon's, all cores), and prints one
//! JSON line: `{"texts": N, "threads": T, "seconds": [...]}`.

use std::time::Instant;

use xinsheng::{Analyzer, Speaker};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: batch_throughput FILE [RUNS] [THREADS]");
        std::process::exit(2);
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let threads: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rayon::current_num_threads);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let lines: Vec<&str> = text.lines().collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    let an = Analyzer::new();
    let mut seconds = Vec::with_capacity(runs);
    pool.install(|| {
        std::hint::black_box(an.analyze_batch(&lines, Speaker::Customer));
        for _ in 0..runs {
            let t = Instant::now();
            std::hint::black_box(an.analyze_batch(&lines, Speaker::Customer));
            seconds.push(t.elapsed().as_secs_f64());
        }
    });
    let secs: Vec<String> = seconds.iter().map(|s| format!("{s:.4}")).collect();
    println!(
        "{{\"texts\": {}, \"threads\": {threads}, \"seconds\": [{}]}}",
        lines.len(),
        secs.join(", ")
    );
}
