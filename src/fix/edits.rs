//! Edits that keep the file's style, for rules to put in their [`Fix`](super::Fix)es.
//!
//! Every helper edits the bytes where a line was written (for an inherited option: in the
//! template, possibly in an included file), changes nothing else, and returns `None` where no
//! edit can do what was asked without changing how the lines around it are read (a block
//! comment that opens or closes on the line, a section whose body continues in an included file).
//!
//! ```ignore
//! // duplicate-option: the earlier line is dead, remove it (safe).
//! if let Some(edit) = fix::delete_line(cx.config, dead.origin) {
//!     diagnostic = diagnostic.fix(Fix::safe("remove the overridden line", vec![edit]));
//! }
//! // unknown-option: rename the key to the option meant (unsafe: a guess).
//! let edit = fix::rename_key(cx.config, var.origin, "direct_media");
//! diagnostic = diagnostic.fix(Fix::unsafe_fix("rename to `direct_media`", vec![edit]));
//! // a missing option: add `key=value` at the end of the section, in the file's style.
//! if let Some(edit) = fix::insert_option(cx.config, section_id, "rtp_symmetric", "yes") {
//!     diagnostic = diagnostic.fix(Fix::unsafe_fix("add `rtp_symmetric=yes`", vec![edit]));
//! }
//! ```

use super::Edit;
use crate::model::{Config, LineRef, SectionId};
use crate::source::{SourceFile, Span};
use crate::syntax::{DirectiveKind, IgnoredBecause, Line, LineKind};

/// Removes the line `line` with its newline (`\n` or `\r\n`). On the last line of a file that
/// has no final newline, the newline before it goes instead, so the file still ends without one.
///
/// `None` when the line holds a `;--` or `--;` (removing it would change which lines are read as
/// a block comment).
pub fn delete_line(config: &Config, line: LineRef) -> Option<Edit> {
    let file = config.file(line.file);
    let index = line.line as usize;
    let this = file.syntax.get_line(index)?;
    if touches_block_comment(file, &this) {
        return None;
    }
    let len = file.bytes.len();
    let mut range = this.full_range(len);
    let has_newline = file.bytes.get(this.end as usize) == Some(&b'\n');
    if !has_newline && index > 0 {
        // The last line, without a final newline: take the newline that ends the line before.
        let previous = file.syntax.line(index - 1);
        let mut start = previous.end as usize;
        if previous.end > previous.start && file.bytes[start - 1] == b'\r' {
            start -= 1;
        }
        range.start = start;
    }
    Some(Edit::delete(Span::new(
        line.file,
        range.start as u32..range.end as u32,
    )))
}

/// Adds `key=value` as a new line at the end of `section`'s body: after its last option line in
/// the file of its header (or after the header when it has none), before any blank lines or
/// comments that follow. The line follows the style of the option lines around it (indent,
/// `key=value` or `key = value`) and ends in the file's newline ([`newline`]); in a file without
/// a final newline, the newline goes before the inserted line, so the file still ends without one.
///
/// A `;` in `value` is written `\;` (Asterisk would read it as a comment); blanks around the value
/// are trimmed by Asterisk, so do not rely on them.
///
/// `None` when there is no safe place: the last line of the body opens a block comment or holds a
/// stray `--;`.
pub fn insert_option(config: &Config, section: SectionId, key: &str, value: &str) -> Option<Edit> {
    let name = config.section(section).name_span;
    let file = config.file(name.file);
    let header_index = file.line_index(name.start);
    // The body's last option line (the header while it has none).
    let mut last = header_index;
    for (index, line) in file.syntax.lines().enumerate().skip(header_index + 1) {
        match &line.kind {
            LineKind::Section(_) => break,
            // What follows an include may belong to a section the included file opened.
            LineKind::Directive(directive)
                if matches!(
                    file.syntax.directive(*directive).kind(file),
                    DirectiveKind::Include | DirectiveKind::TryInclude
                ) =>
            {
                break
            }
            LineKind::Assignment(_) => last = index,
            _ => {}
        }
    }
    let last_line = file.syntax.line(last);
    if file.syntax.stray_block_end(last).is_some() {
        return None;
    }
    if let Some(next) = file.syntax.get_line(last + 1) {
        if matches!(next.kind, LineKind::Ignored(IgnoredBecause::BlockComment)) {
            return None;
        }
    }
    // The style to follow: the body's last option line, else the file's first.
    let reference = if last == header_index {
        file.syntax.assignments().next().map(|(index, _)| index)
    } else {
        Some(last)
    };
    let style = reference
        .and_then(|index| Style::at(file, index))
        .unwrap_or_default();
    let text = format!(
        "{}{key}{}={}{}",
        style.indent,
        style.before,
        style.after,
        escape_value(value)
    );
    let nl = file.newline();
    let len = file.bytes.len();
    let has_newline = file.bytes.get(last_line.end as usize) == Some(&b'\n');
    let edit = if has_newline {
        Edit::insert(name.file, last_line.end + 1, format!("{text}{nl}"))
    } else {
        // The last line of a file without a final newline.
        Edit::insert(name.file, len as u32, format!("{nl}{text}"))
    };
    Some(edit)
}

/// Renames the key of the option line `line` (an assignment), leaving its operator, value and
/// comment as they are.
pub fn rename_key(config: &Config, line: LineRef, new_key: &str) -> Edit {
    let assignment = config.assignment(line);
    Edit::replace(
        Span::new(line.file, assignment.key.span.clone()),
        new_key.to_owned(),
    )
}

/// Replaces the value of the option line `line` (an assignment) with `value` (`;` written `\;`),
/// leaving the key, operator and any comment as they are. On a `+=` line only that line's part is
/// replaced.
pub fn replace_value(config: &Config, line: LineRef, value: &str) -> Edit {
    let assignment = config.assignment(line);
    Edit::replace(
        Span::new(line.file, assignment.value.span.clone()),
        escape_value(value),
    )
}

/// `;` starts a comment in a value; Asterisk reads `\;` as a literal `;`.
fn escape_value(value: &str) -> String {
    value.replace(';', "\\;")
}

/// Whether removing this line would change how the lines after it are read: it opens or closes a
/// block comment, or holds a `--;` that closes nothing (any `--;` does one or the other).
fn touches_block_comment(file: &SourceFile, line: &Line) -> bool {
    let bytes = &file.bytes[line.start as usize..line.end as usize];
    bytes.windows(3).any(|w| w == b";--" || w == b"--;")
}

/// How an option line is written: its indent and the blanks around `=`.
#[derive(Default)]
struct Style {
    indent: String,
    before: String,
    after: String,
}

impl Style {
    /// The style of the option line at `index` (`None` for a line that is no option line).
    fn at(file: &SourceFile, index: usize) -> Option<Style> {
        let line = file.syntax.line(index);
        let LineKind::Assignment(assignment) = &line.kind else {
            return None;
        };
        let bytes = &file.bytes;
        let blanks = |range: std::ops::Range<u32>| -> String {
            let slice = bytes.get(range.start as usize..range.end as usize);
            match slice {
                Some(slice) if slice.iter().all(|&b| b == b' ' || b == b'\t') => {
                    String::from_utf8_lossy(slice).into_owned()
                }
                _ => String::new(),
            }
        };
        let indent = blanks(line.start..assignment.key.span.start);
        let before = blanks(assignment.key.span.end..assignment.operator_span().start);
        let after = if assignment.value.is_empty() {
            // An empty value shows no blanks after `=`: mirror those before it.
            before.clone()
        } else {
            blanks(assignment.operator_span().end..assignment.value.span.start)
        };
        Some(Style {
            indent,
            before,
            after,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::engine::apply;
    use crate::model::{load_bytes, LoadOptions};
    use crate::source::FileId;
    use std::path::Path;

    fn config(text: &str) -> Config {
        let dir = std::env::temp_dir().join("pjsiplint-edits-test-empty");
        let _ = std::fs::create_dir_all(&dir);
        let options = LoadOptions {
            config_dir: Some(dir),
            ..LoadOptions::default()
        };
        load_bytes(
            Path::new("t.conf"),
            "t.conf".into(),
            text.as_bytes().to_vec(),
            &options,
        )
    }

    fn applied(config: &Config, edit: Option<Edit>) -> String {
        let edit = edit.expect("an edit");
        assert_eq!(edit.span.file, FileId(0));
        let bytes = &config.files[0].bytes;
        let out = apply(bytes, &mut [(edit.span.range(), edit.replacement.as_str())]);
        String::from_utf8(out).unwrap()
    }

    fn section(config: &Config, name: &str) -> SectionId {
        let index = config
            .sections
            .iter()
            .position(|s| config.section_name(s) == name)
            .unwrap();
        SectionId(index as u32)
    }

    fn line(index: u32) -> LineRef {
        LineRef {
            file: FileId(0),
            line: index,
        }
    }

    #[test]
    fn insert_option_goes_after_the_last_option_line_in_the_surrounding_style() {
        let c = config("[a]\ntype=aor\n\n; next\n[b]\ntype=auth\n");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "max_contacts", "1"));
        assert_eq!(
            out,
            "[a]\ntype=aor\nmax_contacts=1\n\n; next\n[b]\ntype=auth\n"
        );
        let out = applied(&c, insert_option(&c, section(&c, "b"), "username", "x;y"));
        assert_eq!(
            out,
            "[a]\ntype=aor\n\n; next\n[b]\ntype=auth\nusername=x\\;y\n"
        );

        let c = config("[a]\r\n\ttype = aor ; the type\r\n\r\n");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "max_contacts", "1"));
        assert_eq!(
            out,
            "[a]\r\n\ttype = aor ; the type\r\n\tmax_contacts = 1\r\n\r\n"
        );
    }

    #[test]
    fn insert_option_keeps_a_missing_final_newline_missing() {
        let c = config("[a]\r\ntype=aor");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "max_contacts", "1"));
        assert_eq!(out, "[a]\r\ntype=aor\r\nmax_contacts=1");
        // A section with no option: after its header, in the file's style.
        let c = config("[x]\nkey = 1\n[a]");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "type", "aor"));
        assert_eq!(out, "[x]\nkey = 1\n[a]\ntype = aor");
    }

    #[test]
    fn insert_option_stops_at_an_include_and_refuses_an_open_block_comment() {
        let c = config("[a]\ntype=aor\n#tryinclude nothing.conf\nx=1\n");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "max_contacts", "1"));
        assert_eq!(
            out,
            "[a]\ntype=aor\nmax_contacts=1\n#tryinclude nothing.conf\nx=1\n"
        );
        let c = config("[a]\ntype=aor ;-- open\nx=1\n--;\n");
        assert_eq!(
            insert_option(&c, section(&c, "a"), "max_contacts", "1"),
            None
        );
    }

    #[test]
    fn an_inserted_option_is_read_into_its_section() {
        let c = config("[a]\r\ntype=aor\r\n\r\n[b]\r\ntype=auth");
        let out = applied(&c, insert_option(&c, section(&c, "a"), "max_contacts", "1"));
        let again = config(&out);
        let a = again.section(section(&again, "a"));
        let keys: Vec<&str> = again.vars(a).iter().map(|v| again.key(v)).collect();
        assert_eq!(keys, ["type", "max_contacts"]);
    }

    #[test]
    fn delete_line_takes_the_newline_and_keeps_a_missing_final_one_missing() {
        let c = config("[a]\r\ntype=aor\r\nx=1\r\ny=2\r\n");
        assert_eq!(
            applied(&c, delete_line(&c, line(2))),
            "[a]\r\ntype=aor\r\ny=2\r\n"
        );
        let c = config("[a]\r\ntype=aor\r\nx=1");
        assert_eq!(applied(&c, delete_line(&c, line(2))), "[a]\r\ntype=aor");
        let c = config("[a]\ntype=aor\n\nx=1");
        assert_eq!(applied(&c, delete_line(&c, line(3))), "[a]\ntype=aor\n");
        let c = config("x=1");
        assert_eq!(applied(&c, delete_line(&c, line(0))), "");
    }

    #[test]
    fn delete_line_refuses_lines_that_open_or_close_a_block_comment() {
        let c = config("[a]\nx=1 ;-- open\ny=2\n--;\nz=3 --;\n");
        assert_eq!(delete_line(&c, line(1)), None);
        assert_eq!(delete_line(&c, line(3)), None);
        assert_eq!(delete_line(&c, line(4)), None);
    }

    #[test]
    fn rename_key_and_replace_value_touch_only_their_bytes() {
        let c = config("[a]\n  contxt = internal ; comment\n");
        assert_eq!(
            applied(&c, Some(rename_key(&c, line(1), "context"))),
            "[a]\n  context = internal ; comment\n"
        );
        assert_eq!(
            applied(&c, Some(replace_value(&c, line(1), "a;b"))),
            "[a]\n  contxt = a\\;b ; comment\n"
        );
    }
}
