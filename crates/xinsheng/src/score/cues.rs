//! Cues: customer escalation cues and agent phrases, one constructor each; a cue's
//! negation and the speaker's intent; institution mentions demoted when no threat stands
//! around them; what a cue with no emotion of its own says.

use super::aggregate::Acc;
use super::modifiers::{Mods, Site};
use super::structure::SentenceInfo;
use super::weights::{
    AGENT_CARING, AGENT_COURTESY, AGENT_HOSTILE, AGENT_OBSTRUCTIVE, CONFRONTATION_SEVERITY,
    CUE_VOICE_EMOTION, CUE_WEIGHT, INTERNAL_MAX_SEVERITY, MENTION_WEIGHT, QUOTED_FACTOR,
    QUOTED_MAX_SEVERITY,
};
use crate::lexicon::function_words::negators_deny;
use crate::lexicon::Entry;
use crate::segment::{OriginalText, Unit};
use crate::types::{AgentCategory, AgentMatch, Cue, CueCategory, Emotion};

/// Where a cue came from, for the passes after matching.
#[derive(Clone, Copy)]
pub(crate) struct CueCtx {
    sentence: usize,
    unit: usize,
    /// The speaker's intent stands before it (要/会/准备, 就).
    intent: bool,
    /// An institution or role noun (律师, 12315).
    mention: bool,
    /// The term has no emotion or sentiment entry: the cue itself adds valence.
    speaks: bool,
    /// Capped as told, not threatened ([`Found::cap_severity`]): no threat around a mention.
    told: bool,
}

impl CueCtx {
    /// A cue made by a pattern or marker, which adds its own valence.
    fn synthetic(sentence: usize, unit: usize) -> Self {
        CueCtx {
            sentence,
            unit,
            intent: false,
            mention: false,
            speaks: false,
            told: false,
        }
    }
}

/// The cues and agent phrases found so far, and where each cue came from.
#[derive(Default)]
pub(crate) struct Found {
    /// Customer escalation cues.
    pub cues: Vec<Cue>,
    /// Per cue, in push order.
    ctx: Vec<CueCtx>,
    /// Agent phrases.
    pub agent: Vec<AgentMatch>,
}

/// An odd number of negators before a cue negates it, as [`negators_deny`] says.
fn cue_negated(cat: CueCategory, neg_texts: &[&str]) -> bool {
    neg_texts.len() % 2 == 1 && negators_deny(cat, neg_texts)
}

impl Found {
    /// A cue made by a customer-service pattern (第三次, 好好好好) over units
    /// `first..=last`; the caller adds its valence.
    pub fn pattern_cue(
        &mut self,
        units: &[Unit<'_>],
        original: &mut OriginalText<'_>,
        (first, last): (usize, usize),
        category: CueCategory,
        severity: u8,
    ) {
        let (u, l) = (&units[first], &units[last]);
        let (start, end) = (u.os, l.oe.max(u.os));
        self.ctx.push(CueCtx::synthetic(u.sentence, first));
        self.cues.push(Cue {
            category,
            text: original.slice(start, end),
            start,
            end,
            severity,
            weight: CUE_WEIGHT[severity as usize],
            negated: false,
            quoted: false,
        });
    }

    /// A harm cue of the harm grammar over units `first..=last`, negated or quoted as its
    /// site says (weight 0 when negated, [`QUOTED_FACTOR`] of it when quoted).
    pub fn harm_cue(
        &mut self,
        units: &[Unit<'_>],
        original: &mut OriginalText<'_>,
        span: (usize, usize),
        severity: u8,
        negated: bool,
        quoted: bool,
    ) {
        self.pattern_cue(units, original, span, CueCategory::Harm, severity);
        if let Some(c) = self.cues.last_mut() {
            c.negated = negated;
            c.quoted = quoted && !negated;
            c.weight *= if negated {
                0.0
            } else if quoted {
                QUOTED_FACTOR
            } else {
                1.0
            };
        }
    }

    /// A confrontational question (凭什么, 难道…吗) as a dissatisfaction cue, firmer when
    /// `aimed` at the company (see [`CONFRONTATION_SEVERITY`]).
    pub fn confrontation(
        &mut self,
        u: &Unit<'_>,
        k: usize,
        original: &mut OriginalText<'_>,
        quoted: bool,
        aimed: bool,
    ) {
        let severity = if aimed {
            CONFRONTATION_SEVERITY.1
        } else {
            CONFRONTATION_SEVERITY.0
        };
        let weight = CUE_WEIGHT[severity as usize] * if quoted { QUOTED_FACTOR } else { 1.0 };
        self.cues.push(Cue {
            category: CueCategory::Dissatisfaction,
            text: original.of(u),
            start: u.os,
            end: u.oe,
            severity,
            weight,
            negated: false,
            quoted,
        });
        self.ctx.push(CueCtx::synthetic(u.sentence, k));
    }

    /// The escalation cue of the term at unit `k`: negated by its negators (as its
    /// category says), one level firmer after the speaker's own intent (我要投诉), weaker
    /// when quoted.
    #[allow(clippy::too_many_arguments)]
    pub fn escalation(
        &mut self,
        u: &Unit<'_>,
        k: usize,
        original: &mut OriginalText<'_>,
        (cat, lex_sev): (CueCategory, u8),
        e: &Entry,
        mods: &Mods,
        neg_texts: &[&str],
        site: Site,
        speaks: bool,
    ) {
        let negated = cue_negated(cat, neg_texts);
        // 我要投诉 / 准备去举报: the speaker's own intent makes a threat one level firmer, an
        // internal one (supervisor, complaint) no firmer than INTERNAL_MAX_SEVERITY.
        let ceiling = match cat {
            CueCategory::Supervisor | CueCategory::Complaint => INTERNAL_MAX_SEVERITY.max(lex_sev),
            _ => 5,
        };
        let sev = if mods.intent && cat.is_formal() && !negated {
            (lex_sev + 1).min(ceiling)
        } else {
            lex_sev
        };
        let mut weight = CUE_WEIGHT[sev as usize];
        if negated {
            weight = 0.0;
        } else if site.quoted {
            weight = (weight * QUOTED_FACTOR).min(CUE_WEIGHT[QUOTED_MAX_SEVERITY]);
        }
        self.ctx.push(CueCtx {
            sentence: u.sentence,
            unit: k,
            intent: mods.intent,
            mention: e.mention,
            speaks,
            told: false,
        });
        self.cues.push(Cue {
            category: cat,
            text: original.of(u),
            start: u.os,
            end: u.oe,
            severity: sev,
            weight,
            negated,
            quoted: site.quoted && !negated,
        });
    }

    /// An agent phrase at unit `u`.
    pub fn agent_phrase(
        &mut self,
        u: &Unit<'_>,
        original: &mut OriginalText<'_>,
        (cat, severity): (AgentCategory, u8),
        negated: bool,
    ) {
        self.agent.push(AgentMatch {
            kind: cat.kind(),
            category: cat,
            text: original.of(u),
            start: u.os,
            end: u.oe,
            severity,
            negated,
        });
    }

    /// Institution mentions (律师事务所, 12315这个号码) are threats only in context: with no
    /// formal threat in their sentence, no intent before them and no act of the speaker's
    /// with them (`acts(unit)`: 消费者协会那边我已经登记了, 律师函下周就寄到你们公司), they
    /// fall to [`MENTION_WEIGHT`].
    pub fn demote_mentions(&mut self, sentences: usize, acts: impl Fn(usize) -> bool) {
        let cues = &mut self.cues;
        let mut threat_in_sentence = vec![false; if cues.is_empty() { 0 } else { sentences }];
        for (c, y) in cues.iter().zip(&self.ctx) {
            if !y.mention && !y.told && c.category.is_formal() && c.is_active() {
                threat_in_sentence[y.sentence] = true;
            }
        }
        for (c, x) in cues.iter_mut().zip(&self.ctx) {
            if !x.mention || x.intent || !c.is_active() || acts(x.unit) {
                continue;
            }
            if !threat_in_sentence[x.sentence] {
                c.severity = 1;
                c.weight = MENTION_WEIGHT;
            }
        }
    }

    /// Every cue with its sentence and unit.
    pub fn sites(&self) -> impl Iterator<Item = (&Cue, usize, usize)> {
        self.cues
            .iter()
            .zip(&self.ctx)
            .map(|(c, x)| (c, x.sentence, x.unit))
    }

    /// Cues that `topic(cue, sentence, unit)` says are the topic of an enquiry, not a
    /// signal, fall to [`MENTION_WEIGHT`] at severity 1, as an institution mention does.
    pub fn demote_topics(&mut self, topic: impl Fn(&Cue, usize, usize) -> bool) {
        for (c, x) in self.cues.iter_mut().zip(&self.ctx) {
            if c.is_active() && topic(c, x.sentence, x.unit) {
                c.severity = 1;
                c.weight = MENTION_WEIGHT;
            }
        }
    }

    /// Active cues that `pred(cue, sentence, unit)` picks fall to severity `max` at most,
    /// with its weight: still cues, no longer threats.
    pub fn cap_severity(&mut self, max: u8, pred: impl Fn(&Cue, usize, usize) -> bool) {
        for (c, x) in self.cues.iter_mut().zip(self.ctx.iter_mut()) {
            if c.is_active() && c.severity > max && pred(c, x.sentence, x.unit) {
                c.severity = max;
                c.weight = c.weight.min(CUE_WEIGHT[max as usize]);
                x.told = true;
            }
        }
    }

    /// What cues with no emotion entry of their own say: valence and emotion by category
    /// and severity, weighed by their clause's place around a contrast word
    /// (`clause_weight`: 态度挺好，但问题还是没解决 says the second clause), as terms are.
    pub fn voices(
        &self,
        units: &[Unit<'_>],
        acc: &mut Acc<'_>,
        sentences: &mut [SentenceInfo],
        clause_weight: impl Fn(usize) -> f32,
    ) {
        for (c, x) in self.cues.iter().zip(&self.ctx) {
            if !x.speaks || c.weight <= MENTION_WEIGHT {
                continue;
            }
            let sevf = c.severity as f32 * c.weight / CUE_WEIGHT[c.severity as usize];
            let t = c.category.traits();
            let u = &units[x.unit];
            let sevf = sevf * clause_weight(u.clause);
            let (label, v) = (t.emotion, t.voice * sevf);
            acc.add(
                u,
                "escalation",
                v,
                v,
                Some((label, CUE_VOICE_EMOTION * sevf)),
                Vec::new,
            );
            sentences[u.sentence].negative -= v;
        }
    }
}

/// The valence an agent phrase says by itself (when it has no emotion or sentiment).
pub(crate) fn agent_phrase_valence(cat: AgentCategory) -> (f32, Option<(Emotion, f32)>) {
    match cat {
        AgentCategory::Hostile | AgentCategory::Abuse => {
            (AGENT_HOSTILE.0, Some((Emotion::Anger, AGENT_HOSTILE.1)))
        }
        AgentCategory::Shirking | AgentCategory::Refusal | AgentCategory::Stonewall => (
            AGENT_OBSTRUCTIVE.0,
            Some((Emotion::Disgust, AGENT_OBSTRUCTIVE.1)),
        ),
        AgentCategory::Empathy | AgentCategory::Apology | AgentCategory::Ownership => {
            (AGENT_CARING, None)
        }
        // A follow-up (预计明天送达, 我稍后回电给您) informs, like courtesy.
        AgentCategory::Courtesy | AgentCategory::Followup => (AGENT_COURTESY, None),
        _ => (0.0, None),
    }
}

/// The agent phrase of the term at unit `k` in an agent's turn, negated by an odd number
/// of negators; a phrase with no emotion or sentiment adds its own valence.
pub(crate) fn agent_term(
    found: &mut Found,
    acc: &mut Acc<'_>,
    u: &Unit<'_>,
    original: &mut OriginalText<'_>,
    agent: (AgentCategory, u8),
    negated: bool,
    speaks: bool,
) {
    found.agent_phrase(u, original, agent, negated);
    if !negated && speaks {
        let (v, emo) = agent_phrase_valence(agent.0);
        if v != 0.0 {
            acc.add(u, "agent", v, v, emo, Vec::new);
        }
    }
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use crate::score::testing::explain;
    use crate::types::{CueCategory as C, Speaker};

    /// The cues of a customer's text: (category, severity, text, negated, quoted).
    #[test]
    fn cues() {
        macro_rules! t {
            ($text:expr, $want:expr) => {
                let a = explain($text, Speaker::Customer).analysis.unwrap();
                let got: Vec<(C, u8, &str, bool, bool)> = a
                    .escalation
                    .cues
                    .iter()
                    .map(|c| (c.category, c.severity, c.text.as_str(), c.negated, c.quoted))
                    .collect();
                let want: Vec<(C, u8, &str, bool, bool)> = $want;
                assert_eq!(got, want, "{}", $text);
            };
        }
        // The speaker's intent makes a formal threat one level firmer.
        t!(
            "我要投诉",
            vec![(C::Complaint, 4, "我要投诉", false, false)]
        );
        t!("我准备投诉", vec![(C::Complaint, 4, "投诉", false, false)]);
        // Negated: any negator denies a complaint …
        t!("我不投诉", vec![(C::Complaint, 3, "投诉", true, false)]);
        // … but only a negator of intent denies a refund (不给退款 reports a refusal).
        t!("不用退款", vec![(C::Refund, 2, "退款", true, false)]);
        // Reported speech.
        t!("他说要投诉", vec![(C::Complaint, 4, "要投诉", false, true)]);
        // A confrontational question is a dissatisfaction cue.
        t!(
            "难道很满意吗",
            vec![(C::Dissatisfaction, 2, "难道", false, false)]
        );
        // The original text, not the normalized one.
        t!(
            "我要投訴",
            vec![(C::Complaint, 4, "我要投訴", false, false)]
        );
    }

    /// An institution mention with no threat around it falls below the low level.
    #[test]
    fn mentions_are_demoted_without_a_threat() {
        let a = explain("我要找律师", Speaker::Customer).analysis.unwrap();
        assert_eq!(a.escalation.cues[0].severity, 5);
        for text in ["律师说可以", "12315的电话是多少"] {
            let a = explain(text, Speaker::Customer).analysis.unwrap();
            let c = &a.escalation.cues;
            assert!(!c.is_empty(), "{text}: the mention is kept as evidence");
            assert!(
                c.iter()
                    .all(|c| c.severity == 1 && c.weight == super::MENTION_WEIGHT),
                "{text}: {c:?}"
            );
        }
    }

    /// Agent phrases are found in agent turns only.
    #[test]
    fn agent_phrases() {
        let a = explain("非常抱歉让您久等了", Speaker::Agent)
            .analysis
            .unwrap();
        assert!(!a.agent.is_empty());
        let c = explain("非常抱歉让您久等了", Speaker::Customer)
            .analysis
            .unwrap();
        assert!(c.agent.is_empty());
    }
}
