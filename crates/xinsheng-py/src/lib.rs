//! # xinsheng-py
//!
//! The `xinsheng` Python package's native module (`xinsheng._xinsheng`), built with
//! [PyO3](https://pyo3.rs) and [maturin](https://www.maturin.rs) as one abi3 wheel for
//! CPython 3.9 and later. It wraps the library's public API only:
//!
//! * `analyzer.rs`: the `Analyzer` class (`analyze`, `analyze_many`,
//!   `analyze_conversation(s)`, `explain`, and the column helpers behind
//!   `xinsheng.pandas` and `xinsheng.spark`);
//! * `convert.rs`: Python values in (texts, speakers, turns);
//! * `pipeline.rs`: thread pools, and analysis on a pool overlapped with building the
//!   Python objects on the calling thread;
//! * `topy.rs`: analyses out, as Python objects built straight from their serde
//!   serialization (a dict equals the CLI's JSON parsed by `json.loads`);
//! * `gcpause.rs`: Python's garbage collector paused while a batch's objects are built;
//! * `columns.rs`: flat columns (the CLI's CSV cells) for data frames;
//! * `errors.rs`: library errors as Python exceptions carrying the Rust message.
//!
//! The Python side (`python/xinsheng/`) adds `xinsheng.pandas`, `xinsheng.spark`, type
//! stubs and docstrings; `tests/` is its pytest suite (run by `.ci/python.sh`).

mod analyzer;
mod columns;
mod convert;
mod errors;
mod gcpause;
mod pipeline;
mod topy;

use pyo3::prelude::*;

/// Version of the output schema (the README's "Output schema").
const SCHEMA_VERSION: &str = "0.1";

/// The native module: `xinsheng._xinsheng`.
#[pymodule]
fn _xinsheng(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<analyzer::PyAnalyzer>()?;
    m.add("LexiconError", m.py().get_type::<errors::LexiconError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("SCHEMA_VERSION", SCHEMA_VERSION)?;
    m.add_function(wrap_pyfunction!(convert::speaker_role, m)?)?;
    Ok(())
}
