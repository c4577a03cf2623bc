//! JSONL: one JSON object per line.
//!
//! Only the fields with a role are decoded; the others are skipped by the parser (and
//! carried through as the line's text), so a wide record costs little.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use crate::fields::{FieldMap, Role, RoleTable};
use crate::record::{Original, Record, Source};
use crate::speaker::SpeakerMap;

/// A string that borrows from the input when it can.
struct Key<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A field value, as far as roles care.
#[derive(Clone)]
enum Scalar<'de> {
    Str(Cow<'de, str>),
    /// A number or boolean, as written.
    Other(String),
    Null,
    /// An object or array.
    Compound,
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Other(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Other(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Other(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Scalar::Other(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Compound)
            }
        }
        d.deserialize_any(V)
    }
}

impl Scalar<'_> {
    fn into_text(self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.into_owned()),
            Scalar::Other(s) => Some(s),
            Scalar::Null | Scalar::Compound => None,
        }
    }
}

/// What one object says about the roles.
#[derive(Default)]
struct Found<'de> {
    /// Per role: (rank, key, value).
    values: [Option<(usize, Cow<'de, str>, Scalar<'de>)>; 5],
    empty: bool,
    has_xinsheng: bool,
    /// A key read for a role that the object has twice (same name, ignoring ASCII case).
    duplicate: Option<Cow<'de, str>>,
}

struct Seed<'f> {
    roles: &'f RoleTable,
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Found<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut found = Found {
            empty: true,
            ..Found::default()
        };
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            found.empty = false;
            if key == "xinsheng" {
                found.has_xinsheng = true;
            }
            let mut fits: [Option<usize>; 5] = [None; 5];
            let mut any = false;
            if let Some(ranks) = self.roles.ranks(&key) {
                for (i, rank) in ranks.iter().enumerate() {
                    let Some(rank) = *rank else { continue };
                    let better = match &found.values[i] {
                        None => true,
                        Some((r, _, _)) => {
                            if rank == *r && found.duplicate.is_none() {
                                found.duplicate = Some(key.clone());
                            }
                            rank < *r
                        }
                    };
                    if better {
                        fits[i] = Some(rank);
                        any = true;
                    }
                }
            }
            if !any {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: Scalar<'de> = map.next_value()?;
            for (i, fit) in fits.iter().enumerate() {
                if let Some(rank) = fit {
                    found.values[i] = Some((*rank, key.clone(), value.clone()));
                }
            }
        }
        Ok(found)
    }
}

/// `invalid JSON: expected value at column 1` from a serde_json error.
fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match msg.strip_suffix(&suffix) {
        Some(m) if e.column() > 0 => format!("invalid JSON: {m} at column {}", e.column()),
        Some(m) => format!("invalid JSON: {m}"),
        None => format!("invalid JSON: {msg}"),
    }
}

/// Parse one JSONL line (already decoded, not blank) into a record.
pub(crate) fn parse_line(
    line: &str,
    source: Source,
    fields: &FieldMap,
    roles: &RoleTable,
    speakers: &SpeakerMap,
) -> Result<Record, String> {
    let line = line.trim();
    let mut de = serde_json::Deserializer::from_str(line);
    let mut found = Seed { roles }
        .deserialize(&mut de)
        .and_then(|f| de.end().map(|()| f))
        .map_err(|e| json_error(&e))?;
    if let Some(key) = found.duplicate {
        return Err(format!(
            "duplicate key `{key}`: which value is meant is unclear; skipped"
        ));
    }
    let mut take = |role: Role| found.values[role as usize].take();

    let text = match take(Role::Text) {
        Some((_, _, Scalar::Str(s))) => s.into_owned(),
        Some((_, _, Scalar::Other(s))) => s,
        Some((_, key, Scalar::Null)) => return Err(format!("text field `{key}` is null")),
        Some((_, key, Scalar::Compound)) => {
            return Err(format!("text field `{key}` is not a string"))
        }
        None => {
            return Err(format!(
                "missing text field ({})",
                fields.describe(Role::Text)
            ))
        }
    };
    let call_id = take(Role::Id).and_then(|v| v.2.into_text());
    let turn = take(Role::Turn).and_then(|v| v.2.into_text());
    let time = take(Role::Time).and_then(|v| v.2.into_text());
    let speaker_label = take(Role::Speaker).and_then(|v| v.2.into_text());
    let speaker = speakers.map_opt(speaker_label.as_deref());
    Ok(Record {
        source,
        call_id,
        turn,
        speaker,
        speaker_label,
        time,
        text,
        original: Original::Json {
            line: line.to_string(),
            empty: found.empty,
            has_xinsheng: found.has_xinsheng,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinsheng::Speaker;

    fn parse(line: &str) -> Result<Record, String> {
        let fields = FieldMap::default();
        parse_line(
            line,
            Source::new("t.jsonl".into(), 1),
            &fields,
            &RoleTable::new(&fields),
            &SpeakerMap::default(),
        )
    }

    #[test]
    fn extracts_roles() {
        let r = parse(r#"{"id":9,"session_id":"S1","seq":3,"role":"坐席","content":"您好\"呀\"","ts":"10:00","extra":{"a":[1,2]}}"#).unwrap();
        assert_eq!(r.call_id.as_deref(), Some("S1"));
        assert_eq!(r.turn.as_deref(), Some("3"));
        assert_eq!(r.speaker, Speaker::Agent);
        assert_eq!(r.speaker_label.as_deref(), Some("坐席"));
        assert_eq!(r.text, "您好\"呀\"");
        assert_eq!(r.time.as_deref(), Some("10:00"));
    }

    #[test]
    fn errors() {
        assert!(parse("{").unwrap_err().starts_with("invalid JSON"));
        assert!(parse("[1,2]")
            .unwrap_err()
            .contains("expected a JSON object"));
        assert!(parse("{} x").unwrap_err().contains("trailing characters"));
        assert_eq!(
            parse(r#"{"speaker":"客户"}"#).unwrap_err(),
            "missing text field (text, content, utterance, message …)"
        );
        assert_eq!(
            parse(r#"{"text":null}"#).unwrap_err(),
            "text field `text` is null"
        );
        assert_eq!(
            parse(r#"{"text":{"a":1}}"#).unwrap_err(),
            "text field `text` is not a string"
        );
    }

    #[test]
    fn duplicate_role_keys_are_an_error() {
        assert_eq!(
            parse(r#"{"text":"谢谢","speaker":"客户","text":"我要投诉"}"#).unwrap_err(),
            "duplicate key `text`: which value is meant is unclear; skipped"
        );
        assert!(parse(r#"{"Speaker":"客服","speaker":"客户","text":"x"}"#)
            .unwrap_err()
            .contains("duplicate key `speaker`"));
        // Keys of different names for one role: the better-ranked one, no error.
        assert_eq!(parse(r#"{"content":"a","text":"b"}"#).unwrap().text, "b");
        // Duplicates of keys we do not read pass through.
        assert_eq!(parse(r#"{"x":1,"x":2,"text":"b"}"#).unwrap().text, "b");
    }

    #[test]
    fn number_text_and_unknown_speaker() {
        let r = parse(r#"{"text":12315,"speaker":"张三"}"#).unwrap();
        assert_eq!(r.text, "12315");
        assert_eq!(r.speaker, Speaker::Unknown);
        let r = parse(r#"{"text":"x","xinsheng":{}}"#).unwrap();
        assert!(matches!(
            r.original,
            Original::Json {
                has_xinsheng: true,
                ..
            }
        ));
    }
}
