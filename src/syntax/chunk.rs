//! Both grammar stages over a chunk of whole lines, independent of every other chunk: the lines
//! with the statement each would hold if nothing before it changed its reading (the comment walk in
//! `comments.rs` decides that), and the comment markers.
//!
//! A large file is cut into chunks at line ends and the chunks are parsed on every core. Within a
//! chunk, lines longer than [`MAX_LINE_BYTES`] are left out of the pest input: Asterisk skips them
//! before it looks at them, so there is nothing to parse.

use std::iter::Peekable;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use pest::iterators::Pairs;
use pest::Parser;

use super::statement::{self, Physical};
use super::{IgnoredBecause, Line, LineKind, PjsipGrammar, Rule, MAX_LINE_BYTES};

/// A comment marker found by the grammar's `lexical` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Escape,
    Open,
    Close,
    Semicolon,
}

/// What one chunk gives: its lines in order (the kind read from the physical line), and its
/// markers in order, with file offsets.
pub(super) struct Chunk {
    pub lines: Vec<Line>,
    pub markers: Vec<(Marker, Range<u32>)>,
}

/// Chunks are about this size (cut at the next line end). Small enough that pest's token queue of
/// a chunk stays in cache, large enough that starting pest is noise.
const CHUNK_BYTES: usize = 64 * 1024;

/// Below this size a file is parsed on the calling thread only.
const PARALLEL_BYTES: usize = 512 * 1024;

/// Parses `text` (the file's bytes as pest reads them) in chunks, in parallel when it is large.
pub(super) fn parse_chunks(bytes: &[u8], text: &str) -> Vec<Chunk> {
    let bounds = chunk_bounds(text.as_bytes());
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(bounds.len());
    if text.len() < PARALLEL_BYTES || threads < 2 {
        return bounds
            .into_iter()
            .map(|range| parse_chunk(bytes, text, range))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<Chunk>>> = bounds.iter().map(|_| Mutex::new(None)).collect();
    let work = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        let Some(range) = bounds.get(index) else {
            break;
        };
        let chunk = parse_chunk(bytes, text, range.clone());
        if let Ok(mut slot) = slots[index].lock() {
            *slot = Some(chunk);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    slots
        .into_iter()
        .zip(bounds)
        .map(|(slot, range)| {
            // A worker that panicked left its slot empty: parse that chunk again here.
            match slot.into_inner().ok().flatten() {
                Some(chunk) => chunk,
                None => parse_chunk(bytes, text, range),
            }
        })
        .collect()
}

/// Chunk ranges: each ends just after a "\n" (or at the end of the text). An empty text is one
/// empty chunk, which holds one empty line.
fn chunk_bounds(text: &[u8]) -> Vec<Range<usize>> {
    let mut bounds = Vec::with_capacity(text.len() / CHUNK_BYTES + 1);
    let mut start = 0;
    loop {
        let target = start + CHUNK_BYTES;
        if target >= text.len() {
            bounds.push(start..text.len());
            return bounds;
        }
        match memchr::memchr(b'\n', &text[target..]) {
            Some(at) if target + at + 1 < text.len() => {
                bounds.push(start..target + at + 1);
                start = target + at + 1;
            }
            _ => {
                bounds.push(start..text.len());
                return bounds;
            }
        }
    }
}

/// The lines of one chunk. A chunk that ends in "\n" holds no line after it: the next chunk starts
/// there (the very last chunk of a file does hold that empty last line).
fn parse_chunk(bytes: &[u8], text: &str, range: Range<usize>) -> Chunk {
    let is_last = range.end == text.len();
    let mut lines = Vec::new();
    let mut start = range.start;
    for newline in memchr::memchr_iter(b'\n', &text.as_bytes()[range.clone()]) {
        let end = range.start + newline;
        lines.push(empty_line(start, end));
        start = end + 1;
    }
    if is_last {
        lines.push(empty_line(start, range.end));
    }
    let mut chunk = Chunk {
        lines,
        markers: Vec::new(),
    };
    // Runs of lines that are short enough to be read.
    let mut index = 0;
    while index < chunk.lines.len() {
        if line_len(&chunk.lines[index]) > MAX_LINE_BYTES {
            chunk.lines[index].kind = LineKind::Ignored(IgnoredBecause::TooLong);
            index += 1;
            continue;
        }
        let first = index;
        while index < chunk.lines.len() && line_len(&chunk.lines[index]) <= MAX_LINE_BYTES {
            index += 1;
        }
        parse_run(bytes, text, &mut chunk, first..index);
    }
    chunk
}

fn empty_line(start: usize, end: usize) -> Line {
    Line {
        start: start as u32,
        end: end as u32,
        kind: LineKind::Empty,
        comment_start: None,
        stray_block_end: None,
    }
}

fn line_len(line: &Line) -> usize {
    (line.end - line.start) as usize
}

/// Both stages over the lines `run` of the chunk (consecutive, each short enough).
fn parse_run(bytes: &[u8], text: &str, chunk: &mut Chunk, run: Range<usize>) {
    let lines = &mut chunk.lines[run];
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let base = first.start as usize;
    let run_text = &text[base..last.end as usize];
    // Stage 1: markers.
    if memchr::memchr(b';', run_text.as_bytes()).is_some() {
        if let Ok(pairs) = PjsipGrammar::parse(Rule::lexical, run_text) {
            for pair in pairs {
                let marker = match pair.as_rule() {
                    Rule::escaped_semicolon => Marker::Escape,
                    Rule::block_open => Marker::Open,
                    Rule::block_close => Marker::Close,
                    Rule::semicolon => Marker::Semicolon,
                    _ => continue,
                };
                let span = pair.as_span();
                let range = (base + span.start()) as u32..(base + span.end()) as u32;
                chunk.markers.push((marker, range));
            }
        }
    }
    // Stage 2: the statement of each physical line. The grammar's `file` rule accepts every
    // input; if it ever did not, the lines would simply stay empty.
    let Ok(pairs) = PjsipGrammar::parse(Rule::file, run_text) else {
        return;
    };
    let source = Physical {
        bytes,
        parsed: text.as_bytes(),
    };
    let mut pairs: Peekable<Pairs<'_, Rule>> = pairs.peekable();
    let mut index = 0;
    while let Some(pair) = pairs.peek() {
        let at = (base + pair.as_span().start()) as u32;
        // The line holding `at`: pairs come in order, and a pair may start at its line's end.
        while index + 1 < lines.len() && lines[index].end < at {
            index += 1;
        }
        if matches!(pair.as_rule(), Rule::comment | Rule::EOI) {
            pairs.next();
            continue;
        }
        lines[index].kind = statement::convert(&source, base, &mut pairs);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, IgnoredBecause, LineErrorKind, LineKind};

    /// Over a megabyte, so it is cut into many chunks parsed on every core: the block comment that
    /// spans chunks, the long line, and every statement must come out as in one piece.
    #[test]
    fn chunks_and_threads_change_nothing() {
        let mut text = String::from("[a]\ntype=aor\n;-- a block comment that spans chunks\n");
        for i in 0..30_000 {
            text.push_str(&format!("[hidden{i}]\nkey=value\n"));
        }
        text.push_str("--; after=1\n");
        text.push_str(&"x".repeat(9_000));
        text.push('\n');
        for i in 0..30_000 {
            text.push_str(&format!("[s{i}](t)\nkey+= value ; comment\n"));
        }
        assert!(text.len() > 2 * super::PARALLEL_BYTES);
        let tree = parse(text.as_bytes());
        assert_eq!(tree.print(text.as_bytes()), text.as_bytes());
        assert_eq!(tree.lines.len(), text.matches('\n').count() + 1);
        let hidden = &tree.lines[3..3 + 60_000];
        assert!(hidden
            .iter()
            .all(|line| matches!(line.kind, LineKind::Ignored(IgnoredBecause::BlockComment))));
        let after = &tree.lines[3 + 60_000];
        assert!(matches!(&after.kind, LineKind::Assignment(a) if a.key.text == "after"));
        assert!(matches!(
            tree.lines[3 + 60_001].kind,
            LineKind::Ignored(IgnoredBecause::TooLong)
        ));
        let sections = tree
            .lines
            .iter()
            .filter(|line| matches!(line.kind, LineKind::Section(_)))
            .count();
        assert_eq!(sections, 1 + 30_000);
        let last = &tree.lines[tree.lines.len() - 2];
        assert_eq!(last.comment_start, Some(last.start + 12));
    }

    /// A line that starts with `\` and a blank makes the file invalid, whether or not a comment
    /// marker on the line makes it read from its logical text.
    #[test]
    fn an_invalid_escape_is_one_on_every_path() {
        for input in ["\\ key=value", "\\ key=value\\;x", "\\\tkey;--x--;=1"] {
            let tree = parse(input.as_bytes());
            assert!(
                matches!(&tree.lines[0].kind, LineKind::Error(e) if e.kind == LineErrorKind::InvalidEscape),
                "{input:?}: {:?}",
                tree.lines[0].kind
            );
        }
    }
}
