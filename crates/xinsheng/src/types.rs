//! Labels and result types: the public output schema of xinsheng.
//!
//! Field names and label spellings (as serialized by serde) are a versioned public
//! schema; see `docs/schema.md`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::conversation::CallSignals;
use crate::error::ParseLabelError;

macro_rules! label_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The label as written in output and lexicon files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseLabelError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(ParseLabelError {
                        kind: $what,
                        value: other.to_string(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }
    };
}

label_enum! {
    /// One of the eight emotion labels.
    ///
    /// ```
    /// use xinsheng::Emotion;
    /// assert_eq!("anger".parse::<Emotion>().unwrap(), Emotion::Anger);
    /// assert_eq!(Emotion::Gratitude.to_string(), "gratitude");
    /// ```
    Emotion, "emotion" {
        /// 愤怒: anger, outrage.
        Anger => "anger",
        /// 厌恶: disgust, contempt.
        Disgust => "disgust",
        /// 焦虑: anxiety, fear, worry.
        Anxiety => "anxiety",
        /// 悲伤: sadness, disappointment.
        Sadness => "sadness",
        /// 惊讶: surprise.
        Surprise => "surprise",
        /// 喜悦: joy, satisfaction.
        Joy => "joy",
        /// 感激: gratitude.
        Gratitude => "gratitude",
        /// No clear emotion.
        Neutral => "neutral",
    }
}

impl Emotion {
    /// The sign an emotion gives to valence when a lexicon entry does not say.
    pub fn default_sign(self) -> f32 {
        match self {
            Emotion::Anger | Emotion::Disgust | Emotion::Anxiety | Emotion::Sadness => -1.0,
            Emotion::Joy | Emotion::Gratitude => 1.0,
            Emotion::Surprise | Emotion::Neutral => 0.0,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

label_enum! {
    /// Sentiment polarity of an utterance.
    Polarity, "polarity" {
        /// Valence clearly below zero.
        Negative => "negative",
        /// No clear sentiment.
        Neutral => "neutral",
        /// Valence clearly above zero.
        Positive => "positive",
    }
}

label_enum! {
    /// Escalation level, ordered from `None` to `Critical`.
    ///
    /// ```
    /// use xinsheng::Level;
    /// assert!(Level::High > Level::Medium);
    /// assert_eq!(Level::from_risk(0.9), Level::Critical);
    /// ```
    Level, "level" {
        /// No escalation signal.
        None => "none",
        /// Mild impatience, urgency or dissatisfaction.
        Low => "low",
        /// Clear dissatisfaction, refund demand, churn threat, repeated contact.
        Medium => "medium",
        /// Supervisor demand, explicit complaint threat, abuse.
        High => "high",
        /// Regulator, legal or media threat.
        Critical => "critical",
    }
}

impl Level {
    /// Lower risk bound of each level: `[low, medium, high, critical]`.
    pub const THRESHOLDS: [f32; 4] = [0.10, 0.35, 0.60, 0.80];

    /// The level a risk in `[0, 1]` falls in.
    pub fn from_risk(risk: f32) -> Level {
        let [low, medium, high, critical] = Self::THRESHOLDS;
        if risk >= critical {
            Level::Critical
        } else if risk >= high {
            Level::High
        } else if risk >= medium {
            Level::Medium
        } else if risk >= low {
            Level::Low
        } else {
            Level::None
        }
    }

    /// The lowest risk that falls in this level.
    pub fn min_risk(self) -> f32 {
        match self {
            Level::None => 0.0,
            Level::Low => Self::THRESHOLDS[0],
            Level::Medium => Self::THRESHOLDS[1],
            Level::High => Self::THRESHOLDS[2],
            Level::Critical => Self::THRESHOLDS[3],
        }
    }
}

label_enum! {
    /// Category of a customer escalation cue.
    CueCategory, "escalation category" {
        /// 怎么还没, 迟迟, 等了很久.
        Impatience => "impatience",
        /// 又, 第三次, 说了多少遍.
        RepeatContact => "repeat_contact",
        /// 尽快, 着急, 来不及.
        Urgency => "urgency",
        /// 失望, 敷衍, 忽悠, 太过分.
        Dissatisfaction => "dissatisfaction",
        /// Insults aimed at the agent or company.
        Abuse => "abuse",
        /// 退款, 赔偿, 三倍赔偿.
        Refund => "refund",
        /// 再也不买, 销户, 携号转网.
        Churn => "churn",
        /// 转人工, 找你们领导.
        Supervisor => "supervisor",
        /// 我要投诉, 投诉升级.
        Complaint => "complaint",
        /// 12315, 消协, 工信部, 银保监会.
        Regulator => "regulator",
        /// 律师, 起诉, 报警.
        Legal => "legal",
        /// 曝光, 媒体, 上热搜.
        Media => "media",
        /// Threats of violence against staff, of self-harm, or of trouble on the premises
        /// (弄死你, 砍人, 跳楼, 去你们公司闹): the calls a team must act on at once.
        Harm => "harm",
    }
}

/// Which negators deny a cue of a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeniedBy {
    /// Any negator (不投诉, 没生气).
    AnyNegator,
    /// Only a negator that denies the speaker's own intent (不用退款), not one that reports
    /// the other side's refusal (不给退款, 没退款).
    IntentNegator,
}

/// What a cue category does, everywhere it matters: one row per category in
/// [`CueCategory::traits`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct CueTraits {
    /// An explicit formal (supervisor, complaint) or external (regulator, legal, media)
    /// threat, or a threat of harm: the cue makes a call escalated.
    pub formal: bool,
    /// Its terms may be bare nouns (律师, 法院, 12315): a mention with no threat around it
    /// is demoted (`Analyzer` flags which terms are).
    pub mention_prone: bool,
    /// The emotion a cue with no emotion entry of its own feeds.
    pub emotion: Emotion,
    /// The valence such a cue adds, per severity.
    pub voice: f32,
    /// Which negators deny it.
    pub denied_by: DeniedBy,
    /// Severity from which an active cue makes its call escalated.
    pub escalates_at: Option<u8>,
    /// Severity from which an active cue makes its call critical whatever else.
    pub critical_at: Option<u8>,
    /// A repeat or impatience cue, counted as such by the roll-up.
    pub repeat: bool,
}

/// A row of the table: (formal, mention-prone, emotion, voice, denied by, escalates at,
/// critical at, repeat).
type Row = (
    bool,
    bool,
    Emotion,
    f32,
    DeniedBy,
    Option<u8>,
    Option<u8>,
    bool,
);

impl CueCategory {
    /// What this category does: one row each, no default (a new category is a
    /// deliberate decision).
    pub(crate) const fn traits(self) -> CueTraits {
        use DeniedBy::{AnyNegator as Any, IntentNegator as Intent};
        use Emotion::{Anger, Anxiety, Disgust};
        #[rustfmt::skip]
        let row: Row = match self {
            //                          formal mention emotion  voice  denied  escal.   critical repeat
            CueCategory::Impatience =>      (false, false, Anger,   -0.1,  Any,    None,    None,    true),
            CueCategory::RepeatContact =>   (false, false, Anger,   -0.1,  Any,    None,    None,    true),
            CueCategory::Urgency =>         (false, false, Anxiety, -0.06, Any,    None,    None,    false),
            CueCategory::Dissatisfaction => (false, false, Anger,   -0.08, Any,    None,    None,    false),
            CueCategory::Abuse =>           (false, false, Anger,   -0.08, Any,    None,    None,    false),
            // Asking for a refund is business; the anger is in other words.
            CueCategory::Refund =>          (false, false, Anger,   -0.04, Intent, None,    None,    false),
            CueCategory::Churn =>           (false, false, Disgust, -0.08, Any,    None,    None,    false),
            CueCategory::Supervisor =>      (true,  true,  Anger,   -0.03, Any,    Some(4), None,    false),
            CueCategory::Complaint =>       (true,  false, Anger,   -0.08, Any,    Some(4), None,    false),
            CueCategory::Regulator =>       (true,  true,  Anger,   -0.08, Any,    Some(4), None,    false),
            CueCategory::Legal =>           (true,  true,  Anger,   -0.08, Any,    Some(4), None,    false),
            CueCategory::Media =>           (true,  true,  Anger,   -0.08, Any,    Some(4), None,    false),
            CueCategory::Harm =>            (true,  false, Anger,   -0.08, Any,    Some(4), Some(5), false),
        };
        let (formal, mention_prone, emotion, voice, denied_by, escalates_at, critical_at, repeat) =
            row;
        CueTraits {
            formal,
            mention_prone,
            emotion,
            voice,
            denied_by,
            escalates_at,
            critical_at,
            repeat,
        }
    }

    /// True for the categories that make a call *escalated*: an explicit formal
    /// (supervisor, complaint) or external (regulator, legal, media) threat, or a threat
    /// of harm.
    pub fn is_formal(self) -> bool {
        self.traits().formal
    }
}

label_enum! {
    /// Who said an utterance.
    Speaker, "speaker" {
        /// The customer (客户, 用户, 顾客).
        Customer => "customer",
        /// The agent (客服, 坐席).
        Agent => "agent",
        /// Not known; scored like a customer, without agent checks.
        Unknown => "unknown",
    }
}

label_enum! {
    /// Whether an agent phrase is encouraged or prohibited (服务禁语).
    AgentKind, "agent phrase kind" {
        /// 服务规范用语: empathy, apology, ownership, follow-up, courtesy.
        Encouraged => "encouraged",
        /// 服务禁语: a phrase agents must not use.
        Prohibited => "prohibited",
    }
}

label_enum! {
    /// Category of an agent phrase.
    AgentCategory, "agent phrase category" {
        /// 安抚: 理解您的心情, 让您久等了.
        Empathy => "empathy",
        /// 致歉: 抱歉, 对不起.
        Apology => "apology",
        /// 主动担当: 我来帮您, 为您处理.
        Ownership => "ownership",
        /// 可追踪承诺: 工号, 24小时内回复.
        Followup => "followup",
        /// 礼貌用语: 您好, 感谢您的耐心.
        Courtesy => "courtesy",
        /// 推诿甩锅: 不归我管.
        Shirking => "shirking",
        /// 消极拒绝: 没办法, 做不到.
        Refusal => "refusal",
        /// 强势质问: 你听不懂吗.
        Hostile => "hostile",
        /// 系统/规则搪塞: 系统就这样.
        Stonewall => "stonewall",
        /// 绝对化承诺: 保证, 百分百.
        AbsolutePromise => "absolute_promise",
        /// 资金违规承诺: 一定赔, 马上到账.
        PaymentPromise => "payment_promise",
        /// 时效硬承诺: 明天一定到.
        DeadlinePromise => "deadline_promise",
        /// 隐私泄露.
        Privacy => "privacy",
        /// 私下交易: 加我微信.
        PrivateDeal => "private_deal",
        /// 违规宣称: 根治, 国家级.
        FalseClaim => "false_claim",
        /// 辱骂.
        Abuse => "abuse",
    }
}

impl AgentCategory {
    /// Whether this category belongs to encouraged or prohibited phrases.
    pub fn kind(self) -> AgentKind {
        match self {
            AgentCategory::Empathy
            | AgentCategory::Apology
            | AgentCategory::Ownership
            | AgentCategory::Followup
            | AgentCategory::Courtesy => AgentKind::Encouraged,
            _ => AgentKind::Prohibited,
        }
    }

    /// True for the categories that answer a customer's emotion (关注、理解、认同).
    pub fn is_empathic(self) -> bool {
        matches!(self, AgentCategory::Empathy | AgentCategory::Apology)
    }
}

label_enum! {
    /// Shape of the customer's mood over a conversation.
    Trajectory, "trajectory" {
        /// Started negative and ended clearly better, but not fine (resigned, still unhappy).
        Improving => "improving",
        /// Ended clearly worse than it started, and negative.
        Worsening => "worsening",
        /// Was clearly negative at some turn before the last (the first included) and
        /// ended fine: an angry or anxious customer who ends satisfied.
        Recovered => "recovered",
        /// No clear movement.
        Stable => "stable",
        /// Swung between negative and positive several times.
        Volatile => "volatile",
    }
}

/// Score per emotion label; the eight scores sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EmotionScores {
    /// Score of [`Emotion::Anger`].
    pub anger: f32,
    /// Score of [`Emotion::Disgust`].
    pub disgust: f32,
    /// Score of [`Emotion::Anxiety`].
    pub anxiety: f32,
    /// Score of [`Emotion::Sadness`].
    pub sadness: f32,
    /// Score of [`Emotion::Surprise`].
    pub surprise: f32,
    /// Score of [`Emotion::Joy`].
    pub joy: f32,
    /// Score of [`Emotion::Gratitude`].
    pub gratitude: f32,
    /// Score of [`Emotion::Neutral`].
    pub neutral: f32,
}

impl EmotionScores {
    /// The score of one label.
    pub fn get(&self, emotion: Emotion) -> f32 {
        self.as_array()[emotion.index()]
    }

    /// Scores in [`Emotion::ALL`] order.
    pub fn as_array(&self) -> [f32; 8] {
        [
            self.anger,
            self.disgust,
            self.anxiety,
            self.sadness,
            self.surprise,
            self.joy,
            self.gratitude,
            self.neutral,
        ]
    }

    pub(crate) fn from_array(a: [f32; 8]) -> Self {
        EmotionScores {
            anger: a[0],
            disgust: a[1],
            anxiety: a[2],
            sadness: a[3],
            surprise: a[4],
            joy: a[5],
            gratitude: a[6],
            neutral: a[7],
        }
    }

    /// The label with the highest score (ties go to the earlier label in
    /// [`Emotion::ALL`]).
    pub fn dominant(&self) -> Emotion {
        let a = self.as_array();
        let mut best = 7;
        for i in 0..8 {
            if a[i] > a[best] || (a[i] == a[best] && i < best) {
                best = i;
            }
        }
        Emotion::ALL[best]
    }
}

/// One escalation cue found in an utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// The cue's category.
    pub category: CueCategory,
    /// The matched text, as written in the original utterance.
    pub text: String,
    /// Start, in chars (Unicode scalar values) of the original text.
    pub start: usize,
    /// End (exclusive), in chars of the original text.
    pub end: usize,
    /// Severity 1 (mild) … 5 (critical), from the lexicon.
    pub severity: u8,
    /// Contribution to risk after modifiers, in [0, 1]; 0 when negated.
    pub weight: f32,
    /// The cue is negated (我不是要投诉, 没有投诉) and does not count.
    pub negated: bool,
    /// The cue is quoted or reported speech (他说要投诉) and counts less.
    pub quoted: bool,
}

impl Cue {
    /// True when the cue counts: neither negated nor quoted.
    pub fn is_active(&self) -> bool {
        !self.negated && !self.quoted
    }
}

/// Escalation signal of one utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalation {
    /// Risk in [0, 1].
    pub risk: f32,
    /// The level `risk` falls in.
    pub level: Level,
    /// Every cue found, in text order, including negated and quoted ones.
    pub cues: Vec<Cue>,
}

/// An agent phrase found in an agent's utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentMatch {
    /// Encouraged or prohibited.
    pub kind: AgentKind,
    /// The phrase's category.
    pub category: AgentCategory,
    /// The matched text, as written in the original utterance.
    pub text: String,
    /// Start, in chars of the original text.
    pub start: usize,
    /// End (exclusive), in chars of the original text.
    pub end: usize,
    /// Severity 1 … 5, from the lexicon.
    pub severity: u8,
    /// The phrase is negated (我不会说不知道) and does not count.
    pub negated: bool,
}

/// The analysis of one utterance.
///
/// Four inputs of the call roll-up are not serialized (they would add to every `score`
/// line): a customer turn's bigram sketch (repeated questions), an agent turn's refusal
/// count, whether a customer turn is a grudging 行吧, and whether it is loud (！, ？？).
/// Turns read back from JSON and rolled up with [`crate::Analyzer::roll_up`] show no
/// repeated question, no agent refusal, no resignation in context and no loud turn;
/// everything else is the same. Roll up before
/// serializing, or serialize the [`ConversationAnalysis`], whose `signals` keep both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UtteranceAnalysis {
    /// Who spoke.
    pub speaker: Speaker,
    /// Dominant emotion (argmax of `emotions`).
    pub emotion: Emotion,
    /// Score per emotion label, summing to 1.
    pub emotions: EmotionScores,
    /// Polarity from `valence`.
    pub polarity: Polarity,
    /// Valence in [-1, 1].
    pub valence: f32,
    /// Intensity in [0, 1].
    pub intensity: f32,
    /// Customer escalation signal (always `none` with no cues for agent turns).
    pub escalation: Escalation,
    /// Agent phrases (only for agent turns).
    pub agent: Vec<AgentMatch>,
    /// Hashes of the normalized text's char bigrams in text order (at most 64; customer
    /// turns only): lets the roll-up see a customer asking the same thing again. Not
    /// serialized.
    #[serde(skip)]
    pub(crate) sketch: Vec<u32>,
    /// How often an agent turn says no (不支持, 没办法). Not serialized.
    #[serde(skip)]
    pub(crate) refusals: u8,
    /// A customer turn that opens with a grudging acknowledgement (行吧, 好吧) and is not
    /// positive: the roll-up reads it as resignation after an agent's no. Not serialized.
    #[serde(skip)]
    pub(crate) grudging: bool,
    /// A customer turn with loud punctuation (！, ？？, 。。, …): read by the roll-up's
    /// `loud_share`. Not serialized.
    #[serde(skip)]
    pub(crate) loud: bool,
}

/// One turn of a conversation handed to [`crate::Analyzer::analyze_conversation`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turn<'a> {
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: &'a str,
}

impl<'a> Turn<'a> {
    /// A turn with any speaker.
    pub fn new(speaker: Speaker, text: &'a str) -> Self {
        Turn { speaker, text }
    }
    /// A customer turn.
    pub fn customer(text: &'a str) -> Self {
        Turn::new(Speaker::Customer, text)
    }
    /// An agent turn.
    pub fn agent(text: &'a str) -> Self {
        Turn::new(Speaker::Agent, text)
    }
}

/// Customer valence at one turn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TurnValence {
    /// Index of the turn in the conversation (0-based).
    pub turn: usize,
    /// Valence of that turn.
    pub valence: f32,
}

/// The customer's most intense emotional moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Peak {
    /// Index of the turn (0-based).
    pub turn: usize,
    /// Dominant emotion of that turn.
    pub emotion: Emotion,
    /// Intensity of that turn.
    pub intensity: f32,
    /// Valence of that turn.
    pub valence: f32,
}

label_enum! {
    /// Why a call's escalation risk rose.
    ReasonKind, "reason" {
        /// An explicit formal or external threat (complaint, supervisor, regulator, legal, media).
        ExplicitThreat => "explicit_threat",
        /// Other customer escalation cues (refund, churn, abuse, dissatisfaction …).
        Cue => "cue",
        /// Negative customer mood over the call (valence and escalation risk of each
        /// turn, later turns weighing more), pointing at the first clearly negative turn.
        PersistentNegativity => "persistent_negativity",
        /// Repeated contact or impatience over several turns.
        RepeatContact => "repeat_contact",
        /// The agent used a prohibited phrase.
        AgentProhibited => "agent_prohibited",
        /// The agent did not answer a negative customer turn with empathy.
        NoEmpathy => "no_empathy",
        /// The customer's mood worsened over the call.
        Worsening => "worsening",
        /// The call ended with the customer negative.
        NegativeEnding => "negative_ending",
        /// A long back-and-forth: many customer turns.
        LongExchange => "long_exchange",
        /// The agent kept saying no (不支持, 没办法, 无法).
        AgentRefusal => "agent_refusal",
    }
}

/// One reason behind a call's escalation risk, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// What kind of reason.
    pub kind: ReasonKind,
    /// The turn that shows it (0-based), when one does.
    pub turn: Option<usize>,
    /// Human-readable evidence, e.g. `regulator: 12315`.
    pub detail: String,
    /// How much this reason added to risk, in [0, 1].
    pub weight: f32,
}

/// Escalation of a whole call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallEscalation {
    /// Risk in [0, 1].
    pub risk: f32,
    /// The level `risk` falls in (at least `high` when `escalated`, `critical` with a
    /// threat of violence or self-harm of severity 5).
    pub level: Level,
    /// An explicit formal or external threat was made by the customer: an active cue of
    /// a formal category (supervisor, complaint, regulator, legal, media, harm) with
    /// severity ≥ 4.
    pub escalated: bool,
    /// First turn with an escalation cue of severity ≥ 3 (0-based).
    pub first_turn: Option<usize>,
    /// Reasons: explicit threats first, then the others, each strongest first.
    pub reasons: Vec<Reason>,
}

/// A prohibited agent phrase with its turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProhibitedHit {
    /// Index of the agent turn (0-based).
    pub turn: usize,
    /// Category of the phrase.
    pub category: AgentCategory,
    /// The matched text.
    pub text: String,
    /// Severity 1 … 5.
    pub severity: u8,
}

/// Agent conduct over a call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentQa {
    /// Number of agent turns.
    pub agent_turns: usize,
    /// Customer turns that were negative and were followed by an agent turn.
    pub empathy_opportunities: usize,
    /// Of those, how many the next agent turn answered with empathy or apology.
    pub empathy_responses: usize,
    /// `empathy_responses / empathy_opportunities`, when there was an opportunity.
    pub empathy_rate: Option<f32>,
    /// Agent turns that answered a negative customer turn without empathy.
    pub missed_empathy_turns: Vec<usize>,
    /// Encouraged phrases used (count).
    pub encouraged: usize,
    /// Prohibited phrases used, with turn and text.
    pub prohibited: Vec<ProhibitedHit>,
}

/// The analysis of a whole conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConversationAnalysis {
    /// Per-turn analyses, in input order.
    pub turns: Vec<UtteranceAnalysis>,
    /// Customer valence per customer turn.
    pub customer_valence: Vec<TurnValence>,
    /// Shape of the customer's mood.
    pub trajectory: Trajectory,
    /// The customer's most intense non-neutral moment.
    pub peak: Option<Peak>,
    /// Call escalation.
    pub escalation: CallEscalation,
    /// Agent conduct.
    pub agent_qa: AgentQa,
    /// The signals the call's escalation is computed from (absent in older JSON: zeros).
    #[serde(default)]
    pub signals: CallSignals,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table says what the scattered match arms it replaced said; a row changed on
    /// purpose changes this test with it.
    #[test]
    fn cue_traits_table() {
        use CueCategory as C;
        macro_rules! t {
            ($cat:ident, formal: $f:expr, mention: $m:expr, escalates: $e:expr, critical: $c:expr, repeat: $r:expr, denied: $d:ident) => {
                let t = C::$cat.traits();
                assert_eq!(t.formal, $f, "{} formal", C::$cat);
                assert_eq!(C::$cat.is_formal(), $f, "{} is_formal", C::$cat);
                assert_eq!(t.mention_prone, $m, "{} mention", C::$cat);
                assert_eq!(t.escalates_at, $e, "{} escalates", C::$cat);
                assert_eq!(t.critical_at, $c, "{} critical", C::$cat);
                assert_eq!(t.repeat, $r, "{} repeat", C::$cat);
                assert_eq!(t.denied_by, DeniedBy::$d, "{} denied", C::$cat);
                assert!(t.voice < 0.0, "{} voice", C::$cat);
            };
        }
        t!(Impatience, formal: false, mention: false, escalates: None, critical: None, repeat: true, denied: AnyNegator);
        t!(RepeatContact, formal: false, mention: false, escalates: None, critical: None, repeat: true, denied: AnyNegator);
        t!(Urgency, formal: false, mention: false, escalates: None, critical: None, repeat: false, denied: AnyNegator);
        t!(Dissatisfaction, formal: false, mention: false, escalates: None, critical: None, repeat: false, denied: AnyNegator);
        t!(Abuse, formal: false, mention: false, escalates: None, critical: None, repeat: false, denied: AnyNegator);
        t!(Refund, formal: false, mention: false, escalates: None, critical: None, repeat: false, denied: IntentNegator);
        t!(Churn, formal: false, mention: false, escalates: None, critical: None, repeat: false, denied: AnyNegator);
        t!(Supervisor, formal: true, mention: true, escalates: Some(4), critical: None, repeat: false, denied: AnyNegator);
        t!(Complaint, formal: true, mention: false, escalates: Some(4), critical: None, repeat: false, denied: AnyNegator);
        t!(Regulator, formal: true, mention: true, escalates: Some(4), critical: None, repeat: false, denied: AnyNegator);
        t!(Legal, formal: true, mention: true, escalates: Some(4), critical: None, repeat: false, denied: AnyNegator);
        t!(Media, formal: true, mention: true, escalates: Some(4), critical: None, repeat: false, denied: AnyNegator);
        t!(Harm, formal: true, mention: false, escalates: Some(4), critical: Some(5), repeat: false, denied: AnyNegator);
        assert_eq!(
            CueCategory::ALL.len(),
            13,
            "a new category needs a row here"
        );
    }
}
