use super::unauthenticated_endpoint::identified_by_name;
use super::weak_password::has_inbound_auth;
use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::{Config, Object};
use crate::syntax::LineKind;
use crate::trunks::{placeholder_host, Trunk};

pub struct TrunkMissingIdentify;

static META: RuleMeta = RuleMeta {
    name: "trunk-missing-identify",
    category: Category::Registration,
    severity: Severity::Warning,
    summary: "A trunk endpoint nothing identifies: the provider's calls get 401",
    doc: r#"# trunk-missing-identify

## What
A provider trunk's endpoint that no `type=identify` section names with `endpoint=`, and that no
registration identifies with `line=yes`.

## Why
A provider does not authenticate to you: its INVITEs arrive without credentials, from its own
addresses. Asterisk finds the endpoint for an incoming request by identify sections (source
address), by the registration's line parameter (`line=yes`), or by the From user, which for a
provider is a caller's number. With none of them matching, the log says "No matching endpoint
found" and the provider's call gets **401 Unauthorized**: registration works, inbound calls
never ring.

## Example
```ini
[provider]
type=endpoint
context=from-provider
aors=provider

[provider]
type=aor
contact=sip:sip.example.net
```

## When it does not apply
- A registration with `line=yes` and `endpoint=` naming the endpoint identifies it.
- An outbound-only endpoint: when an identify section (of another endpoint) matches the trunk's
  host, the provider's calls arrive on that endpoint and this one is not reported.
- An identify that names a missing endpoint whose name is this one's with a typo
  (`dcs-endpoint` for `dcss-endpoint`): that is `dangling-reference`'s finding.
- An identify Asterisk rejects (no `match=`, ...) still counts here: its own rule reports it.

This rule owns a trunk endpoint without any identify; when such an endpoint also has no `auth=`
and can be identified by name, its message says so too, and `unauthenticated-endpoint` (which
owns the same situation for phones and outbound-only endpoints) stays silent.

## Fix
Add an identify section matching the provider's addresses (pjsiplint's unsafe fix appends one
for the host of the registration's `server_uri` or the aor contact; replace a host name by the
provider's published IP ranges; no fix is offered when that host is a placeholder such as
`sip.example.net` or `SERVER.voip.ms`), or set `line=yes` and `endpoint=` on the registration.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for TrunkMissingIdentify {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks, Shared::Identifies]
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let identifies = cx.identifies();
        let auth = config.option_name("auth");
        let identify_by = config.option_name("identify_by");
        for trunk in &cx.trunks().list {
            if !identifies.trunk_unidentified(config, trunk) {
                continue;
            }
            let endpoint = config.objects.by_id(trunk.endpoint);
            let endpoint_id = config.object_id(endpoint);
            // Without auth and reachable by name, the same missing identify is also a way in:
            // said here (unauthenticated-endpoint leaves these endpoints to this rule).
            let open = endpoint.usable()
                && !has_inbound_auth(config, endpoint, auth)
                && identified_by_name(config, endpoint, identify_by);
            let mut message = format!(
                "no identify section names trunk endpoint '{endpoint_id}' and no registration \
                 uses `line=yes` for it: the provider's calls get \"No matching endpoint found\" \
                 and 401"
            );
            if open {
                let context = config
                    .option(endpoint, "context")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .unwrap_or("default");
                message.push_str(&format!(
                    ", while anyone who sends From user '{endpoint_id}' is taken as this trunk \
                     without a password (its calls run in context '{context}')"
                ));
            }
            let mut diagnostic = META.report(config.section(endpoint.section).name_span, message);
            if let Some(edit) = trunk
                .host
                .as_deref()
                .filter(|host| !placeholder_in_config(config, trunk, host))
                .and_then(|host| append_identify(config, endpoint, host))
            {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("append an identify section for endpoint '{endpoint_id}'"),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit],
                });
            }
            if open {
                diagnostic = diagnostic.help(
                    "with the identify in place, also set `identify_by=ip` on the endpoint so \
                     that it cannot be reached by name",
                );
            }
            out.push(diagnostic);
        }
    }
}

/// Whether the trunk's host is a placeholder (`sip.example.net`, `SERVER.voip.ms`, `<ip>`), as
/// written in the registration's `server_uri` or the aor's `contact` (the trunk's host is in
/// lower case): a `match=` built from it would be wrong.
fn placeholder_in_config(config: &Config, trunk: &Trunk, host: &str) -> bool {
    if placeholder_host(host) {
        return true;
    }
    let endpoint = config.objects.by_id(trunk.endpoint);
    let mut written: Vec<&str> = config
        .referenced(endpoint, "aors")
        .flat_map(|aor| config.option_items(aor, "contact"))
        .collect();
    if let Some(registration) = trunk.registration {
        written.extend(config.option(config.objects.by_id(registration), "server_uri"));
    }
    written.into_iter().any(|value| {
        if super::placeholder_value::placeholder("contact", value).is_some() {
            return true;
        }
        // The host as written: an upper-case name is a placeholder (`SERVER.voip.ms`).
        let lower = value.to_ascii_lowercase();
        lower
            .find(host)
            .and_then(|at| value.get(at..at + host.len()))
            .is_some_and(placeholder_host)
    })
}

/// A new `[name] type=identify` section at the end of the endpoint's file. `None` when the end
/// of that file is inside a block comment (the section would be hidden).
fn append_identify(config: &Config, endpoint: &Object, host: &str) -> Option<Edit> {
    let file_id = config.section(endpoint.section).name_span.file;
    let file = config.file(file_id);
    let last = file.syntax.lines().next_back()?;
    if file.syntax.unterminated_block.is_some() || matches!(last.kind, LineKind::Ignored(_)) {
        return None;
    }
    let endpoint_id = config.object_id(endpoint);
    let name = if config.object("identify", endpoint_id).is_none() {
        endpoint_id.to_owned()
    } else {
        format!("{endpoint_id}-identify")
    };
    let nl = file.newline();
    let body = format!("[{name}]{nl}type=identify{nl}endpoint={endpoint_id}{nl}match={host}");
    let text = if file.bytes.is_empty() {
        format!("{body}{nl}")
    } else if file.bytes.ends_with(b"\n") {
        format!("{nl}{body}{nl}")
    } else {
        // Keep the file without a final newline.
        format!("{nl}{nl}{body}")
    };
    Some(Edit::insert(file_id, file.bytes.len() as u32, text))
}
