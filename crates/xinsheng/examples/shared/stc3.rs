//! Reading one STC-3 dialogue (`../shared/data/satisfaction/stc3_dch_part1.jsonl`), shared
//! by the `measure` and `fit_calls` examples (`#[path]`-included: not an example itself).

use serde_json::Value;
use xinsheng::Speaker;

/// The dialogue's id as a string (ids are strings in the file, numbers in some copies).
pub fn id(d: &Value) -> String {
    match &d["id"] {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// The dialogue's turns: `helpdesk` is the agent, anyone else the customer; a turn's
/// utterances joined by a space.
pub fn turns(d: &Value) -> Vec<(Speaker, String)> {
    let mut turns = Vec::new();
    for t in d["turns"].as_array().into_iter().flatten() {
        let sp = if t["sender"] == "helpdesk" {
            Speaker::Agent
        } else {
            Speaker::Customer
        };
        let text: Vec<&str> = t["utterances"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u.as_str())
            .collect();
        turns.push((sp, text.join(" ")));
    }
    turns
}
