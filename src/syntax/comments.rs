//! The comment stage of main/config.c (`config_text_file_load`), walked over the markers the
//! grammar found. Block-comment depth carries from line to line, so this cannot be in the grammar.
//!
//! For each `;` config.c tries, in order: `\;` (delete the backslash, keep the `;`), `;--` (depth
//! up, cut the line there), `--;` (depth down; back at zero, the rest of the line is joined to
//! what came before the block), and otherwise a line comment (only at depth zero). A `--;` at depth
//! zero sends the depth to -1: the line is read whole and every later line is ignored until a `;--`
//! brings the depth back to zero.

use std::ops::Range;

use pest::iterators::Pair;
use pest::Parser;

use super::statement::{self, LogicalText};
use super::{
    IgnoredBecause, Line, LineKind, PjsipGrammar, Rule, SyntaxTree, MAX_LINE_BYTES,
    MAX_NESTED_COMMENTS,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Escape,
    Open,
    Close,
    Semicolon,
}

struct Walker<'a> {
    bytes: &'a [u8],
    text: &'a str,
    depth: i64,
    /// Where the open block comments started, outermost first.
    open_blocks: Vec<Range<u32>>,
    tree: SyntaxTree,
}

pub(super) fn walk_file(bytes: &[u8], text: &str, file: Pair<'_, Rule>) -> SyntaxTree {
    let mut walker = Walker {
        bytes,
        text,
        depth: 0,
        open_blocks: Vec::new(),
        tree: SyntaxTree::default(),
    };
    let has_nul = memchr_nul(bytes);
    for pair in file.into_inner() {
        if pair.as_rule() == Rule::line {
            walker.line(pair, has_nul);
        }
    }
    walker.tree.unterminated_block = walker.open_blocks.first().cloned();
    walker.tree
}

/// Lines split at `\n` with no statement read: only for an input the grammar did not accept,
/// which the grammar's `file` rule is written never to produce.
pub(super) fn fallback(bytes: &[u8]) -> SyntaxTree {
    let mut tree = SyntaxTree::default();
    let mut start = 0usize;
    loop {
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        tree.lines.push(Line {
            start: start as u32,
            end: end as u32,
            kind: LineKind::Ignored(IgnoredBecause::TooLong),
            comment_start: None,
            stray_block_end: None,
        });
        if end == bytes.len() {
            return tree;
        }
        start = end + 1;
    }
}

fn memchr_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0)
}

impl Walker<'_> {
    fn line(&mut self, pair: Pair<'_, Rule>, file_has_nul: bool) {
        let span = pair.as_span();
        let (start, end) = (span.start() as u32, span.end() as u32);
        let mut line = Line {
            start,
            end,
            kind: LineKind::Empty,
            comment_start: None,
            stray_block_end: None,
        };
        if (end - start) as usize > MAX_LINE_BYTES {
            // Skipped before comment processing: the depth is not touched.
            line.kind = LineKind::Ignored(IgnoredBecause::TooLong);
            self.tree.lines.push(line);
            return;
        }
        let mut statement_pair = None;
        let mut markers: Vec<(Marker, Range<u32>)> = Vec::new();
        for child in pair.into_inner() {
            let range = child.as_span().start() as u32..child.as_span().end() as u32;
            match child.as_rule() {
                Rule::statement => statement_pair = Some(child),
                Rule::escaped_semicolon => markers.push((Marker::Escape, range)),
                Rule::block_open => markers.push((Marker::Open, range)),
                Rule::block_close => markers.push((Marker::Close, range)),
                Rule::semicolon => markers.push((Marker::Semicolon, range)),
                _ => {}
            }
        }
        let line_has_nul = file_has_nul && self.bytes[start as usize..end as usize].contains(&0);
        let fast = self.depth == 0
            && !line_has_nul
            && markers
                .first()
                .is_none_or(|(marker, _)| *marker == Marker::Semicolon);
        if fast {
            line.comment_start = markers.first().map(|(_, range)| range.start);
            line.kind = match statement_pair {
                Some(stmt) => statement::from_physical(self.bytes, self.text, stmt),
                None => LineKind::Empty,
            };
        } else {
            self.slow_line(&mut line, &markers);
        }
        self.tree.lines.push(line);
    }

    /// config.c's loop over the `;` of one line, building the logical text from kept pieces.
    fn slow_line(&mut self, line: &mut Line, markers: &[(Marker, Range<u32>)]) {
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
                    } else if self.depth < 0 && line.stray_block_end.is_none() {
                        line.stray_block_end = Some(range.clone());
                    }
                }
                Marker::Semicolon => {
                    if self.depth == 0 {
                        if let (Some(pieces), Some(from)) = (pieces.as_mut(), keep_from.take()) {
                            pieces.push(from..range.start);
                        }
                        line.comment_start = Some(range.start);
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
        let logical = LogicalText::new(self.bytes, self.text, pieces);
        line.kind = match PjsipGrammar::parse(Rule::statement_line, &logical.parse_text) {
            Ok(mut pairs) => pairs
                .next()
                .and_then(|stmt_line| {
                    stmt_line
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::statement)
                })
                .map_or(LineKind::Empty, |stmt| {
                    statement::from_logical(&logical, stmt)
                }),
            Err(_) => LineKind::Empty,
        };
    }
}
