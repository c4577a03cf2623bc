//! Conversation roll-up: customer trajectory, peak, agent QA, the call's signals and its
//! escalation.
//!
//! The roll-up reads like its stages:
//! 1. the customer's side ([`trajectory`](self::trajectory)): valence per turn, mood,
//!    trajectory, peak;
//! 2. agent QA ([`qa`]): phrases used, empathy after upset customer turns;
//! 3. the call's signals ([`signals`], [`repeats`]): one function per signal, gathered
//!    in [`CallSignals`];
//! 4. the escalation ([`risk`]): reasons, risk and level from the signals alone, every
//!    tuning number in [`weights`].

mod qa;
pub(crate) mod repeats;
mod risk;
mod signals;
mod trajectory;
mod weights;

pub(crate) use repeats::repeated_questions;
pub use signals::{CallSignals, CueSignal};
pub use trajectory::trajectory;
pub use weights::{NEGATIVE_TURN, POSITIVE_TURN};

use crate::types::{ConversationAnalysis, UtteranceAnalysis};

/// Roll analyzed turns up into a conversation analysis.
pub(crate) fn roll_up(turns: Vec<UtteranceAnalysis>) -> ConversationAnalysis {
    let customer_valence = trajectory::customer_valence(&turns);
    let moods = trajectory::moods(&turns, &customer_valence);
    let traj = trajectory(&moods);
    let peak = trajectory::peak(&turns);
    let agent_qa = qa::agent_qa(&turns);
    let signals = signals::call_signals(&turns, &customer_valence, &moods, traj, &agent_qa);
    let escalation = risk::call_escalation(&signals, &agent_qa.prohibited);
    ConversationAnalysis {
        turns,
        customer_valence,
        trajectory: traj,
        peak,
        escalation,
        agent_qa,
        signals,
    }
}

/// Builders of hand-made turns for the roll-up's unit tests.
#[cfg(test)]
pub(crate) mod test_util {
    use crate::types::{
        AgentMatch, Cue, CueCategory, Emotion, EmotionScores, Escalation, Level, Polarity, Speaker,
        UtteranceAnalysis,
    };

    /// A turn with this speaker and valence, and nothing else.
    pub(crate) fn turn(speaker: Speaker, valence: f32) -> UtteranceAnalysis {
        UtteranceAnalysis {
            speaker,
            emotion: Emotion::Neutral,
            emotions: EmotionScores::default(),
            polarity: Polarity::Neutral,
            valence,
            intensity: 0.0,
            escalation: Escalation {
                risk: 0.0,
                level: Level::None,
                cues: Vec::new(),
            },
            agent: Vec::new(),
            sketch: Vec::new(),
            refusals: 0,
            grudging: false,
            loud: false,
        }
    }

    /// An unnegated agent phrase of this category and severity.
    pub(crate) fn agent_phrase(category: crate::AgentCategory, severity: u8) -> AgentMatch {
        AgentMatch {
            kind: category.kind(),
            category,
            text: category.to_string(),
            start: 0,
            end: 1,
            severity,
            negated: false,
        }
    }

    /// An active cue of this category, severity and weight.
    pub(crate) fn cue(category: CueCategory, severity: u8, weight: f32) -> Cue {
        Cue {
            category,
            text: format!("{category}{severity}"),
            start: 0,
            end: 1,
            severity,
            weight,
            negated: false,
            quoted: false,
        }
    }
}
