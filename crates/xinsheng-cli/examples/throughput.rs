//! End-to-end throughput of `xinsheng score`, against bare jieba segmentation.
//!
//! ```text
//! cargo run --release -p xinsheng-cli --example throughput [-- --size-mb N] [--rss-size-mb M]
//!     [--runs R] [--fixtures] [--data DIR] [--keep] [--no-build] [--calls]
//! ```
//!
//! 1. Builds a JSONL corpus of about N MB (default 20) in a temporary directory: calls
//!    with varied call ids and turn counts, drawn from the customer-service dialogues of
//!    `../shared/data` when present (read only: nothing of it is written into the
//!    repository), else from the project's own fixtures `benches/fixtures/utterances.txt`.
//! 2. In-process, on the same utterances, single thread: `Analyzer::new()` time (median of
//!    5), bare `jieba_rs::Jieba::cut(text, true)` (default dictionary, HMM on) on text
//!    normalized beforehand with `xinsheng::normalize::normalize`, and `Analyzer::analyze`,
//!    alternating over chunks of 8,192 utterances so that other work on a shared machine
//!    slows both alike (R runs, default 5).
//! 3. R rounds of: bare cut in-process, then the release binary
//!    `target/release/xinsheng score -j1 IN -o OUT`, then `-j2` (and, on a machine with
//!    more cores, R runs with all of them), each timed and its peak
//!    resident memory polled from `/proc/<pid>/status` (VmHWM) until it exits — Linux
//!    only; elsewhere RSS is reported as n/a. Ratios are taken within a round, and their
//!    medians reported. The binary is brought up to date first with
//!    `cargo build --release -p xinsheng-cli` (`--no-build` skips that).
//! 4. Runs `xinsheng flag -j2` on the same corpus (the whole worklist of calls at or above
//!    `high`, which `flag` spills to disk past a budget), then `score -j1`, `-j2` and
//!    `flag -j2` on a corpus of M MB (default 5 × N; 0 skips it), to show that peak RSS
//!    does not grow with the input size.
//! 5. With `--calls`, each round of step 3 also runs `xinsheng calls -j2` on the corpus
//!    (its calls whole, one after another, as an export per call writes them) and on a
//!    copy with the calls interleaved (windows of 64 calls, turn by turn, as an export
//!    ordered by time writes them), and reports each against `score -j2` of its round.
//!
//! It prints a table and the ratios the performance targets are stated in.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use jieba_rs::Jieba;
use serde_json::{json, Value};
use xinsheng::normalize::normalize;
use xinsheng::{Analyzer, Speaker};

/// Utterances per turn when bare cut and analyze alternate: large enough that each keeps
/// its working set in the caches (at 256, the cut ran ~1.7× slower behind analyze).
const CHUNK: usize = 8192;

const FIXTURE: &str = include_str!("../../../benches/fixtures/utterances.txt");

struct Opts {
    size_mb: f64,
    rss_size_mb: Option<f64>,
    runs: usize,
    fixtures: bool,
    data: Option<PathBuf>,
    keep: bool,
    build: bool,
    calls: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo run --release -p xinsheng-cli --example throughput -- \
         [--size-mb N] [--rss-size-mb M] [--runs R] [--fixtures] [--data DIR] [--keep] [--no-build] \
         [--calls]"
    );
    std::process::exit(2)
}

fn parse_args() -> Opts {
    let mut o = Opts {
        size_mb: 20.0,
        rss_size_mb: None,
        runs: 5,
        fixtures: false,
        data: None,
        keep: false,
        build: true,
        calls: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match a.as_str() {
            "--size-mb" => o.size_mb = value().parse().unwrap_or_else(|_| usage()),
            "--rss-size-mb" => o.rss_size_mb = Some(value().parse().unwrap_or_else(|_| usage())),
            "--runs" => o.runs = value().parse().unwrap_or_else(|_| usage()),
            "--data" => o.data = Some(PathBuf::from(value())),
            "--fixtures" => o.fixtures = true,
            "--keep" => o.keep = true,
            "--calls" => o.calls = true,
            "--no-build" => o.build = false,
            "-h" | "--help" => usage(),
            _ => usage(),
        }
    }
    if o.size_mb <= 0.0 || o.runs == 0 {
        usage()
    }
    o
}

/// SplitMix64: a small deterministic generator, so every run builds the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A source call: its turns as (speaker, text).
type Call = Vec<(Speaker, String)>;

/// Calls of the shared data sets (JDDC and STC-3 customer-service chats), if present.
fn shared_calls(dir: &Path) -> Vec<Call> {
    let mut calls = Vec::new();
    let mut push = |turns: Call| {
        if turns.len() >= 2 {
            calls.push(turns);
        }
    };
    // JDDC: {"turns": [{"user": text, "system": text or ""}]}.
    if let Ok(text) =
        std::fs::read_to_string(dir.join("satisfaction/jddc_uss_valid.dialogues.jsonl"))
    {
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let mut turns = Vec::new();
            for t in v["turns"].as_array().into_iter().flatten() {
                for (key, speaker) in [("user", Speaker::Customer), ("system", Speaker::Agent)] {
                    if let Some(s) = t[key].as_str().filter(|s| !s.trim().is_empty()) {
                        turns.push((speaker, s.to_string()));
                    }
                }
            }
            push(turns);
        }
    }
    // STC-3: {"turns": [{"sender": "customer"|"helpdesk", "utterances": [text]}]}.
    if let Ok(text) = std::fs::read_to_string(dir.join("satisfaction/stc3_dch_part1.jsonl")) {
        for line in text.lines() {
            let Ok(v) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let mut turns = Vec::new();
            for t in v["turns"].as_array().into_iter().flatten() {
                let speaker = match t["sender"].as_str() {
                    Some("helpdesk") => Speaker::Agent,
                    _ => Speaker::Customer,
                };
                for u in t["utterances"].as_array().into_iter().flatten() {
                    if let Some(s) = u.as_str().filter(|s| !s.trim().is_empty()) {
                        turns.push((speaker, s.to_string()));
                    }
                }
            }
            push(turns);
        }
    }
    calls
}

/// Calls made of fixture lines: 6 to 16 turns, customer and agent alternating mostly.
fn fixture_calls(rng: &mut Rng) -> Vec<Call> {
    let lines: Vec<(Speaker, &str)> = FIXTURE
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(tag, text)| {
            (
                if tag == "A" {
                    Speaker::Agent
                } else {
                    Speaker::Customer
                },
                text,
            )
        })
        .collect();
    let customer: Vec<&str> = lines
        .iter()
        .filter(|l| l.0 == Speaker::Customer)
        .map(|l| l.1)
        .collect();
    let agent: Vec<&str> = lines
        .iter()
        .filter(|l| l.0 == Speaker::Agent)
        .map(|l| l.1)
        .collect();
    (0..500)
        .map(|_| {
            let n = 6 + rng.below(11);
            let mut speaker = Speaker::Customer;
            (0..n)
                .map(|_| {
                    let pool = if speaker == Speaker::Agent {
                        &agent
                    } else {
                        &customer
                    };
                    let turn = (speaker, pool[rng.below(pool.len())].to_string());
                    // Mostly alternating, sometimes two turns in a row by one side.
                    if rng.below(4) != 0 {
                        speaker = if speaker == Speaker::Agent {
                            Speaker::Customer
                        } else {
                            Speaker::Agent
                        };
                    }
                    turn
                })
                .collect()
        })
        .collect()
}

/// Write about `bytes` of JSONL calls to `path`; return the utterances written, in order.
fn write_corpus(
    path: &Path,
    calls: &[Call],
    bytes: u64,
    rng: &mut Rng,
) -> std::io::Result<Vec<(Speaker, String)>> {
    let mut out = BufWriter::new(File::create(path)?);
    let mut written = 0u64;
    let mut utterances = Vec::new();
    let channels = ["phone", "app", "web", "wechat"];
    let mut call_no = 0u64;
    while written < bytes {
        let call = &calls[rng.below(calls.len())];
        call_no += 1;
        let call_id = format!("T{:02}-{call_no:07}", rng.below(100));
        let channel = channels[rng.below(channels.len())];
        let mut second = rng.below(86_400);
        for (i, (speaker, text)) in call.iter().enumerate() {
            second += 5 + rng.below(90);
            let rec = json!({
                "call_id": call_id,
                "turn": i + 1,
                "speaker": if *speaker == Speaker::Agent { "客服" } else { "客户" },
                "text": text,
                "ts": format!("2024-06-{:02} {:02}:{:02}:{:02}", 1 + (call_no % 28), (second / 3600) % 24, (second / 60) % 60, second % 60),
                "channel": channel,
            });
            let line = serde_json::to_string(&rec).expect("a JSON value serializes");
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
            written += line.len() as u64 + 1;
            utterances.push((*speaker, text.clone()));
        }
    }
    out.flush()?;
    Ok(utterances)
}

/// Peak resident set (VmHWM, KiB) of a running process; None off Linux or once it exited.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU seconds (user + system) a running process has used so far; None off Linux or once
/// it exited. Ticks are taken as 1/100 s (USER_HZ on Linux).
fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

struct CliRun {
    wall: Duration,
    peak_kib: Option<u64>,
    cpu: Option<f64>,
}

/// Run `xinsheng score -jT IN -o OUT`, polling its peak RSS until it exits.
fn run_cli(bin: &Path, threads: usize, input: &Path, output: &Path, expect_lines: usize) -> CliRun {
    run_command(bin, "score", threads, input, output, Some(expect_lines))
}

/// Run `xinsheng COMMAND -jT IN -o OUT` (`score`: one line out per record, checked when
/// `expect_lines` is given), polling its peak RSS until it exits.
fn run_command(
    bin: &Path,
    command: &str,
    threads: usize,
    input: &Path,
    output: &Path,
    expect_lines: Option<usize>,
) -> CliRun {
    let t0 = Instant::now();
    let mut child = Command::new(bin)
        .arg(command)
        .arg(format!("-j{threads}"))
        .arg(input)
        .arg("-o")
        .arg(output)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let pid = child.id();
    let mut peak: Option<u64> = None;
    let mut cpu: Option<f64> = None;
    let status = loop {
        if let Some(k) = vm_hwm_kib(pid) {
            peak = Some(peak.map_or(k, |p| p.max(k)));
        }
        if let Some(c) = cpu_secs(pid) {
            cpu = Some(c);
        }
        match child.try_wait().expect("waiting for the CLI") {
            Some(status) => break status,
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let wall = t0.elapsed();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    assert!(
        status.success(),
        "xinsheng {command} -j{threads} failed ({status}):\n{stderr}"
    );
    let lines = std::fs::read(output)
        .map(|b| bytecount_lines(&b))
        .unwrap_or(0);
    match expect_lines {
        Some(n) => assert_eq!(
            lines, n,
            "xinsheng {command} -j{threads} wrote {lines} lines for {n} records"
        ),
        None => assert!(lines > 0, "xinsheng {command} -j{threads} wrote nothing"),
    }
    CliRun {
        wall,
        peak_kib: peak,
        cpu,
    }
}

fn bytecount_lines(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c == b'\n').count()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Median seconds of `runs` runs of `f`.
fn time_median(runs: usize, mut f: impl FnMut()) -> f64 {
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn command_line(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a (Linux only)".into(), |k| {
        format!("{:.1} MiB", k as f64 / 1024.0)
    })
}

fn verdict(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// The release binary, built first unless `--no-build`; exits when it is missing.
fn release_binary(root: &Path, build: bool) -> PathBuf {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bin = target.join("release").join(if cfg!(windows) {
        "xinsheng.exe"
    } else {
        "xinsheng"
    });
    if build {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        eprintln!(
            "building the release binary: {cargo} build --release -p xinsheng-cli --bin xinsheng"
        );
        let ok = Command::new(&cargo)
            .args([
                "build",
                "--release",
                "-p",
                "xinsheng-cli",
                "--bin",
                "xinsheng",
            ])
            .current_dir(root)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "cargo build --release -p xinsheng-cli failed");
    }
    if !bin.exists() {
        eprintln!(
            "{} is missing: build it with `cargo build --release -p xinsheng-cli`",
            bin.display()
        );
        std::process::exit(2);
    }
    bin
}

fn print_machine() {
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    println!("rustc:   {}", command_line("rustc", &["--version"]));
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load:    {} (before the run; other work on the machine adds noise)",
            load.trim()
        );
    }
}

/// The source calls: the shared data's chats, else the fixtures; and what they are.
fn source_calls(o: &Opts, root: &Path, rng: &mut Rng) -> (Vec<Call>, String) {
    let data_dir = o
        .data
        .clone()
        .unwrap_or_else(|| root.join("../shared/data"));
    let calls = if o.fixtures {
        Vec::new()
    } else {
        shared_calls(&data_dir)
    };
    if calls.is_empty() {
        let source = "fixtures (benches/fixtures/utterances.txt)".to_string();
        (fixture_calls(rng), source)
    } else {
        let source = format!(
            "{} calls of {} (read only)",
            calls.len(),
            data_dir.display()
        );
        (calls, source)
    }
}

/// The corpus written for the CLI runs.
struct Corpus {
    input: PathBuf,
    utterances: Vec<(Speaker, String)>,
    in_mb: f64,
    text_mb: f64,
}

/// Calls a chat export ordered by time would interleave: windows of this many calls,
/// every call's first turn, then every second turn … (the `--calls` rounds).
const INTERLEAVE_WINDOW: usize = 64;

/// Write `input` again with its calls interleaved ([`INTERLEAVE_WINDOW`]) to `path`.
fn write_interleaved(input: &Path, path: &Path) -> std::io::Result<()> {
    let text = std::fs::read_to_string(input)?;
    // The corpus is written call after call: a call is a run of lines with one call id.
    let mut calls: Vec<Vec<&str>> = Vec::new();
    let mut last_id: Option<Value> = None;
    for line in text.lines() {
        let id = serde_json::from_str::<Value>(line)
            .ok()
            .map(|v| v["call_id"].clone());
        if id.is_none() || id != last_id {
            calls.push(Vec::new());
            last_id = id;
        }
        if let Some(call) = calls.last_mut() {
            call.push(line);
        }
    }
    let mut out = BufWriter::new(File::create(path)?);
    for window in calls.chunks(INTERLEAVE_WINDOW) {
        let longest = window.iter().map(Vec::len).max().unwrap_or(0);
        for turn in 0..longest {
            for line in window.iter().filter_map(|c| c.get(turn)) {
                out.write_all(line.as_bytes())?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()
}

/// In-process timings, single thread.
struct InProcess {
    construct: f64,
    cut: f64,
    analyze: f64,
    analyze_ratio: f64,
}

/// `Analyzer::new()`, then bare cut and `analyze` alternating over chunks of utterances
/// (the machine may be shared: a burst of other work slows both alike, and each ratio is
/// taken within a run).
fn time_in_process(
    utterances: &[(Speaker, String)],
    normalized: &[String],
    runs: usize,
) -> InProcess {
    let construct = time_median(5, || {
        std::hint::black_box(Analyzer::new());
    });
    let analyzer = Analyzer::new();
    let jieba = Jieba::new();
    let (mut cuts, mut analyses, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let (mut cut, mut analyze) = (0.0, 0.0);
        for (norm, utts) in normalized.chunks(CHUNK).zip(utterances.chunks(CHUNK)) {
            let t = Instant::now();
            for text in norm {
                std::hint::black_box(jieba.cut(text, true));
            }
            cut += t.elapsed().as_secs_f64();
            let t = Instant::now();
            for (speaker, text) in utts {
                std::hint::black_box(analyzer.analyze(text, *speaker));
            }
            analyze += t.elapsed().as_secs_f64();
        }
        cuts.push(cut);
        analyses.push(analyze);
        ratios.push(analyze / cut);
    }
    InProcess {
        construct,
        cut: median(cuts),
        analyze: median(analyses),
        analyze_ratio: median(ratios),
    }
}

/// The runs of the CLI rounds, and the ratios taken within each round.
#[derive(Default)]
struct Rounds {
    j1: Vec<CliRun>,
    j2: Vec<CliRun>,
    /// `calls -j2` on the corpus (calls whole, one after another), with `--calls`.
    calls: Vec<CliRun>,
    /// `calls -j2` on the same records interleaved, with `--calls`.
    calls_interleaved: Vec<CliRun>,
    cli_ratios: Vec<f64>,
    speedups: Vec<f64>,
    /// `calls -j2` / `score -j2`, grouped and interleaved.
    calls_ratios: Vec<f64>,
    interleaved_ratios: Vec<f64>,
}

/// Rounds of: bare cut in-process, `score -j1`, `score -j2` (and with `interleaved`,
/// `calls -j2` on the corpus and on that copy of it); ratios within each round.
fn cli_rounds(
    bin: &Path,
    corpus: &Corpus,
    normalized: &[String],
    interleaved: Option<&Path>,
    output: &Path,
    runs: usize,
) -> Rounds {
    let jieba = Jieba::new();
    let n = corpus.utterances.len();
    let mut r = Rounds::default();
    for _ in 0..runs {
        let t = Instant::now();
        for text in normalized {
            std::hint::black_box(jieba.cut(text, true));
        }
        let c = t.elapsed().as_secs_f64();
        let r1 = run_cli(bin, 1, &corpus.input, output, n);
        let r2 = run_cli(bin, 2, &corpus.input, output, n);
        r.cli_ratios.push(c / r1.wall.as_secs_f64());
        r.speedups
            .push(r1.wall.as_secs_f64() / r2.wall.as_secs_f64());
        if let Some(mixed) = interleaved {
            let g = run_command(bin, "calls", 2, &corpus.input, output, None);
            let i = run_command(bin, "calls", 2, mixed, output, None);
            r.calls_ratios
                .push(g.wall.as_secs_f64() / r2.wall.as_secs_f64());
            r.interleaved_ratios
                .push(i.wall.as_secs_f64() / r2.wall.as_secs_f64());
            r.calls.push(g);
            r.calls_interleaved.push(i);
        }
        r.j1.push(r1);
        r.j2.push(r2);
    }
    r
}

/// The median wall and CPU time of runs, and their highest peak RSS.
fn summarize(rs: &[CliRun]) -> CliRun {
    let cpus: Vec<f64> = rs.iter().filter_map(|r| r.cpu).collect();
    CliRun {
        wall: Duration::from_secs_f64(median(rs.iter().map(|r| r.wall.as_secs_f64()).collect())),
        peak_kib: rs.iter().filter_map(|r| r.peak_kib).max(),
        cpu: (!cpus.is_empty()).then(|| median(cpus)),
    }
}

fn print_header() {
    println!(
        "{:<40} {:>9} {:>12} {:>8} {:>10} {:>9}",
        "stage (median)", "wall", "utterances/s", "MB/s", "peak RSS", "CPU"
    );
}

/// One row of the table: `count` utterances of `mb` MB in `secs`.
fn row(name: &str, secs: f64, count: usize, mb: f64, rss: Option<u64>, cpu: Option<f64>) {
    println!(
        "{name:<40} {:>8.3}s {:>12.0} {:>8.2} {:>10} {:>9}",
        secs,
        count as f64 / secs,
        mb / secs,
        rss.map_or("-".into(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        cpu.map_or("-".into(), |c| format!("{c:.2}s")),
    );
}

/// A row of the CLI runs `r` over the corpus.
fn cli_row(name: &str, r: &CliRun, corpus: &Corpus) {
    let n = corpus.utterances.len();
    row(
        name,
        r.wall.as_secs_f64(),
        n,
        corpus.in_mb,
        r.peak_kib,
        r.cpu,
    );
}

/// Peak RSS of one run each of `score -j1`, `score -j2` and `flag -j2` (KiB).
type Peaks = (Option<u64>, Option<u64>, Option<u64>);

/// `score -j1`, `-j2` and `flag -j2` once on a corpus of `mb` MB (rows printed); its
/// size in bytes and the runs' peak RSS.
fn larger_corpus(bin: &Path, calls: &[Call], mb: f64, tmp: &Path, rng: &mut Rng) -> (u64, Peaks) {
    let big = tmp.join("corpus-large.jsonl");
    let output = tmp.join("scored-large.jsonl");
    let big_n = write_corpus(&big, calls, (mb * 1e6) as u64, rng)
        .expect("writing the corpus")
        .len();
    let bytes = std::fs::metadata(&big).map_or(0, |m| m.len());
    let big_mb = bytes as f64 / 1e6;
    let r1 = run_cli(bin, 1, &big, &output, big_n);
    let r2 = run_cli(bin, 2, &big, &output, big_n);
    let rf = run_command(bin, "flag", 2, &big, &output, None);
    for (name, r) in [
        (format!("xinsheng score -j1, {big_mb:.0} MB input"), &r1),
        (format!("xinsheng score -j2, {big_mb:.0} MB input"), &r2),
        (format!("xinsheng flag -j2, {big_mb:.0} MB input"), &rf),
    ] {
        row(
            &name,
            r.wall.as_secs_f64(),
            big_n,
            big_mb,
            r.peak_kib,
            r.cpu,
        );
    }
    let _ = std::fs::remove_file(&big);
    (bytes, (r1.peak_kib, r2.peak_kib, rf.peak_kib))
}

/// The ratios the targets are stated in, and peak RSS at each corpus size.
fn print_ratios(p: &InProcess, r: &Rounds, peaks: &[(u64, Peaks)]) {
    let cli_ratio = median(r.cli_ratios.clone());
    let speedup = median(r.speedups.clone());
    println!("\nratios, medians of per-run ratios (targets in brackets):");
    println!(
        "  analyze / bare cut, time per utterance    {:>6.2}×  [≤ 1.3×]   {}",
        p.analyze_ratio,
        verdict(p.analyze_ratio <= 1.3)
    );
    println!(
        "  CLI -j1 / bare cut, utterances per second {cli_ratio:>6.2}   [≥ 0.5]    {}",
        verdict(cli_ratio >= 0.5)
    );
    println!(
        "  CLI -j2 / -j1 speedup                     {speedup:>6.2}×  [≥ 1.7×]   {}",
        verdict(speedup >= 1.7)
    );
    println!(
        "  Analyzer::new()                           {:>6.0}ms [< 250 ms]  {}",
        p.construct * 1e3,
        verdict(p.construct < 0.25)
    );
    if !r.calls_ratios.is_empty() {
        println!(
            "  calls -j2 / score -j2, wall time: calls whole {:.2}×, interleaved {:.2}×",
            median(r.calls_ratios.clone()),
            median(r.interleaved_ratios.clone())
        );
    }
    let all = peaks.iter().flat_map(|(_, (a, b, c))| [*a, *b, *c]);
    let Some(max_peak) = all.flatten().max() else {
        println!("  peak RSS: n/a (read from /proc, Linux only)");
        return;
    };
    let sizes: Vec<String> = peaks
        .iter()
        .map(|(b, (p1, p2, pf))| {
            let mb = *b as f64 / 1e6;
            format!("{mb:.0} MB: {} / {} / {}", mib(*p1), mib(*p2), mib(*pf))
        })
        .collect();
    println!(
        "  peak RSS, score -j1 / -j2 / flag ({})   max {}  [< 150 MiB]  {}",
        sizes.join("; "),
        mib(Some(max_peak)),
        verdict(max_peak < 150 * 1024)
    );
}

/// Write the corpus of about `mb` MB into `tmp` (and print what it is).
fn make_corpus(calls: &[Call], mb: f64, tmp: &Path, rng: &mut Rng) -> Corpus {
    let input = tmp.join("corpus.jsonl");
    let utterances =
        write_corpus(&input, calls, (mb * 1e6) as u64, rng).expect("writing the corpus");
    let corpus = Corpus {
        in_mb: std::fs::metadata(&input).map_or(0, |m| m.len()) as f64 / 1e6,
        text_mb: utterances.iter().map(|u| u.1.len()).sum::<usize>() as f64 / 1e6,
        input,
        utterances,
    };
    println!(
        "input:   {} ({:.1} MB JSONL, {} utterances, {:.1} MB of text)\n",
        corpus.input.display(),
        corpus.in_mb,
        corpus.utterances.len(),
        corpus.text_mb
    );
    corpus
}

/// The table's rows of the in-process timings and the CLI rounds; the medians of
/// `score -j1` and `-j2`.
fn print_rounds(p: &InProcess, rounds: &Rounds, corpus: &Corpus) -> (CliRun, CliRun) {
    let n = corpus.utterances.len();
    print_header();
    println!("{:<40} {:>7.1}ms", "Analyzer::new()", p.construct * 1e3);
    let bare = "bare Jieba::cut (in-process, 1 thread)";
    row(bare, p.cut, n, corpus.text_mb, None, None);
    let analyze = "Analyzer::analyze (in-process, 1 thread)";
    row(analyze, p.analyze, n, corpus.text_mb, None, None);
    let (j1, j2) = (summarize(&rounds.j1), summarize(&rounds.j2));
    cli_row("xinsheng score -j1", &j1, corpus);
    cli_row("xinsheng score -j2", &j2, corpus);
    if !rounds.calls.is_empty() {
        cli_row("xinsheng calls -j2", &summarize(&rounds.calls), corpus);
        let name = "xinsheng calls -j2, calls interleaved";
        cli_row(name, &summarize(&rounds.calls_interleaved), corpus);
    }
    (j1, j2)
}

fn main() {
    let o = parse_args();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let root = root.canonicalize().unwrap_or(root);
    let bin = release_binary(&root, o.build);
    print_machine();

    let mut rng = Rng(0x5EED_1234);
    let (calls, source) = source_calls(&o, &root, &mut rng);
    println!("corpus:  {source}");
    let tmp = std::env::temp_dir().join(format!("xinsheng-throughput-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("a temporary directory");
    let output = tmp.join("scored.jsonl");
    let corpus = make_corpus(&calls, o.size_mb, &tmp, &mut rng);
    let interleaved = o.calls.then(|| {
        let path = tmp.join("corpus-interleaved.jsonl");
        write_interleaved(&corpus.input, &path).expect("writing the interleaved corpus");
        path
    });

    let normalized: Vec<String> = corpus
        .utterances
        .iter()
        .map(|u| normalize(&u.1).text)
        .collect();
    let p = time_in_process(&corpus.utterances, &normalized, o.runs);
    let mixed = interleaved.as_deref();
    let rounds = cli_rounds(&bin, &corpus, &normalized, mixed, &output, o.runs);
    drop(normalized);
    let (j1, j2) = print_rounds(&p, &rounds, &corpus);
    // All cores, when there are more than the two the targets speak of.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 2 {
        let n = corpus.utterances.len();
        let jns: Vec<CliRun> = (0..o.runs)
            .map(|_| run_cli(&bin, cores, &corpus.input, &output, n))
            .collect();
        let name = format!("xinsheng score -j{cores} (all cores)");
        cli_row(&name, &summarize(&jns), &corpus);
    }
    // `flag` keeps its worklist (spilled to disk past a budget): its memory too.
    let flag = run_command(&bin, "flag", 2, &corpus.input, &output, None);
    cli_row("xinsheng flag -j2 (whole worklist)", &flag, &corpus);

    let in_bytes = (corpus.in_mb * 1e6) as u64;
    let mut peaks = vec![(in_bytes, (j1.peak_kib, j2.peak_kib, flag.peak_kib))];
    let big_mb = o.rss_size_mb.unwrap_or(o.size_mb * 5.0);
    if big_mb > 0.0 {
        peaks.push(larger_corpus(&bin, &calls, big_mb, &tmp, &mut rng));
    }
    println!(
        "MB/s: of utterance text in-process, of the JSONL input for the CLI. \
         CPU: user + system time of the CLI process."
    );
    print_ratios(&p, &rounds, &peaks);
    if o.keep {
        println!("\nkept {}", tmp.display());
    } else {
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
