use super::{lines, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::secrets::is_secret_key;

pub struct PlaceholderValue;

static META: RuleMeta = RuleMeta {
    name: "placeholder-value",
    category: Category::Schema,
    severity: Severity::Warning,
    summary: "A value left over from a tutorial or a generator, used literally",
    doc: r#"# placeholder-value

## What
A value that looks like a placeholder nobody replaced: `<YOUR_IP>`, `YOUR_PASSWORD`,
`x.x.x.x`, `CHANGEME`, `[object Object]`, or a `${VARIABLE}`.

## Why
Asterisk uses the text as it is. It does **not** expand `${...}` (environment or dialplan
variables) in pjsip.conf: a template engine or `envsubst` step that did not run leaves
`server_uri=sip:${SIP_SERVER}`, which Asterisk rejects, or a password that is literally
`${SIP_PASSWORD}`. A `bind=x.x.x.x` or `local_net=<internal subnet>` rejects the transport.

## Example
```ini
[trunk]
type=registration
server_uri=sip:${PROVIDER_HOST}
client_uri=sip:YOUR_USERNAME@${PROVIDER_HOST}
```

## Fix
Fill in the real value, or run the template step that was meant to.
"#,
    fix: None,
};

impl Rule for PlaceholderValue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // Every option line once, where it is written (a template line is not reported again
        // for each section that inherits it).
        for (file_id, file, line) in lines(cx.config) {
            let crate::syntax::LineKind::Assignment(assignment) = &line.kind else {
                continue;
            };
            let key = file.text(&assignment.key);
            let value = file.text(&assignment.value);
            let Some(kind) = placeholder(key, value) else {
                continue;
            };
            let shown = if is_secret_key(key) {
                String::new()
            } else {
                format!(" (`{}`)", value.trim())
            };
            out.push(
                META.report(
                    crate::source::Span::new(file_id, assignment.value.span.clone()),
                    format!("`{key}` holds {kind}{shown}: Asterisk uses it literally"),
                )
                .label("placeholder"),
            );
        }
    }
}

/// What kind of placeholder `value` is, if it looks like one.
fn placeholder(key: &str, value: &str) -> Option<&'static str> {
    // `<...>` with words inside, except in caller IDs (`"Name" <6001>`) and bracketed URIs.
    let angle_allowed = !key.eq_ignore_ascii_case("callerid");
    // One pass over the value rules out almost every line before the checks below.
    let may_hold_angle = angle_allowed && value.contains('<');
    if !(may_hold_angle || markers().is_match(value)) {
        return None;
    }
    let lower = value.to_ascii_lowercase();
    if value.contains(VARIABLE) {
        return Some("a `${...}` variable, which Asterisk does not expand in pjsip.conf");
    }
    if lower.contains(GENERATED) || lower == UNDEFINED {
        return Some("a value from a broken generator");
    }
    if ADDRESSES.iter().any(|address| lower.contains(address)) {
        return Some("a placeholder address");
    }
    if WORDS.iter().any(|word| lower.contains(word)) {
        return Some("a placeholder to change");
    }
    if has_your_word(&lower) {
        return Some("a placeholder to fill in");
    }
    if angle_allowed {
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
    None
}

const VARIABLE: &str = "${";
const GENERATED: &str = "[object object]";
const UNDEFINED: &str = "undefined";
const ADDRESSES: &[&str] = &["x.x.x.x", "xxx.xxx.xxx.xxx", "[xxxx]"];
const WORDS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "replace_me",
    "replaceme",
];
const YOUR: &str = "your";

/// Finds, in any case, any text above: every placeholder but a `<...>` one contains one of them.
fn markers() -> &'static aho_corasick::AhoCorasick {
    static MARKERS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        let texts = [VARIABLE, GENERATED, UNDEFINED, YOUR]
            .into_iter()
            .chain(ADDRESSES.iter().copied())
            .chain(WORDS.iter().copied());
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(texts)
            .expect("a few short texts build an automaton")
    })
}

/// `your_ip`, `YOUR-PASSWORD`, `yourdomain`, `your_sip_server`, ...
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
        "sip",
        "extension",
    ];
    lower.match_indices(YOUR).any(|(at, _)| {
        let rest = lower[at + YOUR.len()..].trim_start_matches(['_', '-', ' ']);
        THINGS.iter().any(|thing| rest.starts_with(thing))
    })
}
