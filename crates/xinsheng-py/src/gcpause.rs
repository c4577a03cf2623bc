//! Python's cyclic garbage collector paused while a batch's results are built.
//!
//! A batch makes hundreds of thousands of dicts and lists. With the collector on, every
//! 700 new containers start a collection that walks the young ones, and the older
//! generations are walked again as the result grows: about a seventh of the calling
//! thread's time in `analyze_many`. The results hold no reference cycles (dicts, lists,
//! strings and numbers made here), so nothing is left for the collector to find;
//! it is paused for the batch and resumed after it (also on error), only if it was on.

use pyo3::prelude::*;
use pyo3::types::PyModule;

/// Resumes the collector when dropped, if [`GcPause::new`] paused it.
pub struct GcPause<'py> {
    gc: Option<Bound<'py, PyModule>>,
}

impl<'py> GcPause<'py> {
    /// Pauses the collector if it is on (`gc.isenabled()`); a no-op otherwise.
    ///
    /// While paused, other Python threads that run when the batch waits without the GIL
    /// see the collector off too; it is the state `gc.disable()` gives them, for the
    /// length of one batch.
    pub fn new(py: Python<'py>) -> PyResult<GcPause<'py>> {
        let gc = py.import("gc")?;
        if !gc.call_method0("isenabled")?.is_truthy()? {
            return Ok(GcPause { gc: None });
        }
        gc.call_method0("disable")?;
        Ok(GcPause { gc: Some(gc) })
    }
}

impl Drop for GcPause<'_> {
    fn drop(&mut self) {
        if let Some(gc) = self.gc.take() {
            // `gc.enable()` cannot fail; if it ever did, the batch's own result or
            // error is what the caller must see.
            let _ = gc.call_method0("enable");
        }
    }
}
