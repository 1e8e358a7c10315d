//! The command line: exit codes, formats, --effective, --explain, --list-rules.

use assert_cmd::Command;
use serde_json::Value;

fn pjsiplint() -> Command {
    let mut cmd = Command::cargo_bin("pjsiplint").unwrap();
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// What pjsiplint prints on stdout with these arguments for this file.
fn stdout_of(args: &[&str], path: &std::path::Path) -> String {
    let output = pjsiplint().args(args).arg(path).output().unwrap();
    String::from_utf8_lossy(&output.stdout).into_owned()
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

/// A config whose only fix is unsafe (unknown-option's rename), in a directory of its own.
fn only_unsafe_fixes() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pjsip.conf");
    std::fs::write(
        &path,
        "[1004]\ntype=endpoint\ncontext=internal\noutbund_proxy=sip:proxy.example.com\\;lr\n",
    )
    .unwrap();
    (dir, path)
}

const HIDDEN: &str = "1 hidden fix can be enabled with the `--unsafe-fixes` option";

#[test]
fn diff_says_on_stderr_when_fixes_are_hidden() {
    let (_dir, path) = only_unsafe_fixes();
    let output = pjsiplint()
        .args(["--isolated", "--diff"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.stdout.is_empty(), "the patch stays clean");
    assert!(
        stderr.contains(&format!("no fixes to apply ({HIDDEN})")),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(0));
    // With --unsafe-fixes nothing is hidden and the diff shows the rename.
    let output = pjsiplint()
        .args(["--isolated", "--diff", "--unsafe-fixes"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("hidden"));
    assert!(String::from_utf8_lossy(&output.stdout).contains("+outbound_proxy="));
}

#[test]
fn fix_says_when_fixes_are_hidden_and_the_summary_counts_fixable_findings() {
    let (_dir, path) = only_unsafe_fixes();
    let before = std::fs::read(&path).unwrap();
    let output = pjsiplint()
        .args(["--isolated", "--fix"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("no fixes applied ({HIDDEN})")),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.matches("hidden fix").count(),
        0,
        "said once: {stdout}"
    );
    // Linting alone: the summary says what --fix and --unsafe-fixes would do.
    let output = pjsiplint().arg("--isolated").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!("No fixes available ({HIDDEN}).")),
        "{stdout}"
    );
    std::fs::write(
        &path,
        "[a]\ntype=aor\nmax_contacts=1\nmax_contacts=1\n[1004]\ntype=endpoint\n\
         context=internal\noutbund_proxy=sip:proxy.example.com\\;lr\n",
    )
    .unwrap();
    let output = pjsiplint().arg("--isolated").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "[*] 1 fixable with the `--fix` option ({HIDDEN})."
        )),
        "{stdout}"
    );
    let output = pjsiplint()
        .args(["--isolated", "--fix"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!(
            "applied 1 fix in 1 file (--show-fixes lists them); {HIDDEN}"
        )),
        "{stderr}"
    );
}

#[test]
fn an_unused_suppression_on_the_last_line_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        (
            "no-newline.conf",
            "[x]\ntype=aor\nmax_contacts=1\n; pjsiplint: disable=weak-password",
        ),
        (
            "newline.conf",
            "[x]\ntype=aor\nmax_contacts=1\n; pjsiplint: disable=weak-password\n",
        ),
        (
            "blank-after.conf",
            "[x]\ntype=aor\nmax_contacts=1\n; pjsiplint: disable=weak-password\n\n; end\n",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let output = pjsiplint()
            .args(["--isolated", "--format", "concise"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains(":4:1: info[unused-suppression]"),
            "{name}: {stdout}"
        );
    }
}

#[test]
fn the_summary_counts_every_file_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pjsip.conf");
    std::fs::write(&root, "#include a.conf\n#include b.conf\n").unwrap();
    std::fs::write(dir.path().join("a.conf"), "[x]\ntype=aor\nmax_contacts=1\n").unwrap();
    std::fs::write(dir.path().join("b.conf"), "[y]\ntype=aor\nmax_contacts=1\n").unwrap();
    let other = dir.path().join("other.conf");
    std::fs::write(&other, "#include a.conf\n").unwrap();
    pjsiplint()
        .arg("--isolated")
        .arg(&root)
        .assert()
        .code(0)
        .stdout("No problems found in 3 files.\n");
    // Two roots sharing a.conf: four files read.
    pjsiplint()
        .arg("--isolated")
        .arg(&root)
        .arg(&other)
        .assert()
        .code(0)
        .stdout("No problems found in 4 files.\n");
}

/// Files after a file's first include are read ahead on another thread: what is found, and the
/// name each file is shown by (the path that reached it first), are as when each is read when
/// reached.
#[test]
fn files_read_ahead_are_named_as_first_reached() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "pjsip.conf",
        "#include a.conf\n#include b.conf\n#include c.conf\n#tryinclude missing.conf\n",
    );
    // c.conf is reached first from a.conf, by another path than the root's (read ahead).
    write(
        "a.conf",
        "#include ./c.conf\n[x]\ntype=aor\nmax_contacts=1\n",
    );
    write("b.conf", "[y]\ntype=aor\nmax_contacts=1\n");
    write("c.conf", "[z]\ntype=aor\nmax_contacts=1\n");
    let output = pjsiplint()
        .current_dir(dir.path())
        .args(["--isolated", "--format", "concise", "pjsip.conf"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout,
        "././c.conf:1:2: error[duplicate-section] a second aor named 'z': Asterisk then loads \
         no aor at all (none of the 4 aor sections)\n",
    );
}

#[test]
fn usernames_are_shown_and_passwords_masked_even_when_equal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pjsip.conf");
    std::fs::write(
        &path,
        "[alice7]\ntype=auth\nauth_type=userpass\nusername=alice7\npassword=alice7\n",
    )
    .unwrap();
    let stdout = stdout_of(&["--isolated", "--no-color"], &path);
    assert!(stdout.contains("username=alice7"), "{stdout}");
    assert!(!stdout.contains("password=alice7"), "{stdout}");
    assert!(stdout.contains("password=******"), "{stdout}");
    let stdout = stdout_of(&["--isolated", "--effective"], &path);
    assert!(stdout.contains("username = alice7"), "{stdout}");
    assert!(!stdout.contains("password = alice7"), "{stdout}");
}

#[test]
fn no_path_and_no_default_file_prints_only_the_error() {
    if std::path::Path::new(pjsiplint::cli::DEFAULT_PATH).exists() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let output = pjsiplint()
        .current_dir(dir.path())
        .arg("--isolated")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        output.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("does not exist"), "{stderr}");
    // A missing file named on the command line: the same.
    let output = pjsiplint()
        .arg("--isolated")
        .arg(dir.path().join("none.conf"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}

/// The docs of these rules say when they do not apply and which rule owns the neighbouring
/// case (`--explain` shows it).
#[test]
fn rule_docs_say_when_they_do_not_apply() {
    for name in [
        "unused-suppression",
        "endpoint-without-codecs",
        "endpoint-default-context",
        "webrtc-incomplete",
        "webrtc-codecs",
        "aor-max-contacts-zero",
        "deprecated-option",
        "concatenating-append",
        "exec-directive",
        "unknown-directive",
        "line-too-long",
        "section-name-too-long",
        "stray-block-comment-end",
        "unterminated-block-comment",
        "inheritance-too-large",
        "missing-file",
    ] {
        let output = pjsiplint().args(["--explain", name]).output().unwrap();
        let doc = String::from_utf8_lossy(&output.stdout);
        let section = doc
            .split("## When it does not apply")
            .nth(1)
            .unwrap_or_else(|| panic!("{name}: no `## When it does not apply`"));
        assert!(section.trim().len() > 40, "{name}: {section}");
    }
}
