//! # xinsheng (心声)
//!
//! Emotion, sentiment and escalation-risk tagging for Chinese customer-service
//! transcripts: call-centre calls and online chats.
//!
//! Every utterance is normalized (NFKC, full-width → half-width, traditional →
//! simplified, long repeats collapsed and counted as emphasis), segmented with
//! [jieba-rs](https://docs.rs/jieba-rs) (every lexicon term is added to the segmenter so
//! multi-character cues stay whole) and matched against the project's own lexicons, with
//! modifiers that really work: negation with scope, degree adverbs in order (不太好 vs
//! 太不好), contrast (虽然…但是), rhetorical questions, emphasis, irony, quotation, and
//! look-alikes that are not cues (系统升级 is not 投诉升级).
//!
//! Conversations roll up into a speaker-aware picture: customer trajectory, peak emotion,
//! call escalation with reasons and evidence, the call's signals as named values
//! ([`CallSignals`]), and agent QA (empathy after negative turns,
//! prohibited phrases / 服务禁语).
//!
//! ```
//! use xinsheng::{Analyzer, Emotion, Level, Speaker, Turn};
//!
//! let analyzer = Analyzer::new(); // build once, share everywhere (Send + Sync)
//!
//! let u = analyzer.analyze("你们这是在敷衍我吧？我要投诉！", Speaker::Customer);
//! assert_eq!(u.escalation.level, Level::High);
//! assert!(u.valence < 0.0);
//!
//! let call = analyzer.analyze_conversation(&[
//!     Turn::customer("我的退款怎么还没到？已经第三次问了"),
//!     Turn::agent("非常抱歉让您久等了，我马上帮您查一下"),
//!     Turn::customer("好的，谢谢"),
//! ]);
//! assert!(!call.escalation.escalated);
//! assert_eq!(call.agent_qa.empathy_rate, Some(1.0));
//! ```
//!
//! ## Features
//!
//! - `embedded-lexicons` (default): the project's lexicons built into the crate.
//! - `jieba-default-dict` (default): jieba's default dictionary (about 5 MB) built in;
//!   without it, give your own with [`AnalyzerBuilder::jieba_dict`].
//!
//! [`Analyzer::new`] needs both.
//!
//! ## Debug builds of your program
//!
//! Building an [`Analyzer`] loads jieba's dictionary and the lexicons: about 0.1 s in a
//! release build, but about 1 s (0.6–3.5 s measured) in a debug build of your program,
//! because Cargo compiles dependencies as it compiles your code, so a plain `cargo run`
//! or `cargo test` runs it unoptimized. One setting in your `Cargo.toml` builds the
//! dependencies optimized (0.12–0.2 s measured) while your own code stays quick to
//! compile:
//!
//! ```toml
//! [profile.dev.package."*"]
//! opt-level = 2
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod analyzer;
mod conversation;
mod error;
mod lexicon;
pub mod model;
pub mod normalize;
mod score;
mod segment;
mod types;

pub use analyzer::{Analyzer, AnalyzerBuilder};
pub use conversation::{trajectory, CallSignals, CueSignal, NEGATIVE_TURN, POSITIVE_TURN};
pub use error::{Error, LexiconError, LineError, ParseLabelError};
pub use lexicon::{lexicon_lines, LexiconKind, LexiconStats};
pub use score::{Contribution, ExplainToken, Explanation};
pub use segment::MAX_JOIN;
pub use types::{
    AgentCategory, AgentKind, AgentMatch, AgentQa, CallEscalation, ConversationAnalysis, Cue,
    CueCategory, Emotion, EmotionScores, Escalation, Level, Peak, Polarity, ProhibitedHit, Reason,
    ReasonKind, Speaker, Trajectory, Turn, TurnValence, UtteranceAnalysis,
};

/// The README's Rust examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
