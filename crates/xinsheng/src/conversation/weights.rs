//! Every tuning number of the call roll-up, named, grouped by stage. Not public API,
//! except [`NEGATIVE_TURN`] and [`POSITIVE_TURN`], which the crate has always exported.

// --- turn thresholds (public) ---

/// Customer valence at or below which a turn counts as clearly negative.
pub const NEGATIVE_TURN: f32 = -0.25;
/// Customer valence at or above which a turn counts as clearly positive.
pub const POSITIVE_TURN: f32 = 0.2;

// --- mood and trajectory ---

/// Weight of a turn's escalation risk in the mood the trajectory follows.
pub(crate) const RISK_IN_MOOD: f32 = 0.6;
/// Highest mood of a grudging 行吧 / 好吧 right after an agent's no: resignation, not
/// acceptance.
pub(crate) const RESIGNED_MOOD: f32 = -0.2;
/// Swings between clearly negative and clearly positive turns that make a call volatile.
pub(crate) const VOLATILE_SWINGS: usize = 3;
/// Drop from the first to the last mood at least this large reads as worsening …
pub(crate) const WORSENING_DROP: f32 = 0.25;
/// … when the last mood is also below this.
pub(crate) const WORSENING_END: f32 = -0.2;
/// A mood at or below this at any turn before the last (the first included) can make a
/// call recovered …
pub(crate) const RECOVERED_DIP: f32 = -0.3;
/// … when the last mood is at least this (the customer ends fine).
pub(crate) const RECOVERED_END: f32 = -0.05;
/// A first mood below this can make a call improving …
pub(crate) const IMPROVING_START: f32 = -0.15;
/// … when the last mood rose by at least this.
pub(crate) const IMPROVING_RISE: f32 = 0.3;

// --- cue signals ---

// The severities at which a cue escalates a call or makes it critical are per category,
// in the traits table (`CueCategory::traits`).

/// Severity from which an active cue marks the call's first escalation turn.
pub(crate) const FIRST_TURN_SEVERITY: u8 = 3;

// --- repeated questions ---

/// Bigram similarity at or above which a customer turn repeats an earlier one.
pub(crate) const REPEAT_SIMILARITY: f32 = 0.6;
/// Fewest distinct bigrams a customer turn needs to count as a repeated question.
pub(crate) const REPEAT_MIN_BIGRAMS: usize = 3;

// --- risk: weight of each reason ---

/// Share of a cue's utterance weight it adds to call risk. An explicit threat still lifts
/// the call to at least `high`; within a level, how negative the whole call was ranks it.
pub(crate) const CALL_CUE_FACTOR: f32 = 0.6;
/// Largest weight of persistent negativity: `PERSISTENT_NEGATIVITY_MAX · (1 − e^−mass)`.
pub(crate) const PERSISTENT_NEGATIVITY_MAX: f32 = 0.7;
/// Largest weight of the call's cue mass: `CUE_MASS_MAX · (1 − e^(−mass / CUE_MASS_SCALE))`.
pub(crate) const CUE_MASS_MAX: f32 = 0.35;
/// Cue mass at which the cue-mass reason reaches 63 % of its largest weight.
pub(crate) const CUE_MASS_SCALE: f32 = 1.5;
/// Weight per repeated question.
pub(crate) const REPEATED_QUESTION_STEP: f32 = 0.15;
/// Largest weight of repeated questions.
pub(crate) const REPEATED_QUESTION_MAX: f32 = 0.35;
/// Weight per agent turn that says no.
pub(crate) const REFUSAL_STEP: f32 = 0.08;
/// Largest weight of agent refusals.
pub(crate) const REFUSAL_MAX: f32 = 0.3;
/// Customer turns beyond which a call counts as a long back-and-forth.
pub(crate) const LONG_EXCHANGE: usize = 4;
/// Weight per customer turn beyond `LONG_EXCHANGE`.
pub(crate) const LONG_EXCHANGE_STEP: f32 = 0.02;
/// Largest weight of a long exchange.
pub(crate) const LONG_EXCHANGE_MAX: f32 = 0.2;
/// Fewest active impatience / repeat-contact cues that make a reason of their own.
pub(crate) const REPEAT_CUES_MIN: usize = 2;
/// Weight per impatience / repeat-contact cue.
pub(crate) const REPEAT_CUE_STEP: f32 = 0.1;
/// Largest weight of impatience / repeat-contact cues.
pub(crate) const REPEAT_CUE_MAX: f32 = 0.35;
/// Weight of a prohibited agent phrase per point of severity.
pub(crate) const PROHIBITED_PER_SEVERITY: f32 = 0.06;
/// Weight per negative customer turn answered without empathy.
pub(crate) const MISSED_EMPATHY_STEP: f32 = 0.06;
/// Largest weight of missed empathy.
pub(crate) const MISSED_EMPATHY_MAX: f32 = 0.2;
/// Weight of a worsening trajectory.
pub(crate) const WORSENING_WEIGHT: f32 = 0.15;
/// Weight of a negative ending at valence 0: `BASE + SLOPE · −valence`, at most `MAX`.
pub(crate) const NEGATIVE_ENDING_BASE: f32 = 0.15;
/// Weight of a negative ending per unit of negative valence.
pub(crate) const NEGATIVE_ENDING_SLOPE: f32 = 0.2;
/// Largest weight of a negative ending.
pub(crate) const NEGATIVE_ENDING_MAX: f32 = 0.35;

// --- risk: combining reasons ---

/// Largest reason weight the hazard sum takes (keeps `−ln(1 − w)` finite).
pub(crate) const HAZARD_WEIGHT_CAP: f32 = 0.999;
/// How far a call's hazard is spread before it becomes risk: `1 − e^(−H / RISK_SPREAD)`.
pub(crate) const RISK_SPREAD: f32 = 2.0;
/// Share of its hazard a call keeps when it ends resolved (the customer thanks after an
/// agent's action that followed a clearly negative turn: `CallSignals::resolution_turn`).
pub(crate) const RESOLVED_HAZARD: f32 = 0.5;
