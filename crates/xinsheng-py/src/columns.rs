//! Flat columns for data frames: one list per column, cells as the CLI's CSV writes
//! them (`cues` as `category:text|…`, `reasons` as `kind detail (turn N) +weight | …`),
//! floats as in the CLI's JSON.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use xinsheng::{ConversationAnalysis, Speaker, UtteranceAnalysis};
use xinsheng_io::write::{agent_cell, cues_cell, CSV_COLUMNS};

use crate::convert::py_float;
use crate::topy::Converter;

/// The per-utterance columns, in order: the CLI's CSV analysis columns without `source`
/// and `error` (a data frame has its own index, and bad cells raise instead).
pub const SCORE_COLUMNS: &[&str] = CSV_COLUMNS.split_at(CSV_COLUMNS.len() - 2).0;

/// The flat cells of one utterance.
pub struct ScoreRow {
    emotion: &'static str,
    polarity: &'static str,
    valence: f64,
    intensity: f64,
    risk: f64,
    level: &'static str,
    cues: String,
    agent: String,
}

impl ScoreRow {
    /// The cells of an analysis.
    pub fn of(a: &UtteranceAnalysis) -> ScoreRow {
        ScoreRow {
            emotion: a.emotion.as_str(),
            polarity: a.polarity.as_str(),
            valence: py_float(a.valence),
            intensity: py_float(a.intensity),
            risk: py_float(a.escalation.risk),
            level: a.escalation.level.as_str(),
            cues: cues_cell(a),
            agent: agent_cell(a),
        }
    }
}

/// The per-utterance columns being filled, chunk by chunk.
pub struct ScoreColumns<'a, 'py> {
    conv: &'a Converter<'py>,
    cells: [Vec<Bound<'py, PyAny>>; SCORE_COLUMN_COUNT],
}

/// How many per-utterance columns there are.
const SCORE_COLUMN_COUNT: usize = 8;
const _: () = assert!(SCORE_COLUMNS.len() == SCORE_COLUMN_COUNT);

impl<'a, 'py> ScoreColumns<'a, 'py> {
    /// Empty columns with room for `n` rows; labels and zeros come from `conv`.
    pub fn new(conv: &'a Converter<'py>, n: usize) -> Self {
        ScoreColumns {
            conv,
            cells: std::array::from_fn(|_| Vec::with_capacity(n)),
        }
    }

    /// Appends rows.
    pub fn push(&mut self, rows: &[ScoreRow]) {
        let py = self.conv.py();
        for r in rows {
            let cells: [Bound<'py, PyAny>; SCORE_COLUMN_COUNT] = [
                self.conv.label(r.emotion),
                self.conv.label(r.polarity),
                self.conv.float(r.valence),
                self.conv.float(r.intensity),
                self.conv.float(r.risk),
                self.conv.label(r.level),
                PyString::new(py, &r.cues).into_any(),
                PyString::new(py, &r.agent).into_any(),
            ];
            for (col, cell) in self.cells.iter_mut().zip(cells) {
                col.push(cell);
            }
        }
    }

    /// `{column: [cells]}`, in [`SCORE_COLUMNS`] order.
    pub fn into_dict(self) -> PyResult<Bound<'py, PyDict>> {
        let py = self.conv.py();
        let d = PyDict::new(py);
        for (name, col) in SCORE_COLUMNS.iter().zip(self.cells) {
            d.set_item(*name, PyList::new(py, col)?)?;
        }
        Ok(d)
    }
}

/// The flat cells of one call.
pub struct CallRow {
    turns: usize,
    customer_turns: usize,
    agent_turns: usize,
    level: &'static str,
    risk: f64,
    escalated: bool,
    first_turn: Option<usize>,
    trajectory: &'static str,
    empathy_rate: Option<f64>,
    prohibited: usize,
    reasons: String,
}

impl CallRow {
    /// The cells of a call's analysis.
    pub fn of(turns: &[(Speaker, String)], a: &ConversationAnalysis) -> CallRow {
        let count = |who: Speaker| turns.iter().filter(|(s, _)| *s == who).count();
        let e = &a.escalation;
        CallRow {
            turns: turns.len(),
            customer_turns: count(Speaker::Customer),
            agent_turns: count(Speaker::Agent),
            level: e.level.as_str(),
            risk: py_float(e.risk),
            escalated: e.escalated,
            first_turn: e.first_turn,
            trajectory: a.trajectory.as_str(),
            empathy_rate: a.agent_qa.empathy_rate.map(py_float),
            prohibited: a.agent_qa.prohibited.len(),
            reasons: reasons_cell(a),
        }
    }
}

/// All reasons in one cell, as the CLI's `calls --format csv` writes them:
/// `kind detail (turn N) +weight`, strongest first, ` | ` between them.
fn reasons_cell(a: &ConversationAnalysis) -> String {
    let mut s = String::new();
    for r in &a.escalation.reasons {
        if !s.is_empty() {
            s.push_str(" | ");
        }
        s.push_str(r.kind.as_str());
        s.push(' ');
        s.push_str(&r.detail);
        if let Some(t) = r.turn {
            s.push_str(&format!(" (turn {t})"));
        }
        s.push_str(&format!(" +{:.2}", r.weight));
    }
    s
}

/// `{column: [cells]}` for calls.
pub fn call_columns<'py>(py: Python<'py>, rows: &[CallRow]) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("turns", PyList::new(py, rows.iter().map(|r| r.turns))?)?;
    d.set_item(
        "customer_turns",
        PyList::new(py, rows.iter().map(|r| r.customer_turns))?,
    )?;
    d.set_item(
        "agent_turns",
        PyList::new(py, rows.iter().map(|r| r.agent_turns))?,
    )?;
    d.set_item("level", PyList::new(py, rows.iter().map(|r| r.level))?)?;
    d.set_item("risk", PyList::new(py, rows.iter().map(|r| r.risk))?)?;
    d.set_item(
        "escalated",
        PyList::new(py, rows.iter().map(|r| r.escalated))?,
    )?;
    d.set_item(
        "first_turn",
        PyList::new(py, rows.iter().map(|r| r.first_turn))?,
    )?;
    d.set_item(
        "trajectory",
        PyList::new(py, rows.iter().map(|r| r.trajectory))?,
    )?;
    d.set_item(
        "empathy_rate",
        PyList::new(py, rows.iter().map(|r| r.empathy_rate))?,
    )?;
    d.set_item(
        "prohibited",
        PyList::new(py, rows.iter().map(|r| r.prohibited))?,
    )?;
    d.set_item(
        "reasons",
        PyList::new(py, rows.iter().map(|r| r.reasons.as_str()))?,
    )?;
    Ok(d)
}
