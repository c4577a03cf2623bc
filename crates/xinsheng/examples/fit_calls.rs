//! Fit and evaluate the call model on the open labeled dialogues in `../shared/data`, out
//! of fold, beside today's hand-set risk and the mean-valence baseline.
//!
//! ```text
//! cargo run --release -p xinsheng --example fit_calls [-- OPTIONS]
//!   --data DIR          data directory (default ../shared/data)
//!   --features a,b,c    features to fit (default: the built-in model's)
//!   --l2 X[,Y…]         L2 strengths to compare (default: the built-in model's)
//!   --folds K           folds (default 10); --seed S (default 20261203)
//!   --single            also print each feature's own ROC-AUC per set
//!   --write FILE        fit on everything with the first L2 and write the model file
//!   --forward N         greedy forward selection of N features (--exclude a,b leaves some out)
//!   --balance           weigh the two sets equally
//! ```
//!
//! With `FIT_TIMING=1`, also times the roll-up of every call with and without the model.
//!
//! Positives: JDDC-USS valid dialogues with `overall_sat3 = 0`; STC-3 part 1 dialogues whose
//! mean customer-satisfaction score S is ≤ −1. Folds are grouped by dialogue and stratified
//! by label over both sets together; every figure is out of fold, on the whole set and on
//! its sealed half (CRC-32 of the dialogue id odd). Only reads the data; writes no rows.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "shared/stc3.rs"]
mod stc3;
use xinsheng::model::eval::{grouped_folds, roc_auc};
use xinsheng::model::{
    call_features, cross_validate, feature_index, CallModel, FitSpec, Provenance, FEATURES,
    N_FEATURES,
};
use xinsheng::{Analyzer, ConversationAnalysis, Speaker, Turn};

/// CRC-32 (IEEE), the key of the data's readable / sealed halves.
fn crc32(s: &str) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in s.as_bytes() {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

/// A dialogue as read: id, label, turns.
type Dialogue = (String, bool, Vec<(Speaker, String)>);

struct Call {
    set: &'static str,
    id: String,
    label: bool,
    sealed: bool,
    analysis: ConversationAnalysis,
}

fn jddc(an: &Analyzer, path: &Path, out: &mut Vec<Call>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {} not present", path.display());
        return;
    };
    let mut dialogues: Vec<Dialogue> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d: Value = serde_json::from_str(line).expect("JDDC line is JSON");
        let Some(s) = d["overall_sat3"].as_i64() else {
            continue;
        };
        let id = match &d["dialogue"] {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let mut turns = Vec::new();
        for t in d["turns"].as_array().into_iter().flatten() {
            turns.push((
                Speaker::Customer,
                t["user"].as_str().unwrap_or("").to_string(),
            ));
            let sys = t["system"].as_str().unwrap_or("");
            if !sys.trim().is_empty() {
                turns.push((Speaker::Agent, sys.to_string()));
            }
        }
        dialogues.push((id, s == 0, turns));
    }
    analyze(an, "jddc", dialogues, out);
}

fn stc3(an: &Analyzer, path: &Path, out: &mut Vec<Call>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {} not present", path.display());
        return;
    };
    let mut dialogues = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d: Value = serde_json::from_str(line).expect("STC-3 line is JSON");
        let s: Vec<f64> = d["quality"]["S"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_f64())
            .collect();
        if s.is_empty() {
            continue;
        }
        let mean = s.iter().sum::<f64>() / s.len() as f64;
        let id = stc3::id(&d);
        let turns = stc3::turns(&d);
        dialogues.push((id, mean <= -1.0, turns));
    }
    analyze(an, "stc3", dialogues, out);
}

fn analyze(an: &Analyzer, set: &'static str, dialogues: Vec<Dialogue>, out: &mut Vec<Call>) {
    let convs: Vec<Vec<Turn>> = dialogues
        .iter()
        .map(|(_, _, t)| t.iter().map(|(s, x)| Turn::new(*s, x)).collect())
        .collect();
    let analyses = an.analyze_conversations(&convs);
    for ((id, label, _), analysis) in dialogues.into_iter().zip(analyses) {
        out.push(Call {
            set,
            sealed: crc32(&id) % 2 == 1,
            id,
            label,
            analysis,
        });
    }
}

/// ROC-AUC of `score` over the calls of `set`, whole and sealed half.
fn auc_of(calls: &[Call], score: &[f64], set: &str) -> (f64, f64) {
    let pick = |sealed_only: bool| {
        let (s, l): (Vec<f64>, Vec<bool>) = calls
            .iter()
            .zip(score)
            .filter(|(c, _)| c.set == set && (!sealed_only || c.sealed))
            .map(|(c, s)| (*s, c.label))
            .unzip();
        roc_auc(&s, &l)
    };
    (pick(false), pick(true))
}

fn row(name: &str, calls: &[Call], score: &[f64]) {
    let (j, js) = auc_of(calls, score, "jddc");
    let (s, ss) = auc_of(calls, score, "stc3");
    println!("| {name} | {j:.3} | {js:.3} | {s:.3} | {ss:.3} |");
}

struct Args {
    data: PathBuf,
    features: Option<Vec<usize>>,
    l2: Vec<f64>,
    folds: usize,
    seed: u64,
    single: bool,
    write: Option<PathBuf>,
    balance: bool,
    forward: usize,
    exclude: Vec<usize>,
}

fn args() -> Args {
    let mut a = Args {
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        features: None,
        l2: Vec::new(),
        folds: 10,
        seed: 20261203,
        single: false,
        write: None,
        balance: false,
        forward: 0,
        exclude: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--data" => a.data = PathBuf::from(v()),
            "--features" => {
                a.features = Some(
                    v().split(',')
                        .map(|n| feature_index(n).unwrap_or_else(|| panic!("unknown feature {n}")))
                        .collect(),
                )
            }
            "--l2" => {
                a.l2 = v()
                    .split(',')
                    .map(|x| x.parse().expect("--l2 number"))
                    .collect()
            }
            "--folds" => a.folds = v().parse().expect("--folds number"),
            "--seed" => a.seed = v().parse().expect("--seed number"),
            "--single" => a.single = true,
            "--balance" => a.balance = true,
            "--exclude" => {
                a.exclude = v()
                    .split(',')
                    .map(|n| feature_index(n).unwrap_or_else(|| panic!("unknown feature {n}")))
                    .collect()
            }
            "--forward" => a.forward = v().parse().expect("--forward number"),
            "--write" => a.write = Some(PathBuf::from(v())),
            other => panic!("unknown option {other}"),
        }
    }
    a
}

fn main() {
    let a = args();
    if !a.data.exists() {
        println!("skipped: data directory {} not present", a.data.display());
        return;
    }
    // The hand-set roll-up, so that its risk can be shown beside the model; the features
    // do not depend on the call model.
    let an = Analyzer::builder()
        .without_call_model()
        .build()
        .expect("embedded lexicons are valid");
    let mut calls = Vec::new();
    jddc(
        &an,
        &a.data.join("satisfaction/jddc_uss_valid.dialogues.jsonl"),
        &mut calls,
    );
    stc3(
        &an,
        &a.data.join("satisfaction/stc3_dch_part1.jsonl"),
        &mut calls,
    );
    let rows: Vec<[f64; N_FEATURES]> = calls.iter().map(|c| call_features(&c.analysis)).collect();
    let labels: Vec<bool> = calls.iter().map(|c| c.label).collect();
    let keys: Vec<String> = calls
        .iter()
        .map(|c| format!("{}:{}", c.set, c.id))
        .collect();
    let groups: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    let folds = grouped_folds(&groups, &labels, a.folds, a.seed);
    for set in ["jddc", "stc3"] {
        let n = calls.iter().filter(|c| c.set == set).count();
        let p = calls.iter().filter(|c| c.set == set && c.label).count();
        let sealed = calls.iter().filter(|c| c.set == set && c.sealed).count();
        println!("{set}: {n} dialogues, {p} positive, {sealed} in the sealed half");
    }
    // Equal total weight per set with --balance.
    let weights: Option<Vec<f64>> = a.balance.then(|| {
        let n = calls.len() as f64;
        let per = |set: &str| calls.iter().filter(|c| c.set == set).count() as f64;
        let (j, s) = (per("jddc"), per("stc3"));
        calls
            .iter()
            .map(|c| {
                if c.set == "jddc" {
                    n / 2.0 / j
                } else {
                    n / 2.0 / s
                }
            })
            .collect()
    });
    println!(
        "\n| score (ROC-AUC, out of fold) | JDDC valid | JDDC sealed | STC-3 p1 | STC-3 sealed |"
    );
    println!("|---|---|---|---|---|");
    let risk: Vec<f64> = calls
        .iter()
        .map(|c| c.analysis.escalation.risk as f64)
        .collect();
    row("hand-set call risk (today)", &calls, &risk);
    let mean_neg = feature_index("neg_mean").expect("neg_mean exists");
    let base: Vec<f64> = rows.iter().map(|r| r[mean_neg]).collect();
    row("mean customer −valence", &calls, &base);
    let spec0 = FitSpec::builtin();
    let feats = a.features.clone().unwrap_or(spec0.features.clone());
    let l2s = if a.l2.is_empty() {
        vec![spec0.l2]
    } else {
        a.l2.clone()
    };
    for &l2 in &l2s {
        let spec = FitSpec {
            features: feats.clone(),
            l2,
            min_class: 20,
        };
        let oof = cross_validate(&rows, &labels, weights.as_deref(), &folds, &spec)
            .unwrap_or_else(|e| panic!("{e}"));
        row(
            &format!("fitted model, L2 {l2}, {} features", feats.len()),
            &calls,
            &oof,
        );
    }
    {
        // Fitted on the readable halves only, scored on the sealed halves.
        let spec = FitSpec {
            features: feats.clone(),
            l2: l2s[0],
            min_class: 20,
        };
        let train: Vec<usize> = (0..calls.len()).filter(|&i| !calls[i].sealed).collect();
        let tr: Vec<[f64; N_FEATURES]> = train.iter().map(|&i| rows[i]).collect();
        let tl: Vec<bool> = train.iter().map(|&i| labels[i]).collect();
        let tw: Option<Vec<f64>> = weights
            .as_ref()
            .map(|w| train.iter().map(|&i| w[i]).collect());
        let m = CallModel::fit(&tr, &tl, tw.as_deref(), &spec, Provenance::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let p: Vec<f64> = rows.iter().map(|r| m.probability(r)).collect();
        let (_, js) = auc_of(&calls, &p, "jddc");
        let (_, ss) = auc_of(&calls, &p, "stc3");
        println!(
            "| fitted on the readable halves, L2 {} (sealed only) | | {js:.3} | | {ss:.3} |",
            l2s[0]
        );
    }
    if std::env::var_os("FIT_TIMING").is_some() {
        // What the model adds to a roll-up: the same analyzed turns rolled up by the
        // hand-set roll-up and by the built-in model, on one thread.
        let model = Analyzer::new();
        let turns: Vec<Vec<xinsheng::UtteranceAnalysis>> =
            calls.iter().map(|c| c.analysis.turns.clone()).collect();
        for (name, an) in [("hand-set", &an), ("built-in model", &model)] {
            let t = std::time::Instant::now();
            for _ in 0..10 {
                for ts in &turns {
                    std::hint::black_box(an.roll_up(ts.clone()));
                }
            }
            println!(
                "roll-up x10, {name}: {:.1} ms",
                t.elapsed().as_secs_f64() * 1e3
            );
        }
    }
    if a.forward > 0 {
        // Greedy forward selection on the mean of the two sets' out-of-fold ROC-AUC.
        let mut chosen: Vec<usize> = a.features.clone().unwrap_or_default();
        for _ in 0..a.forward {
            let mut best: Option<(f64, usize, Vec<f64>)> = None;
            for j in (0..N_FEATURES).filter(|j| !chosen.contains(j) && !a.exclude.contains(j)) {
                let mut f = chosen.clone();
                f.push(j);
                let spec = FitSpec {
                    features: f,
                    l2: l2s[0],
                    min_class: 20,
                };
                let Ok(oof) = cross_validate(&rows, &labels, weights.as_deref(), &folds, &spec)
                else {
                    continue;
                };
                let (jd, _) = auc_of(&calls, &oof, "jddc");
                let (st, _) = auc_of(&calls, &oof, "stc3");
                let m = (jd + st) / 2.0;
                if best.as_ref().is_none_or(|b| m > b.0) {
                    best = Some((m, j, oof));
                }
            }
            let Some((_, j, oof)) = best else { break };
            chosen.push(j);
            row(&format!("+ {}", FEATURES[j].name), &calls, &oof);
        }
    }
    if a.single {
        println!("\n| feature (own ROC-AUC) | JDDC | JDDC sealed | STC-3 | STC-3 sealed |");
        println!("|---|---|---|---|---|");
        for (j, f) in FEATURES.iter().enumerate() {
            let s: Vec<f64> = rows.iter().map(|r| r[j]).collect();
            row(f.name, &calls, &s);
        }
    }
    if let Some(path) = &a.write {
        let spec = FitSpec {
            features: feats.clone(),
            l2: l2s[0],
            min_class: 20,
        };
        let command =
            std::iter::once("cargo run --release -p xinsheng --example fit_calls --".to_string())
                .chain(std::env::args().skip(1))
                .collect::<Vec<_>>()
                .join(" ");
        let provenance = Provenance {
            command,
            data: "../shared/data: satisfaction/jddc_uss_valid.dialogues.jsonl (positive: overall_sat3 = 0), \
                   satisfaction/stc3_dch_part1.jsonl (positive: mean S <= -1)"
                .into(),
            date: std::env::var("FIT_DATE").unwrap_or_default(),
            ..Provenance::default()
        };
        let m = CallModel::fit(&rows, &labels, weights.as_deref(), &spec, provenance)
            .unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, m.to_json()).expect("model file is writable");
        println!("\nwrote {}", path.display());
    }
}
