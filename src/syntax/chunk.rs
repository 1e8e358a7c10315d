//! Both grammar stages over a chunk of whole lines, independent of every other chunk: the lines
//! with the statement each would hold if nothing before it changed its reading (the comment walk in
//! `comments.rs` decides that), and the comment markers.
//!
//! A large file is cut into chunks at line ends and the chunks are parsed on every core. Within a
//! chunk, lines longer than [`MAX_LINE_BYTES`] are left out of the pest input: Asterisk skips them
//! before it looks at them, so there is nothing to parse.

use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::ops::Range;

use pest::Parser;

use super::packed::PackedLine;
use super::statement::{self, Cx, Physical, Stored};
use super::{markers, plain};
use super::{Counts, IgnoredBecause, Line, LineKind, PjsipGrammar, Rule, MAX_LINE_BYTES};

/// A comment marker found by the grammar's `lexical` rule (`markers.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Escape,
    Open,
    Close,
    Semicolon,
}

/// What one chunk gives besides its lines: its markers in order (with file offsets), and what its
/// lines keep outside them.
#[derive(Default)]
pub(super) struct Chunk {
    /// Indexes in the tree's lines of the chunk's lines.
    pub lines: Range<usize>,
    pub markers: Vec<(Marker, Range<u32>)>,
    /// Texts in the order of their lines.
    pub stored: Stored,
    /// The chunk's lines too wide to pack (`packed.rs`), indexed from 0 by its packed lines.
    pub wide: Vec<Line>,
    /// The chunk's lines (counted from 0) whose packed form holds an index of its headers,
    /// directives or wide lines: the only ones moved when its lists join the tree's. Listed by
    /// the thread that packs them, so that the one building the model, which joins the chunks,
    /// does not read and write every line again (a fifth to a quarter of a large file's lines hold
    /// one).
    pub indexed: Vec<u32>,
    /// No marker but plain `;` and no NUL: started outside a block comment, every line reads as
    /// its physical text, with the comment from its first `;` (set here), so the walk can skip
    /// the chunk. Almost every chunk of a large file is plain.
    pub plain: bool,
    /// Some line of the chunk holds a NUL byte.
    pub has_nul: bool,
}

impl Chunk {
    /// The chunk's vectors emptied, keeping their room, for another chunk.
    pub(super) fn emptied(mut self) -> Chunk {
        self.markers.clear();
        self.wide.clear();
        self.indexed.clear();
        self.stored.texts.clear();
        self.stored.items.clear();
        self.stored.headers.clear();
        self.stored.directives.clear();
        self
    }
}

/// Chunks are about this size (cut at the next line end). Small enough that pest's token queue of
/// a chunk stays in cache, large enough that starting a thread's share is noise.
const CHUNK_BYTES: usize = 64 * 1024;

/// Parses the chunk of whole lines of `text` (the file's bytes as pest reads them) at `range`,
/// on the calling thread: both grammar stages, its lines packed into `slots`, their place in the
/// tree's lines, whose indexes there are `indexes`. The lines are packed once, in their final
/// place, each by the thread that parses it: a large file's lines are most of the memory
/// pjsiplint uses, and on a machine where the first touch of a page costs more than using it (the
/// 2-core VMs of issue 21: about 0.8 ms per MB, a third of the whole run) that cost is shared by
/// the threads, not left to the one that builds the model.
///
/// `shell` is an earlier chunk's, emptied (`Chunk::emptied`), or a new one: its vectors keep
/// their room (see [`super::stream::Queue::shell`]).
pub(super) fn parse_one(
    bytes: &[u8],
    text: &str,
    range: Range<usize>,
    (indexes, slots): (Range<usize>, &mut [MaybeUninit<PackedLine>]),
    shell: Chunk,
) -> Chunk {
    SCRATCH.with_borrow_mut(|scratch| {
        fill_lines(text.as_bytes(), range, slots.len(), scratch);
        let mut chunk = parse_chunk(bytes, text, scratch, shell);
        // The first chunk's indexes are already the tree's: none of its lines is moved.
        let indexed = (indexes.start != 0).then_some(&mut chunk.indexed);
        chunk.wide = pack_lines(scratch, slots, indexed);
        chunk.lines = indexes;
        chunk
    })
}

/// How many lines each chunk of `text` at `bounds` holds (each ends at a "\n", and the file's
/// last chunk holds one more: the line after its last "\n", maybe empty), and what the whole
/// text holds ([`Counts`]). Each chunk is counted in one go while it is in the cache, the chunks
/// of a large text in two halves on two threads: four passes over the whole text on one core
/// took 3-4 ms of 100k phones' 17.7 MB before the builder could start.
pub(super) fn count(text: &str, bounds: &[Range<usize>]) -> (Vec<usize>, Counts) {
    let count_chunks = |chunks: Range<usize>| {
        let mut counts = Counts::default();
        let lines: Vec<usize> = bounds[chunks]
            .iter()
            .map(|range| {
                let bytes = &text.as_bytes()[range.clone()];
                let count = |byte| memchr::memchr_iter(byte, bytes).count();
                counts.brackets += count(b'[');
                counts.equals += count(b'=');
                counts.items += count(b'(');
                count(b'\n') + usize::from(range.end == text.len())
            })
            .collect();
        (lines, counts)
    };
    let middle = bounds.len() / 2;
    let ((mut lines, first), (second_lines, second)) = if text.len() >= super::PARALLEL_BYTES {
        crate::cores::in_two_parts(text.len(), |part| match part {
            0 => count_chunks(0..middle),
            _ => count_chunks(middle..bounds.len()),
        })
    } else {
        (
            count_chunks(0..bounds.len()),
            (Vec::new(), Counts::default()),
        )
    };
    lines.extend(second_lines);
    let counts = Counts {
        brackets: first.brackets + second.brackets,
        equals: first.equals + second.equals,
        items: first.items + second.items,
    };
    (lines, counts)
}

thread_local! {
    /// A thread's chunk lines, unpacked while they are parsed: one chunk's worth, used again for
    /// the next chunk (memory given back and taken again costs its first touch again).
    static SCRATCH: RefCell<Vec<Line>> = const { RefCell::new(Vec::new()) };
}

/// Makes `lines` one empty line per physical line of `text[range]`: each ends at a "\n" (not
/// included) or, in the file's last chunk, at the end of the text, so that chunk has one more
/// line than "\n"s, `count` in all (see [`line_counts`]).
fn fill_lines(text: &[u8], range: Range<usize>, count: usize, lines: &mut Vec<Line>) {
    lines.clear();
    lines.reserve(count);
    let mut start = range.start;
    let ends = memchr::memchr_iter(b'\n', &text[range.clone()])
        .map(|at| range.start + at)
        .chain((range.end == text.len()).then_some(text.len()));
    for end in ends {
        lines.push(empty_line(start, end));
        start = end + 1;
    }
    assert_eq!(lines.len(), count, "a chunk's lines were counted apart");
}

/// Writes `lines` packed into `slots` (as many), and returns the lines too wide to pack, which
/// the packed ones index from 0. Adds to `indexed`, if given, the lines that hold an index (see
/// [`Chunk::indexed`]).
fn pack_lines(
    lines: &[Line],
    slots: &mut [MaybeUninit<PackedLine>],
    mut indexed: Option<&mut Vec<u32>>,
) -> Vec<Line> {
    assert_eq!(
        lines.len(),
        slots.len(),
        "a chunk's lines were counted apart"
    );
    let mut wide = Vec::new();
    for (at, (slot, line)) in slots.iter_mut().zip(lines).enumerate() {
        let packed = PackedLine::pack(line).unwrap_or_else(|| {
            wide.push(line.clone());
            PackedLine::wide(line.start, wide.len() - 1)
        });
        if let Some(indexed) = indexed.as_mut().filter(|_| packed.holds_index()) {
            // A chunk is 64 KB: its lines count far below u32::MAX.
            indexed.push(at as u32);
        }
        slot.write(packed);
    }
    wide
}

/// Chunk ranges: each ends just after a "\n" (or at the end of the text). An empty text is one
/// empty chunk, which holds one empty line.
pub(super) fn chunk_bounds(text: &[u8]) -> Vec<Range<usize>> {
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

/// The statements of one chunk's `lines`. A chunk that ends in "\n" holds no line after it:
/// the next chunk starts there (the very last chunk of a file does hold that empty last line,
/// see `fill_lines`).
fn parse_chunk(bytes: &[u8], text: &str, lines: &mut [Line], mut chunk: Chunk) -> Chunk {
    debug_assert!(chunk.markers.is_empty() && chunk.wide.is_empty());
    // Room at once for the headers and items the chunk can hold (at most one header a line, an
    // item a `(` or `,`): growing them by doubling touched twice the memory, and first touches
    // are what memory costs most (see `parse_one`). Room never written is never touched.
    let chunk_bytes = lines
        .first()
        .zip(lines.last())
        .map_or(&[][..], |(first, last)| {
            &text.as_bytes()[first.start as usize..last.end as usize]
        });
    let count = |byte| memchr::memchr_iter(byte, chunk_bytes).count();
    let mut stored = std::mem::take(&mut chunk.stored);
    stored.headers.reserve(count(b'['));
    stored.items.reserve(count(b'(') + count(b','));
    let stored = RefCell::new(stored);
    // Runs of lines that are short enough to be read.
    let mut index = 0;
    while index < lines.len() {
        if line_len(&lines[index]) > MAX_LINE_BYTES {
            lines[index].kind = LineKind::Ignored(IgnoredBecause::TooLong);
            index += 1;
            continue;
        }
        let first = index;
        while index < lines.len() && line_len(&lines[index]) <= MAX_LINE_BYTES {
            index += 1;
        }
        parse_run(bytes, text, &mut chunk, &stored, &mut lines[first..index]);
    }
    chunk.stored = stored.into_inner();
    let bytes_range = lines
        .first()
        .zip(lines.last())
        .map(|(first, last)| first.start as usize..last.end as usize);
    chunk.has_nul = bytes_range.is_some_and(|range| memchr::memchr(0, &bytes[range]).is_some());
    chunk.plain = !chunk.has_nul
        && chunk
            .markers
            .iter()
            .all(|(marker, _)| *marker == Marker::Semicolon);
    chunk
}

fn empty_line(start: usize, end: usize) -> Line {
    Line::new(start as u32, end as u32)
}

fn line_len(line: &Line) -> usize {
    (line.end - line.start) as usize
}

/// Both stages over `lines` (consecutive, each short enough).
fn parse_run(
    bytes: &[u8],
    text: &str,
    chunk: &mut Chunk,
    stored: &RefCell<Stored>,
    lines: &mut [Line],
) {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return;
    };
    let base = first.start as usize;
    let run_text = &text[base..last.end as usize];
    // Stage 1: markers.
    let first_marker = chunk.markers.len();
    let has_semicolon = memchr::memchr(b';', run_text.as_bytes()).is_some();
    if has_semicolon {
        markers::find(run_text.as_bytes(), base, &mut chunk.markers);
        // The comment of each line that starts with a plain `;` (what the walk keeps outside
        // a block comment).
        let markers = &chunk.markers[first_marker..];
        let mut next = 0;
        for line in lines.iter_mut() {
            while markers
                .get(next)
                .is_some_and(|(_, range)| range.start < line.start)
            {
                next += 1;
            }
            if let Some((Marker::Semicolon, range)) = markers.get(next) {
                if range.start < line.end {
                    line.set_comment_start(Some(range.start));
                }
            }
        }
    }
    // Stage 2: the statement of each physical line, read from the text before its first `;`.
    // Most lines are read by `plain.rs`; the rest by the grammar's `physical_line` rule, which
    // accepts every line (if it ever did not, the line would simply stay empty).
    let source = Physical {
        bytes,
        parsed: text.as_bytes(),
    };
    let cx = Cx {
        source: &source,
        base: 0,
        stored,
    };
    for line in lines {
        let range = line.start as usize..line.end as usize;
        // Without a `;` in the whole run, no line has one to look for.
        let statement_end = match has_semicolon {
            true => memchr::memchr(b';', &text.as_bytes()[range.clone()])
                .map_or(range.end, |at| range.start + at),
            false => range.end,
        };
        line.kind = match plain::statement(&cx, range.start..statement_end) {
            Some(kind) => kind,
            None => match PjsipGrammar::parse(Rule::physical_line, &text[range.clone()]) {
                Ok(pairs) => {
                    let cx = Cx {
                        base: range.start,
                        ..cx
                    };
                    statement::convert(&cx, &mut pairs.peekable())
                }
                Err(_) => LineKind::Empty,
            },
        };
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
        assert!(text.len() > 2 * super::super::PARALLEL_BYTES);
        let tree = parse(text.as_bytes());
        assert_eq!(tree.print(text.as_bytes()), text.as_bytes());
        assert_eq!(tree.line_count(), text.matches('\n').count() + 1);
        assert!((3..3 + 60_000).all(|index| matches!(
            tree.line(index).kind,
            LineKind::Ignored(IgnoredBecause::BlockComment)
        )));
        let after = tree.line(3 + 60_000);
        assert!(
            matches!(&after.kind, LineKind::Assignment(a) if tree.text(text.as_bytes(), &a.key) == "after")
        );
        assert!(matches!(
            tree.line(3 + 60_001).kind,
            LineKind::Ignored(IgnoredBecause::TooLong)
        ));
        let items: Vec<Option<Vec<&str>>> = tree
            .lines()
            .filter_map(|line| match line.kind {
                LineKind::Section(header) => {
                    Some(tree.header_items(tree.section_header(header)).map(|items| {
                        let text = |item| tree.text(text.as_bytes(), item);
                        items.iter().map(text).collect()
                    }))
                }
                _ => None,
            })
            .collect();
        assert_eq!(items.len(), 1 + 30_000);
        assert_eq!(items[0], None);
        assert!(items[1..].iter().all(|items| items == &Some(vec!["t"])));
        let last = tree.line(tree.line_count() - 2);
        assert_eq!(last.comment_start(), Some(last.start + 12));
    }

    /// A line that starts with `\` and a blank makes the file invalid, whether or not a comment
    /// marker on the line makes it read from its logical text.
    #[test]
    fn an_invalid_escape_is_one_on_every_path() {
        for input in ["\\ key=value", "\\ key=value\\;x", "\\\tkey;--x--;=1"] {
            let tree = parse(input.as_bytes());
            assert!(
                matches!(&tree.line(0).kind, LineKind::Error(e) if e.kind == LineErrorKind::InvalidEscape),
                "{input:?}: {:?}",
                tree.line(0).kind
            );
        }
    }
}
