//! From the pairs of a `statement` to a [`LineKind`], for a statement read straight from a
//! physical line or from a logical line rebuilt by the comment walk.
//!
//! `statement` is a silent rule, so its pairs come as siblings: the first one says what the
//! statement is (`section_header`, `unclosed_header`, `directive`, `invalid_escape`,
//! `leading_escape` or `key` for an assignment, `no_equals`), and an assignment's `key` and `value`
//! follow each other.

use std::cell::RefCell;
use std::iter::Peekable;
use std::ops::Range;

use pest::iterators::{Pair, Pairs};

use super::{
    Assignment, Directive, DirectiveId, HeaderId, LineError, LineErrorKind, LineKind, Operator,
    Rule, SectionHeader, StoredText, Text, HAS_FULL_NAME, HAS_GARBAGE, MAX_SECTION_NAME_BYTES,
};

/// Where a statement's text lives: offsets in the parsed text, mapped back to the file's bytes.
pub(super) trait StatementSource {
    /// The bytes pest parsed (for trimming: they have blanks where the file has a BOM).
    fn parsed(&self) -> &[u8];
    /// The bytes Asterisk reads for this range (with real `;` where pest saw DEL).
    fn original(&self, range: Range<usize>) -> &[u8];
    /// The file offset of a parsed-text offset.
    fn physical(&self, offset: usize) -> u32;
    /// The file's bytes.
    fn file(&self) -> &[u8];
    /// Whether parsed offsets are file offsets (a physical line), so that a range's original
    /// bytes are the file's bytes at its span.
    fn in_place(&self) -> bool;
}

/// A physical line read in place: offsets in the file are offsets in the parsed text.
pub(super) struct Physical<'a> {
    pub bytes: &'a [u8],
    pub parsed: &'a [u8],
}

impl StatementSource for Physical<'_> {
    fn parsed(&self) -> &[u8] {
        self.parsed
    }
    fn original(&self, range: Range<usize>) -> &[u8] {
        &self.bytes[range]
    }
    fn physical(&self, offset: usize) -> u32 {
        offset as u32
    }
    fn file(&self) -> &[u8] {
        self.bytes
    }
    fn in_place(&self) -> bool {
        true
    }
}

/// A logical line: the kept pieces of a physical line, joined, cut at the first NUL (C strings
/// end there).
pub(super) struct LogicalText<'a> {
    bytes: &'a [u8],
    /// What pest parses: literal `;` written as DEL so no rule stops at it.
    pub parse_text: String,
    original: Vec<u8>,
    /// `(logical offset, file offset)` of each piece's first byte.
    starts: Vec<(usize, u32)>,
}

impl<'a> LogicalText<'a> {
    pub fn new(bytes: &'a [u8], text: &str, pieces: Vec<Range<u32>>) -> LogicalText<'a> {
        let mut logical = LogicalText {
            bytes,
            parse_text: String::new(),
            original: Vec::new(),
            starts: Vec::with_capacity(pieces.len()),
        };
        for piece in pieces {
            let range = piece.start as usize..piece.end as usize;
            logical.starts.push((logical.original.len(), piece.start));
            let original = &bytes[range.clone()];
            if let Some(nul) = original.iter().position(|&b| b == 0) {
                logical.original.extend_from_slice(&original[..nul]);
                logical
                    .parse_text
                    .push_str(&text[range.start..range.start + nul].replace(';', "\u{7f}"));
                break;
            }
            logical.original.extend_from_slice(original);
            logical
                .parse_text
                .push_str(&text[range].replace(';', "\u{7f}"));
        }
        logical
    }
}

impl StatementSource for LogicalText<'_> {
    fn parsed(&self) -> &[u8] {
        self.parse_text.as_bytes()
    }
    fn original(&self, range: Range<usize>) -> &[u8] {
        &self.original[range]
    }
    fn physical(&self, offset: usize) -> u32 {
        let index = self
            .starts
            .partition_point(|&(logical, _)| logical <= offset)
            .saturating_sub(1);
        match self.starts.get(index) {
            Some(&(logical, file)) => file + (offset - logical) as u32,
            None => 0,
        }
    }
    fn file(&self) -> &[u8] {
        self.bytes
    }
    fn in_place(&self) -> bool {
        false
    }
}

/// Converts the statement whose first pair is next in `pairs`, taking its pairs (and no more).
/// Returns `Empty` when the next pair starts no statement (a `comment`, or nothing).
pub(super) fn convert<'i, S: StatementSource + ?Sized>(
    cx: &Cx<'_, S>,
    pairs: &mut Peekable<Pairs<'i, Rule>>,
) -> LineKind {
    let Some(first) = pairs.peek() else {
        return LineKind::Empty;
    };
    match first.as_rule() {
        Rule::leading_escape | Rule::key => cx.assignment(pairs),
        // No statement: the rest of the line, or the end of pest's input.
        Rule::comment | Rule::EOI => LineKind::Empty,
        _ => {
            let Some(pair) = pairs.next() else {
                return LineKind::Empty;
            };
            let span = cx.whole_span(&pair);
            match pair.as_rule() {
                Rule::section_header => cx.section_header(pair, span),
                Rule::directive => cx.directive(pair, span),
                Rule::unclosed_header => error(LineErrorKind::NoClosingBracket, span),
                Rule::invalid_escape => error(LineErrorKind::InvalidEscape, span),
                _ => error(LineErrorKind::NoEquals, span),
            }
        }
    }
}

fn error(kind: LineErrorKind, span: Range<u32>) -> LineKind {
    LineKind::Error(LineError { kind, span })
}

fn is_blank(b: u8) -> bool {
    b < 33
}

/// What statements keep outside their lines, until the tree takes it (see
/// [`super::SyntaxTree`]'s fields of the same names).
#[derive(Debug, Default)]
pub(super) struct Stored {
    pub texts: Vec<StoredText>,
    /// The headers' item ranges count from the start of this list.
    pub items: Vec<Text>,
    /// The lines' [`HeaderId`]s count from the start of this list.
    pub headers: Vec<SectionHeader>,
    /// The lines' [`DirectiveId`]s count from the start of this list.
    pub directives: Vec<Directive>,
}

/// A statement being converted: where its text lives, where pest's input started in it, and
/// where what it keeps outside its line goes.
///
/// Generic over the source so that reading a physical line (most lines) calls its small
/// accessors directly instead of through a vtable.
pub(super) struct Cx<'s, S: StatementSource + ?Sized> {
    pub source: &'s S,
    pub base: usize,
    pub stored: &'s RefCell<Stored>,
}

impl<S: StatementSource + ?Sized> Cx<'_, S> {
    fn range(&self, pair: &Pair<'_, Rule>) -> Range<usize> {
        let span = pair.as_span();
        self.base + span.start()..self.base + span.end()
    }

    /// Trims blanks (bytes below 33, as ast_strip) off a parsed range.
    pub(super) fn trim(&self, range: Range<usize>, left: bool) -> Range<usize> {
        let parsed = self.source.parsed();
        let (mut start, mut end) = (range.start, range.end);
        while left && start < end && is_blank(parsed[start]) {
            start += 1;
        }
        while end > start && is_blank(parsed[end - 1]) {
            end -= 1;
        }
        start..end
    }

    pub(super) fn span(&self, range: Range<usize>) -> Range<u32> {
        self.source.physical(range.start)..self.source.physical(range.end)
    }

    fn whole_span(&self, pair: &Pair<'_, Rule>) -> Range<u32> {
        self.span(self.trim(self.range(pair), true))
    }

    fn text(&self, range: Range<usize>) -> Text {
        let original = self.source.original(range.clone());
        let span = self.span(range);
        let in_place = self.source.in_place()
            || self
                .source
                .file()
                .get(span.start as usize..span.end as usize)
                == Some(original);
        // Most texts are short and ASCII: `is_ascii` answers them without from_utf8's call
        // (which was 3% of a large config's instructions).
        if in_place && (original.is_ascii() || std::str::from_utf8(original).is_ok()) {
            return Text { span };
        }
        let stored: Box<str> = String::from_utf8_lossy(original).into();
        self.stored.borrow_mut().texts.push((span.clone(), stored));
        Text { span }
    }

    fn directive(&self, pair: Pair<'_, Rule>, span: Range<u32>) -> LineKind {
        let mut name = None;
        let mut argument = None;
        for part in pair.into_inner() {
            match part.as_rule() {
                Rule::directive_name => name = Some(self.text(self.range(&part))),
                Rule::directive_argument => {
                    argument = Some(self.text(self.trim(self.range(&part), true)))
                }
                _ => {}
            }
        }
        match (name, argument) {
            (Some(name), Some(argument)) => {
                let mut stored = self.stored.borrow_mut();
                stored.directives.push(Directive {
                    name,
                    argument,
                    span,
                });
                LineKind::Directive(DirectiveId(stored.directives.len() as u32 - 1))
            }
            _ => LineKind::Empty,
        }
    }

    fn section_header(&self, header: Pair<'_, Rule>, span: Range<u32>) -> LineKind {
        let mut name = None;
        let mut items = None;
        let mut garbage = None;
        for part in header.into_inner() {
            match part.as_rule() {
                Rule::section_name => name = Some(self.range(&part)),
                Rule::section_options => items = Some(part.into_inner()),
                Rule::unclosed_options => {
                    return error(LineErrorKind::NoClosingParenthesis, span);
                }
                Rule::header_garbage => garbage = Some(self.range(&part)),
                _ => {}
            }
        }
        let items = items.map(|items| items.map(|item| self.range(&item)));
        match name {
            Some(name) => self.header(name, items, garbage, span),
            None => error(LineErrorKind::NoClosingBracket, span),
        }
    }

    /// A header from the ranges of its parts: `name` between the brackets, the items of
    /// `(...)`, and what follows the header (trimmed here; nothing left means no garbage).
    pub(super) fn header(
        &self,
        name: Range<usize>,
        items: Option<impl Iterator<Item = Range<usize>>>,
        garbage: Option<Range<usize>>,
        span: Range<u32>,
    ) -> LineKind {
        let (name, full_name) = if self.source.original(name.clone()).len() > MAX_SECTION_NAME_BYTES
        {
            let cut = self.text(name.start..name.start + MAX_SECTION_NAME_BYTES);
            let full_name = Text {
                span: cut.span.start..self.text(name).span.end,
            };
            (cut, Some(full_name))
        } else {
            (self.text(name), None)
        };
        let items_start = self.stored.borrow().items.len() as u32;
        for range in items.into_iter().flatten() {
            let item = self.text(range);
            self.stored.borrow_mut().items.push(item);
        }
        let mut extras = self.stored.borrow().items.len() as u32 - items_start;
        let garbage = garbage
            .map(|range| self.trim(range, true))
            .filter(|range| !range.is_empty())
            .map(|range| self.text(range));
        let mut stored = self.stored.borrow_mut();
        if let Some(garbage) = garbage {
            stored.items.push(garbage);
            extras |= HAS_GARBAGE;
        }
        if let Some(full_name) = full_name {
            stored.items.push(full_name);
            extras |= HAS_FULL_NAME;
        }
        stored.headers.push(SectionHeader {
            name,
            span,
            items_start,
            extras,
        });
        LineKind::Section(HeaderId(stored.headers.len() as u32 - 1))
    }

    /// `leading_escape? key value`: the operator is the text between `key` and `value`.
    fn assignment<'i>(&self, pairs: &mut Peekable<Pairs<'i, Rule>>) -> LineKind {
        let mut start = None;
        if pairs.peek().map(|p| p.as_rule()) == Some(Rule::leading_escape) {
            start = pairs.next().map(|p| self.range(&p).start);
        }
        let Some(key) = pairs.next_if(|p| p.as_rule() == Rule::key) else {
            return LineKind::Empty;
        };
        let Some(value) = pairs.next_if(|p| p.as_rule() == Rule::value) else {
            return LineKind::Empty;
        };
        self.assignment_parts(start, self.range(&key), self.range(&value))
    }

    /// An assignment from the ranges of its parts: `escape` is where a leading `\` was, `key`
    /// runs up to the operator and `value` from just after it.
    pub(super) fn assignment_parts(
        &self,
        escape: Option<usize>,
        key: Range<usize>,
        value: Range<usize>,
    ) -> LineKind {
        let operator_range = key.end..value.start;
        let op = if self.source.parsed().get(key.end) == Some(&b'+') {
            Operator::Append
        } else {
            Operator::Set
        };
        let trimmed_key = self.trim(key.clone(), true);
        if trimmed_key.is_empty() {
            let whole = self.trim(escape.unwrap_or(key.start)..value.end, true);
            return error(LineErrorKind::NoKey, self.span(whole));
        }
        // For `+=` Asterisk joins the raw text after `=` (leading blanks included) and trims after.
        let value = self.trim(value, op == Operator::Set);
        LineKind::Assignment(Assignment::new(
            self.text(trimmed_key),
            op,
            self.span(operator_range),
            self.text(value),
        ))
    }
}
