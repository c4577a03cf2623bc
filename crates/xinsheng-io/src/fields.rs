//! Which input field holds the call id, turn, speaker, text and time.

use rustc_hash::FxHashMap;
use std::fmt;

/// The role a field plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// The conversation (call, session, chat) id.
    Id,
    /// The turn number within the conversation.
    Turn,
    /// Who spoke.
    Speaker,
    /// The utterance.
    Text,
    /// When it was said.
    Time,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [Role::Id, Role::Turn, Role::Speaker, Role::Text, Role::Time];

    /// The role's name as used in canonical output columns and flags.
    pub fn name(self) -> &'static str {
        match self {
            Role::Id => "call_id",
            Role::Turn => "turn",
            Role::Speaker => "speaker",
            Role::Text => "text",
            Role::Time => "time",
        }
    }

    /// The field names tried, in order, when no name is given (compared ignoring ASCII
    /// case).
    pub fn candidates(self) -> &'static [&'static str] {
        match self {
            Role::Id => &[
                "call_id",
                "callid",
                "session_id",
                "sessionid",
                "conversation_id",
                "dialogue_id",
                "dialog_id",
                "chat_id",
                "dialogue",
                "session",
                "call",
                "通话编号",
                "通话id",
                "会话id",
                "会话编号",
                "id",
            ],
            Role::Turn => &[
                "turn", "turn_id", "seq", "sequence", "index", "idx", "轮次", "序号",
            ],
            Role::Speaker => &[
                "speaker",
                "role",
                "sender",
                "speaker_role",
                "from",
                "说话人",
                "角色",
                "发送方",
                "发言人",
            ],
            Role::Text => &[
                "text",
                "content",
                "utterance",
                "message",
                "msg",
                "sentence",
                "内容",
                "文本",
                "消息",
                "对话内容",
            ],
            Role::Time => &[
                "timestamp",
                "time",
                "ts",
                "datetime",
                "created_at",
                "时间",
                "发送时间",
            ],
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Field names given on the command line (`--id-field` …); `None` means auto-detect from
/// [`Role::candidates`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldMap {
    /// Call id field.
    pub id: Option<String>,
    /// Turn field.
    pub turn: Option<String>,
    /// Speaker field.
    pub speaker: Option<String>,
    /// Text field.
    pub text: Option<String>,
    /// Time field.
    pub time: Option<String>,
}

impl FieldMap {
    /// The name given for a role, if any.
    pub fn given(&self, role: Role) -> Option<&str> {
        match role {
            Role::Id => self.id.as_deref(),
            Role::Turn => self.turn.as_deref(),
            Role::Speaker => self.speaker.as_deref(),
            Role::Text => self.text.as_deref(),
            Role::Time => self.time.as_deref(),
        }
    }

    /// How well `key` fits `role`: `Some(0)` is best; `None` when it does not fit.
    /// A given name is the only fit for its role.
    ///
    /// ```
    /// use xinsheng_io::{FieldMap, Role};
    /// let f = FieldMap::default();
    /// assert!(f.rank(Role::Id, "call_id") < f.rank(Role::Id, "id"));
    /// assert_eq!(f.rank(Role::Text, "Content"), Some(1));
    /// assert_eq!(f.rank(Role::Text, "speaker"), None);
    /// ```
    pub fn rank(&self, role: Role, key: &str) -> Option<usize> {
        let key = key.trim();
        match self.given(role) {
            Some(name) => (key == name || key.eq_ignore_ascii_case(name)).then_some(0),
            None => role
                .candidates()
                .iter()
                .position(|c| key.eq_ignore_ascii_case(c)),
        }
    }

    /// The field names looked for a role, for error messages.
    pub fn describe(&self, role: Role) -> String {
        match self.given(role) {
            Some(name) => format!("`{name}`"),
            None => {
                let c = role.candidates();
                let shown: Vec<&str> = c.iter().take(4).copied().collect();
                format!("{} …", shown.join(", "))
            }
        }
    }

    /// True when one of the header names fits the text role.
    pub fn header_has_text<'a>(&self, mut names: impl Iterator<Item = &'a str>) -> bool {
        names.any(|n| self.rank(Role::Text, n).is_some())
    }

    /// The column of each role in a header: for each role, the best-ranked column
    /// (first one on ties). Indexed like [`Role::ALL`].
    pub fn resolve_header<S: AsRef<str>>(&self, header: &[S]) -> [Option<usize>; 5] {
        let mut out = [None; 5];
        for (ri, role) in Role::ALL.iter().enumerate() {
            let mut best: Option<(usize, usize)> = None;
            for (ci, name) in header.iter().enumerate() {
                if let Some(rank) = self.rank(*role, name.as_ref()) {
                    if best.is_none_or_worse(rank) {
                        best = Some((rank, ci));
                    }
                }
            }
            out[ri] = best.map(|b| b.1);
        }
        out
    }
}

/// The rank of each role for every known field name (ASCII-lowercased): a hash look-up
/// per JSON key instead of comparing it with every candidate. The table is fixed before
/// any input is read (keys are only looked up), so a fast non-keyed hash is safe: it
/// took a fifth of the JSONL reader's time with the default SipHash.
#[derive(Debug, Clone)]
pub(crate) struct RoleTable {
    map: FxHashMap<String, [Option<usize>; 5]>,
}

impl RoleTable {
    pub fn new(fields: &FieldMap) -> RoleTable {
        let mut map: FxHashMap<String, [Option<usize>; 5]> = FxHashMap::default();
        for (ri, role) in Role::ALL.iter().enumerate() {
            let mut add = |name: &str, rank: usize| {
                let e = map.entry(name.trim().to_ascii_lowercase()).or_default();
                if e[ri].is_none_or(|r| rank < r) {
                    e[ri] = Some(rank);
                }
            };
            match fields.given(*role) {
                Some(name) => add(name, 0),
                None => {
                    for (i, c) in role.candidates().iter().enumerate() {
                        add(c, i);
                    }
                }
            }
        }
        RoleTable { map }
    }

    /// The rank of `key` for each role (like [`FieldMap::rank`]).
    pub fn ranks(&self, key: &str) -> Option<&[Option<usize>; 5]> {
        let k = key.trim();
        if k.bytes().any(|b| b.is_ascii_uppercase()) {
            self.map.get(&k.to_ascii_lowercase())
        } else {
            self.map.get(k)
        }
    }
}

trait BestRank {
    fn is_none_or_worse(&self, rank: usize) -> bool;
}

impl BestRank for Option<(usize, usize)> {
    fn is_none_or_worse(&self, rank: usize) -> bool {
        match self {
            None => true,
            Some((r, _)) => rank < *r,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_prefers_specific_names() {
        let f = FieldMap::default();
        let h = ["id", "session_id", "Role", "content", "ts", "seq"];
        let r = f.resolve_header(&h);
        assert_eq!(r, [Some(1), Some(5), Some(2), Some(3), Some(4)]);
    }

    #[test]
    fn given_names_win() {
        let f = FieldMap {
            text: Some("body".into()),
            ..FieldMap::default()
        };
        let r = f.resolve_header(&["text", "body"]);
        assert_eq!(r[3], Some(1));
        assert_eq!(f.rank(Role::Text, "text"), None);
    }

    #[test]
    fn role_table_agrees_with_rank() {
        for f in [
            FieldMap::default(),
            FieldMap {
                text: Some("Body".into()),
                id: Some("text".into()),
                ..FieldMap::default()
            },
        ] {
            let t = RoleTable::new(&f);
            for key in [
                "call_id", "ID", "text", "body", "BODY", "会话ID", "x", " role ", "Text",
            ] {
                let want: [Option<usize>; 5] = Role::ALL.map(|r| f.rank(r, key));
                let got = t.ranks(key).copied().unwrap_or([None; 5]);
                assert_eq!(got, want, "{key} {f:?}");
            }
        }
    }

    #[test]
    fn chinese_headers() {
        let f = FieldMap::default();
        let r = f.resolve_header(&["会话ID", "序号", "角色", "内容", "时间"]);
        assert_eq!(r, [Some(0), Some(1), Some(2), Some(3), Some(4)]);
    }
}
