//! pjsip_wizard.conf beside pjsip.conf: read together, findings at the wizard lines, fixes that
//! edit the wizard file, and nothing secret in any output.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn pjsiplint() -> Command {
    Command::cargo_bin("pjsiplint").unwrap()
}

const PJSIP_CONF: &str = "\
[t-udp]
type = transport
protocol = udp
bind = 192.168.1.10:5060
local_net = 192.168.1.0/24

; An endpoint of pjsip.conf whose aor the wizard makes.
[desk]
type = endpoint
context = internal
allow = !all,ulaw
aors = 1001
auth = desk-auth

[desk-auth]
type = auth
username = desk
password = Vq7-kP2x-Lm9w-Rt4z
";

const WIZARD_CONF: &str = "\
[1001]
type = wizard
accepts_registrations = yes
accepts_auth = yes
transport = t-udp
inbound_auth/username = 1001
inbound_auth/password = Hs8-Qw3e-Zx6c-Bn1m
Endpoint/context = internal
endpoint/allow = !all,ulaw
aor/max_contacts = 1
";

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("pjsip.conf"), PJSIP_CONF).unwrap();
    fs::write(dir.path().join("pjsip_wizard.conf"), WIZARD_CONF).unwrap();
    dir
}

fn concise(args: &[&str], dir: &Path) -> String {
    let out = pjsiplint()
        .current_dir(dir)
        .args(["--format", "concise", "--isolated"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_directory_lints_both_files_and_their_references_resolve() {
    let dir = folder();
    let found = concise(&["."], dir.path());
    // The wizard's ignored line is reported at the wizard line; pjsip.conf's aor reference to
    // the wizard's aor '1001' resolves.
    assert!(
        found.contains("pjsip_wizard.conf:8:1: warning[wizard-ignored-line]"),
        "{found}"
    );
    assert!(!found.contains("dangling-reference"), "{found}");
}

#[test]
fn a_named_file_reads_the_other_as_context_and_reports_only_its_own() {
    let dir = folder();
    let pjsip = concise(&["pjsip.conf"], dir.path());
    assert!(!pjsip.contains("pjsip_wizard.conf"), "{pjsip}");
    assert!(!pjsip.contains("dangling-reference"), "{pjsip}");
    let wizard = concise(&["pjsip_wizard.conf"], dir.path());
    assert!(wizard.contains("wizard-ignored-line"), "{wizard}");
    // The wizard's transport is pjsip.conf's.
    assert!(!wizard.contains("dangling-reference"), "{wizard}");
    assert!(
        wizard
            .lines()
            .all(|line| line.starts_with("pjsip_wizard.conf:")),
        "{wizard}"
    );
}

#[test]
fn unsafe_fixes_edit_the_wizard_line_once() {
    let dir = folder();
    pjsiplint()
        .current_dir(dir.path())
        .args(["--isolated", "--fix", "--unsafe-fixes", "."])
        .output()
        .unwrap();
    let fixed = fs::read_to_string(dir.path().join("pjsip_wizard.conf")).unwrap();
    assert_eq!(
        fixed,
        WIZARD_CONF.replace("Endpoint/context", "endpoint/context")
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("pjsip.conf")).unwrap(),
        PJSIP_CONF
    );
    // A second run changes nothing.
    pjsiplint()
        .current_dir(dir.path())
        .args(["--isolated", "--fix", "--unsafe-fixes", "."])
        .output()
        .unwrap();
    assert_eq!(
        fs::read_to_string(dir.path().join("pjsip_wizard.conf")).unwrap(),
        fixed
    );
}

#[test]
fn effective_shows_the_wizard_objects_at_their_wizard_lines() {
    let dir = folder();
    let out = pjsiplint()
        .current_dir(dir.path())
        .args(["--isolated", "--effective", "."])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[1001-iauth] ; auth from ./pjsip_wizard.conf:1 (loads)"),
        "{text}"
    );
    assert!(
        text.contains("max_contacts = 1 ; ./pjsip_wizard.conf:10"),
        "{text}"
    );
    assert!(
        text.contains("aors = 1001 ; ./pjsip_wizard.conf:1"),
        "{text}"
    );
}

#[test]
fn no_output_format_shows_a_wizard_password() {
    let dir = folder();
    for format in ["human", "concise", "json", "sarif", "github"] {
        for extra in [
            &[][..],
            &["--effective"][..],
            &["--diff", "--unsafe-fixes"][..],
        ] {
            let out = pjsiplint()
                .current_dir(dir.path())
                .args(["--isolated", "--format", format, "."])
                .args(extra)
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).into_owned()
                + &String::from_utf8_lossy(&out.stderr);
            for secret in ["Hs8-Qw3e-Zx6c-Bn1m", "Vq7-kP2x-Lm9w-Rt4z"] {
                assert!(
                    !text.contains(secret),
                    "{format} {extra:?} shows a password:\n{text}"
                );
            }
        }
    }
}

#[test]
fn the_wizard_setting_reads_other_names_as_wizard_files() {
    let dir = folder();
    fs::rename(
        dir.path().join("pjsip_wizard.conf"),
        dir.path().join("phones.conf"),
    )
    .unwrap();
    let plain = concise(&["phones.conf"], dir.path());
    assert!(plain.contains("unknown-type"), "{plain}");
    let wizard = concise(&["--wizard", "phones.conf"], dir.path());
    assert!(wizard.contains("wizard-ignored-line"), "{wizard}");
    assert!(!wizard.contains("unknown-type"), "{wizard}");
}

/// Large and hostile wizard files: linear work, no panic.
#[test]
fn many_remote_hosts_and_many_wizards_on_one_template() {
    // remote_hosts is one line: at most 8190 bytes (main/config.c), so 400 hosts.
    let hosts: Vec<String> = (0..400)
        .map(|i| format!("10.{}.{}.{}:5060", i / 65536, (i / 256) % 256, i % 256))
        .collect();
    let mut text = format!(
        "[trunk]\ntype = wizard\nsends_registrations = yes\nremote_hosts = {}\n",
        hosts.join(", ")
    );
    text.push_str("[tpl](!)\ntype = wizard\naccepts_registrations = yes\n");
    for i in 0..40 {
        text.push_str(&format!("endpoint/set_var = V{i}=x\n"));
    }
    for i in 0..5_000 {
        text.push_str(&format!("[{i}](tpl)\nremote_hosts = ${{X}};,, ,\\;\n"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pjsip_wizard.conf");
    fs::write(&path, &text).unwrap();
    let linted = pjsiplint::lint_path(&path, &pjsiplint::Settings::default()).unwrap();
    // 400 registrations, and an endpoint and an aor per wizard.
    assert!(linted.config.objects.list.len() > 10_400);
}
