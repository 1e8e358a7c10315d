use rustc_hash::FxHashMap as HashMap;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::AsOptionName;
use crate::model::{Config, LineRef, Object};

pub struct WeakPassword;

static META: RuleMeta = RuleMeta {
    name: "weak-password",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "An auth password that is empty, the username, all digits, short or a common one",
    doc: r#"# weak-password

## What
A `type=auth` section whose `password` fails one of these tests (pjsiplint names the tests
it failed, and never prints the password or any part of it):

- it is empty;
- it is equal to, or contains, the auth's `username` or the section name (compared without
  case; "contains" only for names of 4 characters or more);
- it is all digits;
- it is shorter than 10 characters;
- it is in pjsiplint's built-in list of the most common passwords (`123456`, `password`,
  `asterisk`, `1234567890`, `qwertyuiop`, ...).

The message says whether the auth is the `auth=` of an endpoint (so Asterisk accepts callers
who know the password) and whether a transport is bound to a public or unspecified address
(`0.0.0.0`, `::`, a public IP, a host name), i.e. whether the whole internet can try it. An
`outbound_auth` (the password Asterisk sends to a provider, often chosen by the provider) or an
auth behind private transports only is still reported, as a plain warning.

Severity: a warning; an **error** when the auth is an endpoint's `auth=` reachable from the
internet: scanners try exactly these passwords first, within minutes of a PBX going online. An
empty password there takes anyone who gives the user name, on the first try (Asterisk 20.12,
21.7, 22.2 and later reject an auth with an empty password; older versions accept it).

How pjsiplint decides that an endpoint is reachable from the internet: **any** loaded transport
bound to a public or unspecified address exposes **every** endpoint, whatever the endpoint's
own `transport=` says. Asterisk identifies an incoming request by its From user, its
Authorization username or its source address (res_pjsip_endpoint_identifier_user.c looks the
endpoint up by name only), never by the transport it arrived on: an endpoint's `transport=`
only chooses how Asterisk *sends*. (An identify `transport` option that would have restricted
this existed only in 18.23.0, 20.8.0 and 21.3.0 and was reverted.) Transports without a `bind`
(never started) and `protocol=flow` do not count.

## Why
Asterisk answers a request for an endpoint with `auth=` with a 401 challenge, and accepts the
request once the digest matches the password. SIP scanners (sipvicious, friendly-scanner,
"sipcli") reach a PBX on the internet within minutes and try extension numbers with the
number itself, `1234`, `password` and the like as passwords, thousands of guesses a minute.
Once one matches, the attacker registers as that phone and calls premium and international
numbers through the phone's context: the owner sees the bill (toll fraud), often after a
weekend. In Asterisk's log this only looks like many `Failed to authenticate` NOTICEs followed
by a successful registration from an unknown address.

## Example
```ini
[transport-udp]
type=transport
protocol=udp
bind=0.0.0.0

[6001]
type=endpoint
auth=6001
aors=6001

[6001]
type=auth
username=6001
password=6001      ; equal to the username, all digits, short
```

## Fix
Give every auth a random password of 16 characters or more (for example the output of
`openssl rand -base64 18`), and provision it to the phone. Limit who may try with `permit`/`deny`
or an `acl`, and run fail2ban on Asterisk's security log.
"#,
    fix: None,
};

/// The most common passwords (the top of public breach statistics, plus what SIP scanners try
/// on PBXs). Compared without case. Short ones also fail the length test; they are listed so the
/// message can say why the password is weak in the words people know.
const COMMON_PASSWORDS: &[&str] = &[
    "123456",
    "123456789",
    "12345678",
    "12345",
    "1234567",
    "1234567890",
    "12345678910",
    "123123",
    "123321",
    "1234",
    "111111",
    "000000",
    "0000",
    "1111",
    "654321",
    "666666",
    "777777",
    "888888",
    "987654321",
    "0987654321",
    "121212",
    "112233",
    "159753",
    "147258369",
    "123123123",
    "11111111",
    "1111111111",
    "0123456789",
    "password",
    "password1",
    "password12",
    "password123",
    "password1234",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "pass123",
    "pass1234",
    "passwort",
    "motdepasse",
    "contraseña",
    "contrasena",
    "senha",
    "parola",
    "qwerty",
    "qwerty123",
    "qwertyuiop",
    "qwertyuiop123",
    "qwertz",
    "azerty",
    "asdfgh",
    "asdfghjkl",
    "zxcvbnm",
    "zxcvbnm123",
    "1q2w3e",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "1qaz2wsx3edc",
    "qazwsx",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "abc123",
    "abcd1234",
    "abcdef",
    "abcdefg",
    "abcdefgh",
    "abcdefghij",
    "a1b2c3",
    "a1b2c3d4",
    "aa123456",
    "admin",
    "admin1",
    "admin123",
    "admin1234",
    "administrator",
    "root",
    "toor",
    "user",
    "guest",
    "test",
    "test1",
    "test123",
    "test1234",
    "testing",
    "testtest",
    "demo",
    "default",
    "changeme",
    "changeme123",
    "change_me",
    "changeit",
    "secret",
    "secret123",
    "supersecret",
    "topsecret",
    "welcome",
    "welcome1",
    "welcome123",
    "letmein",
    "letmein123",
    "iloveyou",
    "iloveyou123",
    "monkey",
    "dragon",
    "master",
    "shadow",
    "sunshine",
    "princess",
    "football",
    "baseball",
    "soccer",
    "superman",
    "batman",
    "trustno1",
    "starwars",
    "whatever",
    "freedom",
    "michael",
    "jordan23",
    "hello",
    "hello123",
    "helloworld",
    "login",
    "access",
    "mustang",
    "pokemon",
    "computer",
    "internet",
    "samsung",
    "google",
    "linux",
    "ubuntu",
    "raspberry",
    "asterisk",
    "asterisk123",
    "asterisk1234",
    "freepbx",
    "freepbx123",
    "pbx",
    "pbx123",
    "voip",
    "voip123",
    "voip1234",
    "sip",
    "sip123",
    "sippass",
    "sipsecret",
    "sippassword",
    "phone",
    "phone123",
    "telephone",
    "extension",
    "trunk",
    "provider",
    "mypassword",
    "mysecret",
    "mypass",
    "yourpassword",
    "unsecure",
    "insecure",
    "nopassword",
];

/// The longest entry of [`COMMON_PASSWORDS`], in bytes: a longer password is not in the list.
const LONGEST_COMMON: usize = 13;

/// Lower-case copies of the texts a password is compared with, kept from one auth to the next
/// so that checking an auth allocates nothing.
#[derive(Default)]
struct Lowered {
    password: String,
    name: String,
}

/// `text` in lower case, as `str::to_lowercase` gives it, into `out`.
fn lower_into(out: &mut String, text: &str) {
    out.clear();
    if text.is_ascii() {
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        // Rare; `to_lowercase` knows the cases `char::to_lowercase` does not (a final sigma).
        out.push_str(&text.to_lowercase());
    }
}

/// Characters in `text` (counting them is a call; most texts are ASCII, one byte a character).
fn char_count(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

/// What a weak password failed, in the words of the message. The password itself is never
/// part of any text pjsiplint produces.
#[cfg(test)]
fn weaknesses(password: &str, username: Option<&str>, section: &str) -> Vec<&'static str> {
    weaknesses_with(&mut Lowered::default(), password, username, section)
}

/// What a weak password failed (see the tests' `weaknesses`), lower-casing into `lowered`.
fn weaknesses_with(
    lowered: &mut Lowered,
    password: &str,
    username: Option<&str>,
    section: &str,
) -> Vec<&'static str> {
    if password.is_empty() {
        return vec!["is empty"];
    }
    lower_into(&mut lowered.password, password);
    let lower = lowered.password.as_str();
    // No allocation unless a test fails (a strong password fails none).
    let mut found = Vec::new();
    let mut name_test = |name: Option<&str>, equal: &'static str, contains: &'static str| {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return false;
        };
        lower_into(&mut lowered.name, name);
        let name = lowered.name.as_str();
        if lower == name {
            found.push(equal);
            true
        } else if char_count(name) >= 4 && lower.contains(name) {
            found.push(contains);
            true
        } else {
            false
        }
    };
    let by_user = name_test(
        username,
        "is equal to the username",
        "contains the username",
    );
    let same_name = username.is_some_and(|u| u.eq_ignore_ascii_case(section));
    if !(by_user && same_name) {
        name_test(
            Some(section),
            "is equal to the section name",
            "contains the section name",
        );
    }
    if password.bytes().all(|b| b.is_ascii_digit()) {
        found.push("is all digits");
    }
    if char_count(password) < 10 {
        found.push("is shorter than 10 characters");
    }
    if lower.len() <= LONGEST_COMMON && COMMON_PASSWORDS.contains(&lower) {
        found.push("is in the list of the most common passwords");
    }
    found
}

/// "a", "a and b", "a, b and c".
pub(super) fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

// ---------------------------------------------------------------------------------------------
// Shared by the security rules.

/// The loaded transports whose own socket listens on a public or unspecified address
/// ([`crate::network::public_listeners`]: udp/tcp/tls only; websocket transports are served by
/// Asterisk's HTTP server and do not listen on their `bind`).
pub(super) fn public_transports(config: &Config) -> Vec<&Object> {
    crate::network::public_listeners(config)
}

/// "transport 'udp' listens on 0.0.0.0:5060".
pub(super) fn listens_phrase(config: &Config, transport: &Object) -> String {
    crate::network::listens_phrase(config, transport)
}

/// Whether an endpoint's `auth=` names an auth: each `auth` line replaces the whole list
/// (pjsip_configuration.c inbound_auth_handler), so only the last line counts. Answered from the
/// references: the endpoint's value is not read.
pub(super) fn has_inbound_auth<'a>(
    config: &'a Config,
    endpoint: &'a Object,
    auth: impl AsOptionName<'a>,
) -> bool {
    config.last_line_targets(endpoint, auth).next().is_some()
}

/// The span of the `bind` line of a transport, or its header.
pub(super) fn bind_span(config: &Config, transport: &Object) -> crate::source::Span {
    config.option_var(transport, "bind").map_or_else(
        || config.section(transport.section).name_span,
        |var| config.value_span(var),
    )
}

// ---------------------------------------------------------------------------------------------

struct Group<'a> {
    reasons: Vec<&'static str>,
    auths: Vec<&'a Object>,
}

impl Rule for WeakPassword {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // A template's password line shared by many auths is one finding when it fails the
        // same tests in each.
        let mut groups: Vec<Group<'_>> = Vec::new();
        let mut by_key: HashMap<(LineRef, Vec<&'static str>), usize> = HashMap::default();
        let options = config.options(["password", "username", "auth_type"]);
        let mut lowered = Lowered::default();
        for auth in config.objects.of_type("auth").filter(|a| a.loads()) {
            let [Some(var), username, auth_type] = options.last_lines(config, auth) else {
                continue;
            };
            let password = config.value(var);
            let username = username.map(|var| config.value(var));
            let reasons = weaknesses_with(&mut lowered, password, username, config.object_id(auth));
            if reasons.is_empty() {
                continue;
            }
            // Asked only now: most passwords are strong, and each value read is a cache miss.
            let auth_type = auth_type.map_or("userpass", |var| config.value(var));
            if auth_type.trim().eq_ignore_ascii_case("google_oauth") {
                continue;
            }
            match by_key.get(&(var.origin, reasons.clone())) {
                Some(&index) => groups[index].auths.push(auth),
                None => {
                    by_key.insert((var.origin, reasons.clone()), groups.len());
                    groups.push(Group {
                        reasons,
                        auths: vec![auth],
                    });
                }
            }
        }

        if groups.is_empty() {
            return;
        }
        // Which endpoint uses each auth for callers (`auth=`), first one wins. Keyed by the auth
        // each name finds (the first of that id), as the references hold it: no endpoint's
        // value is read, and the key is an address (the auth itself is not read either).
        let auth = config.option_name("auth");
        let mut inbound: HashMap<*const Object, &Object> = HashMap::default();
        for endpoint in config.objects.of_type("endpoint").filter(|e| e.loads()) {
            for target in config.last_line_targets(endpoint, auth).flatten() {
                inbound
                    .entry(std::ptr::from_ref(target))
                    .or_insert(endpoint);
            }
        }
        let inbound_of = |auth: &Object| {
            let named = config.object("auth", config.object_id(auth))?;
            inbound.get(&std::ptr::from_ref(named)).copied()
        };
        let public = public_transports(config);
        for group in groups {
            let first = group.auths[0];
            let Some(var) = config.option_var(first, "password") else {
                continue;
            };
            let exposed = group
                .auths
                .iter()
                .find_map(|auth| inbound_of(auth).map(|e| (*auth, e)));
            let whose = match group.auths.len() {
                1 => format!("auth '{}'", config.object_id(first)),
                n => format!(
                    "auth '{}' (and {} other auths using this line)",
                    config.object_id(first),
                    n - 1
                ),
            };
            let failed = join_and(&group.reasons);
            let empty = group.reasons == ["is empty"];
            let mut message = format!("the password of {whose} {failed}");
            let mut diagnostic;
            match (exposed, public.first()) {
                (Some((auth, endpoint)), Some(transport)) => {
                    let who = if empty {
                        "any caller who gives the username"
                    } else {
                        "callers who know it"
                    };
                    message.push_str(&format!(
                        ": endpoint '{}' accepts {who}, and {}, so anyone on the internet can \
                         try it and call at the owner's expense",
                        config.object_id(endpoint),
                        listens_phrase(config, transport)
                    ));
                    diagnostic = META
                        .report(config.key_span(var), message)
                        .label(format!("weak: {failed}"));
                    // Reachable from the internet: scanners try exactly these passwords first
                    // (issue 7: an error there).
                    diagnostic.severity = Severity::Error;
                    if let Some(auth_var) = config.option_var(endpoint, "auth") {
                        diagnostic = diagnostic.secondary(
                            config.value_span(auth_var),
                            format!(
                                "endpoint '{}' authenticates callers with auth '{}'",
                                config.object_id(endpoint),
                                config.object_id(auth)
                            ),
                        );
                    }
                    diagnostic = diagnostic
                        .secondary(bind_span(config, transport), "reachable from the internet");
                }
                (Some((_, endpoint)), None) => {
                    // A websocket transport is reachable wherever Asterisk's HTTP server
                    // listens (http.conf), which pjsiplint does not read.
                    let reach = match crate::network::websocket_transports(config).first() {
                        Some(ws) => format!(
                            "no udp/tcp/tls transport listens on a public address; websocket \
                             transport '{}' is reachable wherever http.conf lets Asterisk's \
                             HTTP server listen",
                            config.object_id(ws)
                        ),
                        None => "no transport listens on a public address, so only the local \
                                 network can try"
                            .to_owned(),
                    };
                    message.push_str(&format!(
                        ": endpoint '{}' accepts callers who know it ({reach})",
                        config.object_id(endpoint)
                    ));
                    diagnostic = META
                        .report(config.key_span(var), message)
                        .label(format!("weak: {failed}"));
                }
                (None, _) => {
                    diagnostic = META
                        .report(config.key_span(var), message)
                        .label(format!("weak: {failed}"));
                }
            }
            diagnostic = diagnostic.also(super::inherited_label(config, first.section, var));
            out.push(diagnostic.help(
                "use a random password of 16 characters or more (e.g. `openssl rand -base64 18`) \
                 and set it on the phone too",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_named() {
        assert_eq!(weaknesses("", Some("a"), "a"), vec!["is empty"]);
        assert_eq!(
            weaknesses("6001", Some("6001"), "6001"),
            vec![
                "is equal to the username",
                "is all digits",
                "is shorter than 10 characters"
            ]
        );
        assert_eq!(
            weaknesses("6001-auth", Some("6001"), "6001-auth"),
            vec![
                "contains the username",
                "is equal to the section name",
                "is shorter than 10 characters"
            ]
        );
        assert_eq!(
            weaknesses("Password123", Some("alice"), "alice"),
            vec!["is in the list of the most common passwords"]
        );
        assert!(weaknesses("Vb7#kq2LpXz9wR", Some("6001"), "6001").is_empty());
        // Lower case beyond ASCII, as `str::to_lowercase` has it.
        assert_eq!(
            weaknesses("CONTRASEÑA", Some("alice"), "alice"),
            vec!["is in the list of the most common passwords"]
        );
        assert_eq!(
            weaknesses("xxÄBCDxxxxxx", Some("äbcd"), "a"),
            vec!["contains the username"]
        );
        // Short names are not searched inside a password.
        assert!(weaknesses("Vb7#kq2LpXz9wR", Some("k"), "q2").is_empty());
    }

    #[test]
    fn common_list_is_lower_case() {
        for password in COMMON_PASSWORDS {
            assert_eq!(*password, password.to_lowercase());
        }
        let longest = COMMON_PASSWORDS.iter().map(|p| p.len()).max();
        assert_eq!(longest, Some(LONGEST_COMMON));
        assert!(COMMON_PASSWORDS.len() >= 100);
    }
}
