//! From a `statement` pair to a [`LineKind`], for a statement read straight from a physical line
//! or from a logical line rebuilt by the comment walk.

use std::ops::Range;

use pest::iterators::Pair;

use super::{
    Assignment, Directive, LineError, LineErrorKind, LineKind, Operator, Rule, SectionHeader, Text,
    MAX_SECTION_NAME_BYTES,
};

/// Where a statement's text lives: offsets in the parsed text, mapped back to the file's bytes.
trait StatementSource {
    /// The bytes pest parsed (for trimming: they have blanks where the file has a BOM).
    fn parsed(&self) -> &[u8];
    /// The bytes Asterisk reads for this range (with real `;` where pest saw DEL).
    fn original(&self, range: Range<usize>) -> &[u8];
    /// The file offset of a parsed-text offset.
    fn physical(&self, offset: usize) -> u32;
}

struct Physical<'a> {
    bytes: &'a [u8],
    parsed: &'a [u8],
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
}

/// A logical line: the kept pieces of a physical line, joined, cut at the first NUL (C strings
/// end there).
pub(super) struct LogicalText {
    /// What pest parses: literal `;` written as DEL so no rule stops at it.
    pub parse_text: String,
    original: Vec<u8>,
    /// `(logical offset, file offset)` of each piece's first byte.
    starts: Vec<(usize, u32)>,
}

impl LogicalText {
    pub fn new(bytes: &[u8], text: &str, pieces: Vec<Range<u32>>) -> LogicalText {
        let mut logical = LogicalText {
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

impl StatementSource for LogicalText {
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
}

pub(super) fn from_physical(bytes: &[u8], parsed: &str, stmt: Pair<'_, Rule>) -> LineKind {
    convert(
        &Physical {
            bytes,
            parsed: parsed.as_bytes(),
        },
        stmt,
    )
}

pub(super) fn from_logical(logical: &LogicalText, stmt: Pair<'_, Rule>) -> LineKind {
    convert(logical, stmt)
}

fn is_blank(b: u8) -> bool {
    b < 33
}

/// Trims blanks (bytes below 33, as ast_strip) off a parsed range.
fn trim(source: &dyn StatementSource, range: Range<usize>, left: bool) -> Range<usize> {
    let parsed = source.parsed();
    let (mut start, mut end) = (range.start, range.end);
    while left && start < end && is_blank(parsed[start]) {
        start += 1;
    }
    while end > start && is_blank(parsed[end - 1]) {
        end -= 1;
    }
    start..end
}

fn text(source: &dyn StatementSource, range: Range<usize>) -> Text {
    Text {
        text: String::from_utf8_lossy(source.original(range.clone())).into_owned(),
        span: source.physical(range.start)..source.physical(range.end),
    }
}

fn range_of(pair: &Pair<'_, Rule>) -> Range<usize> {
    pair.as_span().start()..pair.as_span().end()
}

fn convert(source: &dyn StatementSource, stmt: Pair<'_, Rule>) -> LineKind {
    let Some(inner) = stmt.into_inner().next() else {
        return LineKind::Empty;
    };
    let whole = trim(source, range_of(&inner), true);
    let whole_span = source.physical(whole.start)..source.physical(whole.end);
    match inner.as_rule() {
        Rule::section_header => section_header(source, inner, whole_span),
        Rule::directive => {
            let mut name = None;
            let mut argument = None;
            for part in inner.into_inner() {
                match part.as_rule() {
                    Rule::directive_name => name = Some(text(source, range_of(&part))),
                    Rule::directive_argument => {
                        argument = Some(text(source, trim(source, range_of(&part), true)))
                    }
                    _ => {}
                }
            }
            match (name, argument) {
                (Some(name), Some(argument)) => LineKind::Directive(Directive {
                    name,
                    argument,
                    span: whole_span,
                }),
                _ => LineKind::Empty,
            }
        }
        Rule::assignment => assignment(source, inner, whole_span),
        Rule::invalid_escape => LineKind::Error(LineError {
            kind: LineErrorKind::InvalidEscape,
            span: whole_span,
        }),
        _ => LineKind::Error(LineError {
            kind: LineErrorKind::NoEquals,
            span: whole_span,
        }),
    }
}

fn section_header(
    source: &dyn StatementSource,
    header: Pair<'_, Rule>,
    span: Range<u32>,
) -> LineKind {
    let mut name = None;
    let mut closed = false;
    let mut options: Option<Vec<Text>> = None;
    let mut options_closed = false;
    let mut garbage = None;
    for part in header.into_inner() {
        match part.as_rule() {
            Rule::section_name => name = Some(range_of(&part)),
            Rule::section_close => closed = true,
            Rule::section_options => {
                let mut items = Vec::new();
                for item in part.into_inner() {
                    match item.as_rule() {
                        Rule::section_option => items.push(text(source, range_of(&item))),
                        Rule::options_close => options_closed = true,
                        _ => {}
                    }
                }
                options = Some(items);
            }
            Rule::header_rest => {
                let rest = trim(source, range_of(&part), true);
                if !rest.is_empty() {
                    garbage = Some(text(source, rest));
                }
            }
            _ => {}
        }
    }
    let error = |kind| {
        LineKind::Error(LineError {
            kind,
            span: span.clone(),
        })
    };
    if !closed {
        return error(LineErrorKind::NoClosingBracket);
    }
    if options.is_some() && !options_closed {
        return error(LineErrorKind::NoClosingParenthesis);
    }
    let Some(name_range) = name else {
        return error(LineErrorKind::NoClosingBracket);
    };
    let original = source.original(name_range.clone());
    let (stored, full_name) = if original.len() > MAX_SECTION_NAME_BYTES {
        let cut = name_range.start..name_range.start + MAX_SECTION_NAME_BYTES;
        (
            text(source, cut),
            Some(String::from_utf8_lossy(original).into_owned()),
        )
    } else {
        (text(source, name_range), None)
    };
    LineKind::Section(SectionHeader {
        name: stored,
        full_name,
        options,
        garbage,
        span,
    })
}

fn assignment(source: &dyn StatementSource, pair: Pair<'_, Rule>, span: Range<u32>) -> LineKind {
    let mut key = None;
    let mut operator = None;
    let mut value = None;
    for part in pair.into_inner() {
        match part.as_rule() {
            Rule::key => key = Some(range_of(&part)),
            Rule::operator => operator = Some(part),
            Rule::value => value = Some(range_of(&part)),
            _ => {}
        }
    }
    let (Some(key), Some(operator), Some(value)) = (key, operator, value) else {
        return LineKind::Empty;
    };
    let op = if operator.as_str() == "+=" {
        Operator::Append
    } else {
        Operator::Set
    };
    let key = trim(source, key, true);
    if key.is_empty() {
        return LineKind::Error(LineError {
            kind: LineErrorKind::NoKey,
            span,
        });
    }
    // For `+=` Asterisk joins the raw text after `=` (leading blanks included) and trims after.
    let value = trim(source, value, op == Operator::Set);
    let operator_range = range_of(&operator);
    LineKind::Assignment(Assignment {
        key: text(source, key),
        operator: op,
        operator_span: source.physical(operator_range.start)..source.physical(operator_range.end),
        value: text(source, value),
    })
}
