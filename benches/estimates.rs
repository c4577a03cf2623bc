//! Reading criterion's estimates back after a run, for the benches' closing tables.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::SystemTime;

/// When the bench process started: estimates older than that are from an earlier run.
static STARTED: OnceLock<SystemTime> = OnceLock::new();

/// Call first thing in `main`.
pub fn start() {
    STARTED.get_or_init(SystemTime::now);
}

/// Criterion's output directory, found the way criterion finds it.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root).join("target/criterion")
}

/// Median time (ns) of a benchmark measured by this run (`function` may be `name/parameter`).
pub fn median(group: &str, function: &str) -> Option<f64> {
    // Criterion names the group directory with `/` made `_`; an id's parameter is a subdirectory.
    let path = criterion_dir()
        .join(group.replace('/', "_"))
        .join(function)
        .join("new/estimates.json");
    let modified = std::fs::metadata(&path).and_then(|m| m.modified()).ok()?;
    if STARTED.get().is_some_and(|s| modified < *s) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}
