//! # xinsheng-cli
//!
//! The `xinsheng` command (see `docs/cli.md`) and, as a library, its batch
//! pipeline, so that examples and benchmarks can run exactly what the command runs:
//!
//! ```no_run
//! use xinsheng::Analyzer;
//! use xinsheng_cli::{pipeline, report::Reporter, Input, Options};
//! use xinsheng_io::write::ScoreFormat;
//!
//! let analyzer = Analyzer::new();
//! let inputs = vec![Input::path("examples/calls.jsonl")];
//! let out = std::io::BufWriter::new(std::io::stdout());
//! let summary = pipeline::score(
//!     &analyzer,
//!     inputs,
//!     &Options::default(),
//!     ScoreFormat::Jsonl,
//!     out,
//!     &mut Reporter::default(), // quiet
//! )?;
//! eprintln!("{} scored", summary.scored);
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! * [`pipeline`]: reader thread → bounded channel → chunks scored in parallel on a pool
//!   of `-j` threads → writer thread with the in-order [`pipeline::Sink`]; the three
//!   stages overlap and memory does not grow with the input.
//! * [`regroup`]: each call's records brought together before scoring, wherever they
//!   stand in their input (spilled to sorted runs on disk past a budget); [`calls`]:
//!   grouping a call's records, call summaries and the `flag` worklist; [`call`]: the
//!   data they share; [`worklist`]: that list in rank order, spilled to sorted runs on
//!   disk when it grows large; [`errlog`]: error records kept for the end of `flag`;
//!   [`spill`]: the temporary files; [`bounded`]: the cap on one record's analysed
//!   length.
//! * [`inputs`]: files, directories (recursive, sorted) and stdin.
//! * [`output`]: stdout or a file written atomically (temp file + rename).
//! * [`report`]: messages, the progress line and the run summary on stderr.
//! * [`app`]: the command line itself (clap).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod app;
pub mod bounded;
pub mod calibrate;
pub mod call;
pub mod calls;
pub mod errlog;
pub mod explain;
pub mod html;
pub mod inputs;
pub mod output;
pub mod pipeline;
pub mod regroup;
pub mod report;
pub mod spill;
pub mod worklist;

pub use inputs::Input;
pub use pipeline::{Options, Summary};

#[cfg(test)]
mod send_sync {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<crate::Options>();
        assert_send_sync::<crate::Summary>();
        assert_send_sync::<crate::calls::CallSummary>();
        assert_send_sync::<crate::calls::Flagged>();
        assert_send_sync::<crate::report::Reporter>();
        assert_send_sync::<crate::output::Output>();
        assert_send_sync::<crate::Input>();
        assert_send_sync::<crate::pipeline::ScoreSink<Vec<u8>>>();
        assert_send_sync::<crate::pipeline::ScoreRender>();
        assert_send_sync::<crate::pipeline::Reading>();
        assert_send_sync::<crate::calls::GroupRender>();
        assert_send_sync::<crate::calls::Grouper<'static, crate::calls::FlagCollector>>();
        assert_send_sync::<crate::worklist::Worklist>();
        assert_send_sync::<crate::calls::CallWriter<Vec<u8>>>();
        assert_send_sync::<crate::calls::Call>();
        assert_send_sync::<crate::calls::GroupTurn>();
        assert_send_sync::<crate::html::TranscriptTurn>();
        assert_send_sync::<crate::html::Mark>();
        assert_send_sync::<crate::app::Cli>();
        assert_send_sync::<crate::regroup::Regrouper>();
        assert_send_sync::<crate::errlog::ErrorLog>();
        assert_send_sync::<crate::bounded::Cut>();
    }
}
