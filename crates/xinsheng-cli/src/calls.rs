//! Conversations: grouping records into calls, call summaries and the `flag` worklist.
//!
//! A call is the records of one input with the same call id (records without an id in
//! an input form one call named after the input). The pipeline brings each call's
//! records together before scoring ([`crate::regroup`], `Options::group`), so the
//! grouper here sees a call as a run of consecutive records. Calls never span inputs. A call longer than `max_turns` is summarized in parts of `max_turns` turns
//! (`"part": 1`, `2` …), so a pathological call cannot use unbounded memory.

use std::collections::BinaryHeap;
use std::io::{self, Write};

use serde::Serialize;
use xinsheng::{
    AgentQa, Analyzer, CallEscalation, Level, Peak, ReasonKind, Speaker, Trajectory, TurnValence,
    UtteranceAnalysis,
};
use xinsheng_io::write::{csv_cell, fit, pad, printable, write_error_json, UTF8_BOM};
use xinsheng_io::{Record, RecordError};

use crate::bounded::Cut;
pub use crate::call::{Call, Evidence, FlagReason, Flagged, TurnMeta, EVIDENCE_CHARS};
use crate::errlog::ErrorLog;
use crate::pipeline::{Render, Sink};
use crate::worklist::{footprint, rank_order, RankKey, Runs, Worklist, SPILL_BYTES};

/// Default most turns of one call summarized at once.
pub const DEFAULT_MAX_TURNS: usize = 5000;

/// Receives finished calls, in input order.
pub trait CallSink {
    /// A finished call.
    fn call(&mut self, call: Call) -> io::Result<()>;
    /// A record or input that could not be read.
    fn error(&mut self, error: &RecordError) -> io::Result<()>;
    /// The end of the run.
    fn finish(&mut self) -> io::Result<()>;
}

struct Building {
    call_id: Option<String>,
    id: String,
    part: u32,
    split: bool,
    turns: Vec<TurnMeta>,
    analyses: Vec<UtteranceAnalysis>,
}

/// Groups scored records into calls (a [`Sink`] for the pipeline).
pub struct Grouper<'a, C> {
    analyzer: &'a Analyzer,
    max_turns: usize,
    current: Option<Building>,
    seq: u64,
    calls: u64,
    full_text: bool,
    /// Where finished calls go.
    pub sink: C,
}

impl<'a, C: CallSink> Grouper<'a, C> {
    /// A grouper; calls longer than `max_turns` are split in parts.
    pub fn new(analyzer: &'a Analyzer, max_turns: usize, sink: C) -> Self {
        Grouper {
            analyzer,
            max_turns: max_turns.max(1),
            current: None,
            seq: 0,
            calls: 0,
            full_text: false,
            sink,
        }
    }

    /// Keep every turn's whole text instead of its first [`EVIDENCE_CHARS`] characters
    /// (the HTML report shows whole calls).
    pub fn with_full_text(mut self) -> Self {
        self.full_text = true;
        self
    }

    /// Calls (or parts) finished so far.
    pub fn calls(&self) -> u64 {
        self.calls
    }

    fn flush(&mut self, continued: bool) -> io::Result<()> {
        let Some(b) = self.current.take() else {
            return Ok(());
        };
        let part = if b.split || continued {
            Some(b.part)
        } else {
            None
        };
        if continued {
            self.current = Some(Building {
                call_id: b.call_id.clone(),
                id: b.id.clone(),
                part: b.part + 1,
                split: true,
                turns: Vec::new(),
                analyses: Vec::new(),
            });
        }
        let call = Call {
            seq: self.seq,
            id: b.id,
            part,
            turns: b.turns,
            analysis: self.analyzer.roll_up(b.analyses),
        };
        self.seq += 1;
        self.calls += 1;
        self.sink.call(call)
    }
}

fn snippet(mut text: String) -> String {
    if let Some((i, _)) = text.char_indices().nth(EVIDENCE_CHARS) {
        text.truncate(i);
        text.push('…');
    }
    text
}

/// The analysed part of a text cut to its first `n` characters, and how much was left.
fn analysed_part(text: String, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => {
            let rest = text[i..].chars().count();
            let mut head = text;
            head.truncate(i);
            head.push_str(&format!(" … ({rest} more characters not analysed)"));
            head
        }
        None => text,
    }
}

/// A scored record, as the grouper keeps it.
#[derive(Debug)]
pub struct GroupTurn {
    call_id: Option<String>,
    meta: TurnMeta,
    analysis: UtteranceAnalysis,
}

/// The render of [`Grouper`]: keeps what a call summary shows of a record.
#[derive(Debug, Clone, Copy, Default)]
pub struct GroupRender {
    /// Keep the whole text, not a snippet.
    full_text: bool,
}

impl Render for GroupRender {
    type Prepared = GroupTurn;

    fn prepare(&self, record: Record, analysis: UtteranceAnalysis, cut: Option<Cut>) -> GroupTurn {
        let analysed_chars = cut.map(|c| c.analysed_chars);
        GroupTurn {
            call_id: record.call_id,
            meta: TurnMeta {
                source: record.source,
                speaker: record.speaker,
                text: match (self.full_text, analysed_chars) {
                    (false, _) => snippet(record.text),
                    (true, None) => record.text,
                    (true, Some(n)) => analysed_part(record.text, n),
                },
                analysed_chars,
            },
            analysis,
        }
    }
}

impl<C: CallSink + Send> Sink for Grouper<'_, C> {
    type Prepared = GroupTurn;
    type Render = GroupRender;

    fn start(&mut self, _first: Option<&Record>) -> io::Result<GroupRender> {
        Ok(GroupRender {
            full_text: self.full_text,
        })
    }

    fn accept(&mut self, turn: GroupTurn) -> io::Result<()> {
        let same = self
            .current
            .as_ref()
            .is_some_and(|b| b.call_id == turn.call_id);
        if !same {
            self.flush(false)?;
        } else if self
            .current
            .as_ref()
            .is_some_and(|b| b.turns.len() >= self.max_turns)
        {
            self.flush(true)?;
        }
        let b = self.current.get_or_insert_with(|| Building {
            id: turn
                .call_id
                .clone()
                .unwrap_or_else(|| turn.meta.source.file.to_string()),
            call_id: turn.call_id,
            part: 1,
            split: false,
            turns: Vec::new(),
            analyses: Vec::new(),
        });
        b.turns.push(turn.meta);
        b.analyses.push(turn.analysis);
        Ok(())
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        self.sink.error(error)
    }

    fn end_of_input(&mut self) -> io::Result<()> {
        self.flush(false)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush(false)?;
        self.sink.finish()
    }
}

/// One line of `xinsheng calls`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallSummary {
    /// The call id.
    pub call_id: String,
    /// The part, for calls longer than the turn cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
    /// `file:first-last` lines.
    pub source: String,
    /// Turns.
    pub turns: usize,
    /// Turns whose text was analysed only in part (long texts: see [`crate::bounded`]).
    #[serde(skip_serializing_if = "crate::call::is_zero")]
    pub truncated_turns: usize,
    /// Customer turns.
    pub customer_turns: usize,
    /// Agent turns.
    pub agent_turns: usize,
    /// Turns whose speaker is unknown (scored like a customer's).
    pub unknown_turns: usize,
    /// Call escalation: risk, level, escalated, first turn (0-based) and reasons.
    pub escalation: CallEscalation,
    /// Shape of the customer's mood.
    pub trajectory: Trajectory,
    /// Customer valence per customer turn (0-based turn in the call).
    pub customer_valence: Vec<TurnValence>,
    /// The customer's most intense moment.
    pub peak: Option<Peak>,
    /// Agent conduct.
    pub agent_qa: AgentQa,
}

impl From<Call> for CallSummary {
    fn from(call: Call) -> Self {
        let count = |s: Speaker| call.turns.iter().filter(|t| t.speaker == s).count();
        CallSummary {
            source: call.source_range(),
            turns: call.turns.len(),
            truncated_turns: call.truncated_turns(),
            customer_turns: count(Speaker::Customer),
            agent_turns: count(Speaker::Agent),
            unknown_turns: count(Speaker::Unknown),
            call_id: call.id,
            part: call.part,
            escalation: call.analysis.escalation,
            trajectory: call.analysis.trajectory,
            customer_valence: call.analysis.customer_valence,
            peak: call.analysis.peak,
            agent_qa: call.analysis.agent_qa,
        }
    }
}

/// Output formats of `calls` and `flag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallFormat {
    /// One JSON object per line.
    Jsonl,
    /// Readable text for a terminal.
    Table,
    /// CSV with a header row: one row per call (or per error), for spreadsheets.
    Csv,
    /// [`CallFormat::Csv`] for Excel: a UTF-8 byte-order mark first, formula-like text
    /// cells guarded (see [`xinsheng_io::write::excel_field`]).
    Excel,
}

impl CallFormat {
    fn is_csv(self) -> bool {
        matches!(self, CallFormat::Csv | CallFormat::Excel)
    }
}

/// Columns of `calls --format csv`; an error row fills only `source` and `error`.
pub const CALL_CSV_COLUMNS: [&str; 18] = [
    "call_id",
    "part",
    "source",
    "turns",
    "customer_turns",
    "agent_turns",
    "level",
    "risk",
    "escalated",
    "first_turn",
    "trajectory",
    "peak_emotion",
    "peak_turn",
    "empathy_rate",
    "missed_empathy",
    "prohibited",
    "reasons",
    "error",
];

/// Columns of `flag --format csv`: the call, then the first reason that points at a
/// turn (what a reviewer checks first), then every reason; an error row (after the
/// calls) fills only `source` and `error`.
pub const FLAG_CSV_COLUMNS: [&str; 16] = [
    "rank",
    "call_id",
    "part",
    "source",
    "level",
    "risk",
    "escalated",
    "first_turn",
    "trajectory",
    "turns",
    "evidence_turn",
    "evidence_source",
    "evidence_speaker",
    "evidence_text",
    "reasons",
    "error",
];

fn csv_row(w: &mut impl Write, format: CallFormat, cells: &[&str]) -> io::Result<()> {
    let mut out = Vec::with_capacity(128);
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        csv_cell(&mut out, c, format == CallFormat::Excel);
    }
    out.push(b'\n');
    w.write_all(&out)
}

/// The header row of a CSV format, after the byte-order mark for Excel.
fn csv_header(w: &mut impl Write, format: CallFormat, columns: &[&str]) -> io::Result<()> {
    if format == CallFormat::Excel {
        w.write_all(UTF8_BOM)?;
    }
    csv_row(w, format, columns)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// All reasons in one cell: `kind detail (turn N) +weight`, strongest first, ` | `
/// between them.
fn reasons_cell<'r>(
    reasons: impl Iterator<Item = (ReasonKind, &'r str, Option<usize>, f32)>,
) -> String {
    let mut s = String::new();
    for (kind, detail, turn, weight) in reasons {
        if !s.is_empty() {
            s.push_str(" | ");
        }
        s.push_str(kind.as_str());
        s.push(' ');
        s.push_str(detail);
        if let Some(t) = turn {
            s.push_str(&format!(" (turn {t})"));
        }
        s.push_str(&format!(" +{weight:.2}"));
    }
    s
}

/// Writes call summaries (`xinsheng calls`) and error records, in input order, in every
/// format.
pub struct CallWriter<W: Write> {
    w: W,
    format: CallFormat,
    header: bool,
    /// Highest level seen.
    pub max_level: Level,
}

impl<W: Write> CallWriter<W> {
    /// A writer.
    pub fn new(w: W, format: CallFormat) -> Self {
        CallWriter {
            w,
            format,
            header: false,
            max_level: Level::None,
        }
    }
}

fn top_reason(e: &CallEscalation) -> String {
    e.reasons
        .first()
        .map(|r| match r.turn {
            Some(t) => format!("{} (turn {t})", r.detail),
            None => r.detail.clone(),
        })
        .unwrap_or_default()
}

impl<W: Write> CallSink for CallWriter<W> {
    fn call(&mut self, call: Call) -> io::Result<()> {
        let s = CallSummary::from(call);
        self.max_level = self.max_level.max(s.escalation.level);
        match self.format {
            CallFormat::Jsonl => {
                serde_json::to_writer(&mut self.w, &s)?;
                self.w.write_all(b"\n")
            }
            CallFormat::Csv | CallFormat::Excel => {
                self.csv_header()?;
                let e = &s.escalation;
                let reasons = reasons_cell(
                    e.reasons
                        .iter()
                        .map(|r| (r.kind, r.detail.as_str(), r.turn, r.weight)),
                );
                csv_row(
                    &mut self.w,
                    self.format,
                    &[
                        &s.call_id,
                        &opt(s.part),
                        &s.source,
                        &s.turns.to_string(),
                        &s.customer_turns.to_string(),
                        &s.agent_turns.to_string(),
                        e.level.as_str(),
                        &format!("{:.4}", e.risk),
                        if e.escalated { "true" } else { "false" },
                        &opt(e.first_turn),
                        s.trajectory.as_str(),
                        &opt(s.peak.as_ref().map(|p| p.emotion)),
                        &opt(s.peak.as_ref().map(|p| p.turn)),
                        &opt(s.agent_qa.empathy_rate.map(|r| format!("{r:.2}"))),
                        &s.agent_qa.missed_empathy_turns.len().to_string(),
                        &s.agent_qa.prohibited.len().to_string(),
                        &reasons,
                        "",
                    ],
                )
            }
            CallFormat::Table => {
                self.table_header()?;
                let id = match s.part {
                    Some(p) => format!("{} #{p}", s.call_id),
                    None => s.call_id.clone(),
                };
                let empathy = s
                    .agent_qa
                    .empathy_rate
                    .map(|r| format!("{:.0}%", r * 100.0))
                    .unwrap_or_else(|| "-".into());
                writeln!(
                    self.w,
                    "{} {:>5} {} {:>4.2} {} {} {:>7} {:>6}  {}",
                    pad(&id, 18),
                    s.turns,
                    pad(s.escalation.level.as_str(), 8),
                    s.escalation.risk,
                    if s.escalation.escalated { "yes" } else { " - " },
                    pad(s.trajectory.as_str(), 10),
                    empathy,
                    s.agent_qa.prohibited.len(),
                    fit(&top_reason(&s.escalation), 60),
                )
            }
        }
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        match self.format {
            CallFormat::Jsonl => write_error_json(&mut self.w, error),
            CallFormat::Csv | CallFormat::Excel => {
                self.csv_header()?;
                let mut cells = [""; CALL_CSV_COLUMNS.len()];
                let source = error.source.to_string();
                let message = error.to_string();
                cells[2] = &source;
                cells[CALL_CSV_COLUMNS.len() - 1] = &message;
                csv_row(&mut self.w, self.format, &cells)
            }
            CallFormat::Table => {
                self.table_header()?;
                writeln!(
                    self.w,
                    "{} error: {}",
                    pad(&error.source.to_string(), 18),
                    printable(&error.message)
                )
            }
        }
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.format.is_csv() {
            // Even with no call at all the file has its header.
            self.csv_header()?;
        }
        self.w.flush()
    }
}

impl<W: Write> CallWriter<W> {
    fn table_header(&mut self) -> io::Result<()> {
        if !self.header {
            self.header = true;
            writeln!(
                self.w,
                "{} {:>5} {} {:>4} ESC {} {:>7} {:>6}  TOP REASON",
                pad("CALL", 18),
                "TURNS",
                pad("LEVEL", 8),
                "RISK",
                pad("TRAJECTORY", 10),
                "EMPATHY",
                "BANNED",
            )?;
        }
        Ok(())
    }

    fn csv_header(&mut self) -> io::Result<()> {
        if !self.header {
            self.header = true;
            csv_header(&mut self.w, self.format, &CALL_CSV_COLUMNS)?;
        }
        Ok(())
    }
}

/// Keeps the calls at or above a level (`xinsheng flag`) and the error records (listed
/// after the calls, in input order, in every format).
///
/// With `with_top(n)`, the `n` riskiest calls in a bounded heap; else every flagged call,
/// spilled to sorted runs on disk past [`SPILL_BYTES`] (see [`crate::worklist`]), so that
/// memory stays bounded either way.
#[derive(Debug)]
pub struct FlagCollector {
    min_level: Level,
    /// Most calls kept (`flag --top N`); `None`: all flagged calls.
    top: Option<usize>,
    /// Keep each flagged call's transcript (for the HTML report).
    transcripts: bool,
    /// With a `top` bound: the calls kept so far, a heap whose greatest element is the
    /// least risky one kept.
    heap: BinaryHeap<ByRisk>,
    /// Without one: the calls not yet spilled, and about how many bytes they hold.
    buffer: Vec<Flagged>,
    buffered: usize,
    spill_bytes: usize,
    pub(crate) runs: Runs,
    errors: ErrorLog,
    /// Calls seen.
    pub calls: u64,
    /// Calls at or above the level, kept or not.
    pub flagged_calls: u64,
    /// Highest level seen over all calls.
    pub max_level: Level,
}

/// A flagged call ordered for the worklist: the greater, the lower it ranks (lower level,
/// then lower risk, then later in the input).
#[derive(Debug)]
struct ByRisk(Flagged);

impl PartialEq for ByRisk {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}
impl Eq for ByRisk {}
impl PartialOrd for ByRisk {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for ByRisk {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        rank_order(&self.0, &other.0)
    }
}

impl FlagCollector {
    /// Keep calls at or above `min_level`.
    pub fn new(min_level: Level) -> Self {
        FlagCollector {
            min_level,
            top: None,
            transcripts: false,
            heap: BinaryHeap::new(),
            buffer: Vec::new(),
            buffered: 0,
            spill_bytes: SPILL_BYTES,
            runs: Runs::default(),
            errors: ErrorLog::default(),
            calls: 0,
            flagged_calls: 0,
            max_level: Level::None,
        }
    }

    /// Keep only the `n` riskiest of them (in memory: a bounded heap).
    pub fn with_top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    /// Without a top bound, spill the kept calls to a sorted run on disk once they hold
    /// about `bytes` bytes (default [`SPILL_BYTES`]).
    pub fn with_spill_bytes(mut self, bytes: usize) -> Self {
        self.spill_bytes = bytes;
        self
    }

    /// Keep each flagged call's whole transcript with its marks, for the HTML report
    /// (the grouper must keep whole texts: [`Grouper::with_full_text`]). Kept calls then
    /// hold their text; a `with_top` bound holds them in memory, else they spill.
    pub fn with_transcripts(mut self) -> Self {
        self.transcripts = true;
        self
    }

    /// The worklist: highest level first, then highest risk, then input order; ranked.
    /// The error records go with it ([`Worklist::errors`]).
    pub fn into_worklist(self) -> Worklist {
        let list = if self.top.is_some() {
            Worklist::in_memory(self.heap.into_vec().into_iter().map(|r| r.0).collect())
        } else {
            Worklist::from_runs(self.runs, self.buffer)
        };
        list.with_errors(self.errors)
    }
}

impl CallSink for FlagCollector {
    fn call(&mut self, call: Call) -> io::Result<()> {
        self.calls += 1;
        let level = call.analysis.escalation.level;
        self.max_level = self.max_level.max(level);
        if level >= self.min_level {
            self.flagged_calls += 1;
            // With the top list full, a call that does not rank above its least risky
            // entry is not summarized at all (nor its transcript built).
            let full = self.top.is_some_and(|n| self.heap.len() >= n);
            if full {
                let key = RankKey::new(level, call.analysis.escalation.risk, call.seq);
                if self
                    .heap
                    .peek()
                    .is_none_or(|worst| key >= RankKey::of(&worst.0))
                {
                    return Ok(());
                }
            }
            let transcript = if self.transcripts {
                crate::call::transcript(&call)
            } else {
                Vec::new()
            };
            let mut f = Flagged::from(call);
            f.transcript = transcript;
            match self.top {
                Some(_) if full => {
                    // It ranks above the least risky kept call (checked above): replace it.
                    if let Some(mut worst) = self.heap.peek_mut() {
                        *worst = ByRisk(f);
                    }
                }
                Some(_) => self.heap.push(ByRisk(f)),
                None => {
                    self.buffered += footprint(&f);
                    self.buffer.push(f);
                    if self.buffered >= self.spill_bytes {
                        self.runs.spill(&mut self.buffer)?;
                        self.buffered = 0;
                    }
                }
            }
        }
        Ok(())
    }

    fn error(&mut self, error: &RecordError) -> io::Result<()> {
        self.errors.push(error)
    }

    fn finish(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Reasons shown per call in the readable worklist (JSONL has all).
pub const TABLE_REASONS: usize = 6;

/// Write the worklist.
pub fn write_flagged<W: Write>(
    w: &mut W,
    flagged: &mut Worklist,
    format: CallFormat,
) -> io::Result<()> {
    if format.is_csv() {
        csv_header(w, format, &FLAG_CSV_COLUMNS)?;
    }
    flagged.for_each(|f| {
        match format {
            CallFormat::Csv | CallFormat::Excel => {
                let ev = f.reasons.iter().find_map(|r| r.evidence.as_ref());
                let reasons = reasons_cell(f.reasons.iter().map(|r| {
                    (
                        r.kind,
                        r.detail.as_str(),
                        r.evidence.as_ref().map(|e| e.turn),
                        r.weight,
                    )
                }));
                csv_row(
                    w,
                    format,
                    &[
                        &f.rank.to_string(),
                        &f.call_id,
                        &opt(f.part),
                        &f.source,
                        f.level.as_str(),
                        &format!("{:.4}", f.risk),
                        if f.escalated { "true" } else { "false" },
                        &opt(f.first_turn),
                        f.trajectory.as_str(),
                        &f.turns.to_string(),
                        &opt(ev.map(|e| e.turn)),
                        ev.map_or("", |e| e.source.as_str()),
                        ev.map_or("", |e| e.speaker.as_str()),
                        ev.map_or("", |e| e.text.as_str()),
                        &reasons,
                        "",
                    ],
                )?;
            }
            CallFormat::Jsonl => {
                serde_json::to_writer(&mut *w, f)?;
                w.write_all(b"\n")?;
            }
            CallFormat::Table => {
                let id = match f.part {
                    Some(p) => format!("{} (part {p})", f.call_id),
                    None => f.call_id.clone(),
                };
                writeln!(
                    w,
                    "#{} {}  {} risk {:.2}{}  {} turns, {}  [{}]",
                    f.rank,
                    printable(&id),
                    f.level.as_str().to_uppercase(),
                    f.risk,
                    if f.escalated { ", escalated" } else { "" },
                    f.turns,
                    f.trajectory,
                    printable(&f.source.to_string()),
                )?;
                for r in f.reasons.iter().take(TABLE_REASONS) {
                    match &r.evidence {
                        Some(ev) => {
                            let head = format!("turn {:>2} {}", ev.turn, ev.speaker);
                            writeln!(
                                w,
                                "    {} {}  ← {} (+{:.2})",
                                pad(&head, 21),
                                fit(&ev.text, 56),
                                r.detail,
                                r.weight
                            )?;
                        }
                        None => writeln!(
                            w,
                            "    {} {} (+{:.2})",
                            pad(r.kind.as_str(), 21),
                            r.detail,
                            r.weight
                        )?,
                    }
                }
                if f.reasons.len() > TABLE_REASONS {
                    writeln!(
                        w,
                        "    … {} more reasons (--format jsonl lists all)",
                        f.reasons.len() - TABLE_REASONS
                    )?;
                }
                writeln!(w)?;
            }
        }
        Ok(())
    })?;
    write_flag_errors(w, flagged, format)?;
    w.flush()
}

/// The error records after the worklist, in input order.
fn write_flag_errors<W: Write>(
    w: &mut W,
    flagged: &mut Worklist,
    format: CallFormat,
) -> io::Result<()> {
    let n = flagged.errors().len();
    if n > 0 && format == CallFormat::Table {
        writeln!(
            w,
            "{n} record{} could not be read:",
            if n == 1 { "" } else { "s" }
        )?;
    }
    flagged.errors().for_each(|e| match format {
        CallFormat::Jsonl => write_error_json(w, e),
        CallFormat::Csv | CallFormat::Excel => {
            let mut cells = [""; FLAG_CSV_COLUMNS.len()];
            let source = e.source.to_string();
            let message = e.to_string();
            cells[3] = &source;
            cells[FLAG_CSV_COLUMNS.len() - 1] = &message;
            csv_row(w, format, &cells)
        }
        CallFormat::Table => writeln!(w, "    {}", printable(&e.to_string())),
    })
}

/// The worklist through the grouper and the collector: spilled or not, the same bytes.
#[cfg(test)]
mod worklist_tests {
    use super::*;
    use crate::pipeline::{self, Options};
    use crate::report::Reporter;
    use crate::worklist::{Worklist, MAX_RUNS};
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
                crate::html::write_report(&mut page, &mut list, "note", 500).unwrap();
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
