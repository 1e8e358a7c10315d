//! The comment markers of a run of lines (`\;`, `;--`, `--;`, `;`): the grammar's `lexical`
//! rule written by hand, checked against the grammar below.
//!
//! pest was a quarter of the parse on files with a comment on every few lines: its token queue
//! and line index for the whole run, grown and freed for every chunk (README, Benchmark). Every
//! marker holds a `;`, so a `memchr` for `;` finds them all.

use std::ops::Range;

use super::chunk::Marker;

/// Appends the markers of `run` in order, as `lexical` reads them, with `base` added to their
/// offsets.
pub(super) fn find(run: &[u8], base: usize, out: &mut Vec<(Marker, Range<u32>)>) {
    // Where `lexical`'s text between markers starts: a marker never starts before it.
    let mut from = 0;
    while let Some(found) = memchr::memchr(b';', &run[from..]) {
        let at = from + found;
        let before = &run[from..at];
        // The text stops at the first place a marker starts; `--;` and `\;` start before the
        // `;` (they cannot both end at it), and are tried in the grammar's order.
        let (marker, start, end) = if before.ends_with(b"\\") {
            (Marker::Escape, at - 1, at + 1)
        } else if before.ends_with(b"--") {
            (Marker::Close, at - 2, at + 1)
        } else if run[at + 1..].starts_with(b"--") && run.get(at + 3) != Some(&b'-') {
            (Marker::Open, at, at + 3)
        } else {
            (Marker::Semicolon, at, at + 1)
        };
        out.push((marker, (base + start) as u32..(base + end) as u32));
        from = end;
    }
}

#[cfg(test)]
mod tests {
    use pest::Parser;
    use proptest::prelude::*;

    use super::super::{PjsipGrammar, Rule};
    use super::*;

    /// The markers as the grammar's `lexical` rule finds them.
    fn by_grammar(run: &str) -> Vec<(Marker, Range<u32>)> {
        let pairs = PjsipGrammar::parse(Rule::lexical, run).expect("lexical accepts any text");
        pairs
            .filter_map(|pair| {
                let marker = match pair.as_rule() {
                    Rule::escaped_semicolon => Marker::Escape,
                    Rule::block_open => Marker::Open,
                    Rule::block_close => Marker::Close,
                    Rule::semicolon => Marker::Semicolon,
                    _ => return None,
                };
                let span = pair.as_span();
                Some((marker, span.start() as u32..span.end() as u32))
            })
            .collect()
    }

    fn by_hand(run: &str) -> Vec<(Marker, Range<u32>)> {
        let mut found = Vec::new();
        find(run.as_bytes(), 0, &mut found);
        found
    }

    #[test]
    fn each_marker_as_the_grammar_reads_it() {
        for run in [
            "a=b ; c",
            "\\;",
            ";--",
            ";---",
            "--;",
            "---;",
            ";--;",
            "\\\\;",
            "-\\;",
            ";-- x --;",
            "a;b;\n;c",
            "",
            "--",
            "\\",
        ] {
            assert_eq!(by_hand(run), by_grammar(run), "{run:?}");
        }
        assert_eq!(
            by_hand(";--; a\\; b --;;---"),
            vec![
                (Marker::Open, 0..3),
                (Marker::Semicolon, 3..4),
                (Marker::Escape, 6..8),
                (Marker::Close, 11..14),
                (Marker::Semicolon, 14..15),
            ]
        );
    }

    proptest! {
        #[test]
        fn markers_as_the_grammar_finds_them(run in "[;\\\\\\-a\n ]{0,40}") {
            prop_assert_eq!(by_hand(&run), by_grammar(&run));
        }
    }
}
