use rustc_hash::FxHashSet as HashSet;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::model::{Config, Object};
use crate::syntax::LineKind;
use crate::trunks::TrunkReason;

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

## Fix
Add an identify section matching the provider's addresses (pjsiplint's unsafe fix appends one
for the host of the registration's `server_uri` or the aor contact; replace a host name by the
provider's published IP ranges), or set `line=yes` and `endpoint=` on the registration.
"#,
    fix: Some(Applicability::Unsafe),
};

impl Rule for TrunkMissingIdentify {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let identified: HashSet<&str> = config
            .objects
            .of_type("identify")
            .filter_map(|identify| config.option(identify, "endpoint"))
            .collect();
        for trunk in &cx.trunks.list {
            if trunk.reason == TrunkReason::RegistrationLine {
                continue;
            }
            let endpoint = config.objects.by_id(trunk.endpoint);
            let endpoint_id = config.object_id(endpoint);
            if identified.contains(endpoint_id) {
                continue;
            }
            let mut diagnostic = META.report(
                config.section(endpoint.section).name_span,
                format!(
                    "no identify section names trunk endpoint '{endpoint_id}' and no registration \
                     uses `line=yes` for it: the provider's calls get \"No matching endpoint \
                     found\" and 401"
                ),
            );
            if let Some(edit) = trunk
                .host
                .as_deref()
                .and_then(|host| append_identify(config, endpoint, host))
            {
                diagnostic = diagnostic.fix(Fix {
                    title: format!("append an identify section for endpoint '{endpoint_id}'"),
                    applicability: Applicability::Unsafe,
                    edits: vec![edit],
                });
            }
            out.push(diagnostic);
        }
    }
}

/// A new `[name] type=identify` section at the end of the endpoint's file. `None` when the end
/// of that file is inside a block comment (the section would be hidden).
fn append_identify(config: &Config, endpoint: &Object, host: &str) -> Option<Edit> {
    let file_id = config.section(endpoint.section).name_span.file;
    let file = config.file(file_id);
    let last = file.syntax.lines.last()?;
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
