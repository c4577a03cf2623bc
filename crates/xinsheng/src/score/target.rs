//! Target: whom a customer's negativity is aimed at. A complaint about a third party (the
//! courier, another seller, the weather: 快递员态度很差, 那个卖家就是骗子) in an utterance
//! that does not address the company or the agent (no 你 / 你们 / 您 / 贵公司) weighs less
//! as an escalation of this call than the same words said to the company: its
//! dissatisfaction, abuse, impatience and repeat-contact cues keep
//! [`THIRD_PARTY_FACTOR`] of their weight (the turn stays negative: the customer is
//! unhappy, not with the company). Formal threats (投诉, 12315) are the customer's
//! steps against the company whoever caused them, and keep their weight.

use super::cues::Found;
use super::weights::{CUE_WEIGHT, INSULT_SEVERITY, THIRD_PARTY_FACTOR};
use crate::lexicon::function_words::{
    DEMONSTRATIVES, ENQUIRY_OPENERS, EPITHETS, EPITHET_COLLECTIVE, EPITHET_COMPANY, EXONERATING,
    EXPLETIVES, FIRST_PERSON, GREETINGS, INSURANCE_WORDS, OTHER_PEOPLE, SECOND_PERSON,
    THIRD_PARTIES,
};
use crate::segment::Unit;
use crate::types::CueCategory;

/// The utterance (normalized `text`, its `units`) names a third party and addresses
/// neither the company nor the agent.
/// A second person next to a phrase that clears the company (跟你们没关系, 不怪你们)
/// does not count.
pub(crate) fn aimed_at_third_party(text: &str, units: &[Unit<'_>]) -> bool {
    let epithet = epithet_of_company(text, units);
    THIRD_PARTIES
        .iter()
        .any(|t| text.contains(t) && !(epithet && EPITHETS.contains(t)))
        && (EXONERATING.iter().any(|e| text.contains(e)) || !addresses_company(units))
}

/// An epithet (骗子) is said of the company: the company or its service named right after
/// it (骗子公司, 骗子平台, 什么骗子客服), a collective or 是 before it (一群骗子, 你们就是骗子),
/// or it stands alone as a clause (骗子！收了钱就不管了). Then it is an insult, not a third
/// party (有个骗子冒充你们客服, 被骗子骗了 stay the third party).
pub(crate) fn epithet_of_company(text: &str, units: &[Unit<'_>]) -> bool {
    EPITHETS.iter().any(|e| {
        text.match_indices(e).any(|(b, s)| {
            let (before, after) = (&text[..b], &text[b + s.len()..]);
            EPITHET_COMPANY.iter().any(|c| after.starts_with(c))
                || EPITHET_COLLECTIVE.iter().any(|c| before.ends_with(c))
        })
    }) || alone_as_clause(units)
}

/// An epithet is a whole clause of its own (骗子！).
fn alone_as_clause(units: &[Unit<'_>]) -> bool {
    units.iter().enumerate().any(|(k, u)| {
        EPITHETS.contains(&u.text)
            && units[..k].last().is_none_or(|p| p.is_punct)
            && units.get(k + 1).is_none_or(|n| n.is_punct)
    })
}

/// The utterance addresses the company or the agent: a second person (你, 你们, 您, 贵公司)
/// other than a greeting.
pub(crate) fn addresses_company(units: &[Unit<'_>]) -> bool {
    units.iter().any(|u| {
        !u.is_punct
            && SECOND_PERSON.iter().any(|p| u.text.starts_with(p))
            && !GREETINGS.contains(&u.text)
    })
}

/// The confrontational marker at unit `k` is aimed at the company: the utterance
/// addresses it (a second person: 你这是什么意思？) or the marker points at the service
/// itself with a demonstrative (就这态度？, 这叫什么事, 这算什么). (A demonstrative before
/// the marker in its clause was tried too: no gain on the gold set, JDDC and STC-3 call
/// figures down by 0.001.)
pub(crate) fn challenges_company(units: &[Unit<'_>], k: usize) -> bool {
    DEMONSTRATIVES.iter().any(|d| units[k].text.contains(d)) || addresses_company(units)
}

/// The speaker acts with the institution or channel named at unit `k` of `text` (消费者协会那边我
/// 已经登记了, 我已经联系了本地的新闻热线): its clause has the speaker as a subject (我,
/// not 我朋友 or 我老公), and the utterance is no enquiry (请问 …) and no insurance claim
/// (我已经在App上报案了，查勘员…: 报案 files a claim). (A term opening with an
/// act verb, 找记者 / 发帖, or a second person in the clause were tried too: the gold set
/// gains little more and the STC-3 call figure drops by 0.001 more, 发微博 being common
/// there.)
pub(crate) fn speaker_acts_with(text: &str, units: &[Unit<'_>], k: usize) -> bool {
    if units.iter().any(|u| ENQUIRY_OPENERS.contains(&u.text))
        || INSURANCE_WORDS.iter().any(|w| text.contains(w))
    {
        return false;
    }
    let clause = units[k].clause;
    units.iter().enumerate().any(|(j, u)| {
        u.clause == clause
            && u.class & FIRST_PERSON != 0
            && !units
                .get(j + 1)
                .is_some_and(|n| OTHER_PEOPLE.iter().any(|o| n.text.starts_with(o)))
    })
}

/// The categories a third party's fault is reported with.
fn reported(category: CueCategory) -> bool {
    matches!(
        category,
        CueCategory::Dissatisfaction
            | CueCategory::Abuse
            | CueCategory::Impatience
            | CueCategory::RepeatContact
    )
}

/// Weigh the reported cues of an utterance aimed at a third party down.
pub(crate) fn weigh_third_party(found: &mut Found) {
    for c in found.cues.iter_mut() {
        if c.is_active() && reported(c.category) {
            c.weight *= THIRD_PARTY_FACTOR;
        }
    }
}

/// In an utterance not aimed at a third party, an insult (an abuse cue other than a bare
/// expletive such as 妈的 or tmd) is aimed at the agent or the company: abuse, `high` in the
/// gold header, at [`INSULT_SEVERITY`]. Negated or quoted insults are left as they are.
///
/// An epithet said of the company ([`epithet_of_company`]: 骗子公司, 一群骗子) is an
/// insult too: its dissatisfaction cue becomes abuse at that severity.
pub(crate) fn lift_insults(found: &mut Found, epithet: bool) {
    for c in found.cues.iter_mut() {
        if epithet
            && c.category == CueCategory::Dissatisfaction
            && c.is_active()
            && EPITHETS.iter().any(|e| c.text.starts_with(e))
        {
            c.category = CueCategory::Abuse;
        }
        if c.category == CueCategory::Abuse
            && c.is_active()
            && c.severity < INSULT_SEVERITY
            && !EXPLETIVES.iter().any(|e| c.text.eq_ignore_ascii_case(e))
        {
            c.severity = INSULT_SEVERITY;
            c.weight = c.weight.max(CUE_WEIGHT[INSULT_SEVERITY as usize]);
        }
    }
}
