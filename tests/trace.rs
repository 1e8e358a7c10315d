//! `--trace`: every scenario of ../shared/traces diagnosed as its truth.json (STORY.md) says, from
//! each form of its capture alike; each trace rule's bad and clean case under corpus/; no
//! password or captured response in any output format.

use std::path::{Path, PathBuf};
use std::process::Command;

use pjsiplint::trace::rules::TRACE_RULES;
use pjsiplint::trace::{analyse, TraceReport};
use pjsiplint::{lint_path, Linted, Settings};

const FORMS: &[&str] = &[
    "capture.pcap",
    "capture.pcapng",
    "logger.pcap",
    "pjsip-logger.txt",
];

fn traces() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/traces");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/traces is missing (CI always has it)");
        None
    }
}

fn scenarios(dir: &Path) -> Vec<PathBuf> {
    let mut list: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.join("truth.json").is_file())
        .collect();
    list.sort();
    list
}

fn run(config: &Path, capture: &Path) -> (Linted, TraceReport) {
    let linted = lint_path(config, &Settings::default()).unwrap();
    let file = std::fs::File::open(capture).unwrap();
    let report = analyse(
        file,
        &capture.display().to_string(),
        &linted,
        &Settings::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", capture.display()));
    (linted, report)
}

/// The rule a scenario's failure must be reported under.
fn expected_rule(truth: &serde_json::Value) -> Option<&'static str> {
    let failure = truth["failure"].as_str().unwrap_or("");
    if failure.starts_with("none") {
        return None;
    }
    let matches = truth["digest_matches_configured_password"].as_bool();
    Some(match failure {
        f if f.contains("realm") => "trace-realm-mismatch",
        f if f.contains("outbound-auth") || f.contains("unanswered") => {
            "trace-challenge-unanswered"
        }
        f if f.contains("forbidden") || f.contains("403") => "trace-forbidden-after-auth",
        f if f.contains("no-response") || f.contains("timeout") => "trace-no-response",
        f if f.contains("stale") => "trace-stale-nonce-loop",
        f if f.contains("endpoint") => "trace-no-matching-endpoint",
        f if f.contains("nat") => "trace-nat-private-address",
        _ if matches == Some(true) => "trace-credentials-rejected",
        _ => "trace-digest-mismatch",
    })
}

#[test]
fn every_scenario_gets_its_true_cause_from_every_form() {
    let Some(dir) = traces() else {
        return;
    };
    for scenario in scenarios(&dir) {
        let truth: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(scenario.join("truth.json")).unwrap())
                .unwrap();
        let config = scenario.join("pbx/pjsip.conf");
        let expected = expected_rule(&truth);
        let mut forms = 0;
        for form in FORMS {
            let capture = scenario.join(form);
            if !capture.is_file() {
                continue;
            }
            forms += 1;
            let (linted, report) = run(&config, &capture);
            let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
            let at = format!("{}", capture.display());
            match expected {
                None => assert!(
                    rules.is_empty(),
                    "{at}: no trace finding expected: {rules:?}"
                ),
                Some(rule) => {
                    assert_eq!(rules, [rule], "{at}: one finding, the true cause");
                    let diagnostic = &report.diagnostics[0];
                    assert!(diagnostic.evidence.is_some(), "{at}: evidence");
                    check_location(&linted, diagnostic, &truth, &at);
                }
            }
        }
        assert!(forms >= 2, "{}: at least two forms", scenario.display());
    }
}

/// The finding points at the option truth.json names (or the object's header when the option
/// is not written), when that object is in the pbx's file.
fn check_location(
    linted: &Linted,
    diagnostic: &pjsiplint::diagnostic::Diagnostic,
    truth: &serde_json::Value,
    at: &str,
) {
    let finding = &truth["findings"][0];
    let (Some(object), Some(option)) = (finding["object"].as_str(), finding["option"].as_str())
    else {
        return;
    };
    let span = diagnostic.primary.span;
    let file = linted.config.file(span.file);
    let line = file.line_col(span.start).line;
    let text = String::from_utf8_lossy(&file.bytes)
        .lines()
        .nth(line - 1)
        .unwrap_or("")
        .trim()
        .to_owned();
    if !String::from_utf8_lossy(&file.bytes).contains(&format!("[{object}]")) {
        return;
    }
    assert!(
        text.starts_with(option) || text.starts_with(&format!("[{object}]")),
        "{at}: the finding should point at `{option}` of `{object}`, not `{text}`"
    );
}

#[test]
fn trace_rules_have_docs_and_corpus_cases() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for meta in TRACE_RULES {
        for heading in ["## What", "## Why", "## Example", "## Fix"] {
            assert!(
                meta.doc.contains(heading),
                "{} doc lacks {heading}",
                meta.name
            );
        }
        assert!(pjsiplint::rules::find_meta(meta.name).is_some());
        for (case, triggers) in [("bad", true), ("clean", false)] {
            let dir = corpus.join(meta.name);
            let (_, report) = run(
                &dir.join(format!("{case}.conf")),
                &dir.join(format!("{case}.log")),
            );
            let rules: Vec<&str> = report.diagnostics.iter().map(|d| d.rule).collect();
            assert_eq!(
                rules.contains(&meta.name),
                triggers,
                "{}/{case}: {rules:?}",
                meta.name
            );
        }
    }
}

/// Every value after `password=` (configs, SIPp scenarios) and the captured `response=` values.
fn secrets_of(scenario: &Path) -> Vec<String> {
    let mut secrets = Vec::new();
    let mut texts = Vec::new();
    for sub in ["pbx", "provider", "phone"] {
        if let Ok(entries) = std::fs::read_dir(scenario.join(sub)) {
            for entry in entries.flatten() {
                texts.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
    }
    for text in &texts {
        for part in text.split("password").skip(1) {
            let value: String = part
                .trim_start_matches([' ', '=', ':', '"'])
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | ']' | ';'))
                .collect();
            if value.len() >= 4 {
                secrets.push(value);
            }
        }
    }
    let log = std::fs::read_to_string(scenario.join("pjsip-logger.txt")).unwrap_or_default();
    for part in log.split("response=\"").skip(1) {
        secrets.push(part.split('"').next().unwrap_or("").to_owned());
    }
    secrets.retain(|s| !s.is_empty());
    secrets
}

#[test]
fn no_output_format_shows_a_secret() {
    let Some(dir) = traces() else {
        return;
    };
    for scenario in scenarios(&dir) {
        let secrets = secrets_of(&scenario);
        assert!(!secrets.is_empty(), "{}: secrets found", scenario.display());
        for form in FORMS {
            let capture = scenario.join(form);
            if !capture.is_file() {
                continue;
            }
            for format in ["human", "concise", "json", "sarif", "github"] {
                let output = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
                    .arg("--trace")
                    .arg(&capture)
                    .arg(scenario.join("pbx/pjsip.conf"))
                    .args(["--format", format, "--no-color"])
                    .output()
                    .unwrap();
                assert_ne!(output.status.code(), Some(2), "{}", capture.display());
                let text = String::from_utf8_lossy(&output.stdout).into_owned()
                    + &String::from_utf8_lossy(&output.stderr);
                for secret in &secrets {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{} --format {format} shows a secret",
                        capture.display()
                    );
                }
            }
        }
    }
}

#[test]
fn trace_exit_codes() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/trace-no-response");
    let code = |case: &str| {
        Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
            .arg("--trace")
            .arg(corpus.join(format!("{case}.log")))
            .arg(corpus.join(format!("{case}.conf")))
            .args(["--select", "trace"])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code("bad"), Some(1));
    assert_eq!(code("clean"), Some(0));
    let missing = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
        .args(["--trace", "/nonexistent.pcap"])
        .arg(corpus.join("bad.conf"))
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let explain = Command::new(env!("CARGO_BIN_EXE_pjsiplint"))
        .args(["--explain", "trace-realm-mismatch"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&explain.stdout).contains("## Why"));
}

// ---------------------------------------------------------------- causes beyond the scenarios

use pjsiplint::trace::digest::{self, Algorithm, Secret};

const TRUNK: &str = "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n\
[provider-reg]\ntype=registration\ntransport=transport-udp\noutbound_auth=provider-auth\n\
server_uri=sip:198.51.100.7:5060\nclient_uri=sip:4420@sip.carrier.example\n\n\
[provider-auth]\ntype=auth\nauth_type=userpass\nusername=4420\npassword=Right-Pass-1\n";

const PHONE: &str = "[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n\
[6001]\ntype=endpoint\ncontext=internal\nallow=ulaw\nauth=6001\naors=6001\n\n\
[6001]\ntype=auth\nauth_type=userpass\nusername=6001\npassword=Desk-Pass-1\n\n\
[6001]\ntype=aor\n";

/// `pjsip set logger on` text: (sent by Asterisk, peer, start line, extra headers).
fn logger_text(messages: &[Logged<'_>]) -> String {
    let mut out = String::new();
    for (index, (sent, peer, start, extra)) in messages.iter().enumerate() {
        let cseq = if start.starts_with("SIP/2.0") {
            index
        } else {
            index + 1
        };
        let mut text = format!(
            "{start}\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;rport;branch=z9hG4bK{}\r\n\
             From: <sip:4420@sip.carrier.example>;tag=a\r\nTo: <sip:4420@sip.carrier.example>\r\n\
             Call-ID: case-1\r\nCSeq: {cseq} REGISTER\r\n",
            cseq
        );
        for header in extra {
            text.push_str(header);
            text.push_str("\r\n");
        }
        text.push_str("Content-Length: 0\r\n\r\n");
        let kind = if start.starts_with("SIP/2.0") {
            "response"
        } else {
            "request"
        };
        let way = if *sent { "Transmitting" } else { "Received" };
        let to = if *sent { "to" } else { "from" };
        out.push_str(&format!(
            "[2026-12-05 10:00:0{index}] VERBOSE[1] res_pjsip_logger.c: <--- {way} SIP {kind} \
             ({} bytes) {to} UDP:{peer} --->\n{text}\n",
            text.len()
        ));
    }
    out
}

/// An entry of [`logger_text`].
type Logged<'a> = (bool, &'a str, &'a str, Vec<String>);

/// Asterisk's REGISTER to the provider, its challenge with `algorithm`, then `more`.
fn register_challenged(algorithm: &str, more: &[Logged<'_>]) -> String {
    let mut messages: Vec<Logged<'_>> = vec![
        (true, PROVIDER, REGISTER, vec![]),
        (
            false,
            PROVIDER,
            "SIP/2.0 401 Unauthorized",
            challenge(algorithm),
        ),
    ];
    messages.extend(more.iter().cloned());
    logger_text(&messages)
}

fn challenge(algorithm: &str) -> Vec<String> {
    vec![format!(
        "WWW-Authenticate: Digest realm=\"sip.carrier.example\",nonce=\"1796500000/ab\",\
         opaque=\"x\",algorithm={algorithm},qop=\"auth\""
    )]
}

fn authorization(password: &str, realm: &str, algorithm: &str) -> Vec<String> {
    let answer = digest::Answer {
        username: "4420",
        realm,
        nonce: "1796500000/ab",
        uri: "sip:198.51.100.7:5060",
        qop: Some("auth"),
        nc: "00000001",
        cnonce: "c1",
    };
    let parsed = Algorithm::parse(Some(algorithm)).unwrap();
    let response = digest::response(parsed, Secret::Password(password), &answer, "REGISTER", b"");
    vec![format!(
        "Authorization: Digest username=\"4420\", realm=\"{realm}\", nonce=\"1796500000/ab\", \
         uri=\"sip:198.51.100.7:5060\", response=\"{response}\", algorithm={algorithm}, \
         cnonce=\"c1\", qop=auth, nc=00000001"
    )]
}

/// The trace findings (rule, message) of a config and logger text.
fn trace_findings(config: &str, text: &str) -> Vec<(&'static str, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pjsip.conf");
    std::fs::write(&path, config).unwrap();
    let linted = lint_path(&path, &Settings::default()).unwrap();
    let report = analyse(text.as_bytes(), "case.log", &linted, &Settings::default()).unwrap();
    report
        .diagnostics
        .into_iter()
        .map(|d| (d.rule, d.message))
        .collect()
}

const PROVIDER: &str = "198.51.100.7:5060";
const REGISTER: &str = "REGISTER sip:198.51.100.7:5060 SIP/2.0";

#[test]
fn a_challenge_the_file_could_answer_but_asterisk_did_not_is_a_stale_config() {
    let text = register_challenged("MD5", &[(true, PROVIDER, REGISTER, vec![])]);
    let found = trace_findings(TRUNK, &text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "trace-challenge-unanswered");
    assert!(found[0].1.contains("not reloaded"), "{}", found[0].1);
}

#[test]
fn an_answer_from_another_password_or_a_rewritten_realm_is_a_mismatch() {
    let rejected = |auth: Vec<String>| {
        register_challenged(
            "MD5",
            &[
                (true, PROVIDER, REGISTER, auth),
                (
                    false,
                    PROVIDER,
                    "SIP/2.0 401 Unauthorized",
                    challenge("MD5"),
                ),
            ],
        )
    };
    let other = trace_findings(
        TRUNK,
        &rejected(authorization("Old-Pass", "sip.carrier.example", "MD5")),
    );
    assert_eq!(other.len(), 1, "{other:?}");
    assert_eq!(other[0].0, "trace-digest-mismatch");
    assert!(other[0].1.contains("not reloaded"), "{}", other[0].1);
    // The answer made for the challenge's realm, its realm rewritten on the way.
    let rewritten: Vec<String> = authorization("Right-Pass-1", "sip.carrier.example", "MD5")
        .into_iter()
        .map(|h| {
            h.replace(
                "realm=\"sip.carrier.example\"",
                "realm=\"rewritten.example\"",
            )
        })
        .collect();
    let alg = trace_findings(TRUNK, &rejected(rewritten));
    assert_eq!(alg[0].0, "trace-digest-mismatch");
    assert!(
        alg[0].1.contains("realm") && alg[0].1.contains("ALG"),
        "{}",
        alg[0].1
    );
    let right = trace_findings(
        TRUNK,
        &rejected(authorization("Right-Pass-1", "sip.carrier.example", "MD5")),
    );
    assert_eq!(right[0].0, "trace-credentials-rejected");
    assert!(!right[0].1.contains("phone number"), "{}", right[0].1);
    // A phone number as the authentication user is named as the suspect.
    let did = TRUNK.replace("username=4420", "username=4930123456");
    let right = trace_findings(
        &did,
        &rejected(authorization("Right-Pass-1", "sip.carrier.example", "MD5")),
    );
    assert!(right[0].1.contains("phone number (DID)"), "{}", right[0].1);
}

#[test]
fn sha256_answers_are_checked_and_unsupported_algorithms_unanswered() {
    let sha = format!("{TRUNK}supported_algorithms_uac=SHA-256\n");
    let text = register_challenged(
        "SHA-256",
        &[
            (
                true,
                PROVIDER,
                REGISTER,
                authorization("Right-Pass-1", "sip.carrier.example", "SHA-256"),
            ),
            (
                false,
                PROVIDER,
                "SIP/2.0 401 Unauthorized",
                challenge("SHA-256"),
            ),
        ],
    );
    let found = trace_findings(&sha, &text);
    assert_eq!(found[0].0, "trace-credentials-rejected", "{found:?}");
    let text = register_challenged("SHA-256", &[]);
    let found = trace_findings(TRUNK, &text);
    assert_eq!(found[0].0, "trace-challenge-unanswered", "{found:?}");
    assert!(found[0].1.contains("SHA-256"), "{}", found[0].1);
}

#[test]
fn a_403_to_a_phone_points_at_the_aor_without_max_contacts() {
    let phone = "10.0.0.101:5060";
    let start = "REGISTER sip:10.0.0.10 SIP/2.0";
    // The phone's From user is 6001 (the helper writes 4420: replace it).
    let text = logger_text(&[
        (false, phone, start, vec![]),
        (true, phone, "SIP/2.0 401 Unauthorized", challenge("MD5")),
        (false, phone, start, vec!["Authorization: Digest username=\"6001\", realm=\"asterisk\", nonce=\"1/a\", uri=\"sip:10.0.0.10\", response=\"0\"".to_owned()]),
        (true, phone, "SIP/2.0 403 Forbidden", vec![]),
    ])
    .replace("4420@sip.carrier.example", "6001@10.0.0.10");
    let found = trace_findings(PHONE, &text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "trace-forbidden-after-auth");
    assert!(found[0].1.contains("aor `6001`"), "{}", found[0].1);
}
