//! Fixes: a title and byte-range edits, with an applicability (Ruff's model), and the machinery
//! that applies them.
//!
//! - Rules attach a [`Fix`] to a diagnostic. The helpers in [`edits`] build edits that keep the
//!   file's style: [`insert_option`], [`delete_line`], [`rename_key`], [`replace_value`],
//!   [`Edit::replace`] / [`Edit::insert`] / [`Edit::delete`]. An edit changes exactly the bytes of
//!   its span; everything else in the file (line endings, a missing final newline, tabs,
//!   comments, invalid UTF-8) stays as it was.
//! - [`engine::fix`] applies them in rounds until nothing changes: fixes not allowed are dropped,
//!   an edit overlapping one already chosen waits for the next round, files are re-parsed and
//!   re-linted after each round, and a round that would add a syntax error is undone.
//! - [`diff::unified_diff`] prints what changed (`--diff`), with secret values masked;
//!   [`write::write_files`] writes the fixed files atomically (`--fix`).

pub mod diff;
pub mod edits;
pub mod engine;
// Writes through unix file APIs: native builds only (the wasm playground shows fixed texts instead).
#[cfg(not(target_arch = "wasm32"))]
pub mod write;

use crate::source::{FileId, Span};

pub use edits::{delete_line, insert_option, rename_key, replace_value};
pub use engine::{fix, AppliedEdit, AppliedFix, ChangedFile, FixInput, FixOptions, FixOutcome};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what a working configuration does.
    Safe,
    /// A likely repair that needs a human look.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the bytes of `span` with `replacement` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

impl Edit {
    /// Replaces the bytes of `span` with `text`.
    pub fn replace(span: Span, text: impl Into<String>) -> Edit {
        Edit {
            span,
            replacement: text.into(),
        }
    }

    /// Inserts `text` before the byte at `offset` (at the end of the file when `offset` is its
    /// length).
    pub fn insert(file: FileId, offset: u32, text: impl Into<String>) -> Edit {
        Edit::replace(Span::new(file, offset..offset), text)
    }

    /// Removes the bytes of `span`. To remove a whole line, use [`delete_line`], which takes its
    /// newline too and refuses lines that open or close a block comment.
    pub fn delete(span: Span) -> Edit {
        Edit::replace(span, String::new())
    }
}

#[derive(Debug, Clone)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    /// A fix that cannot change what a working configuration does (`--fix` applies it).
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    /// A likely repair that changes what Asterisk does, or guesses what was meant: applied only
    /// with `--unsafe-fixes`.
    pub fn unsafe_fix(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}
