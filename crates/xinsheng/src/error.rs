//! Typed errors.

use std::fmt;
use std::path::PathBuf;

/// Errors from building an [`crate::Analyzer`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// One or more lexicon lines could not be parsed; every bad line is listed.
    #[error("{0}")]
    Lexicon(#[from] LexiconError),
    /// A lexicon file or directory could not be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The jieba dictionary given with [`crate::AnalyzerBuilder::jieba_dict`] has a bad line.
    #[error("{}: {reason}", path.display())]
    JiebaDict {
        /// The dictionary file.
        path: PathBuf,
        /// What is wrong, as jieba says it.
        reason: String,
    },
    /// No segmenter dictionary: the crate was built without the `jieba-default-dict`
    /// feature and none was given with [`crate::AnalyzerBuilder::jieba_dict`].
    #[error("no jieba dictionary: enable the `jieba-default-dict` feature or call `AnalyzerBuilder::jieba_dict`")]
    NoJiebaDict,
}

/// A bad line in a lexicon file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// The lexicon's source: a path, or `embedded:NAME` for built-in lexicons.
    pub source: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source, self.line, self.reason)
    }
}

/// Every bad line found while loading lexicons, one per line of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    /// The bad lines, in file and line order.
    pub errors: Vec<LineError>,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LexiconError {}

/// A label string that is not one of the allowed values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}` (expected one of: {})", expected.join(", "))]
pub struct ParseLabelError {
    pub(crate) kind: &'static str,
    pub(crate) value: String,
    pub(crate) expected: &'static [&'static str],
}
