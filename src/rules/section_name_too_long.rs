use super::{files, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::Span;
use crate::syntax::MAX_SECTION_NAME_BYTES;

pub struct SectionNameTooLong;

static META: RuleMeta = RuleMeta {
    name: "section-name-too-long",
    category: Category::Syntax,
    severity: Severity::Warning,
    summary: "A section name over 79 bytes: Asterisk truncates it",
    doc: r#"# section-name-too-long

## What
A section name longer than 79 bytes.

## Why
Asterisk copies section names into an 80-byte buffer and silently cuts them to 79 bytes. The
object then has another id than written: `aors=`, `auth=` and `Dial(PJSIP/...)` that use the full
name find nothing, and two long names that share their first 79 bytes become duplicates.

## Example
A generated name such as `[customer-...-trunk-primary-registration-for-the-main-office]`.

## Fix
Use a shorter name.

## When it does not apply
Names of 79 bytes or fewer. Template names in `(...)` are looked up as written and reported by
`template-not-found` when they find nothing.
"#,
    fix: None,
};

impl Rule for SectionNameTooLong {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file_id, file) in files(cx.config) {
            for header in file.syntax.headers() {
                let Some(full_name) = file.syntax.header_full_name(header) else {
                    continue;
                };
                let span = Span::new(file_id, header.name.span.clone());
                out.push(META.report(
                    span,
                    format!(
                        "section name of {} bytes: Asterisk cuts it to {MAX_SECTION_NAME_BYTES} \
                         bytes, `{}`",
                        file.text(full_name).len(),
                        file.text(&header.name)
                    ),
                ));
            }
        }
    }
}
