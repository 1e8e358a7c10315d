//! The security rules (issue 7): the tricky cases of each rule through the library, a check that
//! no output format ever shows a password, and file modes for world-readable-secrets.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pjsiplint::diagnostic::{Diagnostic, Severity};
use pjsiplint::{lint_bytes, lint_path, Settings};

fn lint_with(text: &str, settings: &Settings) -> Vec<Diagnostic> {
    // A name that exists nowhere on disk, so world-readable-secrets has no mode to read.
    lint_bytes(
        Path::new("no-such-dir/pjsip.conf"),
        "pjsip.conf".to_owned(),
        text.as_bytes().to_vec(),
        settings,
    )
    .diagnostics
}

fn lint(text: &str) -> Vec<Diagnostic> {
    lint_with(text, &Settings::default())
}

fn of<'a>(diagnostics: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    diagnostics.iter().filter(|d| d.rule == rule).collect()
}

/// Everything a diagnostic says, labels and help included.
fn all_text(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    text.push('\n');
    text.push_str(&diagnostic.primary.message);
    for label in &diagnostic.secondary {
        text.push('\n');
        text.push_str(&label.message);
    }
    if let Some(help) = &diagnostic.help {
        text.push('\n');
        text.push_str(help);
    }
    text
}

const PUBLIC_UDP: &str = "[udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\n";
const PRIVATE_UDP: &str = "[lan]\ntype=transport\nprotocol=udp\nbind=192.168.1.5:5060\n\n";

fn phone(id: &str, password: &str) -> String {
    format!(
        "[{id}]\ntype=endpoint\ncontext=internal\nallow=ulaw\nauth={id}\naors={id}\n\n\
         [{id}]\ntype=auth\nusername={id}\npassword={password}\n\n\
         [{id}]\ntype=aor\nmax_contacts=1\n\n"
    )
}

// ---------------------------------------------------------------------------------------------
// weak-password

#[test]
fn weak_password_names_the_tests_and_never_the_password() {
    let found = lint(&format!("{PUBLIC_UDP}{}", phone("alice", "qwertyuiop")));
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1, "{found:#?}");
    let text = all_text(weak[0]);
    assert!(
        text.contains("is in the list of the most common passwords"),
        "{text}"
    );
    assert!(text.contains("internet"), "{text}");
    assert!(!text.to_lowercase().contains("qwerty"), "{text}");
    // Reachable from the internet: an error (issue 7).
    assert_eq!(weak[0].severity, Severity::Error);
}

#[test]
fn weak_password_equal_to_username_all_digits_short() {
    let found = lint(&format!("{PUBLIC_UDP}{}", phone("6001", "6001")));
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1);
    let message = &weak[0].message;
    for test in [
        "is equal to the username",
        "is all digits",
        "is shorter than 8 characters",
    ] {
        assert!(message.contains(test), "{message}");
    }
    // The finding points at the key, not at the value.
    assert_eq!(weak[0].primary.span.end - weak[0].primary.span.start, 8);
}

#[test]
fn weak_password_contains_username_only_for_names_of_four_or_more() {
    let found = lint(&format!(
        "{PUBLIC_UDP}{}",
        phone("carol", "xCarol-2024-Zq!")
    ));
    let message = &of(&found, "weak-password")[0].message;
    assert!(message.contains("contains the username"), "{message}");
    // A 2-character name inside a long random password is chance, not a weakness.
    let found = lint(&format!("{PUBLIC_UDP}{}", phone("q2", "Vb7#kq2LpXz9wR")));
    assert!(of(&found, "weak-password").is_empty(), "{found:#?}");
}

#[test]
fn strong_passwords_pass() {
    let found = lint(&format!(
        "{PUBLIC_UDP}{}",
        phone("6001", "tV8#qLm2-Zx9wKr4")
    ));
    assert!(of(&found, "weak-password").is_empty(), "{found:#?}");
}

#[test]
fn empty_password_on_the_internet_is_an_error_where_asterisk_accepts_it() {
    let text = format!("{PUBLIC_UDP}{}", phone("6001", ""));
    // Asterisk 18 accepts an auth with an empty password: anyone who says "6001" gets in.
    let old = Settings {
        asterisk_version: 18,
        ..Settings::default()
    };
    let found = lint_with(&text, &old);
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1, "{found:#?}");
    assert_eq!(weak[0].severity, Severity::Error);
    assert!(weak[0].message.contains("is empty"));
    // Asterisk 22 rejects that auth (missing-required-option says so); nothing to guess.
    assert!(of(&lint(&text), "weak-password").is_empty());
    // Behind a private transport only, the same mistake stays a warning.
    let found = lint_with(&format!("{PRIVATE_UDP}{}", phone("6001", "")), &old);
    let weak = of(&found, "weak-password");
    assert_eq!(weak[0].severity, Severity::Warning);
    assert!(
        weak[0].message.contains("local network"),
        "{}",
        weak[0].message
    );
}

#[test]
fn weak_password_reachability_ignores_the_endpoint_transport() {
    // The endpoint sends through the LAN transport, but Asterisk identifies incoming requests
    // on every transport, so the public one exposes it too.
    let text = format!(
        "{PUBLIC_UDP}{PRIVATE_UDP}[6001]\ntype=endpoint\ntransport=lan\ncontext=internal\n\
         allow=ulaw\nauth=6001\naors=6001\n\n[6001]\ntype=auth\nusername=6001\npassword=6001\n\n\
         [6001]\ntype=aor\nmax_contacts=1\n"
    );
    let found = lint(&text);
    let message = &of(&found, "weak-password")[0].message;
    assert!(
        message.contains("transport 'udp' listens on 0.0.0.0:5060"),
        "{message}"
    );
    // Transports that never start (no bind) or flow transports do not expose anything.
    let text = format!(
        "[nobind]\ntype=transport\nprotocol=udp\n\n[flow]\ntype=transport\nprotocol=flow\n\n{}",
        phone("6001", "6001")
    );
    let found = lint(&text);
    let message = &of(&found, "weak-password")[0].message;
    assert!(!message.contains("internet"), "{message}");
}

#[test]
fn weak_outbound_auth_is_a_plain_warning() {
    let text = format!(
        "{PUBLIC_UDP}[provider]\ntype=registration\noutbound_auth=provider-auth\n\
         server_uri=sip:sip.example.net\nclient_uri=sip:acct@sip.example.net\n\n\
         [provider-auth]\ntype=auth\nusername=acct\npassword=12345678\n"
    );
    let found = lint(&text);
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1);
    assert_eq!(weak[0].severity, Severity::Warning);
    assert!(!weak[0].message.contains("accepts"), "{}", weak[0].message);
}

#[test]
fn weak_password_from_a_template_is_one_finding() {
    let text = format!(
        "{PUBLIC_UDP}[auth-tpl](!)\ntype=auth\npassword=secret123\n\n\
         [a1](auth-tpl)\nusername=a1\n\n[a2](auth-tpl)\nusername=a2\n\n[a3](auth-tpl)\nusername=a3\n"
    );
    let found = lint(&text);
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1, "{found:#?}");
    assert!(weak[0]
        .message
        .contains("(and those of 2 other auths, the same way)"));
    assert!(weak[0]
        .secondary
        .iter()
        .any(|l| l.message.contains("inherits this line")));
}

// ---------------------------------------------------------------------------------------------
// unauthenticated-endpoint

const OPEN_PHONE: &str = "[6009]\ntype=endpoint\ncontext=internal\nallow=ulaw\n";

#[test]
fn endpoint_without_auth_or_identify_is_reported_with_its_context() {
    let found = lint(&format!("{PUBLIC_UDP}{OPEN_PHONE}"));
    let open = of(&found, "unauthenticated-endpoint");
    assert_eq!(open.len(), 1);
    assert!(open[0].message.contains("context 'internal'"));
    let found = lint(&format!("{PUBLIC_UDP}[6009]\ntype=endpoint\nallow=ulaw\n"));
    assert!(of(&found, "unauthenticated-endpoint")[0]
        .message
        .contains("context 'default'"));
}

#[test]
fn endpoints_matched_by_address_or_line_are_reported_only_while_reachable_by_name() {
    let identify = "[6009]\ntype=identify\nendpoint=6009\nmatch=192.168.1.9\n";
    assert!(of(
        &lint(&format!("{OPEN_PHONE}identify_by=ip\n\n{identify}")),
        "unauthenticated-endpoint"
    )
    .is_empty());
    // Matched by address but still by name too (the default `identify_by=username,ip`):
    // reachable from anywhere by its name.
    let found = lint(&format!("{OPEN_PHONE}\n{identify}"));
    let by_name = of(&found, "unauthenticated-endpoint");
    assert_eq!(by_name.len(), 1);
    assert!(by_name[0].message.contains("also identifies it by name"));
    // identify_by without username/auth_username: Asterisk cannot pick it by name at all.
    assert!(of(
        &lint(&format!("{OPEN_PHONE}identify_by=ip\n")),
        "unauthenticated-endpoint"
    )
    .is_empty());
    // A registration's line picks out the provider's requests; with `identify_by=ip` nothing
    // else reaches the endpoint, with the default its name still does.
    let line = "[reg]\ntype=registration\nserver_uri=sip:sip.example.net\n\
                client_uri=sip:acct@sip.example.net\nline=yes\nendpoint=6009\n";
    assert!(of(
        &lint(&format!("{OPEN_PHONE}identify_by=ip\n\n{line}")),
        "unauthenticated-endpoint"
    )
    .is_empty());
    let found = lint(&format!("{OPEN_PHONE}\n{line}"));
    let by_name = of(&found, "unauthenticated-endpoint");
    assert_eq!(by_name.len(), 1);
    assert!(by_name[0].message.contains("`line=yes`"));
}

#[test]
fn identify_that_asterisk_rejects_does_not_count() {
    // A match= that is not an address: Asterisk rejects the identify, so nothing matches.
    let text = format!("{OPEN_PHONE}\n[6009]\ntype=identify\nendpoint=6009\nmatch=ip#1\n");
    assert_eq!(of(&lint(&text), "unauthenticated-endpoint").len(), 1);
    // An identify for another endpoint (a copy-paste slip) does not protect this one.
    let text = format!("{OPEN_PHONE}\n[x]\ntype=identify\nendpoint=6001\nmatch=192.168.1.9\n");
    assert_eq!(of(&lint(&text), "unauthenticated-endpoint").len(), 1);
}

#[test]
fn last_auth_line_wins() {
    // The endpoint's own empty `auth=` replaces the template's list: no auth at all.
    let text = "[tpl](!)\ntype=endpoint\nauth=x\n\n[6009](tpl)\ncontext=internal\nauth=\n";
    assert_eq!(of(&lint(text), "unauthenticated-endpoint").len(), 1);
    // auth= naming a missing auth is dangling-reference's finding, not this one.
    let text = format!("{OPEN_PHONE}auth=nope\n");
    let found = lint(&text);
    assert!(of(&found, "unauthenticated-endpoint").is_empty());
    assert!(!of(&found, "dangling-reference").is_empty());
}

#[test]
fn anonymous_is_left_to_anonymous_endpoint() {
    let found = lint("[anonymous]\ntype=endpoint\ncontext=public\n");
    assert!(of(&found, "unauthenticated-endpoint").is_empty());
    assert_eq!(of(&found, "anonymous-endpoint").len(), 1);
}

// ---------------------------------------------------------------------------------------------
// anonymous-endpoint

#[test]
fn anonymous_endpoint_says_which_context() {
    let found = lint("[anonymous]\ntype=endpoint\ncontext=from-internet\n");
    let anon = of(&found, "anonymous-endpoint");
    assert!(anon[0].message.contains("context 'from-internet'"));
    assert!(anon[0].message.contains("outbound routes"));
    let found = lint("[anonymous@example.com]\ntype=endpoint\n");
    assert!(of(&found, "anonymous-endpoint")[0]
        .message
        .contains("context 'default'"));
}

#[test]
fn anonymous_endpoint_points_at_the_identifier_order() {
    let text = "[global]\ntype=global\nendpoint_identifier_order=ip,username,anonymous\n\n\
                [anonymous]\ntype=endpoint\ncontext=public\n";
    let found = lint(text);
    assert!(of(&found, "anonymous-endpoint")[0]
        .secondary
        .iter()
        .any(|l| l.message.contains("anonymous identifier")));
    // The identifier order alone, without such an endpoint, is harmless.
    let text = "[global]\ntype=global\nendpoint_identifier_order=ip,username,anonymous\n";
    assert!(of(&lint(text), "anonymous-endpoint").is_empty());
    // An anonymous endpoint that challenges with auth= is not unauthenticated.
    let text = "[anonymous]\ntype=endpoint\ncontext=public\nauth=a\n\n\
                [a]\ntype=auth\nusername=a\npassword=tV8#qLm2-Zx9wKr4\n";
    assert!(of(&lint(text), "anonymous-endpoint").is_empty());
}

// ---------------------------------------------------------------------------------------------
// tls-verification-off

const TLS: &str = "[tls]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061\n";

fn registration(server: &str, transport: Option<&str>) -> String {
    let transport = transport.map_or(String::new(), |t| format!("transport={t}\n"));
    format!("\n[reg]\ntype=registration\n{transport}server_uri={server}\nclient_uri=sip:acct@x\n")
}

#[test]
fn tls_without_verify_server_to_a_public_host() {
    let found = lint(&format!(
        "{TLS}{}",
        registration("sips:sip.example.net", Some("tls"))
    ));
    let tls = of(&found, "tls-verification-off");
    assert_eq!(tls.len(), 1, "{found:#?}");
    assert!(tls[0].message.contains("does not set `verify_server`"));
    // Named by no transport, a sips: URI makes pjproject pick the TLS transport.
    let found = lint(&format!(
        "{TLS}{}",
        registration("sips:sip.example.net", None)
    ));
    assert_eq!(of(&found, "tls-verification-off").len(), 1);
    // verify_server=yes, a private host, or a udp URI without transport=: nothing to report.
    let found = lint(&format!(
        "{TLS}verify_server=yes\n{}",
        registration("sips:sip.example.net", Some("tls"))
    ));
    assert!(of(&found, "tls-verification-off").is_empty());
    let found = lint(&format!(
        "{TLS}{}",
        registration("sips:192.168.1.10", Some("tls"))
    ));
    assert!(of(&found, "tls-verification-off").is_empty());
    let found = lint(&format!(
        "{TLS}{}",
        registration("sip:sip.example.net", None)
    ));
    assert!(of(&found, "tls-verification-off").is_empty());
}

#[test]
fn obsolete_tls_methods() {
    for (method, reported) in [
        ("sslv3", true),
        ("tlsv1", true),
        ("TLSv1_1", true),
        ("tlsv1_2", false),
        ("tlsv1_3", false),
        ("sslv23", false),
    ] {
        let found = lint(&format!("{TLS}method={method}\n"));
        assert_eq!(
            !of(&found, "tls-verification-off").is_empty(),
            reported,
            "method={method}: {found:#?}"
        );
    }
    // `method` means nothing on a udp transport.
    let found = lint("[udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\nmethod=tlsv1\n");
    assert!(of(&found, "tls-verification-off").is_empty());
}

// ---------------------------------------------------------------------------------------------
// unauthenticated-options

#[test]
fn unauthenticated_options_only_where_auth_is_asked() {
    let with = |value: &str| {
        phone("6001", "tV8#qLm2-Zx9wKr4").replacen(
            "aors=6001\n",
            &format!("aors=6001\nallow_unauthenticated_options={value}\n"),
            1,
        )
    };
    let found = lint(&with("yes"));
    let options = of(&found, "unauthenticated-options");
    assert_eq!(options.len(), 1, "{found:#?}");
    assert_eq!(options[0].severity, Severity::Info);
    assert!(of(&lint(&with("no")), "unauthenticated-options").is_empty());
    // Without auth= nothing is challenged anyway (unauthenticated-endpoint says so).
    let found = lint(&format!("{OPEN_PHONE}allow_unauthenticated_options=yes\n"));
    assert!(of(&found, "unauthenticated-options").is_empty());
}

// ---------------------------------------------------------------------------------------------
// acl-missing-on-public-transport

#[test]
fn acl_missing_once_per_configuration() {
    // Bound to every address and published on the internet (a public external address): the
    // router forwards SIP to this socket. Bound to every address alone may be a LAN or VPN PBX.
    const PUBLISHED_UDP: &str = "[udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n\
                                 local_net=192.168.1.0/24\nexternal_signaling_address=203.0.113.5\n\
                                 external_media_address=203.0.113.5\n\n";
    let text = format!(
        "{PUBLISHED_UDP}{}{}",
        phone("6001", "tV8#qLm2-Zx9wKr4"),
        phone("6002", "Hn4!zQw7-Lp2xRt8")
    );
    let found = lint(&text);
    let acl = of(&found, "acl-missing-on-public-transport");
    assert_eq!(acl.len(), 1);
    assert!(acl[0].message.contains("2 endpoints"), "{}", acl[0].message);
    // Any restriction anywhere (an endpoint's permit, a type=acl section) silences it.
    let with_permit = text.replacen(
        "aors=6002\n",
        "aors=6002\ndeny=0.0.0.0/0\npermit=192.168.1.0/24\n",
        1,
    );
    assert!(of(&lint(&with_permit), "acl-missing-on-public-transport").is_empty());
    let with_acl = format!("{text}[office]\ntype=acl\ndeny=0.0.0.0/0\npermit=192.168.1.0/24\n");
    assert!(of(&lint(&with_acl), "acl-missing-on-public-transport").is_empty());
    // Private transports only, or no endpoint with a password: nothing to say.
    let private = text.replace(PUBLISHED_UDP, PRIVATE_UDP);
    assert!(of(&lint(&private), "acl-missing-on-public-transport").is_empty());
    let unpublished = text.replace(PUBLISHED_UDP, PUBLIC_UDP);
    assert!(of(&lint(&unpublished), "acl-missing-on-public-transport").is_empty());
    let found = lint(&format!("{PUBLISHED_UDP}{OPEN_PHONE}"));
    assert!(of(&found, "acl-missing-on-public-transport").is_empty());
}

// ---------------------------------------------------------------------------------------------
// world-readable-secrets

/// Settings for linting the files on the PBX itself (where file modes mean something).
fn on_the_pbx() -> Settings {
    Settings {
        check_files: Some(true),
        ..Settings::default()
    }
}

#[cfg(unix)]
#[test]
fn world_readable_secrets_follows_the_mode_of_each_file_read() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pjsip.conf");
    let users = dir.path().join("users.conf");
    fs::write(&root, format!("{PUBLIC_UDP}#include users.conf\n")).unwrap();
    fs::write(&users, phone("6001", "tV8#qLm2-Zx9wKr4")).unwrap();
    let set_mode = |path: &Path, mode: u32| {
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    };
    let findings = || {
        let linted = lint_path(&root, &on_the_pbx()).unwrap();
        linted
            .diagnostics
            .iter()
            .filter(|d| d.rule == "world-readable-secrets")
            .map(|d| {
                (
                    linted.config.file(d.primary.span.file).name.clone(),
                    d.message.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    set_mode(&root, 0o644);
    for (mode, expected) in [
        (0o600, None),
        (0o640, None),
        (0o644, Some("read it")),
        (0o660, Some("change it")),
        (0o602, Some("change it")),
    ] {
        set_mode(&users, mode);
        let found = findings();
        match expected {
            // The root file holds no secret: never reported, whatever its mode.
            None => assert!(found.is_empty(), "{mode:o}: {found:?}"),
            Some(words) => {
                assert_eq!(found.len(), 1, "{mode:o}: {found:?}");
                assert!(found[0].0.ends_with("users.conf"), "{found:?}");
                assert!(found[0].1.contains(words), "{mode:o}: {found:?}");
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn world_readable_secrets_skips_stdin_and_files_without_secrets() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pjsip.conf");
    // A password only in a comment is not a secret Asterisk reads.
    fs::write(&root, format!("{OPEN_PHONE};password=old-one\n")).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o666)).unwrap();
    let linted = lint_path(&root, &on_the_pbx()).unwrap();
    assert!(of(&linted.diagnostics, "world-readable-secrets").is_empty());
    let linted = lint_bytes(
        Path::new("-"),
        "-".to_owned(),
        phone("6001", "tV8#qLm2-Zx9wKr4").into_bytes(),
        &on_the_pbx(),
    );
    assert!(of(&linted.diagnostics, "world-readable-secrets").is_empty());
}

// ---------------------------------------------------------------------------------------------
// No output shows a password.

const SECRET_KEYS: &[&str] = &["password", "md5_cred", "secret"];

/// The values of secret keys on any line of `text` (comments too), and the text with those
/// values cut out.
fn secret_values(text: &str) -> (Vec<String>, String) {
    let mut values = Vec::new();
    let mut rest = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let lower = line.to_ascii_lowercase();
        let found = SECRET_KEYS.iter().find_map(|key| {
            let mut from = 0;
            while let Some(at) = lower[from..].find(key) {
                let start = from + at;
                let after = start + key.len();
                let word_start = lower[..start]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_ascii_alphanumeric());
                let tail = &lower[after..];
                let blanks = tail.len() - tail.trim_start_matches([' ', '\t']).len();
                if word_start && tail[blanks..].starts_with('=') {
                    return Some(after + blanks + 1);
                }
                from = after;
            }
            None
        });
        let Some(value_start) = found else {
            rest.push_str(line);
            continue;
        };
        let value_part = &line[value_start..];
        // The value ends at the first `;` that is not escaped.
        let bytes = value_part.as_bytes();
        let end = (0..bytes.len())
            .find(|&i| bytes[i] == b';' && (i == 0 || bytes[i - 1] != b'\\'))
            .unwrap_or(bytes.len());
        let value = value_part[..end].trim();
        rest.push_str(&line[..value_start]);
        rest.push_str(&value_part[end..]);
        if !value.is_empty() {
            values.push(value.to_owned());
            if value.contains("\\;") {
                values.push(value.replace("\\;", ";"));
            }
        }
    }
    (values, rest)
}

/// Whether `needle` occurs in `haystack` as a whole token (no letter or digit on either side).
fn has_token(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// The secrets a configuration could leak: those of every file it reads, except values that
/// also appear outside secret values (a password equal to the username is shown as the
/// username) or in pjsiplint's rule docs, that are too short to tell from other text, or that
/// are short numbers (line and column numbers, counts).
fn secrets_of(files: &[PathBuf]) -> (Vec<String>, usize) {
    let mut values = Vec::new();
    // pjsiplint's own documentation is printed by some formats (SARIF's rule descriptions): a
    // password that happens to be a word of it (`123456` is an example there) cannot be told
    // apart from the documentation.
    let mut public: String = pjsiplint::rules::RULES
        .iter()
        .flat_map(|rule| [rule.meta().doc, rule.meta().summary, rule.meta().name])
        .collect::<Vec<_>>()
        .join("\n");
    for file in files {
        let text = String::from_utf8_lossy(&fs::read(file).unwrap_or_default()).into_owned();
        let (found, rest) = secret_values(&text);
        values.extend(found);
        public.push_str(&rest);
    }
    values.sort();
    values.dedup();
    let total = values.len();
    values.retain(|value| {
        let too_short = value.chars().count() < 4;
        // A value already written as `*****` looks like pjsiplint's own mask.
        let masked = value.bytes().all(|b| b == b'*');
        // Short numbers are everywhere in the output: lines, columns, counts.
        let short_number = value.len() < 6 && value.bytes().all(|b| b.is_ascii_digit());
        let public_anyway = has_token(&public, value);
        !(too_short || masked || short_number || public_anyway)
    });
    let skipped = total - values.len();
    (values, skipped)
}

/// The values `--format` accepts, as clap lists them when given a wrong one (so formats added
/// later are checked too).
fn formats() -> Vec<String> {
    let output = Command::cargo_bin("pjsiplint")
        .unwrap()
        .args(["--format", "no-such-format"])
        .output()
        .unwrap();
    let error = String::from_utf8_lossy(&output.stderr).into_owned();
    let listed = error
        .split("possible values:")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("clap lists the --format values");
    let formats: Vec<String> = listed
        .split(',')
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    for needed in ["human", "concise", "json"] {
        assert!(formats.iter().any(|f| f == needed), "{formats:?}");
    }
    formats
}

/// Every output for one configuration (each format, `--effective` in text and JSON, and the
/// `--diff` of every fix), stdout and stderr together.
fn every_output(path: &Path, config_dir: &Path, formats: &[String]) -> Vec<(String, String)> {
    let mut runs: Vec<Vec<String>> = formats
        .iter()
        .map(|format| vec!["--format".into(), format.clone(), "--no-color".into()])
        .collect();
    runs.push(vec!["--effective".into(), "--no-color".into()]);
    runs.push(vec!["--effective".into(), "--format".into(), "json".into()]);
    runs.push(vec!["--diff".into(), "--unsafe-fixes".into()]);
    runs.iter()
        .map(|args| {
            let output = Command::cargo_bin("pjsiplint")
                .unwrap()
                .args(args)
                .args(["--exit-zero", "--config-dir"])
                .arg(config_dir)
                .arg(path)
                .output()
                .unwrap();
            let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stderr));
            (args.join(" "), text)
        })
        .collect()
}

fn check_no_secret_in_outputs(
    path: &Path,
    formats: &[String],
    leaks: &mut Vec<String>,
) -> (usize, usize) {
    let dir = path.parent().unwrap_or(Path::new("."));
    // The files this configuration reads: the root and its includes.
    let linted = lint_path(
        path,
        &Settings {
            load: pjsiplint::model::LoadOptions {
                config_dir: Some(dir.to_path_buf()),
                ..Default::default()
            },
            ..Settings::default()
        },
    );
    let files: Vec<PathBuf> = match &linted {
        Ok(linted) => linted.config.files.iter().map(|f| f.path.clone()).collect(),
        Err(_) => vec![path.to_path_buf()],
    };
    let (secrets, skipped) = secrets_of(&files);
    if secrets.is_empty() {
        return (0, skipped);
    }
    for (run, text) in every_output(path, dir, formats) {
        for secret in &secrets {
            if has_token(&text, secret) {
                // Never print the secret itself, not even here.
                leaks.push(format!(
                    "{} ({run}): a {}-character secret value appears in the output",
                    path.display(),
                    secret.chars().count()
                ));
            }
        }
    }
    (secrets.len(), skipped)
}

fn config_files(dir: &Path) -> Vec<PathBuf> {
    common::files_below(dir)
        .into_iter()
        .filter(|path| {
            let name = path.file_name().unwrap().to_string_lossy();
            let in_expected = path.components().any(|c| c.as_os_str() == "expected");
            !in_expected
                && !name.ends_with(".tsv")
                && !name.ends_with(".log")
                && !name.ends_with(".md")
                && !name.ends_with(".snap")
        })
        .collect()
}

#[test]
fn no_output_format_shows_a_password_of_our_corpus() {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let formats = formats();
    let mut leaks = Vec::new();
    let (mut checked, mut skipped) = (0, 0);
    for path in config_files(&corpus) {
        let (c, s) = check_no_secret_in_outputs(&path, &formats, &mut leaks);
        checked += c;
        skipped += s;
    }
    eprintln!("our corpus: {checked} secret values checked, {skipped} skipped (shown anyway as names or in the docs, or too short)");
    assert!(checked > 10, "only {checked} secrets found in corpus/");
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn no_output_format_shows_a_password_of_the_shared_corpus() {
    let Some(shared) = common::shared_dir("no_output_format_shows_a_password_of_the_shared_corpus")
    else {
        return;
    };
    let corpus = shared.join("corpus");
    let formats = formats();
    let mut leaks = Vec::new();
    let (mut checked, mut skipped) = (0, 0);
    for path in config_files(&corpus) {
        let (c, s) = check_no_secret_in_outputs(&path, &formats, &mut leaks);
        checked += c;
        skipped += s;
    }
    eprintln!("../shared/corpus: {checked} secret values checked, {skipped} skipped (shown anyway as names or in the docs, or too short)");
    assert!(
        checked > 50,
        "only {checked} secrets found in ../shared/corpus"
    );
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}

#[test]
fn the_secret_collector_finds_what_it_should() {
    let (values, rest) = secret_values(
        "[a]\npassword = s3cret-Value ; comment\n;md5_cred=abcdef0123\nusername=bob\n\
         secret=with\\;semi\nauth_password_x=no\n",
    );
    assert_eq!(
        values,
        vec!["s3cret-Value", "abcdef0123", "with\\;semi", "with;semi"]
    );
    assert!(!rest.contains("s3cret-Value") && rest.contains("username=bob"));
    assert!(has_token("x=abc1234;", "abc1234"));
    assert!(!has_token("password", "pass"));
}

#[test]
fn weak_passwords_of_the_same_kind_are_one_finding_with_every_auth_related() {
    let mut text = PUBLIC_UDP.to_owned();
    for n in 6001..6041 {
        text.push_str(&phone(&n.to_string(), &n.to_string()));
    }
    let found = lint(&text);
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1, "{weak:#?}");
    assert!(weak[0].message.contains("those of 39 other auths"));
    let related = weak[0]
        .secondary
        .iter()
        .filter(|l| l.message.contains("the same weakness"))
        .count();
    assert_eq!(related, 39);
    assert!(!weak[0].help.as_ref().unwrap().to_string().is_empty());
}

#[test]
fn a_provider_password_is_not_set_on_a_phone() {
    let text = format!(
        "{PUBLIC_UDP}[provider]\ntype=endpoint\noutbound_auth=provider-auth\nallow=ulaw\n\n\
         [provider-auth]\ntype=auth\nusername=acct\npassword=secret\n"
    );
    let found = lint(&text);
    let weak = of(&found, "weak-password");
    assert_eq!(weak.len(), 1);
    let help = weak[0].help.as_ref().unwrap().to_string();
    assert!(!help.contains("phone"), "{help}");
    assert!(help.contains("provider"), "{help}");
}

#[test]
fn a_long_password_shared_by_many_user_names_is_weak() {
    let mut text = PUBLIC_UDP.to_owned();
    for n in ["alice", "bob", "carol"] {
        text.push_str(&format!(
            "[{n}]\ntype=endpoint\nauth={n}\nallow=ulaw\n\n\
             [{n}]\ntype=auth\nusername={n}\npassword=Correct-Horse-Battery\n\n"
        ));
    }
    let weak_found = lint(&text);
    let weak = of(&weak_found, "weak-password");
    assert_eq!(weak.len(), 1);
    assert!(weak[0].message.contains("is shared by auths"));
    // Two are not a published default (a provider's register and call auths, say).
    let two: String = text.split("[carol]").next().unwrap().to_owned();
    assert!(of(&lint(&two), "weak-password").is_empty());
}
