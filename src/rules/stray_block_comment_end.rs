use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{FileId, Span};
use crate::syntax::{IgnoredBecause, LineKind};

pub struct StrayBlockCommentEnd;

static META: RuleMeta = RuleMeta {
    name: "stray-block-comment-end",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "A --; that closes no block comment: Asterisk silently ignores the rest of the file",
    doc: r#"# stray-block-comment-end

## What
`--;` outside a block comment, for example `foo=bar--;note`, a `;-- ... --; --;` with one close
too many, or an orphan `--;` line.

## Why
Asterisk's parser (main/config.c) does not check that a block comment is open when it sees `--;`:
its nesting depth goes to -1. The line itself is read with the `--;...` text still in it, and
**every following line of the file is silently ignored** until a `;--` happens to bring the depth
back to zero. There is no error in the log at load time, only sections and options that are
missing.

## Example
```ini
[6001]
type=endpoint
context=internal --; was: external
[6002]
type=endpoint
```
Here `context` is `internal --; was: external` and the endpoint 6002 does not exist.

## Fix
Remove the stray `--;`, or start a comment with `;` (`; was: external`).

## When it does not apply
`--;` that closes a `;--` block comment (also on a later line), and `--;` after a `;` line
comment (`; see --; below`), which the parser never reads. An unclosed `;--` is
`unterminated-block-comment`.
"#,
    fix: None,
};

impl Rule for StrayBlockCommentEnd {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (index, file) in cx.config.written_files() {
            let syntax = &file.syntax;
            let strays = &file.syntax.stray_block_ends;
            // How many lines each `--;` hides: the run of ignored lines after it, which goes on
            // past the next stray `--;` when that one is hidden too. Counted from the last one
            // back, so that each line is looked at once (a file of 100k `--;` lines).
            let mut hidden = vec![0; strays.len()];
            let mut next: Option<(usize, usize)> = None;
            for (at, (line_index, _)) in strays.iter().enumerate().rev() {
                let end = next.map_or(syntax.line_count(), |(line, _)| line + 1);
                let run = (line_index + 1..end)
                    .take_while(|&index| {
                        matches!(
                            syntax.line(index).kind,
                            LineKind::Ignored(IgnoredBecause::AfterStrayBlockEnd)
                        )
                    })
                    .count();
                hidden[at] = match next {
                    Some((_, after)) if line_index + 1 + run == end => run + after,
                    _ => run,
                };
                next = Some((*line_index, hidden[at]));
            }
            for ((_, range), ignored) in strays.iter().zip(hidden) {
                out.push(
                    META.report(
                        Span::new(FileId(index as u32), range.clone()),
                        format!(
                            "`--;` closes no block comment: Asterisk keeps it in this line and \
                             silently ignores the {ignored} line(s) after it"
                        ),
                    )
                    .label("no `;--` is open here")
                    .help("remove it, or start a line comment with `;`"),
                );
            }
        }
    }
}
