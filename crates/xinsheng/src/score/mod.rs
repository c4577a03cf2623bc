//! Utterance scoring, stage by stage: the text is normalized ([`crate::normalize`]),
//! segmented and matched against the lexicons ([`crate::segment`]), given its structure
//! ([`structure`]: sentences, clauses, quotes, contrast), scanned for customer-service
//! patterns ([`pragmatics`]), and every content term (emotion, sentiment, escalation cue,
//! agent phrase) is weighed by its modifiers ([`modifiers`]: negators and degree adverbs
//! in order up to a scope break, its clause's place around a contrast word, emphasis,
//! quotation, questions, irony) and made a cue ([`cues`]); then the sums are aggregated
//! ([`aggregate`]: valence, polarity, emotion mix, intensity, risk). Every tuning number
//! is in [`weights`]; [`explain`] holds the trace types.

mod aggregate;
mod challenge;
mod conduct;
mod cues;
mod explain;
mod exposure;
mod harm;
mod modifiers;
mod pragmatics;
mod reported;
mod sense;
mod stance;
mod structure;
mod target;
pub(crate) mod weights;

use jieba_rs::Jieba;

use crate::lexicon::agent_patterns::AgentPatterns;
use crate::lexicon::{ContrastRole, Lexicon, MarkerKind};
use crate::normalize::{normalize_into, Normalized};
use crate::segment::{recycle, segment, OriginalText, Unit};
use crate::types::{AgentKind, Speaker, UtteranceAnalysis};

use aggregate::Acc;
use cues::Found;
pub use explain::{Contribution, ExplainToken, Explanation};
use modifiers::Site;
use pragmatics::ClauseInfo;
use structure::{Contrast, SentenceInfo};

/// What every stage after segmentation reads: the utterance's units and who said it.
pub(crate) struct Ctx<'u, 'a> {
    /// The normalized text and its map to the original.
    pub norm: &'a Normalized,
    /// The units, structured.
    pub units: &'u [Unit<'a>],
    /// Who said it.
    pub speaker: Speaker,
    /// A customer's (or unknown speaker's) turn: cues and pragmatics apply.
    pub customer_side: bool,
    /// An agent's turn with an encouraged phrase (empathy, apology …).
    pub agent_encouraged: bool,
    /// The utterance has an irony marker.
    pub irony: bool,
    /// An explanation is being written.
    pub tracing: bool,
    /// The agent phrase patterns and their slots.
    pub agent_patterns: &'a AgentPatterns,
}

/// Per-thread buffers that `analyze` reuses from one utterance to the next instead of
/// allocating them each time (about six allocations per utterance).
#[derive(Default)]
struct Scratch {
    norm: Normalized,
    /// Always empty between calls: only its allocation is kept.
    units: Vec<Unit<'static>>,
    sentences: Vec<SentenceInfo>,
    clause_roles: Vec<Option<ContrastRole>>,
    marks: Vec<bool>,
    clause_info: Vec<ClauseInfo>,
}

impl Scratch {
    /// Drop buffers a very long utterance left large, so that a thread does not keep
    /// megabytes for the rest of the run.
    fn trim(&mut self) {
        const KEEP: usize = 1 << 14;
        if self.norm.text.capacity() > 4 * KEEP || self.norm.spans.capacity() > KEEP {
            self.norm = Normalized::default();
        }
        if self.units.capacity() > KEEP {
            self.units = Vec::new();
        }
        if self.sentences.capacity() > KEEP || self.clause_roles.capacity() > KEEP {
            self.sentences = Vec::new();
            self.clause_roles = Vec::new();
        }
        if self.marks.capacity() > 2 * KEEP || self.clause_info.capacity() > KEEP {
            self.marks = Vec::new();
            self.clause_info = Vec::new();
        }
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Analyze one utterance; fill `trace` when given.
pub(crate) fn analyze(
    jieba: &Jieba,
    lex: &Lexicon,
    text: &str,
    speaker: Speaker,
    trace: Option<&mut Explanation>,
) -> UtteranceAnalysis {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let a = analyze_with(jieba, lex, text, speaker, trace, &mut scratch);
            scratch.trim();
            a
        }
        // Not reentrant in practice; a fresh scratch keeps it correct if it ever is.
        Err(_) => analyze_with(jieba, lex, text, speaker, trace, &mut Scratch::default()),
    })
}

/// normalize → segment → structure → match and modifiers → aggregate.
fn analyze_with(
    jieba: &Jieba,
    lex: &Lexicon,
    text: &str,
    speaker: Speaker,
    trace: Option<&mut Explanation>,
    scratch: &mut Scratch,
) -> UtteranceAnalysis {
    let Scratch {
        norm,
        units: units_buf,
        sentences,
        clause_roles,
        marks,
        clause_info,
    } = scratch;
    // 1. normalize
    normalize_into(text, norm);
    let norm = &*norm;
    // 2. segment (and match: jieba's words joined longest-first into lexicon terms)
    let mut units = segment(jieba, lex, norm, text, recycle(std::mem::take(units_buf)));
    // 3. structure
    let irony = structure::build(&mut units, norm, sentences, clause_roles);
    let contrast = Contrast::new(clause_roles);
    let mut acc = Acc::new(trace);
    if let Some(tr) = acc.trace.as_deref_mut() {
        explain::start(tr, norm, &units);
    }
    let customer_side = speaker != Speaker::Agent;
    let ctx = Ctx {
        norm,
        units: &units,
        speaker,
        customer_side,
        agent_encouraged: speaker == Speaker::Agent
            && units.iter().any(|u| {
                u.entry
                    .and_then(|e| e.agent)
                    .is_some_and(|(c, _)| c.kind() == AgentKind::Encouraged)
            }),
        irony,
        tracing: acc.trace.is_some(),
        agent_patterns: &lex.agent_patterns,
    };
    let mut original = OriginalText::new(text);
    let mut found = Found::default();
    // Per unit, in one allocation: consumed by a pattern (好好好, 第三次, 三天了) before
    // lexicon scoring; a negator that negated a term.
    marks.clear();
    marks.resize(2 * units.len(), false);
    let (consumed, used_negator) = marks.split_at_mut(units.len());
    // 4. customer-service patterns, then the lexicon terms with their modifiers
    if customer_side {
        pragmatics::patterns(
            &ctx,
            &mut original,
            &mut acc,
            &mut found,
            consumed,
            clause_info,
        );
        challenge::challenges(&units, sentences, &mut original, &mut acc, &mut found);
        if let Some(tr) = acc.trace.as_deref_mut() {
            explain::patterns(tr, &found);
        }
    }
    let sarcastic = sarcasm(&ctx, clause_roles, &mut original, &mut found);
    let ctx = Ctx {
        irony: ctx.irony || sarcastic,
        ..ctx
    };
    let hypothetical = sense::hypothetical_clauses(&units, sentences, &found);
    let mut terms = Terms {
        ctx: &ctx,
        hypothetical: &hypothetical,
        contrast: &contrast,
        sentences,
        original: &mut original,
        acc: &mut acc,
        found: &mut found,
    };
    let total_emphasis = terms.score(consumed, used_negator);
    if speaker == Speaker::Agent {
        conduct::patterns(&ctx, &mut original, &mut acc, &mut found);
        stance::stance(&ctx, sentences, &mut original, &mut acc, &mut found);
    }
    if customer_side {
        harm::threats(&ctx, sentences, &mut original, &mut acc, &mut found);
        exposure::threats(&ctx, &mut original, &mut found);
    }
    let third_party = customer_side && context(&ctx, sentences, &hypothetical, &mut found);
    found.demote_mentions(sentences.len(), |k| {
        target::speaker_acts_with(&norm.text, &units, k)
    });
    found.voices(&units, &mut acc, sentences, |c| contrast.weight(c));
    found.cues.sort_by_key(|c| (c.start, c.end));
    if customer_side {
        pragmatics::bare_negations(&units, used_negator, &mut acc);
    }
    let refusals = pragmatics::refusals(&ctx, used_negator, &found.agent);
    if customer_side {
        let enquiry = sense::has_enquiry_opener(&units);
        pragmatics::questions(&units, sentences, enquiry, &mut acc);
        pragmatics::bare_punctuation(&units, text, &mut acc);
    }
    pragmatics::loud_punctuation(sentences, customer_side, &mut acc);
    // 5. aggregate
    let scores = aggregate::scores(&acc, sentences, total_emphasis);
    let escalation = if customer_side {
        let statement = !third_party && outburst_statement(&ctx, sentences);
        aggregate::escalation(found.cues, &scores, &acc.emo, statement)
    } else {
        aggregate::no_escalation()
    };
    let grudging = customer_side && pragmatics::grudging(&units, scores.valence);
    let loud = customer_side && pragmatics::loud_turn(text);
    // Keep the units' allocation for the next utterance.
    *units_buf = recycle(units);
    // Only the roll-up reads it, and only for customer turns.
    let sketch = if customer_side {
        aggregate::sketch(&norm.text)
    } else {
        Vec::new()
    };
    UtteranceAnalysis {
        refusals,
        grudging,
        loud,
        sketch,
        speaker,
        emotion: scores.emotion,
        emotions: scores.emotions,
        polarity: scores.polarity,
        valence: scores.valence,
        intensity: scores.intensity,
        escalation,
        agent: found.agent,
    }
}

/// Praise of the service next to a bad outcome in a customer's line: sarcasm, read as
/// irony; aimed at the company it is clear dissatisfaction (a cue). Whether it is.
fn sarcasm(
    ctx: &Ctx<'_, '_>,
    clause_roles: &[Option<ContrastRole>],
    original: &mut OriginalText<'_>,
    found: &mut Found,
) -> bool {
    if !ctx.customer_side || ctx.irony {
        return false;
    }
    let Some(k) = sense::sarcasm(ctx.units, clause_roles, found) else {
        return false;
    };
    found.pattern_cue(
        ctx.units,
        original,
        (k, k),
        crate::types::CueCategory::Dissatisfaction,
        weights::SARCASM_SEVERITY,
    );
    true
}

/// The context passes over a customer's cues: a cue word in another sense (an enquiry,
/// a hypothetical case, a deceased relative's account, a crime done to the customer), a
/// complaint told about or a third party's step, and a complaint about the courier or
/// another seller rather than the company. Returns whether the utterance is aimed at a
/// third party.
fn context(
    ctx: &Ctx<'_, '_>,
    sentences: &[SentenceInfo],
    hypothetical: &[bool],
    found: &mut Found,
) -> bool {
    let units = ctx.units;
    sense::enquiries(ctx, sentences, found);
    sense::hypothetical_cues(hypothetical, units, found);
    sense::deceased_account(&ctx.norm.text, found);
    reported::reported_complaints(units, found);
    reported::others_steps(units, found);
    sense::crime_of_others(units, found);
    let third_party = target::aimed_at_third_party(&ctx.norm.text, units);
    if third_party {
        target::weigh_third_party(found);
    } else {
        target::lift_insults(found, target::epithet_of_company(&ctx.norm.text, units));
    }
    third_party
}

/// An outburst with no cue counts only in the customer's own statement aimed at the
/// company: no question (？, 吗, a question word), nothing quoted, and said to the company
/// (a second person) or ironic; a factual report of the problem (我的外卖显示送达了，可我根本
/// 没收到) is not an outburst. (Not aimed at a third party is checked by the caller.)
fn outburst_statement(ctx: &Ctx<'_, '_>, sentences: &[SentenceInfo]) -> bool {
    (ctx.irony || target::addresses_company(ctx.units))
        && sentences.iter().all(|s| {
            !s.ends_question && !s.interrogative && s.question == 0 && s.quote_from.is_none()
        })
}

/// The lexicon-term pass: every term not consumed by a pattern, weighed and made a cue.
struct Terms<'c, 'u, 'a, 'o, 't> {
    ctx: &'c Ctx<'u, 'a>,
    /// Per clause: hypothetical in a question (empty when none is).
    hypothetical: &'c [bool],
    contrast: &'c Contrast<'c>,
    sentences: &'c mut [SentenceInfo],
    original: &'c mut OriginalText<'o>,
    acc: &'c mut Acc<'t>,
    found: &'c mut Found,
}

impl Terms<'_, '_, '_, '_, '_> {
    /// Score every term; marks the negators that negated one. Gives the emphasis of the
    /// terms' collapsed repeats.
    fn score(&mut self, consumed: &[bool], used_negator: &mut [bool]) -> u32 {
        let ctx = self.ctx;
        let units = ctx.units;
        let mut total_emphasis = 0u32;
        for k in 0..units.len() {
            let u = &units[k];
            let Some(e) = u.entry else { continue };
            if u.is_punct || consumed[k] {
                continue;
            }
            if e.neutral {
                // A look-alike (系统升级, 没问题) says nothing, but an agent's 您好 still
                // counts.
                if let (Some(agent), Speaker::Agent) = (e.agent, ctx.speaker) {
                    self.found.agent_phrase(u, self.original, agent, false);
                }
                continue;
            }
            let s = self.sentences[u.sentence];
            let repeats = ctx.norm.extra_repeats(u.ns, u.ne);
            total_emphasis += repeats;
            let site = Site {
                quoted: u.in_quote
                    || (s.quote_from.is_some_and(|q| q < k) && s.quote_to.is_none_or(|t| k < t)),
                rhetorical: s.rhetorical_open && s.ends_question,
                ends_question: s.ends_question,
                clause_weight: self.contrast.weight(u.clause),
                emphasis: modifiers::emphasis(s.exclaim, repeats),
                hypothetical: sense::in_hypothetical(self.hypothetical, units, k),
            };
            // 账单上的滞纳金是什么意思: asks what a term means, no challenge.
            if e.marker.is_some() && sense::asks_meaning(units, k) {
                continue;
            }
            // 一般什么时候解冻: 一般 is "usually", not "mediocre".
            if sense::usual_adverb(units, k) {
                continue;
            }
            // Markers that carry meaning by themselves.
            if let Some(m) = e.marker {
                let confrontational = m == MarkerKind::Rhetorical
                    || (m == MarkerKind::RhetoricalOpen && s.ends_question);
                if confrontational && ctx.customer_side && e.escalation.is_none() {
                    let aimed = target::challenges_company(units, k);
                    self.found
                        .confrontation(u, k, self.original, site.quoted, aimed);
                }
                modifiers::marker(self.acc, u, m, site);
            }
            // 好 of 好麻烦 only strengthens the term after it (unless a pattern took that).
            if !e.is_content() || (modifiers::acts_as_degree(units, k) && !consumed[k + 1]) {
                continue;
            }
            let (mods, neg_texts) = modifiers::scan_back(units, k);
            for &n in &mods.negators {
                used_negator[n] = true;
            }
            let base = modifiers::base_valence(e);
            let speaks = base.is_none();
            let weighed = modifiers::weigh_term(ctx, self.acc, k, e, base, &mods, &neg_texts, site);
            if let Some(v) = weighed {
                if v < 0.0 {
                    self.sentences[u.sentence].negative -= v;
                } else {
                    self.sentences[u.sentence].positive += v;
                }
            }
            if let (Some(cue), true) = (e.escalation, ctx.customer_side) {
                let (m, n) = (&mods, &neg_texts[..]);
                self.found
                    .escalation(u, k, self.original, cue, e, m, n, site, speaks);
            }
            if let (Some((cat, _)), true) = (e.agent, ctx.customer_side) {
                if e.escalation.is_none() {
                    pragmatics::helpless(self.acc, u, cat, speaks, mods.odd(), self.sentences);
                }
            }
            if let (Some(agent), Speaker::Agent) = (e.agent, ctx.speaker) {
                // Negation, the subject and a declined promise apply to agent phrases as
                // they do to customer cues (无法保证, 请您保证包装完好, 不能保证一定能退).
                // A refusal withdrawn by an offered alternative, a promise of the agent's
                // own follow-up (我们保证24小时内回复您) do not count either.
                let negated = mods.odd()
                    || modifiers::promise_not_made(units, k, agent.0)
                    || conduct::withdrawn(ctx, k, agent)
                    || conduct::own_commitment(ctx, k, agent.0);
                cues::agent_term(
                    self.found,
                    self.acc,
                    u,
                    self.original,
                    agent,
                    negated,
                    speaks,
                );
            }
        }
        total_emphasis
    }
}

/// Helpers of the stages' table-driven tests (on the embedded lexicons).
#[cfg(all(test, feature = "embedded-lexicons"))]
pub(crate) mod testing {
    use std::sync::OnceLock;

    use super::structure::{self, Contrast, SentenceInfo};
    use super::Explanation;
    use crate::normalize::normalize;
    use crate::segment::{segment, Unit};
    use crate::{Analyzer, Speaker};

    /// One analyzer for all tests.
    pub fn analyzer() -> &'static Analyzer {
        static A: OnceLock<Analyzer> = OnceLock::new();
        A.get_or_init(Analyzer::new)
    }

    /// Segment and structure `text`; call `f` with its units, sentences and clause
    /// weights.
    pub fn with_units<R>(
        text: &str,
        f: impl FnOnce(&[Unit<'_>], &[SentenceInfo], &Contrast<'_>) -> R,
    ) -> R {
        let (jieba, lex) = analyzer().parts();
        let norm = normalize(text);
        let mut units = segment(jieba, lex, &norm, text, Vec::new());
        let (mut sentences, mut roles) = (Vec::new(), Vec::new());
        structure::build(&mut units, &norm, &mut sentences, &mut roles);
        f(&units, &sentences, &Contrast::new(&roles))
    }

    /// The units' texts joined with `|`.
    pub fn cut(text: &str) -> String {
        with_units(text, |units, _, _| {
            units.iter().map(|u| u.text).collect::<Vec<_>>().join("|")
        })
    }

    /// The explanation of a customer's (or an agent's) utterance.
    pub fn explain(text: &str, speaker: Speaker) -> Explanation {
        analyzer().explain(text, speaker)
    }

    /// The contributions of `text` (a customer's) as `term source: notes`.
    pub fn contributions(text: &str, speaker: Speaker) -> Vec<String> {
        explain(text, speaker)
            .contributions
            .iter()
            .map(|c| format!("{} {}: {}", c.text, c.source, c.modifiers.join("; ")))
            .collect()
    }
}
