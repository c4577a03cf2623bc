//! `xinsheng calibrate`: fit the call model on a team's own labels (post-call surveys, QA
//! verdicts, complaint tickets), report it out of fold beside the built-in model, and
//! write the model file that `calls --model` and `flag --model` read.
//!
//! Calls are grouped like `calls` groups them (the records of one input with the same call
//! id, brought together wherever they stand; with `--label` the records keep their
//! original fields, where the label is, while they are regrouped). Nothing is fitted silently: unreadable records, calls without a label,
//! labels that do not parse, too few calls of a label, and constant or non-finite features
//! are errors.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;
use xinsheng::model::eval::{bootstrap_auc, calibration, grouped_folds, precision_at, roc_auc};
use xinsheng::model::{
    call_features, cross_validate, feature_index, CallModel, FitSpec, Provenance, MIN_CLASS,
    N_FEATURES,
};
use xinsheng::{Analyzer, UtteranceAnalysis};
use xinsheng_io::{Original, Record, RecordError};

use crate::app::{Failure, Global, InputArgs};
use crate::pipeline::{Render, Sink};

/// Folds of the cross-validation by default.
pub const DEFAULT_FOLDS: usize = 5;
/// Bootstrap resamples of the ROC-AUC interval.
pub const BOOTSTRAP: usize = 1000;
/// Confidence level of that interval.
pub const INTERVAL: f64 = 0.95;
/// Calls without a label listed in the error at most.
const LIST_AT_MOST: usize = 20;
/// Bins of the calibration table.
const CALIBRATION_BINS: usize = 10;

/// `xinsheng calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// The record field holding each call's label (the first non-empty value of a call)
    #[arg(
        long,
        value_name = "FIELD",
        conflicts_with = "labels",
        required_unless_present = "labels"
    )]
    pub label: Option<String>,
    /// A CSV file `call_id,label` (with a header row) holding the labels
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// A label equal to VALUE is positive, any other negative [default: 1/true/yes
    /// positive, 0/false/no negative]
    #[arg(long, value_name = "VALUE", conflicts_with = "below")]
    pub positive: Option<String>,
    /// A numeric label below X is positive (e.g. a satisfaction score --below 3)
    #[arg(long, value_name = "X")]
    pub below: Option<f64>,
    /// Features to fit, comma-separated [default: the built-in model's, less any that is
    /// the same on every call]
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    pub features: Vec<String>,
    /// L2 strength on the standardized weights [default: the built-in model's]
    #[arg(long, value_name = "X")]
    pub l2: Option<f64>,
    /// Cross-validation folds (grouped by call id)
    #[arg(long, value_name = "K", default_value_t = DEFAULT_FOLDS as u16,
          value_parser = clap::value_parser!(u16).range(2..))]
    pub folds: u16,
    /// Seed of the fold assignment and the bootstrap
    #[arg(long, value_name = "N", default_value_t = 20261203)]
    pub seed: u64,
}

/// How a label value becomes positive or negative.
#[derive(Debug, Clone, PartialEq)]
enum Rule {
    Equals(String),
    Below(f64),
    Binary,
}

impl Rule {
    fn decide(&self, raw: &str) -> Result<bool, String> {
        let v = raw.trim();
        match self {
            Rule::Equals(p) => Ok(v == p.trim()),
            Rule::Below(x) => v
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| n < *x)
                .ok_or_else(|| format!("`{v}` is not a number (--below {x})")),
            Rule::Binary => match v.to_ascii_lowercase().as_str() {
                "1" | "true" | "yes" => Ok(true),
                "0" | "false" | "no" => Ok(false),
                _ => Err(format!(
                    "`{v}` is not 1/true/yes or 0/false/no (use --positive VALUE or --below X)"
                )),
            },
        }
    }

    fn describe(&self) -> String {
        match self {
            Rule::Equals(p) => format!("positive: label = {p}"),
            Rule::Below(x) => format!("positive: label < {x}"),
            Rule::Binary => "positive: label 1/true/yes".into(),
        }
    }
}

/// The value of a field of a record, when it has a non-empty one.
fn field_value(record: &Record, field: &str) -> Option<String> {
    let v = match &record.original {
        Original::Json { line, .. } => {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            match v.get(field)? {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s.clone()),
                other => Some(other.to_string()),
            }
        }
        Original::Csv { header, fields } => header
            .names
            .iter()
            .position(|n| n == field)
            .and_then(|i| fields.get(i))
            .cloned(),
        Original::Text => None,
    };
    v.filter(|s| !s.trim().is_empty())
}

/// A grouped call: its id, the label found in its records, its features.
struct LabeledCall {
    id: String,
    label: Option<String>,
    features: [f64; N_FEATURES],
}

struct Building {
    call_id: Option<String>,
    id: String,
    label: Option<String>,
    analyses: Vec<UtteranceAnalysis>,
}

/// A scored record as the label sink keeps it.
pub struct LabelTurn {
    call_id: Option<String>,
    file: Arc<str>,
    label: Option<String>,
    analysis: UtteranceAnalysis,
}

/// The render of the label sink: each scored record with its label, if any.
pub struct LabelRender {
    field: Option<String>,
}

impl Render for LabelRender {
    type Prepared = LabelTurn;
    fn prepare(
        &self,
        record: Record,
        analysis: UtteranceAnalysis,
        _cut: Option<crate::bounded::Cut>,
    ) -> LabelTurn {
        LabelTurn {
            label: self.field.as_deref().and_then(|f| field_value(&record, f)),
            call_id: record.call_id,
            file: record.source.file,
            analysis,
        }
    }
}

/// Groups scored records into calls (as `calls` does) and keeps features and labels.
struct LabelSink<'a> {
    analyzer: &'a Analyzer,
    field: Option<String>,
    current: Option<Building>,
    calls: Vec<LabeledCall>,
}

impl LabelSink<'_> {
    fn flush(&mut self) {
        if let Some(b) = self.current.take() {
            let analysis = self.analyzer.roll_up(b.analyses);
            self.calls.push(LabeledCall {
                id: b.id,
                label: b.label,
                features: call_features(&analysis),
            });
        }
    }
}

impl Sink for LabelSink<'_> {
    type Prepared = LabelTurn;
    type Render = LabelRender;

    fn start(&mut self, _first: Option<&Record>) -> io::Result<LabelRender> {
        Ok(LabelRender {
            field: self.field.clone(),
        })
    }

    fn accept(&mut self, t: LabelTurn) -> io::Result<()> {
        if self
            .current
            .as_ref()
            .is_some_and(|b| b.call_id != t.call_id)
        {
            self.flush();
        }
        let b = self.current.get_or_insert_with(|| Building {
            id: t.call_id.clone().unwrap_or_else(|| t.file.to_string()),
            call_id: t.call_id,
            label: None,
            analyses: Vec::new(),
        });
        if b.label.is_none() {
            b.label = t.label;
        }
        b.analyses.push(t.analysis);
        Ok(())
    }

    fn error(&mut self, _error: &RecordError) -> io::Result<()> {
        Ok(())
    }

    fn end_of_input(&mut self) -> io::Result<()> {
        self.flush();
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush();
        Ok(())
    }
}

/// Labels kept apart: a CSV `call_id,label` with a header row.
fn read_labels(path: &Path) -> Result<HashMap<String, String>, Failure> {
    let fatal = |m: String| Failure::Fatal(format!("{}: {m}", path.display()));
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(|e| fatal(e.to_string()))?;
    let mut map = HashMap::new();
    for (i, rec) in r.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| fatal(e.to_string()))?;
        let (Some(id), Some(label)) = (rec.get(0), rec.get(1)) else {
            return Err(Failure::Fatal(format!(
                "{}:{line}: expected two columns call_id,label",
                path.display()
            )));
        };
        if map
            .insert(id.trim().to_string(), label.trim().to_string())
            .is_some()
        {
            return Err(Failure::Fatal(format!(
                "{}:{line}: call `{}` is labeled twice",
                path.display(),
                id.trim()
            )));
        }
    }
    Ok(map)
}

/// The fit's features and strength: given, else the built-in model's.
fn spec(a: &CalibrateArgs) -> Result<FitSpec, Failure> {
    let mut spec = FitSpec::builtin();
    if !a.features.is_empty() {
        spec.features = a
            .features
            .iter()
            .map(|n| {
                feature_index(n.trim()).ok_or_else(|| {
                    Failure::Fatal(format!(
                        "--features: unknown feature `{n}` (see docs/model.md for the list)"
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(l2) = a.l2 {
        spec.l2 = l2;
    }
    spec.min_class = MIN_CLASS;
    Ok(spec)
}

/// Turn each call's raw label into a boolean, or fail listing what is wrong.
fn decide_labels(calls: &[LabeledCall], rule: &Rule) -> Result<Vec<bool>, Failure> {
    let missing: Vec<&str> = calls
        .iter()
        .filter(|c| c.label.is_none())
        .map(|c| c.id.as_str())
        .collect();
    if !missing.is_empty() {
        let more = missing.len().saturating_sub(LIST_AT_MOST);
        return Err(Failure::Fatal(format!(
            "{} of {} calls have no label: {}{}",
            missing.len(),
            calls.len(),
            missing[..missing.len().min(LIST_AT_MOST)].join(", "),
            if more > 0 {
                format!(" … and {more} more")
            } else {
                String::new()
            }
        )));
    }
    let mut bad = Vec::new();
    let mut labels = Vec::with_capacity(calls.len());
    for c in calls {
        match rule.decide(c.label.as_deref().unwrap_or("")) {
            Ok(l) => labels.push(l),
            Err(e) => bad.push(format!("call {}: {e}", c.id)),
        }
    }
    if !bad.is_empty() {
        let n = bad.len();
        bad.truncate(LIST_AT_MOST);
        return Err(Failure::Fatal(format!(
            "{n} labels cannot be read:\n  {}",
            bad.join("\n  ")
        )));
    }
    Ok(labels)
}

/// Today's UTC date, `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Figures of one score over the calls.
struct Figures {
    auc: f64,
    interval: (f64, f64),
    top5: f64,
    top10: f64,
}

fn figures(p: &[f64], labels: &[bool], seed: u64) -> Figures {
    Figures {
        auc: roc_auc(p, labels),
        interval: bootstrap_auc(p, labels, BOOTSTRAP, INTERVAL, seed),
        top5: precision_at(p, labels, 0.05),
        top10: precision_at(p, labels, 0.10),
    }
}

/// The cross-validation report.
fn write_report(
    w: &mut impl Write,
    labels: &[bool],
    oof: &[f64],
    builtin: &[f64],
    model: &CallModel,
    a: &CalibrateArgs,
) -> io::Result<Vec<String>> {
    let n = labels.len();
    let pos = labels.iter().filter(|&&l| l).count();
    let f = figures(oof, labels, a.seed);
    let b = figures(builtin, labels, a.seed);
    writeln!(
        w,
        "calibrate: {n} calls, {pos} positive ({:.1} %), {}-fold cross-validation grouped by call id (seed {})",
        100.0 * pos as f64 / n as f64,
        a.folds,
        a.seed
    )?;
    writeln!(w)?;
    writeln!(
        w,
        "{:<28} {:>24} {:>24}",
        "", "fitted (out of fold)", "built-in model"
    )?;
    let pct = (INTERVAL * 100.0).round();
    let auc = |f: &Figures| format!("{:.3} [{:.3}, {:.3}]", f.auc, f.interval.0, f.interval.1);
    writeln!(
        w,
        "{:<28} {:>24} {:>24}",
        format!("ROC-AUC [{pct} % bootstrap]"),
        auc(&f),
        auc(&b)
    )?;
    writeln!(
        w,
        "{:<28} {:>24.3} {:>24.3}",
        "precision, top 5 % of calls", f.top5, b.top5
    )?;
    writeln!(
        w,
        "{:<28} {:>24.3} {:>24.3}",
        "precision, top 10 % of calls", f.top10, b.top10
    )?;
    writeln!(w, "{:<28} {:>24.3}", "base rate", pos as f64 / n as f64)?;
    writeln!(w)?;
    writeln!(w, "calibration (predicted probability → observed rate):")?;
    writeln!(
        w,
        "  {:<11} {:>6} {:>9} {:>9}   {:>6} {:>9} {:>9}",
        "bin", "fitted", "pred.", "obs.", "built-in", "pred.", "obs."
    )?;
    let cf = calibration(oof, labels, CALIBRATION_BINS);
    let cb = calibration(builtin, labels, CALIBRATION_BINS);
    for k in 0..CALIBRATION_BINS {
        let lo = k as f64 / CALIBRATION_BINS as f64;
        let cell = |t: &[xinsheng::model::eval::CalibrationBin]| match t
            .iter()
            .find(|c| (c.low - lo).abs() < 1e-9)
        {
            Some(c) => format!("{:>6} {:>9.3} {:>9.3}", c.calls, c.predicted, c.observed),
            None => format!("{:>6} {:>9} {:>9}", 0, "-", "-"),
        };
        writeln!(
            w,
            "  {:<11} {}   {}",
            format!("{:.1}–{:.1}", lo, lo + 1.0 / CALIBRATION_BINS as f64),
            cell(&cf),
            cell(&cb)
        )?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "weights on standardized features (fitted on all {n} calls; + raises risk):"
    )?;
    writeln!(w, "  {:<22} {:>9} {:>9}", "feature", "fitted", "built-in")?;
    writeln!(
        w,
        "  {:<22} {:>+9.3} {:>+9.3}",
        "(intercept)",
        model.intercept,
        CallModel::builtin().intercept
    )?;
    for t in &model.terms {
        let bw = CallModel::builtin()
            .terms
            .iter()
            .find(|u| u.index == t.index)
            .map_or("-".to_string(), |u| format!("{:+.3}", u.weight));
        writeln!(w, "  {:<22} {:>+9.3} {:>9}", t.name(), t.weight, bw)?;
    }
    Ok(vec![
        format!(
            "{}-fold out-of-fold ROC-AUC {:.3} [{:.3}, {:.3}], precision top 5 % {:.3}, top 10 % {:.3} (built-in model on the same calls: {:.3})",
            a.folds, f.auc, f.interval.0, f.interval.1, f.top5, f.top10, b.auc
        ),
    ])
}

/// Read `--model FILE` (errors as `path:line: reason`); `None` without the flag.
pub fn load_model(path: Option<&Path>) -> Result<Option<CallModel>, Failure> {
    path.map(|p| CallModel::load(p).map_err(|e| Failure::Fatal(e.to_string())))
        .transpose()
}

/// Run `xinsheng calibrate`.
pub fn run(g: &Global, a: &CalibrateArgs) -> Result<i32, Failure> {
    let rule = match (&a.positive, a.below) {
        (Some(p), _) => Rule::Equals(p.clone()),
        (None, Some(x)) => Rule::Below(x),
        (None, None) => Rule::Binary,
    };
    let spec = spec(a)?;
    let label_file = a.labels.as_deref().map(read_labels).transpose()?;
    // -o is checked before anything is read; nothing is written unless the fit succeeds
    // (a dropped output removes its temporary file).
    let out = crate::app::output_path(g)
        .map(|_| crate::app::output(g))
        .transpose()?;
    // Each call's records brought together as for `calls`, keeping the original record
    // when the label field is read from it.
    let opts = crate::pipeline::Options {
        group: true,
        group_keeps_original: a.label.is_some(),
        ..crate::app::options(g, &a.input)
    };
    let expanded = crate::app::inputs(g, &a.input)?;
    let names: Vec<String> = if a.input.inputs.is_empty() {
        vec!["stdin".into()]
    } else {
        a.input
            .inputs
            .iter()
            .map(|i| i.to_string_lossy().into_owned())
            .collect()
    };
    let mut reporter = crate::app::reporter(g, &expanded);
    let reading = crate::app::start_reading(expanded.inputs, &opts, &reporter)?;
    let analyzer = crate::app::analyzer(g)?;
    let mut sink = LabelSink {
        analyzer: &analyzer,
        field: a.label.clone(),
        current: None,
        calls: Vec::new(),
    };
    let summary =
        crate::pipeline::run_reading(&analyzer, reading, &opts, &mut sink, &mut reporter)?;
    reporter.note(&format_args!(
        "{}; {} calls",
        summary.line(),
        sink.calls.len()
    ));
    if summary.has_errors() {
        return Err(Failure::Fatal(
            "some records could not be read (listed above): fix them before fitting".into(),
        ));
    }
    let mut calls = sink.calls;
    if let Some(map) = &label_file {
        for c in &mut calls {
            c.label = map.get(&c.id).cloned();
        }
    }
    let labels = decide_labels(&calls, &rule)?;
    let rows: Vec<[f64; N_FEATURES]> = calls.iter().map(|c| c.features).collect();
    let mut spec = spec;
    if a.features.is_empty() {
        // The built-in model's features, less those these calls give nothing to learn
        // from (no agent ever refused, say); a feature named with --features must vary.
        spec.features.retain(|&j| {
            let varies = rows.iter().any(|r| r[j] != rows[0][j]);
            if !varies {
                reporter.note(&format_args!(
                    "feature `{}` is the same on every call: left out of the fit",
                    xinsheng::model::FEATURES[j].name
                ));
            }
            varies
        });
        if spec.features.is_empty() {
            return Err(Failure::Fatal(
                "every feature is the same on every call: nothing to learn from".into(),
            ));
        }
    }
    let ids: Vec<&str> = calls.iter().map(|c| c.id.as_str()).collect();
    let folds = grouped_folds(&ids, &labels, usize::from(a.folds), a.seed);
    let fit_err = |e: xinsheng::model::FitError| Failure::Fatal(e.to_string());
    let oof = cross_validate(&rows, &labels, None, &folds, &spec).map_err(fit_err)?;
    let builtin: Vec<f64> = rows
        .iter()
        .map(|r| CallModel::builtin().probability(r))
        .collect();
    let provenance = Provenance {
        command: std::env::args().collect::<Vec<_>>().join(" "),
        data: format!(
            "{} ({}; labels from {})",
            names.join(", "),
            rule.describe(),
            a.labels.as_ref().map_or_else(
                || format!("field `{}`", a.label.as_deref().unwrap_or("")),
                |p| p.display().to_string()
            )
        ),
        date: today(),
        ..Provenance::default()
    };
    let mut model = CallModel::fit(&rows, &labels, None, &spec, provenance).map_err(fit_err)?;
    let mut report = Vec::new();
    model.provenance.evidence = write_report(&mut report, &labels, &oof, &builtin, &model, a)?;
    io::stdout().write_all(&report)?;
    match (out, crate::app::output_path(g)) {
        (Some(mut out), Some(path)) => {
            out.write_all(model.to_json().as_bytes())?;
            crate::app::commit(out, g)?;
            reporter.note(&format_args!("model written to {}", path.display()));
        }
        _ => reporter.note(&"no model written (give -o model.json to write it)"),
    }
    Ok(0)
}
