//! Source files as read from disk: their exact bytes, a display name, and line/column lookup.

use std::ops::Range;
use std::path::PathBuf;

use crate::syntax::{SyntaxTree, Text};

/// Index of a file in [`crate::model::Config::files`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, range: Range<u32>) -> Span {
        Span {
            file,
            start: range.start,
            end: range.end,
        }
    }

    pub fn range(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One file read by pjsiplint: the root file or an included one.
#[derive(Debug)]
pub struct SourceFile {
    /// Where the file was read from (`-` for stdin).
    pub path: PathBuf,
    /// The name used in messages: as given on the command line, or the include path.
    pub name: String,
    pub bytes: Vec<u8>,
    pub syntax: SyntaxTree,
}

/// A 1-based line and column (columns count characters; an invalid UTF-8 byte counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, name: String, bytes: Vec<u8>) -> SourceFile {
        let syntax = crate::syntax::parse(&bytes);
        SourceFile {
            path,
            name,
            bytes,
            syntax,
        }
    }

    /// The 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        let lines = &self.syntax.lines;
        lines
            .partition_point(|line| line.start <= offset)
            .saturating_sub(1)
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let index = self.line_index(offset);
        let start = self.syntax.lines.get(index).map_or(0, |line| line.start) as usize;
        let offset = (offset as usize).min(self.bytes.len());
        LineCol {
            line: index + 1,
            column: count_chars(&self.bytes[start..offset.max(start)]) + 1,
        }
    }

    /// What Asterisk reads from a text of this file.
    pub fn text(&self, text: &Text) -> &str {
        self.syntax.text(&self.bytes, text)
    }
}

/// Characters in `bytes`, counting each byte of an invalid UTF-8 sequence as one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + chunk.invalid().len())
        .sum()
}
