use super::{files, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::source::Span;

pub struct HeaderGarbage;

static META: RuleMeta = RuleMeta {
    name: "header-garbage",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary: "Text after a section header, such as `[a] (!)`, which is then not a template",
    doc: r#"# header-garbage

## What
Anything other than blanks or a comment after a section header's `]` (or after its `(...)`).

## Why
Asterisk reads the options list only when `(` follows `]` at once. Anything else after `]` is
silently ignored: `[phone] (!)` is **not** a template but a normal section, and `[6001] (phone)`
inherits nothing. A template that is not one becomes an object of its own (or a section with no
`type` that Asterisk ignores), and the sections meant to inherit from it lack its options.

## Example
```ini
[phone-template] (!)
type=endpoint
context=internal
```

## Fix
Remove the blank between `]` and `(`: `[phone-template](!)`. That changes what Asterisk loads,
so pjsiplint offers it as an unsafe fix.

## When it does not apply
- A header without its closing `]` or `)`: syntax-error (Asterisk rejects the file).
- A comment after the header (`[6001] ; desk phone`): Asterisk ignores it, no finding.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for HeaderGarbage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file_id, file) in files(cx.config) {
            for header in file.syntax.headers() {
                let Some(garbage) = file.syntax.header_garbage(header) else {
                    continue;
                };
                let span = Span::new(file_id, garbage.span.clone());
                let garbage_text = file.text(garbage);
                let looks_like_options = file.syntax.header_items(header).is_none()
                    && garbage_text.starts_with('(')
                    && garbage_text.ends_with(')');
                let mut diagnostic = if looks_like_options {
                    // The blanks between `]` and `(`: remove them to make the options count.
                    let close = header.name.span.end + 1;
                    let blanks = Span::new(file_id, close..garbage.span.start);
                    META.report(
                        span,
                        format!(
                            "`{}` is ignored because it does not follow `]` at once: this \
                             section is not a template and inherits nothing",
                            garbage_text
                        ),
                    )
                    .fix(Fix {
                        title: format!("join `{garbage_text}` to the header"),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            span: blanks,
                            replacement: String::new(),
                        }],
                    })
                } else {
                    META.report(
                        span,
                        format!("`{garbage_text}` after the section header is ignored"),
                    )
                };
                diagnostic = diagnostic.label("ignored by Asterisk");
                out.push(diagnostic);
            }
        }
    }
}
