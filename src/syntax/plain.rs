//! The statements almost every line holds, read without pest: an empty statement, `key = value`,
//! `key += value`, and a `[name]` header with or without `(...)` and garbage after it.
//!
//! pest costs about 2,000 instructions a line, which made parsing most of the time of a large
//! config. This reader finds the same ranges the grammar's `statement` rule would (see the rules
//! `section_header` and `assignment` in `grammar/pjsip.pest`) and gives them to the same
//! constructors; anything else (a directive, a leading `\`, a header without `]` or `)`, text
//! without `=`) returns `None` and is parsed by pest. `tests::agrees_with_the_grammar` checks on
//! random lines that both readings are the same.

use std::ops::Range;

use super::statement::{Cx, StatementSource};
use super::LineKind;

/// The statement of `range` (a physical line cut at its first `;`, offsets in `cx`'s parsed
/// text), or `None` when the grammar must read it.
pub(super) fn statement<S: StatementSource + ?Sized>(
    cx: &Cx<'_, S>,
    range: Range<usize>,
) -> Option<LineKind> {
    let parsed = cx.source.parsed();
    let text = &parsed[range.clone()];
    let Some(first) = text.iter().position(|&b| b >= 33) else {
        return Some(LineKind::Empty);
    };
    let start = range.start + first;
    match parsed[start] {
        b'[' => header(cx, start, range.end),
        b'#' | b'\\' => None,
        _ => assignment(cx, start, range.end),
    }
}

/// `[name]`, then `(items)` if `(` follows at once, then anything (garbage).
fn header<S: StatementSource + ?Sized>(
    cx: &Cx<'_, S>,
    start: usize,
    end: usize,
) -> Option<LineKind> {
    let parsed = cx.source.parsed();
    let name_start = start + 1;
    let name_end = name_start + memchr::memchr(b']', &parsed[name_start..end])?;
    let mut after = name_end + 1;
    let mut items = None;
    if parsed.get(after) == Some(&b'(') && after < end {
        let items_start = after + 1;
        let close = items_start + memchr::memchr(b')', &parsed[items_start..end])?;
        // Split at every `,`: one item more than commas, each maybe empty.
        items = Some(parsed[items_start..close].split(|&b| b == b',').scan(
            items_start,
            |item_start, item| {
                let range = *item_start..*item_start + item.len();
                *item_start = range.end + 1;
                Some(range)
            },
        ));
        after = close + 1;
    }
    let garbage = (after < end).then_some(after..end);
    let span = cx.span(cx.trim(start..end, true));
    Some(cx.header(name_start..name_end, items, garbage, span))
}

/// `key = value`, `key => value`, `key += value`: the key ends at the first `=` (or at the `+`
/// of a `+=`).
fn assignment<S: StatementSource + ?Sized>(
    cx: &Cx<'_, S>,
    start: usize,
    end: usize,
) -> Option<LineKind> {
    let parsed = cx.source.parsed();
    let equals = start + memchr::memchr(b'=', &parsed[start..end])?;
    let (key_end, value_start) = if equals > start && parsed[equals - 1] == b'+' {
        (equals - 1, equals + 1)
    } else if parsed.get(equals + 1) == Some(&b'>') && equals + 1 < end {
        (equals, equals + 2)
    } else {
        (equals, equals + 1)
    };
    Some(cx.assignment_parts(None, start..key_end, value_start..end))
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use pest::Parser;
    use proptest::prelude::*;

    use super::super::statement::{self, Cx, Physical};
    use super::super::{LineKind, PjsipGrammar, Rule};

    /// `read` applied to a physical line, with the texts it stored.
    fn reading(
        line: &str,
        read: impl FnOnce(&Cx<'_, Physical<'_>>) -> Option<LineKind>,
    ) -> Option<String> {
        let source = Physical {
            bytes: line.as_bytes(),
            parsed: line.as_bytes(),
        };
        let stored = RefCell::default();
        let cx = Cx {
            source: &source,
            base: 0,
            stored: &stored,
        };
        let kind = read(&cx)?;
        Some(format!("{kind:?} {:?}", stored.into_inner()))
    }

    /// What pest reads from one physical line (the `physical_line` rule).
    fn by_grammar(line: &str) -> String {
        let read = |cx: &Cx<'_, Physical<'_>>| {
            let pairs = PjsipGrammar::parse(Rule::physical_line, line).expect("accepts any line");
            Some(statement::convert(cx, &mut pairs.peekable()))
        };
        reading(line, read).unwrap_or_default()
    }

    fn by_plain(line: &str) -> Option<String> {
        let end = line.find(';').unwrap_or(line.len());
        reading(line, |cx| super::statement(cx, 0..end))
    }

    #[test]
    fn reads_the_common_lines() {
        for line in [
            "",
            "  \t",
            "; only a comment",
            "type=endpoint",
            " allow = ulaw,alaw ; codecs",
            "key+= more",
            "key => value",
            "=>x",
            " = value",
            "[name]",
            "[name](!)",
            "[name](a,b ,c) trailing",
            "[name] (!)",
            "[]",
            "[a](",
            "k=v=w+=x",
            "+=",
        ] {
            let plain = by_plain(line);
            if let Some(plain) = &plain {
                assert_eq!(plain, &by_grammar(line), "{line:?}");
            }
        }
        assert!(by_plain("[a](").is_none());
        assert!(by_plain("[a").is_none());
        assert!(by_plain("#include x").is_none());
        assert!(by_plain("no equals").is_none());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Wherever the plain reader answers, it answers as the grammar does.
        #[test]
        fn agrees_with_the_grammar(line in "[ \t\r\x00\x01a-z\\[\\]()=+>,;#\\\\\u{e9}-]{0,24}") {
            if let Some(plain) = by_plain(&line) {
                prop_assert_eq!(plain, by_grammar(&line), "{:?}", line);
            }
        }
    }
}
