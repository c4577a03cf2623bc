//! Harm: threats of violence or self-harm said in other words than the lexicon's fixed
//! phrases. A small grammar over each clause of a customer's turn, its word lists in
//! [`crate::lexicon::harm_words`]:
//!
//! - **means brought**: a weapon, petrol, acid or a gas cylinder with a verb that brings,
//!   buys in readiness, pours or lights it, and a target (the agent, the staff, the
//!   company's premises, 上门) in the sentence: 我带上一把刀去你们门店;
//! - **violence**: a violence verb (with its result: 砍死, 拧下来, 点了) aimed at a target
//!   after it or in a 把 phrase before it, in a conditional (谁…我就…) or as 见一个打一个;
//!   arson (一把火) and caused outcomes (让你们出人命) with a target;
//! - **kin**: a staff member's family with a warning or their whereabouts;
//! - **self-harm**: not wanting to live (不想活, 活着没意思), a willed death (去死), a jump
//!   (with a high place in the utterance for the bare 跳), being on a roof, a self-harm
//!   means taken (药已经吃下去了), last words arranged (后事交代好了), despair (撑不下去).
//!
//! Negation and quotation apply as to lexicon cues; a third party as the subject (有人跳楼,
//! 男主跳楼) makes any harm cue, lexicon or grammar, reported speech. Word senses that look
//! alike (砍一刀, 累死了, 跳楼价, 刀具, 煤气费) fail the grammar by their neighbours.

use super::aggregate::Acc;
use super::cues::Found;
use super::modifiers::scan_back;
use super::structure::SentenceInfo;
use super::weights::{HARM_GRAMMAR_VOICE, HARM_SEVERITY, QUOTED_FACTOR};
use super::Ctx;
use crate::lexicon::function_words::{negators_deny, FIRST_PERSON};
use crate::lexicon::harm_words as w;
use crate::segment::{OriginalText, Unit};
use crate::types::{CueCategory, Emotion};

/// Units looked at around an anchor for its verb, target or subject.
const WINDOW: usize = 4;

/// A threat the grammar found: its units, strength and kind.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Hit {
    first: usize,
    last: usize,
    /// Index into [`HARM_SEVERITY`]: firm (critical) or veiled (high).
    firm: bool,
    /// Self-harm (sadness) rather than violence (anger).
    self_harm: bool,
    what: &'static str,
}

/// The utterance's text, its units' byte offsets in it, and the units of each clause and
/// sentence.
struct Scan<'u, 'a> {
    units: &'u [Unit<'a>],
    text: &'a str,
    /// Per clause id: its units `[from, to)`, without the punctuation that ends it.
    clauses: Vec<(usize, usize)>,
    /// Per sentence id: likewise.
    sentences: Vec<(usize, usize)>,
}

impl<'u, 'a> Scan<'u, 'a> {
    fn byte(&self, k: usize) -> usize {
        self.units[k].text.as_ptr() as usize - self.text.as_ptr() as usize
    }
    fn end(&self, k: usize) -> usize {
        self.byte(k) + self.units[k].text.len()
    }
    /// The unit holding byte `b`.
    fn unit_at(&self, b: usize) -> usize {
        self.units
            .partition_point(|u| u.text.as_ptr() as usize - self.text.as_ptr() as usize <= b)
            .saturating_sub(1)
    }
    fn new(units: &'u [Unit<'a>], text: &'a str) -> Self {
        let spans = |key: fn(&Unit<'_>) -> usize| {
            let mut out: Vec<(usize, usize)> = Vec::new();
            for (k, u) in units.iter().enumerate() {
                let id = key(u);
                while out.len() <= id {
                    out.push((k, k + 1));
                }
                if !u.is_punct {
                    out[id].1 = k + 1;
                }
            }
            out
        };
        Scan {
            units,
            text,
            clauses: spans(|u| u.clause),
            sentences: spans(|u| u.sentence),
        }
    }
    fn clause(&self, k: usize) -> (usize, usize) {
        self.clauses[self.units[k].clause]
    }
    fn sentence(&self, k: usize) -> (usize, usize) {
        self.sentences[self.units[k].sentence]
    }
    /// The text of units `[from, to)`.
    fn text_of(&self, (from, to): (usize, usize)) -> &'a str {
        if from >= to {
            return "";
        }
        &self.text[self.byte(from)..self.end(to - 1)]
    }
    /// Occurrences of list words in units `[from, to)`: (first unit, last unit, byte
    /// after the word).
    fn find(&self, range: (usize, usize), list: &[&str]) -> Vec<(usize, usize, usize)> {
        let hay = self.text_of(range);
        if hay.is_empty() {
            return Vec::new();
        }
        let base = self.byte(range.0);
        let mut out = Vec::new();
        for &word in list {
            for (b, _) in hay.match_indices(word) {
                let first = self.unit_at(base + b);
                let last = self.unit_at(base + b + word.len() - 1);
                out.push((first, last, base + b + word.len()));
            }
        }
        out
    }
    /// A word of `list` in units `[from, to)`.
    fn has(&self, range: (usize, usize), list: &[&str]) -> bool {
        let hay = self.text_of(range);
        list.iter().any(|w| hay.contains(w))
    }
    /// The text right after byte `b` in the clause of unit `k`.
    fn rest_of_clause(&self, k: usize, b: usize) -> &'a str {
        let (_, to) = self.clause(k);
        &self.text[b.min(self.end(to - 1))..self.end(to - 1)]
    }
    /// Unit `k` is a word of `list`.
    fn is(&self, k: usize, list: &[&str]) -> bool {
        list.contains(&self.units[k].text)
    }
    /// Unit `m` names the company's premises: a premises word (门店, 营业厅) or 你们 / 你家
    /// / 贵公司 followed by one (你们公司, 你们店).
    fn premises_at(&self, m: usize) -> bool {
        let t = self.units[m].text;
        if w::PREMISES.contains(&t) || t == "贵公司" {
            return true;
        }
        w::SECOND_PERSON_OWNERS.contains(&t) && {
            let after = self.rest_of_clause(m, self.end(m)).trim_start_matches('的');
            w::PREMISES.iter().any(|p| after.starts_with(p))
        }
    }
    /// A target (the agent, the staff, 你们 + premises, 谁) in units `[from, to)`.
    fn target_in(&self, range: (usize, usize)) -> bool {
        (range.0..range.1).any(|k| self.is(k, w::TARGETS))
            || self.has_word(range, w::TARGETS)
            || (range.0..range.1).any(|k| self.premises_at(k))
    }
    /// A word of `list` in units `[from, to)`: a one-char word as a whole unit, a longer
    /// one anywhere in the text (我都备好了 holds 备好 though jieba cut 我都备|好了).
    fn has_word(&self, range: (usize, usize), list: &[&str]) -> bool {
        let hay = self.text_of(range);
        list.iter().any(|t| {
            if t.chars().nth(1).is_some() {
                hay.contains(t)
            } else {
                (range.0..range.1).any(|k| self.units[k].text == *t)
            }
        })
    }
}

/// A third party, not the speaker, is the subject of what stands at unit `k`: walking
/// back in the clause, a third party (有人, 男主, 他) comes before any first-person word; a
/// companion (带着孩子) is no subject.
fn third_party_subject(s: &Scan<'_, '_>, k: usize) -> bool {
    let (from, _) = s.clause(k);
    for m in (from..k).rev() {
        let u = &s.units[m];
        if u.class & FIRST_PERSON != 0 || s.is(m, w::SPEAKER) {
            return false;
        }
        let third = w::THIRD_PARTIES
            .iter()
            .any(|t| u.text == *t || (u.text.ends_with(t) && u.text.starts_with('我')));
        let before = s.text_of((m.saturating_sub(2).max(from), m));
        let companion = w::COMPANIONS.iter().any(|c| before.ends_with(c));
        if third && !companion {
            return true;
        }
    }
    false
}

/// The speaker is the subject at unit `k`: a first-person word before it in its clause
/// (今晚我就去死), or no subject at all ([`speaker_only_subject`]); not 广州电信可以去死了.
fn speaker_subject(s: &Scan<'_, '_>, k: usize) -> bool {
    let (from, _) = s.clause(k);
    let first_person =
        (from..k).any(|m| s.units[m].class & FIRST_PERSON != 0 || s.is(m, w::SPEAKER));
    (first_person && !third_party_subject(s, k)) || speaker_only_subject(s, k)
}

/// The clause of unit `k` has the speaker as its subject, and nothing but adverbs stand
/// before `k` other than the speaker (我真的撑不下去了, 真的撑不下去了).
fn speaker_only_subject(s: &Scan<'_, '_>, k: usize) -> bool {
    let (from, _) = s.clause(k);
    (from..k).all(|m| {
        let u = &s.units[m];
        u.is_punct
            || u.class & FIRST_PERSON != 0
            || s.is(m, w::SPEAKER)
            || s.is(m, w::SUBJECT_ADVERBS)
    })
}

/// Means brought to a target: 带上一把刀去你们门店, 硫酸我已经买好了，就是给你们那个业务员准备的.
fn means_brought(s: &Scan<'_, '_>, c: (usize, usize), out: &mut Vec<Hit>) {
    for (first, last, at) in s.find(c, w::MEANS) {
        let after = s.rest_of_clause(last, at);
        if w::MEANS_NOT.iter().any(|n| after.starts_with(n)) {
            continue;
        }
        // Longer means words (菜刀) also hold shorter ones (刀): one hit per unit is enough.
        let verb_before = (first.saturating_sub(WINDOW).max(c.0)..first)
            .rev()
            .find(|&m| s.has_word((m, m + 1), w::CARRY_VERBS));
        // Topicalized: the means opens the clause and the verb follows (硫酸我已经买好了).
        let opens = (c.0..first).all(|m| s.units[m].is_punct);
        let verb_after = opens
            .then(|| {
                (last + 1..c.1.min(last + 1 + WINDOW))
                    .find(|&m| s.has_word((m, (m + 2).min(c.1)), w::CARRY_VERBS))
            })
            .flatten();
        let sent = s.sentence(first);
        // 买桶汽油去你们店: a purchase brings the means only on the way to the target.
        let bought = (first.saturating_sub(WINDOW).max(c.0)..first)
            .rev()
            .find(|&m| w::BUY_VERBS.iter().any(|b| s.units[m].text.starts_with(b)))
            .filter(|_| (last + 1..sent.1).any(|m| s.is(m, w::MOVEMENT)));
        let Some(verb) = verb_before.or(verb_after).or(bought) else {
            continue;
        };
        // 拿着刀去你们店里退货: an errand after the means makes it the product, as does
        // talk of its quality or kitchen use (刀切了一下就断了).
        let errand = s.has((last + 1, sent.1), w::ERRANDS) || s.has_word(sent, w::PRODUCT_TALK);
        let there = s.has_word((last + 1, sent.1), w::THERE);
        if !(s.target_in(sent) || there) || errand || bought_product(s, sent) {
            continue;
        }
        out.push(Hit {
            first: verb.min(first),
            last: verb.max(last),
            firm: true,
            self_harm: false,
            what: "means brought to the premises",
        });
    }
}

/// The sentence says the means was bought from or sent by the company (你们卖的刀, 收到的
/// 菜刀): it is the product.
fn bought_product(s: &Scan<'_, '_>, sent: (usize, usize)) -> bool {
    s.has(sent, w::PRODUCT_SOURCES)
}

/// What a violence verb at a unit takes: a person or property, if it is one.
#[derive(Clone, Copy, PartialEq)]
enum Takes {
    Person,
    Property,
}

/// The unit is a violence verb with its result complement (砍死, 拧下来, 砸烂, 烧了): a
/// person verb (with a strong result for 打 / 弄) or a property verb.
fn violence_verb(s: &Scan<'_, '_>, k: usize) -> Option<Takes> {
    let t = s.units[k].text;
    let with = |list: &[&str], results: &[&str]| {
        list.iter()
            .any(|v| t.strip_prefix(v).is_some_and(|r| results.contains(&r)))
    };
    if with(w::PERSON_VERBS, w::RESULTS) || with(w::WEAK_VERBS, w::STRONG_RESULTS) {
        Some(Takes::Person)
    } else if with(w::PROPERTY_VERBS, w::RESULTS) {
        Some(Takes::Property)
    } else {
        None
    }
}

/// Violence aimed at a target: 废了他 (with a staff word or 谁 in the utterance), 烧了你们
/// 仓库, 把你们店给点了, 把他脑袋拧下来, 谁…我就砍谁, 见一个打一个.
fn violence(
    s: &Scan<'_, '_>,
    c: (usize, usize),
    conditional: bool,
    staff: bool,
    out: &mut Vec<Hit>,
) {
    let third_ok = conditional || staff;
    let person = |m: usize| s.is(m, w::TARGETS) || (third_ok && s.is(m, w::HE_SHE));
    let premises = |m: usize| s.premises_at(m);
    for k in c.0..c.1 {
        if s.units[k].is_punct {
            continue;
        }
        let Some(takes) = violence_verb(s, k) else {
            continue;
        };
        // The object right after the verb (砍死你, 废了他, 烧了你们仓库), not 打死我也不买.
        let object = (k + 1..c.1).find(|&m| !s.is(m, w::DETERMINERS));
        let aimed = object.is_some_and(|m| match takes {
            Takes::Person => person(m),
            Takes::Property => premises(m),
        }) && !w::BA_ONLY_VERBS
            .iter()
            .any(|v| s.units[k].text.starts_with(v));
        // 把 + target + (给) + verb.
        let ba = (c.0..k)
            .rev()
            .take(WINDOW + 1)
            .find(|&m| s.units[m].text == "把");
        let ba_target = ba.is_some_and(|b| (b + 1..k).any(person) || s.target_in((b + 1, k)));
        // 谁…我就砍谁: the person verb of a conditional's consequence, the speaker its subject.
        let consequence = conditional
            && takes == Takes::Person
            && (c.0..k).any(|m| s.units[m].text.ends_with("我就") || s.units[m].text == "就");
        if !(aimed || ba_target || consequence) || third_party_subject(s, ba.unwrap_or(k)) {
            continue;
        }
        out.push(Hit {
            first: ba.filter(|_| ba_target).unwrap_or(k),
            last: k,
            firm: true,
            self_harm: false,
            what: "violence aimed at a target",
        });
    }
    // 见一个打一个: every one of them.
    let text = s.text_of(c);
    if text.matches("一个").nth(1).is_none() {
        return;
    }
    for v in w::PERSON_VERBS
        .iter()
        .chain(w::WEAK_VERBS)
        .filter(|v| v.chars().count() == 1)
    {
        let pat = format!("一个{v}一个");
        if let Some(b) = text.find(&pat) {
            let first = s.unit_at(s.byte(c.0) + b);
            let last = s.unit_at(s.byte(c.0) + b + pat.len() - 1);
            out.push(Hit {
                first,
                last,
                firm: true,
                self_harm: false,
                what: "violence on everyone",
            });
        }
    }
}

/// Arson (一把火, 放火) and caused outcomes (让你们出人命, 让你们公司血溅当场) with a target.
fn fire_and_outcomes(s: &Scan<'_, '_>, c: (usize, usize), third_ok: bool, out: &mut Vec<Hit>) {
    let sent = s.sentence(c.0);
    for (first, last, _) in s.find(c, w::FIRE) {
        if s.target_in(sent) && !third_party_subject(s, first) {
            out.push(Hit {
                first,
                last,
                firm: true,
                self_harm: false,
                what: "arson",
            });
        }
    }
    for (first, last, _) in s.find(c, w::OUTCOMES) {
        let cause = (c.0..first)
            .rev()
            .take(WINDOW)
            .find(|&m| s.is(m, w::CAUSATIVES));
        if let Some(m) = cause {
            let he = third_ok && (m + 1..first).any(|k| s.is(k, w::HE_SHE));
            if (he || s.target_in((m + 1, first))) && !third_party_subject(s, m) {
                out.push(Hit {
                    first: m,
                    last,
                    firm: true,
                    self_harm: false,
                    what: "harm caused",
                });
            }
        }
    }
}

/// A staff member's kin with a warning or their whereabouts (你孩子在哪个学校上学,
/// 你们客服的家里人最好小心点).
fn kin(s: &Scan<'_, '_>, c: (usize, usize), out: &mut Vec<Hit>) {
    for (first, last, _) in s.find(c, w::KIN) {
        let owner = (c.0..first)
            .rev()
            .take(WINDOW)
            .any(|m| s.is(m, w::KIN_OWNERS) || s.is(m, w::TARGETS) && s.units[m].text != "谁");
        if !owner {
            continue;
        }
        let sent = s.sentence(first);
        let rest = s.text_of((last + 1, sent.1));
        let Some(i) = w::KIN_THREATS.iter().position(|t| rest.contains(t)) else {
            continue;
        };
        out.push(Hit {
            first,
            last,
            firm: i < w::KIN_WHEREABOUTS,
            self_harm: false,
            what: "a threat to a staff member's family",
        });
    }
}

/// Not wanting to live (不想活, 不像活了, 唔想活, 活着真的没什么意思, 活够够的).
fn not_live(s: &Scan<'_, '_>, c: (usize, usize), out: &mut Vec<Hit>) {
    for k in c.0..c.1 {
        let t = s.units[k].text;
        let Some(live) = w::LIVE.iter().find(|l| t.ends_with(*l)) else {
            continue;
        };
        let glue = &t[..t.len() - live.len()];
        if !(glue.is_empty() || glue == "想" || w::LIVE_DENIED.contains(&glue)) {
            continue;
        }
        let before = format!("{}{glue}", s.text_of(((k.saturating_sub(2)).max(c.0), k)));
        let before = before.trim_end_matches(['再', '真', '的']);
        let denied = w::LIVE_DENIED.iter().any(|d| before.ends_with(d))
            || (glue == "想" && before.ends_with(['不', '唔']));
        let after = s.text_of((k + 1, c.1.min(k + 1 + WINDOW)));
        let pointless = w::LIVE_POINTLESS.iter().any(|p| after.contains(p));
        if (denied || pointless) && !third_party_subject(s, k) {
            let first = (c.0..k)
                .rev()
                .take(2)
                .find(|&m| {
                    w::LIVE_DENIED
                        .iter()
                        .any(|d| s.units[m].text.starts_with(d))
                })
                .unwrap_or(k);
            out.push(Hit {
                first,
                last: k,
                firm: true,
                self_harm: true,
                what: "not wanting to live",
            });
        }
    }
}

/// A willed death (去死, 一头撞死算了) with the speaker as subject; 想死你了 is missing
/// someone, 你去死 is abuse.
fn die(s: &Scan<'_, '_>, c: (usize, usize), out: &mut Vec<Hit>) {
    for (first, last, at) in s.find(c, w::DIE_WILLED) {
        let after = s.rest_of_clause(last, at);
        if w::DIE_FIGURATIVE_AFTER.iter().any(|f| after.starts_with(f)) {
            continue;
        }
        // 热得想死: a degree complement, a figure.
        let figure = s.text_of((c.0, first + 1)).contains("得想死")
            || s.text_of((c.0, first)).ends_with('得');
        if figure || !speaker_subject(s, first) {
            continue;
        }
        out.push(Hit {
            first,
            last,
            firm: true,
            self_harm: true,
            what: "a willed death",
        });
    }
    // 我就死在你们营业厅: dying at the premises.
    for (first, last, at) in s.find(c, &[w::DIE_AT]) {
        let place = (last..c.1).find(|&m| s.byte(m) >= at);
        if place.is_some_and(|m| s.target_in((m, (m + 2).min(c.1)))) && speaker_subject(s, first) {
            out.push(Hit {
                first,
                last,
                firm: true,
                self_harm: true,
                what: "a willed death",
            });
        }
    }
}

/// A jump from a high place (从你们公司楼顶往下跳, 不退钱我就跳 after 站在顶楼) and being
/// on a roof (我人已经在你们大厦天台上了).
fn jump(s: &Scan<'_, '_>, c: (usize, usize), high_place: bool, out: &mut Vec<Hit>) {
    let mut jumps = s.find(c, w::JUMP);
    for k in c.0..c.1 {
        let t = s.units[k].text;
        if high_place && (t == "跳" || t == "我就跳" || t == "就跳") {
            jumps.push((k, k, s.end(k)));
        }
    }
    for (first, last, at) in jumps {
        // 跳楼机, 跳楼价: the jump word heads a compound token.
        let in_token = &s.text[at.min(s.end(last))..s.end(last)];
        let compound = in_token
            .chars()
            .next()
            .is_some_and(|ch| !w::AFTER_JUMP.contains(ch));
        if compound
            || w::JUMP_NOT
                .iter()
                .any(|n| s.rest_of_clause(last, at).starts_with(n))
            || third_party_subject(s, first)
        {
            continue;
        }
        let before = s.text_of((c.0, first));
        let from_place = before.contains('从') && w::HIGH_PLACES.iter().any(|p| before.contains(p));
        let intent = w::INTENT.iter().any(|i| before.contains(i));
        out.push(Hit {
            first,
            last,
            firm: from_place || intent || high_place,
            self_harm: true,
            what: "a jump",
        });
    }
    for (first, last, at) in s.find(c, w::ROOFS) {
        // 站在 / 爬|到: a presence verb, whole or cut by the segmenter.
        let presence = (c.0..first)
            .rev()
            .take(WINDOW + 1)
            .filter(|&m| s.has_word((m, (m + 2).min(first)), w::PRESENCE))
            .min();
        let Some(p) = presence else { continue };
        let rest = s.rest_of_clause(last, at).trim_start_matches(['上', '边']);
        let ends = rest.chars().all(|ch| w::CLAUSE_END.contains(ch))
            || w::ROOF_STAY.iter().any(|v| rest.starts_with(v));
        if !ends || third_party_subject(s, p) {
            continue;
        }
        let between = s.text_of((p + 1, first));
        let theirs = between.contains("你们") || between.contains("公司");
        let now = s.has((c.0, p), w::NOW);
        out.push(Hit {
            first: p,
            last,
            firm: theirs || now,
            self_harm: true,
            what: "on a roof",
        });
    }
}

/// A self-harm means taken or at hand (药我已经吃下去了, 炭已经点上了), last words
/// arranged (后事我都交代好了), despair (我真的撑不下去了).
fn self_means(s: &Scan<'_, '_>, c: (usize, usize), death: bool, out: &mut Vec<Hit>) {
    let generic = (c.0..c.1).filter(|&k| death && s.is(k, w::SELF_MEANS_GENERIC));
    // A word of its own or the head of one (安眠药, 农药瓶), not inside one (消毒药水).
    let means = s
        .find(c, w::SELF_MEANS)
        .into_iter()
        .filter(|&(f, _, at)| {
            w::SELF_MEANS
                .iter()
                .any(|m| s.text[s.byte(f)..at].ends_with(m) && s.byte(f) + m.len() == at)
        })
        .map(|(f, l, _)| (f, l));
    for (first, last) in means.chain(generic.map(|k| (k, k))) {
        // 安眠药我攒了一整瓶了，今晚就吃: the verb may stand in the next clause.
        let sent = s.sentence(first);
        let verb = s.has(sent, w::SELF_VERBS);
        let done = s.has(sent, w::SELF_DONE) || s.has(sent, w::INTENT);
        if verb && done && !third_party_subject(s, first) {
            out.push(Hit {
                first,
                last,
                firm: true,
                self_harm: true,
                what: "a self-harm means taken",
            });
        }
    }
    for (first, last, _) in s.find(c, w::LAST_WORDS) {
        if s.has(c, w::LAST_WORDS_VERBS)
            && !third_party_subject(s, first)
            && !possessed(s, c, first)
        {
            out.push(Hit {
                first,
                last,
                firm: true,
                self_harm: true,
                what: "last words arranged",
            });
        }
    }
    for (first, last, _) in s.find(c, w::DESPAIR) {
        if speaker_only_subject(s, first) {
            out.push(Hit {
                first,
                last,
                firm: false,
                self_harm: true,
                what: "despair",
            });
        }
    }
}

/// A possessor other than the speaker before unit `k` (父亲的后事, 我爸的遗嘱).
fn possessed(s: &Scan<'_, '_>, c: (usize, usize), k: usize) -> bool {
    let before = s.text_of((c.0, k));
    before.ends_with('的') && !before.ends_with("我的")
}

/// Find the grammar's threats in a customer's turn, make them harm cues (negated and
/// quoted as lexicon cues are) with their valence, and make every harm cue whose subject
/// is a third party reported speech.
pub(crate) fn threats(
    ctx: &Ctx<'_, '_>,
    sentences: &mut [SentenceInfo],
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
) {
    let units = ctx.units;
    let text = ctx.norm.text.as_str();
    // Every unit's text is a slice of the normalized text: the offsets below rely on it.
    let inside = |u: &Unit<'_>| {
        let at = u.text.as_ptr() as usize;
        at >= text.as_ptr() as usize && at + u.text.len() <= text.as_ptr() as usize + text.len()
    };
    if units.is_empty() || !units.iter().all(inside) {
        return;
    }
    // Which rules can apply: a key char of their anchor words is in the text.
    let mut rules = [false; 8];
    for ch in text.chars() {
        for (on, keys) in rules.iter_mut().zip(&w::RULE_KEYS) {
            *on |= keys.contains(ch);
        }
    }
    let harm_cue = found.cues.iter().any(|c| c.category == CueCategory::Harm);
    if !harm_cue && !rules.contains(&true) {
        return;
    }
    let s = Scan::new(units, text);
    reported_by_third_party(&s, found);
    let whole = (0, units.len());
    let conditional = units.iter().any(|u| w::CONDITIONAL_WHO.contains(&u.text));
    let staff = (0..units.len()).any(|k| s.is(k, w::TARGETS) && units[k].text != "谁");
    let high_place = s.has(whole, w::JUMP_FROM);
    let death = s.has(whole, w::DEATH_CONTEXT);
    let mut hits = Vec::new();
    let mut done = None;
    for (k, u) in units.iter().enumerate() {
        if u.is_punct || done == Some(u.clause) {
            continue;
        }
        done = Some(u.clause);
        let c = s.clause(k);
        let h = &mut hits;
        let [means, violent, fire, kin_, live, death_, jumps, self_] = rules;
        means.then(|| means_brought(&s, c, h));
        violent.then(|| violence(&s, c, conditional, staff, h));
        fire.then(|| fire_and_outcomes(&s, c, conditional || staff, h));
        kin_.then(|| kin(&s, c, h));
        live.then(|| not_live(&s, c, h));
        death_.then(|| die(&s, c, h));
        jumps.then(|| jump(&s, c, high_place, h));
        self_.then(|| self_means(&s, c, death, h));
    }
    hits.sort_by_key(|h| (h.first, h.last, !h.firm));
    let mut covered_to = None;
    for h in hits {
        // One cue per stretch of text; a lexicon harm cue as strong over it is enough.
        if covered_to.is_some_and(|t| h.first <= t) {
            continue;
        }
        covered_to = Some(h.last);
        add(&s, sentences, original, acc, found, h);
    }
}

/// Make a hit a harm cue: negated by the negators before its first unit, quoted as
/// reported speech; an active one says its valence.
fn add(
    s: &Scan<'_, '_>,
    sentences: &mut [SentenceInfo],
    original: &mut OriginalText<'_>,
    acc: &mut Acc<'_>,
    found: &mut Found,
    h: Hit,
) {
    let severity = HARM_SEVERITY[h.firm as usize];
    let (first, last) = (h.first, h.last);
    let lexicon_covers = found.sites().any(|(c, _, k)| {
        c.category == CueCategory::Harm && c.severity >= severity && (first..=last).contains(&k)
    });
    if lexicon_covers {
        return;
    }
    let (mods, neg_texts) = scan_back(s.units, first);
    let negated = mods.odd() && negators_deny(CueCategory::Harm, &neg_texts);
    let u = &s.units[first];
    let st = &sentences[u.sentence];
    let quoted = u.in_quote
        || (st.quote_from.is_some_and(|q| q < first) && st.quote_to.is_none_or(|t| first < t));
    found.harm_cue(s.units, original, (first, last), severity, negated, quoted);
    if negated || quoted {
        return;
    }
    let (v, mass) = HARM_GRAMMAR_VOICE;
    let emotion = if h.self_harm {
        Emotion::Sadness
    } else {
        Emotion::Anger
    };
    let what = h.what;
    acc.add(u, "harm", v, v, Some((emotion, mass)), || {
        vec![format!("harm grammar: {what}")]
    });
    sentences[u.sentence].negative -= v;
}

/// Harm cues (lexicon ones too) whose subject is a third party (有人跳楼了, 男主跳楼) are
/// reported, not threatened: quoted.
fn reported_by_third_party(s: &Scan<'_, '_>, found: &mut Found) {
    let reported: Vec<usize> = found
        .sites()
        .enumerate()
        .filter(|(_, (c, _, k))| {
            c.category == CueCategory::Harm && c.is_active() && third_party_subject(s, *k)
        })
        .map(|(i, _)| i)
        .collect();
    for i in reported {
        let c = &mut found.cues[i];
        c.quoted = true;
        c.weight *= QUOTED_FACTOR;
    }
}

#[cfg(all(test, feature = "embedded-lexicons"))]
mod tests {
    use crate::score::testing::explain;
    use crate::types::{CueCategory, Level, Speaker};

    /// The grammar rules that fired on a customer's text (their notes), and the level.
    fn fired(text: &str) -> (Vec<String>, Level) {
        let e = explain(text, Speaker::Customer);
        let notes = e
            .contributions
            .iter()
            .filter(|c| c.source == "harm")
            .flat_map(|c| c.modifiers.iter())
            .map(|m| m.trim_start_matches("harm grammar: ").to_string())
            .collect();
        (notes, e.analysis.unwrap().escalation.level)
    }

    /// Each (text, rule, level): the rule fires and the utterance reaches the level.
    fn table(rows: &[(&str, &str, Level)]) {
        for &(text, rule, level) in rows {
            let (notes, got) = fired(text);
            assert!(
                notes.iter().any(|n| n == rule),
                "{text}: {notes:?}, want {rule}"
            );
            assert_eq!(got, level, "{text}: {notes:?}");
        }
    }

    /// Look-alikes: no grammar rule fires and the level stays below high.
    fn none(rows: &[&str]) {
        for &text in rows {
            let (notes, got) = fired(text);
            assert!(notes.is_empty(), "{text}: {notes:?}");
            assert!(got < Level::High, "{text}: {got:?}");
        }
    }

    #[test]
    fn means_brought_to_the_premises() {
        use Level::Critical as C;
        table(&[
            (
                "下周我扛着一把砍刀去你们营业厅",
                "means brought to the premises",
                C,
            ),
            (
                "浓硫酸我都备好了，专门留给你们经理",
                "means brought to the premises",
                C,
            ),
            (
                "再不处理我就拎着液化气罐上门",
                "means brought to the premises",
                C,
            ),
            (
                "我去买瓶汽油到你们总部门口",
                "means brought to the premises",
                C,
            ),
            ("再拖我就揣着匕首过去", "means brought to the premises", C),
            (
                "我人在你们楼下，汽油也带来了",
                "means brought to the premises",
                C,
            ),
        ]);
        none(&[
            "你们寄来的菜刀刀刃卷了，能退吗",
            "我拿着那把刀去你们店里换货行吗",
            "在你们店买了一把水果刀，包装破了",
            "汽油卡充值怎么没到账",
            "煤气费的发票在哪开",
            "刀切了两下就断了，你们这刀什么质量",
        ]);
    }

    #[test]
    fn violence_aimed_at_a_target() {
        use Level::Critical as C;
        table(&[
            ("哪个敢再骗我，我就砍死谁", "violence aimed at a target", C),
            (
                "你们那个主管敢出来，我废了他",
                "violence aimed at a target",
                C,
            ),
            (
                "惹毛了我把你们营业厅给烧了",
                "violence aimed at a target",
                C,
            ),
            ("我进去见一个揍一个", "violence on everyone", C),
            ("这种骗子公司，迟早我点把火把你们仓库烧光", "arson", C),
            ("不给个说法我就让你们见血", "harm caused", C),
            ("信不信我让你活不成", "harm caused", C),
            ("谁敢拦我，我就让他见血", "harm caused", C),
            ("逼急了我就去你们店里放把火", "arson", C),
            (
                "我知道你老婆在哪上班",
                "a threat to a staff member's family",
                C,
            ),
            (
                "你女儿最好小心一点",
                "a threat to a staff member's family",
                Level::High,
            ),
        ]);
        none(&[
            "帮我砍一刀，就差一点了",
            "打死我也不会再来你们店了",
            "我打了你们客服电话没人接",
            "我点了你们店的外卖两个小时没到",
            "这样做太砸你们自己的招牌了",
            "电梯再不修要出人命了",
            "游戏里一刀砍死了boss",
            "你们修车的把我的车给烧了",
            "快递把我的花瓶给砸了",
        ]);
    }

    #[test]
    fn self_harm_said_in_other_ways() {
        use Level::Critical as C;
        table(&[
            ("欠了这么多，活着也没啥意思了", "not wanting to live", C),
            ("真的不像活了", "not wanting to live", C),
            ("我唔想活了", "not wanting to live", C),
            ("钱没了我只能去死", "a willed death", C),
            ("不解决我今天就死在你们门店", "a willed death", C),
            ("我已经爬到你们大楼天台了", "on a roof", C),
            ("我在你们公司楼顶站了一个小时了", "on a roof", C),
            ("活着有什么用，一分钱都没了", "not wanting to live", C),
            ("活着好累，一点意义都没有", "not wanting to live", C),
            ("我还不如一头撞死算了", "a willed death", C),
            ("我现在就在你们公司天台上", "on a roof", C),
            ("我站在顶楼了，不退钱我就跳", "a jump", C),
            ("明天我从你们大楼楼顶往下跳", "a jump", C),
            ("农药我已经喝下去了", "a self-harm means taken", C),
            ("遗嘱我都写好了，你们自己看着办", "last words arranged", C),
            ("我真的撑不下去了", "despair", Level::High),
        ]);
        none(&[
            "这个活动没意思",
            "热得想死，空调什么时候来装",
            "想死你们家的烤鱼了",
            "广州这家店可以去死了",
            "跳楼价清仓还有货吗",
            "楼顶漏水好几天了",
            "我家楼顶信号很差",
            "药已经吃了还是不见好",
            "烧烤的炭点上了，外卖还没到",
            "我爸的后事办完了，要注销他的号",
            "公司快撑不下去了",
            "杀毒软件怎么卸载",
            "累死了，排了一上午队",
            "你们这服务我死的心都有了",
        ]);
    }

    /// Negation and quotation apply to the grammar's cues; a third party as subject makes
    /// any harm cue, lexicon or grammar, reported speech.
    #[test]
    fn negated_quoted_and_third_party_harm_is_not_a_threat() {
        for text in [
            "我不会带刀去你们店的，放心",
            "新闻里说有人不想活了",
            "我们楼里有人跳楼了",
            "电视剧里女主跳河那段太虐了",
            "他说要拿刀去你们门店",
        ] {
            let a = explain(text, Speaker::Customer).analysis.unwrap();
            let harm: Vec<_> = a
                .escalation
                .cues
                .iter()
                .filter(|c| c.category == CueCategory::Harm)
                .collect();
            assert!(harm.iter().all(|c| !c.is_active()), "{text}: {harm:?}");
            assert!(a.escalation.level < Level::High, "{text}");
        }
        // The speaker with a companion is still the subject.
        let a = explain("我带着孩子从你们楼上跳下去", Speaker::Customer)
            .analysis
            .unwrap();
        assert_eq!(a.escalation.level, Level::Critical);
    }

    /// Fixed phrases stay lexicon terms: English mixed in, self-immolation.
    #[test]
    fn fixed_harm_phrases_are_critical() {
        for text in [
            "I want to die，你们满意了",
            "退不了款我就 kill myself",
            "我去你们门口自焚",
        ] {
            let a = explain(text, Speaker::Customer).analysis.unwrap();
            assert_eq!(a.escalation.level, Level::Critical, "{text}");
        }
    }

    /// Agents' turns carry no customer cues.
    #[test]
    fn agent_turns_are_not_read() {
        let a = explain("您千万别带刀去门店，有话好好说", Speaker::Agent)
            .analysis
            .unwrap();
        assert!(a.escalation.cues.is_empty());
    }
}
