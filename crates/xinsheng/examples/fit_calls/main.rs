//! Fit and evaluate the call model (and the per-turn model it reads) on the open labeled
//! dialogues in `../shared/data`, out of fold, beside today's hand-set risk and the
//! mean-valence baseline.
//!
//! ```text
//! cargo run --release -p xinsheng --example fit_calls [-- OPTIONS]
//!   --data DIR            data directory (default ../shared/data)
//!   --features a,b,c      call features to fit (default: the built-in model's)
//!   --l2 X[,Y…]           L2 strengths to compare (default: the built-in model's)
//!   --turn-features a,b   turn features (default: the built-in turn model's, or all)
//!   --turn-l2 X           L2 strength of the turn model (default: the built-in's, or 10)
//!   --folds K             folds (default 10); --seed S (default 20261203)
//!   --single              also print each feature's own ROC-AUC per set (calls and turns)
//!   --write FILE          fit the call model on everything with the first L2, write it
//!   --write-turn FILE     fit the turn model on every labeled JDDC turn, write it
//!   --forward N           greedy forward selection of N features (--exclude a,b leaves some out)
//!   --balance             weigh the two sets equally
//!   --nested-l2 X,Y…      also the model with its L2 chosen among X,Y… inside each outer fold
//!   --nested-pick a,b…    also the model with one of a,b… (or none) picked inside each outer fold
//!   --compare a,b         paired bootstrap of the ROC-AUC difference a,b make added to --features
//! ```
//!
//! With `FIT_TIMING=1`, also times the roll-up of every call with and without the model.
//!
//! Positives: JDDC-USS valid dialogues with `overall_sat3 = 0`; STC-3 part 1 dialogues whose
//! mean customer-satisfaction score S is ≤ −1; JDDC customer turns with `sat3 = 0`. Folds
//! are grouped by dialogue and stratified by call label over both sets together; the turn
//! model is fitted with the same folds, so a call's `turn_score_*` features always come
//! from a turn model that did not see its turns. Every figure is out of fold, on the whole
//! set and on its sealed half (CRC-32 of the dialogue id odd). Only reads the data; writes
//! no rows.

use std::path::{Path, PathBuf};

mod data;
#[path = "../shared/halves.rs"]
mod halves;
mod report;
mod select;
#[path = "../shared/stc3.rs"]
mod stc3;
mod turns;

use xinsheng::model::eval::grouped_folds;
use xinsheng::model::{feature_index, turn_feature_index, FitSpec, TurnModel, N_TURN_FEATURES};
use xinsheng::Analyzer;

/// L2 strength of the turn model when the built-in one records none.
const DEFAULT_TURN_L2: f64 = 10.0;

pub struct Args {
    pub data: PathBuf,
    pub features: Option<Vec<usize>>,
    pub l2: Vec<f64>,
    pub turn: turns::TurnSpec,
    pub folds: usize,
    pub seed: u64,
    pub single: bool,
    pub write: Option<PathBuf>,
    pub write_turn: Option<PathBuf>,
    pub balance: bool,
    pub forward: usize,
    pub exclude: Vec<usize>,
    pub nested_l2: Vec<f64>,
    pub compare: Vec<usize>,
    pub nested_pick: Vec<usize>,
}

fn names(v: String, index: fn(&str) -> Option<usize>) -> Vec<usize> {
    v.split(',')
        .map(|n| index(n).unwrap_or_else(|| panic!("unknown feature {n}")))
        .collect()
}

fn args() -> Args {
    let builtin_turn = TurnModel::builtin();
    let mut a = Args {
        data: Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
        features: None,
        l2: Vec::new(),
        turn: turns::TurnSpec {
            features: if builtin_turn.features().is_empty() {
                (0..N_TURN_FEATURES).collect()
            } else {
                let n = builtin_turn.features().iter();
                n.map(|t| turn_feature_index(&t.name).expect("built-in turn feature"))
                    .collect()
            },
            l2: Some(builtin_turn.provenance.l2)
                .filter(|&l| l > 0.0)
                .unwrap_or(DEFAULT_TURN_L2),
        },
        folds: 10,
        seed: 20261203,
        single: false,
        write: None,
        write_turn: None,
        balance: false,
        forward: 0,
        exclude: Vec::new(),
        nested_l2: Vec::new(),
        compare: Vec::new(),
        nested_pick: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--data" => a.data = PathBuf::from(v()),
            "--features" => a.features = Some(names(v(), feature_index)),
            "--turn-features" => a.turn.features = names(v(), turn_feature_index),
            "--l2" => {
                a.l2 = v()
                    .split(',')
                    .map(|x| x.parse().expect("--l2 number"))
                    .collect()
            }
            "--turn-l2" => a.turn.l2 = v().parse().expect("--turn-l2 number"),
            "--folds" => a.folds = v().parse().expect("--folds number"),
            "--seed" => a.seed = v().parse().expect("--seed number"),
            "--single" => a.single = true,
            "--balance" => a.balance = true,
            "--exclude" => a.exclude = names(v(), feature_index),
            "--nested-l2" => {
                a.nested_l2 = v()
                    .split(',')
                    .map(|x| x.parse().expect("--nested-l2 number"))
                    .collect()
            }
            "--nested-pick" => a.nested_pick = names(v(), feature_index),
            "--compare" => a.compare = names(v(), feature_index),
            "--forward" => a.forward = v().parse().expect("--forward number"),
            "--write" => a.write = Some(PathBuf::from(v())),
            "--write-turn" => a.write_turn = Some(PathBuf::from(v())),
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
    let sat = a.data.join("satisfaction");
    data::jddc(&an, &sat.join("jddc_uss_valid.dialogues.jsonl"), &mut calls);
    data::stc3(&an, &sat.join("stc3_dch_part1.jsonl"), &mut calls);
    let labels: Vec<bool> = calls.iter().map(|c| c.label).collect();
    let keys: Vec<String> = calls
        .iter()
        .map(|c| format!("{}:{}", c.set, c.id))
        .collect();
    let groups: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    let folds = grouped_folds(&groups, &labels, a.folds, a.seed);
    report::counts(&calls);
    let t = turns::turn_rows(&calls);
    let (rows, turn_oof) = turns::stacked_rows(&calls, &t, &folds, &|_| true, &a.turn);
    turns::report(&calls, &t, &turn_oof, &folds, a.single);
    let fit = report::Fit {
        calls: &calls,
        rows: &rows,
        labels: &labels,
        folds: &folds,
        weights: a.balance.then(|| report::balanced(&calls)),
        features: a.features.clone().unwrap_or(FitSpec::builtin().features),
        l2s: if a.l2.is_empty() {
            vec![FitSpec::builtin().l2]
        } else {
            a.l2.clone()
        },
    };
    report::table(&fit);
    report::readable_only(&fit, &t, &a.turn);
    if std::env::var_os("FIT_TIMING").is_some() {
        report::timing(&calls, &an);
    }
    report::forward(&fit, a.forward, &a.exclude);
    if !a.nested_l2.is_empty() {
        let (oof, chosen) = select::nested_l2(&fit, &a.nested_l2);
        report::nested_row(&fit, &oof, &chosen);
    }
    if !a.nested_pick.is_empty() {
        let (oof, picked) = select::nested_pick(&fit, &a.nested_pick);
        report::picked_row(&fit, &oof, &picked);
    }
    if !a.compare.is_empty() {
        select::compare(&fit, &a.compare);
    }
    if a.single {
        report::single(&fit);
    }
    if let Some(path) = &a.write_turn {
        report::write_turn(path, &t, &a.turn);
    }
    if let Some(path) = &a.write {
        report::write_call(path, &fit);
    }
}
