//! Python values in (texts, speakers, turns) and analyses out.
//!
//! Analyses leave as the library's serde JSON parsed by Python's `json.loads`, so a dict
//! is exactly what `json.loads` makes of the CLI's JSON (same keys, same label strings,
//! and the same float values: an `f32` written as its shortest decimal and read back as
//! a Python float).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use serde::Serialize;
use xinsheng::Speaker;
use xinsheng_io::SpeakerMap;

/// A float of the schema as Python sees it in the CLI's JSON: the `f32`'s shortest
/// decimal read as an `f64` (0.6349206, not 0.6349206209945679).
pub fn py_float(x: f32) -> f64 {
    if x.is_finite() {
        let mut buf = ryu::Buffer::new();
        buf.format_finite(x).parse().unwrap_or(f64::from(x))
    } else {
        f64::from(x)
    }
}

/// The Python type name of a value, for messages.
pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A `str` argument as an owned Rust string; anything else is a `TypeError` naming
/// `what` (`texts[3]`, `text`).
pub fn text_of(obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        let hint = if obj.is_none() {
            " (a missing text: drop the row or give \"\")"
        } else if type_name(obj) == "bytes" {
            " (decode bytes first, e.g. b.decode(\"gbk\"))"
        } else {
            ""
        };
        PyTypeError::new_err(format!(
            "{}: expected str, got {}{hint}",
            what(),
            type_name(obj)
        ))
    })?;
    match s.to_cow() {
        Ok(c) => Ok(c.into_owned()),
        Err(e) => Err(PyValueError::new_err(format!(
            "{}: not valid Unicode text ({e})",
            what()
        ))),
    }
}

/// The items of a sequence argument (a list, tuple, pandas Series …), refusing a lone
/// `str` or `bytes`, which would iterate over characters.
pub fn items<'py>(obj: &Bound<'py, PyAny>, what: &str) -> PyResult<Vec<Bound<'py, PyAny>>> {
    if obj.is_instance_of::<PyString>()
        || type_name(obj) == "bytes"
        || obj.is_instance_of::<PyDict>()
    {
        return Err(PyTypeError::new_err(format!(
            "{what}: expected a sequence, got {}",
            type_name(obj)
        )));
    }
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a sequence, got {}",
            type_name(obj)
        ))
    })?;
    iter.collect()
}

/// Maps speaker labels the way the CLI does: `customer` / `agent` / `unknown`, the
/// built-in labels (客户, 客服, 坐席, user, bot …, by exact match then prefix) and the
/// analyzer's own `speaker_map`; any other label is `unknown`.
pub struct Speakers {
    map: SpeakerMap,
}

impl Speakers {
    /// The built-in labels plus `entries` (label → speaker).
    pub fn new(entries: Vec<(String, Speaker)>) -> Speakers {
        Speakers {
            map: SpeakerMap::from_entries(entries),
        }
    }

    /// The speaker of a label.
    pub fn of_label(&self, label: &str) -> Speaker {
        match label.parse::<Speaker>() {
            Ok(s) => s,
            Err(_) => self.map.map(label),
        }
    }

    /// The speaker of a Python value, which must be a `str`.
    pub fn of(&self, obj: &Bound<'_, PyAny>, what: &dyn Fn() -> String) -> PyResult<Speaker> {
        match obj.cast::<PyString>() {
            Ok(s) => Ok(self.of_label(&s.to_cow()?)),
            Err(_) => Err(PyTypeError::new_err(format!(
                "{}: expected a speaker label (str: \"customer\", \"agent\", \"unknown\", 客服 …), got {}",
                what(),
                type_name(obj)
            ))),
        }
    }

    /// Speakers for `n` texts: `None` (all customers), one label for all, or a sequence
    /// of `n` labels.
    pub fn for_texts(&self, obj: Option<&Bound<'_, PyAny>>, n: usize) -> PyResult<Vec<Speaker>> {
        let Some(obj) = obj.filter(|o| !o.is_none()) else {
            return Ok(vec![Speaker::Customer; n]);
        };
        if obj.is_instance_of::<PyString>() {
            let s = self.of(obj, &|| "speakers".into())?;
            return Ok(vec![s; n]);
        }
        let labels = items(obj, "speakers")?;
        if labels.len() != n {
            return Err(PyValueError::new_err(format!(
                "speakers: {} labels for {n} texts (give one per text, one label for all, or None)",
                labels.len()
            )));
        }
        labels
            .iter()
            .enumerate()
            .map(|(i, l)| self.of(l, &|| format!("speakers[{i}]")))
            .collect()
    }

    /// One turn: a `(speaker, text)` pair or a dict with `speaker` and `text` keys.
    pub fn turn(
        &self,
        obj: &Bound<'_, PyAny>,
        what: &dyn Fn() -> String,
    ) -> PyResult<(Speaker, String)> {
        let bad = || {
            PyTypeError::new_err(format!(
                "{}: expected a (speaker, text) pair or a dict with \"speaker\" and \"text\", got {}",
                what(),
                type_name(obj)
            ))
        };
        let (speaker, text) = if let Ok(d) = obj.cast::<PyDict>() {
            match (d.get_item("speaker")?, d.get_item("text")?) {
                (Some(s), Some(t)) => (s, t),
                _ => return Err(bad()),
            }
        } else if obj.is_instance_of::<PyString>() {
            return Err(bad());
        } else {
            let parts = items(obj, "turn").map_err(|_| bad())?;
            match <[Bound<'_, PyAny>; 2]>::try_from(parts) {
                Ok([s, t]) => (s, t),
                Err(_) => return Err(bad()),
            }
        };
        let speaker = self.of(&speaker, &|| format!("{}: speaker", what()))?;
        let text = text_of(&text, &|| format!("{}: text", what()))?;
        Ok((speaker, text))
    }

    /// The turns of one conversation.
    pub fn turns(
        &self,
        obj: &Bound<'_, PyAny>,
        what: &dyn Fn() -> String,
    ) -> PyResult<Vec<(Speaker, String)>> {
        let turns = items(obj, &what())?;
        turns
            .iter()
            .enumerate()
            .map(|(i, t)| self.turn(t, &|| format!("{}[{i}]", what())))
            .collect()
    }
}

/// `speaker_role(label)`: the role a speaker label maps to (`"customer"`, `"agent"` or
/// `"unknown"`), with the built-in labels only.
#[pyfunction]
pub fn speaker_role(label: String) -> &'static str {
    Speakers::new(Vec::new()).of_label(&label).as_str()
}

/// One serializable value as JSON text.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("analyses serialize to JSON (no maps with non-string keys)")
}

/// Python objects from JSON text, by the standard library's `json.loads`.
pub fn json_loads<'py>(py: Python<'py>, json: &str) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let loads = LOADS.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("json")?.getattr("loads")?.unbind())
    })?;
    loads.bind(py).call1((json,))
}
