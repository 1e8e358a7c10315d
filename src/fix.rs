//! Fixes: a title and byte-range edits, with an applicability (Ruff's model).

use crate::source::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what a working configuration does.
    Safe,
    /// A likely repair that needs a human look.
    Unsafe,
}

/// Replace the bytes of `span` with `replacement` (an empty span inserts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

#[derive(Debug, Clone)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

#[cfg(test)]
mod explore {
    #[test]
    fn spans() {
        let bytes =
            b"[a] (!)\r\n  key = value ;c\r\nk2=v2\r\n[b]\nx\ty=\n;-- x\ny=1\n--;\nlast=1".to_vec();
        let tree = crate::syntax::parse(&bytes);
        for line in &tree.lines {
            eprintln!(
                "{}..{} {:?} {:?}",
                line.start,
                line.end,
                String::from_utf8_lossy(&bytes[line.start as usize..line.end as usize]),
                line.kind
            );
        }
    }
}
