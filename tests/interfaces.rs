//! The command line around the rules: settings file, suppression comments, formats, statistics,
//! completions, man page, and the pre-commit hook.

use std::path::Path;

use assert_cmd::Command;

fn pjsiplint(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pjsiplint").unwrap();
    cmd.current_dir(dir).env_remove("GITHUB_ACTIONS");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

const DUPLICATE: &str = "[6001]\ntype=aor\nmax_contacts=1\nmax_contacts=2\n";

#[test]
fn settings_file_is_found_upward_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let nested = dir.path().join("etc/asterisk");
    std::fs::create_dir_all(&nested).unwrap();
    std::fs::write(nested.join("pjsip.conf"), DUPLICATE).unwrap();
    std::fs::write(
        dir.path().join(".pjsiplint.ini"),
        "[pjsiplint]\nfail-on = error\n[rules]\nduplicate-option = error\n",
    )
    .unwrap();
    let out =
        stdout(pjsiplint(dir.path()).args(["--format", "concise", "etc/asterisk/pjsip.conf"]));
    assert!(out.contains("error[duplicate-option]"), "{out}");
    pjsiplint(dir.path())
        .arg("etc/asterisk/pjsip.conf")
        .assert()
        .code(1);
    pjsiplint(dir.path())
        .args(["--ignore", "duplicate-option", "etc/asterisk/pjsip.conf"])
        .assert()
        .code(0);
    // --isolated: no settings, so the finding is a warning again, below nothing... and the
    // default threshold (warning) still fails.
    let out = stdout(pjsiplint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "etc/asterisk/pjsip.conf",
    ]));
    assert!(out.contains("warning[duplicate-option]"), "{out}");
}

#[test]
fn a_settings_file_with_unknown_keys_is_an_error_that_names_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pjsip.conf"), DUPLICATE).unwrap();
    std::fs::write(
        dir.path().join("custom.ini"),
        "[pjsiplint]\nfail-onn = error\n",
    )
    .unwrap();
    let output = pjsiplint(dir.path())
        .args(["--config", "custom.ini", "pjsip.conf"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("fail-onn"));
}

#[test]
fn suppression_comments_and_unused_ones() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pjsip.conf"),
        "[6001]\ntype=aor\nmax_contacts=1 ; pjsiplint: disable=duplicate-option -- migrating\n\
         max_contacts=2\n; pjsiplint: disable=weak-pasword\n[6002]\ntype=aor\nmax_contacts=1\n",
    )
    .unwrap();
    let out = stdout(pjsiplint(dir.path()).args(["--format", "concise", "pjsip.conf"]));
    assert!(!out.contains("[duplicate-option]"), "{out}");
    assert!(out.contains("info[unused-suppression]"), "{out}");
    let out = stdout(pjsiplint(dir.path()).args([
        "--format",
        "concise",
        "--no-inline-suppressions",
        "pjsip.conf",
    ]));
    assert!(out.contains("[duplicate-option]"), "{out}");
    assert!(!out.contains("[unused-suppression]"), "{out}");
    std::fs::write(
        dir.path().join("other.conf"),
        format!("; pjsiplint: disable-file=duplicate-option\n{DUPLICATE}"),
    )
    .unwrap();
    let out = stdout(pjsiplint(dir.path()).args(["--format", "concise", "other.conf"]));
    assert!(!out.contains("[duplicate-option]"), "{out}");
}

#[test]
fn github_format_is_the_default_under_github_actions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pjsip.conf"), DUPLICATE).unwrap();
    let out = stdout(
        pjsiplint(dir.path())
            .env("GITHUB_ACTIONS", "true")
            .arg("pjsip.conf"),
    );
    assert!(
        out.starts_with("::warning file=pjsip.conf,line=3,"),
        "{out}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&stdout(pjsiplint(dir.path()).args([
        "--format",
        "sarif",
        "pjsip.conf",
    ])))
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "duplicate-option");
}

#[test]
fn statistics_count_findings_per_rule() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pjsip.conf"), DUPLICATE).unwrap();
    let out =
        stdout(pjsiplint(dir.path()).args(["--format", "concise", "--statistics", "pjsip.conf"]));
    assert!(out.contains("     1  duplicate-option (warning)"), "{out}");
}

#[test]
fn completions_and_man_page_come_from_the_same_definitions() {
    let dir = tempfile::tempdir().unwrap();
    let bash = stdout(pjsiplint(dir.path()).args(["--completions", "bash"]));
    assert!(bash.contains("--unsafe-fixes") && bash.contains("pjsiplint"));
    let man = stdout(pjsiplint(dir.path()).arg("--man"));
    assert!(
        man.contains(".TH pjsiplint") && man.contains("fail\\-on"),
        "{man}"
    );
}

#[test]
fn an_included_file_is_linted_as_part_of_the_root_the_settings_name() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pjsip.conf"),
        "[phone](!)\ntype=aor\nmax_contacts=1\n#include pjsip_extra.conf\n",
    )
    .unwrap();
    // Alone, the included file's (phone) template does not exist.
    std::fs::write(dir.path().join("pjsip_extra.conf"), "[6001](phone)\n").unwrap();
    std::fs::write(
        dir.path().join(".pjsiplint.ini"),
        "[pjsiplint]\nroot = pjsip.conf\n",
    )
    .unwrap();
    pjsiplint(dir.path())
        .arg("pjsip_extra.conf")
        .assert()
        .code(0);
    pjsiplint(dir.path())
        .args(["--isolated", "pjsip_extra.conf"])
        .assert()
        .code(1);
}

/// The real pre-commit (from PyPI) runs this repository's hooks with `try-repo`.
#[test]
fn pre_commit_try_repo_runs_the_hook() {
    let tools = tempfile::tempdir().unwrap();
    let venv = tools.path().join("venv");
    let python = ["python3", "python"].into_iter().find(|p| {
        std::process::Command::new(p)
            .arg("--version")
            .output()
            .is_ok()
    });
    let Some(python) = python else {
        eprintln!("pre_commit_try_repo_runs_the_hook: skipped: no python to install pre-commit");
        return;
    };
    let installed = std::process::Command::new(python)
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success())
        && std::process::Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "pre-commit"])
            .status()
            .is_ok_and(|s| s.success());
    if !installed {
        eprintln!("pre_commit_try_repo_runs_the_hook: skipped: pre-commit cannot be installed");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    git(&["init", "-q"]);
    std::fs::write(
        work.path().join("pjsip.conf"),
        "[6001]\ntype=aor\nmax_contacts=1\n",
    )
    .unwrap();
    std::fs::write(work.path().join("pjsip_broken.conf"), "[6001\ntype=aor\n").unwrap();
    git(&["add", "."]);
    let run = |file: &str| {
        std::process::Command::new(venv.join("bin/pre-commit"))
            .args([
                "try-repo",
                env!("CARGO_MANIFEST_DIR"),
                "pjsiplint",
                "--files",
                file,
            ])
            .current_dir(work.path())
            .env("PRE_COMMIT_HOME", tools.path().join("cache"))
            .output()
            .unwrap()
    };
    let clean = run("pjsip.conf");
    assert!(
        clean.status.success(),
        "{}{}",
        String::from_utf8_lossy(&clean.stdout),
        String::from_utf8_lossy(&clean.stderr)
    );
    let broken = run("pjsip_broken.conf");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&broken.stdout),
        String::from_utf8_lossy(&broken.stderr)
    );
    assert!(!broken.status.success(), "{said}");
    assert!(said.contains("syntax-error"), "{said}");
}
