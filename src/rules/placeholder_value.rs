use super::{files, problem_groups, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::RootKind;
use crate::report::secrets::is_secret_key;
use crate::validate::ProblemKind;

pub struct PlaceholderValue;

static META: RuleMeta = RuleMeta {
    name: "placeholder-value",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "A value left over from a tutorial or a generator, used literally",
    doc: r#"# placeholder-value

## What
A value that looks like a placeholder nobody replaced, in any option: `<YOUR_IP>`,
`YOUR_PASSWORD_HERE`, `CHANGEME`, `CHANGE_THIS_PASSWORD`, `PUBLIC_IP`, `x.x.x.x`, `XXXX`,
`###SECRET###`, `__PASSWORD__`, `[YOUR PUBLIC IP]`, `[object Object]`, a `${VARIABLE}` or
`$VARIABLE`, or template-engine code (`{{ ip }}`, `<%= host %>`).

## Why
Asterisk uses the text as it is; it does **not** expand `${...}` or `$NAME` (environment or
dialplan variables) in pjsip.conf. What happens next depends on the option, and the message says
which:
- `bind`, `local_net`, `match`, `server_uri`, `client_uri`, `contact`, ...: the handler refuses
  the value and Asterisk **rejects the object** ("Error parsing bind=x.x.x.x:5060", "Invalid
  server URI"): an error.
- `external_signaling_address`, `external_media_address`: Asterisk tries to resolve the text as
  a host name, fails, logs only a lookup warning (`Unable to lookup '...'`) and loads the
  transport **without the address** (res_pjsip/config_transport.c transport_apply,
  `ast_dnsmgr_lookup`): Contact, Via and SDP then carry the private address (one-way audio,
  lost replies). The two written with the same placeholder are one finding.
- `password`, `username`, `from_user`, ...: the object loads and uses the text literally. A
  password copied from a tutorial is known to everybody. Secrets are never quoted.

## Example
```ini
[transport-udp]
type=transport
bind=x.x.x.x:5060

[trunk]
type=registration
server_uri=sip:${PROVIDER_HOST}
client_uri=sip:YOUR_USERNAME@sip.example.net
```

## Fix
Fill in the real value, or run the template step that was meant to.

## When it does not apply
Real values that merely contain such letters are not flagged: a password like `xxxxYh7!`
(letters after the x's), a user name that is a plain word, `callerid="Desk" <6001>`, a SIP URI
in angle brackets (`<sip:...>`). A value followed by a `//` remark is not a placeholder (the
remark is part of the value: other rules judge the value).

## Neighbours
This rule owns a placeholder wherever it is: `invalid-value` (bad `bind`, `local_net`, URIs)
and `identify-match-hostname` stay silent on a placeholder value, so one value gives one
finding. `nat-missing-external-address` owns external addresses that cannot resolve for other
reasons (`stun:...`, blanks).

The same kind of placeholder in the same option on many lines (a published config whose every
password reads `<password>`) is one finding at the first line, with a label at each other line
(and, where Asterisk rejects objects, which object each line costs).
"#,
    fix: None,
};

impl Rule for PlaceholderValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // The lines whose value makes Asterisk reject an object: (file, value start) -> what.
        let mut rejected: rustc_hash::FxHashMap<(u32, u32), String> = Default::default();
        for group in problem_groups(cx, |kind| {
            // A file option holding a placeholder names a file no PBX has, and a placeholder
            // host name resolves nowhere: the object's load-time check fails wherever it loads.
            matches!(
                kind,
                ProblemKind::InvalidValue { .. }
                    | ProblemKind::Conflict { .. }
                    | ProblemKind::NeedsFile { .. }
                    | ProblemKind::MissingFile { .. }
                    | ProblemKind::NeedsDns { .. }
            )
        }) {
            if let Some(var) = group.var(config) {
                let span = config.written_at(config.value_span(var));
                rejected
                    .entry((span.file.0, span.start))
                    .or_insert_with(|| group.objects_phrase(config));
            }
        }
        let mut found: Vec<Diagnostic> = Vec::new();
        let mut groups: Vec<Vec<Diagnostic>> = Vec::new();
        let mut group_of: rustc_hash::FxHashMap<(String, &'static str, bool), usize> =
            Default::default();
        let mut group_at: rustc_hash::FxHashMap<(u32, u32), usize> = Default::default();
        for (file_id, file) in files(config) {
            for (index, value_text) in file.syntax.assignment_values() {
                let value = file.text(&value_text);
                // Most values show nothing at a glance: their key is not even read.
                let seen = glance(value.as_bytes());
                if seen == 0 {
                    continue;
                }
                let Some(assignment) = file.syntax.assignment(index) else {
                    continue;
                };
                let key = file.text(&assignment.key);
                let Some(mut kind) = placeholder_glanced(key, value, seen) else {
                    continue;
                };
                if crate::wizard::is_uri_pattern(key)
                    && config.root_of_file(file_id).kind == RootKind::Wizard
                {
                    // The wizard fills these in itself (`wizard-username-in-contact` is about the
                    // one it leaves empty).
                    match placeholder(key, &crate::wizard::without_pattern_variables(value)) {
                        Some(left) => kind = left,
                        None => continue,
                    }
                }
                let secret = is_secret_key(key);
                let shown = if secret {
                    String::new()
                } else {
                    format!(" (`{}`)", value.trim())
                };
                let span = crate::source::Span::new(file_id, assignment.value.span.clone());
                let option = crate::wizard::option_of_key(key).to_ascii_lowercase();
                // `rejected` holds lines whose value makes Asterisk refuse the object.
                let (effect, severity) =
                    if let Some(objects) = rejected.get(&(file_id.0, span.start)) {
                        (format!("Asterisk rejects {objects}"), Severity::Error)
                    } else if matches!(
                        option.as_str(),
                        "external_signaling_address" | "external_media_address"
                    ) {
                        (
                            "Asterisk cannot resolve it, logs only a lookup warning and loads the \
                     transport without the address, \
                     so Contact, Via or SDP carry the private address (one-way audio, lost \
                     replies)"
                                .to_owned(),
                            Severity::Warning,
                        )
                    } else if secret {
                        (
                            "Asterisk uses that text as the secret, and it is no secret".to_owned(),
                            Severity::Warning,
                        )
                    } else {
                        ("Asterisk uses it literally".to_owned(), Severity::Warning)
                    };
                let mut diagnostic = META
                    .report(span, format!("`{key}` holds {kind}{shown}: {effect}"))
                    .label("placeholder");
                diagnostic.severity = severity;
                // The media and signalling addresses written with one placeholder are one thing to
                // fill in.
                let option_group = if option.starts_with("external_") {
                    "external_*_address".to_owned()
                } else {
                    option
                };
                let group = (option_group, kind, severity == Severity::Error);
                let next = groups.len();
                let index = *group_of.entry(group).or_insert(next);
                if index == next {
                    groups.push(Vec::new());
                }
                group_at.insert((span.file.0, span.start), index);
                found.push(diagnostic);
            }
        }
        // The same kind of placeholder left in the same option on many lines (a published
        // config with every password replaced by `<password>`) is one thing to fill in: one
        // finding at the first line, a label at each other (saying which object each rejects,
        // for errors). Suppressions are applied first, so a comment at one line still accepts
        // that line alone.
        cx.suppressions.apply(config, &mut found);
        for diagnostic in found {
            let span = diagnostic.primary.span;
            if let Some(&index) = group_at.get(&(span.file.0, span.start)) {
                groups[index].push(diagnostic);
            }
        }
        for group in groups {
            let mut group = group.into_iter();
            let Some(mut first) = group.next() else {
                continue;
            };
            let others: Vec<Diagnostic> = group.collect();
            if !others.is_empty() {
                first.message.push_str(&format!(
                    " ({} more line{} hold{} the same kind of placeholder)",
                    others.len(),
                    if others.len() == 1 { "" } else { "s" },
                    if others.len() == 1 { "s" } else { "" }
                ));
                for other in others {
                    // An error's own consequence ("Asterisk rejects aor 'x'") goes with its label.
                    let span = other.primary.span;
                    let label = match rejected.get(&(span.file.0, span.start)) {
                        Some(objects) => format!("the same: Asterisk rejects {objects}"),
                        None => "the same kind of placeholder".to_owned(),
                    };
                    first = first.secondary(span, label);
                }
            }
            out.push(first);
        }
    }
}

/// What kind of placeholder `value` of option `key` is, if it is one. Cheap on ordinary values:
/// most are refused by one pass over their bytes ([`glance`]) without reading the key.
pub(crate) fn placeholder(key: &str, value: &str) -> Option<&'static str> {
    placeholder_glanced(key, value, glance(value.as_bytes()))
}

/// [`placeholder`] of a value already glanced at (`seen`).
fn placeholder_glanced(key: &str, value: &str, seen: u8) -> Option<&'static str> {
    // Every kind below needs a special byte, a `<`, a marker or, in an address option, an
    // upper-case letter; the glance sees the whole value (remark and blanks too), so it misses
    // none of them. A flat 100k-phone config's values were a quarter of all rule time here.
    // A `<` counts only outside caller IDs (see `classify`): every phone's `callerid` has one.
    let angle_counts = || !crate::wizard::option_of_key(key).eq_ignore_ascii_case("callerid");
    if seen & (SPECIAL | MARKER) == 0
        && (seen & ANGLE == 0 || !angle_counts())
        && (seen & UPPER == 0 || !ADDRESS_OPTIONS.iter().any(|k| key.eq_ignore_ascii_case(k)))
    {
        return None;
    }
    classify(key, value, seen & MARKER != 0)
}

/// [`placeholder`] without the glance; `may_hold_marker` says whether the glance saw a marker
/// (any case) in the value.
fn classify(key: &str, value: &str, may_hold_marker: bool) -> Option<&'static str> {
    // A `//` remark after a value is part of the value, not a placeholder. Found by its first
    // `/` (most values have none): a substring search per value was 4% of the whole run.
    let bytes = value.as_bytes();
    let remark = memchr::memchr_iter(b'/', bytes).find(|&at| bytes.get(at + 1) == Some(&b'/'));
    let value = remark.map_or(value, |at| &value[..at]).trim();
    if value.is_empty() {
        return None;
    }
    // The prefilter: most values have none of the special bytes, are no address option's, and
    // hold none of the marker words (one automaton pass, no allocation).
    // Numbers, addresses and ports (`6001`, `192.0.2.1:5060`, `10.0.0.0/8`) hold no placeholder:
    // most values of a large configuration are ids like these, so they skip the scans below.
    if value
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b':' | b'/' | b','))
    {
        return None;
    }
    // A caller ID's `<6001>` is no placeholder (the angle check below leaves caller IDs out), and
    // every phone has one: `<` counts only in other options (`%` still catches `<%= ... %>`).
    let is_callerid = crate::wizard::option_of_key(key).eq_ignore_ascii_case("callerid");
    let angle_counts = !is_callerid;
    let special = value.bytes().any(|b| {
        matches!(b, b'$' | b'{' | b'[' | b'#' | b'_' | b'%' | b'*') || (b == b'<' && angle_counts)
    });
    let address_key = ADDRESS_OPTIONS.iter().any(|k| key.eq_ignore_ascii_case(k));
    let marked = may_hold_marker && markers().is_match(value);
    if !special && !address_key && !marked {
        return None;
    }
    // A secret masked before the file was published (`*********`), or the word itself in
    // capitals where the value should be (`PASSWORD`, `SECRET`).
    if value.len() >= 3 && value.bytes().all(|b| b == b'*') {
        return Some("a masked value (the real one was removed)");
    }
    if matches!(value, "PASSWORD" | "PASSWD" | "SECRET" | "YOURPASSWORD") {
        return Some("a placeholder to change");
    }
    // Each check below needs a byte most values lack: it runs only when the value holds it
    // (the checks, in this order, decide which kind is reported). Substring searches and the
    // lower-case copy were most of the cost of an address line (a trunk's URIs and matches).
    let has = |byte: u8| value.as_bytes().contains(&byte);
    if has(b'{') && (value.contains("{{") || value.contains("{%"))
        || has(b'%') && value.contains("<%")
    {
        return Some("template-engine code");
    }
    if has(b'$') && (value.contains("${") || has_dollar_name(value)) {
        return Some("a `${...}` variable, which Asterisk does not expand in pjsip.conf");
    }
    if has(b'[') && value.to_ascii_lowercase().contains("[object object]")
        || value.eq_ignore_ascii_case("undefined")
    {
        return Some("a value from a broken generator");
    }
    // Each of these holds one of the marker texts: an address or URI without one (most of a
    // trunk's lines) skips them (they were a quarter of the run on many trunks).
    if marked {
        let lower = value.to_ascii_lowercase();
        if ADDRESSES.iter().any(|address| lower.contains(address)) {
            return Some("a placeholder address");
        }
        if WORDS.iter().any(|word| lower.contains(word)) {
            return Some("a placeholder to change");
        }
        if has_your_word(&lower) || lower.contains("_here") || lower.contains("insert ") {
            return Some("a placeholder to fill in");
        }
        if has_x_run(value) {
            return Some("a placeholder of x's");
        }
    }
    if has(b'#') && has_fenced_name(value, b'#') || has(b'_') && has_fenced_name(value, b'_') {
        return Some("a placeholder name");
    }
    if value.contains('<') && !is_callerid {
        let angle = value
            .split('<')
            .skip(1)
            .filter_map(|rest| rest.split_once('>').map(|(inside, _)| inside))
            .any(|inside| {
                !inside.to_ascii_lowercase().starts_with("sip")
                    && inside.chars().any(|c| c.is_ascii_alphabetic())
            });
        if angle {
            return Some("a `<...>` placeholder");
        }
    }
    // A caps name holds an upper-case letter.
    if address_key && value.bytes().any(|b| b.is_ascii_uppercase()) && has_caps_name(value) {
        return Some("a placeholder name");
    }
    None
}

/// Texts (any case) of which a placeholder without special bytes holds at least one.
const MARKERS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "xxx",
    "x.x",
    "your",
    "chang",
    "replace",
    "fill",
    "insert",
    "undefined",
    "a.b.c.d",
    "_here",
];

/// The first two bytes of every marker in every case, as a set of byte pairs (bit `a << 8 | b`):
/// looked up as written, with no case folding per byte.
const MARKER_STARTS: [u64; 1024] = {
    let mut set = [0u64; 1024];
    let mut index = 0;
    while index < MARKERS.len() {
        let marker = MARKERS[index].as_bytes();
        let firsts = [
            marker[0].to_ascii_lowercase(),
            marker[0].to_ascii_uppercase(),
        ];
        let seconds = [
            marker[1].to_ascii_lowercase(),
            marker[1].to_ascii_uppercase(),
        ];
        let mut case = 0;
        while case < 4 {
            let pair = (firsts[case / 2] as usize) << 8 | seconds[case % 2] as usize;
            set[pair / 64] |= 1 << (pair % 64);
            case += 1;
        }
        index += 1;
    }
    set
};

/// The first three bytes of every marker, lower case, as `a << 16 | b << 8 | c`: checked when
/// a pair of [`MARKER_STARTS`] is seen, before the whole marker is.
const MARKER_TRIGRAMS: [u32; MARKERS.len()] = {
    let mut trigrams = [0; MARKERS.len()];
    let mut index = 0;
    while index < MARKERS.len() {
        let marker = MARKERS[index].as_bytes();
        trigrams[index] = (marker[0] as u32) << 16 | (marker[1] as u32) << 8 | marker[2] as u32;
        index += 1;
    }
    trigrams
};

/// [`glance`]'s findings, as bits.
const SPECIAL: u8 = 1;
const ANGLE: u8 = 2;
const UPPER: u8 = 4;
const MARKER: u8 = 8;

/// A byte some marker starts with (any case): in [`BYTE_KINDS`] only, never in a glance.
const MARKER_FIRST: u8 = 16;

/// Which of [`SPECIAL`] (`$ { [ # _ % *`), [`ANGLE`] (`<`), [`UPPER`] and [`MARKER_FIRST`] each
/// byte is.
const BYTE_KINDS: [u8; 256] = {
    let mut kinds = [0; 256];
    let mut byte = 0;
    while byte < 256 {
        kinds[byte] = match byte as u8 {
            b'$' | b'{' | b'[' | b'#' | b'_' | b'%' | b'*' => SPECIAL,
            b'<' => ANGLE,
            b'A'..=b'Z' => UPPER,
            _ => 0,
        };
        byte += 1;
    }
    let mut index = 0;
    while index < MARKERS.len() {
        let first = MARKERS[index].as_bytes()[0];
        kinds[first.to_ascii_lowercase() as usize] |= MARKER_FIRST;
        kinds[first.to_ascii_uppercase() as usize] |= MARKER_FIRST;
        index += 1;
    }
    kinds
};

/// One pass over a value: which kinds of byte it holds, and [`MARKER`] when it holds a marker
/// (any case). Most values (`ulaw`, `yes`, `transport-udp`, `trunk0`) show nothing and are no
/// placeholder, whatever their option. Each byte is looked up once; the next byte is read only
/// after a byte a marker starts with (a test of every pair of bytes was 6% of a run on long
/// `allow` and `match` lists).
fn glance(value: &[u8]) -> u8 {
    let mut seen = 0;
    for (at, &byte) in value.iter().enumerate() {
        let kind = BYTE_KINDS[byte as usize];
        seen |= kind;
        // The pair test only at a byte some marker starts with (digits and dots are none).
        if kind & MARKER_FIRST != 0 && seen & MARKER == 0 {
            if let Some(&next) = value.get(at + 1) {
                let pair = (byte as usize) << 8 | next as usize;
                if MARKER_STARTS[pair / 64] & (1 << (pair % 64)) != 0 && starts_marker(&value[at..])
                {
                    seen |= MARKER;
                }
            }
        }
    }
    seen & !MARKER_FIRST
}

/// Whether `text`, which starts with a pair of [`MARKER_STARTS`], starts with a whole marker
/// (any case): `se` of `user0`, `un` of `trunk0` and `pas` of every auth's `userpass` are no
/// marker (the automaton ran on them all).
#[inline(never)]
fn starts_marker(text: &[u8]) -> bool {
    let [a, b, c, ..] = *text else {
        return false;
    };
    let trigram = (a.to_ascii_lowercase() as u32) << 16
        | (b.to_ascii_lowercase() as u32) << 8
        | c.to_ascii_lowercase() as u32;
    MARKER_TRIGRAMS.contains(&trigram)
        && MARKERS.iter().any(|marker| {
            text.get(..marker.len())
                .is_some_and(|text| text.eq_ignore_ascii_case(marker.as_bytes()))
        })
}

/// Searches of the [`markers`] automaton after which it is a DFA.
const NFA_SEARCHES: usize = 1000;

/// The automaton of the [`MARKERS`]. A small configuration searches a few dozen values, for
/// which a contiguous NFA does: it is built in half the time of a DFA, whose building was a sixth
/// of the instructions of linting a 10 KB config. After [`NFA_SEARCHES`] searches the DFA takes
/// over: it searches a value in 60% of the NFA's time.
fn markers() -> &'static aho_corasick::AhoCorasick {
    use aho_corasick::AhoCorasickKind::{ContiguousNFA, DFA};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::OnceLock;
    static FEW: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    static MANY: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    static SEARCHES: AtomicUsize = AtomicUsize::new(0);
    if let Some(dfa) = MANY.get() {
        return dfa;
    }
    if SEARCHES.fetch_add(1, Ordering::Relaxed) < NFA_SEARCHES {
        FEW.get_or_init(|| marker_automaton(ContiguousNFA))
    } else {
        MANY.get_or_init(|| marker_automaton(DFA))
    }
}

fn marker_automaton(kind: aho_corasick::AhoCorasickKind) -> aho_corasick::AhoCorasick {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(kind))
        .build(MARKERS)
        .expect("a few short texts build an automaton")
}
const ADDRESSES: &[&str] = &["x.x.x.x", "xxx.xxx.xxx.xxx", "[xxxx]", "a.b.c.d"];
const WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "change me",
    "changepass",
    "change_this",
    "change-this",
    "changethis",
    "replace_me",
    "replaceme",
    "replace_with",
    "replace-with",
    "fill_in",
    "fill-in",
];
const YOUR: &str = "your";

/// Options whose value is an address or a URI: an upper-case `NAME_WITH_UNDERSCORE` there
/// (`PUBLIC_IP`, `SIP_SERVER`) is a placeholder, no host name is written so.
const ADDRESS_OPTIONS: &[&str] = &[
    "bind",
    "match",
    "external_signaling_address",
    "external_media_address",
    "local_net",
    "server_uri",
    "client_uri",
    "contact",
    "outbound_proxy",
    "from_domain",
    "media_address",
];

/// `$NAME` (an environment variable as a shell writes it): `$` at the start or after `:`, `@`,
/// `/`, `.` or `=`, then three or more of `A-Z0-9_` with a letter. `Pa$$WORD1` is no such thing.
fn has_dollar_name(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(at, &b)| {
        if b != b'$' || (at > 0 && !matches!(bytes[at - 1], b':' | b'@' | b'/' | b'.' | b'=')) {
            return false;
        }
        let name: Vec<u8> = bytes[at + 1..]
            .iter()
            .copied()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'_')
            .collect();
        let end = at + 1 + name.len();
        name.len() >= 3
            && name[0].is_ascii_uppercase()
            && (end == bytes.len() || !bytes[end].is_ascii_alphanumeric())
    })
}

/// A token (between characters that are not letters or digits) of three or more x's only, or
/// digits followed by three or more x's (`555XXXX`, `+1XXXXXXXXXX`): `xxxxYh7!` is not one.
fn has_x_run(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|token| {
            let digits = token.trim_start_matches(|c: char| c.is_ascii_digit());
            digits.len() >= 3 && digits.bytes().all(|b| b == b'x' || b == b'X')
        })
}

/// `##NAME##` or `__NAME__`: two or more `fence` bytes, a name with a letter, two or more again.
fn has_fenced_name(value: &str, fence: u8) -> bool {
    let bytes = value.as_bytes();
    let mut at = 0;
    while at + 1 < bytes.len() {
        if bytes[at] == fence && bytes[at + 1] == fence {
            let mut start = at;
            while start < bytes.len() && bytes[start] == fence {
                start += 1;
            }
            let mut end = start;
            while end < bytes.len()
                && (bytes[end].is_ascii_alphanumeric() || (bytes[end] == b'_' && fence != b'_'))
            {
                end += 1;
            }
            if end > start
                && bytes[start..end].iter().any(u8::is_ascii_alphabetic)
                && end + 1 < bytes.len()
                && bytes[end] == fence
                && bytes[end + 1] == fence
            {
                return true;
            }
            at = end.max(at + 1);
        } else {
            at += 1;
        }
    }
    false
}

/// An upper-case name of two or more words (`PUBLIC_IP`, `SIP_SERVER`, `ASTERISK-PRIVATE-IP`)
/// as the host part of an address or URI value. Joined by `-`, it must name an address kind
/// (`IP`, `HOST`, ...): `PBX-01` may be a real (case-insensitive) host name.
fn has_caps_name(value: &str) -> bool {
    const KINDS: &[&str] = &[
        "IP", "ADDR", "ADDRESS", "HOST", "HOSTNAME", "DOMAIN", "FQDN", "PORT", "SERVER", "PUBLIC",
        "PRIVATE", "EXTERNAL", "LOCAL", "NETWORK", "SUBNET",
    ];
    value
        .split([':', '@', ';', '/', ',', '[', ']', ' ', '\t'])
        .any(|token| {
            let words: Vec<&str> = token.split(['_', '-']).collect();
            token.len() >= 4
                && words.len() >= 2
                && words.iter().all(|w| {
                    !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                })
                && token.bytes().any(|b| b.is_ascii_uppercase())
                && (token.contains('_') || words.iter().any(|w| KINDS.contains(w)))
        })
}

fn has_your_word(lower: &str) -> bool {
    const THINGS: &[&str] = &[
        "ip",
        "password",
        "pass",
        "secret",
        "domain",
        "user",
        "username",
        "server",
        "host",
        "number",
        "did",
        "account",
        "provider",
        "pbx",
        "public",
        "local",
        "external",
        "sip",
        "extension",
        "trunk",
        "carrier",
        "address",
        "network",
        "subnet",
    ];
    lower.match_indices(YOUR).any(|(at, _)| {
        // `your` as a word of its own or glued by `_`/`-` (YOUR_IP), not inside `yourself`.
        let before_ok = at == 0
            || !lower.as_bytes()[at - 1].is_ascii_alphabetic()
            || lower.as_bytes()[at - 1] == b'_';
        let rest = lower[at + YOUR.len()..].trim_start_matches(['_', '-', ' ', '.']);
        before_ok && THINGS.iter().any(|thing| rest.starts_with(thing))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    proptest::proptest! {
        /// The glance never hides a marker from the automaton, whatever the case of each letter
        /// (`Changeme`, `cHANGEME`).
        #[test]
        fn prefilter_keeps_every_marker(
            before in "[a-zA-Z0-9._ -]{0,6}",
            marker in proptest::sample::select(MARKERS),
            upper in proptest::collection::vec(proptest::bool::ANY, 16),
            after in "[a-zA-Z0-9._ -]{0,6}",
        ) {
            let marker: String = marker
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, &upper)| if upper { c.to_ascii_uppercase() } else { c })
                .collect();
            let value = format!("{before}{marker}{after}");
            proptest::prop_assert!(markers().is_match(&value));
            proptest::prop_assert!(glance(value.as_bytes()) & MARKER != 0);
        }

        /// The glance never hides a placeholder: with it or without, every value of every kind
        /// of option gets the same answer (values drawn from the bytes and words placeholders
        /// are made of).
        #[test]
        fn the_glance_changes_no_answer(
            key in proptest::sample::select(&[
                "password", "bind", "match", "server_uri", "callerid", "endpoint/callerid",
                "context", "external_media_address", "contact",
            ][..]),
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-zA-Z0-9 ._:/@<>$#%*{}\\[\\]-]{0,4}",
                    proptest::sample::select(MARKERS).prop_map(str::to_ascii_uppercase),
                    proptest::sample::select(MARKERS).prop_map(str::to_owned),
                    proptest::sample::select(&[
                        "PUBLIC_IP", "SIP_SERVER", "ZONE-HOST", "object Object", "//", "x.x", "__",
                        "##", "${", "{{", "<%", "***", "sip", "<", ">",
                    ][..])
                    .prop_map(str::to_owned),
                ],
                0..5,
            ),
        ) {
            let value = parts.concat();
            proptest::prop_assert_eq!(
                placeholder(key, &value),
                classify(key, &value, true),
                "{}={}", key, value
            );
        }
    }

    #[test]
    fn the_glance_refuses_common_values() {
        for value in [
            "ulaw",
            "yes",
            "transport-udp",
            "100000",
            "udp",
            "trunk0",
            "user0",
            "userpass",
        ] {
            assert_eq!(glance(value.as_bytes()), 0, "{value}");
        }
    }

    #[test]
    fn placeholders_found() {
        for (key, value) in [
            ("password", "CHANGEME"),
            ("password", "CHANGEPASS"),
            ("password", "CHANGE_THIS_PASSWORD"),
            ("password", "YOUR_PASSWORD_HERE"),
            ("password", "###SECRET###"),
            ("password", "__PASSWORD__"),
            ("password", "$SIP_PASSWORD"),
            ("password", "xxxxxxxx"),
            ("bind", "X.X.X.X:5060"),
            ("bind", "PUBLIC_IP:5060"),
            ("external_media_address", "PUBLIC_IP"),
            ("external_media_address", "[YOUR PUBLIC IP]"),
            ("server_uri", "sip:${SIP_SERVER}"),
            ("server_uri", "sip:{{ host }}"),
            ("client_uri", "sip:XXXX@sip.example.net"),
            ("match", "<provider ip>"),
            ("username", "<your username>"),
            ("contact", "sip:$HOST_IP:5060"),
            ("external_media_address", "ASTERISK-PRIVATE-IP"),
            // Each seen by one thing of the glance alone: `_`, a lower-case marker.
            ("password", "__name__"),
            ("username", "changeme"),
        ] {
            assert!(placeholder(key, value).is_some(), "{key}={value}");
        }
    }

    #[test]
    fn the_texts_checked_only_with_a_marker_hold_one() {
        use aho_corasick::AhoCorasickKind::{ContiguousNFA, DFA};
        let automata = [marker_automaton(ContiguousNFA), marker_automaton(DFA)];
        for text in ADDRESSES
            .iter()
            .chain(WORDS)
            .chain(&[YOUR, "_here", "insert ", "xxx"])
        {
            assert!(markers().is_match(*text), "{text}");
            assert!(automata.iter().all(|a| a.is_match(*text)), "{text}");
        }
    }

    #[test]
    fn real_values_left_alone() {
        for (key, value) in [
            ("password", "xxxxYh7!"),
            ("password", "Pa$$WORD1"),
            ("password", "q8_Zp2__x"),
            ("username", "yourself"),
            ("username", "alice"),
            ("callerid", "\"Front desk\" <6001>"),
            ("callerid", "\"Alice\" <alice>"),
            ("endpoint/callerid", "\"Alice\" <alice>"),
            (
                "contact",
                "sip:1.1.1.1:5080    // IP address your SIP carrier",
            ),
            ("bind", "0.0.0.0:5060"),
            ("allow", "ulaw,alaw,g722"),
            ("outbound_proxy", "<sip:proxy.example.com;lr>"),
            ("context", "from_internal"),
            ("match", "203.0.113.0/24"),
            ("contact", "sip:PBX-01:5060"),
        ] {
            assert!(placeholder(key, value).is_none(), "{key}={value}");
        }
    }
}
