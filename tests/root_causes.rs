//! Root causes: "Asterisk loads it" (`Object::loads`, the truth) against "it loads once the
//! file-level failures are fixed" (`Object::usable`, what the rules reason from), and the
//! findings that follow from that distinction.

use std::path::Path;

use pjsiplint::validate::ProblemKind;
use pjsiplint::{lint_bytes, Linted, Settings};

fn lint_as(name: &str, text: &str) -> Linted {
    lint_bytes(
        Path::new("/nonexistent/dir").join(name).as_path(),
        name.to_owned(),
        text.as_bytes().to_vec(),
        &Settings::default(),
    )
}

fn lint(text: &str) -> Linted {
    lint_as("pjsip.conf", text)
}

/// (loads, usable) of the first object of that type and id.
fn fate(linted: &Linted, kind: &str, id: &str) -> (bool, bool) {
    let object = linted.config.object(kind, id).unwrap();
    (object.loads(), object.usable())
}

fn rules(linted: &Linted) -> Vec<&'static str> {
    linted.diagnostics.iter().map(|d| d.rule).collect()
}

const PHONE: &str = "
[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[6001]
type=endpoint
context=internal
disallow=all
allow=ulaw
auth=6001
aors=6001

[6001]
type=auth
auth_type=userpass
username=6001
password=6001

[6001]
type=aor
max_contacts=1
";

#[test]
fn a_missing_include_drops_everything_but_leaves_it_usable() {
    let linted = lint(&format!("#include not-there.conf\n{PHONE}"));
    assert_eq!(fate(&linted, "endpoint", "6001"), (false, true));
    assert_eq!(fate(&linted, "auth", "6001"), (false, true));
    let found = rules(&linted);
    assert!(found.contains(&"include-not-found"));
    // The findings of the configuration once the include is fixed still appear ...
    assert!(found.contains(&"weak-password"), "{found:?}");
    // ... and the references to the lost objects are not findings of their own.
    assert!(!found.contains(&"dangling-reference"), "{found:?}");
}

#[test]
fn a_rejected_object_is_neither_loaded_nor_usable() {
    let linted = lint(&PHONE.replace("username=6001\npassword=6001\n", ""));
    assert_eq!(fate(&linted, "auth", "6001"), (false, false));
    assert_eq!(fate(&linted, "endpoint", "6001"), (true, true));
    let found = rules(&linted);
    // One finding for the empty auth, none for the endpoint's reference to it.
    assert_eq!(
        found
            .iter()
            .filter(|r| **r == "missing-required-option")
            .count(),
        1,
        "{found:?}"
    );
    assert!(!found.contains(&"dangling-reference"), "{found:?}");
    // The reference is a related location of the rejection.
    let rejection = linted
        .diagnostics
        .iter()
        .find(|d| d.rule == "missing-required-option")
        .unwrap();
    assert!(rejection
        .secondary
        .iter()
        .any(|label| label.message.contains("`auth` of endpoint '6001' names it")));
}

#[test]
fn registrations_lost_with_their_transports_are_a_knock_on() {
    // Two transports named alike: Asterisk loads no transport, so no registration either. The
    // duplicate is the finding; the registration is fine once it is fixed.
    let text = "
[udp]
type=transport
protocol=udp
bind=0.0.0.0

[udp]
type=transport
protocol=udp
bind=0.0.0.0:5070

[trunk]
type=registration
server_uri=sip:sip.example.com
client_uri=sip:trunk@sip.example.com
";
    let linted = lint(text);
    assert_eq!(fate(&linted, "registration", "trunk"), (false, true));
    assert!(!linted
        .validation
        .problems
        .iter()
        .any(|p| p.kind == ProblemKind::NoTransport));
    assert!(rules(&linted).contains(&"duplicate-section"));
}

#[test]
fn a_split_file_linted_alone_gets_one_note_per_missing_type() {
    let text = "
[6001]
type=endpoint
context=internal
disallow=all
allow=ulaw
aors=6001
auth=6001-auth

[6002]
type=endpoint
context=internal
disallow=all
allow=ulaw
aors=6002
auth=6002-auth
";
    let linted = lint_as("pjsip.endpoint.conf", text);
    let dangling: Vec<_> = linted
        .diagnostics
        .iter()
        .filter(|d| d.rule == "dangling-reference")
        .collect();
    assert_eq!(dangling.len(), 2, "one for the aors, one for the auths");
    assert!(dangling
        .iter()
        .all(|d| d.severity == pjsiplint::diagnostic::Severity::Info));
    assert!(dangling[0].message.contains("1 more reference"));
}

#[test]
fn rules_reason_from_usable_objects() {
    // `Object::loads` is the truth for `--effective` and the agreement with real Asterisk; the
    // rules read `Object::usable`, so that a file-level failure is one finding and the rest of
    // the configuration is still checked.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files: Vec<_> = std::fs::read_dir(dir.join("rules"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.push(dir.join("trunks.rs"));
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(".loads()"),
            "{} reads `.loads()`: rules reason from `.usable()`",
            path.display()
        );
    }
}

#[test]
fn many_file_level_failures_over_many_objects_stay_linear() {
    // Every failure's message counts what the file loses: counted once per file, not once per
    // failure (20k failures over 20k objects would otherwise be 400M steps).
    let mut text = String::new();
    for i in 0..20_000 {
        text.push_str(&format!(
            "[{i}]\ntype=endpoint\ncontext=internal\naors={i}\n[x{i}](missing-tpl-{i})\n"
        ));
    }
    let start = std::time::Instant::now();
    let linted = lint(&text);
    assert!(rules(&linted).contains(&"template-not-found"));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}
