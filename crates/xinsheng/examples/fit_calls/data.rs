//! Reading the labeled dialogues and analysing them.

use std::path::Path;

use serde_json::Value;
use xinsheng::{Analyzer, ConversationAnalysis, Speaker, Turn};

use crate::{halves, stc3};

/// A dialogue as read: id, label, turns, and the label of each customer turn (JDDC
/// `sat3 = 0`; `None` when unlabeled).
struct Dialogue {
    id: String,
    label: bool,
    turns: Vec<(Speaker, String)>,
    turn_labels: Vec<Option<bool>>,
}

/// An analysed, labeled call.
pub struct Call {
    pub set: &'static str,
    pub id: String,
    pub label: bool,
    pub sealed: bool,
    pub analysis: ConversationAnalysis,
    /// One entry per customer turn (the order of `customer_valence`).
    pub turn_labels: Vec<Option<bool>>,
}

/// JDDC-USS valid: positive when `overall_sat3 = 0`; turns positive when `sat3 = 0`.
pub fn jddc(an: &Analyzer, path: &Path, out: &mut Vec<Call>) {
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("skipped: {} not present", path.display());
        return;
    };
    let mut dialogues = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d: Value = serde_json::from_str(line).expect("JDDC line is JSON");
        let Some(s) = d["overall_sat3"].as_i64() else {
            continue;
        };
        let id = match &d["dialogue"] {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let (mut turns, mut turn_labels) = (Vec::new(), Vec::new());
        for t in d["turns"].as_array().into_iter().flatten() {
            turns.push((
                Speaker::Customer,
                t["user"].as_str().unwrap_or("").to_string(),
            ));
            turn_labels.push(t["sat3"].as_i64().map(|s| s == 0));
            let sys = t["system"].as_str().unwrap_or("");
            if !sys.trim().is_empty() {
                turns.push((Speaker::Agent, sys.to_string()));
            }
        }
        dialogues.push(Dialogue {
            id,
            label: s == 0,
            turns,
            turn_labels,
        });
    }
    analyze(an, "jddc", dialogues, out);
}

/// STC-3 part 1: positive when the mean customer-satisfaction score S is <= -1.
pub fn stc3(an: &Analyzer, path: &Path, out: &mut Vec<Call>) {
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
        dialogues.push(Dialogue {
            id: stc3::id(&d),
            label: mean <= -1.0,
            turns: stc3::turns(&d),
            turn_labels: Vec::new(),
        });
    }
    analyze(an, "stc3", dialogues, out);
}

fn analyze(an: &Analyzer, set: &'static str, dialogues: Vec<Dialogue>, out: &mut Vec<Call>) {
    let convs: Vec<Vec<Turn>> = dialogues
        .iter()
        .map(|d| d.turns.iter().map(|(s, x)| Turn::new(*s, x)).collect())
        .collect();
    let analyses = an.analyze_conversations(&convs);
    for (d, analysis) in dialogues.into_iter().zip(analyses) {
        let mut turn_labels = d.turn_labels;
        // Customer turns are the user turns, in order; anything else is a bug here.
        if set == "jddc" {
            assert_eq!(turn_labels.len(), analysis.customer_valence.len());
        }
        turn_labels.resize(analysis.customer_valence.len(), None);
        out.push(Call {
            set,
            sealed: halves::is_sealed(&d.id),
            id: d.id,
            label: d.label,
            analysis,
            turn_labels,
        });
    }
}
