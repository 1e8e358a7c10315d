//! Inline suppressions: `; pjsiplint: disable=rule[,rule] -- reason` comments.
//!
//! - At the end of an option line: that line. At the end of a section header: the section.
//! - On a line of its own: the next line with a statement (an option line, or a section header,
//!   which means the whole section).
//! - `; pjsiplint: disable-file=rule[,rule]` anywhere: the whole file.
//!
//! `all` stands for every rule; categories (`security`, ...) work too. A suppression that
//! suppresses nothing is reported by the `unused-suppression` rule.

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::model::Config;
use crate::rules::RuleMeta;
use crate::source::{FileId, Span};
use crate::syntax::LineKind;

const MARKER: &str = "pjsiplint:";

#[derive(Debug)]
pub struct Suppression {
    /// The comment that says it.
    pub span: Span,
    /// Rule names or categories, or `all`.
    pub rules: Vec<String>,
    pub file: FileId,
    /// The lines it covers (0-based, end exclusive); the whole file for `disable-file`.
    pub lines: Range<usize>,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    pub list: Vec<Suppression>,
    /// Which suppressions suppressed something (filled by [`Suppressions::apply`]).
    used: Mutex<HashSet<usize>>,
}

impl Suppressions {
    /// Reads every suppression comment of every file.
    pub fn parse(config: &Config) -> Suppressions {
        let mut list = Vec::new();
        for (index, file) in config.files.iter().enumerate() {
            let file_id = FileId(index as u32);
            let lines = &file.syntax.lines;
            for (line_index, line) in lines.iter().enumerate() {
                let Some(start) = line.comment_start() else {
                    continue;
                };
                let comment =
                    String::from_utf8_lossy(&file.bytes[start as usize + 1..line.end as usize]);
                let Some((file_wide, rules)) = parse_comment(&comment) else {
                    continue;
                };
                let span = Span::new(file_id, start..line.end);
                let covered = if file_wide {
                    0..lines.len()
                } else {
                    let target = if matches!(line.kind, LineKind::Empty) {
                        (line_index + 1..lines.len()).find(|&i| has_statement(&lines[i].kind))
                    } else {
                        Some(line_index)
                    };
                    let Some(target) = target else {
                        continue;
                    };
                    match lines[target].kind {
                        // A header: the section, up to the next header of this file.
                        LineKind::Section(_) => {
                            let end = (target + 1..lines.len())
                                .find(|&i| matches!(lines[i].kind, LineKind::Section(_)))
                                .unwrap_or(lines.len());
                            target..end
                        }
                        _ => target..target + 1,
                    }
                };
                list.push(Suppression {
                    span,
                    rules,
                    file: file_id,
                    lines: covered,
                });
            }
        }
        Suppressions {
            list,
            used: Mutex::default(),
        }
    }

    /// Removes the findings a suppression covers and remembers which suppressions were used.
    pub fn apply(&self, config: &Config, diagnostics: &mut Vec<Diagnostic>) {
        if self.list.is_empty() {
            return;
        }
        let Ok(mut used) = self.used.lock() else {
            return;
        };
        diagnostics.retain(|diagnostic| {
            let span = diagnostic.primary.span;
            let line = config.file(span.file).line_index(span.start);
            let meta = crate::rules::find(diagnostic.rule).map(|rule| rule.meta());
            let matching = self.list.iter().position(|s| {
                s.file == span.file
                    && s.lines.contains(&line)
                    && s.rules
                        .iter()
                        .any(|name| names(name, diagnostic.rule, meta))
            });
            if let Some(index) = matching {
                used.insert(index);
            }
            matching.is_none()
        });
    }

    /// Suppressions that suppressed nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Suppression> {
        let used = self
            .used
            .lock()
            .map(|used| used.clone())
            .unwrap_or_default();
        self.list
            .iter()
            .enumerate()
            .filter(move |(index, _)| !used.contains(index))
            .map(|(_, suppression)| suppression)
    }
}

/// Whether a suppression's `name` covers `rule`.
fn names(name: &str, rule: &str, meta: Option<&RuleMeta>) -> bool {
    name == "all" || name == rule || meta.is_some_and(|meta| meta.category.as_str() == name)
}

fn has_statement(kind: &LineKind) -> bool {
    matches!(
        kind,
        LineKind::Section(_)
            | LineKind::Assignment(_)
            | LineKind::Directive(_)
            | LineKind::Error(_)
    )
}

/// `pjsiplint: disable=a,b -- reason` -> (false, [a, b]); `disable-file=` -> (true, ...).
fn parse_comment(comment: &str) -> Option<(bool, Vec<String>)> {
    let at = comment.find(MARKER)?;
    let rest = comment[at + MARKER.len()..].trim_start();
    let rest = rest.split(" --").next().unwrap_or(rest);
    let (file_wide, list) = if let Some(list) = rest.strip_prefix("disable-file=") {
        (true, list)
    } else {
        (false, rest.strip_prefix("disable=")?)
    };
    let rules: Vec<String> = list
        .split(',')
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .collect();
    (!rules.is_empty()).then_some((file_wide, rules))
}

#[cfg(test)]
mod tests {
    use super::parse_comment;

    #[test]
    fn comments() {
        assert_eq!(
            parse_comment(" pjsiplint: disable=weak-password -- lab box"),
            Some((false, vec!["weak-password".to_owned()]))
        );
        assert_eq!(
            parse_comment(" pjsiplint: disable-file=a, b"),
            Some((true, vec!["a".to_owned(), "b".to_owned()]))
        );
        assert_eq!(parse_comment(" pjsiplint: enable=x"), None);
        assert_eq!(parse_comment(" a normal comment"), None);
    }
}
