use rustc_hash::FxHashSet as HashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Config, LineRef, Var};

pub struct OutboundProxyWithoutLr;

static META: RuleMeta = RuleMeta {
    name: "outbound-proxy-without-lr",
    category: Category::Registration,
    severity: Severity::Info,
    summary: "outbound_proxy without ;lr: pjsip strict-routes through the proxy",
    doc: r#"# outbound-proxy-without-lr

## What
An `outbound_proxy` (of an endpoint, an aor or a registration) whose URI has no `lr`
parameter: `outbound_proxy=sip:proxy.example.com:5070` instead of
`outbound_proxy=sip:proxy.example.com:5070\;lr`.

## Why
Asterisk hands the URI to pjsip as the first route of the request. pjsip
(pjsip/src/pjsip/sip_util.c, `pjsip_process_route_set`) treats a route without `lr` as an
RFC 2543 **strict router**: the request's Request-URI is replaced by the proxy's URI and the
real target is moved to the end of the Route header. A loose-routing proxy (nearly every proxy
and SBC today, and what every Asterisk example assumes) then sees a request addressed to itself:
depending on the proxy it is answered 404/483, routed wrongly, or repaired. Nothing is logged
at load time; the symptom is an INVITE, OPTIONS or REGISTER that goes to the proxy and fails
there. The finding says when another object of the same configuration writes the same proxy
with `\;lr`, which makes the omission very likely an accident.

## Example
```ini
[trunk]
type=aor
contact=sip:provider.example.com
outbound_proxy=sip:10.0.0.1:5070          ; the registration writes ...:5070\;lr
```

## Fix
Add the parameter, escaped so that Asterisk does not read it as a comment:
`outbound_proxy=sip:10.0.0.1:5070\;lr`.

## When it does not apply
A proxy that really is a strict router (rare, pre-RFC 3261 equipment). An `;lr` written
without the backslash is cut off as a comment: that is unescaped-semicolon's finding, not this
one. An empty `outbound_proxy=` means none. A value without `sip:` or `sips:` is no SIP URI at
all, so pjsip cannot route by it (it does not strict-route either): not this rule's.
"#,
    fix: None,
};

/// The object types with an `outbound_proxy` option.
const TYPES: &[&str] = &["endpoint", "aor", "registration"];

impl Rule for OutboundProxyWithoutLr {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let proxy = config.option_name("outbound_proxy");
        if !proxy.is_written() {
            return;
        }
        let mut with_lr: HashSet<String> = HashSet::default();
        let mut without: Vec<&Var> = Vec::new();
        let mut seen: HashSet<LineRef> = HashSet::default();
        for kind in TYPES {
            for object in config.of_type_warm(kind).filter(|o| o.usable()) {
                let Some(var) = config.option_var(object, proxy) else {
                    continue;
                };
                let uri = config.value(var).trim();
                // Without a scheme pjsip cannot read it as a route at all: no strict routing.
                let scheme = uri.trim_start_matches('<').to_ascii_lowercase();
                if !(scheme.starts_with("sip:") || scheme.starts_with("sips:")) {
                    continue;
                }
                if has_lr(uri) {
                    with_lr.insert(without_params(uri).to_ascii_lowercase());
                } else if !lr_cut_as_comment(config, var) && seen.insert(var.origin) {
                    without.push(var);
                }
            }
        }
        for var in without {
            let uri = config.value(var).trim();
            let elsewhere = with_lr.contains(&without_params(uri).to_ascii_lowercase());
            let message = format!(
                "`outbound_proxy={uri}` has no `;lr`: pjsip strict-routes through it, sending \
                 requests with the proxy's URI as Request-URI and the real target in a Route \
                 header{}",
                if elsewhere {
                    " (other objects here write the same proxy with `\\;lr`)"
                } else {
                    ""
                }
            );
            out.push(
                META.report(config.value_span(var), message)
                    .label("no ;lr")
                    .help(format!("write `{uri}\\;lr`")),
            );
        }
    }
}

/// Whether the URI (up to its headers) has an `lr` parameter.
fn has_lr(uri: &str) -> bool {
    let uri = uri.trim_start_matches('<');
    let before_headers = uri.split(['?', '>']).next().unwrap_or_default();
    before_headers.split(';').skip(1).any(|param| {
        let name = param.split('=').next().unwrap_or_default().trim();
        name.eq_ignore_ascii_case("lr")
    })
}

/// The URI without its parameters: the proxy it names.
fn without_params(uri: &str) -> &str {
    uri.trim_start_matches('<')
        .split([';', '>', '?'])
        .next()
        .unwrap_or_default()
        .trim()
}

/// Whether the line goes on with an unescaped `;lr`, which Asterisk read as a comment
/// (unescaped-semicolon reports it).
fn lr_cut_as_comment(config: &Config, var: &Var) -> bool {
    // For a wizard's object, the wizard line the value was copied from.
    let span = config.written_at(config.value_span(var));
    let bytes = &config.file(span.file).bytes[..];
    bytes
        .get(span.end as usize..)
        .is_some_and(|rest| rest.trim_ascii_start().starts_with(b";lr"))
}
