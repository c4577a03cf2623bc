//! Agent conduct in context: the phrase patterns of `agent.tsv` (families with slots:
//! 你/您 + 自己 + 不会…吗, 爱X不X, 再不还款…就起诉) matched on an agent's turn, and when
//! a phrase does not count: negated, a refusal, deflection or stonewall followed by an
//! alternative the agent offers, a promise whose object is the agent's own follow-up.

use super::aggregate::Acc;
use super::cues::{agent_phrase_valence, Found};
use super::modifiers::{promise_not_made, scan_back};
use super::Ctx;
use super::weights::{FIRM_OWNERSHIP, MILD_OBSTRUCTION};
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
/// - when a later clause of the turn offers an alternative, an ownership or follow-up
///   phrase (没办法直接改，我可以帮您重新下单; 这个我不太清楚，我帮您转接); in its own clause
///   such a word is the object of the refusal (没办法为您办理), not an alternative;
/// - a mild one ([`MILD_OBSTRUCTION`]: 请耐心等待) when the turn says anything is being done;
/// - in a hypothetical clause (如果还是无法解决，…).
pub(crate) fn withdrawn(ctx: &Ctx<'_, '_>, k: usize, (cat, sev): (AgentCategory, u8)) -> bool {
    if !obstructive(cat) {
        return false;
    }
    let units = ctx.units;
    let clause = units[k].clause;
    let mild = sev <= MILD_OBSTRUCTION;
    let offered = units.iter().enumerate().any(|(j, u)| {
        (mild || (j > k && u.clause > clause)) && j != k && offers(u, 1)
    });
    offered
        || units[..k]
            .iter()
            .rev()
            .take_while(|u| u.clause == clause)
            .any(|u| ctx.agent_patterns.slot_has(HYPOTHETICAL, u.text))
}

/// A promise at unit `k` whose object is the agent's own doing (我们保证会在24小时内回复您,
/// 一定会尽全力为您协调): a follow-up or a firm ownership phrase after it in its clause makes
/// it a commitment the agent can keep, not a promise of an outcome the agent does not
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
    purpose
        || units[k + 1..]
            .iter()
            .take_while(|u| u.clause == clause)
            .any(|u| offers(u, FIRM_OWNERSHIP))
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
    let before = found.agent.len();
    for p in &set.patterns {
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
            let negated = scan_back(units, first).0.odd()
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
