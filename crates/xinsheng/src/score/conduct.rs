//! Agent conduct in context: the phrase patterns of `agent.tsv` (families with slots:
//! 你/您 + 自己 + 不会…吗, 爱X不X, 再不还款…就起诉) matched on an agent's turn, and when
//! a phrase does not count: negated, a refusal, deflection or stonewall followed by an
//! alternative the agent offers, a promise whose object is the agent's own follow-up.

use super::aggregate::Acc;
use super::cues::{agent_phrase_valence, Found};
use super::modifiers::{promise_not_made, scan_back};
use super::weights::{FIRM_OWNERSHIP, MILD_OBSTRUCTION, PERCEPTION_WINDOW};
use super::Ctx;
use crate::segment::{OriginalText, Unit};
use crate::types::{AgentCategory, AgentKind, AgentMatch};

/// A refusal, deflection or stonewall: what an alternative offered after it withdraws.
fn obstructive(cat: AgentCategory) -> bool {
    matches!(
        cat,
        AgentCategory::Refusal | AgentCategory::Shirking | AgentCategory::Stonewall
    )
}

/// The slot of `agent.tsv` that opens a hypothetical clause (如果…无法解决的话).
const HYPOTHETICAL: &str = "HYPOTHETICAL";
/// The slot of `agent.tsv` of words that offer an alternative (不过可以, 您可以考虑).
const ALTERNATIVE: &str = "ALTERNATIVE";
/// The slot of `agent.tsv` of courteous request words (请, 辛苦您, 还请).
const COURTEOUS: &str = "COURTEOUS";
/// The slot of `agent.tsv` of effort words (一定会尽快配送: a promise of effort).
const EFFORT: &str = "EFFORT";
/// The slot of `agent.tsv` of perception verbs and manner complements (听, 看, 说得).
const PERCEIVE: &str = "PERCEIVE";
/// The slot of `agent.tsv` of purpose words (为了保证您的信息安全: no promise).
const PURPOSE: &str = "PURPOSE";

/// An ownership or follow-up phrase: what the agent does about it.
fn offers(u: &Unit<'_>, min_ownership: u8) -> bool {
    match u.entry.and_then(|e| e.agent) {
        Some((AgentCategory::Followup, _)) => true,
        Some((AgentCategory::Ownership, sev)) => sev >= min_ownership,
        _ => false,
    }
}

/// A refusal, deflection or stonewall ending at unit `k` does not count:
/// - when a later clause of the turn offers an alternative: an ownership or follow-up
///   phrase (没办法直接改，我可以帮您重新下单; 这个我不太清楚，我帮您转接) or a word of the
///   `{ALTERNATIVE}` slot (不过可以…, 您可以考虑…); in its own clause such a word is the
///   object of the refusal (没办法为您办理), not an alternative;
/// - a mild one ([`MILD_OBSTRUCTION`]: 耐心等待) when it is asked courteously (a word of
///   the `{COURTEOUS}` slot in its clause: 请您耐心等待, 辛苦您耐心等待) or the turn has
///   any encouraged phrase (a greeting, an apology, something being done);
/// - in a hypothetical clause (如果还是无法解决，…);
/// - a not-knowing word after a perception verb or a manner complement (`{PERCEIVE}`:
///   我这边听不太清楚, 我刚才说得可能不清楚): the line is not heard or not clear, not unknown.
pub(crate) fn withdrawn(ctx: &Ctx<'_, '_>, k: usize, (cat, sev): (AgentCategory, u8)) -> bool {
    if !obstructive(cat) {
        return false;
    }
    let units = ctx.units;
    let slots = ctx.agent_patterns;
    let clause = units[k].clause;
    let in_clause = || units.iter().filter(move |u| u.clause == clause);
    let later = units[k + 1..].iter().filter(|u| u.clause > clause);
    let offered = later.clone().any(|u| offers(u, 1))
        || later.clone().next().is_some_and(|u| {
            let text: Vec<char> = ctx.norm.text.chars().skip(u.ns).collect();
            slots.slot_in(ALTERNATIVE, &text)
        });
    let mild = sev <= MILD_OBSTRUCTION
        && (in_clause().any(|u| {
            let chars: Vec<char> = u.text.chars().collect();
            slots.slot_in(COURTEOUS, &chars)
        }) || units.iter().any(|u| {
            u.entry
                .and_then(|e| e.agent)
                .is_some_and(|(c, _)| c.kind() == AgentKind::Encouraged)
        }));
    let before = || {
        units[..k]
            .iter()
            .rev()
            .take_while(move |u| u.clause == clause)
    };
    let perceived = cat == AgentCategory::Refusal
        && before()
            .take(PERCEPTION_WINDOW)
            .any(|u| slots.slot_has(PERCEIVE, u.text));
    offered || mild || perceived || before().any(|u| slots.slot_has(HYPOTHETICAL, u.text))
}

/// A promise at unit `k` whose object is the agent's own doing (我们保证会在24小时内回复您,
/// 一定会尽全力为您协调, 一定会尽快配送): a follow-up or a firm ownership phrase or a word of
/// the `{EFFORT}` slot after it in its clause makes it a commitment the agent can keep, not a promise of an outcome the agent does not
/// control; and 保证 after a purpose word (为了保证您的信息安全) promises nothing.
pub(crate) fn own_commitment(ctx: &Ctx<'_, '_>, k: usize, cat: AgentCategory) -> bool {
    if !matches!(
        cat,
        AgentCategory::AbsolutePromise | AgentCategory::DeadlinePromise
    ) {
        return false;
    }
    let units = ctx.units;
    let clause = units[k].clause;
    let purpose = k > 0
        && units[k - 1].clause == clause
        && ctx.agent_patterns.slot_has(PURPOSE, units[k - 1].text);
    let after = || units[k + 1..].iter().take_while(|u| u.clause == clause);
    purpose
        || after().any(|u| offers(u, FIRM_OWNERSHIP))
        || after().any(|u| ctx.agent_patterns.slot_has(EFFORT, u.text))
}

/// A pattern match starting at unit `k` is negated by a negator right before it (请勿把验证码
/// 发给…, 不用您自己去找): a pattern writes the words it needs, so a negator further back
/// belongs to another verb (欠钱不还还有理了, 您自己不看清楚怪谁), and the 不 of an A-not-A
/// question asks, it does not deny (能不能别打断我: 能|不能).
fn negated(units: &[Unit<'_>], k: usize) -> bool {
    let (mods, _) = scan_back(units, k);
    let asks = |n: usize| {
        n > 0
            && ["不", "没"].iter().any(|neg| {
                units[n]
                    .text
                    .strip_prefix(neg)
                    .is_some_and(|rest| !rest.is_empty() && rest.starts_with(units[n - 1].text))
            })
    };
    mods.negators.iter().any(|&n| n + 1 == k && !asks(n))
}

/// Match the agent phrase patterns on an agent's turn. A match that overlaps a prohibited
/// phrase already found adds nothing; a match is negated as a term at its first unit is,
/// and withdrawn as [`withdrawn`] says; one that counts adds the valence its category says.
pub(crate) fn patterns(
    ctx: &Ctx<'_, '_>,
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
) {
    let set = ctx.agent_patterns;
    if set.patterns.is_empty() || ctx.units.is_empty() {
        return;
    }
    let units = ctx.units;
    let text: Vec<char> = ctx.norm.text.chars().collect();
    // The text's chars, sorted: a pattern none of whose first chars occurs is skipped.
    let mut present = text.clone();
    present.sort_unstable();
    present.dedup();
    let before = found.agent.len();
    for p in &set.patterns {
        if !present.iter().any(|&c| p.may_start(c)) {
            continue;
        }
        for (s, e) in p.find(&text) {
            let (os, oe) = ctx.norm.original_range(s, e);
            let overlaps = found.agent.iter().any(|m| {
                m.kind == AgentKind::Prohibited && !m.negated && m.start < oe && os < m.end
            });
            if overlaps && p.agent.0.kind() == AgentKind::Prohibited {
                continue;
            }
            let Some(first) = units.iter().position(|u| u.ne > s) else {
                continue;
            };
            let last = units.iter().rposition(|u| u.ns < e).unwrap_or(first);
            let (cat, severity) = p.agent;
            let negated = negated(units, first)
                || withdrawn(ctx, last, p.agent)
                || own_commitment(ctx, last, cat)
                || promise_not_made(units, first, cat);
            if !negated {
                let (v, emo) = agent_phrase_valence(cat);
                if v != 0.0 {
                    acc.add(&units[first], "agent", v, v, emo, Vec::new);
                }
            }
            found.agent.push(AgentMatch {
                kind: cat.kind(),
                category: cat,
                text: original.slice(os, oe),
                start: os,
                end: oe,
                severity,
                negated,
            });
        }
    }
    if found.agent.len() > before {
        found.agent.sort_by_key(|m| (m.start, m.end));
    }
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use crate::score::testing::explain;
    use crate::types::{AgentCategory as A, AgentKind, Speaker};

    /// The prohibited phrases that count in an agent's text, by category.
    fn prohibited(text: &str) -> Vec<A> {
        explain(text, Speaker::Agent)
            .analysis
            .unwrap()
            .agent
            .iter()
            .filter(|m| m.kind == AgentKind::Prohibited && !m.negated)
            .map(|m| m.category)
            .collect()
    }

    /// What counts as a prohibited phrase in context (the text, whether one counts).
    #[test]
    fn prohibited_in_context() {
        let table: &[(&str, bool)] = &[
            // Families with slots: 你/您, the thing asked, the particle.
            ("这个你得自己去跟物流说", true),
            ("您自己去联系银行吧", true),
            ("您直接找圆通就行", true),
            ("我帮您联系圆通，让他们今天派送", false),
            ("您爱修不修", true),
            ("嫌麻烦那就别办呗", true),
            ("你这问题我都讲了四遍了", true),
            ("您问了几次了？", true),
            // An A-not-A question does not negate the pattern after it.
            ("可不可以别插嘴", true),
            // A negator further back belongs to another verb.
            ("自己不核对清楚，这能怪我们吗", true),
            ("让您问了好几次，实在抱歉", false),
            ("你们这种人我见得多了", true),
            // Refusal withdrawn by an alternative offered in a later clause …
            ("这个退不了", true),
            ("这个退不了，不过我可以帮您申请换货", false),
            ("这个我不太清楚，我帮您转接技术同事", false),
            ("这款确实做不到，您可以考虑换个型号", false),
            // … but not by its own object (没办法为您办理).
            ("没办法为您办理", true),
            // A mild wait asked courteously, or beside something being done, is no stonewall.
            ("耐心等待吧", true),
            ("辛苦您耐心等待一下", false),
            ("已经帮您催了，耐心等待", false),
            // Not hearing or a manner complement is not not-knowing.
            ("信号不好，我听不太清楚", false),
            ("我刚才讲得可能不清楚，我再讲一次", false),
            ("这个我真不清楚", true),
            // A hypothetical clause holds no refusal.
            ("如果还是解决不了，您再联系我们", false),
            // Promises: an outcome is prohibited, the agent's own follow-up or a purpose is not.
            ("两天内肯定给您修好", true),
            ("我保证明天上午回电给您", false),
            ("我们一定会尽快安排", false),
            ("为了保证您的账户安全，请设置密码", false),
            ("这个没法保证，我尽量帮您催", false),
            // Privacy: asking for a code, unless told not to give it.
            ("麻烦把短信里的验证码报给我", true),
            ("请勿把验证码发给任何人", false),
            // Collections: a condition and a consequence as pressure, not a factual notice.
            ("要是不还款，我们就上门了", true),
            ("还不还钱？不还的话就通知你同事", true),
            ("逾期记录会报送征信，您可以先申请延期", false),
        ];
        check(table);
    }

    /// Smaller cores with bounded gaps, each beside a look-alike sharing its words.
    #[test]
    fn cores_and_their_look_alikes() {
        let table: &[(&str, bool)] = &[
            ("您脑袋是不是短路了", true),
            ("耳机坏了的话可以寄回检测", false),
            ("不配合的话后果会很严重", true),
            ("后果方面您放心，我们全部承担", false),
            ("别怪我们事先没通知", true),
            ("您是装不知道吧", true),
            ("连这个按钮都不会点吗", true),
            ("我连单号都查不到，帮您转专员", false),
            ("都几点了还来问", true),
            ("凭什么要我们赔", true),
            ("凭会员卡可以打九折", false),
            ("有本事您就去曝光", true),
            ("随便您挑，喜欢哪个都行", false),
            ("要么加钱，要么别买了", true),
            ("不说话我就挂了啊", true),
            ("如果您不需要其他帮助，那我先挂了", false),
            ("别再打过来了", true),
            ("您别再来回跑了，我们上门取件", false),
            ("这事跟我们没关系", true),
            ("这个跟您的操作没有关系", false),
            ("嫌贵可以去别家比比", true),
            ("您可以去别的网点办理", false),
            ("是您装的不对", true),
            ("您就不能自己查一下吗", true),
            ("您是不是没收到短信呢？", false),
            ("这么点事也要闹到投诉？", true),
            ("这么晚还要麻烦您，真不好意思", false),
            ("成天就知道催", true),
            ("到时候可别后悔", true),
            ("到时候别忘了带身份证", false),
            ("我们又不是开福利院的", true),
            ("您真难伺候", true),
            ("您真是太客气了", false),
            ("关我啥事", true),
            ("您别在这闹了", true),
            ("您别着急，我马上查", false),
        ];
        check(table);
    }

    /// Every (text, whether a prohibited phrase counts) of `table` as expected.
    fn check(table: &[(&str, bool)]) {
        let mut wrong = Vec::new();
        for &(text, want) in table {
            let got = prohibited(text);
            if got.is_empty() == want {
                wrong.push(format!("{text}: want {want}, got {got:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    /// A pattern match counts with its category and adds the valence of it.
    #[test]
    fn pattern_matches_carry_category_and_valence() {
        assert_eq!(prohibited("您把钱转到我的支付宝"), vec![A::PrivateDeal]);
        let a = explain("您爱修不修", Speaker::Agent).analysis.unwrap();
        assert!(a.valence < 0.0, "{}", a.valence);
        // Patterns are agent-side only.
        let c = explain("您爱修不修", Speaker::Customer).analysis.unwrap();
        assert!(c.agent.is_empty());
    }
}
