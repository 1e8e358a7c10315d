//! The exported API as the page calls it, run in WebAssembly: `cargo test` in playground/wasm
//! (wasm-bindgen-test-runner, in Node.js).

use pjsiplint_wasm::{default_version, effective, explain, fixes, lint, masked, rules, versions};
use serde_json::{json, Value};
use wasm_bindgen_test::wasm_bindgen_test;

/// A root file with an unknown option (an unsafe fix) that includes a file with a repeated
/// option (a safe fix) and a password that contains its username.
fn request(unsafe_fixes: bool) -> String {
    json!({
        "files": {
            "pjsip.conf": "[6001]\ntype=endpoint\ncontext=from-internal\nallow=ulaw\nauth=6001\naors=6001\nrtp_symetric=yes\n\n#include phones.conf\n",
            "phones.conf": "[6001]\ntype=auth\nauth_type=userpass\npassword=Secret-6001-pw\nusername=6001\n\n[6001]\ntype=aor\nmax_contacts=1\nmax_contacts=2\n",
        },
        "root": "pjsip.conf",
        "version": 22,
        "unsafe_fixes": unsafe_fixes,
    })
    .to_string()
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn rules_found(answer: &Value) -> Vec<(&str, &str)> {
    answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["file"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect()
}

#[wasm_bindgen_test]
fn lint_follows_includes_in_memory() {
    let answer = parse(&lint(&request(false)));
    assert_eq!(
        rules_found(&answer),
        [
            ("pjsip.conf", "unknown-option"),
            ("phones.conf", "weak-password"),
            ("phones.conf", "duplicate-option"),
        ]
    );
    let unknown = &answer["findings"][0];
    assert_eq!(unknown["severity"], "error");
    assert_eq!(
        (&unknown["line"], &unknown["column"]),
        (&json!(7), &json!(1))
    );
    let offset =
        "[6001]\ntype=endpoint\ncontext=from-internal\nallow=ulaw\nauth=6001\naors=6001\n".len();
    assert_eq!(unknown["start"], json!(offset));
    assert_eq!(unknown["from"], json!(offset));
    assert_eq!(unknown["fix"]["applicability"], "unsafe");
    assert!(unknown["message"]
        .as_str()
        .unwrap()
        .contains("rtp_symmetric"));
}

#[wasm_bindgen_test]
fn no_finding_shows_a_password() {
    let text = lint(&request(false));
    assert!(text.contains("weak-password"));
    assert!(!text.contains("Secret-6001-pw"), "{text}");
    let listing = effective(&request(false));
    assert!(!listing.contains("Secret-6001-pw"), "{listing}");
}

#[wasm_bindgen_test]
fn editor_offsets_count_utf16_units() {
    let answer = parse(&lint(
        &json!({
            "files": {"pjsip.conf": "; caf\u{e9} \u{1f600}\n[a]\ntype=endpoint\nbogus_option=1\n"},
            "root": "pjsip.conf",
        })
        .to_string(),
    ));
    let finding = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "unknown-option")
        .unwrap();
    let before = "; caf\u{e9} \u{1f600}\n[a]\ntype=endpoint\n";
    assert_eq!(finding["start"], json!(before.len()));
    assert_eq!(finding["from"], json!(before.encode_utf16().count()));
}

#[wasm_bindgen_test]
fn a_missing_include_is_a_finding_not_a_disk_read() {
    let answer = parse(&lint(
        &json!({"files": {"pjsip.conf": "#include /etc/hostname\n"}, "root": "pjsip.conf"})
            .to_string(),
    ));
    assert_eq!(rules_found(&answer), [("pjsip.conf", "include-not-found")]);
}

#[wasm_bindgen_test]
fn safe_fixes_change_the_included_file_and_show_a_diff() {
    let answer = parse(&fixes(&request(false)));
    let files = answer["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{answer}");
    assert_eq!(files[0]["name"], "phones.conf");
    assert!(files[0]["fixed"]
        .as_str()
        .unwrap()
        .ends_with("type=aor\nmax_contacts=2\n"));
    let diff = files[0]["diff"].as_str().unwrap();
    assert!(diff.contains("-max_contacts=1\n"), "{diff}");
    assert!(!diff.contains("Secret-6001-pw"), "{diff}");
    assert_eq!(answer["applied"][0]["rule"], "duplicate-option");
    assert_eq!(answer["unsafe_left"], 1);
}

#[wasm_bindgen_test]
fn unsafe_fixes_on_request() {
    let answer = parse(&fixes(&request(true)));
    let names: Vec<&str> = answer["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["phones.conf", "pjsip.conf"]);
    let root = answer["files"][1]["fixed"].as_str().unwrap();
    assert!(root.contains("\nrtp_symmetric=yes\n"), "{root}");
    assert_eq!(answer["unsafe_left"], 0);
}

#[wasm_bindgen_test]
fn effective_lists_objects() {
    let answer = parse(&effective(&request(false)));
    let text = answer["text"].as_str().unwrap();
    assert!(
        text.contains("[6001] ; endpoint from pjsip.conf:1"),
        "{text}"
    );
}

#[wasm_bindgen_test]
fn explain_rules_and_versions() {
    assert!(explain("duplicate-option").unwrap().contains("## Fix"));
    assert!(explain("no-such-rule").is_none());
    let all = parse(&rules());
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"unknown-option"));
    assert!(names.iter().all(|name| explain(name).is_some()));
    assert_eq!(versions(), (16..=23).collect::<Vec<u32>>());
    assert_eq!(default_version(), 22);
}

#[wasm_bindgen_test]
fn bad_requests_are_errors() {
    for (request, error) in [
        ("not json", "bad request"),
        (r#"{"files": {}, "root": "pjsip.conf"}"#, "no file named"),
        (
            r#"{"files": {"../x": ""}, "root": "../x"}"#,
            "relative path",
        ),
        (
            r#"{"files": {"a": ""}, "root": "a", "version": 12}"#,
            "not one of the versions",
        ),
    ] {
        let answer = parse(&lint(request));
        assert!(
            answer["error"].as_str().unwrap().contains(error),
            "{request}: {answer}"
        );
    }
}

#[wasm_bindgen_test]
fn masked_hides_passwords_only() {
    assert_eq!(
        masked("[a]\ntype=auth\nusername=6001\npassword=Secret-6001-pw\n"),
        "[a]\ntype=auth\nusername=6001\npassword=**************\n"
    );
}

#[wasm_bindgen_test]
fn a_pjsip_wizard_conf_beside_is_read_as_asterisk_reads_it() {
    let pjsip = "[t-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\n\n[itsp-identify]\ntype=identify\nendpoint=itsp\nmatch=192.0.2.1\n";
    let wizard = "[itsp]\ntype = wizard\nremote_hosts = sip.example.net\nendpoint/context = from-itsp\nendpoint/allow = !all,ulaw\ntransport = t-udp\n";
    let alone = json!({"files": {"pjsip.conf": pjsip}, "root": "pjsip.conf"});
    assert_eq!(
        rules_found(&parse(&lint(&alone.to_string()))),
        [("pjsip.conf", "dangling-reference")]
    );
    let both =
        json!({"files": {"pjsip.conf": pjsip, "pjsip_wizard.conf": wizard}, "root": "pjsip.conf"});
    assert_eq!(rules_found(&parse(&lint(&both.to_string()))), []);
}
