//! The roll-up through the public API: signals next to the risk, and what a JSON round
//! trip of the turns keeps and loses.

use xinsheng::{Analyzer, ConversationAnalysis, ReasonKind, Turn, UtteranceAnalysis};

/// A call where the customer asks the same thing again after the agent said no.
const CALL: [Turn<'static>; 3] = [
    Turn {
        speaker: xinsheng::Speaker::Customer,
        text: "我的退款什么时候能到账？",
    },
    Turn {
        speaker: xinsheng::Speaker::Agent,
        text: "这个没办法查，系统就这样",
    },
    Turn {
        speaker: xinsheng::Speaker::Customer,
        text: "我的退款到底什么时候能到账？",
    },
];

/// The hand-set roll-up, whose reasons are the signals one for one (the built-in call
/// model weighs only the signals that earned their place out of fold: see docs/model.md).
fn analyzer() -> &'static Analyzer {
    static A: std::sync::OnceLock<Analyzer> = std::sync::OnceLock::new();
    A.get_or_init(|| {
        Analyzer::builder()
            .without_call_model()
            .build()
            .expect("embedded lexicons are valid")
    })
}

#[test]
fn signals_explain_the_reasons() {
    let call = analyzer().analyze_conversation(&CALL);
    let s = &call.signals;
    assert_eq!((s.turns, s.customer_turns, s.agent_turns), (3, 2, 1));
    assert_eq!(s.repeated_questions, 1);
    assert_eq!(s.first_repeated_question, Some(2));
    assert_eq!(s.refusal_turns, 1);
    let kinds: Vec<ReasonKind> = call.escalation.reasons.iter().map(|r| r.kind).collect();
    assert!(kinds.contains(&ReasonKind::RepeatContact), "{kinds:?}");
    assert!(kinds.contains(&ReasonKind::AgentRefusal), "{kinds:?}");
}

/// A conversation analysis survives JSON: escalation and signals come back as they were.
#[test]
fn conversation_json_round_trip() {
    let call = analyzer().analyze_conversation(&CALL);
    let json = serde_json::to_string(&call).unwrap();
    let back: ConversationAnalysis = serde_json::from_str(&json).unwrap();
    assert_eq!(back.signals, call.signals);
    assert_eq!(back.escalation, call.escalation);
    assert_eq!(back.agent_qa, call.agent_qa);
    // JSON written before `signals` existed still reads (with zero signals).
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("signals");
    let old: ConversationAnalysis = serde_json::from_value(old).unwrap();
    assert_eq!(old.signals, Default::default());
}

/// Pins the documented difference: an utterance's bigram sketch and refusal count are not
/// serialized, so rolling up turns read back from JSON sees no repeated question and no
/// agent refusal; every other signal is the same.
#[test]
fn utterance_json_round_trip_loses_repeats_and_refusals() {
    let turns: Vec<UtteranceAnalysis> = CALL
        .iter()
        .map(|t| analyzer().analyze(t.text, t.speaker))
        .collect();
    let back: Vec<UtteranceAnalysis> = turns
        .iter()
        .map(|t| serde_json::from_str(&serde_json::to_string(t).unwrap()).unwrap())
        .collect();
    let direct = analyzer().roll_up(turns);
    let mut read = analyzer().roll_up(back);
    assert_eq!(direct.signals.repeated_questions, 1);
    assert!(direct.signals.refusals > 0);
    assert_eq!(
        (
            read.signals.repeated_questions,
            read.signals.first_repeated_question,
            read.signals.refusals,
            read.signals.refusal_turns,
            read.signals.first_refusal_turn
        ),
        (0, None, 0, 0, None)
    );
    assert!(read.escalation.risk < direct.escalation.risk);
    // Nothing else differs.
    read.signals.repeated_questions = direct.signals.repeated_questions;
    read.signals.first_repeated_question = direct.signals.first_repeated_question;
    read.signals.refusals = direct.signals.refusals;
    read.signals.refusal_turns = direct.signals.refusal_turns;
    read.signals.first_refusal_turn = direct.signals.first_refusal_turn;
    assert_eq!(read.signals, direct.signals);
}

/// Agent phrase patterns (issue 13 item 6) reach the call's QA summary like lexicon terms;
/// a refusal withdrawn by an offered alternative does not.
#[test]
fn agent_patterns_reach_the_qa_summary() {
    use xinsheng::{AgentCategory, Speaker};
    let turns = [
        Turn::new(Speaker::Customer, "这个月实在还不上"),
        Turn::new(Speaker::Agent, "要是再拖，我们就上门找你"),
        Turn::new(Speaker::Agent, "这个减免办不了，不过我可以帮您申请分期"),
    ];
    let call = analyzer().analyze_conversation(&turns);
    let hits: Vec<(usize, AgentCategory)> = call
        .agent_qa
        .prohibited
        .iter()
        .map(|h| (h.turn, h.category))
        .collect();
    assert_eq!(hits, [(1, AgentCategory::Hostile)], "{hits:?}");
}
