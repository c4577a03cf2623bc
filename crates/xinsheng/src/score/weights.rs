//! Every tuning number of the utterance scorer, named, grouped by stage. Not public API:
//! they change whenever the scorer is tuned. A pair `(valence, emotion)` is the valence a
//! signal adds and the emotion mass it feeds.

// --- structure ---

/// Words looked back from a speech verb for its subject (他说 is reported speech).
pub(crate) const SUBJECT_WINDOW: usize = 8;

// --- modifiers: negation, degree, contrast, emphasis, quotation, questions, irony ---

/// Tokens looked back from a term for negators and degree adverbs.
pub(crate) const SCOPE_WINDOW: usize = 3;
/// Lowest product of the degree adverbs before a term.
pub(crate) const DEGREE_MIN: f32 = 0.3;
/// Highest product of the degree adverbs before a term.
pub(crate) const DEGREE_MAX: f32 = 3.0;
/// Clause weights around a contrast word: before it, after it, and a 虽然 clause alone.
pub(crate) const CONTRAST_WEIGHTS: (f32, f32, f32) = (0.5, 1.5, 0.7);
/// Emphasis added per ！ of the sentence and per collapsed repeat of the term.
pub(crate) const EMPHASIS_STEP: f32 = 0.1;
/// Most ！ of a sentence that add emphasis to a term (and to the utterance's intensity).
pub(crate) const EMPHASIS_MAX_MARKS: u32 = 4;
/// Most collapsed repeats of a term that add emphasis to it.
pub(crate) const EMPHASIS_MAX_REPEATS: u32 = 3;
/// Emotion mass of an evaluative word with no emotion of its own, per unit of valence.
pub(crate) const SENTIMENT_EMOTION: f32 = 0.5;
/// Factor of a positive term under a negated degree phrase (不太好).
pub(crate) const NEGATED_DEGREE_POSITIVE: f32 = -0.45;
/// Factor of a negative term under a negated degree phrase (不太差).
pub(crate) const NEGATED_DEGREE_NEGATIVE: f32 = -0.3;
/// Factor of a negated positive term (不好).
pub(crate) const NEGATED_POSITIVE: f32 = -0.75;
/// Factor of a negated negative term (不差).
pub(crate) const NEGATED_NEGATIVE: f32 = -0.2;
/// Sadness mass of a negated joy or gratitude term, per unit of its emotion mass.
pub(crate) const NEGATED_JOY_SADNESS: f32 = 0.5;
/// Factor of a doubly negated term (不是不好), valence and emotion.
pub(crate) const DOUBLE_NEGATION: f32 = 0.5;
/// Factor of a quoted term or marker (reported speech), valence and emotion.
pub(crate) const QUOTED_TERM: f32 = 0.5;
/// Factor of a positive term in a question (解决了吗): asked, not asserted.
pub(crate) const QUESTIONED: f32 = 0.25;
/// Factor of an agent's negative term (naming the customer's trouble).
pub(crate) const AGENT_DESCRIBES: f32 = 0.3;
/// Factor of an agent's positive term: service talk is worded positively by habit (解决,
/// 方便, 优先, 免息), so a positive word alone does not make an agent's line positive;
/// its caring phrases do ([`AGENT_CARING`]).
pub(crate) const AGENT_FORMULAIC: f32 = 0.4;
/// Factor of a positive term in a rhetorical question or an ironic utterance.
pub(crate) const FLIP: f32 = -0.6;
/// Disgust mass of a flipped positive term, per unit of its emotion mass.
pub(crate) const FLIP_DISGUST: f32 = 0.6;
/// A rhetorical-question marker (凭什么, 难道 … 吗 as one term): (valence, anger).
pub(crate) const RHETORICAL: (f32, f32) = (-0.35, 0.45);
/// A rhetorical opener (难道) in a sentence that ends as a question: (valence, anger).
pub(crate) const RHETORICAL_OPEN: (f32, f32) = (-0.25, 0.3);
/// An irony marker (呵呵, 真是太好了呢): (valence, disgust).
pub(crate) const IRONY: (f32, f32) = (-0.3, 0.45);

// --- cues: escalation cues and agent phrases ---

/// Risk weight of an active cue per severity 1..5.
pub(crate) const CUE_WEIGHT: [f32; 6] = [0.0, 0.12, 0.25, 0.45, 0.65, 0.85];
/// Highest severity the speaker's intent lifts an internal escalation to (a supervisor or
/// human, a complaint inside the company: 我要找你们领导, 我要投诉): `high` in the gold
/// header, the lexicon's severity 4; severity 5 (`critical`) is for external steps
/// (regulator, legal, media) and harm.
pub(crate) const INTERNAL_MAX_SEVERITY: u8 = 4;
/// Factor applied to a quoted / reported cue.
pub(crate) const QUOTED_FACTOR: f32 = 0.35;
/// Highest weight of a quoted / reported lexicon cue, as the weight of this severity: a
/// threat someone else made (我朋友说要去12315投诉你们) is `low` in the gold header however
/// firm it was, and two of them must not add up to `medium`.
pub(crate) const QUOTED_MAX_SEVERITY: usize = 1;
/// Weight of an institution mention with no threat around it (律师事务所): kept as
/// evidence, below the `low` level.
pub(crate) const MENTION_WEIGHT: f32 = 0.05;
/// Severity of a confrontational question (凭什么, 难道…吗) as a dissatisfaction cue, and
/// of one aimed at the company (你这是什么意思？, 这就是你们的服务？, 就这态度？: a second
/// person in the utterance or a demonstrative in the marker): a challenge to the company is
/// clear dissatisfaction (`medium` in the gold header), as a stated complaint is.
pub(crate) const CONFRONTATION_SEVERITY: (u8, u8) = (2, 3);
/// Emotion mass of a cue with no emotion entry of its own, per severity.
pub(crate) const CUE_VOICE_EMOTION: f32 = 0.1;
/// An agent's hostile or abusive phrase: (valence, anger).
pub(crate) const AGENT_HOSTILE: (f32, f32) = (-0.45, 0.4);
/// An agent's shirking, refusal or stonewalling phrase: (valence, disgust).
pub(crate) const AGENT_OBSTRUCTIVE: (f32, f32) = (-0.25, 0.2);
/// Valence of an agent's empathy, apology or ownership phrase: past
/// [`POLARITY_THRESHOLD`], so a line that does the customer a service reads positive
/// unless something negative outweighs it.
pub(crate) const AGENT_CARING: f32 = 0.25;
/// Valence of an agent's courtesy or follow-up phrase.
pub(crate) const AGENT_COURTESY: f32 = 0.05;
/// Highest severity of a mild refusal or stonewall (耐心等待), which a courteous request or
/// any encouraged phrase of the turn withdraws (a stronger one only an alternative offered
/// after it).
pub(crate) const MILD_OBSTRUCTION: u8 = 1;
/// Lowest severity of an ownership phrase that makes a promise before it the agent's own
/// commitment (我保证我来帮您处理; 为您 or 帮您 alone do not).
pub(crate) const FIRM_OWNERSHIP: u8 = 2;
/// Words looked back from an agent's not-knowing word for a perception verb or a manner
/// complement (听|不清楚, 说得|可能|不清楚).
pub(crate) const PERCEPTION_WINDOW: usize = 2;
/// Most chars a `…` of an agent phrase pattern spans (再不还款，我们就…起诉你).
pub(crate) const PATTERN_GAP: usize = 10;

// --- agent conduct by stance (stance.rs; marker slots `{STANCE_*}` in agent.tsv) ---

/// Weight of a strong stance marker (识相, 听不懂, 耽误我, 自作自受): enough alone.
pub(crate) const STANCE_STRONG: f32 = 1.0;
/// Weight of a weak stance marker (这么, 到底, 连, 自己, 征信): two of them, or one in a
/// rhetorical question, are enough.
pub(crate) const STANCE_WEAK: f32 = 0.5;
/// Added when the sentence is a rhetorical question (a negative or a question word in a
/// question: 怎么连这个都不会？) and holds a marker.
pub(crate) const STANCE_RHETORICAL: f32 = 0.5;
/// Lowest summed weight of a sentence that makes it a hostile stance.
pub(crate) const STANCE_FIRE: f32 = 1.0;
/// Lowest summed weight of a sentence said to no one in particular (no 你/您, no
/// imperative, no rhetorical question) that makes it a hostile stance.
pub(crate) const STANCE_UNADDRESSED: f32 = 1.5;
/// Most chars from 别 to the end of a clause that tells the customer to stop (别操心了).
pub(crate) const STOP_CLAUSE_MAX: usize = 8;
/// Severity of a hostile stance (a `hostile` phrase of `agent.tsv` is 3 to 5).
pub(crate) const STANCE_SEVERITY: u8 = 3;
/// Chars after a third party ({THIRD}) in which a reporting verb makes the sentence
/// someone else's words (快递员|说).
pub(crate) const STANCE_REPORT_WINDOW: usize = 3;

// --- harm: the grammar of threats said in other words (harm.rs) ---

/// Severity of a harm the grammar finds: veiled (a warning to a staff member's family,
/// being on a roof, despair: high) and firm (violence, a means brought, self-harm:
/// critical).
pub(crate) const HARM_SEVERITY: [u8; 2] = [4, 5];
/// What an active harm cue of the grammar says: (valence, emotion mass of anger for
/// violence or sadness for self-harm); near what the lexicon's fixed harm phrases say
/// (不想活了 sadness 0.9, 跳楼 0.8 in `emotion-negative.tsv`).
pub(crate) const HARM_GRAMMAR_VOICE: (f32, f32) = (-0.8, 0.6);

/// Most words of an opening clause of bare praise read as sarcasm (服务一流啊: 3).
pub(crate) const BARE_PRAISE_WORDS: usize = 3;

/// Severity of the dissatisfaction cue of unmarked sarcasm (厉害，一个快递送了半个月; 效率真
/// 高，…今天才回): mocking the company's service is clear dissatisfaction (`medium`).
pub(crate) const SARCASM_SEVERITY: u8 = 3;

// --- exposure: going-public threats said in other words (exposure.rs) ---

/// Severity of a going-public threat the grammar finds: `critical`, as the gold header
/// has media exposure actually threatened by the speaker.
pub(crate) const EXPOSURE_SEVERITY: u8 = 5;
/// Most chars after an intent (我就, 信不信) in which its publishing act is looked for,
/// within its sentence (我就把这事原原本本发到业主群里).
pub(crate) const EXPOSURE_REACH: usize = 40;

// --- pragmatics: customer-service patterns ---

/// Valence of a refusal phrase (没办法, 只能等了) in a customer's mouth.
pub(crate) const HELPLESS: f32 = -0.15;
/// Sadness mass of a customer's refusal phrase.
pub(crate) const HELPLESS_SADNESS: f32 = 0.1;
/// Valence of an acknowledgement: mild, below the polarity threshold.
pub(crate) const ACCEPTANCE_VALENCE: f32 = 0.08;
/// Valence of a complaint or question ending in 啊/呀 in a customer turn.
pub(crate) const EXASPERATION: f32 = -0.05;
/// Valence of a customer's why-question.
pub(crate) const CHALLENGE: f32 = -0.08;
/// Valence of an inability (申请不了) in a customer turn.
pub(crate) const INABILITY_VALENCE: f32 = -0.2;
/// Disgust mass of an inability.
pub(crate) const INABILITY_DISGUST: f32 = 0.15;
/// Valence of a customer's bare negation that negates no term (没有 / 不是): disagreement.
pub(crate) const DISAGREEMENT: f32 = -0.08;
/// Valence of each open question in a customer turn (up to three): an unresolved issue.
pub(crate) const OPEN_QUESTION: f32 = -0.04;
/// Most open questions of a turn that count.
pub(crate) const OPEN_QUESTION_MAX: usize = 3;
/// Repeated affirmation (好好好好): (valence, anger).
pub(crate) const REPEATED_AFFIRMATION: (f32, f32) = (-0.3, 0.3);
/// Severity of repeated affirmation as an impatience cue.
pub(crate) const REPEATED_AFFIRMATION_SEVERITY: u8 = 1;
/// Valence of a counted repeat (第三次, 打了五次), per severity.
pub(crate) const COUNTED_REPEAT_PER_SEVERITY: f32 = -0.1;
/// Lowest count of a repeat that is a cue.
pub(crate) const REPEAT_MIN_COUNT: u32 = 2;
/// Count of a repeat from which it has the higher severity.
pub(crate) const REPEAT_HIGH_COUNT: u32 = 3;
/// Severity of a counted repeat below / from `REPEAT_HIGH_COUNT`: repeated contact is
/// `medium` in the gold header from the second time (第二次来电了: 2 -> 3 on 2026-12-03;
/// gold F1 +0.004, STC-3 call figure +0.001), so both are 3 for now.
pub(crate) const REPEAT_SEVERITY: (u8, u8) = (3, 3);
/// Valence of elapsed time (都三天了).
pub(crate) const ELAPSED_TIME: f32 = -0.2;
/// Severity of elapsed time as an impatience cue.
pub(crate) const ELAPSED_SEVERITY: u8 = 2;
/// Anger mass of a counted repeat or elapsed time, per severity.
pub(crate) const PATTERN_ANGER_PER_SEVERITY: f32 = 0.1;
/// An utterance of bare ？ or …… (confusion, speechlessness): (valence, disgust).
pub(crate) const BARE_PUNCTUATION: (f32, f32) = (-0.2, 0.25);
/// Surprise mass of ？？ after good news.
pub(crate) const LOUD_QUESTION_SURPRISE: f32 = 0.2;
/// ？？ / ？！ in a customer's complaint: (valence, anger).
pub(crate) const LOUD_QUESTION: (f32, f32) = (-0.15, 0.25);
/// ！！ without praise in a customer turn: (valence, anger).
pub(crate) const LOUD: (f32, f32) = (-0.1, 0.2);
/// Emphatic punctuation of an agent's negative sentence: (valence, anger).
pub(crate) const EMPHATIC: (f32, f32) = (-0.1, 0.2);

// --- aggregate: valence, polarity, emotion mix, intensity, risk ---

/// Raw emotion mass below which an utterance reads as neutral.
pub(crate) const NEUTRAL_MASS: f32 = 0.25;
/// Valence beyond which polarity is positive / negative.
pub(crate) const POLARITY_THRESHOLD: f32 = 0.10;
/// Share of the absolute valence in the intensity.
pub(crate) const INTENSITY_VALENCE: f32 = 0.6;
/// Share of the non-neutral emotion in the intensity.
pub(crate) const INTENSITY_EMOTION: f32 = 0.4;
/// Weight factor of every cue but the strongest in an utterance.
pub(crate) const CUE_DAMPING: f32 = 0.35;
/// Risk from a negative valence with no cue, per unit of valence.
pub(crate) const AFFECT_VALENCE: f32 = 0.2;
/// Risk from anger and disgust mass with no cue, per unit of mass.
pub(crate) const AFFECT_ANGER: f32 = 0.1;
/// Most risk that affect alone gives.
pub(crate) const AFFECT_MAX: f32 = 0.3;
/// Lowest severity of an active cue that lets a turn's risk reach `high`: the lexicon's
/// internal escalation (a human or a supervisor, a formal complaint, an insult of the
/// agent); an active formal cue above a mention (投诉 said without intent) does too.
/// Without one, clear anger, a demand and repeat contact, however many, stay `medium`
/// (the gold header's levels): the risk is held just below the `high` threshold.
pub(crate) const HIGH_MIN_SEVERITY: u8 = 4;
/// How far below a level's threshold a turn that may not reach it is held (`high` without
/// an escalation cue, `medium` with only impatience and urgency and no anger).
pub(crate) const BELOW_LEVEL: f32 = 0.01;
/// An outburst with no cue reaches `medium` (clear dissatisfaction or anger): a customer
/// statement aimed at the company (no question, no quote, not aimed at a third party; a
/// second person or irony) whose valence is at most this, ...
pub(crate) const OUTBURST_VALENCE: f32 = -0.5;
/// ... whose anger and disgust share of the emotion mix is at least this, ...
pub(crate) const OUTBURST_ANGER: f32 = 0.4;
/// ... and whose intensity is at least this.
pub(crate) const OUTBURST_INTENSITY: f32 = 0.65;

/// The highest severity of a complaint or media cue that reports what the customer did
/// (打过投诉电话, 投诉之后): one below the severity at which a formal cue escalates a call.
pub(crate) const REPORTED_MAX_SEVERITY: u8 = 3;

/// The highest severity of a refund or urgency cue that a plain question makes a topic
/// (退款几天到账？); a firmer one (全额退款, 十万火急) stays a signal.
pub(crate) const TOPIC_MAX_SEVERITY: u8 = 2;

/// An acknowledgement trailing off (好吧……): valence and sadness of resignation.
pub(crate) const RESIGNED: (f32, f32) = (-0.2, 0.25);
/// Severity of an insult aimed at the agent or the company (饭桶, 你这个废物): abuse is
/// `high` in the gold header; a bare expletive (妈的, tmd) keeps its lexicon severity.
pub(crate) const INSULT_SEVERITY: u8 = 4;
/// Share of its weight a dissatisfaction, abuse, impatience or repeat-contact cue keeps in
/// an utterance aimed at a third party (the courier, another seller, the weather), not at
/// the company or the agent.
pub(crate) const THIRD_PARTY_FACTOR: f32 = 0.4;
/// Factor on a term in the hypothetical clause of a question (如果自己装坏了怎么办): a case
/// the customer asks about, not a problem they report.
pub(crate) const HYPOTHETICAL_TERM: f32 = 0.08;
