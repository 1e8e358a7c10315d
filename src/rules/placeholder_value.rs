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
pub(super) fn placeholder(key: &str, value: &str) -> Option<&'static str> {
    // `<...>` with words inside, except in caller IDs (`"Name" <6001>`) and bracketed URIs.
    let angle_allowed = !key.eq_ignore_ascii_case("callerid");
    // One pass over the value rules out almost every line before the checks below.
    let may_hold_angle = angle_allowed && value.contains('<');
    if !(may_hold_angle || (may_hold_marker(value) && markers().is_match(value))) {
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

/// Every text above (each of two bytes or more, all ASCII): every placeholder but a `<...>` one
/// contains one of them.
fn marker_texts() -> impl Iterator<Item = &'static str> {
    [VARIABLE, GENERATED, UNDEFINED, YOUR]
        .into_iter()
        .chain(ADDRESSES.iter().copied())
        .chain(WORDS.iter().copied())
}

/// Finds, in any case, any of the [`marker_texts`].
fn markers() -> &'static aho_corasick::AhoCorasick {
    static MARKERS: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    MARKERS.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(marker_texts())
            .expect("a few short texts build an automaton")
    })
}

/// Whether `value` may hold one of the [`marker_texts`]: two bytes in a row that begin one (in
/// any case). A table lookup per byte rules out nearly every value; the automaton, whose search
/// cost several times as much on the short values of most lines, confirms the rest.
fn may_hold_marker(value: &str) -> bool {
    static STARTS: std::sync::OnceLock<Box<[u64; 1024]>> = std::sync::OnceLock::new();
    let starts = STARTS.get_or_init(|| {
        let mut starts = Box::new([0u64; 1024]);
        for text in marker_texts() {
            let at = pair_index(text.as_bytes()[0], text.as_bytes()[1]);
            starts[at / 64] |= 1 << (at % 64);
        }
        starts
    });
    value.as_bytes().windows(2).any(|pair| {
        let at = pair_index(pair[0], pair[1]);
        starts[at / 64] & (1 << (at % 64)) != 0
    })
}

/// Two bytes, ASCII letters in lower case, as an index in 0..65536.
fn pair_index(first: u8, second: u8) -> usize {
    usize::from(first.to_ascii_lowercase()) << 8 | usize::from(second.to_ascii_lowercase())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prefilter_passes_every_marker_in_any_case() {
        for text in marker_texts() {
            assert!(text.len() >= 2 && text.is_ascii(), "{text}");
            for shown in [text.to_owned(), text.to_ascii_uppercase()] {
                assert!(may_hold_marker(&format!("a {shown} b")), "{shown}");
            }
        }
        assert!(!may_hold_marker("internal"));
        assert!(!may_hold_marker("ulaw,alaw,g722"));
        assert!(placeholder("password", "CHANGEME").is_some());
        assert!(placeholder("bind", "X.X.X.X:5060").is_some());
    }
}
