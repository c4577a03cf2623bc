//! Going public: a customer's threat to take the matter to the public said in other words
//! than the lexicon's fixed phrases (发到网上, 曝光, 找记者). A small grammar over the
//! utterance, its word lists in [`crate::lexicon::exposure_words`]:
//!
//! - **intent** ([`w::INTENT`]: 我要, 我就, 信不信, 等着, 不怕我 …) or a warning anywhere
//!   ([`w::WARNINGS`]: 别怪我), then
//! - **the act**: a publish verb ([`w::PUBLISH`]: 发, 挂, 放到, 捅, 直播) after the intent
//!   with a public place or audience in the utterance ([`w::PUBLIC`]: 网上, 抖音, 论坛,
//!   业主群, 粉丝, 所有人), or being exposed after it ([`w::EXPOSED`]: 上新闻, 全网都,
//!   让大家, 评评理).
//!
//! Guards: a review is a review (已经写了差评, 给个好评); asking whether one may (评价里可以
//! 写…吗？); publishing to praise (发朋友圈推荐: a lexicon media cue too is then a topic); 网上 as a shopping or service channel (网上
//! 买的, 网上预约, 网上说); a negator between the intent and the act (我就不发了); intent
//! inside a quotation. The cue is `media` at [`EXPOSURE_SEVERITY`] (`critical`, as the gold
//! header has media exposure actually threatened by the speaker). An utterance with an
//! active media cue of that severity already is left alone.

use super::cues::Found;
use super::weights::{EXPOSURE_REACH, EXPOSURE_SEVERITY};
use super::Ctx;
use crate::lexicon::exposure_words as w;
use crate::segment::{OriginalText, Unit};
use crate::types::CueCategory;

/// Find a going-public threat said in other words; add its media cue.
pub(crate) fn threats(ctx: &Ctx<'_, '_>, original: &mut OriginalText<'_>, found: &mut Found) {
    let text = ctx.norm.text.as_str();
    let units = ctx.units;
    if praise_post(text) {
        found.demote_topics(|c, _, _| c.category == CueCategory::Media);
        return;
    }
    if units.is_empty()
        || found.cues.iter().any(|c| {
            c.category == CueCategory::Media && c.is_active() && c.severity >= EXPOSURE_SEVERITY
        })
        || guarded(text)
    {
        return;
    }
    let Some((from, act_end)) = threat(text, units) else {
        return;
    };
    let first = unit_at(text, units, from);
    let last = unit_at(text, units, act_end.saturating_sub(1));
    found.pattern_cue(
        units,
        original,
        (first, last.max(first)),
        CueCategory::Media,
        EXPOSURE_SEVERITY,
    );
}

/// A review, a question asking whether one may, or publishing to praise.
fn guarded(text: &str) -> bool {
    let asks = text.ends_with('？') || text.ends_with('?') || text.ends_with('吗');
    w::REVIEW_WORDS.iter().any(|r| text.contains(r))
        || w::PRAISE.iter().any(|p| text.contains(p))
        || (asks && w::PERMISSION.iter().any(|p| text.contains(p)))
}

/// The post praises or shares (发个朋友圈推荐你们家的产品): a media word in it, lexicon or
/// grammar, is no threat, unless a warning follows the praise word (推荐大家别买).
fn praise_post(text: &str) -> bool {
    w::PRAISE.iter().any(|p| {
        text.match_indices(p)
            .any(|(b, s)| !w::WARN_OFF.iter().any(|x| text[b + s.len()..].contains(x)))
    })
}

/// The byte range of the threat: from its intent (or the utterance's start, for a
/// warning) to the end of its act.
fn threat(text: &str, units: &[Unit<'_>]) -> Option<(usize, usize)> {
    let warned = w::WARNINGS.iter().any(|x| text.contains(x));
    let intents = w::INTENT
        .iter()
        .flat_map(|i| text.match_indices(i).map(|(b, s)| (b, b + s.len())))
        .filter(|&(b, e)| {
            !w::NOT_INTENT_AFTER.iter().any(|n| text[e..].starts_with(n))
                && !units
                    .get(unit_at(text, units, b))
                    .is_some_and(|u| u.in_quote)
        })
        .chain(warned.then_some((0, 0)));
    let public = has_public(text);
    intents
        .filter_map(|(b, e)| {
            // A warning reads the whole utterance once; an intent, the rest of its sentence.
            let rest = if (b, e) == (0, 0) {
                text
            } else {
                reach(&text[e..])
            };
            let act = w::EXPOSED
                .iter()
                .filter_map(|x| rest.find(x).map(|p| (p, p + x.len())))
                .chain(
                    w::PUBLISH
                        .iter()
                        .filter(|_| public)
                        .flat_map(|v| rest.match_indices(v))
                        .filter(|&(p, v)| {
                            !w::NOT_PUBLISH_AFTER
                                .iter()
                                .any(|n| rest[p + v.len()..].starts_with(n))
                        })
                        .map(|(p, v)| (p, p + v.len())),
                )
                .min()?;
            let between = &rest[..act.0];
            if w::NEGATORS.iter().any(|n| between.contains(n)) {
                return None;
            }
            Some((b, e + act.1))
        })
        .min()
}

/// The utterance names a public place or audience, not as a shopping or service channel
/// (网上买的, 网上营业厅) and not as the post being written (这微博).
fn has_public(text: &str) -> bool {
    w::PUBLIC.iter().any(|p| {
        text.match_indices(p).any(|(b, s)| {
            let after = &text[b + s.len()..];
            !w::CHANNEL_AFTER.iter().any(|c| after.starts_with(c))
                && !w::THIS_POST.iter().any(|t| text[..b].ends_with(t))
        })
    })
}

/// The unit holding byte `b` of the normalized text.
/// The text after an intent its act may stand in: the rest of the sentence, at most
/// [`EXPOSURE_REACH`] chars (so a long text with many intents is read in linear time).
fn reach(rest: &str) -> &str {
    let end = rest
        .char_indices()
        .enumerate()
        .find(|&(n, (_, c))| {
            n >= EXPOSURE_REACH || matches!(c, '。' | '！' | '？' | '!' | '?' | '\n')
        })
        .map_or(rest.len(), |(_, (i, _))| i);
    &rest[..end]
}

fn unit_at(text: &str, units: &[Unit<'_>], b: usize) -> usize {
    let base = text.as_ptr() as usize;
    units
        .partition_point(|u| (u.text.as_ptr() as usize).wrapping_sub(base) <= b)
        .saturating_sub(1)
}
