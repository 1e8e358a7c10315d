use super::{Category, Context, Losses, Rule, RuleMeta};
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

Several includes that fail the same file are one finding (Asterisk rejects the file once), at the
first, with the others beside it. The objects the file loses are counted in the message, and
nothing else reports them: the references to them (dangling-reference) and the registrations
that would use their transports (missing-required-option) stay silent, while the other rules
check the configuration as it loads once the include is fixed.

## When it does not apply
- `#tryinclude` of a file that does not exist: Asterisk goes on silently (but objects named in
  the rest of the configuration may be in it: dangling-reference then only notes them).
"#,
    fix: None,
};

impl Rule for IncludeNotFound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let mut losses = Losses::new(cx.config);
        // Every include that fails the same file is one finding: the consequence (the file
        // rejected, the included file cut short) happens once, and the others are shown beside
        // the first.
        let mut failing: Vec<(Diagnostic, usize)> = Vec::new();
        let mut by_file: rustc_hash::FxHashMap<(crate::source::FileId, bool), usize> =
            Default::default();
        for problem in &cx.config.load_problems {
            let (what, target) = match &problem.kind {
                LoadProblemKind::IncludeNotFound { target } => {
                    ("does not exist or matches no file", target)
                }
                LoadProblemKind::IncludeTooDeep { target } => (
                    "is nested more than 10 includes deep, where Asterisk stops following \
                     includes",
                    target,
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
            // The whole configuration fails once; an included file is cut short once.
            let whole = problem.effect == crate::model::Effect::WholeConfigDropped;
            let key = (
                if whole {
                    crate::source::FileId(0)
                } else {
                    problem.span.file
                },
                whole,
            );
            if let Some(&index) = by_file.get(&key) {
                let (first, more) = &mut failing[index];
                *more += 1;
                if *more <= 8 {
                    first.secondary.push(crate::diagnostic::Label {
                        span: problem.span,
                        message: format!("`{target}` {what} too").into(),
                    });
                }
                continue;
            }
            by_file.insert(key, failing.len());
            let consequence = losses.describe(problem);
            let diagnostic = META
                .report(problem.span, format!("`{target}` {what}: {consequence}"))
                .help("use `#tryinclude` for a file that may be absent");
            failing.push((diagnostic, 0));
        }
        for (mut diagnostic, more) in failing {
            match more {
                0 => {}
                1 => diagnostic
                    .message
                    .push_str("; 1 more include fails the same way"),
                n => diagnostic
                    .message
                    .push_str(&format!("; {n} more includes fail the same way")),
            }
            out.push(diagnostic);
        }
    }
}
