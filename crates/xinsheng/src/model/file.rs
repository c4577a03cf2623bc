//! The model file: JSON, one feature per entry (name, weight, mean, sd), the intercept and
//! the provenance of the fit. Errors name the file and line.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{feature_index, CallModel, Term};
use crate::error::LineError;

/// The format tag every model file carries.
pub const FORMAT: &str = "xinsheng-call-model/1";

/// Where a fit came from: enough to redo it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Provenance {
    /// The exact command that produced the file.
    pub command: String,
    /// The data it was fitted on (files, labels), never rows.
    pub data: String,
    /// When (UTC date).
    pub date: String,
    /// Calls fitted on.
    pub calls: usize,
    /// Of which positive.
    pub positives: usize,
    /// L2 strength of the fit.
    pub l2: f64,
    /// Out-of-fold figures measured before the fit, one line each.
    pub evidence: Vec<String>,
}

/// A model file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid model: `path:line: reason`.
    #[error("{0}")]
    Invalid(LineError),
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTerm {
    name: String,
    weight: f64,
    mean: f64,
    sd: f64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    format: String,
    intercept: f64,
    features: Vec<FileTerm>,
    provenance: Provenance,
}

/// 1-based line of the first occurrence of `needle` in `text` (1 if absent).
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

impl CallModel {
    /// Read a model file.
    pub fn load(path: impl AsRef<Path>) -> Result<CallModel, ModelError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        CallModel::from_json(&path.display().to_string(), &text)
    }

    /// Parse a model from JSON text; `source` names it in errors.
    pub fn from_json(source: &str, text: &str) -> Result<CallModel, ModelError> {
        let bad = |line: usize, reason: String| {
            ModelError::Invalid(LineError {
                source: source.to_string(),
                line,
                reason,
            })
        };
        let file: ModelFile =
            serde_json::from_str(text).map_err(|e| bad(e.line().max(1), e.to_string()))?;
        if file.format != FORMAT {
            return Err(bad(
                line_of(text, "\"format\""),
                format!("format `{}` is not `{FORMAT}`", file.format),
            ));
        }
        if !file.intercept.is_finite() {
            return Err(bad(
                line_of(text, "\"intercept\""),
                "intercept is not finite".into(),
            ));
        }
        let mut terms: Vec<Term> = Vec::with_capacity(file.features.len());
        for t in &file.features {
            let line = line_of(text, &format!("\"{}\"", t.name));
            let index = feature_index(&t.name).ok_or_else(|| {
                bad(
                    line,
                    format!(
                        "unknown feature `{}` (see docs/model.md for the list)",
                        t.name
                    ),
                )
            })?;
            if terms.iter().any(|u| u.index == index) {
                return Err(bad(line, format!("feature `{}` is listed twice", t.name)));
            }
            if !(t.weight.is_finite() && t.mean.is_finite() && t.sd.is_finite()) {
                return Err(bad(
                    line,
                    format!(
                        "feature `{}`: weight, mean and sd must be finite numbers",
                        t.name
                    ),
                ));
            }
            if t.sd <= 0.0 {
                return Err(bad(
                    line,
                    format!("feature `{}`: sd must be > 0, not {}", t.name, t.sd),
                ));
            }
            terms.push(Term {
                index,
                weight: t.weight,
                mean: t.mean,
                sd: t.sd,
            });
        }
        terms.sort_by_key(|t| t.index);
        Ok(CallModel {
            intercept: file.intercept,
            terms,
            provenance: file.provenance,
        })
    }

    /// The model as pretty JSON (what [`CallModel::from_json`] reads).
    pub fn to_json(&self) -> String {
        let file = ModelFile {
            format: FORMAT.to_string(),
            intercept: self.intercept,
            features: self
                .terms
                .iter()
                .map(|t| FileTerm {
                    name: t.name().to_string(),
                    weight: t.weight,
                    mean: t.mean,
                    sd: t.sd,
                })
                .collect(),
            provenance: self.provenance.clone(),
        };
        let mut s = serde_json::to_string_pretty(&file).expect("a model serializes");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_and_round_trips() {
        let m = CallModel::builtin();
        assert!(!m.terms.is_empty());
        let again = CallModel::from_json("x", &m.to_json()).unwrap();
        assert_eq!(&again, m);
    }

    fn err(text: &str) -> String {
        CallModel::from_json("m.json", text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_file_and_line() {
        let ok = CallModel::builtin().to_json();
        let e = err(&ok.replacen("\"mood_mass\"", "\"no_such_feature\"", 1));
        assert!(
            e.starts_with("m.json:") && e.contains("unknown feature `no_such_feature`"),
            "{e}"
        );
        let line = e.split(':').nth(1).unwrap().parse::<usize>().unwrap();
        assert!(
            ok.lines().nth(line - 1).unwrap().contains("\"name\""),
            "{e}"
        );
        let e = err("{\n  \"format\": \"xinsheng-call-model/1\",\n  \"intercept\": oops\n}");
        assert!(e.starts_with("m.json:3: "), "{e}");
        let e = err(&ok.replacen("xinsheng-call-model/1", "other/2", 1));
        assert!(e.starts_with("m.json:2: format"), "{e}");
        let e = err("");
        assert!(e.starts_with("m.json:1: "), "{e}");
    }

    #[test]
    fn bad_sd_is_refused() {
        let text = r#"{"format": "xinsheng-call-model/1", "intercept": 0.0,
"features": [
 {"name": "neg_share", "weight": 1.0, "mean": 0.0, "sd": 0.0}
], "provenance": {}}"#;
        let e = err(text);
        assert!(
            e.starts_with("m.json:3: feature `neg_share`: sd must be > 0"),
            "{e}"
        );
    }
}
