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
use xinsheng_io::{Item, ReadOptions, ReadStats, Record, RecordError, Source};

use crate::inputs::Input;
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
}

impl Default for Options {
    fn default() -> Self {
        Options {
            read: ReadOptions::default(),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            chunk_records: 2048,
            chunk_bytes: 8 << 20,
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
    /// Render one scored record.
    fn prepare(&self, record: Record, analysis: UtteranceAnalysis) -> Self::Prepared;
}

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

    fn prepare(&self, record: Record, analysis: UtteranceAnalysis) -> Vec<u8> {
        let mut out = Vec::with_capacity(record.text.len() * 2 + 768);
        self.format.scored(&record, &analysis, &mut out);
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
}

/// An entry after the parallel stage.
enum Done<P> {
    Scored(bool, P),
    Error(RecordError),
    InputError(RecordError),
    EndOfInput { name: String, stats: ReadStats },
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

fn reader_thread(
    inputs: Vec<Input>,
    read: ReadOptions,
    chunk_records: usize,
    chunk_bytes: usize,
    bytes: Arc<AtomicU64>,
    tx: SyncSender<Vec<Entry>>,
) {
    let mut batch: Vec<Entry> = Vec::with_capacity(chunk_records);
    let mut batch_bytes = 0usize;
    macro_rules! push {
        ($e:expr, $size:expr) => {{
            batch.push($e);
            batch_bytes += $size;
            if batch.len() >= chunk_records || batch_bytes >= chunk_bytes {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(chunk_records));
                batch_bytes = 0;
                if tx.send(full).is_err() {
                    return;
                }
            }
        }};
    }
    for input in inputs {
        let (name, reader) = match input.open() {
            Ok(x) => x,
            Err((name, message)) => {
                push!(
                    Entry::InputError(RecordError::new(Source::new(name.into(), 0), message)),
                    0
                );
                continue;
            }
        };
        let counting = Counting {
            inner: reader,
            bytes: bytes.clone(),
        };
        match xinsheng_io::read(&name, counting, &read) {
            Err(e) => push!(
                Entry::InputError(RecordError::new(Source::new(e.name.into(), 0), e.message)),
                0
            ),
            Ok(mut rdr) => {
                for item in rdr.by_ref() {
                    let size = match &item {
                        Item::Record(r) => r.text.len() + 64,
                        Item::Error(e) => e.message.len() + 64,
                    };
                    push!(Entry::Item(item), size);
                }
                let stats = rdr.stats();
                push!(Entry::EndOfInput { name, stats }, 0);
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

/// Inputs being read: the reader thread is running, a bounded number of chunks ahead.
/// Made by [`read`], consumed by [`run_reading`].
pub struct Reading {
    // In a mutex only to make the handle `Sync`; it is taken out whole by `run_reading`.
    rx: std::sync::Mutex<Receiver<Vec<Entry>>>,
    start: Instant,
}

/// Start reading `inputs` on a thread of its own (it stays at most a few chunks ahead
/// until [`run_reading`] consumes them), so that other set-up, such as building the
/// analyzer, overlaps with reading.
pub fn read(inputs: Vec<Input>, opts: &Options, reporter: &Reporter) -> io::Result<Reading> {
    let start = Instant::now();
    let (tx, rx): (SyncSender<Vec<Entry>>, Receiver<Vec<Entry>>) = sync_channel(2);
    let read = opts.read.clone();
    let (chunk_records, chunk_bytes) = (opts.chunk_records.max(1), opts.chunk_bytes.max(1));
    let bytes = reporter.bytes_counter();
    // Not scoped: on an early return (broken pipe, lexicon errors) the reader thread ends
    // at its next send, or with the process.
    std::thread::Builder::new()
        .name("xinsheng-read".into())
        .spawn(move || reader_thread(inputs, read, chunk_records, chunk_bytes, bytes, tx))?;
    Ok(Reading {
        rx: std::sync::Mutex::new(rx),
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
            Done::Scored(unknown, p) => {
                summary.read += 1;
                summary.scored += 1;
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
                sink.end_of_input()?;
            }
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
    let Reading { rx, start } = reading;
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
    for batch in rx.iter() {
        let first = batch.iter().find_map(|e| match e {
            Entry::Item(Item::Record(r)) => Some(Some(r)),
            Entry::Item(Item::Error(_)) | Entry::InputError(_) => Some(None),
            Entry::EndOfInput { .. } => None,
        });
        match first {
            Some(first) => {
                let render = sink.start(first)?;
                first_batch = Some((batch, render));
                break;
            }
            None => {
                let done = batch.into_iter().map(unscored).collect();
                deliver::<S>(done, sink, &mut summary, reporter)?;
            }
        }
    }

    if let Some((batch, render)) = first_batch {
        let render = &render;
        let score_batch = |batch: Vec<Entry>| -> Vec<Done<S::Prepared>> {
            pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|e| match e {
                        Entry::Item(Item::Record(r)) => {
                            let unknown = r.speaker == Speaker::Unknown;
                            let a = analyzer.analyze(&r.text, r.speaker);
                            Done::Scored(unknown, render.prepare(r, a))
                        }
                        other => unscored(other),
                    })
                    .collect()
            })
        };
        let (wtx, wrx) = sync_channel::<Vec<Done<S::Prepared>>>(1);
        let (summary_ref, sink_ref, reporter_ref) = (&mut summary, &mut *sink, &mut *reporter);
        let written = std::thread::scope(|scope| -> io::Result<()> {
            let writer = std::thread::Builder::new()
                .name("xinsheng-write".into())
                .spawn_scoped(scope, move || -> io::Result<()> {
                    for done in wrx {
                        deliver::<S>(done, sink_ref, summary_ref, reporter_ref)?;
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
