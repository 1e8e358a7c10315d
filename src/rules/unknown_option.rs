use rustc_hash::FxHashMap as HashMap;

use super::{problem_groups, report_group, Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::{Applicability, Edit, Fix};
use crate::schema::{closest_option, schema};
use crate::validate::ProblemKind;

pub struct UnknownOption;

static META: RuleMeta = RuleMeta {
    name: "unknown-option",
    category: Category::Schema,
    severity: Severity::Error,
    summary: "An option the object's type does not have: Asterisk rejects the whole object",
    doc: r#"# unknown-option

## What
A key that is not an option of the section's object type (names are compared without regard to
case; keys starting with `@` are free-form extension fields and always allowed).

## Why
Sorcery applies each line through the type's option table. An unknown key logs "Could not find
option suitable for category '1004' named 'outbund_proxy' at line 12" and **the whole object is
rejected**: an endpoint with one typo does not exist, so its phone's calls get "No matching
endpoint found" and 401/403. Options pasted from chan_sip's sip.conf (`secret`, `host`, `nat`,
`canreinvite`, `dtmfmode`, `insecure`, ...) and options that belong to another type
(`max_contacts` on an auth) are the usual causes.

## Example
```ini
[1004]
type=endpoint
outbund_proxy=sip:proxy.example.com\;lr
```

## Fix
Use the option's pjsip name (`outbound_proxy`), or move it to the section type it belongs to.
pjsiplint offers the rename as an unsafe fix when exactly one option name is close.

## When it does not apply
- Keys starting with `@` (free-form extension fields).
- An option of this type that only a different Asterisk version has: option-not-in-version.
- A section Asterisk does not load at all (no `type=`, an unknown type): missing-type and
  unknown-type say so.
- The references to the rejected object (`auth=` naming it) are shown with this finding, not
  reported by dangling-reference.
"#,
    fix: Some(Applicability::Unsafe),
};

/// chan_sip (sip.conf) options people paste into pjsip.conf, and what pjsip uses instead.
const CHAN_SIP: &[(&str, &str)] = &[
    (
        "secret",
        "`password` in a `type=auth` section named by the endpoint's `auth=`",
    ),
    (
        "host",
        "`contact=sip:HOST` in a `type=aor` section, or `server_uri` in a registration",
    ),
    (
        "nat",
        "`rtp_symmetric=yes`, `force_rport=yes` and `rewrite_contact=yes`",
    ),
    ("canreinvite", "`direct_media`"),
    ("directmedia", "`direct_media`"),
    ("dtmfmode", "`dtmf_mode` (rfc2833 is `rfc4733`)"),
    (
        "insecure",
        "a `type=identify` section that matches the provider's address",
    ),
    ("fromuser", "`from_user`"),
    ("fromdomain", "`from_domain`"),
    ("defaultuser", "`username` in the auth, or `from_user`"),
    ("qualify", "`qualify_frequency` in the aor"),
    ("qualifyfreq", "`qualify_frequency` in the aor"),
    (
        "port",
        "the port in the aor's `contact=` or the transport's `bind`",
    ),
    ("mailbox", "`mailboxes`"),
    ("outboundproxy", "`outbound_proxy`"),
    ("sendrpid", "`send_rpid`"),
    ("trustrpid", "`trust_id_inbound`"),
    ("progressinband", "`inband_progress`"),
    ("encryption", "`media_encryption`"),
    ("avpf", "`use_avpf`"),
    ("icesupport", "`ice_support`"),
    ("rtptimeout", "`rtp_timeout`"),
    ("call-limit", "`device_state_busy_at`"),
    ("allowguest", "an endpoint named `anonymous`"),
    ("register", "a `type=registration` section"),
    ("session-timers", "`timers`"),
    ("session-expires", "`timers_sess_expires`"),
    ("session-minse", "`timers_min_se`"),
];

impl Rule for UnknownOption {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // The suggestions for each (type, key), worked out once (100k lines of one unknown key).
        let mut closest: HashMap<(&str, &str), Vec<&str>> = HashMap::default();
        // The last two lines of each rename target per section (see the fix below).
        #[allow(clippy::type_complexity)]
        let mut written: HashMap<
            (crate::model::SectionId, &str),
            (Option<&crate::model::Var>, Option<&crate::model::Var>),
        > = HashMap::default();
        for group in problem_groups(cx, |kind| *kind == ProblemKind::UnknownOption) {
            let Some(var) = group.var(config) else {
                continue;
            };
            let key = config.key(var);
            let kind = &group.objects[0].kind_name();
            let Some(ty) = schema().object_type(kind) else {
                continue;
            };
            let suggestions = closest
                .entry((ty.name.as_str(), key))
                .or_insert_with(|| closest_option(ty, key, cx.asterisk_version));
            let lower = key.to_ascii_lowercase();
            let chan_sip = CHAN_SIP.iter().find(|(name, _)| *name == lower);
            let elsewhere: Vec<&str> = schema()
                .object_types()
                .filter(|other| other.in_pjsip_conf && other.name != *kind)
                .filter(|other| other.option(key).is_some())
                .map(|other| other.name.as_str())
                .collect();
            let hint = if *kind == "endpoint" && lower == "inbound_auth" {
                " (pjsip_wizard.conf's spelling: in pjsip.conf an endpoint's inbound auth is `auth`)"
                    .to_owned()
            } else if let Some((_, instead)) = chan_sip {
                format!(" (a chan_sip option; pjsip uses {instead})")
            } else if let [one] = suggestions.as_slice() {
                format!(" (did you mean `{one}`?)")
            } else if !suggestions.is_empty() {
                format!(" (did you mean one of: `{}`?)", suggestions.join("`, `"))
            } else if !elsewhere.is_empty() {
                format!(
                    " (`{key}` belongs to {}, not {})",
                    article_list(&elsewhere),
                    article(kind)
                )
            } else {
                String::new()
            };
            let message = format!(
                "Asterisk rejects {}: unknown option `{key}`{hint}",
                group.objects_phrase(config)
            );
            let mut diagnostic = report_group(&META, config, &group, message)
                .label(format!("not an option of {}", article(kind)));
            // `inbound_auth` (pjsip_wizard.conf's spelling) means an endpoint's `auth`, whatever
            // the spelling says it is closest to.
            let wizard_auth = *kind == "endpoint" && lower == "inbound_auth";
            let target = if wizard_auth {
                Some("auth")
            } else if let ([one], None) = (suggestions.as_slice(), chan_sip) {
                Some(*one)
            } else {
                None
            };
            if let Some(target) = target {
                // A rename to an option the object has already would make two lines of it (one
                // lost): when the other line says the same, this one goes; else no fix.
                // Once per section and name: a section of 100k unknown lines is 100k groups.
                let object = group.objects[0];
                let (last, before_last) =
                    *written.entry((object.section, target)).or_insert_with(|| {
                        let mut lines = config.option_vars(object, target);
                        let last = lines.next_back();
                        (last, lines.next_back())
                    });
                let existing = match last {
                    Some(line) if std::ptr::eq(line, var) => before_last,
                    other => other,
                };
                match existing {
                    None => {
                        diagnostic = diagnostic.fix(Fix {
                            title: format!("rename `{key}` to `{target}`"),
                            applicability: Applicability::Unsafe,
                            edits: vec![Edit {
                                span: config.key_span(var),
                                replacement: target.to_owned(),
                            }],
                        });
                    }
                    Some(other) if config.value(other).trim() == config.value(var).trim() => {
                        if let Some(edit) = crate::fix::edits::delete_line(config, var.origin) {
                            diagnostic = diagnostic.fix(Fix {
                                title: format!("remove `{key}` (`{target}` says the same already)"),
                                applicability: Applicability::Unsafe,
                                edits: vec![edit],
                            });
                        }
                    }
                    Some(_) => {}
                }
            }
            out.push(diagnostic);
        }
    }
}

/// "an aor", "an endpoint", "a registration".
fn article(kind: &str) -> String {
    let vowel = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if vowel { "an" } else { "a" })
}

fn article_list(kinds: &[&str]) -> String {
    let named: Vec<String> = kinds.iter().map(|kind| article(kind)).collect();
    named.join(" or ")
}
