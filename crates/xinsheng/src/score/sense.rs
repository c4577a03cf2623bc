//! Sense: a cue word read in the sense of its sentence. In a plain question (no negative
//! word, not rhetorical, no irony) a refund or urgency word asks about the topic
//! (退款几天到账？, 马上能发货吗？), and after an enquiry opener a complaint
//! or report word names a channel (请问投诉建议在哪里提交？): such cues are topics, not
//! signals, unless another cue of the sentence is a signal. And praise of the service
//! next to a bad outcome is sarcasm, marker or not.

use super::cues::Found;
use super::modifiers::{self, scan_back};
use super::structure::SentenceInfo;
use super::weights::TOPIC_MAX_SEVERITY;
use super::Ctx;
use crate::lexicon::function_words::{
    CAUSATIVE_ME, CONCILIATORY, ENQUIRY_OPENERS, SARCASTIC_DEGREE, SERVICE_PRAISE, SERVICE_TOPICS,
};
use crate::lexicon::ContrastRole;
use crate::segment::Unit;
use crate::types::{Cue, CueCategory, Emotion};

/// The utterance opens an enquiry (请问, 想问一下, 咨询一下).
pub(crate) fn has_enquiry_opener(units: &[Unit<'_>]) -> bool {
    units.iter().any(|u| ENQUIRY_OPENERS.contains(&u.text))
}

/// Demote the cues of plain questions that ask rather than complain (see the module).
pub(crate) fn enquiries(ctx: &Ctx<'_, '_>, sentences: &[SentenceInfo], found: &mut Found) {
    if found.cues.is_empty() || ctx.irony {
        return;
    }
    let units = ctx.units;
    let opener = has_enquiry_opener(units);
    let plain = |s: usize| {
        let st = &sentences[s];
        (st.ends_question || st.interrogative) && st.negative <= 0.0 && !st.rhetorical_open
    };
    // How-long questions (多久能到账) stay impatience: in real chats they come with it.
    let asks = |c: &Cue| match c.category {
        CueCategory::Refund | CueCategory::Urgency => c.severity <= TOPIC_MAX_SEVERITY,
        CueCategory::Complaint | CueCategory::Regulator => opener,
        _ => false,
    };
    let mut signal = vec![false; sentences.len()];
    for (c, s, _) in found.sites() {
        if c.is_active() && !(plain(s) && asks(c)) {
            signal[s] = true;
        }
    }
    found.demote_topics(|c, s, _| !signal[s] && plain(s) && asks(c));
}

/// Praise of the service or thanks that clash with a bad outcome reported in another
/// clause of the utterance, with no contrast word between them: unmarked sarcasm
/// (效率真高，一个月前报的故障今天才回; 可真厉害，退款能拖三个礼拜; 感谢你们让我多等了六个
/// 小时). Read like an irony marker: the praise flips. `found` holds the pattern cues.
pub(crate) fn sarcasm(
    units: &[Unit<'_>],
    clause_roles: &[Option<ContrastRole>],
    found: &Found,
) -> bool {
    if clause_roles.iter().any(Option::is_some)
        || units.iter().any(|u| CONCILIATORY.contains(&u.text))
    {
        return false;
    }
    let Some((praise, clause)) = units
        .iter()
        .enumerate()
        .find_map(|(k, u)| praises_service(units, k).then_some((k, u.clause)))
    else {
        return false;
    };
    let bad_cue = |cat: CueCategory| {
        matches!(
            cat,
            CueCategory::Impatience
                | CueCategory::RepeatContact
                | CueCategory::Dissatisfaction
                | CueCategory::Refund
        )
    };
    let thanks_blame = units[praise]
        .entry
        .and_then(|e| e.emotion)
        .is_some_and(|(l, _, _)| l == Emotion::Gratitude)
        && units[praise + 1..]
            .iter()
            .take_while(|u| u.clause == clause)
            .any(|u| CAUSATIVE_ME.contains(&u.text));
    let outcome = |k: usize| {
        let u = &units[k];
        if u.clause == clause && !thanks_blame {
            return false;
        }
        let Some(e) = u.entry else { return false };
        let negative = modifiers::base_valence(e).is_some_and(|v| v < 0.0);
        let cue = e.escalation.is_some_and(|(c, _)| bad_cue(c));
        (negative || cue) && !scan_back(units, k).0.odd()
    };
    found
        .sites()
        .any(|(c, _, k)| bad_cue(c.category) && (units[k].clause != clause || thanks_blame))
        || (0..units.len()).any(outcome)
}

/// The unit at `k` praises the service with an intensifier (效率真高, 太贴心了, 可真厉害),
/// or thanks the addressee for what follows (感谢你们让我…).
fn praises_service(units: &[Unit<'_>], k: usize) -> bool {
    let u = &units[k];
    let Some(e) = u.entry else { return false };
    if u.is_punct || !modifiers::base_valence(e).is_some_and(|v| v > 0.0) {
        return false;
    }
    let prev = units[..k]
        .iter()
        .rev()
        .take_while(|p| p.clause == u.clause && !p.is_punct)
        .map(|p| p.text)
        .collect::<Vec<_>>();
    let intensified = SARCASTIC_DEGREE
        .iter()
        .any(|d| u.text.starts_with(d) && u.text.len() > d.len())
        || prev.first().is_some_and(|p| SARCASTIC_DEGREE.contains(p));
    let virtue = SERVICE_PRAISE.iter().any(|s| u.text.contains(s))
        || prev
            .iter()
            .take(2)
            .any(|p| SERVICE_TOPICS.iter().any(|t| p.contains(t)));
    let thanks = e.emotion.is_some_and(|(l, _, _)| l == Emotion::Gratitude)
        && units[k + 1..]
            .iter()
            .take_while(|n| n.clause == u.clause && !n.is_punct)
            .take(2)
            .any(|n| CAUSATIVE_ME.contains(&n.text));
    (intensified && virtue) || thanks
}
