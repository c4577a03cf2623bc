//! The per-char rules of normalization, shared by the library and by `build.rs` (which
//! includes this file to generate the per-char table from the same code).

/// What normalization does to one char before traditional → simplified (None: dropped):
/// controls become a space (a newline stays), ASCII is lower-cased, variation selectors
/// and zero-width chars are dropped.
#[inline]
pub(crate) fn transform(c: char) -> Option<char> {
    let c = if c.is_control() && c != '\n' {
        ' '
    } else if c == '\r' {
        '\n'
    } else {
        c.to_ascii_lowercase()
    };
    if matches!(
        c,
        '\u{FE0E}' | '\u{FE0F}' | '\u{200B}' | '\u{200C}' | '\u{FEFF}'
    ) {
        return None;
    }
    Some(c)
}

/// Chars converted by their neighbours: fast2s's exclusion and special-case tables, and
/// 著, which the analyzer's own rule reads as 着 except in 著名 and the like.
#[allow(dead_code)] // read by build.rs and the tests
pub(crate) const CONTEXT_CHARS: &str = "兒覆夥藉瞭麽幺於乾著苧闔鍾讎畫";

/// Simplified chars that fast2s wrongly converts as if they were traditional (呵 → 嗬,
/// 呱 → 哌, 彷 → 仿): normalization keeps them as they are, so 呵呵 reads and shows as 呵呵.
pub(crate) const KEEP_CHARS: &str = "呵呱彷";
