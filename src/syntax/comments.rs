//! The comment stage of main/config.c (`config_text_file_load`), walked over the markers the
//! grammar found. Block-comment depth carries from line to line, so this cannot be in the grammar.
//!
//! For each `;` config.c tries, in order: `\;` (delete the backslash, keep the `;`), `;--` (depth
//! up, cut the line there), `--;` (depth down; back at zero, the rest of the line is joined to
//! what came before the block), and otherwise a line comment (only at depth zero). A `--;` at depth
//! zero sends the depth to -1: the line is read whole and every later line is ignored until a `;--`
//! brings the depth back to zero.

use std::cell::RefCell;
use std::ops::Range;

use pest::Parser;

use super::chunk::{Chunk, Marker};
use super::statement::{self, Cx, LogicalText, Stored};
use super::{IgnoredBecause, Line, LineKind, PjsipGrammar, Rule, SyntaxTree, MAX_NESTED_COMMENTS};

/// The walk's state between chunks: a file's chunks are walked in order, each as it is parsed
/// (see `stream.rs`), so the lines read so far can be used while later ones are parsed.
pub(super) struct Walk {
    depth: i64,
    /// Where the open block comments started, outermost first.
    open_blocks: Vec<Range<u32>>,
    /// The index of the line being walked.
    index: usize,
    /// [`SyntaxTree::stray_block_ends`].
    stray_block_ends: Vec<(usize, Range<u32>)>,
}

impl Walk {
    pub(super) fn new() -> Walk {
        Walk {
            depth: 0,
            open_blocks: Vec::new(),
            index: 0,
            stray_block_ends: Vec::new(),
        }
    }

    /// Walks the next chunk's lines (the last of the tree's lines: the chunk's parse wrote them
    /// there) with the block-comment depth: keeps the statement read from the physical line
    /// where that is what Asterisk reads, and reads it again from the logical text where it is
    /// not. What the readings kept store outside their lines joins the tree's here. `bytes` and
    /// `text` are the file's (`parse`). Returns the chunk emptied, for another chunk.
    pub(super) fn add(
        &mut self,
        bytes: &[u8],
        text: &str,
        tree: &mut SyntaxTree,
        mut chunk: Chunk,
    ) -> Chunk {
        let Chunk {
            lines,
            markers,
            stored,
            wide,
            indexed,
            plain,
            has_nul,
        } = &mut chunk;
        let (lines, plain, has_nul) = (lines.clone(), *plain, *has_nul);
        let first_text = tree.texts.len();
        let shift = adopt(stored, tree);
        wide.iter_mut().for_each(|line| shift.line(line));
        let wide_base = tree.wide.len() as u32;
        assert_eq!(
            lines.end,
            tree.lines.len(),
            "a chunk's lines are the tree's last"
        );
        if shift.headers != 0 || shift.directives != 0 || !wide.is_empty() {
            for &at in indexed.iter() {
                let line = &mut tree.lines[lines.start + at as usize];
                line.shift_header(shift.headers);
                line.shift_directive(shift.directives);
                line.shift_wide(wide_base);
            }
        }
        tree.wide.append(wide);
        if self.depth == 0 && plain {
            // Nothing here can change a line's reading (see `Chunk::plain`).
            tree.texts.append(&mut stored.texts);
        } else {
            let mut markers = markers.as_slice();
            let mut chunk_texts = stored.texts.drain(..).peekable();
            for index in lines {
                let mut line = tree.line(index);
                // The texts of the line's physical reading (a non-empty text starts before its
                // end).
                let line_end = line.end;
                let physical_texts =
                    std::iter::from_fn(|| chunk_texts.next_if(|(span, _)| span.start < line_end));
                if matches!(line.kind, LineKind::Ignored(IgnoredBecause::TooLong)) {
                    // Skipped before comment processing: the depth is not touched.
                    continue;
                }
                let count = markers
                    .iter()
                    .take_while(|(_, range)| range.start < line.end)
                    .count();
                let (own, rest) = markers.split_at(count);
                markers = rest;
                self.index = index;
                match self.line(bytes, text, &mut line, own, has_nul) {
                    None => tree.texts.extend(physical_texts),
                    Some(mut stored) => {
                        // A line read again leaves what its physical reading stored unused
                        // (rare).
                        physical_texts.for_each(drop);
                        adopt(&mut stored, tree).line(&mut line);
                        tree.texts.extend(stored.texts);
                    }
                }
                tree.set_line(index, line);
            }
        }
        // A statement's texts are stored in the order its parts are read, not always by span,
        // and each line's are within it: sorted, the chunk's come after the tree's, which stay
        // sorted as chunks join for the lines read meanwhile (checked in `finish`).
        tree.texts[first_text..].sort_unstable_by_key(|(span, _)| (span.start, span.end));
        chunk.emptied()
    }

    /// After the last chunk: what the walk knows about the whole file.
    pub(super) fn finish(&mut self, tree: &mut SyntaxTree) {
        debug_assert!(
            tree.texts
                .windows(2)
                .all(|pair| (pair[0].0.start, pair[0].0.end) < (pair[1].0.start, pair[1].0.end)),
            "two stored texts with one span"
        );
        tree.unterminated_block = self.open_blocks.first().cloned();
        tree.stray_block_ends = std::mem::take(&mut self.stray_block_ends);
    }

    /// Walks one line. Returns `None` when the statement read from the physical line stands, and
    /// otherwise what the line's new statement stored outside it.
    fn line(
        &mut self,
        bytes: &[u8],
        text: &str,
        line: &mut Line,
        markers: &[(Marker, Range<u32>)],
        chunk_has_nul: bool,
    ) -> Option<Stored> {
        let line_has_nul = chunk_has_nul
            && memchr::memchr(0, &bytes[line.start as usize..line.end as usize]).is_some();
        let fast = self.depth == 0
            && !line_has_nul
            && markers
                .first()
                .is_none_or(|(marker, _)| *marker == Marker::Semicolon);
        if fast {
            line.set_comment_start(markers.first().map(|(_, range)| range.start));
            return None;
        }
        line.kind = LineKind::Empty;
        line.set_comment_start(None);
        let stored = RefCell::default();
        self.slow_line(bytes, text, line, markers, &stored);
        Some(stored.into_inner())
    }

    /// config.c's loop over the `;` of one line, building the logical text from kept pieces.
    fn slow_line(
        &mut self,
        bytes: &[u8],
        text: &str,
        line: &mut Line,
        markers: &[(Marker, Range<u32>)],
        stored: &RefCell<Stored>,
    ) {
        let started_outside = self.depth == 0;
        let started_negative = self.depth < 0;
        // `pieces` is Some while the line has text to process (config.c's process_buf != NULL);
        // `keep_from` is where the piece being kept started, if one is being kept now.
        let mut pieces: Option<Vec<Range<u32>>> = started_outside.then(Vec::new);
        let mut keep_from: Option<u32> = started_outside.then_some(line.start);
        for (marker, range) in markers {
            match marker {
                Marker::Escape => {
                    // The backslash is deleted wherever it is; the `;` is kept.
                    if let (Some(pieces), Some(from)) = (pieces.as_mut(), keep_from) {
                        pieces.push(from..range.start);
                        keep_from = Some(range.start + 1);
                    }
                }
                Marker::Open => {
                    if self.depth >= MAX_NESTED_COMMENTS as i64 {
                        line.kind = LineKind::Ignored(IgnoredBecause::NestLimit);
                        return;
                    }
                    if let (Some(pieces), Some(from)) = (pieces.as_mut(), keep_from.take()) {
                        pieces.push(from..range.start);
                    }
                    self.depth += 1;
                    if self.depth > 0 {
                        self.open_blocks.push(range.clone());
                    }
                }
                Marker::Close => {
                    self.depth -= 1;
                    if self.depth >= 0 {
                        self.open_blocks.pop();
                    }
                    if self.depth == 0 {
                        pieces.get_or_insert_with(Vec::new);
                        keep_from = Some(range.end);
                    } else if self.depth < 0
                        && self
                            .stray_block_ends
                            .last()
                            .is_none_or(|(line, _)| *line != self.index)
                    {
                        self.stray_block_ends.push((self.index, range.clone()));
                    }
                }
                Marker::Semicolon => {
                    if self.depth == 0 {
                        if let (Some(pieces), Some(from)) = (pieces.as_mut(), keep_from.take()) {
                            pieces.push(from..range.start);
                        }
                        line.set_comment_start(Some(range.start));
                        break;
                    }
                }
            }
        }
        let Some(mut pieces) = pieces else {
            line.kind = LineKind::Ignored(if started_negative {
                IgnoredBecause::AfterStrayBlockEnd
            } else {
                IgnoredBecause::BlockComment
            });
            return;
        };
        if let Some(from) = keep_from {
            pieces.push(from..line.end);
        }
        let logical = LogicalText::new(bytes, text, pieces);
        let cx = Cx {
            source: &logical,
            base: 0,
            stored,
        };
        line.kind = match PjsipGrammar::parse(Rule::statement_line, &logical.parse_text) {
            Ok(pairs) => statement::convert(&cx, &mut pairs.peekable()),
            Err(_) => LineKind::Empty,
        };
    }
}

/// What the indexes of headers and directives in lines read apart (a chunk, a line read again)
/// become once what those lines stored joins the tree's lists: they counted from 0.
struct Shift {
    headers: u32,
    directives: u32,
}

impl Shift {
    fn line(&self, line: &mut Line) {
        match &mut line.kind {
            LineKind::Section(id) => id.0 += self.headers,
            LineKind::Directive(id) => id.0 += self.directives,
            _ => {}
        }
    }
}

/// Moves what was stored while parsing some lines (headers, directives and header items, each
/// counted from 0) to the end of the tree's lists, moving the indexes headers hold into them,
/// and says how the lines' indexes move. `stored.texts` is left for the caller.
fn adopt(stored: &mut Stored, tree: &mut SyntaxTree) -> Shift {
    let shift = Shift {
        headers: tree.headers.len() as u32,
        directives: tree.directives.len() as u32,
    };
    let items = tree.items.len() as u32;
    if items != 0 {
        for header in &mut stored.headers {
            header.items_start += items;
        }
    }
    tree.items.append(&mut stored.items);
    tree.headers.append(&mut stored.headers);
    tree.directives.append(&mut stored.directives);
    shift
}

#[cfg(test)]
mod tests {
    use super::super::{parse, LineKind};

    /// A line read again from its logical text drops the texts its physical reading stored: here
    /// both readings store the key (invalid UTF-8) under the same span.
    #[test]
    fn a_line_read_again_keeps_only_its_new_texts() {
        let input = b"k\xff=v;-- c --;w\n";
        let tree = parse(input);
        let LineKind::Assignment(assignment) = tree.line(0).kind else {
            panic!("{:?}", tree.line(0).kind);
        };
        assert_eq!(tree.text(input, &assignment.key), "k\u{fffd}");
        assert_eq!(tree.text(input, &assignment.value), "vw");
        assert_eq!(tree.texts.len(), 2);
    }

    /// The operator's span runs to where the value starts, over a block comment removed inside
    /// or after it.
    #[test]
    fn an_operator_spans_what_was_removed_in_or_after_it() {
        for (input, span) in [
            ("k => v", 2..4),
            ("k=;-- c --;  v", 1..11),
            ("k+;-- c --;=v", 1..12),
        ] {
            let tree = parse(input.as_bytes());
            let LineKind::Assignment(assignment) = tree.line(0).kind else {
                panic!("{input:?}: {:?}", tree.line(0).kind);
            };
            assert_eq!(assignment.operator_span(), span, "{input:?}");
        }
        // The gaps between the key, the operator and the value are kept in 13 bits each: as
        // wide as a line Asterisk reads allows.
        let wide = |before: usize, after: usize, removed: &str| {
            format!("k{}={removed}{}v", " ".repeat(before), " ".repeat(after))
        };
        for (input, span) in [
            (wide(4000, 4000, ""), 4001..4002),
            (wide(8187, 0, ""), 8188..8189),
            (wide(0, 8187, ""), 1..2),
            (wide(0, 8178, ";-- c --;"), 1..11),
            (wide(4000, 4000, "\\;"), 4001..4003),
        ] {
            assert!(input.len() <= super::super::MAX_LINE_BYTES);
            let tree = parse(input.as_bytes());
            let LineKind::Assignment(assignment) = tree.line(0).kind else {
                panic!("{input:?}: {:?}", tree.line(0).kind);
            };
            assert_eq!(assignment.operator_span(), span, "{input:?}");
        }
    }
}
