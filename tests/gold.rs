//! Gold-set evaluation: the project's hand-written utterances and conversations
//! (`tests/gold/`), scored by the analyzer; the test fails when a figure drops below the
//! one recorded here. Run `cargo test --test xinsheng gold -- --nocapture` to see them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use xinsheng::{AgentKind, Analyzer, Emotion, Level, Polarity, Speaker, Trajectory, Turn};

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(Analyzer::new)
}

const GOLD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/gold");

/// Recorded figures: (metric, minimum). Measured figures are printed by the tests; the
/// minimum is the measured figure rounded down to 0.01 when recorded (2026-11-23; see
/// docs/quality.md; re-recorded 2026-12-03 when issue 13 added 162 utterances and 23
/// calls of harder classes: harm phrased other ways, cue words in another sense, unmarked
/// sarcasm, agent deflection; raised the same day to the figures after the fixes).
/// `conversation.risky_auc` was lowered the same day from 0.96 to 0.94 when the fitted
/// call model (issue 12) replaced the hand-set roll-up: the model, fitted out of fold on
/// real chats, does not weigh agent conduct, which this set's "review" label includes
/// (0.965 hand-set, 0.943 fitted). Raised to 0.95 when the fitted model got the
/// agent-conduct floor (a prohibited agent phrase of severity >= 4 makes a call at least
/// `medium`, `model::CONDUCT_SEVERITY`: this set's risky calls with hostile or private-deal
/// agents no longer come out at `none`; 0.954) and the `polite_refused` feature (0.959).
/// `utterance.harm_high_recall` was raised the same day
/// from 0.84 to 1.00 by the harm grammar (issue 13 item 1), measured with 73 more harm
/// utterances (37 threats, 36 look-alikes); those rows lowered
/// `utterance.negation_trap_accuracy` from 0.69 to 0.66 as a matter of the set: `main`
/// before the grammar scores the same 0.6635 on the extended set (0.6977 on the old one,
/// as the grammar does).
/// The agent prohibited-phrase minima were re-recorded
/// the same day (issue 13 item 6) when 133 agent lines written before the fix,
/// paraphrased rather than textbook, were added: recall
/// went down from 1.00 to the measured 0.96 because the set got harder (misses are on the
/// report half of that block), precision up from 0.96 to 0.99. The `agent_conduct.*` figures
/// (tests/gold/agent-conduct.tsv, recorded the same day) are the agent lines of six more fresh
/// sets used to add phrase families and of a seventh written after every change and held out
/// (`heldout_*`: recall 0.12 and precision 0.75 before the fixes, 0.40 and 1.00 after:
/// paraphrases outside the families are still missed). Three more rounds were added the
/// same day by a second helper: round 9 (72 lines) written before its changes, round 10
/// (43) after the first of them, round 11 (32) after all of them and held out
/// (`heldout2_*`). With its changes the first held-out round rose from 0.40 to 0.48 (it
/// never read those rows) and rounds 2..8 from 0.906 to 0.918, precision 1.00 on both; the
/// second held-out round measured 0.22 before and after its changes (0.22 on `main` too):
/// wording unlike any family is still missed. `prohibited_recall` is recorded lower
/// (0.90 -> 0.86) and `prohibited_precision` (1.00 -> 0.99) because the added rows are
/// harder: round 11's misses, and one round-9 look-alike flagged before those changes too.
/// Re-recorded the same day when issue 13's second round
/// added 86 utterances and 17 calls (third-party target, resolution, look-alike senses,
/// grudging 行吧, unmarked sarcasm, health stakes, ignored constraints), at the figures
/// after its fixes; on the grown set the code before them measured polarity 0.776,
/// emotion 0.643, level exact 0.727, within one 0.922, F1 0.704, traps 0.667, risky AUC
/// 0.941, trajectory 0.576, and every figure rose. Emotion accuracy is recorded lower
/// (0.66 -> 0.65) only because the added rows are harder; on the previous rows it rose
/// (0.666 -> 0.670). Polarity raised to 0.80 after the round's last fixes (urgency reads
/// negative, grudging 好吧 adds no acceptance: 0.792 -> 0.803), then set to 0.79 when the
/// three rounds were merged: with the harm and agent rows in the set it measures 0.791
/// (the agent rows' ownership lines sit on the polarity threshold, as the context round
/// found). Raise them when quality improves.
/// At the end of the day's second session, level exact (0.781), within one (0.952) and
/// escalation F1 (0.767) were raised to their measured figures on the merged `main`.
/// The levels round (issue 13) added 83 customer utterances over every level, written as a
/// probe before the no-cue outburst rule. On the grown set the code before the rule measures
/// level exact 0.769, within one 0.951, F1 0.779; after it 0.774, 0.950 and 0.789. Level exact
/// is recorded lower (0.78 -> 0.77) only because the added rows are harder (0.60 exact on
/// them); on the previous rows the rule raised it (0.781 -> 0.786). F1 raised to 0.78.
/// The stance rule (issue 13 item 6, `score/stance.rs`, a third helper) raised the agent
/// figures, each measured once after it: the first held-out round 0.48 -> 0.64, the
/// second 0.22 -> 0.33, precision 1.00 on both; round 12 (82 lines written before the
/// rule) was added, its even rows held out (`heldout3_*`: 0.55 -> 0.77, precision 1.00);
/// all rows 0.806 -> 0.896 (rounds 2..11 alone 0.864 -> 0.898), precision 0.995 -> 0.996.
/// Round 13 (64 lines, written by the same helper after the rule's first version, leaning
/// to wording without its markers) was then added, odd rows developed on, even rows held
/// out (`heldout4_*`: 0.06 on `main`, 0.24 after); `prohibited_recall` is recorded lower
/// (0.89 -> 0.85) only because those rows are harder: on the rows before them it is 0.896.
/// The third levels round (issue 13, `# issue 13, third round`) added 100 customer
/// utterances written as a probe before its changes. On the grown set the code before them
/// (main e8ae0df) measures polarity 0.780, emotion 0.653, level exact 0.751, within one
/// 0.937, F1 0.772, traps 0.668, escalated 0.981, risky AUC 0.954, trajectory 0.604; after
/// them 0.798, 0.675, 0.811, 0.949, 0.825, 0.681, 0.991, 0.955, 0.613. Every figure rose;
/// level within one is recorded lower (0.95 -> 0.94) only because the added rows are harder.
/// Merged with `main` f0032c2 (the stance rule) the branch measures polarity 0.807, emotion
/// 0.683, traps 0.677 (recorded at 0.67), the rest as above.
/// The fourth levels round (issue 13, `# issue 13, fourth round`) added 92 customer
/// utterances written as a probe before its changes. On the grown set the code before them
/// (main c918de6) measures polarity 0.794, emotion 0.670, level exact 0.788, within one
/// 0.930, F1 0.800, traps 0.660, escalated 0.991, risky AUC 0.959, trajectory 0.613; after
/// them 0.802, 0.678, 0.817, 0.950, 0.839, 0.691, 0.991, 0.966, 0.613. Every figure rose or
/// held; emotion is recorded lower (0.68 -> 0.67) only because the added rows are harder
/// (this branch measures 0.685 on the set without them, 0.678 with them). Raised: within one 0.95, F1 0.83,
/// traps 0.69, risky AUC 0.96.
/// The polarity round (issue 13, `# issue 13, polarity round`) added 85 customer utterances
/// written as a probe before its changes (information questions, `score/sense.rs`). On the
/// grown set the code before them (main c918de6) measures polarity 0.795, emotion 0.675,
/// level exact 0.799, within one 0.947, F1 0.815, traps 0.671; after them 0.809, 0.682,
/// 0.805, 0.948, 0.818, 0.671. No figure fell; level exact (0.81 -> 0.80) and F1
/// (0.82 -> 0.81) are recorded lower only because the added rows are harder: on the rows
/// before them the changes raised them (0.811 -> 0.812, 0.825 -> 0.827; polarity 0.807 ->
/// 0.814, emotion 0.683 -> 0.686, within one 0.949 -> 0.950).
/// Both rounds merged (main at the end of 2026-12-03's third session): polarity 0.804,
/// emotion 0.679, level exact 0.812, within one 0.950 (0.9499), F1 0.833, traps 0.685,
/// escalated 0.991, risky AUC 0.966, trajectory 0.613.
const RECORDED: &[(&str, f64)] = &[
    ("utterance.polarity_accuracy", 0.80),
    ("utterance.emotion_accuracy", 0.67),
    ("utterance.level_exact", 0.81),
    ("utterance.level_within_one", 0.94),
    ("utterance.escalation_f1", 0.83),
    ("utterance.negation_trap_accuracy", 0.68),
    ("utterance.agent_prohibited_recall", 0.96),
    ("utterance.agent_prohibited_precision", 0.99),
    ("utterance.harm_high_recall", 1.00),
    ("agent_conduct.prohibited_recall", 0.85),
    ("agent_conduct.prohibited_precision", 0.99),
    ("agent_conduct.heldout_recall", 0.64),
    ("agent_conduct.heldout_precision", 1.00),
    ("agent_conduct.heldout2_recall", 0.33),
    ("agent_conduct.heldout2_precision", 1.00),
    ("agent_conduct.heldout3_recall", 0.77),
    ("agent_conduct.heldout3_precision", 1.00),
    ("agent_conduct.heldout4_recall", 0.23),
    ("agent_conduct.heldout4_precision", 1.00),
    ("conversation.escalated_accuracy", 0.99),
    ("conversation.risky_auc", 0.96),
    ("conversation.trajectory_accuracy", 0.61),
];

struct GoldUtterance {
    line: usize,
    speaker: Speaker,
    text: String,
    emotion: Emotion,
    polarity: Polarity,
    level: Level,
    tags: Vec<String>,
}

fn load_utterances() -> Vec<GoldUtterance> {
    let path = format!("{GOLD_DIR}/utterances.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/gold/utterances.tsv is readable");
    let mut out = Vec::new();
    let mut header_seen = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !header_seen {
            header_seen = true;
            assert!(line.starts_with("speaker\t"), "{path}:{}: header", i + 1);
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert!(cols.len() >= 5, "{path}:{}: expected 6 columns", i + 1);
        let ctx = |what: &str| format!("{path}:{}: bad {what}", i + 1);
        out.push(GoldUtterance {
            line: i + 1,
            speaker: cols[0]
                .parse()
                .unwrap_or_else(|_| panic!("{}", ctx("speaker"))),
            text: cols[1].to_string(),
            emotion: cols[2]
                .parse()
                .unwrap_or_else(|_| panic!("{}", ctx("emotion"))),
            polarity: cols[3]
                .parse()
                .unwrap_or_else(|_| panic!("{}", ctx("polarity"))),
            level: cols[4]
                .parse()
                .unwrap_or_else(|_| panic!("{}", ctx("level"))),
            tags: cols
                .get(5)
                .map(|t| t.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default(),
        });
    }
    out
}

struct GoldConversation {
    id: String,
    escalated: bool,
    risky: bool,
    trajectory: Trajectory,
    turns: Vec<(Speaker, String)>,
}

fn load_conversations() -> Vec<GoldConversation> {
    let path = format!("{GOLD_DIR}/conversations.jsonl");
    let text = std::fs::read_to_string(&path).expect("tests/gold/conversations.jsonl is readable");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("{path}:{}: invalid JSON: {e}", i + 1));
            GoldConversation {
                id: v["id"].as_str().unwrap_or_default().to_string(),
                escalated: v["escalated"].as_bool().expect("escalated"),
                risky: v["risky"].as_bool().expect("risky"),
                trajectory: v["trajectory"]
                    .as_str()
                    .and_then(|t| t.parse().ok())
                    .expect("trajectory"),
                turns: v["turns"]
                    .as_array()
                    .expect("turns")
                    .iter()
                    .map(|t| {
                        (
                            t["speaker"]
                                .as_str()
                                .and_then(|s| s.parse().ok())
                                .expect("speaker"),
                            t["text"].as_str().expect("text").to_string(),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

fn level_rank(l: Level) -> i32 {
    Level::ALL.iter().position(|x| *x == l).unwrap_or(0) as i32
}

fn auc(scores: &[f32], positives: &[bool]) -> f64 {
    let (mut num, mut den) = (0f64, 0f64);
    for (i, &si) in scores.iter().enumerate() {
        for (j, &sj) in scores.iter().enumerate() {
            if positives[i] && !positives[j] {
                den += 1.0;
                if si > sj {
                    num += 1.0;
                } else if si == sj {
                    num += 0.5;
                }
            }
        }
    }
    if den == 0.0 {
        f64::NAN
    } else {
        num / den
    }
}

fn check(figures: &BTreeMap<&str, f64>) {
    let mut failed = Vec::new();
    for (name, min) in RECORDED {
        if let Some(v) = figures.get(name) {
            println!("gold {name:<40} {v:.4} (recorded minimum {min:.2})");
            if *v + 1e-9 < *min {
                failed.push(format!("{name}: {v:.3} < recorded {min:.2}"));
            }
        }
    }
    assert!(failed.is_empty(), "quality dropped:\n{}", failed.join("\n"));
}

#[test]
fn gold_utterances() {
    let gold = load_utterances();
    assert!(gold.len() >= 400, "gold set has {} utterances", gold.len());
    let an = analyzer();
    let (mut pol, mut emo, mut lvl, mut lvl1) = (0, 0, 0, 0);
    let (mut tp, mut fp, mut fnn) = (0, 0, 0);
    let (mut trap_n, mut trap_ok) = (0, 0);
    // Agent prohibited phrases (tag agent_prohibited on agent lines) and harm threats read
    // at high or above (tag harm with a gold level of high or critical).
    let (mut ptp, mut pfp, mut pfn) = (0, 0, 0);
    let (mut harm_n, mut harm_ok) = (0, 0);
    let mut misses = Vec::new();
    for g in &gold {
        let a = an.analyze(&g.text, g.speaker);
        let has = |tag: &str| g.tags.iter().any(|t| t == tag);
        if g.speaker == Speaker::Agent {
            let (gp, pp) = (
                has("agent_prohibited"),
                a.agent
                    .iter()
                    .any(|m| m.kind == AgentKind::Prohibited && !m.negated),
            );
            ptp += (gp && pp) as usize;
            pfp += (!gp && pp) as usize;
            pfn += (gp && !pp) as usize;
        }
        if has("harm") && g.level >= Level::High {
            harm_n += 1;
            harm_ok += (a.escalation.level >= Level::High) as usize;
        }
        pol += (a.polarity == g.polarity) as usize;
        emo += (a.emotion == g.emotion) as usize;
        lvl += (a.escalation.level == g.level) as usize;
        lvl1 += ((level_rank(a.escalation.level) - level_rank(g.level)).abs() <= 1) as usize;
        let (pe, ge) = (
            a.escalation.level >= Level::Medium,
            g.level >= Level::Medium,
        );
        match (pe, ge) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fnn += 1,
            _ => {}
        }
        if g.tags
            .iter()
            .any(|t| t == "negation" || t == "double_negation" || t == "lookalike")
        {
            trap_n += 1;
            let ok = a.polarity == g.polarity
                && (level_rank(a.escalation.level) - level_rank(g.level)).abs() <= 1;
            trap_ok += ok as usize;
        }
        if a.polarity != g.polarity || a.escalation.level != g.level {
            misses.push(format!(
                "line {}: {} | gold {}/{}/{} got {}/{}/{} ({:.2})",
                g.line,
                g.text,
                g.emotion,
                g.polarity,
                g.level,
                a.emotion,
                a.polarity,
                a.escalation.level,
                a.valence
            ));
        }
    }
    if std::env::var_os("GOLD_VERBOSE").is_some() {
        for m in &misses {
            println!("{m}");
        }
    }
    let n = gold.len() as f64;
    let f1 = 2.0 * tp as f64 / (2.0 * tp as f64 + fp as f64 + fnn as f64).max(1.0);
    let mut figures = BTreeMap::new();
    figures.insert("utterance.polarity_accuracy", pol as f64 / n);
    figures.insert("utterance.emotion_accuracy", emo as f64 / n);
    figures.insert("utterance.level_exact", lvl as f64 / n);
    figures.insert("utterance.level_within_one", lvl1 as f64 / n);
    figures.insert("utterance.escalation_f1", f1);
    figures.insert(
        "utterance.negation_trap_accuracy",
        trap_ok as f64 / (trap_n as f64).max(1.0),
    );
    figures.insert(
        "utterance.agent_prohibited_recall",
        ptp as f64 / ((ptp + pfn) as f64).max(1.0),
    );
    figures.insert(
        "utterance.agent_prohibited_precision",
        ptp as f64 / ((ptp + pfp) as f64).max(1.0),
    );
    figures.insert(
        "utterance.harm_high_recall",
        harm_ok as f64 / (harm_n as f64).max(1.0),
    );
    check(&figures);
}

#[test]
fn gold_conversations() {
    let gold = load_conversations();
    assert!(
        gold.len() >= 60,
        "gold set has {} conversations",
        gold.len()
    );
    let an = analyzer();
    let (mut esc_ok, mut traj_ok) = (0, 0);
    let mut risks = Vec::new();
    let mut risky = Vec::new();
    for g in &gold {
        let turns: Vec<Turn> = g.turns.iter().map(|(s, t)| Turn::new(*s, t)).collect();
        let c = an.analyze_conversation(&turns);
        esc_ok += (c.escalation.escalated == g.escalated) as usize;
        traj_ok += (c.trajectory == g.trajectory) as usize;
        risks.push(c.escalation.risk);
        risky.push(g.risky);
        if std::env::var_os("GOLD_VERBOSE").is_some()
            && (c.escalation.escalated != g.escalated || c.trajectory != g.trajectory)
        {
            let moods: Vec<String> = c
                .customer_valence
                .iter()
                .map(|t| format!("{:+.2}/{:.2}", t.valence, c.turns[t.turn].escalation.risk))
                .collect();
            println!(
                "{}: escalated gold {} got {}; trajectory gold {} got {}; risk {:.2}; {}",
                g.id,
                g.escalated,
                c.escalation.escalated,
                g.trajectory,
                c.trajectory,
                c.escalation.risk,
                moods.join(" ")
            );
        }
    }
    let n = gold.len() as f64;
    let mut figures = BTreeMap::new();
    figures.insert("conversation.escalated_accuracy", esc_ok as f64 / n);
    figures.insert("conversation.risky_auc", auc(&risks, &risky));
    figures.insert("conversation.trajectory_accuracy", traj_ok as f64 / n);
    check(&figures);
}

/// Agent lines of `tests/gold/agent-conduct.tsv` (`text label round`): recall and precision
/// of "has a prohibited phrase", over all rows and over each held-out round.
#[test]
fn gold_agent_conduct() {
    let path = format!("{GOLD_DIR}/agent-conduct.tsv");
    let text = std::fs::read_to_string(&path).expect("tests/gold/agent-conduct.tsv is readable");
    // The first held-out round (written after the first helper's changes) and the second
    // (written after the second helper's); the third and fourth are the even rows of rounds
    // 12 and 13 (the stance rule was developed on their odd rows).
    const HELD_OUT: [&str; 4] = ["8", "11", "12", "13"];
    // Rounds whose even rows only are held out (rows counted within the round).
    const EVEN_ONLY: [&str; 2] = ["12", "13"];
    // (tp, fp, fn) over all rows and over each held-out round.
    let mut counts = [(0usize, 0usize, 0usize); 5];
    let mut rows = 0;
    // Rows so far of each even-only round.
    let mut in_round = [0usize; 2];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("text\t") {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 3, "{path}:{}: expected 3 columns", i + 1);
        let gold = match cols[1] {
            "prohibited" => true,
            "ok" => false,
            other => panic!("{path}:{}: bad label `{other}`", i + 1),
        };
        let got = analyzer()
            .analyze(cols[0], Speaker::Agent)
            .agent
            .iter()
            .any(|m| m.kind == AgentKind::Prohibited && !m.negated);
        rows += 1;
        let even_only = EVEN_ONLY.iter().position(|&r| r == cols[2]);
        if let Some(r) = even_only {
            in_round[r] += 1;
        }
        let odd_row = even_only.is_some_and(|r| in_round[r] % 2 == 1);
        for (k, c) in counts.iter_mut().enumerate() {
            if k > 0 && cols[2] != HELD_OUT[k - 1] {
                continue;
            }
            if k > 0 && odd_row {
                continue;
            }
            c.0 += (gold && got) as usize;
            c.1 += (!gold && got) as usize;
            c.2 += (gold && !got) as usize;
        }
    }
    assert!(rows >= 589, "agent conduct set has {rows} rows");
    let rate = |a: usize, b: usize| a as f64 / (a + b).max(1) as f64;
    let names = [
        (
            "agent_conduct.prohibited_recall",
            "agent_conduct.prohibited_precision",
        ),
        (
            "agent_conduct.heldout_recall",
            "agent_conduct.heldout_precision",
        ),
        (
            "agent_conduct.heldout2_recall",
            "agent_conduct.heldout2_precision",
        ),
        (
            "agent_conduct.heldout3_recall",
            "agent_conduct.heldout3_precision",
        ),
        (
            "agent_conduct.heldout4_recall",
            "agent_conduct.heldout4_precision",
        ),
    ];
    let mut figures = BTreeMap::new();
    for ((tp, fp, fnn), (recall, precision)) in counts.into_iter().zip(names) {
        figures.insert(recall, rate(tp, fnn));
        figures.insert(precision, rate(tp, fp));
    }
    check(&figures);
}
