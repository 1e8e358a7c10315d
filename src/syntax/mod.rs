//! Lossless syntax: a file becomes a list of physical lines, each with the statement Asterisk
//! reads from it. The lines partition the input, so printing them gives the input back byte for
//! byte ([`SyntaxTree::print`]). A bad line is kept as a [`LineKind::Error`] and parsing goes on.
//!
//! The grammar is `grammar/pjsip.pest`. `chunk.rs` parses runs of lines (both grammar stages, on
//! all cores for a large file), the block-comment walk that needs state across lines is in
//! `comments.rs` and takes the chunks in order as they are parsed (`stream.rs`: the model's
//! builder reads a large file's first lines while the rest is parsed), `statement.rs` turns a
//! statement's pest pairs into [`LineKind`]s, and `packed.rs` keeps each line in 16 bytes
//! ([`SyntaxTree::line`] unpacks one).

mod chunk;
mod comments;
mod markers;
mod packed;
mod plain;
mod statement;
mod stream;

use std::ops::Range;

use pest_derive::Parser;

use crate::source::SourceFile;
use packed::PackedLine;
use stream::Added;
pub use stream::{Counts, ParseStream};

/// The pest parser for `grammar/pjsip.pest`.
#[derive(Parser)]
#[grammar = "../grammar/pjsip.pest"]
pub(crate) struct PjsipGrammar;

/// Asterisk reads lines with `fgets` into `char buf[8192]`: longer lines are skipped
/// (main/config.c, "Line %d too long, skipping").
pub const MAX_LINE_BYTES: usize = 8190;

/// Section names are copied into `char name[80]` (main/config.c): longer ones are truncated.
pub const MAX_SECTION_NAME_BYTES: usize = 79;

/// config.c's MAX_NESTED_COMMENTS: one more `;--` and Asterisk loops forever on that line.
pub const MAX_NESTED_COMMENTS: usize = 128;

#[derive(Debug, Default)]
pub struct SyntaxTree {
    /// The threads still writing `lines` while the tree is read ([`ParseStream`]): first, so
    /// that a tree dropped before its stream ended stops them before its lines go.
    writers: Option<stream::Writers>,
    /// One per physical line, in file order ([`SyntaxTree::line`]).
    lines: Vec<PackedLine>,
    /// The lines too wide to pack, whole (see `packed.rs`).
    wide: Vec<Line>,
    /// The texts that are not simply the bytes at their span (see [`Text`]), sorted by span.
    texts: Vec<StoredText>,
    /// The items of every header's `(...)` ([`SyntaxTree::header_items`]): one vector for the
    /// file rather than one per header.
    items: Vec<Text>,
    /// The section headers, in file order ([`SyntaxTree::section_header`]): [`LineKind::Section`]
    /// holds an index here rather than a box, so that a line needs no 8-byte alignment. A line
    /// read again from its logical text leaves its first reading's header here, unused (rare).
    headers: Vec<SectionHeader>,
    /// The directives, like `headers` ([`SyntaxTree::directive`]).
    directives: Vec<Directive>,
    /// The `;--` of a block comment still open at the end of the file (Asterisk ignored
    /// everything after it).
    pub unterminated_block: Option<Range<u32>>,
    /// Each `--;` that closed no block comment (Asterisk ignores the rest of the file), with
    /// the index of its line, in file order. Kept here rather than on [`Line`]: almost no line
    /// has one, and every byte of a line counts a million times over.
    pub stray_block_ends: Vec<(usize, Range<u32>)>,
}

/// A physical line and what Asterisk reads from it, as [`SyntaxTree::line`] gives it (the tree
/// keeps lines packed, `packed.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// First byte of the line.
    pub start: u32,
    /// End of the line's content: the `\n` (or the end of the file) is not included.
    pub end: u32,
    pub kind: LineKind,
    /// [`Line::comment_start`], or [`NO_COMMENT`]: 4 bytes where an `Option<u32>` takes 8.
    comment_start: u32,
}

/// [`Line::comment_start`] of a line without a comment: no `;` can be there, as a file's offsets
/// are below it.
const NO_COMMENT: u32 = u32::MAX;

// A large config has over a million lines (a quarter of them headers): the tree keeps them packed
// (`packed.rs`), and a line is unpacked on each read, so it is kept small (issue 8): 12 bytes of
// offsets and its statement, of which an assignment is the largest (two texts, and the operator
// with its span in 4 bytes: 20 bytes, and a byte it leaves unused tells the statements apart).
// Headers and directives are in the tree's vectors, and the line holds only their index.
const _: () = assert!(std::mem::size_of::<Line>() <= 32);
const _: () = assert!(std::mem::size_of::<LineKind>() <= 20);
const _: () = assert!(std::mem::size_of::<SectionHeader>() <= 24);

impl Line {
    pub(crate) fn new(start: u32, end: u32) -> Line {
        Line {
            start,
            end,
            kind: LineKind::Empty,
            comment_start: NO_COMMENT,
        }
    }

    /// Byte offset of a `;` that starts a line comment on this line.
    pub fn comment_start(&self) -> Option<u32> {
        (self.comment_start != NO_COMMENT).then_some(self.comment_start)
    }

    pub(crate) fn set_comment_start(&mut self, at: Option<u32>) {
        self.comment_start = at.unwrap_or(NO_COMMENT);
    }

    /// The whole line including its `\n`, if it has one.
    pub fn full_range(&self, file_len: usize) -> Range<usize> {
        let end = (self.end as usize + 1).min(file_len);
        self.start as usize..end
    }
}

/// A piece of text from the file: `span` covers the bytes it was read from, and
/// [`SyntaxTree::text`] (or [`crate::source::SourceFile::text`]) gives what Asterisk reads: `\;`
/// unescaped, comments removed, blanks trimmed.
///
/// Almost always that text is just the bytes at `span`, so a `Text` is only its span: a line
/// costs no allocation and a few bytes. The rest (a logical line whose pieces were joined, invalid
/// UTF-8 made valid) is kept once in [`SyntaxTree::texts`], found by its span: no two texts of a
/// tree have the same span, as no two are read from the same bytes (and an empty one is never
/// kept there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub span: Range<u32>,
}

impl Text {
    /// Whether the text is empty (an empty text is always read from an empty span, and a
    /// non-empty one never is).
    pub fn is_empty(&self) -> bool {
        self.span.is_empty()
    }
}

/// A text that is not the file's bytes at its span, with that span (see [`Text`]).
type StoredText = (Range<u32>, Box<str>);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// Nothing left once comments and blanks are removed.
    Empty,
    /// Asterisk never reads this line.
    Ignored(IgnoredBecause),
    /// Kept in the tree, like [`LineKind::Directive`], so that the common lines stay small
    /// ([`SyntaxTree::section_header`]).
    Section(HeaderId),
    Assignment(Assignment),
    /// [`SyntaxTree::directive`].
    Directive(DirectiveId),
    Error(LineError),
}

/// Which [`LineKind`] a line holds, without what it holds: [`SyntaxTree::tag`] reads it without
/// unpacking the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTag {
    Empty,
    Ignored,
    Section,
    Assignment,
    Directive,
    Error,
}

impl LineTag {
    /// The tag of a line holding `kind`.
    pub fn of(kind: &LineKind) -> LineTag {
        match kind {
            LineKind::Empty => LineTag::Empty,
            LineKind::Ignored(_) => LineTag::Ignored,
            LineKind::Section(_) => LineTag::Section,
            LineKind::Assignment(_) => LineTag::Assignment,
            LineKind::Directive(_) => LineTag::Directive,
            LineKind::Error(_) => LineTag::Error,
        }
    }
}

/// What a line states, as the model's builder reads it ([`SyntaxTree::statement`]): read from
/// the packed line without making the whole [`Line`] (its comment, the value of an assignment
/// and the gaps around its operator), as the builder reads every line once and wants no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Statement {
    Header(HeaderId),
    /// An assignment's key and operator.
    Assignment(Text, Operator),
    Directive(DirectiveId),
    Error(LineErrorKind),
    /// An empty or ignored line.
    Nothing,
}

impl Statement {
    /// The statement of a line holding `kind`.
    pub fn of(kind: &LineKind) -> Statement {
        match kind {
            LineKind::Section(header) => Statement::Header(*header),
            LineKind::Assignment(assignment) => {
                Statement::Assignment(assignment.key.clone(), assignment.operator())
            }
            LineKind::Directive(directive) => Statement::Directive(*directive),
            LineKind::Error(error) => Statement::Error(error.kind),
            LineKind::Empty | LineKind::Ignored(_) => Statement::Nothing,
        }
    }
}

/// A section header of a [`SyntaxTree`]: [`SyntaxTree::section_header`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderId(u32);

/// A directive of a [`SyntaxTree`]: [`SyntaxTree::directive`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DirectiveId(u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoredBecause {
    /// Inside a `;-- ... --;` block comment.
    BlockComment,
    /// After a `--;` that closed nothing: Asterisk reads nothing until the next `;--`.
    AfterStrayBlockEnd,
    /// Longer than [`MAX_LINE_BYTES`].
    TooLong,
    /// More than [`MAX_NESTED_COMMENTS`] nested `;--`: Asterisk hangs on this line.
    NestLimit,
}

#[derive(Debug)]
pub struct SectionHeader {
    /// The name as Asterisk stores it: not trimmed, truncated to 79 bytes.
    pub name: Text,
    /// The whole header statement.
    pub span: Range<u32>,
    /// Where its texts other than the name are in [`SyntaxTree::items`]: the items of `(...)`
    /// ([`SyntaxTree::header_items`]; none without `(`, with it at least one, maybe empty), then
    /// the rare ones the flags in `extras` say it has: [`SyntaxTree::header_garbage`], then
    /// [`SyntaxTree::header_full_name`]. A large configuration has 300k headers: 24 bytes each.
    items_start: u32,
    /// The number of items, and the [`HAS_GARBAGE`] and [`HAS_FULL_NAME`] flags.
    extras: u32,
}

/// [`SectionHeader::extras`] flag: a garbage text follows the items.
const HAS_GARBAGE: u32 = 1 << 31;
/// [`SectionHeader::extras`] flag: the name as written follows the items (and the garbage).
/// Items are at least a byte of the file each: their count never reaches these bits.
const HAS_FULL_NAME: u32 = 1 << 30;

impl SectionHeader {
    /// How many items its `(...)` holds (0 without one).
    pub fn item_count(&self) -> usize {
        (self.extras & !(HAS_GARBAGE | HAS_FULL_NAME)) as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Operator {
    /// `=` or `=>`.
    Set,
    /// `+=`: appends to the previous value of the same key, with no separator.
    Append,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Assignment {
    pub key: Text,
    /// The value Asterisk receives (for `+=`, only this line's part, with its leading blanks:
    /// Asterisk trims after joining).
    pub value: Text,
    /// The low 16 bits of [`Assignment::gaps`].
    gaps_low: u16,
    /// The next 8 bits.
    gaps_mid: u8,
    /// The operator and the top 2 bits. Its unused values are where [`LineKind`] keeps which
    /// statement a line holds, so that an assignment line costs 20 bytes, not 24.
    tag: OperatorTag,
}

/// [`Assignment::operator`] and 2 more bits of [`Assignment::gaps`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum OperatorTag {
    Set0,
    Set1,
    Set2,
    Set3,
    Append0,
    Append1,
    Append2,
    Append3,
}

const OPERATOR_TAGS: [OperatorTag; 8] = [
    OperatorTag::Set0,
    OperatorTag::Set1,
    OperatorTag::Set2,
    OperatorTag::Set3,
    OperatorTag::Append0,
    OperatorTag::Append1,
    OperatorTag::Append2,
    OperatorTag::Append3,
];

/// Bits of each gap of [`Assignment::gaps`]: a statement lies within one line that Asterisk
/// reads, so no gap in it is longer than [`MAX_LINE_BYTES`].
const GAP_BITS: u32 = 13;
const _: () = assert!(MAX_LINE_BYTES < 1 << GAP_BITS);

impl std::fmt::Debug for Assignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assignment")
            .field("key", &self.key)
            .field("operator", &self.operator())
            .field("operator_span", &self.operator_span())
            .field("value", &self.value)
            .finish()
    }
}

impl Assignment {
    pub(crate) fn new(
        key: Text,
        operator: Operator,
        operator_span: Range<u32>,
        value: Text,
    ) -> Self {
        // The operator span is not implied by the operator: in a logical line, text removed
        // inside it or right after it (a block comment, the `\` of `\;`) is part of it. It lies
        // between the key and the value, so it is kept as the gaps to them.
        let before = operator_span.start - key.span.end;
        let after = value.span.start - operator_span.end;
        debug_assert!(before < 1 << GAP_BITS && after < 1 << GAP_BITS);
        let gaps = before | after << GAP_BITS;
        let high = (gaps >> 24) as usize | usize::from(operator == Operator::Append) << 2;
        Assignment {
            key,
            value,
            gaps_low: gaps as u16,
            gaps_mid: (gaps >> 16) as u8,
            tag: OPERATOR_TAGS[high],
        }
    }

    /// `=` or `=>` ([`Operator::Set`]), or `+=`.
    pub fn operator(&self) -> Operator {
        if self.tag as u8 & 4 == 0 {
            Operator::Set
        } else {
            Operator::Append
        }
    }

    /// (bytes between the key and the operator, bytes between the operator and the value).
    fn gaps(&self) -> (u32, u32) {
        let gaps = u32::from(self.gaps_low)
            | u32::from(self.gaps_mid) << 16
            | u32::from(self.tag as u8 & 3) << 24;
        (gaps & ((1 << GAP_BITS) - 1), gaps >> GAP_BITS)
    }

    /// The operator as written: from its first character to where the value starts.
    pub fn operator_span(&self) -> Range<u32> {
        let (before, after) = self.gaps();
        self.key.span.end + before..self.value.span.start - after
    }

    /// The whole statement, from key to value.
    pub fn span(&self) -> Range<u32> {
        self.key.span.start..self.value.span.end.max(self.operator_span().end)
    }
}

#[derive(Debug)]
pub struct Directive {
    /// The word after `#`, as written (`include`, `tryinclude`, `exec`, or anything else).
    pub name: Text,
    /// The argument, trimmed, quotes not yet removed.
    pub argument: Text,
    pub span: Range<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Include,
    TryInclude,
    Exec,
    Unknown,
}

impl Directive {
    pub fn kind(&self, file: &SourceFile) -> DirectiveKind {
        let name = file.text(&self.name);
        if name.eq_ignore_ascii_case("include") {
            DirectiveKind::Include
        } else if name.eq_ignore_ascii_case("tryinclude") {
            DirectiveKind::TryInclude
        } else if name.eq_ignore_ascii_case("exec") {
            DirectiveKind::Exec
        } else {
            DirectiveKind::Unknown
        }
    }

    /// The file an `#include` or `#tryinclude` with an argument reads (its target), and whether
    /// it may be missing; `None` for other directives and an include without argument.
    pub fn include_target<'a>(&self, file: &'a SourceFile) -> Option<(&'a str, bool)> {
        let optional = match self.kind(file) {
            DirectiveKind::Include => false,
            DirectiveKind::TryInclude => true,
            DirectiveKind::Exec | DirectiveKind::Unknown => return None,
        };
        (!file.text(&self.argument).is_empty()).then(|| (self.target(file), optional))
    }

    /// The argument with one pair of surrounding `"..."` or `<...>` removed, as config.c does.
    pub fn target<'a>(&self, file: &'a SourceFile) -> &'a str {
        let arg = file.text(&self.argument);
        let b = arg.as_bytes();
        if b.len() >= 2
            && ((b[0] == b'"' && b[b.len() - 1] == b'"')
                || (b[0] == b'<' && b[b.len() - 1] == b'>'))
        {
            &arg[1..arg.len() - 1]
        } else {
            arg
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub kind: LineErrorKind,
    pub span: Range<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineErrorKind {
    /// `[name` without `]`: the file is invalid.
    NoClosingBracket,
    /// `[name](...` without `)`: the file is invalid.
    NoClosingParenthesis,
    /// A line starting with `\` and a blank: the file is invalid.
    InvalidEscape,
    /// Text with no `=`: Asterisk warns and ignores the line.
    NoEquals,
    /// `= value` with nothing before `=`: Asterisk warns and ignores the line.
    NoKey,
}

impl LineErrorKind {
    /// Whether Asterisk refuses the whole file for this mistake.
    pub fn invalidates_file(self) -> bool {
        matches!(
            self,
            LineErrorKind::NoClosingBracket
                | LineErrorKind::NoClosingParenthesis
                | LineErrorKind::InvalidEscape
        )
    }
}

impl SyntaxTree {
    /// Physical line `index` (from 0). Panics past the last line, as indexing does.
    #[inline]
    pub fn line(&self, index: usize) -> Line {
        self.lines[index].unpack(&self.wide)
    }

    /// The packed entries of lines `range` (those there are), for asking memory for them ahead
    /// of reading them (`model::warm`).
    pub(crate) fn line_entries(&self, range: Range<usize>) -> &[PackedLine] {
        let end = range.end.min(self.lines.len());
        self.lines.get(range.start..end).unwrap_or_default()
    }

    /// Physical line `index`, if there is one.
    pub fn get_line(&self, index: usize) -> Option<Line> {
        self.lines.get(index).map(|line| line.unpack(&self.wide))
    }

    /// Where physical line `index` starts (a search over lines needs no more).
    pub fn line_start(&self, index: usize) -> Option<u32> {
        self.lines.get(index).map(PackedLine::start)
    }

    /// The index of the line holding byte `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        self.lines
            .partition_point(|line| line.start() <= offset)
            .saturating_sub(1)
    }

    /// How many physical lines the file has (at least one).
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }

    /// What line `index` states (see [`Statement`]).
    #[inline]
    pub fn statement(&self, index: usize) -> Statement {
        self.lines[index].statement(&self.wide)
    }

    /// Which kind of line line `index` is.
    #[inline]
    pub fn tag(&self, index: usize) -> LineTag {
        self.lines[index].tag(&self.wide)
    }

    /// The lines whose tag `keep` accepts, with their index, in file order: the test reads no
    /// more of a line than its tag.
    pub fn lines_where(
        &self,
        keep: impl Fn(LineTag) -> bool + 'static,
    ) -> impl Iterator<Item = (usize, Line)> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter(move |(_, line)| keep(line.tag(&self.wide)))
            .map(|(index, line)| (index, line.unpack(&self.wide)))
    }

    /// The assignments of the lines, with their line's index, in file order.
    pub fn assignments(&self) -> impl Iterator<Item = (usize, Assignment)> + '_ {
        self.lines
            .iter()
            .enumerate()
            .filter_map(|(index, line)| Some((index, line.assignment(&self.wide)?)))
    }

    /// [`SyntaxTree::assignments`] as (line index, value): for a walk that reads a line's key
    /// only when its value asks for it.
    pub fn assignment_values(&self) -> impl Iterator<Item = (usize, Text)> + '_ {
        self.lines.iter().enumerate().filter_map(|(index, line)| {
            let (value, _) = line.value(&self.wide)?;
            Some((index, value))
        })
    }

    /// The section headers of the lines, in file order.
    pub fn headers(&self) -> impl Iterator<Item = &SectionHeader> + '_ {
        self.lines_where(|tag| tag == LineTag::Section)
            .filter_map(|(_, line)| self.header(&line))
    }

    /// The directives of the lines, in file order. Found from the list of directives made while
    /// parsing (a few) rather than by a walk over every line (a million in a large file): one
    /// whose line a block comment took is left out, and one made when a line was read again
    /// after a block comment (added at the end of the list) takes its place in the order.
    pub fn directives(&self) -> impl Iterator<Item = &Directive> + '_ {
        self.directives_among(0..self.directives.len())
    }

    /// How many directives the lines made so far (some a block comment later took).
    pub fn directive_count(&self) -> usize {
        self.directives.len()
    }

    /// [`SyntaxTree::directives`] of those made between the `ids.start`th and the `ids.end`th
    /// (the lines of a chunk joining the tree make the next ones).
    pub fn directives_among(&self, ids: Range<usize>) -> impl Iterator<Item = &Directive> + '_ {
        let mut read: Vec<&Directive> = ids
            .filter(|&id| {
                let line = self.line(self.line_index(self.directives[id].span.start));
                matches!(line.kind, LineKind::Directive(DirectiveId(on_line)) if on_line as usize == id)
            })
            .map(|id| &self.directives[id])
            .collect();
        read.sort_by_key(|directive| directive.span.start);
        read.into_iter()
    }

    /// The assignment line `index` holds, if it holds one.
    #[inline]
    pub fn assignment(&self, index: usize) -> Option<Assignment> {
        self.lines[index].assignment(&self.wide)
    }

    /// The value and operator of the assignment line `index` holds, if it holds one (cheaper
    /// than the whole [`SyntaxTree::assignment`]).
    pub fn assignment_value(&self, index: usize) -> Option<(Text, Operator)> {
        self.lines[index].value(&self.wide)
    }

    /// Every physical line, in file order.
    #[inline]
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = Line> + ExactSizeIterator + '_ {
        self.lines.iter().map(|line| line.unpack(&self.wide))
    }

    /// Replaces line `index` (kept packed when it fits).
    fn set_line(&mut self, index: usize, line: Line) {
        self.lines[index] = match (PackedLine::pack(&line), self.lines[index].wide_index()) {
            (Some(packed), _) => packed,
            (None, Some(wide)) => {
                self.wide[wide] = line;
                self.lines[index]
            }
            (None, None) => {
                self.wide.push(line);
                PackedLine::wide(self.lines[index].start(), self.wide.len() - 1)
            }
        };
    }

    /// The header a [`LineKind::Section`] names.
    pub fn section_header(&self, id: HeaderId) -> &SectionHeader {
        &self.headers[id.0 as usize]
    }

    /// The directive a [`LineKind::Directive`] names.
    pub fn directive(&self, id: DirectiveId) -> &Directive {
        &self.directives[id.0 as usize]
    }

    /// The section header of `line`, if it holds one.
    pub fn header(&self, line: &Line) -> Option<&SectionHeader> {
        match line.kind {
            LineKind::Section(id) => Some(self.section_header(id)),
            _ => None,
        }
    }

    /// The `--;` of line `index` that closed no block comment, if it has one.
    pub fn stray_block_end(&self, index: usize) -> Option<&Range<u32>> {
        let at = self
            .stray_block_ends
            .partition_point(|(line, _)| *line < index);
        self.stray_block_ends
            .get(at)
            .filter(|(line, _)| *line == index)
            .map(|(_, range)| range)
    }

    /// What Asterisk reads from `text` (`bytes` is the file this tree was parsed from).
    pub fn text<'a>(&'a self, bytes: &'a [u8], text: &Text) -> &'a str {
        self.stored_text(text).unwrap_or_else(|| {
            bytes
                .get(text.span.start as usize..text.span.end as usize)
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default()
        })
    }

    /// The items of `(...)` right after the header's `]`, not trimmed; `None` without `(`.
    pub fn header_items(&self, header: &SectionHeader) -> Option<&[Text]> {
        let start = header.items_start as usize;
        let items = self
            .items
            .get(start..start + header.item_count())
            .unwrap_or_default();
        (!items.is_empty()).then_some(items)
    }

    /// Text after the header that Asterisk ignores (`[a] (!)` is not a template).
    pub fn header_garbage(&self, header: &SectionHeader) -> Option<&Text> {
        let at = header.items_start as usize + header.item_count();
        (header.extras & HAS_GARBAGE != 0)
            .then(|| self.items.get(at))
            .flatten()
    }

    /// The name as written, when it was longer than the 79 bytes Asterisk keeps.
    pub fn header_full_name(&self, header: &SectionHeader) -> Option<&Text> {
        let garbage = usize::from(header.extras & HAS_GARBAGE != 0);
        let at = header.items_start as usize + header.item_count() + garbage;
        (header.extras & HAS_FULL_NAME != 0)
            .then(|| self.items.get(at))
            .flatten()
    }

    /// The tables that grow as chunks of a large file join the tree, with as much room as the
    /// file can need ([`Counts`]): the headers and their items, each with the bytes that
    /// `headers` headers and `items` items take there.
    pub fn growing_tables(
        &self,
        headers: usize,
        items: usize,
    ) -> [(&dyn crate::allocator::Reserved, usize); 2] {
        [
            (
                &self.headers,
                headers * std::mem::size_of::<SectionHeader>(),
            ),
            (&self.items, items * std::mem::size_of::<Text>()),
        ]
    }

    /// The text kept for `text` when it is not the file's bytes at its span.
    pub fn stored_text(&self, text: &Text) -> Option<&str> {
        let key = |span: &Range<u32>| (span.start, span.end);
        let index = self
            .texts
            .binary_search_by_key(&key(&text.span), |(span, _)| key(span))
            .ok()?;
        Some(&self.texts[index].1)
    }

    /// The input again, from the lines alone: the proof that nothing was lost.
    pub fn print(&self, bytes: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(bytes.len());
        for line in self.lines() {
            out.extend_from_slice(&bytes[line.full_range(bytes.len())]);
        }
        out
    }
}

/// Parses a file's bytes. Never fails: every input gives a tree whose lines cover every byte.
///
/// The text is cut into chunks at line ends; each chunk is parsed on its own (on every core for a
/// large file), and the block-comment walk takes them in order as they come.
pub fn parse(bytes: &[u8]) -> SyntaxTree {
    parse_checked(bytes, std::str::from_utf8(bytes).ok())
}

/// [`parse`] for a caller that already checked the bytes: `utf8` is them as text when they are
/// valid UTF-8 (each check is a pass over a large file).
pub fn parse_checked(bytes: &[u8], utf8: Option<&str>) -> SyntaxTree {
    let prepared = prepare(bytes, utf8.is_some());
    // `prepare` returns None only for valid UTF-8 without a BOM.
    let text: &str = prepared.as_deref().or(utf8).unwrap_or_default();
    let bounds = chunk::chunk_bounds(text.as_bytes());
    let mut tree = SyntaxTree::default();
    let (mut parsing, _) = stream::Parsing::new(&mut tree, text, &bounds);
    let threads = parse_threads(text.len()).min(bounds.len());
    let shared = std::sync::Arc::clone(parsing.shared());
    let mut add_all = || while parsing.add_next(bytes, text, &bounds, &mut tree) == Added::Chunk {};
    if threads < 2 {
        add_all();
    } else {
        // The chunks join in order as they are parsed (stream.rs), this thread parsing too.
        std::thread::scope(|scope| {
            let _closing = shared.closing();
            for _ in 1..threads {
                scope.spawn(|| shared.work(bytes, text, &bounds));
            }
            // A worker that panicked (`Added::Failed`) has its panic raised by the scope.
            add_all();
        });
    }
    tree
}

/// Below this size a file is parsed on the calling thread only.
const PARALLEL_BYTES: usize = 512 * 1024;

/// How many threads parse a text of `len` bytes: one below [`PARALLEL_BYTES`], else one a core
/// (asked only for a large file: the answer costs some twenty system calls, cgroup files). One
/// on WebAssembly, which has no threads.
pub fn parse_threads(len: usize) -> usize {
    if len < PARALLEL_BYTES || cfg!(target_arch = "wasm32") {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    }
}

/// The text pest reads: the input itself when it is valid UTF-8 without a BOM, otherwise a copy
/// with the same length where each invalid byte is DEL (0x7F, above 32 and no marker, as the byte
/// was for Asterisk) and a leading BOM is three blanks (Asterisk removes it, then trims).
fn prepare(bytes: &[u8], valid_utf8: bool) -> Option<String> {
    let has_bom = bytes.starts_with(b"\xEF\xBB\xBF");
    if !has_bom && valid_utf8 {
        return None;
    }
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        text.extend(std::iter::repeat_n('\u{7f}', chunk.invalid().len()));
    }
    if has_bom {
        text.replace_range(0..3, "   ");
    }
    Some(text)
}
