//! Hostile inputs (issue 8): each must end quickly with a diagnostic or an error, never a panic,
//! and write nothing. No timing is asserted here: speed is measured by `cargo bench`.

use std::fs;
use std::path::{Path, PathBuf};

use pjsiplint::model::{self, LoadOptions, LoadProblemKind};
use pjsiplint::syntax::{self, IgnoredBecause, LineKind};
use pjsiplint::{lint_bytes, lint_path, Linted, Settings};

fn lint(bytes: &[u8]) -> Linted {
    lint_bytes(
        Path::new("hostile.conf"),
        "hostile.conf".to_owned(),
        bytes.to_vec(),
        &Settings::default(),
    )
}

/// Lints `root` in `dir` (includes read from `dir`).
fn lint_file(root: &Path) -> Linted {
    lint_path(root, &Settings::default()).expect("the root file is readable")
}

fn rules(linted: &Linted) -> Vec<&str> {
    linted.diagnostics.iter().map(|d| d.rule).collect()
}

/// The parse must give back every byte, whatever the input.
fn assert_lossless(bytes: &[u8]) {
    let tree = syntax::parse(bytes);
    assert!(
        tree.print(bytes) == bytes,
        "parse-then-print changed the input"
    );
}

/// A small deterministic generator (xorshift), so failures reproduce.
fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        out.extend_from_slice(&seed.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn one_megabyte_of_random_bytes() {
    let bytes = random_bytes(1 << 20, 0x9E37_79B9_7F4A_7C15);
    assert_lossless(&bytes);
    let linted = lint(&bytes);
    assert!(linted.config.files[0].syntax.line_count() > 0);
}

#[test]
fn random_bytes_from_the_language_alphabet() {
    // Random text made of the characters that matter to the grammar, so that headers, markers,
    // escapes and assignments meet each other in every order.
    let alphabet = b";-\\[]()=+#!>,\n\r \t\0a\xffk";
    let noise = random_bytes(200_000, 7);
    let bytes: Vec<u8> = noise
        .iter()
        .map(|b| alphabet[*b as usize % alphabet.len()])
        .collect();
    assert_lossless(&bytes);
    lint(&bytes);
}

#[test]
fn invalid_utf8_and_nul_in_names_values_and_comments() {
    let input: &[u8] = b"[na\xffme](t\xfepl)\n\
        type=end\xc3point\n\
        pass\x00word=se\xffcret ; com\xffment \x00 here\n\
        ;-- block \xff\x00 --; key\xff=\x00value\n\
        #include \xff\x00.conf\n\
        [b\x00c]\n\
        [\xef\xbb\xbf]\n\xc3";
    assert_lossless(input);
    let linted = lint(input);
    let tree = &linted.config.files[0].syntax;
    // Invalid bytes are kept, shown as U+FFFD.
    match &tree.line(0).kind {
        LineKind::Section(header) => {
            let header = tree.section_header(*header);
            assert_eq!(linted.config.files[0].text(&header.name), "na\u{fffd}me");
            assert_eq!(header.name.span, 1..6);
        }
        other => panic!("the header read as {other:?}"),
    }
    // A NUL ends the C string Asterisk reads: what follows it on the line is not read.
    assert!(matches!(tree.line(2).kind, LineKind::Error(_)));
    assert!(
        matches!(tree.line(5).kind, LineKind::Error(_)),
        "`[b` has no `]`"
    );
    assert!(rules(&linted).contains(&"syntax-error"));
}

#[test]
fn a_twenty_megabyte_line() {
    let mut bytes = b"[a]\ntype=aor\nkey=".to_vec();
    bytes.resize(bytes.len() + (20 << 20), b'x');
    bytes.extend_from_slice(b"\n[b]\ntype=aor\n");
    let linted = lint(&bytes);
    let tree = &linted.config.files[0].syntax;
    assert_eq!(
        tree.line(2).kind_name(),
        "ignored",
        "Asterisk skips a line over 8190 bytes"
    );
    assert!(matches!(
        tree.line(2).kind,
        LineKind::Ignored(IgnoredBecause::TooLong)
    ));
    assert!(rules(&linted).contains(&"line-too-long"));
    assert_eq!(linted.config.sections.len(), 2);
}

/// A short name for a line's kind.
trait KindName {
    fn kind_name(&self) -> &'static str;
}

impl KindName for syntax::Line {
    fn kind_name(&self) -> &'static str {
        match self.kind {
            LineKind::Empty => "empty",
            LineKind::Ignored(_) => "ignored",
            LineKind::Section(_) => "section",
            LineKind::Assignment(_) => "assignment",
            LineKind::Directive(_) => "directive",
            LineKind::Error(_) => "error",
        }
    }
}

#[test]
fn a_hundred_thousand_nested_block_comments() {
    // On one line: far over 8190 bytes, so Asterisk skips the line whole.
    let one_line = ";--".repeat(100_000);
    let linted = lint(one_line.as_bytes());
    assert!(matches!(
        linted.config.files[0].syntax.line(0).kind,
        LineKind::Ignored(IgnoredBecause::TooLong)
    ));
    // On 100k lines: the depth grows past config.c's limit of 128.
    let mut many = String::from("[a]\ntype=aor\n");
    many.push_str(&";--\n".repeat(100_000));
    many.push_str("[b]\ntype=aor\n");
    let linted = lint(many.as_bytes());
    let tree = &linted.config.files[0].syntax;
    assert!(tree.unterminated_block.is_some());
    assert!(tree
        .lines()
        .any(|line| matches!(line.kind, LineKind::Ignored(IgnoredBecause::NestLimit))));
    assert!(rules(&linted).contains(&"unterminated-block-comment"));
    assert_eq!(linted.config.sections.len(), 1, "[b] is inside the comment");
    // And 100k on one line that is short enough to be read: 2730 `;--` fit in 8190 bytes.
    let nested = format!("[a]\n{}\n", ";--".repeat(2730));
    let linted = lint(nested.as_bytes());
    assert!(linted.config.files[0]
        .syntax
        .lines()
        .any(|line| matches!(line.kind, LineKind::Ignored(IgnoredBecause::NestLimit))));
}

#[test]
fn an_include_cycle_and_a_self_include() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.conf"),
        "[a]\ntype=aor\n#include b.conf\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("b.conf"),
        "[b]\ntype=aor\n#include a.conf\n",
    )
    .unwrap();
    let linted = lint_file(&dir.path().join("a.conf"));
    assert!(has_problem(&linted, |k| matches!(
        k,
        LoadProblemKind::IncludeCycle { .. }
    )));
    assert!(rules(&linted).contains(&"include-cycle"));

    fs::write(
        dir.path().join("self.conf"),
        "[s]\ntype=aor\n#include self.conf\n",
    )
    .unwrap();
    let linted = lint_file(&dir.path().join("self.conf"));
    assert!(has_problem(&linted, |k| matches!(
        k,
        LoadProblemKind::IncludeCycle { .. }
    )));
    assert_eq!(linted.config.files.len(), 1);
}

/// The model alone (no rules) of a file with `text`.
fn model_of(text: String) -> model::Config {
    let name = "hostile.conf";
    model::load_bytes(
        Path::new(name),
        name.to_owned(),
        text.into_bytes(),
        &LoadOptions::default(),
    )
}

fn has_problem(linted: &Linted, test: impl Fn(&LoadProblemKind) -> bool) -> bool {
    linted.config.load_problems.iter().any(|p| test(&p.kind))
}

/// A root file that includes `target`, in a fresh directory.
fn including(target: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pjsip.conf");
    fs::write(
        &root,
        format!("[a]\ntype=aor\n#include {target}\n[b]\ntype=aor\n"),
    )
    .unwrap();
    (dir, root)
}

#[test]
fn including_a_directory_dev_zero_and_a_fifo() {
    // A directory: Asterisk says "is not a regular file, ignoring" and goes on.
    let (dir, root) = including("sub");
    fs::create_dir(dir.path().join("sub")).unwrap();
    let linted = lint_file(&root);
    assert_eq!(linted.config.files.len(), 1);
    assert_eq!(linted.config.sections.len(), 2);

    // /dev/zero never ends: it must not be read at all.
    if Path::new("/dev/zero").exists() {
        let (_dir, root) = including("/dev/zero");
        let linted = lint_file(&root);
        assert_eq!(linted.config.files.len(), 1);
        assert_eq!(linted.config.sections.len(), 2);
    } else {
        eprintln!("skipped /dev/zero: this system has none");
    }

    // A FIFO with no writer blocks a reader forever: it must not be opened.
    let (dir, root) = including("pipe.conf");
    let fifo = dir.path().join("pipe.conf");
    match std::process::Command::new("mkfifo").arg(&fifo).status() {
        Ok(status) if status.success() => {
            let linted = lint_file(&root);
            assert_eq!(linted.config.files.len(), 1);
            assert_eq!(linted.config.sections.len(), 2);
            // As the root file: an error, not a hang.
            assert!(model::load(&fifo, &LoadOptions::default()).is_err());
        }
        _ => eprintln!("skipped the FIFO case: mkfifo is not available"),
    }
}

#[test]
fn a_glob_matching_ten_thousand_files() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("phones");
    fs::create_dir(&sub).unwrap();
    for i in 0..10_000 {
        fs::write(
            sub.join(format!("{i:05}.conf")),
            format!("[p{i}]\ntype=aor\n"),
        )
        .unwrap();
    }
    let root = dir.path().join("pjsip.conf");
    fs::write(&root, "#include phones/*.conf\n").unwrap();
    let linted = lint_file(&root);
    assert_eq!(linted.config.files.len(), 10_001);
    assert_eq!(linted.config.sections.len(), 10_000);
    // Glob order is sorted order.
    assert_eq!(linted.config.section_name(&linted.config.sections[0]), "p0");
    assert_eq!(
        linted.config.section_name(&linted.config.sections[9_999]),
        "p9999"
    );
}

#[test]
fn an_include_chain_deeper_than_ten_levels() {
    let dir = tempfile::tempdir().unwrap();
    for level in 0..15 {
        fs::write(
            dir.path().join(format!("level{level}.conf")),
            format!("[s{level}]\ntype=aor\n#include level{}.conf\n", level + 1),
        )
        .unwrap();
    }
    fs::write(dir.path().join("level15.conf"), "[s15]\ntype=aor\n").unwrap();
    let linted = lint_file(&dir.path().join("level0.conf"));
    assert!(
        has_problem(&linted, |k| matches!(
            k,
            LoadProblemKind::IncludeTooDeep { .. }
        )),
        "Asterisk stops at 10 levels: the model must say so"
    );
    // Levels 1 to 10 are read (the root is level 1), the rest are not.
    assert_eq!(linted.config.sections.len(), 10);
}

#[test]
fn an_empty_file() {
    let linted = lint(b"");
    assert_eq!(linted.config.files[0].syntax.line_count(), 1);
    assert!(linted.config.sections.is_empty());
    assert!(linted.diagnostics.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pjsip.conf");
    fs::write(&root, "").unwrap();
    assert!(lint_file(&root).config.sections.is_empty());
}

#[test]
fn a_missing_file_and_a_directory_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.conf");
    assert!(lint_path(&missing, &Settings::default()).is_err());
    assert!(lint_path(dir.path(), &Settings::default()).is_err());
    // As includes: a missing file is reported, a directory is skipped.
    let (_dir, root) = including("missing.conf");
    assert!(rules(&lint_file(&root)).contains(&"include-not-found"));
}

#[test]
fn an_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked.conf");
    fs::write(&locked, "[a]\ntype=aor\n").unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&locked).is_ok() {
        // Root (and CAP_DAC_OVERRIDE) reads it anyway: nothing to test here.
        eprintln!("skipped the unreadable-file case: running as root, the file is readable");
        return;
    }
    assert!(lint_path(&locked, &Settings::default()).is_err());
    // As an include: the including file goes on.
    let root = dir.path().join("pjsip.conf");
    fs::write(&root, "[b]\ntype=aor\n#include locked.conf\n").unwrap();
    let linted = lint_file(&root);
    assert_eq!(linted.config.files.len(), 1);
}

/// 100k `+=` lines on one key, between lines of other keys: each extends the same value in place
/// (each `+=` once copied the whole value and every earlier `+=` line: gigabytes for 1 MB).
#[test]
fn a_hundred_thousand_appends_to_one_key() {
    let mut text = String::from("[s]\na=1\n");
    for i in 0..100_000 {
        text.push_str("a+=x\n");
        text.push_str(&format!("b{}=1\n", i % 7));
    }
    let linted = lint(text.as_bytes());
    let config = &linted.config;
    let a = config
        .vars(&config.sections[0])
        .iter()
        .find(|var| config.key(var) == "a")
        .unwrap();
    assert_eq!(config.value(a).len(), 1 + 100_000);
    assert_eq!(config.appended(a).unwrap().lines.len(), 100_000);
}

/// 10k provider trunks without an identify section, in a CRLF file (a real-looking host: a
/// placeholder such as `example.com` gets no fix): each finding's fix appends
/// an identify section in the file's newline (which was once counted over the whole file for
/// every finding: minutes for 3 MB).
#[test]
fn ten_thousand_trunks_without_identify() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!(
            "[r{i}]\r\ntype=registration\r\nserver_uri=sip:sip.telco.de\r\n\
             client_uri=sip:u{i}@sip.telco.de\r\noutbound_auth=a{i}\r\n\
             [a{i}]\r\ntype=auth\r\nusername=u{i}\r\npassword=xyzzyxyzzy{i}\r\n\
             [e{i}]\r\ntype=endpoint\r\noutbound_auth=a{i}\r\naors=e{i}\r\ncontext=c\r\n\
             [e{i}]\r\ntype=aor\r\ncontact=sip:sip.telco.de\r\n"
        ));
    }
    let linted = lint(text.as_bytes());
    let found: Vec<_> = linted
        .diagnostics
        .iter()
        .filter(|d| d.rule == "trunk-missing-identify")
        .collect();
    assert_eq!(found.len(), 10_000);
    for diagnostic in found {
        let fix = diagnostic
            .fix
            .as_ref()
            .expect("a fix appending an identify");
        assert!(fix.edits[0].replacement.starts_with("\r\n["));
    }
}

/// 100k `;--` lines and then 100k `--;` lines: every `--;` after the first stray one is hidden by
/// it and is stray too, and each says how many lines it hides (each once counted the rest of
/// the file: quadratic).
#[test]
fn a_hundred_thousand_stray_block_comment_ends() {
    let mut text = ";-- x\n".repeat(100_000);
    text.push_str(&"--;\n".repeat(100_000));
    let linted = lint(text.as_bytes());
    let stray: Vec<_> = linted
        .diagnostics
        .iter()
        .filter(|d| d.rule == "stray-block-comment-end")
        .collect();
    // Each hides the stray lines after it and the empty line after the final newline.
    assert!(stray.len() > 1);
    for (index, diagnostic) in stray.iter().enumerate() {
        let hidden = format!("ignores the {} line(s)", stray.len() - index);
        assert!(
            diagnostic.message.contains(&hidden),
            "{}",
            diagnostic.message
        );
    }
}

/// 50k overridden lines in one section, each with a suppression comment at its end, and 50k
/// suppression comments stacked above one header: each finding once looked through every
/// suppression, and each stacked comment scanned ahead to the header (both quadratic).
#[test]
fn fifty_thousand_suppressions() {
    let mut text = String::from("[e]\ntype=endpoint\n");
    for _ in 0..50_000 {
        text.push_str("context=a ; pjsiplint: disable=duplicate-option\n");
    }
    text.push_str("context=a\n");
    text.push_str(&"; pjsiplint: disable=schema\n".repeat(50_000));
    text.push_str("[f]\ntype=endpoint\n");
    text.push_str(&"dissallow=all\n".repeat(10));
    let linted = lint(text.as_bytes());
    let found = rules(&linted);
    assert!(!found.contains(&"duplicate-option"));
    assert!(!found.contains(&"unknown-option"));
    // The first of the stacked comments suppresses the findings; the others suppress nothing.
    let unused = found.iter().filter(|r| **r == "unused-suppression").count();
    assert_eq!(unused, 50_000 - 1);
}

/// 100k lines of one misspelt option: the suggestions are worked out once for the key, not by
/// an edit distance to every option of the type for every line.
#[test]
fn a_hundred_thousand_lines_of_one_unknown_option() {
    let mut text = String::from("[e]\ntype=endpoint\n");
    text.push_str(&"dissallow=all\n".repeat(100_000));
    let linted = lint(text.as_bytes());
    let unknown: Vec<_> = linted
        .diagnostics
        .iter()
        .filter(|d| d.rule == "unknown-option")
        .collect();
    assert!(!unknown.is_empty());
    assert!(unknown
        .iter()
        .all(|d| d.message.contains("did you mean `disallow`?")));
}

/// 20k findings rendered for people, with CRLF and a lone `\r` (a line break to miette) early in
/// the file: each report is drawn from a few lines around it, numbered as in the whole file
/// (miette was given the whole file and counted its lines from the start for every report).
#[test]
fn twenty_thousand_findings_rendered_for_people() {
    let mut text = String::from("[x]\r\ntype=aor\rmax_contacts=1\r\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "[e{i}]\r\ntype=endpoint\r\ncontext=a\r\ncontext=b\r\n"
        ));
    }
    let linted = lint(text.as_bytes());
    let mut out = String::new();
    pjsiplint::report::human::Human::new(false).render(
        &linted.config,
        &linted.diagnostics,
        &mut out,
    );
    // The last section's first `context` line: line 2 + 4 * 9_999 + 3, one more for the `\r`.
    let last = 2 + 4 * 9_999 + 3 + 1;
    assert!(
        out.contains(&format!("[hostile.conf:{last}:1]")),
        "{out:.2000}"
    );
    assert!(out.contains(&format!("{last} │ context=a")));
}

/// 50k `(+)` headers naming a base, to two sections in turn: each section's bases and lines move
/// to the end of their shared vectors with room to grow, not once per header (1.8 MB of this
/// took 24 GB and was killed).
#[test]
fn fifty_thousand_additions_with_bases_to_two_sections_in_turn() {
    let mut text = String::from("[t](!)\nx=1\n[a]\n[b]\n");
    for _ in 0..50_000 {
        text.push_str("[a](+,t,missing)\n[b](+,t,missing)\n");
    }
    let config = model_of(text);
    let a = &config.sections[1];
    assert_eq!(config.section_name(a), "a");
    assert_eq!(config.bases(a).len(), 100_000);
    assert_eq!(config.vars(a).len(), 50_000);
}

/// 50k `(+)` headers each inheriting a template into one section, each followed by a `+=` on the
/// line just inherited: every inherited piece is shared until the `+=` makes it the section's own,
/// a copy of that piece alone (a copy of the whole section each time would be quadratic).
#[test]
fn fifty_thousand_appends_to_lines_just_inherited() {
    let mut text = String::from("[t]\nx=1\n[s]\n");
    for _ in 0..50_000 {
        text.push_str("[s](+,t)\nx+=y\n");
    }
    let config = model_of(text);
    let s = &config.sections[1];
    assert_eq!(config.section_name(s), "s");
    assert_eq!(config.vars(s).len(), 50_000);
    assert!(config.vars(s).iter().all(|var| config.value(var) == "1y"));
    assert_eq!(config.value(config.vars(&config.sections[0]).at(0)), "1");
}

/// 100 `(+)` headers of 4000 bases each onto one section (400k inherited lines from 800 KB):
/// finding a line walks a section's pieces, so past a few bases the section copies what it
/// inherits instead of sharing it (a piece per base made this quadratic), and the base of a line
/// is searched for (a scan of the bases per line was quadratic too).
#[test]
fn four_hundred_thousand_bases_of_one_section() {
    let mut text = String::from("[t]\nx=1\n[s]\n");
    let header = format!("[s](+{})\n", ",t".repeat(4000));
    for _ in 0..100 {
        text.push_str(&header);
    }
    let config = model_of(text);
    let s = &config.sections[1];
    assert_eq!(config.bases(s).len(), 400_000);
    assert_eq!(config.vars(s).len(), 400_000);
    // Which base each line came from (`--effective` asks for every line): a search among the
    // bases, not a scan of them per line.
    let t = Some(model::SectionId(0));
    assert!(config
        .vars(s)
        .iter()
        .all(|var| config.inherited_from(s, var) == t));
}

/// 20k endpoints of pjsip.conf that Asterisk rejects, each hiding a wizard's endpoint of the
/// same id, and 20k identifies naming them: finding the endpoint an identify names falls back to
/// the wizard's through a map (a scan of every hidden object per lookup was quadratic: 80k of
/// each took 2.7 s).
#[test]
fn twenty_thousand_rejected_endpoints_hiding_wizard_endpoints() {
    let dir = tempfile::tempdir().unwrap();
    let mut pjsip = String::from("[t]\ntype=transport\nbind=0.0.0.0\n");
    let mut wizard = String::new();
    for i in 0..20_000 {
        pjsip.push_str(&format!("[e{i}]\ntype=endpoint\nbogus_option=1\n"));
        pjsip.push_str(&format!(
            "[i{i}]\ntype=identify\nendpoint=e{i}\nmatch=192.0.2.1\n"
        ));
        wizard.push_str(&format!(
            "[e{i}]\ntype=wizard\naccepts_registrations=yes\naor/max_contacts=1\n"
        ));
    }
    fs::write(dir.path().join("pjsip.conf"), pjsip).unwrap();
    fs::write(dir.path().join("pjsip_wizard.conf"), wizard).unwrap();
    let linted = lint_file(dir.path());
    let found = rules(&linted);
    assert_eq!(
        found
            .iter()
            .filter(|&&rule| rule == "unknown-option")
            .count(),
        20_000
    );
    // Each identify finds the wizard's endpoint.
    assert!(!found.contains(&"dangling-reference"));
}
