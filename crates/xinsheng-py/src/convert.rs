//! Python values in (texts, speakers, turns), and the float and JSON conventions of
//! analyses going out ([`crate::topy`] builds the Python objects).

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde::Serialize;
use xinsheng::Speaker;
use xinsheng_io::SpeakerMap;

/// A float of the schema as Python sees it in the CLI's JSON: the `f32`'s shortest
/// decimal, as serde_json writes it (with `zmij`), read as an `f64` (0.6349206, not
/// 0.6349206209945679), as `json.loads` reads it.
pub fn py_float(x: f32) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return f64::from(x);
    }
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x);
    decimal_to_f64(text).unwrap_or_else(|| text.parse().unwrap_or(f64::from(x)))
}

/// Powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// A decimal (`-12.5`, `1.5e-7`) as the nearest `f64`, when Clinger's fast path applies:
/// digits below 2^53 and a power of ten up to 10^22, both exact in an `f64`, so one
/// multiplication or division rounds once, correctly. `None` otherwise (then `str::parse`).
fn decimal_to_f64(text: &str) -> Option<f64> {
    const EXACT_INTEGERS: u64 = 1 << 53;
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (&text[..i], text[i + 1..].parse::<i32>().ok()?),
        None => (text, 0),
    };
    let (mut digits, mut fraction_digits, mut after_point) = (0u64, 0i32, false);
    for b in mantissa.bytes() {
        match b {
            b'.' if !after_point => after_point = true,
            b'0'..=b'9' => {
                digits = digits.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
                if digits >= EXACT_INTEGERS {
                    return None;
                }
                fraction_digits += i32::from(after_point);
            }
            _ => return None,
        }
    }
    let power = exponent.checked_sub(fraction_digits)?;
    let scale = *EXACT_POWERS_OF_TEN.get(usize::try_from(power.unsigned_abs()).ok()?)?;
    // Exact: below 2^53.
    let value = digits as f64;
    let value = if power >= 0 {
        value * scale
    } else {
        value / scale
    };
    Some(if negative { -value } else { value })
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

/// One serializable value as the library's (and the CLI's) JSON text: the reference
/// the test suite compares the dicts of [`crate::topy`] with.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("analyses serialize to JSON (no maps with non-string keys)")
}
