//! A call and what the outputs keep of it: its turns, its entry in the `flag` worklist
//! ([`Flagged`]) and its marked transcript for the HTML report ([`TranscriptTurn`]).
//!
//! Plain data shared by the grouper ([`crate::calls`]), the worklist
//! ([`crate::worklist`]) and the HTML report ([`crate::html`]); it imports none of them.

use serde::{Deserialize, Serialize};
use xinsheng::{AgentKind, ConversationAnalysis, Level, ReasonKind, Speaker, Trajectory};
use xinsheng_io::Source;

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
    /// Characters of the text analysed, when not all were (see [`crate::bounded`]).
    pub analysed_chars: Option<usize>,
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
    /// Turns whose text was analysed only in part (see [`crate::bounded`]).
    pub fn truncated_turns(&self) -> usize {
        self.turns
            .iter()
            .filter(|t| t.analysed_chars.is_some())
            .count()
    }

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
    /// Turns whose text was analysed only in part (long texts: see [`crate::bounded`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub truncated_turns: usize,
    /// Reasons, strongest first, with evidence.
    pub reasons: Vec<FlagReason>,
    /// Position of the call in the run.
    #[serde(skip)]
    pub seq: u64,
    /// The whole call with its marks, for the HTML report; empty unless the collector
    /// was asked for transcripts ([`crate::calls::FlagCollector::with_transcripts`]).
    #[serde(skip)]
    pub transcript: Vec<TranscriptTurn>,
}

impl From<Call> for Flagged {
    fn from(call: Call) -> Self {
        let source = call.source_range();
        let truncated_turns = call.truncated_turns();
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
            truncated_turns,
            reasons,
            seq: call.seq,
            transcript: Vec::new(),
        }
    }
}

/// Serde's `skip_serializing_if` for counts.
pub(crate) fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// One turn of a flagged call, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TranscriptTurn {
    /// `file:line` of the turn.
    pub source: String,
    /// Who spoke.
    pub speaker: Speaker,
    /// The whole text of the turn.
    pub text: String,
    /// The turn's valence.
    pub valence: f32,
    /// The turn's escalation level.
    pub level: Level,
    /// Matched cues and agent phrases, as char ranges of `text`.
    pub marks: Vec<Mark>,
}

/// What a marked span of a turn is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkKind {
    /// A customer escalation cue of this severity (1–5).
    Cue(u8),
    /// A cue that was negated (not counted) or quoted (counted at a fraction of its
    /// weight: 他说要投诉).
    InactiveCue,
    /// A prohibited agent phrase.
    Prohibited,
    /// An encouraged agent phrase (empathy, apology, ownership …).
    Encouraged,
}

impl MarkKind {
    /// Which of two kinds covering the same char is shown.
    pub(crate) fn rank(self) -> u8 {
        match self {
            MarkKind::Prohibited => 10,
            MarkKind::Cue(s) => 4 + s.min(5),
            MarkKind::Encouraged => 2,
            MarkKind::InactiveCue => 1,
        }
    }

    pub(crate) fn class(self) -> &'static str {
        match self {
            MarkKind::Cue(s) if s >= 4 => "cue hi",
            MarkKind::Cue(3) => "cue mid",
            MarkKind::Cue(_) => "cue lo",
            MarkKind::InactiveCue => "cue off",
            MarkKind::Prohibited => "ban",
            MarkKind::Encouraged => "good",
        }
    }
}

/// A marked char range of a turn's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mark {
    /// First char (0-based, in chars).
    pub start: usize,
    /// One past the last char.
    pub end: usize,
    /// What it is.
    pub kind: MarkKind,
    /// Shown on hover, e.g. `regulator, severity 5`.
    pub label: String,
}

/// The transcript of a call with its marks (the call's turns must hold whole texts:
/// see [`crate::calls::Grouper::with_full_text`]).
pub fn transcript(call: &Call) -> Vec<TranscriptTurn> {
    call.turns
        .iter()
        .zip(&call.analysis.turns)
        .map(|(m, a)| {
            let mut marks = Vec::new();
            for c in &a.escalation.cues {
                let (kind, how) = if c.is_active() {
                    (MarkKind::Cue(c.severity), "")
                } else if c.negated {
                    (MarkKind::InactiveCue, ", negated: not counted")
                } else {
                    (MarkKind::InactiveCue, ", quoted: counted at a fraction")
                };
                marks.push(Mark {
                    start: c.start,
                    end: c.end,
                    kind,
                    label: format!("{}, severity {}{how}", c.category, c.severity),
                });
            }
            for g in a.agent.iter().filter(|g| !g.negated) {
                let kind = match g.kind {
                    AgentKind::Prohibited => MarkKind::Prohibited,
                    AgentKind::Encouraged => MarkKind::Encouraged,
                };
                marks.push(Mark {
                    start: g.start,
                    end: g.end,
                    kind,
                    label: format!("{} {}, severity {}", g.kind, g.category, g.severity),
                });
            }
            TranscriptTurn {
                source: m.source.to_string(),
                speaker: m.speaker,
                text: m.text.clone(),
                valence: a.valence,
                level: a.escalation.level,
                marks,
            }
        })
        .collect()
}
