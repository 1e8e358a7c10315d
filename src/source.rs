//! Source files as read from disk: their exact bytes, a display name, and line/column lookup.

use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use crate::syntax::{ParseStream, SyntaxTree, Text};

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
    pub bytes: Contents,
    pub syntax: SyntaxTree,
    /// The file's newline, found on first use ([`SourceFile::newline`]).
    newline: OnceLock<&'static str>,
}

/// A file's bytes. A file of valid UTF-8 (almost every one) is kept as a `String`, so its texts
/// are read as `&str` without checking each one again; either way it reads as `[u8]`. Shared
/// with the threads that parse a large file while its first lines are used ([`ParseStream`]).
#[derive(Debug, Clone)]
pub enum Contents {
    Utf8(Arc<String>),
    Bytes(Arc<Vec<u8>>),
}

impl Contents {
    /// The text at `range`, if it is valid UTF-8 (always, in a `Utf8` file, at char boundaries).
    pub fn str(&self, range: Range<usize>) -> Option<&str> {
        match self {
            Contents::Utf8(text) => text.get(range),
            Contents::Bytes(bytes) => std::str::from_utf8(bytes.get(range)?).ok(),
        }
    }
}

impl From<Vec<u8>> for Contents {
    fn from(bytes: Vec<u8>) -> Self {
        if is_utf8(&bytes) {
            // SAFETY: checked just above.
            Contents::Utf8(Arc::new(unsafe { String::from_utf8_unchecked(bytes) }))
        } else {
            Contents::Bytes(Arc::new(bytes))
        }
    }
}

/// Files this large are checked for UTF-8 in two halves at once (100k phones' 17.7 MB took a
/// millisecond on one core, before anything else could start).
const CHECK_IN_HALVES: usize = 4 << 20;

/// Whether `bytes` are valid UTF-8. A large file is cut where a character starts (a byte that
/// continues none): then the whole is valid exactly when both halves are.
fn is_utf8(bytes: &[u8]) -> bool {
    if bytes.len() < CHECK_IN_HALVES {
        return std::str::from_utf8(bytes).is_ok();
    }
    let middle = bytes.len() / 2;
    // A character takes at most 4 bytes: one of the 4 up to the middle starts one, or the
    // bytes are no UTF-8.
    let Some(cut) = (middle - 3..=middle)
        .rev()
        .find(|&at| bytes[at] & 0xC0 != 0x80)
    else {
        return false;
    };
    let (first, second) = crate::cores::in_two_parts(bytes.len(), |part| {
        let half = if part == 0 {
            &bytes[..cut]
        } else {
            &bytes[cut..]
        };
        std::str::from_utf8(half).is_ok()
    });
    first && second
}

impl std::ops::Deref for Contents {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Contents::Utf8(text) => text.as_bytes(),
            Contents::Bytes(bytes) => bytes.as_slice(),
        }
    }
}

/// A 1-based line and column (columns count characters; an invalid UTF-8 byte counts as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    pub fn new(path: PathBuf, name: String, bytes: Vec<u8>) -> SourceFile {
        SourceFile::parse(path, name, Contents::from(bytes))
    }

    /// A file for a reader that uses its lines in order as they come: a large one is parsed on
    /// other threads meanwhile, its tree empty until the [`ParseStream`] returned with it adds
    /// their lines (the model's builder reads a file's first sections while the rest is parsed);
    /// a small one is parsed at once.
    pub fn streamed(
        path: PathBuf,
        name: String,
        bytes: Contents,
    ) -> (SourceFile, Option<ParseStream>) {
        let threads = crate::syntax::parse_threads(bytes.len());
        if threads < 2 {
            return (SourceFile::parse(path, name, bytes), None);
        }
        SourceFile::input_read(&bytes);
        let (syntax, stream) = ParseStream::start(bytes.clone(), threads);
        (SourceFile::with(path, name, bytes, syntax), Some(stream))
    }

    fn parse(path: PathBuf, name: String, bytes: Contents) -> SourceFile {
        SourceFile::input_read(&bytes);
        let utf8 = match &bytes {
            Contents::Utf8(text) => Some(text.as_str()),
            Contents::Bytes(_) => None,
        };
        let syntax = crate::syntax::parse_checked(&bytes, utf8);
        SourceFile::with(path, name, bytes, syntax)
    }

    /// A large input tunes the allocator before its lines are made.
    fn input_read(bytes: &Contents) {
        #[cfg(not(target_arch = "wasm32"))]
        crate::allocator::input_read(bytes.len());
        #[cfg(target_arch = "wasm32")]
        let _ = bytes;
    }

    fn with(path: PathBuf, name: String, bytes: Contents, syntax: SyntaxTree) -> SourceFile {
        SourceFile {
            path,
            name,
            bytes,
            syntax,
            newline: OnceLock::new(),
        }
    }

    /// The newline the file uses: `"\r\n"` when most of its line ends are CRLF, else `"\n"`.
    /// Counted once, on first use: fixes ask for it once per finding.
    pub fn newline(&self) -> &'static str {
        self.newline.get_or_init(|| {
            let bytes: &[u8] = &self.bytes;
            let mut lf = 0usize;
            let mut crlf = 0usize;
            for (index, &byte) in bytes.iter().enumerate() {
                if byte == b'\n' {
                    lf += 1;
                    if index > 0 && bytes[index - 1] == b'\r' {
                        crlf += 1;
                    }
                }
            }
            if crlf * 2 > lf {
                "\r\n"
            } else {
                "\n"
            }
        })
    }

    /// The 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: u32) -> usize {
        self.syntax.line_index(offset)
    }

    pub fn line_col(&self, offset: u32) -> LineCol {
        let index = self.line_index(offset);
        let start = self.syntax.line_start(index).unwrap_or(0) as usize;
        let offset = (offset as usize).min(self.bytes.len());
        LineCol {
            line: index + 1,
            column: count_chars(&self.bytes[start..offset.max(start)]) + 1,
        }
    }

    /// What Asterisk reads from a text of this file. Inlined: called for nearly every value
    /// read, a million times on a large configuration, where the call cost a third of it.
    #[inline]
    pub fn text(&self, text: &Text) -> &str {
        match self.syntax.stored_text(text) {
            Some(stored) => stored,
            None => self
                .bytes
                .str(text.span.start as usize..text.span.end as usize)
                .unwrap_or_default(),
        }
    }
}

/// Characters in `bytes`, counting each byte of an invalid UTF-8 sequence as one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .map(|chunk| chunk.valid().chars().count() + chunk.invalid().len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::{is_utf8, CHECK_IN_HALVES};

    /// Checked in halves, a large text is valid exactly when it is whole: characters of every
    /// length and broken ones, at and around the cut.
    #[test]
    fn a_large_text_is_utf8_when_its_halves_are() {
        let pieces: [&[u8]; 7] = [
            "é".as_bytes(),
            "€".as_bytes(),
            "😀".as_bytes(),
            b"\xE2\x82",
            b"\x80",
            b"\x80\x80\x80\x80",
            b"\xF0\x9F\x98",
        ];
        let mut bytes = vec![b'a'; CHECK_IN_HALVES + 1];
        let middle = bytes.len() / 2;
        for piece in pieces {
            for at in middle - 6..middle + 4 {
                let mut text = bytes.clone();
                text.splice(at..at + piece.len(), piece.iter().copied());
                assert_eq!(
                    is_utf8(&text),
                    std::str::from_utf8(&text).is_ok(),
                    "{piece:?} at {}",
                    at as isize - middle as isize
                );
            }
        }
        bytes[0] = 0xFF;
        assert!(!is_utf8(&bytes));
    }
}
