use rustc_hash::FxHashSet as HashSet;

use super::{section_type, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::SectionId;
use crate::schema::Repeat;
use crate::source::Span;

pub struct DuplicateOption;

static META: RuleMeta = RuleMeta {
    name: "duplicate-option",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "A single-valued option set twice in one section: the first value is dead",
    doc: r#"# duplicate-option

## What
An option that takes one value (`context`, `direct_media`, `max_contacts`, ...) written twice
among a section's own lines. Options that accumulate (`allow`, `match`, `set_var`, `contact`,
...) are not this mistake, and neither is a section overriding what it inherits from a
template.

## Why
Asterisk applies every line in order and keeps the last: the first line does nothing. It often
hides an edit that was meant to replace the line, and a reader of the file trusts the wrong one.

## Example
```ini
[6001]
type=endpoint
context=internal
direct_media=no
context=from-phones
```

## Fix
Remove the dead line. pjsiplint's fix does that and is safe: the line had no effect.

## When it does not apply
- A section overriding a line it inherits from a template: last value wins, by design.
- Options that accumulate (`allow`, `match`, `set_var`, `contact`, ...), and `+=` lines.
- Sections reopened with `(+)`: the second line may be meant to override.
"#,
    fix: Some(Applicability::Safe),
};

impl Rule for DuplicateOption {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // Sections reopened by `(+)`: a second line there may be meant to override, and a
        // template copied between the two lines would see the first.
        let reopened: HashSet<SectionId> =
            config.additions.iter().filter_map(|a| a.target).collect();
        // Per option index: the section and position of its last own line seen.
        let mut last_line: Vec<Option<(usize, usize)>> = Vec::new();
        for (index, section) in config.pjsip_sections() {
            let id = SectionId(index as u32);
            if reopened.contains(&id) {
                continue;
            }
            let Some(ty) = section_type(config, id) else {
                continue;
            };
            for (position, var) in config.vars(section).iter().enumerate() {
                if var.is_inherited() || var.is_appended() {
                    continue;
                }
                let Some(spec) = config
                    .option_spec(ty, var)
                    .filter(|spec| spec.repeat == Repeat::LastWins && spec.name != "type")
                else {
                    continue;
                };
                if last_line.len() <= spec.index {
                    last_line.resize(spec.index + 1, None);
                }
                let earlier = last_line[spec.index]
                    .replace((index, position))
                    .filter(|&(seen_in, _)| seen_in == index);
                let Some((_, earlier)) = earlier else {
                    continue;
                };
                let key = config.key(var);
                let dead = config.vars(section).at(earlier);
                if dead.is_appended() {
                    continue;
                }
                let mut diagnostic = META
                    .report(
                        config.key_span(dead),
                        format!(
                            "`{key}` is set again below in [{}]: this line has no effect",
                            config.section_name(section)
                        ),
                    )
                    .label("dead: overridden below")
                    .secondary(config.key_span(var), "this line wins");
                if let Some(span) = removable_statement(config, dead.origin) {
                    diagnostic = diagnostic.fix(Fix {
                        title: format!("remove the dead `{key}` line"),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            span,
                            replacement: String::new(),
                        }],
                    });
                }
                out.push(diagnostic);
            }
        }
    }
}

/// The bytes to delete to remove an assignment line: the whole line with its newline, or up to
/// its comment when it has one (the comment stays). `None` when the statement holds comment
/// markers (`\;`, `;--`, `--;`): deleting those could change how the rest of the file is read.
fn removable_statement(
    config: &crate::model::Config,
    origin: crate::model::LineRef,
) -> Option<Span> {
    let file = config.file(origin.file);
    let line = file.syntax.line(origin.line as usize);
    let statement_end = line.comment_start().unwrap_or(line.end) as usize;
    let statement = &file.bytes[line.start as usize..statement_end];
    let has_marker = statement.windows(2).any(|w| w == b"\\;")
        || statement.windows(3).any(|w| w == b";--" || w == b"--;");
    if has_marker {
        return None;
    }
    let end = match line.comment_start() {
        Some(comment) => comment,
        None => line.full_range(file.bytes.len()).end as u32,
    };
    Some(Span::new(origin.file, line.start..end))
}
