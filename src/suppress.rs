//! Inline suppressions: `; pjsiplint: disable=rule[,rule] -- reason` comments.
//!
//! - At the end of an option line: that line. At the end of a section header: the section.
//! - On a line of its own: the next line with a statement (an option line, or a section header,
//!   which means the whole section).
//! - `; pjsiplint: disable-file=rule[,rule]` anywhere: the whole file.
//!
//! `all` stands for every rule; categories (`security`, ...) work too. A suppression that
//! suppresses nothing is reported by the `unused-suppression` rule.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::Mutex;

use crate::diagnostic::Diagnostic;
use crate::model::Config;
use crate::source::{FileId, Span};
use crate::syntax::{LineKind, SyntaxTree};

const MARKER: &str = "pjsiplint:";

/// Files this large are searched for the [`MARKER`] in two halves at once: the search runs on one
/// core between the objects' checks and the rules (100k phones' 17.7 MB: 0.8-1.7 ms).
const SEARCH_IN_HALVES: usize = 4 << 20;

/// Whether `bytes` hold the [`MARKER`] anywhere. A large file is searched in two halves that
/// overlap by one byte less than the marker, so that a marker across the cut is in one of them.
fn holds_marker(bytes: &[u8]) -> bool {
    let find = |bytes: &[u8]| memchr::memmem::find(bytes, MARKER.as_bytes()).is_some();
    if bytes.len() < SEARCH_IN_HALVES {
        return find(bytes);
    }
    let middle = bytes.len() / 2;
    let (first, second) = crate::cores::in_two_parts(bytes.len(), |part| match part {
        0 => find(&bytes[..middle + MARKER.len() - 1]),
        _ => find(&bytes[middle..]),
    });
    first || second
}

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
        for (index, file) in config.written_files() {
            // A file without the marker anywhere has no suppression comment: one vectorised
            // search instead of reading every comment (100k phones with a comment each).
            if !holds_marker(&file.bytes) {
                continue;
            }
            let file_id = FileId(index as u32);
            let syntax = &file.syntax;
            // Found once a file, when its first suppression comment needs it (not by a scan
            // ahead for every comment: 100k comments above one section).
            let mut ahead: Option<Ahead> = None;
            for (line_index, line) in syntax.lines().enumerate() {
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
                    0..syntax.line_count()
                } else {
                    let ahead = ahead.get_or_insert_with(|| Ahead::new(syntax));
                    let target = if matches!(line.kind, LineKind::Empty) {
                        ahead.statement[line_index + 1]
                    } else {
                        line_index
                    };
                    match syntax.get_line(target).map(|line| line.kind) {
                        // A header: the section, up to the next header of this file.
                        Some(LineKind::Section(_)) => target..ahead.header[target + 1],
                        Some(_) => target..target + 1,
                        // A comment with no statement after it (the last lines of a file)
                        // covers nothing: it is still a suppression, reported as unused.
                        None => syntax.line_count()..syntax.line_count(),
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
        // The first suppression (in list order) that covers a finding's line and names its rule,
        // found for all findings at once: per (file, name), a sweep over the lines with the
        // suppressions open at each line (not every suppression for every finding: 100k
        // suppressed lines).
        let mut naming: HashMap<(FileId, &str), Vec<usize>> = HashMap::default();
        for (index, suppression) in self.list.iter().enumerate() {
            for name in &suppression.rules {
                let list = naming.entry((suppression.file, name.as_str())).or_default();
                if list.last() != Some(&index) {
                    list.push(index);
                }
            }
        }
        let mut queries: HashMap<(FileId, &str), Vec<(usize, usize)>> = HashMap::default();
        for (at, diagnostic) in diagnostics.iter().enumerate() {
            let span = diagnostic.primary.span;
            let line = config.file(span.file).line_index(span.start);
            let category = crate::rules::find(diagnostic.rule).map(|rule| rule.meta().category);
            let names = ["all", diagnostic.rule]
                .into_iter()
                .chain(category.map(|category| category.as_str()));
            for name in names {
                if let Some((&key, _)) = naming.get_key_value(&(span.file, name)) {
                    queries.entry(key).or_default().push((line, at));
                }
            }
        }
        let mut matching: Vec<Option<usize>> = vec![None; diagnostics.len()];
        for (key, mut lines) in queries {
            let indices = &naming[&key];
            let mut starts: Vec<(usize, usize)> = indices
                .iter()
                .map(|&index| (self.list[index].lines.start, index))
                .collect();
            let mut ends: Vec<(usize, usize)> = indices
                .iter()
                .map(|&index| (self.list[index].lines.end, index))
                .collect();
            starts.sort_unstable();
            ends.sort_unstable();
            lines.sort_unstable();
            let (mut started, mut ended) = (0, 0);
            let mut open = BTreeSet::new();
            for (line, at) in lines {
                while let Some(&(_, index)) =
                    starts.get(started).filter(|(start, _)| *start <= line)
                {
                    open.insert(index);
                    started += 1;
                }
                while let Some(&(_, index)) = ends.get(ended).filter(|(end, _)| *end <= line) {
                    open.remove(&index);
                    ended += 1;
                }
                if let Some(&first) = open.first() {
                    let best = &mut matching[at];
                    *best = Some(best.map_or(first, |best| best.min(first)));
                }
            }
        }
        let mut at = 0;
        diagnostics.retain(|_| {
            let found = matching[at];
            at += 1;
            if let Some(index) = found {
                used.insert(index);
            }
            found.is_none()
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

/// For every line index `i` (and `lines.len()`), the first line at or after `i` with a statement,
/// and the first section header; `lines.len()` when there is none.
struct Ahead {
    statement: Vec<usize>,
    header: Vec<usize>,
}

impl Ahead {
    fn new(syntax: &SyntaxTree) -> Ahead {
        let count = syntax.line_count();
        let mut statement = vec![count; count + 1];
        let mut header = vec![count; count + 1];
        for (index, line) in syntax.lines().enumerate().rev() {
            statement[index] = if has_statement(&line.kind) {
                index
            } else {
                statement[index + 1]
            };
            header[index] = if matches!(line.kind, LineKind::Section(_)) {
                index
            } else {
                header[index + 1]
            };
        }
        Ahead { statement, header }
    }
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

    /// The search in two halves finds the marker wherever it is, across the cut too, and
    /// nothing in a file without it.
    #[test]
    fn the_marker_is_found_in_either_half_and_across_the_cut() {
        let len = super::SEARCH_IN_HALVES + 17;
        let middle = len / 2;
        let marker = super::MARKER.as_bytes();
        assert!(!super::holds_marker(&vec![b';'; len]));
        for at in [
            0,
            5,
            middle - marker.len(),
            middle - 3,
            middle,
            len - marker.len(),
        ] {
            let mut bytes = vec![b';'; len];
            bytes[at..at + marker.len()].copy_from_slice(marker);
            assert!(super::holds_marker(&bytes), "marker at {at}");
        }
    }

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
