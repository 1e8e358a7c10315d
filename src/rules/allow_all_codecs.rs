use rustc_hash::FxHashMap as HashMap;

use super::endpoint_without_codecs::{group_endpoints, CallEndpoints};
use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Config, LineRef, Var};
use crate::schema::codec_item;

pub struct AllowAllCodecs;

static META: RuleMeta = RuleMeta {
    name: "allow-all-codecs",
    category: Category::Call,
    severity: Severity::Info,
    summary: "allow=all gives an endpoint every codec Asterisk has, video and text included",
    doc: r#"# allow-all-codecs

## What
An endpoint that calls can reach or come from whose `allow` lines (its own and inherited, in
order) end with `all` allowed: `allow=all`, or `allow=ulaw,alaw` followed by `allow=all`,
with no later `disallow=all`.

## Why
`all` is not "the usual audio codecs": main/format_cap.c `ast_format_cap_update_by_allow_disallow`
hands it to `ast_format_cap_append_by_type(cap, AST_MEDIA_TYPE_UNKNOWN)`, which appends every
format Asterisk knows, of every media type: audio, video (h264, vp8, ...), images and text.
`pjsip show endpoint` then prints dozens of codecs. The endpoint's offers carry all of them,
and a video stream (res/res_pjsip_session.c builds the offer's streams from the endpoint's
codecs), so a provider or phone gets an SDP it did not ask for, and Asterisk may pick a codec
that needs transcoding. Written after a careful list (`allow=alaw`, `allow=ulaw`,
`allow=all`, as chan_sip conversion scripts write it), the list keeps its order but the
rest is appended behind it. Nothing is logged.

## Example
```ini
[6001]
type=endpoint
context=internal
allow=alaw
allow=ulaw
allow=all          ; and every other codec, video included
auth=6001
aors=6001
```

## Fix
List the codecs the other side speaks and drop `all`: `allow=alaw,ulaw` (add `g722`, `opus`
or a video codec where the phone uses them).

## When it does not apply
An endpoint that no call can reach or come from (no `aors`, no `auth`, no identify or
registration names it, not `anonymous`), and one whose `all` is taken back by a later
`disallow=all`. A lab box that wants to try every codec may suppress it. An endpoint left with
no codec at all is endpoint-without-codecs'.
"#,
    fix: None,
};

impl Rule for AllowAllCodecs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let calls = CallEndpoints::new(config);
        let allow = config.option_name("allow");
        let disallow = config.option_name("disallow");
        // Whether each codec line (by the line it reads as: a template's line is shared by
        // every endpoint built on it, a wizard template's by every wizard's) allows `all` (`Some(true)`), takes it back
        // (`Some(false)`), or does neither.
        let mut said: HashMap<LineRef, Option<bool>> = HashMap::default();
        let mut found = Vec::new();
        // Every endpoint's codec lines are read: their memory is asked for ahead.
        for endpoint in config.of_type_warm("endpoint").filter(|e| e.usable()) {
            let mut allowed_all = None;
            for var in config.vars(config.section(endpoint.section)) {
                let allowing = allow.names(var);
                if !allowing && !disallow.names(var) {
                    continue;
                }
                // Kept only for a line other endpoints share.
                let says = match config.line_shared_with_others(var) {
                    Some(line) => *said
                        .entry(line)
                        .or_insert_with(|| says_all(config, allowing, var)),
                    None => says_all(config, allowing, var),
                };
                match says {
                    Some(true) => allowed_all = Some(var),
                    Some(false) => allowed_all = None,
                    None => {}
                }
            }
            if let Some(var) = allowed_all {
                if calls.takes_calls(config, endpoint) {
                    found.push((0, endpoint, Some(var)));
                }
            }
        }
        // One finding for the whole configuration: the same choice made on forty phones is one
        // thing to change, shown at each line that makes it.
        let groups = group_endpoints(config, found);
        let Some(first) = groups.first() else {
            return;
        };
        let total: usize = groups.iter().map(|group| group.objects.len()).sum();
        let whom = match total {
            1 => format!("endpoint '{}'", config.object_id(first.objects[0])),
            n => format!(
                "endpoint '{}' and {} other endpoint{}",
                config.object_id(first.objects[0]),
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        };
        let message = format!(
            "`allow=all` gives {whom} every codec Asterisk has, video and text included: \
             {} offers carry them all, and a video stream",
            if total == 1 { "its" } else { "their" }
        );
        let mut diagnostic = first
            .report(&META, config, message)
            .label("every codec of every media type")
            .help("list the codecs the other side speaks instead, e.g. `allow=ulaw,alaw`");
        for group in &groups[1..] {
            if let Some(var) = group.var {
                diagnostic = diagnostic.secondary(
                    config.key_span(var),
                    format!("also `allow=all`: {}", group.phrase(config)),
                );
            }
        }
        out.push(diagnostic);
    }
}

/// What a codec line does with `all`: allows it (`Some(true)`), takes it back (`Some(false)`),
/// or neither. The last `all` item of the line decides.
fn says_all(config: &Config, allowing: bool, var: &Var) -> Option<bool> {
    let value = config.value(var);
    // Most lines name codecs only: no item can be `all` without the three letters.
    if !value
        .as_bytes()
        .windows(3)
        .any(|window| window.eq_ignore_ascii_case(b"all"))
    {
        return None;
    }
    let mut says = None;
    for item in value.split([',', '|']) {
        let Ok((negated, name)) = codec_item(item.trim()) else {
            continue;
        };
        if name.eq_ignore_ascii_case("all") {
            says = Some(allowing != negated);
        }
    }
    says
}
