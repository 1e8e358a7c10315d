use super::{file_failure_loss, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::LoadProblemKind;

pub struct IncludeNotFound;

static META: RuleMeta = RuleMeta {
    name: "include-not-found",
    category: Category::Syntax,
    severity: Severity::Error,
    summary: "An #include names no file (or its pattern matches none)",
    doc: r#"# include-not-found

## What
An `#include` whose file does not exist, whose glob pattern matches no file, or that is nested
more than 10 levels deep; and (a warning) an include that names a directory, a FIFO or a device,
which Asterisk skips.

## Why
Asterisk logs "The file '...' was listed as a #include but it does not exist." and treats the
including file as invalid: in pjsip.conf itself that means **no** object of any type is loaded
(on a reload the old configuration silently stays). In an included file, Asterisk stops reading
that file there. Relative paths are resolved against Asterisk's config directory (`astetcdir`,
usually /etc/asterisk), not against the including file's directory; pjsiplint uses
`--config-dir`, or else the directory of the file given. Asterisk stops following includes at
10 levels ("Maximum Include level (10) exceeded"), and that include then fails the same way.

## Example
```ini
#include pjsip_custom.conf   ; the file was never created
```

## Fix
Create the file, correct the path, or use `#tryinclude` for a file that may be absent.
"#,
    fix: None,
};

impl Rule for IncludeNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for problem in &cx.config.load_problems {
            let consequence = file_failure_loss(cx.config, problem);
            let message = match &problem.kind {
                LoadProblemKind::IncludeNotFound { target } => {
                    format!("`{target}` does not exist or matches no file: {consequence}")
                }
                LoadProblemKind::IncludeTooDeep { target } => format!(
                    "`{target}` is nested more than 10 includes deep, where Asterisk stops \
                     following includes: {consequence}"
                ),
                LoadProblemKind::IncludeNotReadable { path } => {
                    let mut diagnostic = META.report(
                        problem.span,
                        format!(
                            "`{path}` is not a regular file that can be read (a directory, a \
                             FIFO, a device?): Asterisk skips it (\"is not a regular file, \
                             ignoring\")"
                        ),
                    );
                    diagnostic.severity = Severity::Warning;
                    out.push(diagnostic);
                    continue;
                }
                _ => continue,
            };
            out.push(
                META.report(problem.span, message)
                    .help("use `#tryinclude` for a file that may be absent"),
            );
        }
    }
}
