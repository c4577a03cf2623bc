//! The out-of-fold tables, forward selection, timing, and writing the model files.

use std::path::Path;

use xinsheng::model::eval::roc_auc;
use xinsheng::model::{
    cross_validate, feature_index, with_rules, CallModel, FitSpec, Provenance, FEATURES, N_FEATURES,
};
use xinsheng::Analyzer;

use crate::data::Call;
use crate::turns::{fit_turns, stacked_rows, TurnRows, TurnSpec};

/// Fewest positives and negatives a fit accepts here.
const MIN_CLASS: usize = 20;
/// A risk above the model's probability by more than this was lifted by a rule (the
/// library rounds risks to f32).
const LIFTED: f64 = 1e-6;

/// What the call fits share: the rows (turn scores out of fold), labels, folds, weights,
/// features and L2 strengths.
pub struct Fit<'a> {
    pub calls: &'a [Call],
    pub rows: &'a [[f64; N_FEATURES]],
    pub labels: &'a [bool],
    pub folds: &'a [usize],
    pub weights: Option<Vec<f64>>,
    pub features: Vec<usize>,
    pub l2s: Vec<f64>,
}

impl Fit<'_> {
    /// How many folds the calls are dealt into.
    pub fn fold_count(&self) -> usize {
        self.folds.iter().copied().max().map_or(0, |m| m + 1)
    }
    fn spec(&self, features: Vec<usize>, l2: f64) -> FitSpec {
        FitSpec {
            features,
            l2,
            min_class: MIN_CLASS,
        }
    }
    fn oof(&self, spec: &FitSpec) -> Result<Vec<f64>, xinsheng::model::FitError> {
        cross_validate(
            self.rows,
            self.labels,
            self.weights.as_deref(),
            self.folds,
            spec,
        )
    }
}

pub fn counts(calls: &[Call]) {
    for set in ["jddc", "stc3"] {
        let n = calls.iter().filter(|c| c.set == set).count();
        let p = calls.iter().filter(|c| c.set == set && c.label).count();
        let sealed = calls.iter().filter(|c| c.set == set && c.sealed).count();
        println!("{set}: {n} dialogues, {p} positive, {sealed} in the sealed half");
    }
}

/// Equal total weight per set (`--balance`).
pub fn balanced(calls: &[Call]) -> Vec<f64> {
    let n = calls.len() as f64;
    let per = |set: &str| calls.iter().filter(|c| c.set == set).count() as f64;
    calls.iter().map(|c| n / 2.0 / per(c.set)).collect()
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

/// The main table: hand-set risk, mean valence, the fitted model per L2.
pub fn table(f: &Fit) {
    println!(
        "\n| score (ROC-AUC, out of fold) | JDDC valid | JDDC sealed | STC-3 p1 | STC-3 sealed |"
    );
    println!("|---|---|---|---|---|");
    let risk: Vec<f64> = f
        .calls
        .iter()
        .map(|c| c.analysis.escalation.risk as f64)
        .collect();
    row("hand-set call risk (today)", f.calls, &risk);
    let mean_neg = feature_index("neg_mean").expect("neg_mean exists");
    let base: Vec<f64> = f.rows.iter().map(|r| r[mean_neg]).collect();
    row("mean customer −valence", f.calls, &base);
    for &l2 in &f.l2s {
        let oof = f
            .oof(&f.spec(f.features.clone(), l2))
            .unwrap_or_else(|e| panic!("{e}"));
        let name = format!("fitted model, L2 {l2}, {} features", f.features.len());
        row(&name, f.calls, &oof);
        // The rules on top (threat floors, the agent-conduct floor), as the library applies
        // them: what a call's risk is.
        let ruled: Vec<f64> = f
            .calls
            .iter()
            .zip(&oof)
            .map(|(c, &p)| with_rules(&c.analysis, p))
            .collect();
        row("same, with the rule floors", f.calls, &ruled);
        for set in ["jddc", "stc3"] {
            let (mut lifted, mut pos, mut conduct, mut conduct_pos) = (0, 0, 0, 0);
            for ((c, &p), &r) in f.calls.iter().zip(&oof).zip(&ruled) {
                if c.set == set && r > p + LIFTED {
                    lifted += 1;
                    pos += c.label as usize;
                    // Lifted, and not by a threat: by the conduct floor.
                    if !c.analysis.escalation.escalated {
                        conduct += 1;
                        conduct_pos += c.label as usize;
                    }
                }
            }
            println!(
                "|   {set}: {lifted} calls lifted by a rule ({pos} positive), \
                 {conduct} by the conduct floor ({conduct_pos} positive) | | | | |"
            );
        }
    }
}

/// Fitted on the readable halves only (the turn model too), scored on the sealed halves.
pub fn readable_only(f: &Fit, t: &TurnRows, turn: &TurnSpec) {
    let calls = f.calls;
    let readable = |ci: usize| !calls[ci].sealed;
    // Readable calls get turn scores out of fold within the readable half; sealed calls
    // from the turn model of every readable turn (group k).
    let k = f.fold_count();
    let group: Vec<usize> = (0..calls.len())
        .map(|ci| if readable(ci) { f.folds[ci] } else { k })
        .collect();
    let (rows, _) = stacked_rows(calls, t, &group, &readable, turn);
    let train: Vec<usize> = (0..calls.len()).filter(|&i| readable(i)).collect();
    let tr: Vec<[f64; N_FEATURES]> = train.iter().map(|&i| rows[i]).collect();
    let tl: Vec<bool> = train.iter().map(|&i| f.labels[i]).collect();
    let tw: Option<Vec<f64>> = f
        .weights
        .as_ref()
        .map(|w| train.iter().map(|&i| w[i]).collect());
    let spec = f.spec(f.features.clone(), f.l2s[0]);
    let m = CallModel::fit(&tr, &tl, tw.as_deref(), &spec, Provenance::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let p: Vec<f64> = rows.iter().map(|r| m.probability(r)).collect();
    let (_, js) = auc_of(calls, &p, "jddc");
    let (_, ss) = auc_of(calls, &p, "stc3");
    println!(
        "| fitted on the readable halves, L2 {} (sealed only) | | {js:.3} | | {ss:.3} |",
        f.l2s[0]
    );
}

/// What the model adds to a roll-up: the same analyzed turns rolled up by the hand-set
/// roll-up and by the built-in model, on one thread.
pub fn timing(calls: &[Call], hand: &Analyzer) {
    let model = Analyzer::new();
    let turns: Vec<Vec<xinsheng::UtteranceAnalysis>> =
        calls.iter().map(|c| c.analysis.turns.clone()).collect();
    for (name, an) in [("hand-set", hand), ("built-in model", &model)] {
        let t = std::time::Instant::now();
        for _ in 0..10 {
            for ts in &turns {
                std::hint::black_box(an.roll_up(ts.clone()));
            }
        }
        let ms = t.elapsed().as_secs_f64() * 1e3;
        println!("roll-up x10, {name}: {ms:.1} ms");
    }
}

/// Greedy forward selection on the mean of the two sets' out-of-fold ROC-AUC, starting
/// from `--features` when given.
pub fn forward(f: &Fit, steps: usize, exclude: &[usize]) {
    let mut chosen: Vec<usize> = if steps > 0 {
        f.features.clone()
    } else {
        return;
    };
    for _ in 0..steps {
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for j in (0..N_FEATURES).filter(|j| !chosen.contains(j) && !exclude.contains(j)) {
            let mut feats = chosen.clone();
            feats.push(j);
            let Ok(oof) = f.oof(&f.spec(feats, f.l2s[0])) else {
                continue;
            };
            let (jd, _) = auc_of(f.calls, &oof, "jddc");
            let (st, _) = auc_of(f.calls, &oof, "stc3");
            let m = (jd + st) / 2.0;
            if best.as_ref().is_none_or(|b| m > b.0) {
                best = Some((m, j, oof));
            }
        }
        let Some((_, j, oof)) = best else { break };
        chosen.push(j);
        row(&format!("+ {}", FEATURES[j].name), f.calls, &oof);
    }
}

/// Each call feature's own ROC-AUC.
pub fn single(f: &Fit) {
    println!("\n| feature (own ROC-AUC) | JDDC | JDDC sealed | STC-3 | STC-3 sealed |");
    println!("|---|---|---|---|---|");
    for (j, feat) in FEATURES.iter().enumerate() {
        let s: Vec<f64> = f.rows.iter().map(|r| r[j]).collect();
        row(feat.name, f.calls, &s);
    }
}

fn provenance(data: &str) -> Provenance {
    let command =
        std::iter::once("cargo run --release -p xinsheng --example fit_calls --".to_string())
            .chain(std::env::args().skip(1))
            .collect::<Vec<_>>()
            .join(" ");
    Provenance {
        command,
        data: data.into(),
        date: std::env::var("FIT_DATE").unwrap_or_default(),
        ..Provenance::default()
    }
}

/// The row of the model whose L2 was chosen inside each outer fold.
pub fn nested_row(f: &Fit, oof: &[f64], chosen: &[f64]) {
    let l2s: Vec<String> = chosen.iter().map(|l| l.to_string()).collect();
    let name = format!("L2 chosen inside each fold ({})", l2s.join(" "));
    row(&name, f.calls, oof);
}

/// The row of the model whose extra feature was picked inside each outer fold.
pub fn picked_row(f: &Fit, oof: &[f64], picked: &[Option<usize>]) {
    let names: Vec<&str> = picked
        .iter()
        .map(|p| p.map_or("none", |j| FEATURES[j].name))
        .collect();
    let name = format!("one feature picked inside each fold ({})", names.join(" "));
    row(&name, f.calls, oof);
}

/// Fit the turn model on every labeled JDDC turn and write it.
pub fn write_turn(path: &Path, t: &TurnRows, turn: &TurnSpec) {
    let mut m = fit_turns(t, &|_| true, turn);
    m.provenance = Provenance {
        l2: m.provenance.l2,
        calls: m.provenance.calls,
        positives: m.provenance.positives,
        ..provenance(
            "../shared/data: satisfaction/jddc_uss_valid.dialogues.jsonl, customer turns \
             (positive: sat3 = 0; `calls` counts turns)",
        )
    };
    std::fs::write(path, m.to_json()).expect("turn model file is writable");
    println!("\nwrote {}", path.display());
}

/// Fit the call model on every call (turn scores out of fold) and write it.
pub fn write_call(path: &Path, f: &Fit) {
    let spec = f.spec(f.features.clone(), f.l2s[0]);
    let k = f.fold_count();
    let p = provenance(&format!(
        "../shared/data: satisfaction/jddc_uss_valid.dialogues.jsonl (positive: overall_sat3 = 0), \
         satisfaction/stc3_dch_part1.jsonl (positive: mean S <= -1); turn_score_* features from \
         turn models fitted out of fold ({k} folds grouped by dialogue)"
    ));
    let m = CallModel::fit(f.rows, f.labels, f.weights.as_deref(), &spec, p)
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(path, m.to_json()).expect("model file is writable");
    println!("\nwrote {}", path.display());
}
