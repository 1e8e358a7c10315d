use rustc_hash::FxHashMap as HashMap;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::AsOptionName;
use crate::model::{Config, Object};

pub struct WeakPassword;

static META: RuleMeta = RuleMeta {
    name: "weak-password",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "A weak auth password (empty, the username, short, common, shared); an error when the internet can try it",
    doc: r#"# weak-password

## What
A `type=auth` section whose `password` fails one of these tests (pjsiplint names the tests
it failed, and never prints the password or any part of it):

- it is empty;
- it is equal to, or contains, the auth's `username` or the section name (compared without
  case; "contains" only for names of 4 characters or more);
- it is all digits and shorter than 12 characters;
- it is shorter than 8 characters, or made of three different characters or fewer
  (`aaaaaaaa`, `12121212`): NIST SP 800-63B's minimum for a chosen password is 8 characters,
  with a check against lists of common passwords instead of composition rules;
- it is in pjsiplint's built-in list of the most common passwords (`123456`, `password`,
  `asterisk`, `1234567890`, `qwertyuiop`, ...);
- the same password is used by three or more auths with different user names: a published
  default or a copied example, however long (whoever reads one device's or one file's
  password has them all).

Auths that fail the same tests the same way (and are used the same way, see below) are **one**
finding at the first of them, with every other one as a related location: forty phones whose
password is their extension are one mistake. A `; pjsiplint: disable=weak-password` comment at
one auth leaves that auth out of the group.

The message says how the password is used: as an endpoint's `auth=` (Asterisk accepts callers
who know it), and then whether a transport is bound to a public or unspecified address
(`0.0.0.0`, `::`, a public IP, a host name), i.e. whether the whole internet can try it; or only
as an `outbound_auth` (the password Asterisk sends to a provider, usually chosen by the
provider: the help says to change it in the provider's portal, not on a phone).

Severity: a **warning**, raised to an **error** when the auth is an endpoint's `auth=` and a
transport listens on a public or unspecified address: scanners try exactly these passwords
first, within minutes of a PBX going online. An empty password there takes anyone who gives
the user name, on the first try (Asterisk 20.12, 21.7, 22.2 and later reject an auth with an
empty password; older versions accept it).

How pjsiplint decides that an endpoint is reachable from the internet: **any** loaded transport
bound to a public or unspecified address exposes **every** endpoint, whatever the endpoint's
own `transport=` says. Asterisk identifies an incoming request by its From user, its
Authorization username or its source address (res_pjsip_endpoint_identifier_user.c looks the
endpoint up by name only), never by the transport it arrived on: an endpoint's `transport=`
only chooses how Asterisk *sends*. (An identify `transport` option that would have restricted
this existed only in 18.23.0, 20.8.0 and 21.3.0 and was reverted.) Transports without a `bind`
(never started), `protocol=flow` and websocket transports (`ws`, `wss`: their `bind` is never
bound, the connections come through the HTTP server of http.conf) do not count.

An auth that nothing uses is reported with the finding about the same weakness where there is
one (a shared password on a used and an unused auth is one mistake), and on its own otherwise.

## When it does not apply
- A placeholder password (`${PASSWORD}`, `<secret>`, `{{ password }}`): `placeholder-value`'s.
- `auth_type=google_oauth` (no password), and auths Asterisk does not load (a missing
  `username` or `password` is `missing-required-option`'s).
- A provider-mandated password for an `outbound_auth`: still reported (as a warning), since
  whoever learns it can use the account; suppress it if the provider leaves you no choice.
- Who may try the passwords at all is `acl-missing-on-public-transport`'s; an endpoint without
  any auth is `unauthenticated-endpoint`'s.

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
/// so that checking an auth allocates nothing. Only texts that are not all ASCII are copied:
/// ASCII ones (nearly all) are compared in place, without case.
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

/// How a password holds a name, case ignored (as `str::to_lowercase` ignores it).
enum Holds {
    Equal,
    /// Contains it, and the name has four characters or more.
    Contains,
    Neither,
}

/// How `password` holds `name`. ASCII texts are compared in place (lower-casing both into
/// copies was a third of this rule on 100k auths); others through `lowered`'s copies (the
/// lower case of a non-ASCII character can be ASCII: the Kelvin sign's is `k`).
fn holds_name(lowered: &mut Lowered, password: &str, name: &str) -> Holds {
    if password.is_ascii() && name.is_ascii() {
        return if password.eq_ignore_ascii_case(name) {
            Holds::Equal
        } else if name.len() >= 4 && contains_ignoring_ascii_case(password, name) {
            Holds::Contains
        } else {
            Holds::Neither
        };
    }
    lower_into(&mut lowered.password, password);
    lower_into(&mut lowered.name, name);
    let (password, name) = (lowered.password.as_str(), lowered.name.as_str());
    if password == name {
        Holds::Equal
    } else if char_count(name) >= 4 && contains_text(password, name) {
        Holds::Contains
    } else {
        Holds::Neither
    }
}

/// Whether the password is one of [`COMMON_PASSWORDS`] (all lower case), case ignored.
fn is_common(lowered: &mut Lowered, password: &str) -> bool {
    if password.is_ascii() {
        return password.len() <= LONGEST_COMMON
            && COMMON_PASSWORDS
                .iter()
                .any(|common| password.eq_ignore_ascii_case(common));
    }
    lower_into(&mut lowered.password, password);
    let lower = lowered.password.as_str();
    lower.len() <= LONGEST_COMMON && COMMON_PASSWORDS.contains(&lower)
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
    // No allocation unless a test fails (a strong password fails none).
    let mut found = Vec::new();
    let mut name_test = |name: Option<&str>, equal: &'static str, contains: &'static str| {
        let Some(name) = name.filter(|n| !n.is_empty()) else {
            return false;
        };
        match holds_name(lowered, password, name) {
            Holds::Equal => found.push(equal),
            Holds::Contains => found.push(contains),
            Holds::Neither => return false,
        }
        true
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
    let length = char_count(password);
    // A long random number is as hard to guess as its length allows; a short one is what
    // scanners enumerate.
    if length < 12 && password.bytes().all(|b| b.is_ascii_digit()) {
        found.push("is all digits");
    }
    // NIST SP 800-63B (5.1.1.2): at least 8 characters, checked against lists of common
    // passwords, no composition rules.
    if length < 8 {
        found.push("is shorter than 8 characters");
    } else if few_distinct(password) {
        found.push("repeats three characters or fewer");
    }
    if is_common(lowered, password) {
        found.push("is in the list of the most common passwords");
    }
    found
}

/// Whether `needle` occurs in `haystack`. Passwords and names are short: a scan that compares
/// at each matching first byte beats setting up `str::contains`'s searcher (which was a third
/// of this rule's time on a large configuration).
fn contains_text(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    haystack.len() >= needle.len()
        && haystack
            .windows(needle.len())
            .any(|window| window[0] == first && window == needle)
}

/// [`contains_text`] with ASCII letters compared without case.
fn contains_ignoring_ascii_case(haystack: &str, needle: &str) -> bool {
    let (haystack, needle) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    let (lower, upper) = (first.to_ascii_lowercase(), first.to_ascii_uppercase());
    haystack.len() >= needle.len()
        && haystack.windows(needle.len()).any(|window| {
            (window[0] == lower || window[0] == upper) && window.eq_ignore_ascii_case(needle)
        })
}

/// Whether the password is made of at most three different characters (`aaaaaaaa`,
/// `12121212`): as easy to guess as a short one.
fn few_distinct(password: &str) -> bool {
    // On the stack: asked of every password of eight characters or more.
    let mut seen = ['\0'; 3];
    let mut count = 0;
    for c in password.chars() {
        if !seen[..count].contains(&c) {
            if count == 3 {
                return false;
            }
            seen[count] = c;
            count += 1;
        }
    }
    true
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

/// Who can use an auth's password against Asterisk, which decides the severity and the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Exposure {
    /// An endpoint's `auth=`, and a transport listens on a public or unspecified address.
    Internet,
    /// An endpoint's `auth=`, behind private transports only.
    Local,
    /// Only an `outbound_auth` (of an endpoint or a registration): the password Asterisk sends
    /// to a provider, usually chosen by the provider.
    Outbound,
    /// No endpoint or registration uses it.
    Unused,
}

/// Auths that fail the same tests with the same exposure: one finding, with every auth as a
/// related location (forty phones with the password equal to the extension are one mistake).
struct Group<'a> {
    reasons: Vec<&'static str>,
    exposure: Exposure,
    /// Each auth with its password line, and the endpoint that authenticates callers with it.
    auths: Vec<(&'a Object, &'a crate::model::Var, Option<&'a Object>)>,
}

/// The usable auths with a password line, with that line and the username line. Walked twice
/// rather than kept: a large configuration has one per phone.
fn candidates<'a>(
    config: &'a Config,
    options: &'a crate::lookup::Options<3>,
) -> impl Iterator<
    Item = (
        &'a Object,
        &'a crate::model::Var,
        Option<&'a crate::model::Var>,
    ),
> + 'a {
    config
        .of_type_warm("auth")
        .filter(|a| a.usable())
        .filter_map(|auth| {
            let [Some(password_line), username_line, _] = options.last_lines(config, auth) else {
                return None;
            };
            Some((auth, password_line, username_line))
        })
}

/// The passwords (by a hash: no password is kept) that auths with three or more different user
/// names share: a published default or a copied example. From each candidate's hashes of its
/// password and user name, sorted: 16 bytes an auth, where a table of counts took three times
/// that on a large configuration.
///
/// Most passwords belong to one auth: a byte per slot counts the auths of the passwords whose
/// hash falls in it, and only those in a slot of three or more are sorted (sorting every auth's
/// pair was a quarter of this rule on 100k auths; with two slots an auth, under 1% of unique
/// passwords share a slot with two others).
fn shared_passwords(pairs: Vec<(u64, u64)>) -> rustc_hash::FxHashSet<u64> {
    let bits = (pairs.len() * 2)
        .next_power_of_two()
        .trailing_zeros()
        .max(4);
    let slot = |password: u64| (password >> (64 - bits)) as usize;
    let mut auths = vec![0u8; 1 << bits];
    for &(password, _) in &pairs {
        let count = &mut auths[slot(password)];
        *count = count.saturating_add(1);
    }
    let mut pairs: Vec<(u64, u64)> = pairs
        .into_iter()
        .filter(|&(password, _)| auths[slot(password)] >= 3)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|users| users.len() >= 3)
        .map(|users| users[0].0)
        .collect()
}

fn password_hash(password: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    password.hash(&mut hasher);
    hasher.finish()
}

/// The candidates whose password fails a test, with the reasons. `shared` sees every candidate's
/// password and user name and says whether the password is shared, which is a reason only for a
/// password that fails nothing else ("123456" shared by ten phones is weak for its own reasons,
/// and one more reason would split their group).
fn weak_auths<'a>(
    config: &'a Config,
    options: &'a crate::lookup::Options<3>,
    mut shared: impl FnMut(&str, Option<&str>) -> bool,
) -> Vec<(&'a Object, &'a crate::model::Var, Vec<&'static str>)> {
    let mut lowered = Lowered::default();
    let mut weak = Vec::new();
    for (auth, var, username_line) in candidates(config, options) {
        let password = config.value(var);
        let username = username_line.map(|line| config.value(line));
        let mut reasons = weaknesses_with(&mut lowered, password, username, config.object_id(auth));
        if shared(password, username) && reasons.is_empty() {
            reasons.push("is shared by auths with different user names");
        }
        // A placeholder (`${PASSWORD}`, `<secret>`, `{{ pass }}`) is placeholder-value's finding:
        // one mistake, one finding. Asked only of a weak password (most are strong). Sharing
        // counted placeholders too, which changes nothing here: every auth with that password
        // holds the same placeholder and is left out.
        if reasons.is_empty()
            || super::placeholder_value::placeholder("password", password).is_some()
        {
            continue;
        }
        // Asked only now: most passwords are strong, and each value read is a cache miss.
        let [_, _, auth_type] = options.last_lines(config, auth);
        let auth_type = auth_type.map_or("userpass", |var| config.value(var));
        if auth_type.trim().eq_ignore_ascii_case("google_oauth") {
            continue;
        }
        weak.push((auth, var, reasons));
    }
    weak
}

impl Rule for WeakPassword {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let options = config.options(["password", "username", "auth_type"]);
        // One walk finds what fails the tests of a password alone and gathers what sharing
        // needs; a second walk runs only when some password is shared (rare), so that its auths
        // keep their place in the order.
        let mut pairs = Vec::with_capacity(config.objects.of_type("auth").len());
        let weak = weak_auths(config, &options, |password, username| {
            if !password.is_empty() {
                pairs.push((
                    password_hash(password),
                    password_hash(username.unwrap_or("")),
                ));
            }
            false
        });
        let shared = shared_passwords(pairs);
        let weak = if shared.is_empty() {
            weak
        } else {
            weak_auths(config, &options, |password, _| {
                !password.is_empty() && shared.contains(&password_hash(password))
            })
        };
        if weak.is_empty() {
            return;
        }
        // Which endpoint uses each auth for callers (`auth=`), first one wins, and which auths
        // Asterisk sends to providers (`outbound_auth=` of endpoints and registrations). Keyed
        // by the auth each name finds (the first of that id), as the references hold it.
        let auth = config.option_name("auth");
        let outbound_auth = config.option_name("outbound_auth");
        let mut inbound: HashMap<*const Object, &Object> = HashMap::default();
        let mut outbound: rustc_hash::FxHashSet<*const Object> = Default::default();
        for object in config.objects.list.iter().filter(|o| o.usable()) {
            match object.kind_name() {
                "endpoint" => {
                    for target in config.last_line_targets(object, auth).flatten() {
                        inbound.entry(std::ptr::from_ref(target)).or_insert(object);
                    }
                    for target in config.referenced(object, outbound_auth) {
                        outbound.insert(std::ptr::from_ref(target));
                    }
                }
                "registration" => {
                    for target in config.referenced(object, outbound_auth) {
                        outbound.insert(std::ptr::from_ref(target));
                    }
                }
                _ => {}
            }
        }
        let named = |auth: &Object| {
            config
                .object("auth", config.object_id(auth))
                .map(std::ptr::from_ref)
        };
        let public = crate::network::public_listeners(config);
        // Auths a suppression comment accepts are left out before grouping: a finding about
        // forty auths is reported at the first, and a comment at the fifth must still count.
        let mut one_each: Vec<Diagnostic> = weak
            .iter()
            .map(|(_, var, _)| META.report(config.key_span(var), String::new()))
            .collect();
        let before = one_each.len();
        cx.suppressions.apply(config, &mut one_each);
        let accepted: rustc_hash::FxHashSet<(u32, u32)> = if one_each.len() == before {
            Default::default()
        } else {
            let kept: rustc_hash::FxHashSet<(u32, u32)> = one_each
                .iter()
                .map(|d| (d.primary.span.file.0, d.primary.span.start))
                .collect();
            weak.iter()
                .map(|(_, var, _)| config.key_span(var))
                .map(|span| (span.file.0, span.start))
                .filter(|key| !kept.contains(key))
                .collect()
        };
        let mut groups: Vec<Group<'_>> = Vec::new();
        let mut by_key: HashMap<(Vec<&'static str>, Exposure), usize> = HashMap::default();
        // An auth nothing uses joins a finding about the same weakness where there is one (the
        // same shared password on a used and an unused auth is one mistake), after all others.
        let mut unused = Vec::new();
        for (auth, var, reasons) in weak {
            let span = config.key_span(var);
            if accepted.contains(&(span.file.0, span.start)) {
                continue;
            }
            let key = named(auth);
            let endpoint = key.and_then(|key| inbound.get(&key).copied());
            let exposure = match (endpoint, public.is_empty()) {
                (Some(_), false) => Exposure::Internet,
                (Some(_), true) => Exposure::Local,
                (None, _) if key.is_some_and(|key| outbound.contains(&key)) => Exposure::Outbound,
                (None, _) => {
                    unused.push((auth, var, reasons));
                    continue;
                }
            };
            match by_key.get(&(reasons.clone(), exposure)) {
                Some(&index) => groups[index].auths.push((auth, var, endpoint)),
                None => {
                    by_key.insert((reasons.clone(), exposure), groups.len());
                    groups.push(Group {
                        reasons,
                        exposure,
                        auths: vec![(auth, var, endpoint)],
                    });
                }
            }
        }
        for (auth, var, reasons) in unused {
            let joined = groups
                .iter()
                .position(|group| group.reasons == reasons)
                .or_else(|| by_key.get(&(reasons.clone(), Exposure::Unused)).copied());
            match joined {
                Some(index) => groups[index].auths.push((auth, var, None)),
                None => {
                    by_key.insert((reasons.clone(), Exposure::Unused), groups.len());
                    groups.push(Group {
                        reasons,
                        exposure: Exposure::Unused,
                        auths: vec![(auth, var, None)],
                    });
                }
            }
        }
        for group in groups {
            out.push(report(config, &group, public.first().copied()));
        }
    }
}

/// The one finding of a group of auths.
fn report(config: &Config, group: &Group<'_>, transport: Option<&Object>) -> Diagnostic {
    let (first, var, endpoint) = group.auths[0];
    let others = group.auths.len() - 1;
    let whose = match others {
        0 => format!("the password of auth '{}'", config.object_id(first)),
        n => format!(
            "the password of auth '{}' (and those of {n} other auth{}, the same way)",
            config.object_id(first),
            if n == 1 { "" } else { "s" }
        ),
    };
    let failed = join_and(&group.reasons);
    let empty = group.reasons == ["is empty"];
    let mut message = format!("{whose} {failed}");
    let endpoints = |endpoint: &Object| match others {
        0 => format!("endpoint '{}'", config.object_id(endpoint)),
        _ => format!("endpoint '{}' and others", config.object_id(endpoint)),
    };
    let who = if empty {
        "any caller who gives the username"
    } else {
        "callers who know the password"
    };
    match (group.exposure, endpoint, transport) {
        (Exposure::Internet, Some(endpoint), Some(transport)) => message.push_str(&format!(
            ": {} accept{} {who}, and {}, so anyone on the internet can try it and call at the \
             owner's expense",
            endpoints(endpoint),
            if others == 0 { "s" } else { "" },
            crate::network::listens_phrase(config, transport)
        )),
        (Exposure::Local, Some(endpoint), _) => {
            // A websocket transport is reachable wherever Asterisk's HTTP server listens
            // (http.conf), which pjsiplint does not read.
            let reach = match crate::network::websocket_transports(config).first() {
                Some(ws) => format!(
                    "no udp/tcp/tls transport listens on a public address; websocket transport \
                     '{}' is reachable wherever http.conf lets Asterisk's HTTP server listen",
                    config.object_id(ws)
                ),
                None => "no transport listens on a public address, so only the local network \
                         can try"
                    .to_owned(),
            };
            message.push_str(&format!(
                ": {} accept{} {who} ({reach})",
                endpoints(endpoint),
                if others == 0 { "s" } else { "" },
            ));
        }
        (Exposure::Outbound, ..) => message.push_str(
            ": Asterisk answers the other side's challenges with it (`outbound_auth`); whoever \
             guesses it can use that account (at the owner's expense, when it is a provider's)",
        ),
        _ => {}
    }
    let mut diagnostic = META
        .report(config.key_span(var), message)
        .label(format!("weak: {failed}"));
    if group.exposure == Exposure::Internet {
        // Reachable from the internet: scanners try exactly these passwords first.
        diagnostic.severity = Severity::Error;
        if let Some(endpoint) = endpoint {
            if let Some(auth_var) = config.option_var(endpoint, "auth") {
                diagnostic = diagnostic.secondary(
                    config.value_span(auth_var),
                    format!(
                        "endpoint '{}' authenticates callers with auth '{}'",
                        config.object_id(endpoint),
                        config.object_id(first)
                    ),
                );
            }
        }
        if let Some(transport) = transport {
            diagnostic =
                diagnostic.secondary(bind_span(config, transport), "reachable from the internet");
        }
    }
    diagnostic = diagnostic.also(super::inherited_label(config, first.section, var));
    // Every other auth of the group, once per line (a template line shared by many is one).
    let mut seen: rustc_hash::FxHashSet<crate::model::LineRef> = Default::default();
    seen.insert(var.origin);
    for (auth, var, _) in &group.auths[1..] {
        if seen.insert(var.origin) {
            diagnostic = diagnostic.secondary(
                config.key_span(var),
                format!("auth '{}': the same weakness", config.object_id(auth)),
            );
        }
    }
    let help = match group.exposure {
        Exposure::Internet | Exposure::Local => {
            "use a random password of 16 characters or more (e.g. `openssl rand -base64 18`) and \
             set it on the phone too"
        }
        Exposure::Outbound => {
            "change the password in the provider's portal to a random one of 16 characters or \
             more, then here: it is the provider's account"
        }
        Exposure::Unused => {
            "use a random password of 16 characters or more (e.g. `openssl rand -base64 18`), or \
             remove the auth if nothing uses it"
        }
    };
    diagnostic.help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_passwords_are_those_of_three_user_names_or_more() {
        // Passwords 1..=400 once each (many share a slot of the count table with others),
        // password 7 for two more users, 9 for one more (and its first user again).
        let mut pairs: Vec<(u64, u64)> = (1..=400u64)
            .map(|n| (n.wrapping_mul(0x9E37_79B9_7F4A_7C15), n))
            .collect();
        let seven = 7u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let nine = 9u64.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        pairs.extend([(seven, 1000), (seven, 1001), (nine, 1002), (nine, 9)]);
        let shared = shared_passwords(pairs);
        assert_eq!(shared.into_iter().collect::<Vec<_>>(), vec![seven]);
    }

    #[test]
    fn the_searches_agree_with_str_contains() {
        let texts = [
            "",
            "a",
            "A",
            "ab",
            "aB",
            "abc",
            "ABC",
            "abab",
            "xabcx",
            "xAbCx",
            "aaab",
            "6001",
            "X6001x",
            "Alice",
            "xxALICExx",
            "é6001",
        ];
        for haystack in texts {
            for needle in texts {
                assert_eq!(
                    super::contains_text(haystack, needle),
                    haystack.contains(needle),
                    "{haystack:?} {needle:?}"
                );
                assert_eq!(
                    super::contains_ignoring_ascii_case(haystack, needle),
                    haystack
                        .to_ascii_lowercase()
                        .contains(&needle.to_ascii_lowercase()),
                    "without case: {haystack:?} {needle:?}"
                );
            }
        }
    }

    #[test]
    fn names_are_compared_without_case_ascii_or_not() {
        for (password, username, section, weakness) in [
            ("ALICE-pass-2024", "alice", "x", "contains the username"),
            ("Secret-Bob-77", "x", "bob-", "contains the section name"),
            ("OpenSesame", "opensesame", "x", "is equal to the username"),
            // The Kelvin sign (not ASCII) is `k` in lower case: equal to an ASCII name.
            (
                "\u{212A}ilo-Watt-99",
                "kilo-watt-99",
                "x",
                "is equal to the username",
            ),
        ] {
            assert_eq!(
                weaknesses(password, Some(username), section),
                vec![weakness],
                "{password}"
            );
        }
        assert_eq!(
            weaknesses("QWERTY", Some("x"), "x")[1..],
            ["is in the list of the most common passwords"]
        );
    }

    #[test]
    fn tests_named() {
        assert_eq!(weaknesses("", Some("a"), "a"), vec!["is empty"]);
        assert_eq!(
            weaknesses("6001", Some("6001"), "6001"),
            vec![
                "is equal to the username",
                "is all digits",
                "is shorter than 8 characters"
            ]
        );
        assert_eq!(
            weaknesses("6001-auth", Some("6001"), "6001-auth"),
            vec!["contains the username", "is equal to the section name"]
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
        // NIST SP 800-63B: 8 characters are enough for a random password; long numbers too.
        assert!(weaknesses("k7#Qz9vB", Some("alice"), "alice").is_empty());
        assert!(weaknesses("493017254863", Some("alice"), "alice").is_empty());
        assert_eq!(
            weaknesses("12121212", Some("alice"), "alice"),
            vec!["is all digits", "repeats three characters or fewer"]
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
