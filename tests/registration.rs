//! Registration, NAT and identify rules: trunk pairing and the careful-trunk acceptance case.

use std::path::Path;

use pjsiplint::trunks::TrunkReason;
use pjsiplint::{lint_bytes, lint_path, Settings};

fn lint(text: &str) -> pjsiplint::Linted {
    lint_bytes(
        Path::new("pjsip.conf"),
        "pjsip.conf".into(),
        text.as_bytes().to_vec(),
        &Settings::default(),
    )
}

fn rules(linted: &pjsiplint::Linted) -> Vec<&'static str> {
    linted.diagnostics.iter().map(|d| d.rule).collect()
}

#[test]
fn a_careful_trunk_gives_no_finding_at_all() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/careful-trunk/pjsip.conf");
    let linted = lint_path(&path, &Settings::default()).unwrap();
    let found: Vec<String> = linted
        .diagnostics
        .iter()
        .map(|d| format!("{}: {}", d.rule, d.message))
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn trunks_pair_endpoints_with_their_registrations() {
    let linted = lint(
        "[t]\ntype=transport\nbind=0.0.0.0\n\
         [reg-a]\ntype=registration\nserver_uri=sip:a.example.net\nclient_uri=sip:u@a.example.net\n\
         line=yes\nendpoint=ep-line\n\
         [ep-line]\ntype=endpoint\n\
         [reg-b]\ntype=registration\nserver_uri=sip:b.example.net:5060\nclient_uri=sip:u@b.example.net\n\
         [ep-contact]\ntype=endpoint\naors=ep-contact\n\
         [ep-contact]\ntype=aor\ncontact=sip:B.example.net\n\
         [ep-public]\ntype=endpoint\naors=ep-public\n\
         [ep-public]\ntype=aor\ncontact=sip:gw.example.org\n\
         [phone]\ntype=endpoint\naors=phone\n\
         [phone]\ntype=aor\ncontact=sip:192.168.1.50\n",
    );
    let trunks = pjsiplint::trunks::Trunks::find(&linted.config);
    let reason = |id: &str| {
        let index = linted
            .config
            .objects
            .list
            .iter()
            .position(|o| o.kind_name() == "endpoint" && linted.config.object_id(o) == id)
            .unwrap();
        trunks
            .of_endpoint(pjsiplint::model::ObjectId(index as u32))
            .map(|t| t.reason)
    };
    assert_eq!(reason("ep-line"), Some(TrunkReason::RegistrationLine));
    assert_eq!(
        reason("ep-contact"),
        Some(TrunkReason::ContactMatchesRegistration)
    );
    assert_eq!(reason("ep-public"), Some(TrunkReason::PublicContact));
    assert_eq!(reason("phone"), None, "a phone on the LAN is not a trunk");
}

#[test]
fn a_comment_after_a_blank_is_not_an_unescaped_semicolon() {
    let glued = lint("[r]\ntype=aor\noutbound_proxy=sip:p.example.net;lr\n");
    assert!(rules(&glued).contains(&"unescaped-semicolon"));
    let spaced = lint("[r]\ntype=aor\noutbound_proxy=sip:p.example.net ; lr is set on the proxy\n");
    assert!(!rules(&spaced).contains(&"unescaped-semicolon"));
    let escaped = lint("[r]\ntype=aor\noutbound_proxy=sip:p.example.net\\;lr;transport=tcp\n");
    assert!(
        rules(&escaped).contains(&"unescaped-semicolon"),
        "the second `;` is cut too"
    );
}

#[test]
fn an_outbound_auth_realm_that_matches_the_server_is_only_info() {
    let linted = lint(
        "[t]\ntype=transport\nbind=0.0.0.0\n\
         [a]\ntype=auth\nusername=u\npassword=Long-enough-9x\nrealm=sip.example.net\n\
         [r]\ntype=registration\noutbound_auth=a\nserver_uri=sip:sip.example.net\n\
         client_uri=sip:u@sip.example.net\n",
    );
    let realm = linted
        .diagnostics
        .iter()
        .find(|d| d.rule == "outbound-auth-realm")
        .expect("reported");
    assert_eq!(realm.severity, pjsiplint::diagnostic::Severity::Info);
}

#[test]
fn max_contacts_is_fine_for_aors_with_a_static_contact_or_without_auth() {
    let static_contact = lint(
        "[gw]\ntype=endpoint\nauth=gw\naors=gw\n[gw]\ntype=auth\nusername=gw\npassword=Long-enough-9x\n\
         [gw]\ntype=aor\ncontact=sip:192.168.1.9\n",
    );
    assert!(!rules(&static_contact).contains(&"aor-max-contacts-zero"));
    let no_auth = lint("[gw]\ntype=endpoint\naors=gw\n[gw]\ntype=aor\n");
    assert!(!rules(&no_auth).contains(&"aor-max-contacts-zero"));
}
