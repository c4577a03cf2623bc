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
use std::io::{self, BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};

use serde::{Deserialize, Serialize};

use crate::calls::Flagged;
use crate::html::TranscriptTurn;

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

fn temp_file() -> io::Result<File> {
    tempfile::tempfile().map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "flag: cannot create a temporary file in {} for the worklist (set TMPDIR, \
                 or bound the list with --top N): {e}",
                std::env::temp_dir().display()
            ),
        )
    })
}

/// Writes calls, in the order given, as one run.
struct RunWriter(BufWriter<File>);

impl RunWriter {
    fn new() -> io::Result<RunWriter> {
        Ok(RunWriter(BufWriter::new(temp_file()?)))
    }

    fn push(&mut self, f: &Flagged) -> io::Result<()> {
        serde_json::to_writer(
            &mut self.0,
            &RunRecordOut {
                seq: f.seq,
                transcript: &f.transcript,
                call: f,
            },
        )?;
        self.0.write_all(b"\n")
    }

    fn finish(self) -> io::Result<File> {
        self.0.into_inner().map_err(|e| e.into_error())
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
            let mut w = RunWriter::new()?;
            merge(&self.files, &mut [], |f| w.push(f))?;
            self.files = vec![w.finish()?];
        }
        calls.sort_by(rank_order);
        let mut w = RunWriter::new()?;
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
struct RunReader {
    lines: io::Lines<BufReader<File>>,
}

impl RunReader {
    fn next(&mut self) -> io::Result<Option<Flagged>> {
        let Some(line) = self.lines.next().transpose()? else {
            return Ok(None);
        };
        let r: RunRecordIn = serde_json::from_str(&line).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("flag: a temporary worklist file does not read back: {e}"),
            )
        })?;
        let mut f = r.call;
        f.seq = r.seq;
        f.transcript = r.transcript;
        Ok(Some(f))
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
        }
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
        let mut file = file.try_clone()?;
        file.seek(SeekFrom::Start(0))?;
        readers.push(RunReader {
            lines: BufReader::new(file).lines(),
        });
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calls::{write_flagged, CallFormat, FlagCollector, Grouper};
    use crate::pipeline::{self, Options};
    use crate::report::Reporter;
    use crate::Input;
    use std::sync::OnceLock;
    use xinsheng::{Analyzer, Level};

    fn analyzer() -> &'static Analyzer {
        static A: OnceLock<Analyzer> = OnceLock::new();
        A.get_or_init(Analyzer::new)
    }

    /// The bundled example calls three times over (equal risks: ties keep input order),
    /// every call flagged; the list in each format, in memory or spilled every
    /// `spill_bytes`.
    fn lists(spill_bytes: Option<usize>, max_runs: usize) -> (Vec<Vec<u8>>, bool) {
        // One input file for every run: the sources in the output name it.
        static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
        let dir = DIR.get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let example = std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/calls.jsonl"
            ))
            .unwrap();
            std::fs::write(dir.path().join("calls.jsonl"), example.repeat(3)).unwrap();
            dir
        });
        let path = dir.path().join("calls.jsonl");
        let mut out = Vec::new();
        let mut spilled = false;
        for html in [false, true] {
            let mut collector = FlagCollector::new(Level::None);
            if let Some(b) = spill_bytes {
                collector = collector.with_spill_bytes(b);
            }
            collector.runs = std::mem::take(&mut collector.runs).with_max_runs(max_runs);
            let mut grouper = Grouper::new(analyzer(), 5000, collector);
            if html {
                grouper = grouper.with_full_text();
                grouper.sink = grouper.sink.with_transcripts();
            }
            let opts = Options {
                threads: 2,
                ..Options::default()
            };
            pipeline::run(
                analyzer(),
                vec![Input::path(&path)],
                &opts,
                &mut grouper,
                &mut Reporter::default(),
            )
            .unwrap();
            assert!(grouper.sink.runs.open() <= max_runs);
            let mut list = grouper.sink.into_worklist();
            spilled |= list.spilled();
            assert_eq!(list.len(), 27);
            if html {
                let mut page = Vec::new();
                crate::html::write_report(&mut page, &mut list, "note").unwrap();
                out.push(page);
            } else {
                for format in [CallFormat::Jsonl, CallFormat::Table, CallFormat::Csv] {
                    let mut w = Vec::new();
                    write_flagged(&mut w, &mut list, format).unwrap();
                    out.push(w);
                }
            }
        }
        (out, spilled)
    }

    #[test]
    fn a_spilled_list_writes_the_same_bytes_as_one_in_memory() {
        let (memory, spilled) = lists(None, MAX_RUNS);
        assert!(!spilled, "27 calls stay in memory by default");
        // A run per call (and, with at most 2 or 5 open, merges of runs as they pile up);
        // runs of a few calls; of more.
        for (bytes, max_runs) in [
            (1, MAX_RUNS),
            (1, 2),
            (1, 5),
            (5_000, MAX_RUNS),
            (40_000, 3),
        ] {
            let (runs, spilled) = lists(Some(bytes), max_runs);
            assert!(spilled, "spill budget {bytes}");
            for (i, (a, b)) in memory.iter().zip(&runs).enumerate() {
                assert!(
                    a == b,
                    "output {i} differs with a spill budget of {bytes} bytes, {max_runs} runs:\n{}\n---\n{}",
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(b)
                );
            }
        }
        // Ranks run 1..=27 and ties (the same call three times) keep input order.
        let jsonl = String::from_utf8(memory[0].clone()).unwrap();
        let rows: Vec<serde_json::Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let ranks: Vec<u64> = rows.iter().map(|r| r["rank"].as_u64().unwrap()).collect();
        assert_eq!(ranks, (1..=27).collect::<Vec<u64>>());
        let first = &rows[0]["call_id"];
        let same: Vec<&str> = rows
            .iter()
            .filter(|r| &r["call_id"] == first)
            .map(|r| r["source"].as_str().unwrap())
            .collect();
        assert_eq!(same.len(), 3);
        let line = |s: &str| -> u64 {
            let after = s.rsplit(':').next().unwrap();
            after.split('-').next().unwrap().parse().unwrap()
        };
        assert!(same.windows(2).all(|w| line(w[0]) < line(w[1])), "{same:?}");
    }

    #[test]
    fn a_list_can_be_walked_twice() {
        let mut collector = FlagCollector::new(Level::None).with_spill_bytes(1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("calls.jsonl");
        std::fs::copy(
            concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/calls.jsonl"),
            &path,
        )
        .unwrap();
        let mut grouper = Grouper::new(analyzer(), 5000, collector);
        pipeline::run(
            analyzer(),
            vec![Input::path(&path)],
            &Options::default(),
            &mut grouper,
            &mut Reporter::default(),
        )
        .unwrap();
        collector = grouper.sink;
        let mut list = collector.into_worklist();
        let walk = |list: &mut Worklist| {
            let mut seen = Vec::new();
            list.for_each(|f| {
                seen.push((f.rank, f.call_id.clone()));
                Ok(())
            })
            .unwrap();
            seen
        };
        let first = walk(&mut list);
        assert_eq!(first.len(), 9);
        assert_eq!(first, walk(&mut list));
    }
}
