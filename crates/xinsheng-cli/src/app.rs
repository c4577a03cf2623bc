//! The command line: arguments (clap) and what each command does.
//!
//! Exit codes: `0` every record scored; `1` `flag --fail-on LEVEL` found a call at or
//! above LEVEL (and nothing failed); `2` something failed: a record or input could not
//! be read (the run still completes and writes everything else), bad arguments, lexicon
//! errors, an output that cannot be written. A broken pipe (`| head`) exits 0 quietly.

use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use xinsheng::{Analyzer, AnalyzerBuilder, Level, Speaker};
use xinsheng_io::write::{pad, ScoreFormat};
use xinsheng_io::{
    EncodingChoice, FieldMap, InputFormat, ReadOptions, SpeakerMap, DEFAULT_MAX_RECORD_BYTES,
};

use crate::calls::{
    write_flagged, CallFormat, CallWriter, FlagCollector, Grouper, DEFAULT_MAX_TURNS,
};
use crate::inputs::{expand, Expanded, Input};
use crate::output::Output;
use crate::pipeline::{self, Options};
use crate::report::Reporter;

const ABOUT: &str =
    "心声 xinsheng: emotion, sentiment and escalation risk of Chinese customer-service transcripts";

const AFTER_HELP: &str = "\
Exit codes: 0 all records scored; 1 `flag --fail-on` matched; 2 a record, input or argument failed.
Examples:
  xinsheng flag examples/calls.jsonl
  xinsheng score -j4 logs/ -o scored.jsonl
  xinsheng calls --format table examples/transcript.txt
  xinsheng explain \"你们再不退款我就打12315投诉\"";

/// `xinsheng`.
#[derive(Debug, Parser)]
#[command(name = "xinsheng", version, about = ABOUT, after_help = AFTER_HELP)]
pub struct Cli {
    /// Flags every command takes.
    #[command(flatten)]
    pub global: Global,
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// Flags every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct Global {
    /// Scoring threads [default: all cores]
    #[arg(short = 'j', long, global = true, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Load every *.tsv lexicon of DIR (a file named like a built-in one replaces it)
    #[arg(long, global = true, value_name = "DIR")]
    pub lexicon_dir: Option<PathBuf>,
    /// Add a lexicon file, its kind told by its name (escalation-mine.tsv …); repeatable
    #[arg(long = "lexicon", global = true, value_name = "FILE")]
    pub lexicons: Vec<PathBuf>,
    /// Write results to FILE (atomically: a temp file renamed when done)
    #[arg(short, long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summary, warnings, progress or per-record errors on stderr
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Records per scoring chunk (tuning and tests)
    #[arg(
        long,
        global = true,
        hide = true,
        value_name = "N",
        default_value_t = 2048
    )]
    pub chunk_records: usize,
    /// Bytes of one input's records held while grouping calls, before spilling to disk
    /// (tuning and tests)
    #[arg(long, global = true, hide = true, value_name = "BYTES",
          default_value_t = crate::regroup::REGROUP_BYTES)]
    pub group_bytes: usize,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score every utterance: one output record per input record, in input order
    Score(ScoreArgs),
    /// Summarize every conversation: escalation, trajectory, peak, agent QA
    Calls(CallsArgs),
    /// The QA worklist: conversations at or above --min-level, riskiest first, with evidence
    Flag(FlagArgs),
    /// Explain the analysis of one utterance: tokens, lexicon matches, modifiers
    Explain(ExplainArgs),
    /// Check lexicon files or count their entries
    #[command(subcommand)]
    Lexicon(LexiconCommand),
    /// Fit the call model on your own labels: a cross-validated report, then -o model.json
    Calibrate(crate::calibrate::CalibrateArgs),
}

/// Input selection and parsing.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input options")]
pub struct InputArgs {
    /// Files, directories (recursive) or - for stdin [default: stdin]
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<OsString>,
    /// Input format: auto (by extension, then content), jsonl, csv, tsv, text
    #[arg(long, value_name = "FORMAT", default_value = "auto")]
    pub input_format: InputFormat,
    /// Input encoding: auto (UTF-8, else GB18030), utf-8, gbk, gb18030
    #[arg(long, value_name = "ENCODING", default_value = "auto")]
    pub encoding: EncodingChoice,
    /// Call id field [default: call_id, session_id, conversation_id, dialogue, id …]
    #[arg(long, value_name = "NAME")]
    pub id_field: Option<String>,
    /// Turn field [default: turn, seq, index …]
    #[arg(long, value_name = "NAME")]
    pub turn_field: Option<String>,
    /// Speaker field [default: speaker, role, sender …]
    #[arg(long, value_name = "NAME")]
    pub speaker_field: Option<String>,
    /// Text field [default: text, content, utterance, message …]
    #[arg(long, value_name = "NAME")]
    pub text_field: Option<String>,
    /// Time field [default: timestamp, time, ts …]
    #[arg(long, value_name = "NAME")]
    pub time_field: Option<String>,
    /// Extra speaker labels, e.g. '值班员=agent,来宾=customer' (built in: 客服 坐席 agent
    /// staff system helpdesk → agent; 客户 用户 顾客 customer user → customer)
    #[arg(long, value_name = "MAP")]
    pub speaker_map: Option<SpeakerMap>,
    /// A longer line or CSV record is an error (never held in memory)
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_RECORD_BYTES)]
    pub max_record_bytes: usize,
}

/// Output formats of `score`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScoreFormatArg {
    /// Original record + `xinsheng` key
    Jsonl,
    /// Original columns + analysis columns
    Csv,
    /// CSV for Excel and other spreadsheets: a UTF-8 byte-order mark first, and text
    /// cells that would run as formulas (=, +, -, @) start with '
    Excel,
    /// Aligned text
    Table,
}

/// Output formats of `calls` and `flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CallFormatArg {
    /// One JSON object per line
    Jsonl,
    /// One row per call, with a header row (for spreadsheets)
    Csv,
    /// CSV for Excel and other spreadsheets: a UTF-8 byte-order mark first, and text
    /// cells that would run as formulas (=, +, -, @) start with '
    Excel,
    /// Readable text
    Table,
}

/// Output formats of `flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FlagFormatArg {
    /// One JSON object per line
    Jsonl,
    /// One row per call, with a header row (for spreadsheets)
    Csv,
    /// CSV for Excel and other spreadsheets: a UTF-8 byte-order mark first, and text
    /// cells that would run as formulas (=, +, -, @) start with '
    Excel,
    /// Readable text
    Table,
    /// One self-contained HTML page: the worklist, then each call's reasons and whole
    /// transcript with the matched words marked (use -o report.html)
    Html,
}

/// Output formats of `explain` and `lexicon`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextFormatArg {
    /// Readable text
    Text,
    /// JSON
    Json,
}

/// A level on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// Every call
    None,
    /// Low and above
    Low,
    /// Medium and above
    Medium,
    /// High and above
    High,
    /// Critical only
    Critical,
}

impl From<LevelArg> for Level {
    fn from(l: LevelArg) -> Level {
        match l {
            LevelArg::None => Level::None,
            LevelArg::Low => Level::Low,
            LevelArg::Medium => Level::Medium,
            LevelArg::High => Level::High,
            LevelArg::Critical => Level::Critical,
        }
    }
}

/// A speaker on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SpeakerArg {
    /// The customer
    Customer,
    /// The agent (agent phrases / 服务禁语 are checked)
    Agent,
    /// Unknown (scored like a customer)
    Unknown,
}

impl From<SpeakerArg> for Speaker {
    fn from(s: SpeakerArg) -> Speaker {
        match s {
            SpeakerArg::Customer => Speaker::Customer,
            SpeakerArg::Agent => Speaker::Agent,
            SpeakerArg::Unknown => Speaker::Unknown,
        }
    }
}

/// `xinsheng score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub format: Option<ScoreFormatArg>,
}

/// `xinsheng calls`.
#[derive(Debug, Args)]
pub struct CallsArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub format: Option<CallFormatArg>,
    /// How calls are put together and scored.
    #[command(flatten)]
    pub call: CallOptions,
}

/// The options `calls` and `flag` share: how calls are put together and scored.
#[derive(Debug, Args)]
pub struct CallOptions {
    /// A longer call is summarized in parts of this many turns
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_TURNS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_turns: usize,
    /// Score calls with this model file (from `xinsheng calibrate`) instead of the
    /// built-in one
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

/// `xinsheng flag`.
#[derive(Debug, Args)]
pub struct FlagArgs {
    /// Inputs.
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format [default: table on a terminal, else jsonl]
    #[arg(long, value_enum)]
    pub format: Option<FlagFormatArg>,
    /// List conversations at or above this level
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "high")]
    pub min_level: LevelArg,
    /// Exit with code 1 when a conversation reaches LEVEL
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<LevelArg>,
    /// How calls are put together and scored.
    #[command(flatten)]
    pub call: CallOptions,
    /// List only the N riskiest calls [HTML without it: all in the index, the first 500
    /// in detail]
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
}

/// `xinsheng explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The utterance (- reads it from stdin)
    pub text: String,
    /// Who said it
    #[arg(long, value_enum, default_value = "customer")]
    pub speaker: SpeakerArg,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: TextFormatArg,
}

/// `xinsheng lexicon …`.
#[derive(Debug, Subcommand)]
pub enum LexiconCommand {
    /// Check lexicon files (all errors as path:line: reason; exit 2 on errors). Without
    /// paths: the built-in lexicons plus --lexicon-dir / --lexicon
    Check {
        /// Lexicon files or directories of *.tsv files
        paths: Vec<PathBuf>,
    },
    /// Count lexicon entries per kind and category (built-in plus --lexicon-dir / --lexicon)
    Stats {
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: TextFormatArg,
    },
}

/// Why a command failed.
#[derive(Debug)]
pub enum Failure {
    /// A message for stderr; exit 2.
    Fatal(String),
    /// An I/O error writing results; a broken pipe exits 0 quietly.
    Io(io::Error),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Self {
        Failure::Io(e)
    }
}

fn lexicon_error_lines(e: &xinsheng::Error) -> Vec<String> {
    match e {
        xinsheng::Error::Lexicon(le) => le
            .errors
            .iter()
            .map(|l| {
                if l.line == 0 {
                    format!("{}: {}", l.source, l.reason)
                } else {
                    l.to_string()
                }
            })
            .collect(),
        other => vec![other.to_string()],
    }
}

fn builder(g: &Global) -> AnalyzerBuilder {
    let mut b = Analyzer::builder();
    if let Some(d) = &g.lexicon_dir {
        b = b.lexicon_dir(d);
    }
    for f in &g.lexicons {
        b = b.lexicon_file(f);
    }
    b
}

/// A `--lexicon` file or `--lexicon-dir` that is not there is said as such (before the
/// lexicon's own checks, which would first ask what kind of lexicon it is).
fn lexicon_paths_exist(g: &Global) -> Result<(), Failure> {
    let dir = g.lexicon_dir.iter().map(|d| (d, true));
    for (p, want_dir) in dir.chain(g.lexicons.iter().map(|f| (f, false))) {
        let what = match std::fs::metadata(p) {
            Err(e) => crate::inputs::io_message(&e),
            Ok(m) if want_dir && !m.is_dir() => "not a directory".into(),
            Ok(m) if !want_dir && m.is_dir() => {
                "is a directory (use --lexicon-dir for a folder of lexicons)".into()
            }
            Ok(_) => continue,
        };
        return Err(Failure::Fatal(format!("{}: {what}", p.display())));
    }
    Ok(())
}

/// The analyzer with a call model read from `--model` (`None`: the built-in one).
fn analyzer_with(
    g: &Global,
    model: Option<xinsheng::model::CallModel>,
) -> Result<Analyzer, Failure> {
    lexicon_paths_exist(g)?;
    let b = match model {
        Some(m) => builder(g).call_model(m),
        None => builder(g),
    };
    b.build()
        .map_err(|e| Failure::Fatal(lexicon_error_lines(&e).join("\nxinsheng: ")))
}

pub(crate) fn analyzer(g: &Global) -> Result<Analyzer, Failure> {
    lexicon_paths_exist(g)?;
    builder(g)
        .build()
        .map_err(|e| Failure::Fatal(lexicon_error_lines(&e).join("\nxinsheng: ")))
}

pub(crate) fn options(g: &Global, a: &InputArgs) -> Options {
    let threads = g
        .threads
        .map(usize::from)
        .unwrap_or_else(|| Options::default().threads);
    Options {
        read: ReadOptions {
            format: a.input_format,
            encoding: a.encoding,
            fields: FieldMap {
                id: a.id_field.clone(),
                turn: a.turn_field.clone(),
                speaker: a.speaker_field.clone(),
                text: a.text_field.clone(),
                time: a.time_field.clone(),
            },
            speakers: a.speaker_map.clone().unwrap_or_default(),
            max_record_bytes: a.max_record_bytes.max(1),
        },
        threads,
        chunk_records: g.chunk_records.max(1),
        group_bytes: g.group_bytes.max(1),
        ..Options::default()
    }
}

pub(crate) fn inputs(g: &Global, a: &InputArgs) -> Result<Expanded, Failure> {
    let expanded = if a.inputs.is_empty() {
        if io::stdin().is_terminal() {
            return Err(Failure::Fatal(
                "no input: give files, directories, or - to read stdin".into(),
            ));
        }
        Expanded {
            inputs: vec![Input::Stdin],
            skipped: Vec::new(),
        }
    } else {
        expand(&a.inputs, output_path(g))
    };
    if expanded.inputs.iter().any(|i| matches!(i, Input::Stdin)) && stdin_is_closed() {
        return Err(Failure::Fatal(
            "stdin is closed: give files or directories, or pipe the input in".into(),
        ));
    }
    Ok(expanded)
}

/// Standard input was closed when the program started (`<&-`): the runtime then opens
/// it on `/dev/null`, and an input read from there would pass for an empty one.
fn stdin_is_closed() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let (Ok(stdin), Ok(null)) = (
            std::fs::metadata("/proc/self/fd/0"),
            std::fs::metadata("/dev/null"),
        ) else {
            return false;
        };
        stdin.rdev() == null.rdev() && stdin.dev() == null.dev() && stdin.ino() == null.ino()
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// The reporter, with a progress line on a terminal; warns of every file a directory
/// walk passed over (at most [`MAX_SKIPPED_SHOWN`] by name).
pub(crate) fn reporter(g: &Global, expanded: &Expanded) -> Reporter {
    let mut r = Reporter::new(g.quiet);
    let shown = expanded.skipped.len().min(MAX_SKIPPED_SHOWN);
    for s in &expanded.skipped[..shown] {
        r.warn(&format_args!("skipped {}: {}", s.path.display(), s.reason));
    }
    if expanded.skipped.len() > shown {
        let more = expanded.skipped.len() - shown;
        r.warn(&format_args!(
            "skipped {more} more files under the input folders"
        ));
    }
    if !g.quiet && io::stderr().is_terminal() {
        let total: Option<u64> = expanded.inputs.iter().map(Input::size).sum();
        r.with_progress(total)
    } else {
        r
    }
}

/// Files a walk passed over that are named in a warning each; the rest are counted.
const MAX_SKIPPED_SHOWN: usize = 20;

pub(crate) fn output(g: &Global) -> Result<Output, Failure> {
    match output_path(g) {
        Some(p) => Output::file(p).map_err(|e| {
            Failure::Fatal(format!(
                "{}: {}",
                p.display(),
                crate::inputs::io_message(&e)
            ))
        }),
        None => Ok(Output::stdout()),
    }
}

/// Start the reader thread; failing to start a thread (a process limit) is said as such.
pub(crate) fn start_reading(
    inputs: Vec<Input>,
    opts: &Options,
    reporter: &Reporter,
) -> Result<pipeline::Reading, Failure> {
    pipeline::read(inputs, opts, reporter).map_err(|e| {
        Failure::Fatal(format!(
            "cannot start the reader thread: {}",
            crate::inputs::io_message(&e)
        ))
    })
}

/// Readable formats are the default when results go to a terminal.
fn to_terminal(g: &Global) -> bool {
    output_path(g).is_none() && io::stdout().is_terminal()
}

/// The `-o` file; `None` for stdout (no `-o`, or `-o -`).
pub(crate) fn output_path(g: &Global) -> Option<&Path> {
    g.output.as_deref().filter(|p| p.as_os_str() != "-")
}

pub(crate) fn commit(out: Output, g: &Global) -> Result<(), Failure> {
    out.commit().map_err(|e| match (output_path(g), e.kind()) {
        (Some(p), _) => Failure::Fatal(format!(
            "{}: {}",
            p.display(),
            crate::inputs::io_message(&e)
        )),
        (None, _) => Failure::Io(e),
    })
}

fn score(g: &Global, a: &ScoreArgs) -> Result<i32, Failure> {
    let opts = options(g, &a.input);
    let mut out = output(g)?;
    let expanded = inputs(g, &a.input)?;
    let mut reporter = reporter(g, &expanded);
    // Reading starts first, so that building the analyzer overlaps with it.
    let reading = start_reading(expanded.inputs, &opts, &reporter)?;
    let analyzer = analyzer(g)?;
    let format = match a.format {
        Some(ScoreFormatArg::Jsonl) => ScoreFormat::Jsonl,
        Some(ScoreFormatArg::Csv) => ScoreFormat::Csv,
        Some(ScoreFormatArg::Excel) => ScoreFormat::Excel,
        Some(ScoreFormatArg::Table) => ScoreFormat::Table,
        None if to_terminal(g) => ScoreFormat::Table,
        None => ScoreFormat::Jsonl,
    };
    let summary =
        pipeline::score_reading(&analyzer, reading, &opts, format, &mut out, &mut reporter)?;
    commit(out, g)?;
    reporter.note(&summary.line());
    Ok(if summary.has_errors() { 2 } else { 0 })
}

fn call_format(g: &Global, f: Option<CallFormatArg>) -> CallFormat {
    match f {
        Some(CallFormatArg::Jsonl) => CallFormat::Jsonl,
        Some(CallFormatArg::Csv) => CallFormat::Csv,
        Some(CallFormatArg::Excel) => CallFormat::Excel,
        Some(CallFormatArg::Table) => CallFormat::Table,
        None if to_terminal(g) => CallFormat::Table,
        None => CallFormat::Jsonl,
    }
}

/// What `calls` and `flag` set up alike, in this order: the model file (checked first),
/// the output (checked before any input is read), the inputs, the reader thread, then the
/// analyzer (built while reading starts).
struct CallRun {
    opts: Options,
    out: Output,
    reporter: Reporter,
    reading: pipeline::Reading,
    analyzer: Analyzer,
}

fn call_run(g: &Global, input: &InputArgs, model: Option<&Path>) -> Result<CallRun, Failure> {
    let model = crate::calibrate::load_model(model)?;
    let opts = Options {
        group: true,
        ..options(g, input)
    };
    let out = output(g)?;
    let expanded = inputs(g, input)?;
    let reporter = reporter(g, &expanded);
    let reading = start_reading(expanded.inputs, &opts, &reporter)?;
    let analyzer = analyzer_with(g, model)?;
    Ok(CallRun {
        opts,
        out,
        reporter,
        reading,
        analyzer,
    })
}

fn calls(g: &Global, a: &CallsArgs) -> Result<i32, Failure> {
    let CallRun {
        opts,
        mut out,
        mut reporter,
        reading,
        analyzer,
    } = call_run(g, &a.input, a.call.model.as_deref())?;
    let format = call_format(g, a.format);
    let mut grouper = Grouper::new(
        &analyzer,
        a.call.max_turns,
        CallWriter::new(&mut out, format),
    );
    let summary = pipeline::run_reading(&analyzer, reading, &opts, &mut grouper, &mut reporter)?;
    let n = grouper.calls();
    drop(grouper);
    commit(out, g)?;
    reporter.note(&format_args!("{}; {n} calls", summary.line()));
    Ok(if summary.has_errors() { 2 } else { 0 })
}

fn flag(g: &Global, a: &FlagArgs) -> Result<i32, Failure> {
    let CallRun {
        opts,
        mut out,
        mut reporter,
        reading,
        analyzer,
    } = call_run(g, &a.input, a.call.model.as_deref())?;
    let html = a.format == Some(FlagFormatArg::Html);
    let format = call_format(
        g,
        a.format.and_then(|f| match f {
            FlagFormatArg::Jsonl => Some(CallFormatArg::Jsonl),
            FlagFormatArg::Csv => Some(CallFormatArg::Csv),
            FlagFormatArg::Excel => Some(CallFormatArg::Excel),
            FlagFormatArg::Table => Some(CallFormatArg::Table),
            FlagFormatArg::Html => None,
        }),
    );
    let min_level = Level::from(a.min_level);
    let mut collector = FlagCollector::new(min_level);
    if let Some(n) = a.top {
        collector = collector.with_top(n);
    }
    let mut grouper = Grouper::new(&analyzer, a.call.max_turns, collector);
    if html {
        grouper = grouper.with_full_text();
        grouper.sink = grouper.sink.with_transcripts();
    }
    let summary = pipeline::run_reading(&analyzer, reading, &opts, &mut grouper, &mut reporter)?;
    let collector = grouper.sink;
    let (calls, flagged, max_level) = (
        collector.calls,
        collector.flagged_calls,
        collector.max_level,
    );
    let mut list = collector.into_worklist();
    let shown = if (list.len() as u64) < flagged {
        format!(" (the top {} listed)", list.len())
    } else {
        String::new()
    };
    let tail = format!("{flagged} of {calls} calls at or above {min_level}{shown}");
    if html {
        // The page says what was read but not how long it took: same input, same bytes.
        let note = format!("{}; {tail}", summary.counts());
        let sections = a.top.unwrap_or(crate::html::DEFAULT_HTML_SECTIONS);
        crate::html::write_report(&mut out, &mut list, &note, sections)?;
    } else {
        write_flagged(&mut out, &mut list, format)?;
    }
    commit(out, g)?;
    reporter.note(&format_args!("{}; {tail}", summary.line()));
    Ok(if summary.has_errors() {
        2
    } else if a.fail_on.is_some_and(|l| max_level >= Level::from(l)) {
        1
    } else {
        0
    })
}

fn explain(g: &Global, a: &ExplainArgs) -> Result<i32, Failure> {
    let analyzer = analyzer(g)?;
    let text = if a.text == "-" {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::Fatal(format!("stdin: {}", crate::inputs::io_message(&e))))?;
        s.trim_end_matches(['\r', '\n']).to_string()
    } else {
        a.text.clone()
    };
    let speaker = Speaker::from(a.speaker);
    let ex = analyzer.explain(&text, speaker);
    let mut out = output(g)?;
    match a.format {
        TextFormatArg::Json => {
            serde_json::to_writer_pretty(&mut out, &ex).map_err(io::Error::from)?;
            out.write_all(b"\n")?;
        }
        TextFormatArg::Text => crate::explain::write_text(&mut out, &text, speaker, &ex)?,
    }
    commit(out, g)?;
    Ok(0)
}

/// Lexicon files named by the arguments: files as given, directories' `*.tsv` (sorted).
fn lexicon_files(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_dir() {
            match std::fs::read_dir(p) {
                Ok(rd) => {
                    let mut v: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
                        .collect();
                    v.sort();
                    files.extend(v);
                }
                Err(e) => errors.push(format!(
                    "{}: {}",
                    p.display(),
                    crate::inputs::io_message(&e)
                )),
            }
        } else {
            files.push(p.clone());
        }
    }
    (files, errors)
}

/// Terms of well-formed lexicon files that can never match (the segmenter splits them
/// into more words than a match joins), as `path:line: reason`, with the analyzer the
/// builder makes of them.
fn unmatchable_terms(builder: AnalyzerBuilder, files: &[&PathBuf]) -> Result<Vec<String>, Failure> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let an = builder
        .build()
        .map_err(|e| Failure::Fatal(lexicon_error_lines(&e).join("\n")))?;
    let mut errors = Vec::new();
    for f in files {
        // The file parsed a moment ago; read errors are reported by the parse.
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        for (line_no, line) in xinsheng::lexicon_lines(&text) {
            let term = line.split('\t').next().unwrap_or("").trim();
            if an.matches_as_one_term(term) {
                continue;
            }
            let tokens: Vec<String> = an
                .tokens(term)
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect();
            errors.push(format!(
                "{}:{}: `{term}` can never match: the segmenter splits it into {}; a match \
                 joins at most {} words (spaces and punctuation not counted)",
                f.display(),
                line_no,
                tokens.join(" | "),
                xinsheng::MAX_JOIN,
            ));
        }
    }
    Ok(errors)
}

fn lexicon_check(g: &Global, paths: &[PathBuf]) -> Result<i32, Failure> {
    let mut out = output(g)?;
    let mut errors: Vec<String> = Vec::new();
    let mut warnings: Vec<String> = Vec::new();
    let mut entries = 0usize;
    let what;
    if paths.is_empty() {
        match builder(g).check() {
            Ok(stats) => {
                entries = stats.per_kind.values().sum();
                warnings.extend(stats.shadowed);
                // The given files' terms, with the analyzer the other commands build.
                let mut files: Vec<PathBuf> = g.lexicons.clone();
                if let Some(dir) = &g.lexicon_dir {
                    files.extend(lexicon_files(std::slice::from_ref(dir)).0);
                }
                let files: Vec<&PathBuf> = files.iter().collect();
                errors.extend(unmatchable_terms(builder(g), &files)?);
            }
            Err(e) => errors.extend(lexicon_error_lines(&e)),
        }
        what = "built-in lexicons".to_string()
            + if g.lexicon_dir.is_some() || !g.lexicons.is_empty() {
                " + given files"
            } else {
                ""
            };
    } else {
        let (files, errs) = lexicon_files(paths);
        errors.extend(errs);
        let mut good = Vec::new();
        for f in &files {
            let b = Analyzer::builder().without_embedded().lexicon_file(f);
            match b.check() {
                Ok(stats) => {
                    entries += stats.per_kind.values().sum::<usize>();
                    warnings.extend(stats.shadowed);
                    good.push(f);
                }
                Err(e) => errors.extend(lexicon_error_lines(&e)),
            }
        }
        let with_files = good
            .iter()
            .fold(Analyzer::builder(), |b, f| b.lexicon_file(f));
        errors.extend(unmatchable_terms(with_files, &good)?);
        what = format!(
            "{} file{}",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
    }
    for e in &errors {
        writeln!(out, "{e}")?;
    }
    if errors.is_empty() {
        writeln!(out, "ok: {what}, {entries} entries")?;
    }
    // Lines that are never used, after the verdict: they are not errors.
    for w in &warnings {
        writeln!(out, "warning: {w}")?;
    }
    commit(out, g)?;
    if errors.is_empty() {
        Ok(0)
    } else {
        if !g.quiet {
            let _ = writeln!(
                io::stderr(),
                "xinsheng: {} lexicon error{} in {what}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" }
            );
        }
        Ok(2)
    }
}

fn lexicon_stats(g: &Global, format: TextFormatArg) -> Result<i32, Failure> {
    let stats = builder(g)
        .check()
        .map_err(|e| Failure::Fatal(lexicon_error_lines(&e).join("\nxinsheng: ")))?;
    let mut out = output(g)?;
    match format {
        TextFormatArg::Json => {
            let v = serde_json::json!({
                "per_kind": stats.per_kind,
                "per_category": stats.per_category,
                "entries": stats.per_kind.values().sum::<usize>(),
                "terms": stats.terms,
            });
            serde_json::to_writer_pretty(&mut out, &v).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        TextFormatArg::Text => {
            writeln!(out, "{} {:>7}", pad("KIND / CATEGORY", 36), "ENTRIES")?;
            for (kind, n) in &stats.per_kind {
                writeln!(out, "{} {n:>7}", pad(kind, 36))?;
                let prefix = format!("{kind}/");
                for (cat, m) in &stats.per_category {
                    if let Some(c) = cat.strip_prefix(&prefix) {
                        writeln!(out, "  {} {m:>7}", pad(c, 34))?;
                    }
                }
            }
            writeln!(
                out,
                "{} {:>7}",
                pad("total entries", 36),
                stats.per_kind.values().sum::<usize>()
            )?;
            writeln!(out, "{} {:>7}", pad("distinct terms", 36), stats.terms)?;
        }
    }
    commit(out, g)?;
    Ok(0)
}

/// Run a parsed command line; the exit code.
pub fn run(cli: Cli) -> i32 {
    let g = &cli.global;
    let result = match &cli.command {
        Command::Score(a) => score(g, a),
        Command::Calls(a) => calls(g, a),
        Command::Flag(a) => flag(g, a),
        Command::Explain(a) => explain(g, a),
        Command::Lexicon(LexiconCommand::Check { paths }) => lexicon_check(g, paths),
        Command::Lexicon(LexiconCommand::Stats { format }) => lexicon_stats(g, *format),
        Command::Calibrate(a) => crate::calibrate::run(g, a),
    };
    match result {
        Ok(code) => code,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(Failure::Io(e)) if crate::report::NotOutput::is(&e) => {
            let _ = writeln!(io::stderr(), "xinsheng: {e}");
            2
        }
        Err(Failure::Io(e)) => {
            let _ = writeln!(
                io::stderr(),
                "xinsheng: output: {}",
                crate::inputs::io_message(&e)
            );
            2
        }
        Err(Failure::Fatal(msg)) => {
            let _ = writeln!(io::stderr(), "xinsheng: {msg}");
            2
        }
    }
}

/// [`Cli`] as clap parses it, with the global options that `explain` and `lexicon` ignore
/// (`-j`; `-q` where nothing but errors goes to stderr) left out of their `--help`: a
/// hidden copy in the subcommand stands in for the global option (still accepted).
pub fn command() -> clap::Command {
    let cli = <Cli as clap::CommandFactory>::command();
    let global = |id: &str, hide: bool| {
        let arg = cli.get_arguments().find(|a| a.get_id() == id);
        arg.expect("a global option").clone().hide(hide)
    };
    let (j, q) = (global("threads", true), global("quiet", true));
    let check = [j.clone(), global("quiet", false)];
    cli.clone()
        .mut_subcommand("explain", |c| c.args([j.clone(), q.clone()]))
        .mut_subcommand("lexicon", |c| {
            c.args([j.clone(), q.clone()])
                .mut_subcommand("check", |c| c.args(check))
                .mut_subcommand("stats", |c| c.args([j, q]))
        })
}

/// Parse `args` (with the program name first) and run; the exit code. Usage errors exit
/// 2, `--help` and `--version` 0.
pub fn main_with_args<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let parsed = command()
        .try_get_matches_from(args)
        .and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m));
    match parsed {
        Ok(cli) => run(cli),
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            code
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, FromArgMatches};

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    /// Global options under their own heading; `explain` and `lexicon` do not list the
    /// options they ignore.
    #[test]
    fn help_lists_what_each_command_uses() {
        let help = |path: &[&str]| {
            let args = ["xinsheng"].iter().chain(path).chain(&["--help"]);
            command()
                .try_get_matches_from(args)
                .unwrap_err()
                .to_string()
        };
        let score = help(&["score"]);
        assert!(score.contains("Input options:") && score.contains("Global options:"));
        let global = score.split("Global options:").nth(1).unwrap();
        assert!(
            global.contains("--threads") && !global.contains("--encoding"),
            "{score}"
        );
        for path in [&["explain"][..], &["lexicon", "stats"]] {
            let h = help(path);
            assert!(!h.contains("--threads") && !h.contains("--quiet"), "{h}");
            assert!(h.contains("--lexicon-dir") && h.contains("--output"), "{h}");
        }
        let check = help(&["lexicon", "check"]);
        assert!(
            !check.contains("--threads") && check.contains("--quiet"),
            "{check}"
        );
        // Still accepted (a script may pass them to every command).
        for args in [
            &["xinsheng", "explain", "-j2", "-q", "好"][..],
            &["xinsheng", "lexicon", "check", "-q", "-j1"],
        ] {
            let cli = command()
                .try_get_matches_from(args)
                .map(|m| Cli::from_arg_matches(&m));
            let cli = cli.unwrap_or_else(|e| panic!("{args:?}: {e}")).unwrap();
            assert!(cli.global.quiet, "{args:?}");
        }
    }

    #[test]
    fn parses_common_flags_anywhere() {
        let cli = Cli::try_parse_from([
            "xinsheng", "-j2", "score", "a.jsonl", "-q", "--format", "csv",
        ])
        .unwrap();
        assert_eq!(cli.global.threads, Some(2));
        assert!(cli.global.quiet);
        let Command::Score(a) = cli.command else {
            panic!()
        };
        assert_eq!(a.format, Some(ScoreFormatArg::Csv));
        assert!(Cli::try_parse_from(["xinsheng", "score", "-j0"]).is_err());
        assert!(Cli::try_parse_from(["xinsheng", "score", "--speaker-map", "x"]).is_err());
        assert!(Cli::try_parse_from(["xinsheng", "score", "--encoding", "latin1"]).is_err());
    }
}
