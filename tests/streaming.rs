//! A file large enough to be parsed while the model is built from it (`syntax/stream.rs`) is
//! read as Asterisk reads any file: in order, through its includes (two of them large too: the
//! first, reached at once, and one read ahead), a template defined in an include and used after
//! it, a block comment over many chunks, `(+)` reopening a section of the first chunk at the very
//! end. Every mistake written is found at its line, and nothing else.

use std::fmt::Write;
use std::path::Path;

use pjsiplint::{lint_path, Settings};

/// A phone: its endpoint on `template`, its auth and aor. With `mistake`, the endpoint has an
/// option no endpoint has, on the line returned (1-based, counted in `text`).
fn phone(text: &mut String, id: &str, template: &str, mistake: bool) -> Option<usize> {
    // Strong and its own: no letter of an id, no two alike.
    let password = format!("KQ{}-ZP-{}XW", text.len(), text.len() % 7919);
    let _ = write!(
        text,
        "[{id}]({template})\nauth={id}\naors={id}\n{}\n[{id}]\ntype=auth\nauth_type=userpass\n\
         username={id}\npassword={password}\n\n[{id}]\ntype=aor\nmax_contacts=1\n\n",
        if mistake {
            "colour=blue"
        } else {
            "callerid=Phone"
        }
    );
    mistake.then(|| text.matches('\n').count() - 10)
}

/// `count` phones `{prefix}0`, `{prefix}1`, ... on `template` at the end of `text`, every
/// `every`th with a mistake, whose line in `file` is added to `mistakes`.
fn phones(
    text: &mut String,
    (file, prefix, template): (&str, &str, &str),
    count: usize,
    every: usize,
    mistakes: &mut Vec<(String, usize)>,
) {
    for i in 0..count {
        if let Some(line) = phone(text, &format!("{prefix}{i}"), template, i % every == 7) {
            mistakes.push((file.to_owned(), line));
        }
    }
}

/// Writes the files; returns the lines (file name, line) of the mistakes.
fn write_files(dir: &Path) -> Vec<(String, usize)> {
    let mut mistakes = Vec::new();
    let mut root = String::from(
        "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n\
         [phone-tpl](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=ulaw\n\n",
    );
    let root_phones = ("pjsip.conf", "a", "phone-tpl");
    phones(&mut root, root_phones, 6_000, 997, &mut mistakes);
    // The first include (reached at once, not read ahead), large.
    let mut early = String::new();
    let early_phones = ("early.conf", "e", "phone-tpl");
    phones(&mut early, early_phones, 7_000, 991, &mut mistakes);
    std::fs::write(dir.join("early.conf"), &early).unwrap();
    root.push_str("#include early.conf\n");
    // A template only this include defines, used by the phones after it.
    root.push_str("#include late.conf\n");
    std::fs::write(
        dir.join("late.conf"),
        "[late-tpl](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=alaw\n\n",
    )
    .unwrap();
    // Asterisk reads nothing of these phones, mistakes and all.
    root.push_str(";-- phones taken out\n");
    let hidden = ("pjsip.conf", "hidden", "no-such-tpl");
    phones(&mut root, hidden, 3_000, 50, &mut Vec::new());
    root.push_str("--;\n");
    phones(
        &mut root,
        ("pjsip.conf", "b", "late-tpl"),
        6_000,
        1009,
        &mut mistakes,
    );
    let mut big = String::new();
    phones(
        &mut big,
        ("big.conf", "c", "late-tpl"),
        8_000,
        1013,
        &mut mistakes,
    );
    std::fs::write(dir.join("big.conf"), &big).unwrap();
    root.push_str("#include big.conf\n");
    // Reopens the first endpoint `a0` (the first section of that name that is no template).
    root.push_str("[a0](+)\nmax_contacts=2\n");
    mistakes.push(("pjsip.conf".to_owned(), root.matches('\n').count()));
    assert!(
        [&root, &early, &big]
            .iter()
            .all(|text| text.len() > 1 << 20),
        "each is parsed while it is built"
    );
    std::fs::write(dir.join("pjsip.conf"), &root).unwrap();
    mistakes.sort();
    mistakes
}

#[test]
fn a_file_parsed_while_it_is_built_is_read_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mistakes = write_files(dir.path());
    let linted = lint_path(&dir.path().join("pjsip.conf"), &Settings::default()).unwrap();
    let mut found: Vec<(String, usize)> = linted
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let span = diagnostic.primary.span;
            let file = linted.config.file(span.file);
            assert_eq!(diagnostic.rule, "unknown-option", "{diagnostic:?}");
            let name = file
                .path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, file.line_col(span.start).line)
        })
        .collect();
    found.sort();
    assert_eq!(found, mistakes);
}
