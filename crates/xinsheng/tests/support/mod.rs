//! What the table tests (`context.rs`, `modifiers.rs`) share: one analyzer on the
//! embedded lexicons, built once per test binary, and the questions they ask of a result.

use std::sync::OnceLock;

use xinsheng::{Analyzer, CueCategory, Speaker, UtteranceAnalysis};

/// The analyzer on the embedded lexicons, built once.
pub fn an() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(Analyzer::new)
}

/// A customer's utterance, analyzed.
pub fn c(text: &str) -> UtteranceAnalysis {
    an().analyze(text, Speaker::Customer)
}

/// An agent's utterance, analyzed.
pub fn agent(text: &str) -> UtteranceAnalysis {
    an().analyze(text, Speaker::Agent)
}

/// Whether a cue of `cat` is active (not negated, not quoted) in `a`.
pub fn active(a: &UtteranceAnalysis, cat: CueCategory) -> bool {
    a.escalation
        .cues
        .iter()
        .any(|c| c.category == cat && c.is_active())
}
