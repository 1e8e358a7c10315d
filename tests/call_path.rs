//! The call-path and WebRTC rules (issue 9): tricky cases of each rule, and a complete browser
//! phone configuration that no rule objects to.

use std::fs;
use std::path::{Path, PathBuf};

use pjsiplint::diagnostic::{Diagnostic, Severity};
use pjsiplint::{lint_bytes, lint_path, Settings};

/// One finding: rule, 1-based line of its primary span, message, secondary label texts.
#[derive(Debug)]
struct Found {
    rule: &'static str,
    line: usize,
    message: String,
    secondary: Vec<String>,
}

fn found(text: &str, diagnostics: &[Diagnostic]) -> Vec<Found> {
    diagnostics
        .iter()
        .map(|d| Found {
            rule: d.rule,
            line: text[..d.primary.span.start as usize].matches('\n').count() + 1,
            message: d.message.clone(),
            secondary: d.secondary.iter().map(|l| l.message.to_string()).collect(),
        })
        .collect()
}

/// What `rule` finds in `text`, linted as a pjsip.conf that is not on disk.
fn lint_with(text: &str, rule: &str, settings: &Settings) -> Vec<Found> {
    let dir = tempfile::tempdir().unwrap();
    let linted = lint_bytes(
        &dir.path().join("pjsip.conf"),
        "pjsip.conf".to_owned(),
        text.as_bytes().to_vec(),
        settings,
    );
    found(text, &linted.diagnostics)
        .into_iter()
        .filter(|f| f.rule == rule)
        .collect()
}

fn lint(text: &str, rule: &str) -> Vec<Found> {
    lint_with(text, rule, &Settings::default())
}

const UDP: &str = "[udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0\n\n";
const WSS: &str = "[wss]\ntype=transport\nprotocol=wss\nbind=0.0.0.0\n\n";

fn phone(id: &str, extra: &str) -> String {
    format!(
        "[{id}]\ntype=endpoint\nauth={id}\naors={id}\n{extra}\n\
         [{id}]\ntype=auth\nusername={id}\npassword=Wq3-long-enough-Pw\n\n\
         [{id}]\ntype=aor\nmax_contacts=1\n\n"
    )
}

// ---------------------------------------------------------------- endpoint-without-codecs

#[test]
fn codecs_from_a_template_count() {
    let text = format!(
        "{UDP}[phone](!)\ntype=endpoint\ncontext=internal\ndisallow=all\nallow=ulaw\n\n\
         [6001](phone)\naors=6001\n\n[6001]\ntype=aor\nmax_contacts=1\n"
    );
    assert!(lint(&text, "endpoint-without-codecs").is_empty());
}

#[test]
fn a_template_without_allow_is_one_finding_for_all_its_endpoints() {
    let mut text = format!("{UDP}[phone](!)\ntype=endpoint\ncontext=internal\ndisallow=all\n\n");
    for id in ["6001", "6002", "6003"] {
        text += &format!("[{id}](phone)\naors={id}\n\n[{id}]\ntype=aor\nmax_contacts=1\n\n");
    }
    let found = lint(&text, "endpoint-without-codecs");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]
        .message
        .contains("'6001' and 2 other endpoints built on [phone]"));
    assert!(found[0].message.contains("488"));
    assert!(found[0].secondary[0].contains("3 endpoints built on [phone]"));
}

#[test]
fn disallow_after_allow_is_pointed_at() {
    let text = phone("6001", "context=internal\nallow=ulaw,alaw\nallow=!all\n");
    let found = lint(&text, "endpoint-without-codecs");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]
        .message
        .starts_with("`allow=!all` leaves no codecs"));
    assert_eq!(found[0].line, 7);
}

#[test]
fn allow_all_then_disallowing_one_codec_leaves_codecs() {
    let text = phone("6001", "context=internal\nallow=all\ndisallow=ulaw\n");
    assert!(lint(&text, "endpoint-without-codecs").is_empty());
}

#[test]
fn endpoints_asterisk_does_not_load_or_no_call_reaches_are_left_out() {
    // Rejected: unknown option.
    let rejected = phone("6001", "context=internal\nalow=ulaw\n");
    assert!(lint(&rejected, "endpoint-without-codecs").is_empty());
    // FreePBX's provisioning endpoint: no aors, no auth, nothing names it.
    let helper = "[dpma_endpoint]\ntype=endpoint\ncontext=dpma-invalid\n";
    assert!(lint(helper, "endpoint-without-codecs").is_empty());
    // ... but the anonymous endpoint takes unidentified calls.
    let anonymous = "[anonymous]\ntype=endpoint\ncontext=guests\n";
    assert_eq!(lint(anonymous, "endpoint-without-codecs").len(), 1);
}

#[test]
fn an_identify_makes_an_endpoint_take_calls() {
    let text = "[gw]\ntype=endpoint\ncontext=from-gw\n\n\
                [gw]\ntype=identify\nendpoint=gw\nmatch=192.168.1.50\n";
    assert_eq!(lint(text, "endpoint-without-codecs").len(), 1);
}

// ---------------------------------------------------------------- endpoint-without-aors

#[test]
fn auth_without_aors_is_reported_with_the_auth_line() {
    let text = "[6001]\ntype=endpoint\ncontext=internal\nallow=ulaw\nauth=6001\n\n\
                [6001]\ntype=auth\nusername=6001\npassword=Wq3-long-enough-Pw\n";
    let found = lint(text, "endpoint-without-aors");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 1);
    assert!(found[0].message.contains("403"));
    assert_eq!(found[0].secondary, ["it authenticates phones here"]);
}

#[test]
fn aors_from_a_template_and_trunks_are_not_reported() {
    let template = "[phone](!)\ntype=endpoint\ncontext=internal\nallow=ulaw\naors=shared\n\n\
                    [6001](phone)\nauth=6001\n\n\
                    [6001]\ntype=auth\nusername=6001\npassword=Wq3-long-enough-Pw\n\n\
                    [shared]\ntype=aor\nmax_contacts=5\n";
    assert!(lint(template, "endpoint-without-aors").is_empty());
    // A provider endpoint named by a registration line (its auth= is another rule's business).
    let trunk = "[prov]\ntype=registration\nserver_uri=sip:sip.example.net\n\
                 client_uri=sip:100@sip.example.net\noutbound_auth=prov\nline=yes\nendpoint=prov\n\n\
                 [prov]\ntype=auth\nusername=100\npassword=Wq3-long-enough-Pw\n\n\
                 [prov]\ntype=endpoint\ncontext=from-prov\nallow=ulaw\nauth=prov\n";
    assert!(lint(trunk, "endpoint-without-aors").is_empty());
}

// ---------------------------------------------------------------- endpoint-default-context

#[test]
fn context_inherited_or_explicitly_default_is_fine() {
    let inherited = "[phone](!)\ntype=endpoint\ncontext=internal\nallow=ulaw\n\n\
                     [6001](phone)\naors=6001\n\n[6001]\ntype=aor\nmax_contacts=1\n";
    assert!(lint(inherited, "endpoint-default-context").is_empty());
    let explicit = phone("6001", "context=default\nallow=ulaw\n");
    assert!(lint(&explicit, "endpoint-default-context").is_empty());
}

#[test]
fn missing_context_is_info_and_empty_context_is_reported_too() {
    let dir = tempfile::tempdir().unwrap();
    let text = phone("6001", "allow=ulaw\n") + &phone("6002", "allow=ulaw\ncontext=\n");
    let linted = lint_bytes(
        &dir.path().join("pjsip.conf"),
        "pjsip.conf".to_owned(),
        text.as_bytes().to_vec(),
        &Settings::default(),
    );
    let ours: Vec<&Diagnostic> = linted
        .diagnostics
        .iter()
        .filter(|d| d.rule == "endpoint-default-context")
        .collect();
    assert_eq!(ours.len(), 2, "{ours:?}");
    assert!(ours.iter().all(|d| d.severity == Severity::Info));
    assert!(ours[0].message.contains("context 'default'"));
    assert!(ours[1].message.contains("empty"));
}

#[test]
fn an_endpoint_only_dialled_out_has_no_inbound_context_to_worry_about() {
    let text = "[enum-out]\ntype=endpoint\nallow=ulaw\n";
    assert!(lint(text, "endpoint-default-context").is_empty());
}

// ---------------------------------------------------------------- webrtc-incomplete

#[test]
fn wss_endpoint_without_webrtc_is_reported_at_its_transport_line() {
    let text = format!(
        "{UDP}{WSS}{}",
        phone("1001", "context=in\nallow=opus\ntransport=wss\n")
    );
    let found = lint(&text, "webrtc-incomplete");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 17);
    assert!(found[0].message.contains("use_avpf=yes"));
    assert!(found[0].message.contains("no `webrtc=yes`"));
}

#[test]
fn only_websocket_transports_make_an_endpoint_without_transport_a_browser() {
    let only_wss = format!("{WSS}{}", phone("1001", "context=in\nallow=opus\n"));
    assert_eq!(lint(&only_wss, "webrtc-incomplete").len(), 1);
    // With a UDP transport too, the endpoint may be an ordinary phone.
    let mixed = format!("{UDP}{WSS}{}", phone("1001", "context=in\nallow=opus\n"));
    assert!(lint(&mixed, "webrtc-incomplete").is_empty());
}

#[test]
fn the_long_form_is_accepted_when_the_essential_settings_are_there() {
    // dtls_verify, dtls_setup and media_use_received_transport left at their defaults.
    let text = format!(
        "{WSS}{}",
        phone(
            "1001",
            "context=in\nallow=opus\ntransport=wss\nuse_avpf=yes\nmedia_encryption=dtls\n\
             ice_support=yes\nrtcp_mux=yes\ndtls_auto_generate_cert=yes\n"
        )
    );
    assert!(lint(&text, "webrtc-incomplete").is_empty());
}

#[test]
fn dtls_without_a_certificate_fails_unless_webrtc_generates_one() {
    let without = format!(
        "{UDP}{}",
        phone("6001", "context=in\nallow=ulaw\nmedia_encryption=dtls\n")
    );
    let found = lint(&without, "webrtc-incomplete");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("without a certificate"));
    let webrtc = format!(
        "{WSS}{}",
        phone(
            "1001",
            "context=in\nallow=opus\ntransport=wss\nwebrtc=yes\nmedia_encryption=dtls\n"
        )
    );
    assert!(lint(&webrtc, "webrtc-incomplete").is_empty());
}

#[test]
fn webrtc_yes_in_a_template_covers_its_endpoints() {
    let text = format!(
        "{WSS}[browser](!)\ntype=endpoint\ntransport=wss\nwebrtc=yes\ncontext=in\nallow=opus\n\n\
         [1001](browser)\naors=1001\n\n[1001]\ntype=aor\nmax_contacts=1\n"
    );
    assert!(lint(&text, "webrtc-incomplete").is_empty());
}

// ---------------------------------------------------------------- webrtc-codecs

#[test]
fn browser_codecs() {
    let g729 = format!(
        "{WSS}{}",
        phone("1001", "context=in\nwebrtc=yes\nallow=g729,gsm\n")
    );
    let found = lint(&g729, "webrtc-codecs");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("g729, gsm"));
    for allow in ["g722", "allow=all", "alaw", "opus"] {
        let line = allow.strip_prefix("allow=").unwrap_or(allow);
        let text = format!(
            "{WSS}{}",
            phone("1001", &format!("context=in\nwebrtc=yes\nallow={line}\n"))
        );
        assert!(lint(&text, "webrtc-codecs").is_empty(), "{allow}");
    }
    // No codecs at all is endpoint-without-codecs' finding, not this one.
    let none = format!("{WSS}{}", phone("1001", "context=in\nwebrtc=yes\n"));
    assert!(lint(&none, "webrtc-codecs").is_empty());
    assert_eq!(lint(&none, "endpoint-without-codecs").len(), 1);
    // An ordinary UDP phone with g729 only is not a browser.
    let udp = format!("{UDP}{}", phone("6001", "context=in\nallow=g729\n"));
    assert!(lint(&udp, "webrtc-codecs").is_empty());
}

// ---------------------------------------------------------------- transport-protocol-mismatch

const TRUNK_AOR: &str = "[prov]\ntype=aor\ncontact=sip:sip.example.net\\;transport=tcp\n\n";

#[test]
fn contact_asking_for_tcp_over_udp() {
    let text = format!(
        "{UDP}{TRUNK_AOR}[prov]\ntype=endpoint\ncontext=in\nallow=ulaw\ntransport=udp\naors=prov\n"
    );
    let found = lint(&text, "transport-protocol-mismatch");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 8);
    assert!(found[0].message.contains("`transport=tcp`"));
    assert!(found[0].message.contains("'udp' (udp)"));
}

#[test]
fn contact_asking_for_tcp_without_transport_needs_a_tcp_transport() {
    let endpoint = "[prov]\ntype=endpoint\ncontext=in\nallow=ulaw\naors=prov\n";
    let udp_only = format!("{UDP}{TRUNK_AOR}{endpoint}");
    let found = lint(&udp_only, "transport-protocol-mismatch");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("no tcp transport"));
    let with_tcp =
        format!("{UDP}[tcp]\ntype=transport\nprotocol=tcp\nbind=0.0.0.0\n\n{TRUNK_AOR}{endpoint}");
    assert!(lint(&with_tcp, "transport-protocol-mismatch").is_empty());
    // No transports at all: they are defined in a file not linted here.
    let none = format!("{TRUNK_AOR}{endpoint}");
    assert!(lint(&none, "transport-protocol-mismatch").is_empty());
}

#[test]
fn an_unescaped_semicolon_is_a_comment_and_asks_for_nothing() {
    let text = format!(
        "{UDP}[prov]\ntype=aor\ncontact=sip:sip.example.net;transport=tcp\n\n\
         [prov]\ntype=endpoint\ncontext=in\nallow=ulaw\ntransport=udp\naors=prov\n"
    );
    assert!(lint(&text, "transport-protocol-mismatch").is_empty());
}

#[test]
fn an_outbound_proxy_is_the_next_hop_instead_of_the_contact() {
    let text = format!(
        "{UDP}{TRUNK_AOR}[prov]\ntype=endpoint\ncontext=in\nallow=ulaw\ntransport=udp\naors=prov\n\
         outbound_proxy=sip:proxy.example.net\\;lr\n"
    );
    assert!(lint(&text, "transport-protocol-mismatch").is_empty());
}

#[test]
fn registration_sips_needs_tls() {
    let registration = |transport: &str| {
        format!(
            "{UDP}[tls]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061\n\n\
             [prov]\ntype=registration\ntransport={transport}\noutbound_auth=prov\n\
             server_uri=sips:sip.example.net\nclient_uri=sips:100@sip.example.net\n\n\
             [prov]\ntype=auth\nusername=100\npassword=Wq3-long-enough-Pw\n"
        )
    };
    let found = lint(&registration("udp"), "transport-protocol-mismatch");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("`sips:` (TLS)"));
    assert!(lint(&registration("tls"), "transport-protocol-mismatch").is_empty());
}

#[test]
fn flow_transports_are_not_judged() {
    let text = "[gv]\ntype=transport\nprotocol=flow\n\n\
                [gv]\ntype=registration\ntransport=gv\noutbound_auth=gv\n\
                server_uri=sip:obihai.sip.google.com\n\
                outbound_proxy=sip:voice.telephony.goog:5061\\;transport=tls\\;lr\n\
                client_uri=sip:u@obihai.sip.google.com\n\n\
                [gv]\ntype=auth\nusername=u\npassword=Wq3-long-enough-Pw\n";
    assert!(lint(text, "transport-protocol-mismatch").is_empty());
}

// ---------------------------------------------------------------- media-encryption-without-tls

const TLS: &str = "[tls]\ntype=transport\nprotocol=tls\nbind=0.0.0.0:5061\n\n";

#[test]
fn sdes_over_udp_and_over_tls() {
    let udp = format!(
        "{UDP}{}",
        phone(
            "6001",
            "context=in\nallow=ulaw\ntransport=udp\nmedia_encryption=sdes\n"
        )
    );
    let found = lint(&udp, "media-encryption-without-tls");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].secondary, ["not encrypted: protocol udp"]);
    let tls = format!(
        "{UDP}{TLS}{}",
        phone(
            "6001",
            "context=in\nallow=ulaw\ntransport=tls\nmedia_encryption=sdes\n"
        )
    );
    assert!(lint(&tls, "media-encryption-without-tls").is_empty());
}

#[test]
fn sdes_without_transport_depends_on_what_exists() {
    let endpoint = phone("6001", "context=in\nallow=ulaw\nmedia_encryption=sdes\n");
    let udp_only = format!("{UDP}{endpoint}");
    let found = lint(&udp_only, "media-encryption-without-tls");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("no TLS transport"));
    // A TLS transport exists: the phone may well use it.
    let with_tls = format!("{UDP}{TLS}{endpoint}");
    assert!(lint(&with_tls, "media-encryption-without-tls").is_empty());
}

#[test]
fn webrtc_yes_overrides_sdes_with_dtls() {
    let text = format!(
        "{UDP}{}",
        phone(
            "6001",
            "context=in\nallow=ulaw\ntransport=udp\nmedia_encryption=sdes\nwebrtc=yes\n"
        )
    );
    assert!(lint(&text, "media-encryption-without-tls").is_empty());
}

#[test]
fn a_template_line_shared_by_many_endpoints_is_one_finding() {
    let mut text = format!("{UDP}[srtp](!)\ntype=endpoint\ncontext=in\nallow=ulaw\ntransport=udp\nmedia_encryption=sdes\n\n");
    for id in ["6001", "6002", "6003"] {
        text += &format!("[{id}](srtp)\naors={id}\n\n[{id}]\ntype=aor\nmax_contacts=1\n\n");
    }
    let found = lint(&text, "media-encryption-without-tls");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 11, "points at the template's line");
    assert!(found[0]
        .message
        .contains("'6001' and 2 other endpoints using this line"));
    assert!(found[0]
        .secondary
        .iter()
        .any(|s| s.contains("[6001] inherits this line from [srtp]")));
}

// ---------------------------------------------------------------- the complete browser phone

fn browser_phone() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus/webrtc-browser-phone/pjsip.conf")
}

/// The file as it would be deployed: readable by Asterisk's group only (a checkout's 0644 is
/// world-readable-secrets' business, not this configuration's).
fn deployed(source: &Path) -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pjsip.conf");
    fs::copy(source, &path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    (dir, path)
}

#[test]
fn the_complete_browser_phone_gets_no_warning_or_error_from_any_rule() {
    let (_dir, path) = deployed(&browser_phone());
    for version in 16..=23 {
        let settings = Settings {
            asterisk_version: version,
            ..Settings::default()
        };
        let linted = lint_path(&path, &settings).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let serious: Vec<Found> = found(&text, &linted.diagnostics)
            .into_iter()
            .zip(&linted.diagnostics)
            .filter(|(_, d)| d.severity >= Severity::Warning)
            .map(|(f, _)| f)
            .collect();
        assert!(serious.is_empty(), "Asterisk {version}: {serious:#?}");
        // And it is what the acceptance asks for: a loaded wss transport, a loaded WebRTC
        // endpoint with opus and ulaw, its auth and aor.
        let config = &linted.config;
        let endpoint = config.object("endpoint", "1001").unwrap();
        assert!(endpoint.loads());
        assert!(config.option_is_true(endpoint, "webrtc"));
        assert_eq!(
            pjsiplint::validate::shown_value(config, endpoint, "allow").as_deref(),
            Some("(opus|ulaw)")
        );
        let transport = config.object("transport", "transport-wss").unwrap();
        assert!(transport.loads());
        assert_eq!(config.option(transport, "protocol"), Some("wss"));
        assert!(config.object("auth", "1001").unwrap().loads());
        assert!(config.object("aor", "1001").unwrap().loads());
    }
}
