//! The batch pipeline: bounded memory, parallel scoring, output in input order.
//!
//! ```text
//! reader thread ──(chunks of ≤ 2048 records / ≤ 8 MiB, channel of 2)──▶ calling thread
//!   files/stdin → decode → parse                 scores each chunk with par_iter on a
//!                                                 pool of -j threads (analysis + the
//!                                                 sink's Render, e.g. JSON), then
//!   ──(scored chunks, channel of 1)──▶ writer thread: the Sink, in input order
//! ```
//!
//! The three stages overlap: while the pool scores chunk n, the writer writes chunk n-1
//! and the reader parses chunk n+1. Reading starts with [`read`], before the analyzer
//! is built, so that building it (about 0.1 s) overlaps with the first reads. At most
//! six chunks exist at a time (one being read, two in the first channel, one being
//! scored, one in the second channel, one being written), so memory does not grow with
//! the input. Results are collected in input order whatever the thread count: `-j1` and
//! `-j8` write the same bytes.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use xinsheng::{Analyzer, Speaker, UtteranceAnalysis};
use xinsheng_io::write::{record_format, RecordFormat, ScoreFormat};
use xinsheng_io::{Item, Original, ReadOptions, ReadStats, Record, RecordError, Source};

use crate::bounded::{self, Cut};
use crate::inputs::Input;
use crate::regroup::{InputEnd, Regrouper, REGROUP_BYTES};
use crate::report::Reporter;

/// Pipeline settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// How to read inputs.
    pub read: ReadOptions,
    /// Scoring threads (at least 1).
    pub threads: usize,
    /// Most records in one chunk.
    pub chunk_records: usize,
    /// Most text bytes in one chunk.
    pub chunk_bytes: usize,
    /// Bring each call's records together before scoring, wherever they stand in their
    /// input (`calls`, `flag`; see [`crate::regroup`]); else records keep input order.
    /// Grouped records lose their original (`Original::Text`): call summaries do not
    /// show it; unless `group_keeps_original`.
    pub group: bool,
    /// Grouped records keep their original record (`calibrate` reads its label field
    /// there); it counts towards `group_bytes`.
    pub group_keeps_original: bool,
    /// Bytes of records held in memory while grouping, before they spill to disk.
    pub group_bytes: usize,
    /// Most bytes of records between reading and writing ([`IN_FLIGHT_BYTES`]).
    pub in_flight_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            read: ReadOptions::default(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_records: 2048,
            chunk_bytes: 8 << 20,
            group: false,
            group_keeps_original: false,
            group_bytes: REGROUP_BYTES,
            in_flight_bytes: IN_FLIGHT_BYTES,
        }
    }
}

/// What a run read and wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Inputs opened or tried.
    pub inputs: u64,
    /// Records read: scored + errors.
    pub read: u64,
    /// Records scored.
    pub scored: u64,
    /// Records that could not be read.
    pub errors: u64,
    /// Inputs that could not be read at all.
    pub input_errors: u64,
    /// Blank lines, transcript separators and headers.
    pub skipped: u64,
    /// Scored records whose speaker is unknown.
    pub unknown_speakers: u64,
    /// Scored records whose text was analysed only in part (see [`crate::bounded`]).
    pub truncated: u64,
    /// Wall time.
    pub elapsed: Duration,
}

impl Summary {
    /// True when any record or input failed.
    pub fn has_errors(&self) -> bool {
        self.errors > 0 || self.input_errors > 0
    }

    /// `62 records read from 3 inputs: 60 scored, 2 errors, 5 skipped, … in 0.52s (…)`.
    pub fn line(&self) -> String {
        let mut s = self.counts();
        let secs = self.elapsed.as_secs_f64();
        s.push_str(&format!(" in {secs:.2}s"));
        if secs > 0.0 && self.read > 0 {
            s.push_str(&format!(" ({:.0} records/s)", self.read as f64 / secs));
        }
        s
    }

    /// The counts of [`Summary::line`] without the time: the same for the same input.
    pub fn counts(&self) -> String {
        let plural =
            |n: u64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let mut s = format!(
            "{} read from {}: {} scored, {}, {} skipped",
            plural(self.read, "record", "records"),
            plural(self.inputs, "input", "inputs"),
            self.scored,
            plural(self.errors, "error", "errors"),
            self.skipped,
        );
        if self.input_errors > 0 {
            s.push_str(&format!(
                ", {} unreadable",
                plural(self.input_errors, "input", "inputs")
            ));
        }
        if self.truncated > 0 {
            s.push_str(&format!(
                ", {} analysed in part (text over {} KiB; marked \"truncated\")",
                plural(self.truncated, "record", "records"),
                bounded::MAX_ANALYSED_BYTES >> 10
            ));
        }
        if self.unknown_speakers > 0 {
            s.push_str(&format!(
                ", {} with unknown speaker",
                plural(self.unknown_speakers, "record", "records")
            ));
        }
        s
    }
}

/// Receives the pipeline's results, in input order, on the writer thread.
///
/// [`Sink::start`] hands out a [`Render`], which runs on the scoring threads, in
/// parallel, for every scored record (render its output line, cut its text …) and owns
/// the record, so that the in-order part ([`Sink::accept`]) has little left to do.
pub trait Sink: Send {
    /// What the [`Render`] makes of a scored record.
    type Prepared: Send;
    /// The parallel part of the sink.
    type Render: Render<Prepared = Self::Prepared>;
    /// Called once before anything else with the run's first item (its record, or
    /// `None` when it is an error); returns the render for the scoring threads. Not
    /// called when the run has no item at all.
    fn start(&mut self, first: Option<&Record>) -> io::Result<Self::Render>;
    /// A prepared record, in input order.
    fn accept(&mut self, prepared: Self::Prepared) -> io::Result<()>;
    /// A record or input that could not be read.
    fn error(&mut self, error: &RecordError) -> io::Result<()>;
    /// The end of one input (conversations never span inputs).
    fn end_of_input(&mut self) -> io::Result<()> {
        Ok(())
    }
    /// The end of the run.
    fn finish(&mut self) -> io::Result<()>;
}

/// Work on a scored record, on a scoring thread (see [`Sink`]).
pub trait Render: Sync {
    /// What it makes of a scored record.
    type Prepared: Send;
    /// Render one scored record; `cut`: its text was analysed only in part.
    fn prepare(
        &self,
        record: Record,
        analysis: UtteranceAnalysis,
        cut: Option<Cut>,
    ) -> Self::Prepared;
}

/// Bytes reserved for a rendered record beyond its original (the analysis, the source).
const RENDER_SLACK: usize = 2048;

/// The sink of `xinsheng score`: every record rendered (in parallel) in a
/// [`RecordFormat`] and written in order.
pub struct ScoreSink<W> {
    kind: ScoreFormat,
    format: Box<dyn RecordFormat>,
    w: W,
    buf: Vec<u8>,
}

impl<W: Write> ScoreSink<W> {
    /// A sink writing `format` to `w`.
    pub fn new(format: ScoreFormat, w: W) -> Self {
        ScoreSink {
            kind: format,
            format: record_format(format),
            w,
            buf: Vec::new(),
        }
    }
}

/// The render of [`ScoreSink`]: a record's output line.
pub struct ScoreRender {
    format: Box<dyn RecordFormat>,
}

impl Render for ScoreRender {
    type Prepared = Vec<u8>;

    fn prepare(&self, record: Record, analysis: UtteranceAnalysis, cut: Option<Cut>) -> Vec<u8> {
        // The original record and the analysis (not twice the text: a 15 MB record
        // would hold 30 MB more).
        let original = match &record.original {
            Original::Json { line, .. } => line.len(),
            Original::Csv { fields, .. } => fields.iter().map(|f| f.len() + 3).sum(),
            Original::Text => record.text.len(),
        };
        let mut out = Vec::with_capacity(original + RENDER_SLACK);
        match cut {
            None => self.format.scored(&record, &analysis, &mut out),
            Some(c) => self
                .format
                .scored_cut(&record, &analysis, c.analysed_chars, &mut out),
        }
        out
    }
}

impl<W: Write + Send> Sink for ScoreSink<W> {
    type Prepared = Vec<u8>;
    type Render = ScoreRender;

    fn start(&mut self, first: Option<&Record>) -> io::Result<ScoreRender> {
        self.buf.clear();
        self.format.start(first, &mut self.buf);
        // The render gets a format of its own that has seen the same first item (the
        // CSV header it projects records on).
        let mut format = record_format(self.kind);
        format.start(first, &mut Vec::new());
        self.w.write_all(&self.buf)?;
        Ok(ScoreRender { format })
    }

    fn accept(&mut self, prepared: Vec<u8>) -> io::Result<()> {
        self.w.write_all(&prepared)
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        self.buf.clear();
        self.format.error(error, &mut self.buf);
        self.w.write_all(&self.buf)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
    }
}

/// What the reader thread sends.
enum Entry {
    Item(Item),
    InputError(RecordError),
    EndOfInput { name: String, stats: ReadStats },
    Warning(String),
}

/// An entry after the parallel stage.
enum Done<P> {
    /// Scored: speaker unknown, text analysed in part, what the render made.
    Scored(bool, bool, P),
    Error(RecordError),
    InputError(RecordError),
    EndOfInput {
        name: String,
        stats: ReadStats,
    },
    Warning(String),
}

struct Counting<R> {
    inner: R,
    bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Default most bytes of records read and not yet written (a record longer than that
/// passes alone): with a few 15 MB records, chunks of one record each would otherwise
/// fill every stage of the pipeline at once.
pub const IN_FLIGHT_BYTES: usize = 32 << 20;

/// The bytes of records between the reader and the writer: the reader waits before
/// sending a chunk that would pass [`IN_FLIGHT_BYTES`]; the writer releases a chunk's
/// bytes once it is written.
#[derive(Debug)]
struct InFlight {
    bytes: std::sync::Mutex<usize>,
    freed: std::sync::Condvar,
    budget: usize,
}

impl InFlight {
    fn new(budget: usize) -> InFlight {
        InFlight {
            bytes: std::sync::Mutex::new(0),
            freed: std::sync::Condvar::new(),
            budget,
        }
    }

    fn acquire(&self, n: usize) {
        let mut b = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        while *b > 0 && *b + n > self.budget {
            b = self.freed.wait(b).unwrap_or_else(|p| p.into_inner());
        }
        *b += n;
    }

    fn release(&self, n: usize) {
        let mut b = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        *b = b.saturating_sub(n);
        self.freed.notify_all();
    }
}

/// A chunk of entries and the bytes it holds.
type Chunk = (Vec<Entry>, usize);

/// The reader thread's chunk being filled; sent when full.
struct Batcher {
    batch: Vec<Entry>,
    bytes: usize,
    chunk_records: usize,
    chunk_bytes: usize,
    flight: Arc<InFlight>,
    tx: SyncSender<Chunk>,
}

impl Batcher {
    /// Add an entry of about `size` bytes; false when the receiving end is gone.
    fn push(&mut self, entry: Entry, size: usize) -> bool {
        self.batch.push(entry);
        self.bytes += size;
        if self.batch.len() >= self.chunk_records || self.bytes >= self.chunk_bytes {
            return self.send();
        }
        true
    }

    fn send(&mut self) -> bool {
        let full = std::mem::replace(&mut self.batch, Vec::with_capacity(self.chunk_records));
        let bytes = std::mem::take(&mut self.bytes);
        self.flight.acquire(bytes);
        self.tx.send((full, bytes)).is_ok()
    }

    fn item(&mut self, item: Item) -> bool {
        let size = match &item {
            Item::Record(r) => {
                let original = match &r.original {
                    Original::Json { line, .. } => line.len(),
                    Original::Csv { fields, .. } => fields.iter().map(String::len).sum(),
                    Original::Text => 0,
                };
                r.text.len() + original + 64
            }
            Item::Error(e) => e.message.len() + 64,
        };
        self.push(Entry::Item(item), size)
    }

    fn input_error(&mut self, name: &str, message: String) -> bool {
        self.push(
            Entry::InputError(RecordError::new(Source::new(name.into(), 0), message)),
            0,
        )
    }

    fn finish(mut self) {
        if !self.batch.is_empty() {
            self.send();
        }
    }
}

/// An item of `calls`, `flag` or `calibrate` as it is grouped: call summaries never show
/// the original record, so it is neither kept nor spilled (unless `keep_original`: a
/// label is read from it).
fn for_grouping(item: Item, keep_original: bool) -> Item {
    match item {
        Item::Record(mut r) if !keep_original => {
            r.original = Original::Text;
            Item::Record(r)
        }
        e => e,
    }
}

/// Read one input's items through the regrouper into `out`; false when the receiving
/// end is gone.
fn read_grouped<R: Read>(
    name: String,
    rdr: &mut xinsheng_io::InputReader<R>,
    group: &mut Regrouper,
    keep_original: bool,
    out: &mut Batcher,
) -> bool {
    let mut failed = None;
    for item in rdr.by_ref() {
        if let Err(e) = group.push(for_grouping(item, keep_original)) {
            failed = Some(e);
            break;
        }
    }
    let mut open = true;
    let end = match failed {
        Some(e) => Err(e),
        None => group.finish_input(|item| {
            open = open && out.item(item);
            open
        }),
    };
    if !open {
        return false;
    }
    match end {
        Err(e) => {
            group.reset();
            out.input_error(&name, e.to_string())
        }
        Ok(end) => end_grouped(name, rdr, end, out),
    }
}

/// Read `input` once without keeping its items, to see whether its calls stand whole and
/// in the order [`Regrouper`] would give them: what to report at its end when they do,
/// None when they do not (or it cannot be read: the second read reports that).
fn scan(input: Input, read: &ReadOptions, group: &mut Regrouper) -> Option<InputEnd> {
    let (name, reader) = input.open().ok()?;
    let mut rdr = xinsheng_io::read(&name, reader, read).ok()?;
    if rdr.by_ref().all(|item| group.scan(&item)) {
        Some(group.finish_scan())
    } else {
        group.reset();
        None
    }
}

/// Hand on the items of an input [`scan`] found in order, as they are read (only its
/// errors when the input is an error); false when the receiving end is gone.
fn read_scanned<R: Read>(
    name: String,
    rdr: &mut xinsheng_io::InputReader<R>,
    end: InputEnd,
    keep_original: bool,
    out: &mut Batcher,
) -> bool {
    for item in rdr.by_ref() {
        if end.error.is_some() && matches!(item, Item::Record(_)) {
            continue;
        }
        if !out.item(for_grouping(item, keep_original)) {
            return false;
        }
    }
    end_grouped(name, rdr, end, out)
}

/// The end of an input of `calls` or `flag`: its warnings, then its error or its end.
fn end_grouped<R: Read>(
    name: String,
    rdr: &xinsheng_io::InputReader<R>,
    end: InputEnd,
    out: &mut Batcher,
) -> bool {
    for w in end.warnings {
        if !out.push(Entry::Warning(w), 0) {
            return false;
        }
    }
    match end.error {
        Some(message) => out.input_error(&name, message),
        None => {
            let stats = rdr.stats();
            out.push(Entry::EndOfInput { name, stats }, 0)
        }
    }
}

fn reader_thread(
    inputs: Vec<Input>,
    opts: Options,
    bytes: Arc<AtomicU64>,
    flight: Arc<InFlight>,
    tx: SyncSender<Chunk>,
) {
    let (chunk_records, chunk_bytes) = (opts.chunk_records.max(1), opts.chunk_bytes.max(1));
    let mut out = Batcher {
        batch: Vec::with_capacity(chunk_records),
        bytes: 0,
        chunk_records,
        chunk_bytes,
        flight,
        tx,
    };
    let mut group = opts
        .group
        .then(|| Regrouper::new(opts.group_bytes, opts.read.fields.id.clone()));
    for input in inputs {
        // A file that may not fit the grouping budget is read a first time to see whether
        // its calls already stand whole and in order: then it is handed on as it is read.
        let scanned = match &mut group {
            Some(group) => input
                .reopen_if_larger(opts.group_bytes as u64)
                .and_then(|again| scan(again, &opts.read, group)),
            None => None,
        };
        let (name, reader) = match input.open() {
            Ok(x) => x,
            Err((name, message)) => {
                if !out.input_error(&name, message) {
                    return;
                }
                continue;
            }
        };
        let counting = Counting {
            inner: reader,
            bytes: bytes.clone(),
        };
        let open = match xinsheng_io::read(&name, counting, &opts.read) {
            Err(e) => out.input_error(&e.name, e.message),
            Ok(mut rdr) => match (&mut group, scanned) {
                (Some(group), None) => {
                    read_grouped(name, &mut rdr, group, opts.group_keeps_original, &mut out)
                }
                (_, Some(end)) => {
                    read_scanned(name, &mut rdr, end, opts.group_keeps_original, &mut out)
                }
                (None, None) => {
                    let mut open = true;
                    for item in rdr.by_ref() {
                        if !out.item(item) {
                            open = false;
                            break;
                        }
                    }
                    let stats = rdr.stats();
                    open && out.push(Entry::EndOfInput { name, stats }, 0)
                }
            },
        };
        if !open {
            return;
        }
    }
    if let Some(w) = group.as_ref().and_then(Regrouper::closing_warning) {
        if !out.push(Entry::Warning(w), 0) {
            return;
        }
    }
    out.finish();
}

/// Inputs being read: the reader thread is running, a bounded number of chunks ahead.
/// Made by [`read`], consumed by [`run_reading`].
pub struct Reading {
    // In a mutex only to make the handle `Sync`; it is taken out whole by `run_reading`.
    rx: std::sync::Mutex<Receiver<Chunk>>,
    flight: Arc<InFlight>,
    start: Instant,
}

/// Start reading `inputs` on a thread of its own (it stays at most a few chunks ahead
/// until [`run_reading`] consumes them), so that other set-up, such as building the
/// analyzer, overlaps with reading.
pub fn read(inputs: Vec<Input>, opts: &Options, reporter: &Reporter) -> io::Result<Reading> {
    let start = Instant::now();
    let (tx, rx): (SyncSender<Chunk>, Receiver<Chunk>) = sync_channel(2);
    let flight = Arc::new(InFlight::new(opts.in_flight_bytes.max(1)));
    let reader_flight = flight.clone();
    let opts = opts.clone();
    let bytes = reporter.bytes_counter();
    // Not scoped: on an early return (broken pipe, lexicon errors) the reader thread ends
    // at its next send, or with the process.
    std::thread::Builder::new()
        .name("xinsheng-read".into())
        .spawn(move || reader_thread(inputs, opts, bytes, reader_flight, tx))?;
    Ok(Reading {
        rx: std::sync::Mutex::new(rx),
        flight,
        start,
    })
}

/// Run `inputs` through the analyzer into `sink`: [`read`], then [`run_reading`].
///
/// Per-record errors go to the sink (and to `reporter`); an `Err` is an output error
/// (e.g. a broken pipe) or a thread pool that cannot be built.
pub fn run<S: Sink>(
    analyzer: &Analyzer,
    inputs: Vec<Input>,
    opts: &Options,
    sink: &mut S,
    reporter: &mut Reporter,
) -> io::Result<Summary> {
    let reading = read(inputs, opts, reporter)?;
    run_reading(analyzer, reading, opts, sink, reporter)
}

/// The in-order bookkeeping of the writer thread.
fn deliver<S: Sink>(
    done: Vec<Done<S::Prepared>>,
    sink: &mut S,
    summary: &mut Summary,
    reporter: &mut Reporter,
) -> io::Result<()> {
    for d in done {
        match d {
            Done::Scored(unknown, cut, p) => {
                summary.read += 1;
                summary.scored += 1;
                summary.truncated += u64::from(cut);
                summary.unknown_speakers += u64::from(unknown);
                sink.accept(p)?;
            }
            Done::Error(e) => {
                summary.read += 1;
                summary.errors += 1;
                reporter.record_error(&e);
                sink.error(&e)?;
            }
            Done::InputError(e) => {
                summary.inputs += 1;
                summary.input_errors += 1;
                reporter.record_error(&e);
                sink.error(&e)?;
                sink.end_of_input()?;
            }
            Done::EndOfInput { name, stats } => {
                summary.inputs += 1;
                summary.skipped += stats.skipped;
                if stats.records + stats.errors == 0 {
                    reporter.warn(&format_args!("{name}: no records"));
                }
                if let Some(w) = stats.encoding_warning() {
                    reporter.warn(&format_args!("{name}: {w}"));
                }
                sink.end_of_input()?;
            }
            Done::Warning(w) => reporter.warn(&w),
        }
    }
    reporter.tick(summary.read);
    Ok(())
}

/// Score what `reading` reads into `sink` (see [`run`]).
pub fn run_reading<S: Sink>(
    analyzer: &Analyzer,
    reading: Reading,
    opts: &Options,
    sink: &mut S,
    reporter: &mut Reporter,
) -> io::Result<Summary> {
    let Reading { rx, flight, start } = reading;
    let flight = &*flight;
    let rx = rx.into_inner().unwrap_or_else(|p| p.into_inner());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads.max(1))
        .thread_name(|i| format!("xinsheng-score-{i}"))
        .build()
        .map_err(|e| {
            let n = opts.threads.max(1);
            crate::report::NotOutput::error(format!(
                "cannot start {n} scoring threads ({e}): lower -j"
            ))
        })?;
    let mut summary = Summary::default();

    // Until the first item: batches of end-of-input marks only (empty inputs).
    let mut first_batch = None;
    for (batch, bytes) in rx.iter() {
        let first = batch.iter().find_map(|e| match e {
            Entry::Item(Item::Record(r)) => Some(Some(r)),
            Entry::Item(Item::Error(_)) | Entry::InputError(_) => Some(None),
            Entry::EndOfInput { .. } | Entry::Warning(_) => None,
        });
        match first {
            Some(first) => {
                let render = sink.start(first)?;
                first_batch = Some(((batch, bytes), render));
                break;
            }
            None => {
                let done = batch.into_iter().map(unscored).collect();
                deliver::<S>(done, sink, &mut summary, reporter)?;
                flight.release(bytes);
            }
        }
    }

    if let Some((batch, render)) = first_batch {
        let render = &render;
        let score_batch = |(batch, bytes): Chunk| -> (Vec<Done<S::Prepared>>, usize) {
            let done = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|e| match e {
                        Entry::Item(Item::Record(r)) => {
                            let unknown = r.speaker == Speaker::Unknown;
                            let (a, cut) = bounded::analyze(analyzer, &r.text, r.speaker);
                            Done::Scored(unknown, cut.is_some(), render.prepare(r, a, cut))
                        }
                        other => unscored(other),
                    })
                    .collect()
            });
            (done, bytes)
        };
        let (wtx, wrx) = sync_channel::<(Vec<Done<S::Prepared>>, usize)>(1);
        let (summary_ref, sink_ref, reporter_ref) = (&mut summary, &mut *sink, &mut *reporter);
        let written = std::thread::scope(|scope| -> io::Result<()> {
            let writer = std::thread::Builder::new()
                .name("xinsheng-write".into())
                .spawn_scoped(scope, move || -> io::Result<()> {
                    for (done, bytes) in wrx {
                        deliver::<S>(done, sink_ref, summary_ref, reporter_ref)?;
                        flight.release(bytes);
                    }
                    Ok(())
                })?;
            // Scoring on this thread (blocked in the pool); a failed send means the
            // writer stopped on an error, which its join returns.
            for batch in std::iter::once(batch).chain(rx.iter()) {
                if wtx.send(score_batch(batch)).is_err() {
                    break;
                }
            }
            drop(wtx);
            writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
        });
        written?;
    }
    sink.finish()?;
    reporter.clear_progress();
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// An entry that is not a record to score.
fn unscored<P>(e: Entry) -> Done<P> {
    match e {
        Entry::Item(Item::Error(e)) => Done::Error(e),
        Entry::InputError(e) => Done::InputError(e),
        Entry::EndOfInput { name, stats } => Done::EndOfInput { name, stats },
        Entry::Warning(w) => Done::Warning(w),
        // Never before the first item (which starts the sink), nor here.
        Entry::Item(Item::Record(r)) => Done::Error(RecordError::new(
            r.source,
            "internal error: a record reached the writer unscored".to_string(),
        )),
    }
}

/// `xinsheng score`: every record scored, written in `format` to `out` (wrap files and
/// stdout in a [`std::io::BufWriter`]).
pub fn score<W: Write + Send>(
    analyzer: &Analyzer,
    inputs: Vec<Input>,
    opts: &Options,
    format: ScoreFormat,
    out: W,
    reporter: &mut Reporter,
) -> io::Result<Summary> {
    let reading = read(inputs, opts, reporter)?;
    score_reading(analyzer, reading, opts, format, out, reporter)
}

/// [`score`] what a [`read`] started before the analyzer was built.
pub fn score_reading<W: Write + Send>(
    analyzer: &Analyzer,
    reading: Reading,
    opts: &Options,
    format: ScoreFormat,
    out: W,
    reporter: &mut Reporter,
) -> io::Result<Summary> {
    let mut sink = ScoreSink::new(format, out);
    run_reading(analyzer, reading, opts, &mut sink, reporter)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score_bytes(inputs: Vec<Input>, threads: usize, chunk: usize) -> (String, Summary) {
        let analyzer = Analyzer::new();
        let mut out = Vec::new();
        let opts = Options {
            threads,
            chunk_records: chunk,
            ..Options::default()
        };
        let summary = score(
            &analyzer,
            inputs,
            &opts,
            ScoreFormat::Jsonl,
            &mut out,
            &mut Reporter::default(),
        )
        .unwrap();
        (String::from_utf8(out).unwrap(), summary)
    }

    /// A writer that fails after `left` bytes, like a closed pipe.
    struct Failing {
        left: usize,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.left < buf.len() {
                return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
            }
            self.left -= buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failing_writer_stops_the_run_with_its_error() {
        let analyzer = Analyzer::new();
        let jsonl: String = (0..5000)
            .map(|i| format!("{{\"text\":\"第{i}次催了还没发货\"}}\n"))
            .collect();
        for threads in [1, 2] {
            let opts = Options {
                threads,
                chunk_records: 64,
                ..Options::default()
            };
            let err = score(
                &analyzer,
                vec![Input::bytes("big.jsonl", jsonl.clone())],
                &opts,
                ScoreFormat::Jsonl,
                Failing { left: 10_000 },
                &mut Reporter::default(),
            )
            .unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        }
    }

    #[test]
    fn order_and_counts() {
        let jsonl = "{\"text\":\"我要投诉\",\"speaker\":\"客户\"}\n\nbad\n{\"text\":\"谢谢\",\"speaker\":\"张三\"}\n";
        let inputs = || {
            vec![
                Input::bytes("a.jsonl", jsonl),
                Input::path("/nonexistent/x.jsonl"),
                Input::bytes("t.txt", "客服：您好\n客户：好的\n"),
            ]
        };
        let (out, s) = score_bytes(inputs(), 2, 1);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "{out}");
        assert!(lines[1].contains("\"source\":\"a.jsonl:3\""));
        assert!(lines[3].starts_with("{\"error\":\"/nonexistent/x.jsonl: No such file"));
        assert_eq!(s.read, 5);
        assert_eq!(s.scored, 4);
        assert_eq!(s.errors, 1);
        assert_eq!(s.input_errors, 1);
        assert_eq!(s.skipped, 1);
        assert_eq!(s.unknown_speakers, 1);
        assert_eq!(s.inputs, 3);
        let (out1, _) = score_bytes(inputs(), 1, 1000);
        assert_eq!(out, out1);
    }
}
