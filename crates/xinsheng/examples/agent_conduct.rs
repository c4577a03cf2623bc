//! Agent conduct figures: recall and precision of "has a prohibited phrase" on an agent
//! TSV (the gold set's columns; `agent_prohibited` tag, as `tests/gold.rs` decides), on
//! all rows and on odd and even data rows; and how often prohibited phrases fire on agent
//! turns of JDDC and STC-3 in the shared data, per 1,000 agent turns.
//!
//! ```text
//! cargo run --release -p xinsheng --example agent_conduct -- TSV [DATA_DIR] [--misses] [--sample N]
//! ```
//!
//! `--misses` lists the misses and false alarms of the odd (develop) rows only; `--sample N`
//! prints every N-th firing of the shared data's readable half (CRC-32 of the dialogue id
//! even) only. Nothing of the data is copied anywhere.

use std::path::Path;

use serde_json::Value;

#[path = "shared/halves.rs"]
mod halves;
#[path = "shared/stc3.rs"]
mod stc3;
use xinsheng::{AgentKind, Analyzer, Speaker};

/// The prohibited phrases that count in an agent's text, as `tests/gold.rs` counts them.
fn prohibited(an: &Analyzer, text: &str) -> Vec<String> {
    an.analyze(text, Speaker::Agent)
        .agent
        .iter()
        .filter(|m| m.kind == AgentKind::Prohibited && !m.negated)
        .map(|m| format!("{}:{:?}", m.text, m.category))
        .collect()
}

/// (true positives, false positives, false negatives).
#[derive(Default)]
struct Counts(usize, usize, usize);

impl Counts {
    fn line(&self, name: &str) -> String {
        let Counts(tp, fp, fnn) = *self;
        let r = tp as f64 / (tp + fnn).max(1) as f64;
        let p = tp as f64 / (tp + fp).max(1) as f64;
        format!(
            "{name:<6} n_prohibited={:<3} recall={r:.4} precision={p:.4} (tp {tp} fp {fp} fn {fnn})",
            tp + fnn
        )
    }
}

fn probe(an: &Analyzer, path: &str, misses: bool) {
    let text = std::fs::read_to_string(path).expect("the TSV is readable");
    let (mut all, mut odd, mut even) = (Counts::default(), Counts::default(), Counts::default());
    let mut row = 0;
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("speaker\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] != "agent" {
            continue;
        }
        row += 1;
        let gold = cols
            .get(5)
            .is_some_and(|t| t.split(',').any(|t| t.trim() == "agent_prohibited"));
        let found = prohibited(an, cols[1]);
        let got = !found.is_empty();
        for c in [&mut all, if row % 2 == 1 { &mut odd } else { &mut even }] {
            c.0 += (gold && got) as usize;
            c.1 += (!gold && got) as usize;
            c.2 += (gold && !got) as usize;
        }
        if misses && row % 2 == 1 && gold != got {
            let what = if gold { "MISS" } else { "FALSE" };
            println!("{what} {row}: {} {found:?}", cols[1]);
        }
    }
    println!(
        "{}\n{}\n{}",
        all.line("all"),
        odd.line("odd"),
        even.line("even")
    );
}

/// Agent turns and how many have a prohibited phrase, over all and the sealed half.
#[derive(Default)]
struct Rate {
    turns: usize,
    fired: usize,
    sealed_turns: usize,
    sealed_fired: usize,
}

impl Rate {
    fn add(&mut self, an: &Analyzer, key: &str, text: &str, sample: usize, seen: &mut usize) {
        if text.trim().is_empty() {
            return;
        }
        let sealed = halves::is_sealed(key);
        let found = prohibited(an, text);
        self.turns += 1;
        self.sealed_turns += sealed as usize;
        if found.is_empty() {
            return;
        }
        self.fired += 1;
        self.sealed_fired += sealed as usize;
        if !sealed && sample > 0 {
            *seen += 1;
            if *seen % sample == 0 {
                println!("  [{key}] {text} {found:?}");
            }
        }
    }

    fn line(&self, name: &str) -> String {
        let per = |f: usize, t: usize| 1000.0 * f as f64 / t.max(1) as f64;
        format!(
            "{name}: agent turns {} fired {} = {:.1} per 1,000; sealed half {} fired {} = {:.1} per 1,000",
            self.turns,
            self.fired,
            per(self.fired, self.turns),
            self.sealed_turns,
            self.sealed_fired,
            per(self.sealed_fired, self.sealed_turns)
        )
    }
}

fn shared(an: &Analyzer, dir: &Path, sample: usize) {
    let mut seen = 0;
    if let Ok(text) =
        std::fs::read_to_string(dir.join("satisfaction/jddc_uss_valid.dialogues.jsonl"))
    {
        let mut r = Rate::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let d: Value = serde_json::from_str(line).expect("JDDC line is JSON");
            let key = d["dialogue"].as_str().unwrap_or("").to_string();
            for t in d["turns"].as_array().into_iter().flatten() {
                r.add(
                    an,
                    &key,
                    t["system"].as_str().unwrap_or(""),
                    sample,
                    &mut seen,
                );
            }
        }
        println!("{}", r.line("JDDC"));
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("satisfaction/stc3_dch_part1.jsonl")) {
        let mut r = Rate::default();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let d: Value = serde_json::from_str(line).expect("STC-3 line is JSON");
            let key = stc3::id(&d);
            for (s, t) in stc3::turns(&d) {
                if s == Speaker::Agent {
                    r.add(an, &key, &t, sample, &mut seen);
                }
            }
        }
        println!("{}", r.line("STC-3"));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let misses = args.iter().any(|a| a == "--misses");
    let sample = args
        .iter()
        .position(|a| a == "--sample")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let mut pos = args
        .iter()
        .filter(|a| !a.starts_with("--") && a.parse::<usize>().is_err());
    let an = Analyzer::new();
    if let Some(tsv) = pos.next() {
        probe(&an, tsv, misses);
    }
    if let Some(dir) = pos.next() {
        shared(&an, Path::new(dir), sample);
    }
}
