//! `--diff`: unified diffs of the fixed files that `patch -p1` and `git apply` accept, with
//! secret values masked.

use std::path::{Component, Path, PathBuf};

use std::time::{Duration, Instant};

use similar::{capture_diff_slices_deadline, group_diff_ops, Algorithm, DiffTag};

use crate::report::secrets::masked_bytes;
use crate::source::SourceFile;

/// Lines of context around each change, as `diff -u`.
const CONTEXT: usize = 3;

/// A unified diff of one file.
pub struct Diff {
    /// `--- a/PATH`, `+++ b/PATH` and the hunks, as raw bytes (a file's invalid UTF-8 stays as it
    /// is, so the hunks apply). Empty when the texts are equal.
    pub text: Vec<u8>,
    /// Some shown line holds a secret value, shown as `*`: `patch` will not apply that hunk.
    pub masked: bool,
}

/// The unified diff from `old` to `new`, labelled `a/{path}` and `b/{path}`. Values of secret
/// options (`password`, `md5_cred`, ...; see [`crate::report::secrets`]) are shown as `*` in
/// every line shown, removed, added or context.
pub fn unified_diff(old: &[u8], new: &[u8], path: &str) -> Diff {
    if old == new {
        return Diff {
            text: Vec::new(),
            masked: false,
        };
    }
    let old_lines = split_lines(old);
    let new_lines = split_lines(new);
    let old_shown = masked(old);
    let new_shown = masked(new);
    let old_shown_lines = split_lines(&old_shown);
    let new_shown_lines = split_lines(&new_shown);
    // Myers gives the minimal diff `diff -u` would; on a huge file with thousands of fixes it can
    // take long, so past the deadline similar settles for a correct diff that is not minimal.
    // wasm32-unknown-unknown has no clock (`Instant::now` panics): no deadline in the playground,
    // whose texts are small.
    let deadline = (!cfg!(target_arch = "wasm32")).then(|| Instant::now() + Duration::from_secs(2));
    let ops = capture_diff_slices_deadline(Algorithm::Myers, &old_lines, &new_lines, deadline);
    let mut text = format!("--- a/{path}\n+++ b/{path}\n").into_bytes();
    let mut masked_any = false;
    for group in group_diff_ops(ops, CONTEXT) {
        // similar gives a Delete the new index after it, so take the smallest start of each side
        // and count the lines shown.
        let Some(old_start) = group.iter().map(|op| op.old_range().start).min() else {
            continue;
        };
        let new_start = group
            .iter()
            .map(|op| op.new_range().start)
            .min()
            .unwrap_or(0);
        let mut body = Vec::new();
        let (mut old_count, mut new_count) = (0, 0);
        for op in &group {
            let (tag, old_op, new_op) = op.as_tag_tuple();
            let lines: Vec<(u8, &[u8], &[u8])> = match tag {
                DiffTag::Equal => old_op
                    .map(|i| (b' ', old_lines[i], old_shown_lines[i]))
                    .collect(),
                DiffTag::Delete => old_op
                    .map(|i| (b'-', old_lines[i], old_shown_lines[i]))
                    .collect(),
                DiffTag::Insert => new_op
                    .map(|i| (b'+', new_lines[i], new_shown_lines[i]))
                    .collect(),
                DiffTag::Replace => old_op
                    .map(|i| (b'-', old_lines[i], old_shown_lines[i]))
                    .chain(new_op.map(|i| (b'+', new_lines[i], new_shown_lines[i])))
                    .collect(),
            };
            for (prefix, real, shown) in lines {
                old_count += usize::from(prefix != b'+');
                new_count += usize::from(prefix != b'-');
                masked_any |= real != shown;
                body.push(prefix);
                body.extend_from_slice(shown);
                if !shown.ends_with(b"\n") {
                    body.extend_from_slice(b"\n\\ No newline at end of file\n");
                }
            }
        }
        text.extend_from_slice(
            format!(
                "@@ -{} +{} @@\n",
                hunk_range(old_start, old_count),
                hunk_range(new_start, new_count)
            )
            .as_bytes(),
        );
        text.extend_from_slice(&body);
    }
    Diff {
        text,
        masked: masked_any,
    }
}

/// `start,count` of a hunk from its 0-based first line: 1-based, or for an empty side the line
/// before it (as `diff -u`).
fn hunk_range(start: usize, count: usize) -> String {
    let start = if count == 0 { start } else { start + 1 };
    format!("{start},{count}")
}

/// Lines with their `\n` (the last one may have none).
fn split_lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// The bytes with secret values as `*`: same length, same line breaks.
fn masked(bytes: &[u8]) -> Vec<u8> {
    masked_bytes(&SourceFile::new(
        PathBuf::new(),
        String::new(),
        bytes.to_vec(),
    ))
}

/// The path to put after `a/` and `b/`: relative to `cwd` (the directory `patch -p1` runs in),
/// with `..` when the file is outside it.
pub fn diff_path(path: &Path, cwd: &Path) -> String {
    let absolute = normalize(&if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    });
    let cwd = normalize(cwd);
    let relative = relative_to(&absolute, &cwd).or_else(|| {
        // Through symbolic links (a cwd of /tmp that is really /private/tmp).
        let absolute = std::fs::canonicalize(&absolute).ok()?;
        let cwd = std::fs::canonicalize(&cwd).ok()?;
        relative_to(&absolute, &cwd)
    });
    let relative = relative.unwrap_or(absolute);
    relative.to_string_lossy().replace('\\', "/")
}

/// `path` relative to `base`, going up with `..` where needed; `None` when they share no root.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let path: Vec<Component> = path.components().collect();
    let base: Vec<Component> = base.components().collect();
    if path.first() != base.first() {
        return None;
    }
    let common = path.iter().zip(&base).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for component in &path[common..] {
        out.push(component.as_os_str());
    }
    Some(out)
}

/// Removes `.` and resolves `..` by the text of the path (as a shell's `cd` does).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_directory_patch_runs_in() {
        let cwd = Path::new("/work/main");
        assert_eq!(diff_path(Path::new("a/b.conf"), cwd), "a/b.conf");
        assert_eq!(diff_path(Path::new("./a/../b.conf"), cwd), "b.conf");
        assert_eq!(
            diff_path(Path::new("/work/main/x/pjsip.conf"), cwd),
            "x/pjsip.conf"
        );
        assert_eq!(
            diff_path(Path::new("/work/other/pjsip.conf"), cwd),
            "../other/pjsip.conf"
        );
    }

    #[test]
    fn hunks_keep_crlf_and_say_when_the_final_newline_is_missing() {
        let diff = unified_diff(
            b"[a] (!)\r\nx=1\r\nlast=1",
            b"[a](!)\r\nx=1\r\nlast=2",
            "p.conf",
        );
        let text = String::from_utf8(diff.text).unwrap();
        assert_eq!(
            text,
            "--- a/p.conf\n+++ b/p.conf\n@@ -1,3 +1,3 @@\n-[a] (!)\r\n+[a](!)\r\n x=1\r\n\
             -last=1\n\\ No newline at end of file\n+last=2\n\\ No newline at end of file\n"
        );
        assert!(!diff.masked);
    }

    #[test]
    fn a_deleted_line_before_an_equal_one_numbers_the_hunk_right() {
        // similar reports this as delete, equal, insert, with the delete's new index after it.
        let diff = unified_diff(
            b"[p] (!)\n[p](!)\n[6001]",
            b"[p](!)\n[p](!)\n[6001]",
            "o.conf",
        );
        let text = String::from_utf8(diff.text).unwrap();
        assert!(text.contains("@@ -1,3 +1,3 @@\n"), "{text}");
    }

    #[test]
    fn secrets_are_masked_in_every_line_shown() {
        let old = b"[a] (!)\ntype=auth\npassword=hunter2\n";
        let new = b"[a](!)\ntype=auth\npassword=hunter2\n";
        let diff = unified_diff(old, new, "p.conf");
        let text = String::from_utf8(diff.text).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains(" password=*******\n"), "{text}");
        assert!(diff.masked);
    }
}
