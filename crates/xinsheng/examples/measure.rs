//! Score the open labeled data sets in `../shared/data` (when present) and print metrics.
//!
//! ```text
//! cargo run --release -p xinsheng --example measure [-- DATA_DIR]
//! ```
//!
//! DATA_DIR defaults to `../shared/data` relative to the workspace root. Each missing file
//! is reported as skipped. Nothing of the data is copied anywhere: this only reads it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "shared/halves.rs"]
mod halves;
#[path = "shared/stc3.rs"]
mod stc3;
use halves::is_sealed;
use xinsheng::{Analyzer, Emotion, Speaker, Turn};

/// The items of `v` whose `sealed` flag is set.
fn sealed_only<T: Clone>(v: &[T], sealed: &[bool]) -> Vec<T> {
    v.iter()
        .zip(sealed)
        .filter(|(_, &s)| s)
        .map(|(x, _)| x.clone())
        .collect()
}

/// ROC-AUC of `scores` for `positives` (Mann-Whitney U, ties count half).
fn auc(scores: &[f32], positives: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].partial_cmp(&scores[b]).unwrap());
    let mut ranks = vec![0f64; scores.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[idx[k]] = r;
        }
        i = j + 1;
    }
    let n_pos = positives.iter().filter(|&&p| p).count() as f64;
    let n_neg = positives.len() as f64 - n_pos;
    if n_pos == 0.0 || n_neg == 0.0 {
        return f64::NAN;
    }
    let sum_pos: f64 = ranks
        .iter()
        .zip(positives)
        .filter(|(_, &p)| p)
        .map(|(r, _)| r)
        .sum();
    (sum_pos - n_pos * (n_pos + 1.0) / 2.0) / (n_pos * n_neg)
}

fn rank(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].partial_cmp(&v[b]).unwrap());
    let mut r = vec![0f64; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for k in i..=j {
            r[idx[k]] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

fn spearman(a: &[f64], b: &[f64]) -> f64 {
    let (ra, rb) = (rank(a), rank(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn macro_f1(gold: &[&str], pred: &[&str], labels: &[&str]) -> (f64, Vec<(String, f64)>) {
    let mut per = Vec::new();
    for &l in labels {
        let tp = gold
            .iter()
            .zip(pred)
            .filter(|(g, p)| **g == l && **p == l)
            .count() as f64;
        let fp = gold
            .iter()
            .zip(pred)
            .filter(|(g, p)| **g != l && **p == l)
            .count() as f64;
        let fnn = gold
            .iter()
            .zip(pred)
            .filter(|(g, p)| **g == l && **p != l)
            .count() as f64;
        let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let rec = if tp + fnn > 0.0 { tp / (tp + fnn) } else { 0.0 };
        let f1 = if prec + rec > 0.0 {
            2.0 * prec * rec / (prec + rec)
        } else {
            0.0
        };
        per.push((l.to_string(), f1));
    }
    let m = per.iter().map(|p| p.1).sum::<f64>() / labels.len() as f64;
    (m, per)
}

/// Map the eight xinsheng emotions onto SMP2020-EWECT's six labels.
fn smp_label(e: Emotion) -> &'static str {
    match e {
        Emotion::Anger | Emotion::Disgust => "angry",
        Emotion::Joy | Emotion::Gratitude => "happy",
        Emotion::Sadness => "sad",
        Emotion::Anxiety => "fear",
        Emotion::Surprise => "surprise",
        Emotion::Neutral => "neutral",
    }
}

fn read(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(_) => {
            println!("skipped: {} (not present)", path.display());
            None
        }
    }
}

fn smp(an: &Analyzer, dir: &Path, file: &str) {
    let Some(text) = read(&dir.join("emotion").join(file)) else {
        return;
    };
    let rows: Vec<Value> = serde_json::from_str(&text).expect("SMP2020 file is a JSON array");
    let labels = ["angry", "happy", "sad", "fear", "surprise", "neutral"];
    let mut gold = Vec::new();
    let mut pred = Vec::new();
    let mut sealed = Vec::new();
    let mut confusion: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &rows {
        sealed.push(is_sealed(&r["id"].to_string()));
        let g = r["label"].as_str().unwrap_or("");
        let c = r["content"].as_str().unwrap_or("");
        let p = smp_label(an.analyze(c, Speaker::Unknown).emotion);
        *confusion.entry((g.to_string(), p.to_string())).or_default() += 1;
        gold.push(g);
        pred.push(p);
    }
    let (m, per) = macro_f1(&gold, &pred, &labels);
    let (gs, ps) = (sealed_only(&gold, &sealed), sealed_only(&pred, &sealed));
    let (ms, _) = macro_f1(&gs, &ps, &labels);
    println!(
        "SMP2020 {file}: n={} macro-F1 = {m:.3}; sealed half n={} macro-F1 = {ms:.3}",
        rows.len(),
        gs.len()
    );
    for (l, f) in per {
        println!("    F1 {l:<9} {f:.3}");
    }
    if std::env::var_os("MEASURE_VERBOSE").is_some() {
        println!("    confusion (gold -> pred):");
        for g in labels {
            let row: Vec<String> = labels
                .iter()
                .map(|p| {
                    format!(
                        "{}",
                        confusion
                            .get(&(g.to_string(), p.to_string()))
                            .copied()
                            .unwrap_or(0)
                    )
                })
                .collect();
            println!("    {g:<9} {}", row.join("\t"));
        }
    }
}

fn polarity_csv(an: &Analyzer, dir: &Path, file: &str, label_col: &str, text_col: &str) {
    let Some(text) = read(&dir.join("polarity").join(file)) else {
        return;
    };
    // Simple CSV reading: these files quote fields with embedded commas.
    let mut rdr = csv_rows(&text);
    let header = rdr.remove(0);
    let li = header
        .iter()
        .position(|h| h == label_col)
        .expect("label column");
    let ti = header
        .iter()
        .position(|h| h == text_col)
        .expect("text column");
    let mut scores = Vec::new();
    let mut pos = Vec::new();
    let mut neg_scores = Vec::new();
    let mut neg_pos = Vec::new();
    let (mut sealed, mut neg_sealed) = (Vec::new(), Vec::new());
    for (i, row) in rdr.iter().enumerate() {
        let (Some(l), Some(t)) = (row.get(li), row.get(ti)) else {
            continue;
        };
        let s = is_sealed(&i.to_string());
        let v = an.analyze(t, Speaker::Customer).valence;
        match l.trim() {
            "1" => {
                scores.push(v);
                pos.push(true);
                sealed.push(s);
            }
            "0" => {
                scores.push(v);
                pos.push(false);
                sealed.push(s);
                neg_scores.push(-v);
                neg_pos.push(true);
                neg_sealed.push(s);
            }
            "2" => {
                neg_scores.push(-v);
                neg_pos.push(false);
                neg_sealed.push(s);
            }
            _ => {}
        }
    }
    println!(
        "{file}: n={} ROC-AUC(valence, positive vs negative) = {:.3}; sealed half n={} = {:.3}",
        scores.len(),
        auc(&scores, &pos),
        sealed.iter().filter(|&&s| s).count(),
        auc(&sealed_only(&scores, &sealed), &sealed_only(&pos, &sealed))
    );
    if neg_pos.iter().any(|p| !p) {
        println!(
            "{file}: ROC-AUC(-valence, negative vs neutral) = {:.3}; sealed half = {:.3}",
            auc(&neg_scores, &neg_pos),
            auc(
                &sealed_only(&neg_scores, &neg_sealed),
                &sealed_only(&neg_pos, &neg_sealed)
            )
        );
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_q = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, in_q) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => in_q = !in_q,
            (',', false) => row.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// CPED (TV-drama dialogue, not customer service): a guard set. Vocabulary written after
/// reading misjudged rows of the other sets should not lose here; nobody reads its rows.
/// Polarity ROC-AUC (positive vs negative utterances) and accuracy of the emotion on the
/// CPED emotions that have a counterpart among the eight (positive-other and
/// negative-other do not).
fn cped(an: &Analyzer, dir: &Path) {
    let Some(text) = read(&dir.join("dialog_emotion/cped_valid_split.csv")) else {
        return;
    };
    let mut rows = csv_rows(&text);
    let header = rows.remove(0);
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (si, ei, ui) = (col("Sentiment"), col("Emotion"), col("Utterance"));
    let (mut scores, mut pos) = (Vec::new(), Vec::new());
    let (mut right, mut n) = (0usize, 0usize);
    let (mut sealed, mut right_s, mut n_s) = (Vec::new(), 0usize, 0usize);
    for (i, row) in rows.iter().enumerate() {
        let (Some(s), Some(e), Some(u)) = (row.get(si), row.get(ei), row.get(ui)) else {
            continue;
        };
        let sl = is_sealed(&i.to_string());
        let a = an.analyze(u, Speaker::Customer);
        match s.as_str() {
            "positive" => {
                scores.push(a.valence);
                pos.push(true);
                sealed.push(sl);
            }
            "negative" => {
                scores.push(a.valence);
                pos.push(false);
                sealed.push(sl);
            }
            _ => {}
        }
        let gold = match e.as_str() {
            "happy" | "relaxed" => Emotion::Joy,
            "grateful" => Emotion::Gratitude,
            "anger" => Emotion::Anger,
            "disgust" => Emotion::Disgust,
            "fear" | "worried" => Emotion::Anxiety,
            "depress" | "sadness" => Emotion::Sadness,
            "astonished" => Emotion::Surprise,
            "neutral" => Emotion::Neutral,
            _ => continue,
        };
        n += 1;
        right += (a.emotion == gold) as usize;
        n_s += sl as usize;
        right_s += (sl && a.emotion == gold) as usize;
    }
    println!(
        "CPED (guard, not read): n={} ROC-AUC(valence, positive vs negative) = {:.4}, emotion accuracy = {:.4} (n={n})",
        scores.len(),
        auc(&scores, &pos),
        right as f64 / n.max(1) as f64
    );
    println!(
        "CPED sealed half: n={} ROC-AUC = {:.4}, emotion accuracy = {:.4} (n={n_s})",
        sealed.iter().filter(|&&s| s).count(),
        auc(&sealed_only(&scores, &sealed), &sealed_only(&pos, &sealed)),
        right_s as f64 / n_s.max(1) as f64
    );
}

fn jddc(an: &Analyzer, dir: &Path) {
    let Some(text) = read(&dir.join("satisfaction/jddc_uss_valid.dialogues.jsonl")) else {
        return;
    };
    let mut turn_scores = Vec::new();
    let mut turn_pos = Vec::new();
    let mut call_scores = Vec::new();
    let mut call_pos = Vec::new();
    let (mut turn_sealed, mut call_sealed) = (Vec::new(), Vec::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d: Value = serde_json::from_str(line).expect("JDDC line is JSON");
        let sealed = is_sealed(d["dialogue"].as_str().unwrap_or(""));
        let mut turns = Vec::new();
        for t in d["turns"].as_array().into_iter().flatten() {
            let user = t["user"].as_str().unwrap_or("");
            let a = an.analyze(user, Speaker::Customer);
            if let Some(s) = t["sat3"].as_i64() {
                turn_scores.push(-a.valence);
                turn_pos.push(s == 0);
                turn_sealed.push(sealed);
            }
            turns.push((Speaker::Customer, user));
            let sys = t["system"].as_str().unwrap_or("");
            if !sys.trim().is_empty() {
                turns.push((Speaker::Agent, sys));
            }
        }
        let turns: Vec<Turn> = turns.iter().map(|(s, t)| Turn::new(*s, t)).collect();
        let c = an.analyze_conversation(&turns);
        if let Some(s) = d["overall_sat3"].as_i64() {
            dump("jddc", s == 0, &c);
            call_scores.push(c.escalation.risk);
            call_pos.push(s == 0);
            call_sealed.push(sealed);
        }
    }
    println!(
        "JDDC user turns: n={} (sat3=0: {}) ROC-AUC(-valence) = {:.4}",
        turn_scores.len(),
        turn_pos.iter().filter(|&&p| p).count(),
        auc(&turn_scores, &turn_pos)
    );
    println!(
        "JDDC dialogues: n={} (overall_sat3=0: {}) ROC-AUC(call risk) = {:.4}",
        call_scores.len(),
        call_pos.iter().filter(|&&p| p).count(),
        auc(&call_scores, &call_pos)
    );
    let (ts, tp) = (
        sealed_only(&turn_scores, &turn_sealed),
        sealed_only(&turn_pos, &turn_sealed),
    );
    let (cs, cp) = (
        sealed_only(&call_scores, &call_sealed),
        sealed_only(&call_pos, &call_sealed),
    );
    println!(
        "JDDC sealed half: user turns n={} ROC-AUC(-valence) = {:.4}; dialogues n={} ROC-AUC(call risk) = {:.4}",
        ts.len(),
        auc(&ts, &tp),
        cs.len(),
        auc(&cs, &cp)
    );
}

fn stc3(an: &Analyzer, dir: &Path) {
    let Some(text) = read(&dir.join("satisfaction/stc3_dch_part1.jsonl")) else {
        return;
    };
    let mut risks = Vec::new();
    let mut pos = Vec::new();
    let mut means = Vec::new();
    let mut sealed = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let d: Value = serde_json::from_str(line).expect("STC-3 line is JSON");
        let key = stc3::id(&d);
        let owned = stc3::turns(&d);
        let turns: Vec<Turn> = owned.iter().map(|(s, t)| Turn::new(*s, t)).collect();
        let c = an.analyze_conversation(&turns);
        let s: Vec<f64> = d["quality"]["S"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_f64())
            .collect();
        if s.is_empty() {
            continue;
        }
        let m = s.iter().sum::<f64>() / s.len() as f64;
        dump("stc3", m <= -1.0, &c);
        risks.push(c.escalation.risk);
        pos.push(m <= -1.0);
        means.push(m);
        sealed.push(is_sealed(&key));
    }
    let r64: Vec<f64> = risks.iter().map(|&r| r as f64).collect();
    let neg_means: Vec<f64> = means.iter().map(|m| -m).collect();
    println!(
        "STC-3 dialogues: n={} (mean S <= -1: {}) ROC-AUC(call risk) = {:.4}, Spearman(risk, -S) = {:.3}",
        risks.len(),
        pos.iter().filter(|&&p| p).count(),
        auc(&risks, &pos),
        spearman(&r64, &neg_means)
    );
    let (rs, ps) = (sealed_only(&risks, &sealed), sealed_only(&pos, &sealed));
    println!(
        "STC-3 sealed half: n={} ROC-AUC(call risk) = {:.4}, Spearman(risk, -S) = {:.3}",
        rs.len(),
        auc(&rs, &ps),
        spearman(
            &sealed_only(&r64, &sealed),
            &sealed_only(&neg_means, &sealed)
        )
    );
}

/// With `MEASURE_DUMP=FILE`, append one line per dialogue: set, label, risk, reasons.
fn dump(set: &str, label: bool, c: &xinsheng::ConversationAnalysis) {
    let Some(path) = std::env::var_os("MEASURE_DUMP") else {
        return;
    };
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .expect("dump file is writable");
    let reasons: Vec<String> = c
        .escalation
        .reasons
        .iter()
        .map(|r| format!("{}={:.3}", r.kind, r.weight))
        .collect();
    writeln!(
        f,
        "{set}\t{}\t{:.4}\t{}",
        label as u8,
        c.escalation.risk,
        reasons.join(",")
    )
    .expect("dump file is writable");
}

fn main() {
    let dir: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    if !dir.exists() {
        println!(
            "skipped: data directory {} not present (measurement needs ../shared/data)",
            dir.display()
        );
        return;
    }
    let t = std::time::Instant::now();
    let an = Analyzer::new();
    println!(
        "analyzer built in {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    smp(&an, &dir, "smp2020ewect_usual_eval_labeled.json");
    smp(&an, &dir, "smp2020ewect_virus_eval_labeled.json");
    polarity_csv(&an, &dir, "waimai_10k.csv", "label", "review");
    polarity_csv(
        &an,
        &dir,
        "bdci2021_bank_reviews_train.csv",
        "class",
        "text",
    );
    jddc(&an, &dir);
    stc3(&an, &dir);
    cped(&an, &dir);
}
