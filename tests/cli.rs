//! The command line: exit codes, formats, --effective, --explain, --list-rules.

use assert_cmd::Command;
use serde_json::Value;

fn pjsiplint() -> Command {
    let mut cmd = Command::cargo_bin("pjsiplint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn json(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("valid JSON")
}

#[test]
fn exit_codes() {
    pjsiplint()
        .arg("corpus/deprecated-option/clean.conf")
        .assert()
        .code(0);
    pjsiplint()
        .arg("corpus/syntax-error/bad.conf")
        .assert()
        .code(1);
    pjsiplint()
        .args(["--exit-zero", "corpus/syntax-error/bad.conf"])
        .assert()
        .code(0);
    pjsiplint().arg("corpus/no-such-file.conf").assert().code(2);
    pjsiplint()
        .args(["--select", "no-such-rule"])
        .assert()
        .code(2);
    pjsiplint().arg("--no-such-flag").assert().code(2);
}

#[test]
fn fail_on_sets_the_threshold() {
    // unknown-directive is a warning.
    pjsiplint()
        .args(["--fail-on", "error", "corpus/unknown-directive/bad.conf"])
        .assert()
        .code(0);
    pjsiplint()
        .args(["--fail-on", "warning", "corpus/unknown-directive/bad.conf"])
        .assert()
        .code(1);
}

#[test]
fn json_findings_have_the_documented_fields() {
    let output = pjsiplint()
        .args(["--format", "json", "corpus/header-garbage/bad.conf"])
        .output()
        .unwrap();
    let findings = json(&output.stdout);
    let first = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "header-garbage")
        .unwrap();
    for field in [
        "rule",
        "severity",
        "file",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fix",
    ] {
        assert!(first.get(field).is_some(), "missing {field} in {first}");
    }
    assert_eq!(first["rule"], "header-garbage");
    assert_eq!(first["file"], "corpus/header-garbage/bad.conf");
    assert_eq!(first["line"], 1);
    assert_eq!(first["column"], 18);
    assert_eq!(first["fix"]["applicability"], "unsafe");
}

/// The JSON array is written as the findings come (src/main.rs): still one array for several
/// files, `[]` when there is nothing, and a newline at the end.
#[test]
fn json_is_one_array_for_several_files() {
    let output = pjsiplint()
        .args(["--format", "json", "corpus/deprecated-option/clean.conf"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "[]\n");
    let files = [
        "corpus/header-garbage/bad.conf",
        "corpus/deprecated-option/clean.conf",
        "corpus/syntax-error/bad.conf",
    ];
    let output = pjsiplint()
        .args(["--format", "json"])
        .args(files)
        .output()
        .unwrap();
    assert!(output.stdout.ends_with(b"]\n"));
    let findings = json(&output.stdout);
    let mut named: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    named.dedup();
    assert_eq!(named, [files[0], files[2]]);
}

#[test]
fn effective_json_shows_objects_with_inherited_lines_first_and_masks_secrets() {
    let output = pjsiplint()
        .args(["--effective", "--format", "json", "corpus/demo/pjsip.conf"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let effective = json(&output.stdout);
    assert_eq!(effective["file_loads"], true);
    let objects = effective["objects"].as_array().unwrap();
    let endpoint = objects
        .iter()
        .find(|o| o["type"] == "endpoint" && o["id"] == "6001")
        .unwrap();
    assert_eq!(endpoint["loads"], true);
    let options = endpoint["options"].as_array().unwrap();
    assert_eq!(options[0], serde_json::json!(["type", "endpoint"]));
    assert_eq!(options[1], serde_json::json!(["context", "internal"]));
    assert!(options.contains(&serde_json::json!(["aors", "6001"])));
    // The two aors named 6002 make Asterisk load no aor at all.
    let aors: Vec<_> = objects.iter().filter(|o| o["type"] == "aor").collect();
    assert!(aors.len() >= 2);
    assert!(aors.iter().all(|o| o["loads"] == false));
    // The included file's objects are there too.
    assert!(objects
        .iter()
        .any(|o| o["type"] == "registration" && o["file"] == "corpus/demo/pjsip_trunk.conf"));
    // The trunk's endpoint shows the registration it pairs with.
    let trunk = objects
        .iter()
        .find(|o| o["type"] == "endpoint" && o["id"] == "provider")
        .unwrap();
    assert_eq!(trunk["trunk"]["registration"], "provider");
    assert_eq!(trunk["trunk"]["reason"], "contact_matches_registration");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("********"));
    for secret in ["Kq7#vLp2xW9z", "Rt5!mNq8zYb3", "cH4ng3d-Pr0v1der-S3cret"] {
        assert!(!text.contains(secret), "secret leaked in --effective");
    }
}

#[test]
fn no_format_shows_a_secret() {
    for format in ["human", "concise", "json"] {
        for effective in [false, true] {
            let mut cmd = pjsiplint();
            cmd.args(["--format", format, "corpus/demo/pjsip.conf"]);
            if effective {
                cmd.arg("--effective");
            }
            let output = cmd.output().unwrap();
            let text = String::from_utf8_lossy(&output.stdout);
            for secret in ["Kq7#vLp2xW9z", "Rt5!mNq8zYb3", "cH4ng3d-Pr0v1der-S3cret"] {
                assert!(!text.contains(secret), "{format}: secret leaked");
            }
        }
    }
}

#[test]
fn human_output_points_at_the_bytes_and_names_the_rule() {
    let output = pjsiplint()
        .args(["--no-color", "corpus/demo/pjsip.conf"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("demo-human", text);
}

#[test]
fn explain_and_list_rules() {
    let output = pjsiplint()
        .args(["--explain", "duplicate-section"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    for heading in ["## What", "## Why", "## Example", "## Fix"] {
        assert!(text.contains(heading), "--explain lacks {heading}");
    }
    pjsiplint().args(["--explain", "nope"]).assert().code(2);
    let output = pjsiplint().arg("--list-rules").output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    for rule in pjsiplint::rules::RULES {
        assert!(text.contains(rule.meta().name));
    }
}

#[test]
fn every_rule_doc_has_what_why_example_fix() {
    for rule in pjsiplint::rules::RULES {
        let doc = rule.meta().doc;
        for heading in ["## What", "## Why", "## Example", "## Fix"] {
            assert!(
                doc.contains(heading),
                "{} doc lacks {heading}",
                rule.meta().name
            );
        }
    }
}

#[test]
fn stdin_is_read_with_dash() {
    pjsiplint()
        .args(["--format", "concise", "--stdin-filename", "pjsip.conf", "-"])
        .write_stdin("[a\ntype=endpoint\n")
        .assert()
        .code(1)
        .stdout(predicates::str::contains(
            "pjsip.conf:1:1: error[syntax-error]",
        ));
}

#[test]
fn effective_says_what_loading_depends_on_that_pjsiplint_cannot_see() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pjsip.conf"),
        "[p]\ntype=identify\nendpoint=p\nmatch=sip.example.net\n",
    )
    .unwrap();
    let output = pjsiplint()
        .current_dir(dir.path())
        .args(["--effective", "--format", "json", "pjsip.conf"])
        .output()
        .unwrap();
    let effective = json(&output.stdout);
    let depends = &effective["objects"][0]["depends_on"][0];
    assert!(
        depends.as_str().unwrap().contains("sip.example.net"),
        "{effective}"
    );
}
