//! Conversations: grouping records into calls, call summaries and the `flag` worklist.
//!
//! A call is a run of consecutive records of one input with the same call id (records
//! without an id in an input form one call named after the input). Calls never span
//! inputs. A call longer than `max_turns` is summarized in parts of `max_turns` turns
//! (`"part": 1`, `2` …), so a pathological call cannot use unbounded memory.

use std::collections::BinaryHeap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use xinsheng::{
    AgentQa, Analyzer, CallEscalation, ConversationAnalysis, Level, Peak, ReasonKind, Speaker,
    Trajectory, TurnValence, UtteranceAnalysis,
};
use xinsheng_io::write::{csv_cell, fit, pad, write_error_json, UTF8_BOM};
use xinsheng_io::{Record, RecordError, Source};

use crate::html::TranscriptTurn;
use crate::pipeline::{Render, Sink};
use crate::worklist::{footprint, rank_order, RankKey, Runs, Worklist, SPILL_BYTES};

/// Default most turns of one call summarized at once.
pub const DEFAULT_MAX_TURNS: usize = 5000;

/// Characters of a turn's text kept for evidence.
pub const EVIDENCE_CHARS: usize = 160;

/// What is kept of one turn for evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct TurnMeta {
    /// Where the turn was read.
    pub source: Source,
    /// Who spoke.
    pub speaker: Speaker,
    /// The turn's text, cut to [`EVIDENCE_CHARS`] characters (`…` when cut).
    pub text: String,
}

/// A finished call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// 0-based position of the call in the run (ties in `flag` keep this order).
    pub seq: u64,
    /// The call id (the input's name when its records have none).
    pub id: String,
    /// The part, when the call was longer than the turn cap.
    pub part: Option<u32>,
    /// The turns, for evidence.
    pub turns: Vec<TurnMeta>,
    /// The roll-up.
    pub analysis: ConversationAnalysis,
}

impl Call {
    /// `file:first-last` lines of the call.
    pub fn source_range(&self) -> String {
        match (self.turns.first(), self.turns.last()) {
            (Some(a), Some(b)) if a.source.line != b.source.line => {
                format!("{}-{}", a.source, b.source.line)
            }
            (Some(a), _) => a.source.to_string(),
            _ => String::new(),
        }
    }
}

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

    fn prepare(&self, record: Record, analysis: UtteranceAnalysis) -> GroupTurn {
        GroupTurn {
            call_id: record.call_id,
            meta: TurnMeta {
                source: record.source,
                speaker: record.speaker,
                text: if self.full_text {
                    record.text
                } else {
                    snippet(record.text)
                },
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
/// turn (what a reviewer checks first), then every reason.
pub const FLAG_CSV_COLUMNS: [&str; 15] = [
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

/// Writes call summaries (`xinsheng calls`); error records too, in JSONL and CSV.
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
            CallFormat::Table => Ok(()),
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
    fn csv_header(&mut self) -> io::Result<()> {
        if !self.header {
            self.header = true;
            csv_header(&mut self.w, self.format, &CALL_CSV_COLUMNS)?;
        }
        Ok(())
    }
}

/// The turn a reason points at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// 0-based turn in the call.
    pub turn: usize,
    /// `file:line` of the turn.
    pub source: String,
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said (cut to [`EVIDENCE_CHARS`] characters).
    pub text: String,
}

/// One reason a call was flagged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagReason {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// What matched, e.g. `regulator: 12315`, `shirking: 不归我管`.
    pub detail: String,
    /// How much it added to risk.
    pub weight: f32,
    /// The turn that shows it, when one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
}

/// One entry of the `flag` worklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flagged {
    /// 1-based rank, riskiest first.
    pub rank: usize,
    /// The call id.
    pub call_id: String,
    /// The part, for calls longer than the turn cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<u32>,
    /// `file:first-last` lines.
    pub source: String,
    /// Escalation level.
    pub level: Level,
    /// Escalation risk.
    pub risk: f32,
    /// An explicit formal or external threat was made.
    pub escalated: bool,
    /// First turn with a serious cue (0-based).
    pub first_turn: Option<usize>,
    /// Shape of the customer's mood.
    pub trajectory: Trajectory,
    /// Turns in the call.
    pub turns: usize,
    /// Reasons, strongest first, with evidence.
    pub reasons: Vec<FlagReason>,
    /// Position of the call in the run.
    #[serde(skip)]
    pub seq: u64,
    /// The whole call with its marks, for the HTML report; empty unless the collector
    /// was asked for transcripts ([`FlagCollector::with_transcripts`]).
    #[serde(skip)]
    pub transcript: Vec<TranscriptTurn>,
}

impl From<Call> for Flagged {
    fn from(call: Call) -> Self {
        let source = call.source_range();
        let e = call.analysis.escalation;
        let reasons = e
            .reasons
            .into_iter()
            .map(|r| FlagReason {
                evidence: r.turn.and_then(|t| {
                    call.turns.get(t).map(|m| Evidence {
                        turn: t,
                        source: m.source.to_string(),
                        speaker: m.speaker,
                        text: m.text.clone(),
                    })
                }),
                kind: r.kind,
                detail: r.detail,
                weight: r.weight,
            })
            .collect();
        Flagged {
            rank: 0,
            call_id: call.id,
            part: call.part,
            source,
            level: e.level,
            risk: e.risk,
            escalated: e.escalated,
            first_turn: e.first_turn,
            trajectory: call.analysis.trajectory,
            turns: call.turns.len(),
            reasons,
            seq: call.seq,
            transcript: Vec::new(),
        }
    }
}

/// Keeps the calls at or above a level (`xinsheng flag`); errors are only counted.
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
    pub fn into_worklist(self) -> Worklist {
        if self.top.is_some() {
            return Worklist::in_memory(self.heap.into_vec().into_iter().map(|r| r.0).collect());
        }
        Worklist::from_runs(self.runs, self.buffer)
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
                crate::html::transcript(&call)
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

    fn error(&mut self, _error: &RecordError) -> io::Result<()> {
        Ok(())
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
                    id,
                    f.level.as_str().to_uppercase(),
                    f.risk,
                    if f.escalated { ", escalated" } else { "" },
                    f.turns,
                    f.trajectory,
                    f.source,
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
    w.flush()
}
