//! Reported complaints: a complaint or a post the customer tells about (打过投诉电话,
//! 多次向客服投诉, 投诉之后就有人来了, 打10000投诉没人接, 上次发微博以后) is part of the
//! story, not a threat of what the customer will do. Such a cue stays, but below the
//! severity at which a formal cue escalates its call, unless the speaker's own will stands
//! before it in the clause (我已经投诉过了，还要继续投诉 keeps the second).

use super::cues::Found;
use super::weights::REPORTED_MAX_SEVERITY;
use crate::lexicon::function_words::{
    is_count_of_times, FIRST_PERSON, REPORT_AFTER, REPORT_DONE_BEFORE, REPORT_FREQUENCY,
    REPORT_IN_VAIN, VOLITION,
};
use crate::lexicon::harm_words::THIRD_PARTIES;
use crate::segment::Unit;
use crate::types::CueCategory;

/// Cap the complaint and media cues that report what was done (see the module).
pub(crate) fn reported_complaints(units: &[Unit<'_>], found: &mut Found) {
    found.cap_severity(REPORTED_MAX_SEVERITY, |c, _, k| {
        matches!(c.category, CueCategory::Complaint | CueCategory::Media) && is_report(units, k)
    });
}

/// Cap the formal cues whose clause has a third party as its subject (邻居打110报警了, 有人
/// 去工信部投诉过): someone else's step, told; the speaker threatens nothing.
pub(crate) fn others_steps(units: &[Unit<'_>], found: &mut Found) {
    found.cap_severity(REPORTED_MAX_SEVERITY, |c, _, k| {
        c.category.is_formal() && c.category != CueCategory::Harm && third_party_subject(units, k)
    });
}

/// Walking back in the clause of unit `k`, a third party (邻居, 有人, 他) comes before any
/// first-person word (我, 我们).
fn third_party_subject(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    for u in units[..k].iter().rev().take_while(|u| u.clause == clause) {
        if u.class & FIRST_PERSON != 0 {
            return false;
        }
        if THIRD_PARTIES.contains(&u.text) {
            return true;
        }
    }
    false
}

/// The cue at unit `k` tells of a complaint made: in its own words (投诉过, 投诉无门,
/// 多次投诉), or by what stands around it in its clause, with no will of the speaker before.
fn is_report(units: &[Unit<'_>], k: usize) -> bool {
    let clause = units[k].clause;
    let before: Vec<&str> = units[..k]
        .iter()
        .rev()
        .take_while(|u| u.clause == clause)
        .filter(|u| !u.is_punct)
        .map(|u| u.text)
        .collect();
    if before.iter().any(|t| VOLITION.contains(t)) {
        return false;
    }
    let own = units[k].text;
    let tells = |t: &str| REPORT_IN_VAIN.iter().any(|w| t.contains(w)) || is_count_of_times(t);
    if REPORT_AFTER.iter().any(|w| own.ends_with(w))
        || tells(own)
        || REPORT_FREQUENCY.iter().any(|w| own.contains(w))
    {
        return true;
    }
    if before.iter().any(|t| {
        REPORT_DONE_BEFORE.contains(t) || REPORT_FREQUENCY.contains(t) || is_count_of_times(t)
    }) {
        return true;
    }
    let mut after = units[k + 1..]
        .iter()
        .take_while(|u| u.clause == clause)
        .filter(|u| !u.is_punct);
    if after
        .clone()
        .next()
        .is_some_and(|u| REPORT_AFTER.contains(&u.text))
    {
        return true;
    }
    // 投诉了三次, 投诉也没人理, 打10000投诉没人接.
    after.any(|u| tells(u.text) || REPORT_FREQUENCY.contains(&u.text))
}
