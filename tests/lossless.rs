//! Parse then print gives the input bytes back, for every input; no input makes the whole
//! pipeline panic.

mod common;

use std::path::Path;

use proptest::prelude::*;

use pjsiplint::syntax::{self, LineKind};
use pjsiplint::{lint_bytes, Settings};

fn assert_lossless(bytes: &[u8]) {
    let tree = syntax::parse(bytes);
    assert_eq!(
        tree.print(bytes),
        bytes,
        "printing the lines must give the input back"
    );
    // The lines partition the input: each starts right after the previous one's newline.
    let mut expected_start = 0u32;
    for line in tree.lines() {
        assert_eq!(line.start, expected_start);
        assert!(line.end >= line.start);
        expected_start = line.end + 1;
    }
    // The directives listed are those the lines hold, in line order.
    let on_lines: Vec<_> = tree
        .lines()
        .filter_map(|line| match line.kind {
            LineKind::Directive(id) => Some(tree.directive(id).span.clone()),
            _ => None,
        })
        .collect();
    let listed: Vec<_> = tree.directives().map(|d| d.span.clone()).collect();
    assert_eq!(listed, on_lines, "the directives of the lines");
}

/// Config-like bytes: the markers and punctuation of the language, mixed with anything.
fn config_like() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"[".to_vec()),
        Just(b"]".to_vec()),
        Just(b"(!)".to_vec()),
        Just(b"(+)".to_vec()),
        Just(b"=".to_vec()),
        Just(b"+=".to_vec()),
        Just(b"=>".to_vec()),
        Just(b";".to_vec()),
        Just(b";--".to_vec()),
        Just(b"--;".to_vec()),
        Just(b"\\;".to_vec()),
        Just(b"\\".to_vec()),
        Just(b"#include ".to_vec()),
        Just(b"#exec ".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\0".to_vec()),
        "[a-z0-9_]{1,8}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 1..4),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_round_trip(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        assert_lossless(&bytes);
    }

    #[test]
    fn config_like_bytes_round_trip_and_lint(bytes in config_like()) {
        assert_lossless(&bytes);
        // The whole pipeline, with includes resolved in an empty directory.
        let dir = std::env::temp_dir().join("pjsiplint-proptest-empty");
        let _ = std::fs::create_dir_all(&dir);
        let settings = Settings {
            load: pjsiplint::model::LoadOptions {
                config_dir: Some(dir),
                ..Default::default()
            },
            ..Settings::default()
        };
        let linted = lint_bytes(Path::new("fuzz.conf"), "fuzz.conf".into(), bytes, &settings);
        for diagnostic in &linted.diagnostics {
            let span = diagnostic.primary.span;
            prop_assert!(span.start <= span.end);
            prop_assert!(span.end as usize <= linted.config.file(span.file).bytes.len());
        }
    }
}

#[test]
fn every_shared_corpus_file_round_trips() {
    let Some(shared) = common::shared_dir("every_shared_corpus_file_round_trips") else {
        return;
    };
    let files = common::files_below(&shared.join("corpus"));
    assert!(
        files.len() > 100,
        "expected the shared corpus, found {} files",
        files.len()
    );
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        assert_lossless(&bytes);
    }
}

#[test]
fn crlf_tabs_bom_and_invalid_utf8_keep_their_bytes() {
    let input = b"\xEF\xBB\xBF[a]\r\n\ttype=endpoint\r\ncontext=\xff\xfe;x\r\nno newline";
    assert_lossless(input);
    let tree = syntax::parse(input);
    let Some(header) = tree.header(&tree.line(0)) else {
        panic!(
            "the BOM must not hide the first header: {:?}",
            tree.line(0).kind
        );
    };
    assert_eq!(tree.text(input, &header.name), "a");
    let LineKind::Assignment(assignment) = &tree.line(1).kind else {
        panic!("expected an assignment");
    };
    assert_eq!(tree.text(input, &assignment.key), "type");
    assert_eq!(
        tree.text(input, &assignment.value),
        "endpoint",
        "CR is trimmed like a blank"
    );
}
