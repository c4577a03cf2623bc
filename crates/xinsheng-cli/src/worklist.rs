//! The `flag` worklist in rank order, with bounded memory however many calls are flagged.
//!
//! Flagged calls are kept in memory up to a budget of bytes; past it, the kept calls are
//! sorted and written to an anonymous temporary file (a *run*) and memory starts over.
//! At the end the runs are merged, riskiest first, while the list is written: memory
//! holds one call per run (at most [`MAX_RUNS`] of them: past that, the runs are merged
//! into one as the list grows). Without `--top`, that keeps `flag`'s memory flat whatever the
//! input size; a small run never touches the disk. The order is total (level, risk,
//! then input order), so a spilled and an in-memory list write the same bytes.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;
use std::fs::File;
use std::io;

use serde::{Deserialize, Serialize};

use crate::call::{Flagged, TranscriptTurn};
use crate::errlog::ErrorLog;
use crate::spill::{RunReader, RunWriter};

/// Default bytes of flagged calls kept in memory before they are spilled to a run.
pub const SPILL_BYTES: usize = 16 << 20;

/// The worklist order: riskiest first (higher level, then higher risk), then input order.
pub fn rank_order(a: &Flagged, b: &Flagged) -> Ordering {
    RankKey::of(a).cmp(&RankKey::of(b))
}

/// What a call's place in the worklist depends on; the lesser ranks first. Total, since
/// `seq` (the call's position in the run) is unique.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RankKey {
    level: xinsheng::Level,
    risk: f32,
    seq: u64,
}

impl RankKey {
    /// The key of a call of this level and risk at this position in the run.
    pub(crate) fn new(level: xinsheng::Level, risk: f32, seq: u64) -> RankKey {
        RankKey { level, risk, seq }
    }

    pub(crate) fn of(f: &Flagged) -> RankKey {
        RankKey::new(f.level, f.risk, f.seq)
    }
}

impl PartialEq for RankKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for RankKey {}
impl PartialOrd for RankKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for RankKey {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .level
            .cmp(&self.level)
            .then_with(|| other.risk.total_cmp(&self.risk))
            .then_with(|| self.seq.cmp(&other.seq))
    }
}

/// About how many bytes a flagged call holds (its strings and a fixed share per item).
pub fn footprint(f: &Flagged) -> usize {
    let reasons: usize = f
        .reasons
        .iter()
        .map(|r| {
            96 + r.detail.len()
                + r.evidence
                    .as_ref()
                    .map_or(0, |e| 64 + e.source.len() + e.text.len())
        })
        .sum();
    let transcript: usize = f
        .transcript
        .iter()
        .map(|t| {
            96 + t.source.len()
                + t.text.len()
                + t.marks.iter().map(|m| 64 + m.label.len()).sum::<usize>()
        })
        .sum();
    256 + f.call_id.len() + f.source.len() + reasons + transcript
}

/// A call as written to a run: what the output omits (input position, transcript) too.
#[derive(Serialize)]
struct RunRecordOut<'a> {
    seq: u64,
    transcript: &'a [TranscriptTurn],
    call: &'a Flagged,
}

#[derive(Deserialize)]
struct RunRecordIn {
    seq: u64,
    transcript: Vec<TranscriptTurn>,
    call: Flagged,
}

/// Most runs kept open: past it, they are merged into one (so a huge list holds a
/// bounded number of file descriptors and merge heads).
pub const MAX_RUNS: usize = 64;

/// What the worklist's temporary files are, in messages.
const WHAT: &str = "flag";
/// What to do when they cannot be made.
const HINT: &str = "set TMPDIR, or bound the list with --top N";

/// Writes calls, in the order given, as one run.
struct CallRunWriter(RunWriter);

impl CallRunWriter {
    fn new() -> io::Result<CallRunWriter> {
        Ok(CallRunWriter(RunWriter::new(WHAT, HINT)?))
    }

    fn push(&mut self, f: &Flagged) -> io::Result<()> {
        self.0.push(&RunRecordOut {
            seq: f.seq,
            transcript: &f.transcript,
            call: f,
        })
    }

    fn finish(self) -> io::Result<File> {
        self.0.finish()
    }
}

/// Sorted runs of flagged calls on disk.
#[derive(Debug)]
pub struct Runs {
    files: Vec<File>,
    /// Calls written to them.
    calls: usize,
    /// [`MAX_RUNS`] (smaller in tests).
    max_runs: usize,
}

impl Default for Runs {
    fn default() -> Self {
        Runs {
            files: Vec::new(),
            calls: 0,
            max_runs: MAX_RUNS,
        }
    }
}

impl Runs {
    /// Sort `calls` and write them as one more run; `calls` is left empty. With
    /// [`MAX_RUNS`] runs, they are merged into one first.
    pub fn spill(&mut self, calls: &mut Vec<Flagged>) -> io::Result<()> {
        if self.files.len() >= self.max_runs {
            let mut w = CallRunWriter::new()?;
            merge(&self.files, &mut [], |f| w.push(f))?;
            self.files = vec![w.finish()?];
        }
        calls.sort_by(rank_order);
        let mut w = CallRunWriter::new()?;
        for f in calls.iter() {
            w.push(f)?;
        }
        self.files.push(w.finish()?);
        self.calls += calls.len();
        calls.clear();
        Ok(())
    }

    /// No run was written.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Runs open now.
    #[cfg(test)]
    pub(crate) fn open(&self) -> usize {
        self.files.len()
    }

    /// Merge the runs into one once there are `n` (instead of [`MAX_RUNS`]).
    #[cfg(test)]
    pub(crate) fn with_max_runs(mut self, n: usize) -> Self {
        self.max_runs = n.max(1);
        self
    }
}

/// One run being read back.
struct CallRunReader(RunReader);

impl CallRunReader {
    fn next(&mut self) -> io::Result<Option<Flagged>> {
        Ok(self.0.read::<RunRecordIn>()?.map(|r| {
            let mut f = r.call;
            f.seq = r.seq;
            f.transcript = r.transcript;
            f
        }))
    }
}

/// The merge heap's entry: a source's next call by its rank key (sources are the runs,
/// then the calls still in memory).
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Head(RankKey, usize);

impl Head {
    fn of(f: &Flagged, source: usize) -> Head {
        Head(RankKey::of(f), source)
    }
}

/// The flagged calls, riskiest first, ranked from 1.
#[derive(Debug)]
pub struct Worklist {
    inner: Inner,
    /// The records of the run that could not be read, in input order (every output
    /// format lists them after the calls).
    errors: ErrorLog,
}

#[derive(Debug)]
enum Inner {
    Memory(Vec<Flagged>),
    /// Sorted runs on disk and the sorted calls not spilled.
    Runs(Runs, Vec<Flagged>),
}

impl Worklist {
    /// A list held in memory (any order: it is sorted here).
    pub fn in_memory(mut calls: Vec<Flagged>) -> Worklist {
        calls.sort_by(rank_order);
        for (i, f) in calls.iter_mut().enumerate() {
            f.rank = i + 1;
        }
        Worklist {
            inner: Inner::Memory(calls),
            errors: ErrorLog::default(),
        }
    }

    /// The calls of `runs` and of `rest` (any order: it is sorted here).
    pub fn from_runs(runs: Runs, mut rest: Vec<Flagged>) -> Worklist {
        if runs.is_empty() {
            return Worklist::in_memory(rest);
        }
        rest.sort_by(rank_order);
        Worklist {
            inner: Inner::Runs(runs, rest),
            errors: ErrorLog::default(),
        }
    }

    /// The list with the run's error records.
    pub fn with_errors(mut self, errors: ErrorLog) -> Worklist {
        self.errors = errors;
        self
    }

    /// The run's error records, in input order.
    pub fn errors(&mut self) -> &mut ErrorLog {
        &mut self.errors
    }

    /// Calls in the list.
    pub fn len(&self) -> usize {
        match &self.inner {
            Inner::Memory(calls) => calls.len(),
            Inner::Runs(runs, rest) => runs.calls + rest.len(),
        }
    }

    /// The list is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The list spilled to disk.
    pub fn spilled(&self) -> bool {
        matches!(self.inner, Inner::Runs(..))
    }

    /// Visit the calls in rank order (their `rank` set); may be called again (the HTML
    /// page walks the list twice: index, then sections).
    pub fn for_each(&mut self, visit: impl FnMut(&Flagged) -> io::Result<()>) -> io::Result<()> {
        match &mut self.inner {
            Inner::Memory(calls) => calls.iter().try_for_each(visit),
            Inner::Runs(runs, rest) => merge(&runs.files, rest, visit),
        }
    }
}

/// Visit the calls of the sorted `runs` and the sorted `rest` in rank order, ranked from 1
/// (a run's calls, read back, carry the rank they had when written; `visit` sees the
/// new one).
fn merge(
    runs: &[File],
    rest: &mut [Flagged],
    mut visit: impl FnMut(&Flagged) -> io::Result<()>,
) -> io::Result<()> {
    let mut readers = Vec::with_capacity(runs.len());
    for file in runs {
        readers.push(CallRunReader(RunReader::new(file, WHAT)?));
    }
    let mut heads: Vec<Option<Flagged>> = Vec::with_capacity(readers.len());
    let mut heap = BinaryHeap::with_capacity(readers.len() + 1);
    for (i, r) in readers.iter_mut().enumerate() {
        let f = r.next()?;
        if let Some(f) = &f {
            heap.push(Reverse(Head::of(f, i)));
        }
        heads.push(f);
    }
    // The source number of `rest`.
    let memory = readers.len();
    let mut next_in_memory = 0;
    if let Some(f) = rest.first() {
        heap.push(Reverse(Head::of(f, memory)));
    }
    let mut rank = 0;
    while let Some(Reverse(Head(_, i))) = heap.pop() {
        rank += 1;
        if i == memory {
            let f = &mut rest[next_in_memory];
            f.rank = rank;
            visit(f)?;
            next_in_memory += 1;
            if let Some(f) = rest.get(next_in_memory) {
                heap.push(Reverse(Head::of(f, memory)));
            }
        } else {
            if let Some(f) = heads[i].as_mut() {
                f.rank = rank;
                visit(f)?;
            }
            heads[i] = readers[i].next()?;
            if let Some(f) = &heads[i] {
                heap.push(Reverse(Head::of(f, i)));
            }
        }
    }
    Ok(())
}
