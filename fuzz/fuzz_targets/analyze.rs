//! Fuzz the analyzer: any text, from any speaker, alone or as a conversation, must be
//! analyzed without panicking (the `Analyzer::analyze` docs promise it), with cue and
//! agent-phrase offsets inside the text and scores in range; explaining it gives the
//! same analysis.
//!
//! ```sh
//! cargo +nightly fuzz run analyze -- -max_len=2048
//! ```
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xinsheng::{Analyzer, Speaker, Turn};

fn analyzer() -> &'static Analyzer {
    static A: OnceLock<Analyzer> = OnceLock::new();
    A.get_or_init(Analyzer::new)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(bytes);
    let speaker = match selector % 3 {
        0 => Speaker::Customer,
        1 => Speaker::Agent,
        _ => Speaker::Unknown,
    };
    let an = analyzer();
    let a = an.analyze(&text, speaker);
    let chars = text.chars().count();
    assert!((-1.0..=1.0).contains(&a.valence), "valence {}", a.valence);
    assert!((0.0..=1.0).contains(&a.intensity), "intensity {}", a.intensity);
    assert!((0.0..=1.0).contains(&a.escalation.risk), "risk {}", a.escalation.risk);
    for c in &a.escalation.cues {
        assert!(c.start <= c.end && c.end <= chars, "cue {c:?} in {chars} chars");
    }
    for m in &a.agent {
        assert!(m.start <= m.end && m.end <= chars, "agent {m:?} in {chars} chars");
    }
    let ex = an.explain(&text, speaker);
    assert_eq!(ex.analysis.as_ref(), Some(&a), "explain gives the same analysis");
    // The text split at its line breaks, turns alternating, as a conversation.
    if selector & 0x80 != 0 {
        let turns: Vec<Turn> = text
            .lines()
            .enumerate()
            .map(|(i, l)| {
                if i % 2 == 0 {
                    Turn::customer(l)
                } else {
                    Turn::agent(l)
                }
            })
            .collect();
        let call = an.analyze_conversation(&turns);
        assert!((0.0..=1.0).contains(&call.escalation.risk));
    }
});
