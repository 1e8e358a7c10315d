//! The fixer: --fix, --unsafe-fixes, --diff, --show-fixes, and the engine's promises: bytes
//! outside the edits never change, no fix adds a syntax error, a second run changes nothing,
//! writes are atomic and keep the file's mode, inode and mtime when nothing changes.

mod common;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::Arc;

use assert_cmd::Command;
use proptest::prelude::*;

use pjsiplint::fix::diff::unified_diff;
use pjsiplint::fix::{fix, FixInput, FixOptions, FixOutcome};
use pjsiplint::rules::RULES;
use pjsiplint::{lint_path, Settings};

fn pjsiplint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pjsiplint").unwrap();
    cmd.current_dir(dir);
    cmd
}

/// `--fix --unsafe-fixes --select header-garbage pjsip.conf` in `dir`, which must succeed.
fn fix_header_garbage(dir: &Path) {
    pjsiplint(dir)
        .args([
            "--fix",
            "--unsafe-fixes",
            "--select",
            "header-garbage",
            "pjsip.conf",
        ])
        .assert()
        .code(0);
}

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// A temporary directory holding a copy of every file of `dir` (not recursive).
fn copy_dir(dir: &Path) -> tempfile::TempDir {
    let temp = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_file() {
            fs::copy(entry.path(), temp.path().join(entry.file_name())).unwrap();
        }
    }
    temp
}

/// Every file of a directory with its bytes, inode and mtime.
fn state(dir: &Path) -> BTreeMap<String, (Vec<u8>, u64, i64, i64)> {
    fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|entry| entry.path().is_file())
        .map(|entry| {
            let meta = entry.metadata().unwrap();
            (
                entry.file_name().to_string_lossy().into_owned(),
                (
                    fs::read(entry.path()).unwrap(),
                    meta.ino(),
                    meta.mtime(),
                    meta.mtime_nsec(),
                ),
            )
        })
        .collect()
}

fn unsafe_options() -> FixOptions {
    FixOptions {
        unsafe_fixes: true,
        ..FixOptions::default()
    }
}

/// Whether this process can ignore file permissions (root): some tests then cannot fail a write.
fn running_as_root() -> bool {
    let dir = tempfile::tempdir().unwrap();
    let probe = dir.path().join("probe");
    fs::write(&probe, "").unwrap();
    fs::metadata(&probe).unwrap().uid() == 0
}

const GARBAGE: &str =
    "[phone-template] (!)\ntype=endpoint\ncontext=internal\n\n[6001](phone-template)\n";
const GARBAGE_FIXED: &str =
    "[phone-template](!)\ntype=endpoint\ncontext=internal\n\n[6001](phone-template)\n";

#[test]
fn header_garbage_is_fixed_and_a_second_fix_changes_nothing() {
    let temp = copy_dir(&corpus().join("header-garbage"));
    let dir = temp.path();
    // Unsafe: --fix alone leaves it.
    pjsiplint(dir)
        .args(["--fix", "--select", "header-garbage", "bad.conf"])
        .assert()
        .code(1);
    let before = state(dir);
    assert_eq!(
        before["bad.conf"].0,
        fs::read(corpus().join("header-garbage/bad.conf")).unwrap()
    );
    let output = pjsiplint(dir)
        .args([
            "--fix",
            "--unsafe-fixes",
            "--show-fixes",
            "--select",
            "header-garbage",
            "--format",
            "concise",
            "bad.conf",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Applied 1 fix:\n  header-garbage (1)\n    bad.conf:1: join `(!)` to the header (unsafe)\n"), "{stdout}");
    let linted = lint_path(&dir.join("bad.conf"), &Settings::default()).unwrap();
    assert!(linted
        .diagnostics
        .iter()
        .all(|d| d.rule != "header-garbage"));
    let after = state(dir);
    assert_ne!(
        after["bad.conf"].1, before["bad.conf"].1,
        "replaced by rename"
    );
    // Again: nothing to do, nothing written.
    pjsiplint(dir)
        .args([
            "--fix",
            "--unsafe-fixes",
            "--select",
            "header-garbage",
            "bad.conf",
        ])
        .assert()
        .code(0);
    assert_eq!(state(dir), after);
}

/// Every rule that offers a fix, on its corpus case: the fixed files re-lint without the findings
/// that offered it, a second --fix changes nothing, and --diff applied with `patch -p1` gives the
/// same bytes as --fix.
#[test]
fn every_fix_in_the_project_removes_its_finding_and_is_stable() {
    for rule in RULES {
        let meta = rule.meta();
        if meta.fix.is_none() {
            continue;
        }
        let case = corpus().join(meta.name);
        assert!(
            case.join("bad.conf").is_file(),
            "{}: no corpus case",
            meta.name
        );
        let temp = copy_dir(&case);
        let dir = temp.path();
        // The case's own settings (`.pjsiplint.ini`: a wizard case says its files are wizard
        // files), as the command below finds them.
        let settings = pjsiplint::settings::discover(dir)
            .map(|ini| pjsiplint::settings::load(&ini).unwrap().to_settings())
            .unwrap_or_default();
        let offered = |dir: &Path| {
            lint_path(&dir.join("bad.conf"), &settings)
                .unwrap()
                .diagnostics
                .iter()
                .filter(|d| d.rule == meta.name && d.fix.is_some())
                .count()
        };
        let before = offered(dir);
        assert!(before > 0, "{}: bad.conf offers no fix", meta.name);
        let diffed = copy_dir(&case);
        pjsiplint(dir)
            .args(["--fix", "--unsafe-fixes", "--exit-zero", "bad.conf"])
            .assert()
            .code(0);
        assert_eq!(offered(dir), 0, "{}: a fixable finding is left", meta.name);
        let fixed = state(dir);
        pjsiplint(dir)
            .args(["--fix", "--unsafe-fixes", "--exit-zero", "bad.conf"])
            .assert()
            .code(0);
        assert_eq!(
            state(dir),
            fixed,
            "{}: a second --fix changed something",
            meta.name
        );
        let diff = pjsiplint(diffed.path())
            .args(["--diff", "--unsafe-fixes", "bad.conf"])
            .output()
            .unwrap();
        assert_eq!(diff.status.code(), Some(1), "{}: {diff:?}", meta.name);
        if String::from_utf8_lossy(&diff.stderr).contains("secret values are masked") {
            eprintln!(
                "{}: diff not applied with patch: it masks a secret",
                meta.name
            );
            continue;
        }
        apply_patch(diffed.path(), &diff.stdout);
        assert_eq!(
            contents(diffed.path()),
            contents(dir),
            "{}: --diff and --fix differ",
            meta.name
        );
    }
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    state(dir)
        .into_iter()
        .map(|(name, s)| (name, s.0))
        .collect()
}

/// Applies a unified diff with `patch -p1` in `dir` (or, where patch is missing, the tiny
/// applier below).
fn apply_patch(dir: &Path, diff: &[u8]) {
    match Process::new("patch")
        .args(["-p1", "--quiet", "--forward", "--no-backup-if-mismatch"])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(mut child) => {
            child.stdin.take().unwrap().write_all(diff).unwrap();
            let output = child.wait_with_output().unwrap();
            assert!(
                output.status.success(),
                "patch failed: {}{}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                String::from_utf8_lossy(diff)
            );
        }
        Err(_) => {
            eprintln!("patch not installed: applying the diff with the test's own applier");
            tiny_apply(dir, diff);
        }
    }
}

/// Applies a unified diff exactly as written (no fuzz): enough for the diffs pjsiplint prints.
fn tiny_apply(dir: &Path, diff: &[u8]) {
    let lines: Vec<&[u8]> = diff.split_inclusive(|&b| b == b'\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let path = lines[i].strip_prefix(b"--- a/").expect("a --- line");
        let path = String::from_utf8_lossy(path).trim_end().to_owned();
        i += 2;
        let file = dir.join(&path);
        let old = fs::read(&file).unwrap();
        let old_lines: Vec<&[u8]> = old.split_inclusive(|&b| b == b'\n').collect();
        let mut out: Vec<u8> = Vec::new();
        let mut at = 0;
        while i < lines.len() && lines[i].starts_with(b"@@ -") {
            let header = String::from_utf8_lossy(lines[i]);
            let start: usize = header[4..].split(',').next().unwrap().parse().unwrap();
            let start = start.saturating_sub(1);
            let count: usize = header[4..]
                .split([',', ' '])
                .nth(1)
                .unwrap()
                .parse()
                .unwrap();
            let start = if count == 0 { start + 1 } else { start };
            for line in &old_lines[at..start] {
                out.extend_from_slice(line);
            }
            at = start;
            i += 1;
            let mut last_added: Option<usize> = None;
            while i < lines.len() && matches!(lines[i].first(), Some(b' ' | b'-' | b'+' | b'\\')) {
                let line = lines[i];
                match line[0] {
                    b' ' => {
                        out.extend_from_slice(&line[1..]);
                        at += 1;
                        last_added = Some(out.len());
                    }
                    b'-' => {
                        at += 1;
                        last_added = None;
                    }
                    b'+' => {
                        out.extend_from_slice(&line[1..]);
                        last_added = Some(out.len());
                    }
                    _ => {
                        // "\ No newline at end of file" after a kept or added line.
                        if last_added == Some(out.len()) && out.ends_with(b"\n") {
                            out.pop();
                        }
                    }
                }
                i += 1;
            }
        }
        for line in &old_lines[at..] {
            out.extend_from_slice(line);
        }
        fs::write(&file, out).unwrap();
    }
}

#[test]
fn crlf_and_a_missing_final_newline_are_kept() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let text = "[phone-template] (!)\r\ntype=endpoint\r\n\tcontext = internal ; tab, blanks\r\n\r\n[6001] (phone-template)";
    fs::write(dir.join("pjsip.conf"), text).unwrap();
    fix_header_garbage(dir);
    assert_eq!(
        fs::read_to_string(dir.join("pjsip.conf")).unwrap(),
        "[phone-template](!)\r\ntype=endpoint\r\n\tcontext = internal ; tab, blanks\r\n\r\n[6001](phone-template)"
    );
}

#[test]
fn invalid_utf8_and_a_bom_outside_the_edits_are_kept() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let mut text = b"\xEF\xBB\xBF; caf\xE9 \xFF\n".to_vec();
    text.extend_from_slice(GARBAGE.as_bytes());
    fs::write(dir.join("pjsip.conf"), &text).unwrap();
    fix_header_garbage(dir);
    let mut expected = b"\xEF\xBB\xBF; caf\xE9 \xFF\n".to_vec();
    expected.extend_from_slice(GARBAGE_FIXED.as_bytes());
    assert_eq!(fs::read(dir.join("pjsip.conf")).unwrap(), expected);
}

/// The template is in an included file: the edit lands there, the root file is not touched, and
/// --diff names the included file.
#[test]
fn a_fix_in_a_template_of_an_included_file_edits_that_file() {
    let case = corpus().join("fix/included-template");
    let temp = copy_dir(&case);
    let dir = temp.path();
    let before = state(dir);
    let diff = pjsiplint(dir)
        .args([
            "--diff",
            "--unsafe-fixes",
            "--select",
            "header-garbage",
            "pjsip.conf",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&diff.stdout),
        "--- a/templates.conf\n+++ b/templates.conf\n@@ -1,4 +1,4 @@\n\
         -[phone-template] (!)\n+[phone-template](!)\n type=endpoint\n context=internal\n \
         disallow=all\n"
    );
    assert_eq!(state(dir), before, "--diff writes nothing");
    fix_header_garbage(dir);
    let after = state(dir);
    assert_eq!(
        after["pjsip.conf"], before["pjsip.conf"],
        "root untouched: same bytes, inode, mtime"
    );
    assert!(
        String::from_utf8_lossy(&after["templates.conf"].0).starts_with("[phone-template](!)\n")
    );
    // From another directory, the paths in the diff are relative to where pjsiplint runs.
    let temp2 = copy_dir(&case);
    let parent = temp2.path().parent().unwrap();
    let name = temp2
        .path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let diff = pjsiplint(parent)
        .args(["--diff", "--unsafe-fixes", "--select", "header-garbage"])
        .arg(format!("{name}/pjsip.conf"))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.starts_with(&format!(
            "--- a/{name}/templates.conf\n+++ b/{name}/templates.conf\n"
        )),
        "{text}"
    );
    apply_patch(parent, &diff.stdout);
    assert_eq!(contents(temp2.path()), contents(dir));
}

#[test]
fn git_apply_accepts_the_diff() {
    if Process::new("git").arg("--version").output().is_err() {
        eprintln!("git_apply_accepts_the_diff: skipped: git is not installed");
        return;
    }
    let temp = copy_dir(&corpus().join("fix/included-template"));
    let fixed = copy_dir(&corpus().join("fix/included-template"));
    let dir = temp.path();
    let diff = pjsiplint(dir)
        .args(["--diff", "--unsafe-fixes", "pjsip.conf"])
        .output()
        .unwrap();
    pjsiplint(fixed.path())
        .args(["--fix", "--unsafe-fixes", "--exit-zero", "pjsip.conf"])
        .assert()
        .code(0);
    // `git apply` outside any repository patches the files under the current directory.
    let mut child = Process::new("git")
        .args(["apply", "-p1", "-"])
        .current_dir(dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&diff.stdout).unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(contents(dir), contents(fixed.path()));
}

#[test]
fn mode_is_kept_and_an_unchanged_file_is_not_written() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    fs::write(dir.join("pjsip.conf"), GARBAGE).unwrap();
    fs::set_permissions(dir.join("pjsip.conf"), fs::Permissions::from_mode(0o640)).unwrap();
    let root = running_as_root();
    if root {
        std::os::unix::fs::chown(dir.join("pjsip.conf"), Some(4321), Some(4322)).unwrap();
    }
    fix_header_garbage(dir);
    let meta = fs::metadata(dir.join("pjsip.conf")).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if root {
        assert_eq!(
            (meta.uid(), meta.gid()),
            (4321, 4322),
            "owner kept when running as root"
        );
    } else {
        eprintln!("mode_is_kept...: owner not checked: not running as root");
    }
    assert_eq!(
        fs::read_to_string(dir.join("pjsip.conf")).unwrap(),
        GARBAGE_FIXED
    );
    // No temporary file left behind.
    assert_eq!(fs::read_dir(dir).unwrap().count(), 1);
    let before = state(dir);
    std::thread::sleep(std::time::Duration::from_millis(20));
    fix_header_garbage(dir);
    assert_eq!(state(dir), before, "same bytes, inode and mtime");
}

#[test]
fn a_symbolic_link_stays_a_link() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    fs::create_dir(dir.join("real")).unwrap();
    fs::write(dir.join("real/pjsip.conf"), GARBAGE).unwrap();
    std::os::unix::fs::symlink("real/pjsip.conf", dir.join("pjsip.conf")).unwrap();
    fix_header_garbage(dir);
    assert!(fs::symlink_metadata(dir.join("pjsip.conf"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        fs::read_to_string(dir.join("real/pjsip.conf")).unwrap(),
        GARBAGE_FIXED
    );
}

#[test]
fn a_read_only_directory_fails_with_exit_2_and_the_original_intact() {
    if running_as_root() {
        eprintln!(
            "a_read_only_directory_fails...: skipped: running as root, which writes into read-only \
             directories (the full-disk test covers a failed write)"
        );
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("ro");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("pjsip.conf"), GARBAGE).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    let output = pjsiplint(&dir)
        .args(["--fix", "--unsafe-fixes", "pjsip.conf"])
        .output()
        .unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot write pjsip.conf: cannot create a temporary file in"),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(dir.join("pjsip.conf")).unwrap(), GARBAGE);
}

/// A full disk, simulated with a file size limit of 0 (`ulimit -f 0`, SIGXFSZ ignored so the
/// write fails with EFBIG instead of killing the process): works as root too.
#[test]
fn a_failed_write_exits_2_and_leaves_every_original_intact() {
    let temp = copy_dir(&corpus().join("fix/included-template"));
    let dir = temp.path();
    let before = state(dir);
    let bin = assert_cmd::cargo::cargo_bin("pjsiplint");
    let output = Process::new("sh")
        .args(["-c", "trap '' XFSZ; ulimit -f 0; exec \"$0\" \"$@\""])
        .arg(&bin)
        .args(["--fix", "--unsafe-fixes", "pjsip.conf"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "cannot write ./templates.conf: cannot write the temporary file: File too large"
        ),
        "{stderr}"
    );
    assert_eq!(
        state(dir),
        before,
        "nothing written, no temporary file left"
    );
}

#[test]
fn stdin_fix_prints_the_fixed_text_and_diff_prints_the_diff() {
    let temp = tempfile::tempdir().unwrap();
    let output = pjsiplint(temp.path())
        .args(["--fix", "--unsafe-fixes", "--select", "header-garbage", "-"])
        .write_stdin(GARBAGE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stdout), GARBAGE_FIXED);
    let output = pjsiplint(temp.path())
        .args(["--diff", "--unsafe-fixes", "--select", "header-garbage"])
        .args(["--stdin-filename", "pjsip.conf", "-"])
        .write_stdin(GARBAGE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "--- a/pjsip.conf\n+++ b/pjsip.conf\n@@ -1,4 +1,4 @@\n-[phone-template] (!)\n\
         +[phone-template](!)\n type=endpoint\n context=internal\n \n"
    );
    // Safe fixes only: nothing to do, the text comes back as it was; findings on stderr.
    let output = pjsiplint(temp.path())
        .args([
            "--fix",
            "--format",
            "concise",
            "--select",
            "header-garbage",
            "-",
        ])
        .write_stdin(GARBAGE)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stdout), GARBAGE);
    assert!(String::from_utf8_lossy(&output.stderr).contains("header-garbage"));
    assert_eq!(
        fs::read_dir(temp.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[test]
fn secrets_are_masked_in_the_diff_and_kept_in_the_file() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let text = "[auth-tpl] (!)\ntype=auth\npassword=hunter2 ; pw\n;md5_cred = 0123abcd\n";
    fs::write(dir.join("pjsip.conf"), text).unwrap();
    let output = pjsiplint(dir)
        .args([
            "--diff",
            "--unsafe-fixes",
            "--select",
            "header-garbage",
            "pjsip.conf",
        ])
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&output.stdout);
    assert!(
        !diff.contains("hunter2") && !diff.contains("0123abcd"),
        "{diff}"
    );
    assert!(diff.contains("\n password=******* ; pw\n"), "{diff}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("secret values are masked"));
    fix_header_garbage(dir);
    assert_eq!(
        fs::read_to_string(dir.join("pjsip.conf")).unwrap(),
        "[auth-tpl](!)\ntype=auth\npassword=hunter2 ; pw\n;md5_cred = 0123abcd\n"
    );
}

#[test]
fn a_file_with_a_syntax_error_is_reported_and_not_rewritten() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    let text = format!("{GARBAGE}[broken\n");
    fs::write(dir.join("pjsip.conf"), &text).unwrap();
    let before = state(dir);
    let output = pjsiplint(dir)
        .args(["--fix", "--unsafe-fixes", "pjsip.conf"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("pjsip.conf: not fixed: it has a syntax error"),
        "{stderr}"
    );
    assert_eq!(state(dir), before);
}

#[test]
fn fix_flags_need_fix_or_diff() {
    let dir = corpus().join("header-garbage");
    pjsiplint(&dir)
        .args(["--unsafe-fixes", "bad.conf"])
        .assert()
        .code(2);
    pjsiplint(&dir)
        .args(["--show-fixes", "bad.conf"])
        .assert()
        .code(2);
    pjsiplint(&dir)
        .args(["--fix", "--effective", "bad.conf"])
        .assert()
        .code(2);
}

/// Two roots that include the same file: it is fixed once, and --diff shows it once.
#[test]
fn roots_sharing_an_include_fix_it_once() {
    let temp = copy_dir(&corpus().join("fix/included-template"));
    let dir = temp.path();
    fs::copy(dir.join("pjsip.conf"), dir.join("other.conf")).unwrap();
    let diff = pjsiplint(dir)
        .args(["--diff", "--unsafe-fixes", "pjsip.conf", "other.conf"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&diff.stdout);
    assert_eq!(text.matches("--- a/templates.conf").count(), 1, "{text}");
}

// ---------------------------------------------------------------------------------------------
// The promises, checked through the library on generated configs and on every real config.

/// Fixes `root` (safe and unsafe) and checks: no file gets a syntax error it did not have; the
/// fixed bytes are the original with the applied edits and nothing else; a second run changes
/// nothing; and the diff, applied with patch, gives the fixed bytes (when it shows no secret).
fn check_promises(root: &Path, settings: &Settings) -> Result<FixOutcome, String> {
    let what = root.display();
    let before = lint_path(root, settings).map_err(|e| e.to_string())?;
    let outcome = fix(
        FixInput::Path(root.to_path_buf()),
        settings,
        &unsafe_options(),
    )
    .map_err(|e| e.to_string())?;
    // 1. No new syntax error.
    let syntax = |linted: &pjsiplint::Linted| {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for d in linted
            .diagnostics
            .iter()
            .filter(|d| d.rule == "syntax-error")
        {
            *counts
                .entry(linted.config.file(d.primary.span.file).name.clone())
                .or_default() += 1;
        }
        counts
    };
    let (old, new) = (syntax(&before), syntax(&outcome.linted));
    for (name, count) in &new {
        if *count > old.get(name).copied().unwrap_or(0) {
            return Err(format!("{what}: the fixes added a syntax error in {name}"));
        }
    }
    // A file Asterisk rejects for a syntax error is not rewritten.
    for d in &before.diagnostics {
        let name = &before.config.file(d.primary.span.file).name;
        let fatal =
            d.rule == "syntax-error" && d.severity == pjsiplint::diagnostic::Severity::Error;
        if fatal && outcome.changed.iter().any(|file| &file.name == name) {
            return Err(format!(
                "{what}: {name} has a syntax error but was rewritten"
            ));
        }
    }
    // 2. The applied edits, replayed round by round, give exactly the fixed bytes.
    let mut texts: HashMap<Option<PathBuf>, Vec<u8>> = outcome
        .changed
        .iter()
        .map(|file| (file.canonical.clone(), file.original.clone()))
        .collect();
    let mut rounds: BTreeMap<usize, Vec<&pjsiplint::fix::AppliedEdit>> = BTreeMap::new();
    for applied in &outcome.applied {
        rounds
            .entry(applied.round)
            .or_default()
            .extend(&applied.edits);
    }
    for edits in rounds.values() {
        let mut by_file: HashMap<&Option<PathBuf>, Vec<&pjsiplint::fix::AppliedEdit>> =
            HashMap::new();
        for edit in edits {
            by_file.entry(&edit.file).or_default().push(edit);
        }
        for (file, mut edits) in by_file {
            let Some(text) = texts.get_mut(file) else {
                // Edits that cancelled out over the rounds leave no changed file.
                continue;
            };
            edits.sort_by_key(|edit| std::cmp::Reverse((edit.range.start, edit.range.end)));
            for edit in edits {
                text.splice(edit.range.clone(), edit.replacement.bytes());
            }
        }
    }
    for file in &outcome.changed {
        if texts[&file.canonical] != file.fixed {
            return Err(format!(
                "{what}: {} has bytes changed outside the fixes' edits",
                file.name
            ));
        }
    }
    // 3. Idempotent: fixing the fixed texts again changes nothing.
    if outcome
        .notes
        .iter()
        .any(|note| note.contains("stopped after"))
    {
        return Err(format!("{what}: fixes did not settle: {:?}", outcome.notes));
    }
    let mut again = settings.clone();
    let overlay: HashMap<PathBuf, Vec<u8>> = outcome
        .changed
        .iter()
        .filter_map(|file| Some((file.canonical.clone()?, file.fixed.clone())))
        .collect();
    again.load.overlay = Some(Arc::new(overlay));
    let second = fix(
        FixInput::Path(root.to_path_buf()),
        &again,
        &unsafe_options(),
    )
    .map_err(|e| e.to_string())?;
    if !second.changed.is_empty() || !second.applied.is_empty() {
        let fixes: Vec<_> = second
            .applied
            .iter()
            .map(|f| (f.rule, &f.title, &f.file, f.line))
            .collect();
        return Err(format!(
            "{what}: a second --fix changed something: {fixes:?}"
        ));
    }
    // 4. The diff, applied with patch, gives the fixed bytes.
    for file in &outcome.changed {
        let diff = unified_diff(&file.original, &file.fixed, "file.conf");
        if diff.masked {
            continue;
        }
        let temp = tempfile::tempdir().map_err(|e| e.to_string())?;
        fs::write(temp.path().join("file.conf"), &file.original).map_err(|e| e.to_string())?;
        apply_patch(temp.path(), &diff.text);
        if fs::read(temp.path().join("file.conf")).map_err(|e| e.to_string())? != file.fixed {
            return Err(format!(
                "{what}: {}: the diff applied with patch differs from --fix",
                file.name
            ));
        }
        // The fallback applier agrees (so it can be trusted where patch is missing).
        fs::write(temp.path().join("file.conf"), &file.original).map_err(|e| e.to_string())?;
        tiny_apply(temp.path(), &diff.text);
        if fs::read(temp.path().join("file.conf")).map_err(|e| e.to_string())? != file.fixed {
            return Err(format!(
                "{what}: {}: tiny_apply differs from --fix",
                file.name
            ));
        }
    }
    Ok(outcome)
}

#[test]
fn promises_hold_on_every_real_config() {
    let Some(shared) = common::shared_dir("promises_hold_on_every_real_config") else {
        return;
    };
    let files = common::files_below(&shared.join("corpus"));
    // On every core: each file is checked on its own.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(workers).max(1);
    let results: Vec<(usize, Vec<String>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut fixed = 0;
                    let mut failures = Vec::new();
                    for file in part {
                        match check_promises(file, &Settings::default()) {
                            Ok(outcome) => fixed += usize::from(!outcome.changed.is_empty()),
                            Err(problem) => failures.push(problem),
                        }
                    }
                    (fixed, failures)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let fixed: usize = results.iter().map(|(n, _)| n).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|(_, f)| f).collect();
    eprintln!(
        "promises_hold_on_every_real_config: {} files, {fixed} changed by --fix --unsafe-fixes",
        files.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Lines that random configs are made of: what the fixes act on (header garbage, duplicate,
/// unknown and deprecated options, `+=`), what they must not break (comments, block comments,
/// escapes, includes), and syntax errors.
const LINES: &[&str] = &[
    "[6001]",
    "[6001] (phone)",
    "[phone] (!)",
    "[phone](!)",
    "[6001](phone)",
    "[auth1]",
    "[t1] ( ! )",
    "type=endpoint",
    "type = aor",
    "type=auth",
    "type=endpiont",
    "context=internal",
    "context = from-phones ; comment",
    "  direct_media=no",
    "direct_media=yes",
    "contxt=internal",
    "allow=ulaw",
    "allow+=alaw",
    "allow += ,g722",
    "disallow=all",
    "password=s3cret",
    "auth_type=userpass",
    "max_contacts=1",
    "max_contacts=2",
    "mailboxes=1@default",
    "callerid=\"A\\;B\" <1>",
    "; a comment",
    ";-- a block",
    "comment --;",
    "",
    "\t",
    "no equals here",
    "#include other.conf",
    "#tryinclude missing.conf",
];

fn random_config() -> impl Strategy<Value = (Vec<u8>, Vec<u8>)> {
    let lines = prop::collection::vec(prop::sample::select(LINES), 0..24);
    let other = prop::collection::vec(prop::sample::select(LINES), 0..8);
    // Now and then a syntax error that makes Asterisk reject the file: it must not be rewritten.
    let broken = prop::bool::weighted(0.1);
    (lines, other, any::<bool>(), any::<bool>(), broken).prop_map(
        |(mut lines, other, crlf, final_newline, broken)| {
            if broken {
                lines.push("[broken");
            }
            let join = |lines: &[&str]| {
                let newline = if crlf { "\r\n" } else { "\n" };
                let mut text = lines.join(newline);
                if final_newline && !text.is_empty() {
                    text.push_str(newline);
                }
                text.into_bytes()
            };
            // The included file must not include itself forever: drop its includes.
            let other: Vec<&str> = other.into_iter().filter(|l| !l.starts_with('#')).collect();
            (join(&lines), join(&other))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn promises_hold_on_random_configs((root, other) in random_config()) {
        let temp = tempfile::tempdir().unwrap();
        fs::write(temp.path().join("pjsip.conf"), &root).unwrap();
        fs::write(temp.path().join("other.conf"), &other).unwrap();
        let result = check_promises(&temp.path().join("pjsip.conf"), &Settings::default());
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }

    #[test]
    fn promises_hold_on_generated_configs(
        phones in 0usize..6,
        trunks in 0usize..3,
        garbage in prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        crlf in any::<bool>(),
    ) {
        let generated = pjsiplint::generate::config(phones, trunks);
        // Put blanks between `]` and `(` of some headers: header-garbage to fix.
        let mut root = generated.root.clone();
        let headers: Vec<usize> = root.match_indices("](").map(|(at, _)| at).collect();
        let mut picked: Vec<usize> = garbage.iter().filter(|_| !headers.is_empty()).map(|i| headers[i.index(headers.len())]).collect();
        picked.sort_unstable();
        picked.dedup();
        for at in picked.into_iter().rev() {
            root.insert(at + 1, ' ');
        }
        let (root, phones_text) = if crlf {
            (root.replace('\n', "\r\n"), generated.phones.replace('\n', "\r\n"))
        } else {
            (root, generated.phones)
        };
        let temp = tempfile::tempdir().unwrap();
        fs::write(temp.path().join("pjsip.conf"), &root).unwrap();
        fs::write(temp.path().join("phones.conf"), &phones_text).unwrap();
        let result = check_promises(&temp.path().join("pjsip.conf"), &Settings::default());
        prop_assert!(result.is_ok(), "{}", result.err().unwrap_or_default());
    }
}
