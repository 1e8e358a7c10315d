use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Span};

pub struct UnterminatedBlockComment;

static META: RuleMeta = RuleMeta {
    name: "unterminated-block-comment",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary: "A ;-- block comment that is never closed hides the rest of the file",
    doc: r#"# unterminated-block-comment

## What
A `;--` that opens a block comment with no matching `--;` before the end of the file.
(`;---` and longer dash runs are line comments, not block starts.)

## Why
Everything after the `;--` is a comment. Asterisk only logs "Unterminated comment detected
beginning on line N" and loads the file without the rest: sections below it silently do not
exist.

## Example
```ini
;-- old trunk, disabled
[old-trunk]
type=endpoint

[6001]
type=endpoint
```

## Fix
Close the block with `--;` where the comment should end, or use `;` line comments.

## When it does not apply
`;---` and longer dash runs (line comments), and a `;--` closed later in the same file. A `--;`
with no opening `;--` is `stray-block-comment-end`.
"#,
    fix: None,
};

impl Rule for UnterminatedBlockComment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (index, file) in cx.config.written_files() {
            if let Some(range) = &file.syntax.unterminated_block {
                let span = Span::new(FileId(index as u32), range.clone());
                let line = file.line_index(range.start);
                let hidden = file.syntax.line_count().saturating_sub(line + 1);
                out.push(
                    META.report(
                        span,
                        format!(
                            "block comment never closed: Asterisk ignores the rest of the file \
                             ({hidden} line(s))"
                        ),
                    )
                    .label("opened here")
                    .help("close it with `--;`"),
                );
            }
        }
    }
}
