//! Lines as the tree keeps them: 16 bytes each, where a [`Line`] takes 32; the rare line whose
//! parts do not fit is kept whole beside them.
//!
//! A large configuration has millions of lines and they are the largest part of pjsiplint's
//! memory: on the 2-core VMs of issue 21 each megabyte first touched costs about 0.8 ms, and
//! halving the lines took 21 MB off the peak of 100k phones on templates and 1-5% off the time
//! (README, Benchmark). Nearly every line fits: Asterisk reads no line longer than
//! [`MAX_LINE_BYTES`], so every offset within one fits in 13 bits from the line's start. What does
//! not fit (a statement read across physical lines by a block comment, a line Asterisk skips as
//! too long, 64 blanks or more around `=`) is a [`Line`] in the tree's `wide` list, and the packed
//! line holds its index there.

use std::ops::Range;

use super::{
    Assignment, DirectiveId, HeaderId, IgnoredBecause, Line, LineError, LineErrorKind, LineKind,
    LineTag, Operator, Statement, Text, MAX_LINE_BYTES,
};

/// A line's start and three words: [`TAG`] (what the line holds), [`LEN`] (from start to end)
/// and [`COMMENT`] (from start to its `;`, or [`NO_COMMENT`]) in the first, then what the tag
/// says in the other two. Each field is read with one shift and one mask: lines are read far
/// more often than they are made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PackedLine {
    start: u32,
    head: u32,
    first: u32,
    second: u32,
}

const _: () = assert!(std::mem::size_of::<PackedLine>() == 16);

/// An offset or a length within a line Asterisk reads (see the module comment).
const OFFSET_BITS: u32 = 13;
const _: () = assert!(MAX_LINE_BYTES < (1 << OFFSET_BITS) - 1);

/// A field: (first bit, width) within its word.
type Field = (u32, u32);

/// In `head`.
const TAG: Field = (0, 3);
const LEN: Field = (3, OFFSET_BITS);
const COMMENT: Field = (3 + OFFSET_BITS, OFFSET_BITS);
/// An assignment: the key's offset and length and the blanks between it and the operator in
/// `first`; the value's and the blanks between the operator and it in `second`.
const AT: Field = (0, OFFSET_BITS);
const SPAN_LEN: Field = (OFFSET_BITS, OFFSET_BITS);
const GAP: Field = (2 * OFFSET_BITS, 32 - 2 * OFFSET_BITS);
/// An error: its kind in `second` (its span as an assignment's key, in `first`). An ignored
/// line: why, in `first`. A header, a directive or a wide line: its index is `first`.
const ERROR_KIND: Field = (0, 3);

/// [`COMMENT`] of a line without one: no offset within a line that fits reaches it.
const NO_COMMENT: u32 = (1 << OFFSET_BITS) - 1;

/// The values of [`TAG`].
const EMPTY: u32 = 0;
const IGNORED: u32 = 1;
const SECTION: u32 = 2;
const SET: u32 = 3;
const APPEND: u32 = 4;
const DIRECTIVE: u32 = 5;
const ERROR: u32 = 6;
const WIDE: u32 = 7;

const IGNORED_BECAUSE: [IgnoredBecause; 4] = [
    IgnoredBecause::BlockComment,
    IgnoredBecause::AfterStrayBlockEnd,
    IgnoredBecause::TooLong,
    IgnoredBecause::NestLimit,
];

const ERROR_KINDS: [LineErrorKind; 5] = [
    LineErrorKind::NoClosingBracket,
    LineErrorKind::NoClosingParenthesis,
    LineErrorKind::InvalidEscape,
    LineErrorKind::NoEquals,
    LineErrorKind::NoKey,
];

/// The words being filled, with whether every field fitted.
#[derive(Default)]
struct Words {
    words: [u32; 3],
    fits: bool,
}

impl Words {
    fn put(&mut self, word: usize, (at, width): Field, field: u32) {
        if u64::from(field) >= 1 << width {
            self.fits = false;
            return;
        }
        self.words[word] |= field << at;
    }

    /// A span within the line starting at `start`: its offset and length.
    fn put_span(&mut self, word: usize, start: u32, span: &Range<u32>) {
        match (
            span.start.checked_sub(start),
            span.end.checked_sub(span.start),
        ) {
            (Some(offset), Some(len)) => {
                self.put(word, AT, offset);
                self.put(word, SPAN_LEN, len);
            }
            _ => self.fits = false,
        }
    }
}

#[inline(always)]
fn get(word: u32, (at, width): Field) -> u32 {
    (word >> at) & ((1 << width) - 1)
}

impl PackedLine {
    /// `line` packed, or `None` when a part of it does not fit.
    pub(crate) fn pack(line: &Line) -> Option<PackedLine> {
        let start = line.start;
        let mut words = Words {
            fits: true,
            ..Words::default()
        };
        let (head, first, second) = (0, 1, 2);
        words.put(head, LEN, line.end.checked_sub(start)?);
        match line.comment_start() {
            // At the reserved offset it would read back as none.
            Some(at) => match at.checked_sub(start) {
                Some(offset) if offset < NO_COMMENT => words.put(head, COMMENT, offset),
                _ => return None,
            },
            None => words.put(head, COMMENT, NO_COMMENT),
        }
        let tag = match &line.kind {
            LineKind::Empty => EMPTY,
            LineKind::Ignored(why) => {
                words.words[first] = IGNORED_BECAUSE.iter().position(|w| w == why)? as u32;
                IGNORED
            }
            LineKind::Section(id) => {
                words.words[first] = id.0;
                SECTION
            }
            LineKind::Directive(id) => {
                words.words[first] = id.0;
                DIRECTIVE
            }
            LineKind::Assignment(assignment) => {
                words.put_span(first, start, &assignment.key.span);
                words.put_span(second, start, &assignment.value.span);
                let (before, after) = assignment.gaps();
                words.put(first, GAP, before);
                words.put(second, GAP, after);
                match assignment.operator() {
                    Operator::Set => SET,
                    Operator::Append => APPEND,
                }
            }
            LineKind::Error(error) => {
                words.put_span(first, start, &error.span);
                let kind = ERROR_KINDS.iter().position(|k| *k == error.kind)?;
                words.put(second, ERROR_KIND, kind as u32);
                ERROR
            }
        };
        words.put(head, TAG, tag);
        let [head, first, second] = words.words;
        words.fits.then_some(PackedLine {
            start,
            head,
            first,
            second,
        })
    }

    /// A line kept whole at `index` of the tree's wide lines.
    pub(crate) fn wide(start: u32, index: usize) -> PackedLine {
        PackedLine {
            start,
            head: WIDE << TAG.0,
            first: u32::try_from(index).expect("fewer wide lines than bytes"),
            second: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn start(&self) -> u32 {
        self.start
    }

    #[inline(always)]
    fn tag_bits(&self) -> u32 {
        get(self.head, TAG)
    }

    /// What the line holds, without reading it.
    #[inline(always)]
    pub(crate) fn tag(&self, wide: &[Line]) -> LineTag {
        match self.tag_bits() {
            EMPTY => LineTag::Empty,
            IGNORED => LineTag::Ignored,
            SECTION => LineTag::Section,
            SET | APPEND => LineTag::Assignment,
            DIRECTIVE => LineTag::Directive,
            ERROR => LineTag::Error,
            _ => LineTag::of(&wide[self.first as usize].kind),
        }
    }

    /// What the line states, read without the rest of it.
    #[inline(always)]
    pub(crate) fn statement(&self, wide: &[Line]) -> Statement {
        match self.tag_bits() {
            EMPTY | IGNORED => Statement::Nothing,
            SECTION => Statement::Header(HeaderId(self.first)),
            SET => Statement::Assignment(self.key(), Operator::Set),
            APPEND => Statement::Assignment(self.key(), Operator::Append),
            DIRECTIVE => Statement::Directive(DirectiveId(self.first)),
            ERROR => Statement::Error(ERROR_KINDS[get(self.second, ERROR_KIND) as usize]),
            _ => Statement::of(&wide[self.first as usize].kind),
        }
    }

    /// The key of an assignment packed in the line.
    #[inline(always)]
    fn key(&self) -> Text {
        Text {
            span: self.span(self.first),
        }
    }

    /// The index in the tree's wide lines, for a line kept whole.
    pub(crate) fn wide_index(&self) -> Option<usize> {
        (self.tag_bits() == WIDE).then_some(self.first as usize)
    }

    /// Adds `by` to the index this line holds of `tag`'s kind (a header's, a directive's, a
    /// wide line's): a chunk's indexes count from 0 until its lists join the tree's.
    fn shift_index(&mut self, tag: u32, by: u32) {
        if self.tag_bits() == tag {
            self.first += by;
        }
    }

    /// Whether the line holds an index of a header, a directive or a wide line (the ones
    /// [`PackedLine::shift_header`] and the others move).
    pub(crate) fn holds_index(&self) -> bool {
        matches!(self.tag_bits(), SECTION | DIRECTIVE | WIDE)
    }

    pub(crate) fn shift_header(&mut self, by: u32) {
        self.shift_index(SECTION, by);
    }

    pub(crate) fn shift_directive(&mut self, by: u32) {
        self.shift_index(DIRECTIVE, by);
    }

    pub(crate) fn shift_wide(&mut self, by: u32) {
        self.shift_index(WIDE, by);
    }

    #[inline(always)]
    fn span(&self, word: u32) -> Range<u32> {
        let from = self.start + get(word, AT);
        from..from + get(word, SPAN_LEN)
    }

    /// The assignment this line holds, if it holds one (read without the rest of the line).
    #[inline(always)]
    pub(crate) fn assignment(&self, wide: &[Line]) -> Option<Assignment> {
        match self.packed_operator() {
            Some(operator) => Some(self.packed_assignment(operator)),
            None => self.wide_assignment(wide).cloned(),
        }
    }

    /// The value and operator of the assignment this line holds, if it holds one: what most
    /// reads of a line want, without making the whole [`Assignment`] (its key and the gaps
    /// around its operator).
    #[inline(always)]
    pub(crate) fn value(&self, wide: &[Line]) -> Option<(Text, Operator)> {
        match self.packed_operator() {
            Some(operator) => Some((
                Text {
                    span: self.span(self.second),
                },
                operator,
            )),
            None => self
                .wide_assignment(wide)
                .map(|assignment| (assignment.value.clone(), assignment.operator())),
        }
    }

    /// The operator of an assignment packed in the line; none for any other line (and for an
    /// assignment kept whole).
    #[inline(always)]
    fn packed_operator(&self) -> Option<Operator> {
        match self.tag_bits() {
            SET => Some(Operator::Set),
            APPEND => Some(Operator::Append),
            _ => None,
        }
    }

    /// The assignment of a line kept whole, if it is one.
    #[inline(always)]
    fn wide_assignment<'w>(&self, wide: &'w [Line]) -> Option<&'w Assignment> {
        match &wide.get(self.wide_index()?)?.kind {
            LineKind::Assignment(assignment) => Some(assignment),
            _ => None,
        }
    }

    #[inline(always)]
    fn packed_assignment(&self, operator: Operator) -> Assignment {
        let key = self.key();
        let value = Text {
            span: self.span(self.second),
        };
        let operator_span =
            key.span.end + get(self.first, GAP)..value.span.start - get(self.second, GAP);
        Assignment::new(key, operator, operator_span, value)
    }

    /// The line again; `wide` are the tree's wide lines.
    #[inline(always)]
    pub(crate) fn unpack(&self, wide: &[Line]) -> Line {
        let kind = match self.tag_bits() {
            EMPTY => LineKind::Empty,
            IGNORED => LineKind::Ignored(IGNORED_BECAUSE[self.first as usize & 3]),
            SECTION => LineKind::Section(HeaderId(self.first)),
            DIRECTIVE => LineKind::Directive(DirectiveId(self.first)),
            SET => LineKind::Assignment(self.packed_assignment(Operator::Set)),
            APPEND => LineKind::Assignment(self.packed_assignment(Operator::Append)),
            ERROR => LineKind::Error(LineError {
                kind: ERROR_KINDS[get(self.second, ERROR_KIND) as usize],
                span: self.span(self.first),
            }),
            _ => return wide[self.first as usize].clone(),
        };
        let start = self.start;
        let comment = get(self.head, COMMENT);
        let mut line = Line::new(start, start + get(self.head, LEN));
        line.kind = kind;
        line.set_comment_start((comment != NO_COMMENT).then(|| start + comment));
        line
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Line, LineKind, LineTag};
    use super::PackedLine;
    use proptest::prelude::*;

    /// Every line of `input` reads back as it was made: packed, or kept whole.
    fn round_trip(input: &str) -> usize {
        let tree = parse(input.as_bytes());
        let mut packed = 0;
        for (index, line) in tree.lines().enumerate() {
            assert_eq!(tree.tag(index), LineTag::of(&line.kind), "{input:?}");
            // A value read alone is the value of the whole assignment.
            let whole = tree
                .assignment(index)
                .map(|assignment| (assignment.value.clone(), assignment.operator()));
            assert_eq!(tree.assignment_value(index), whole, "{input:?}");
            if let Some(again) = PackedLine::pack(&line) {
                assert_eq!(again.unpack(&[]), line, "{input:?}");
                packed += 1;
            }
        }
        packed
    }

    #[test]
    fn every_kind_of_line_packs_and_reads_back() {
        let input = "[a](t,u)\n key = value ; note\nkey+=more\n#include x.conf\n\
                     noequals\n= nokey\n[b\n;-- open\nhidden\n--; k=v\n\n  \t\n";
        let lines = input.matches('\n').count() + 1;
        assert_eq!(round_trip(input), lines);
    }

    #[test]
    fn what_does_not_fit_is_kept_whole() {
        let wide = |gap: usize| format!("k{}=v\n", " ".repeat(gap));
        // Blanks before `=`: 63 fit in the gap's 6 bits, 64 do not.
        let tree = parse(wide(63).as_bytes());
        assert!(tree.wide.is_empty());
        let tree = parse(wide(64).as_bytes());
        assert_eq!(tree.wide.len(), 1);
        let LineKind::Assignment(assignment) = tree.line(0).kind else {
            panic!("{:?}", tree.line(0));
        };
        assert_eq!(assignment.operator_span(), 65..66);
        // A statement read across lines by a block comment, and a line Asterisk skips.
        let input = format!("k=;-- a\n--;v\n{}\nlast=1\n", "x".repeat(9000));
        let tree = parse(input.as_bytes());
        round_trip(&input);
        assert!(!tree.wide.is_empty());
        assert!(matches!(tree.line(3).kind, LineKind::Assignment(_)));
    }

    #[test]
    fn a_comment_at_the_reserved_offset_does_not_pack() {
        let mut line = Line::new(0, 9000);
        line.set_comment_start(Some(super::NO_COMMENT));
        assert!(PackedLine::pack(&line).is_none());
        line.end = 100;
        line.set_comment_start(Some(99));
        assert_eq!(PackedLine::pack(&line).map(|p| p.unpack(&[])), Some(line));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Lines of any mix of the language's marks and long blanks read back as they were made.
        #[test]
        fn any_line_reads_back(input in "([ \t]{0,70}|[a-z]{1,3}|[\\[\\]()=+>,;#\\\\-]|;--|--;|\n){0,40}") {
            round_trip(&input);
        }
    }
}
