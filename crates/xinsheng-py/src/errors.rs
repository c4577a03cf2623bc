//! Library errors as Python exceptions, with the Rust message.

use std::io::ErrorKind;

use pyo3::create_exception;
use pyo3::exceptions::{PyFileNotFoundError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;

create_exception!(
    xinsheng,
    LexiconError,
    PyValueError,
    "Bad lexicon lines. The message lists each one as `path:line: reason`, one per \
     line; `errors` holds them as `(path, line, reason)` tuples."
);

/// A library error as a Python exception: bad lexicon lines as [`LexiconError`] (a
/// `ValueError`), unreadable files as `FileNotFoundError`, `PermissionError` or `OSError`.
pub fn build_error(py: Python<'_>, e: xinsheng::Error) -> PyErr {
    let message = e.to_string();
    match e {
        xinsheng::Error::Lexicon(le) => {
            let err = LexiconError::new_err(message);
            let lines: Vec<(String, usize, String)> = le
                .errors
                .into_iter()
                .map(|l| (l.source, l.line, l.reason))
                .collect();
            if let Err(set) = err.value(py).setattr("errors", lines) {
                return set;
            }
            err
        }
        xinsheng::Error::Io { source, .. } => match source.kind() {
            ErrorKind::NotFound => PyFileNotFoundError::new_err(message),
            ErrorKind::PermissionDenied => PyPermissionError::new_err(message),
            _ => PyOSError::new_err(message),
        },
        // `xinsheng::Error` is non-exhaustive.
        _ => PyValueError::new_err(message),
    }
}
