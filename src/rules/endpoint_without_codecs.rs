use rustc_hash::FxHashMap as HashMap;

use super::{Category, Context, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::OptionName;
use crate::model::{Config, LineRef, Object, SectionId, Var};
use crate::schema::codec_cap;

pub struct EndpointWithoutCodecs;

static META: RuleMeta = RuleMeta {
    name: "endpoint-without-codecs",
    category: Category::Call,
    severity: Severity::Warning,
    summary: "An endpoint with no allow= (own or inherited): no codecs, every call fails with 488",
    doc: r#"# endpoint-without-codecs

## What
An endpoint that Asterisk loads but whose `allow` and `disallow` lines (its own and those it
inherits from templates, in order) leave it with no codec at all: no `allow=` anywhere, or a
`disallow=all` (or `allow=!all`) after the last codec it allowed. `pjsip show endpoint` prints
`allow : (nothing)`.

## Why
A PJSIP endpoint starts with no codecs: the `allow` option has an empty default
(res/res_pjsip/pjsip_configuration.c registers it with `""`), unlike chan_sip's peers, which
inherited the `[general]` codecs. Nothing is logged at load time. The phone registers fine, but
every call fails in SDP negotiation: for an incoming INVITE res/res_pjsip_sdp_rtp.c logs
`No joint capabilities for 'audio' media stream between our configuration((nothing)) and
incoming SDP(...)` and the caller gets **488 Not Acceptable Here**; calls to the endpoint fail
too, since there is no codec to offer.

Endpoints that no call can reach or come from (no `aors`, no `auth`, no identify or
registration names them, not `anonymous`), like FreePBX's provisioning-only `dpma_endpoint`,
are left out.

(A missing `disallow=all` is not this mistake and not worth a finding: since the list starts
empty, `disallow=all` before the first `allow` changes nothing.)

## Example
```ini
[6001]
type=endpoint
context=internal
auth=6001
aors=6001
disallow=all        ; and no allow= line
```

## Fix
Add the codecs the phone speaks, e.g. `allow=ulaw,alaw` (add `opus` or `g722` if they are
installed and the phone uses them). When many endpoints share a template, add the line to the
template once.

## When it does not apply
Endpoints Asterisk rejects (their own findings say why), and endpoints no call can reach or
come from: no `aors` and no `auth` on their last such line (each line replaces the list), not
named by an identify or a registration, not `anonymous`. Codecs browsers cannot speak are
`webrtc-codecs`; `disallow=all` with codecs allowed after it is fine.
"#,
    fix: None,
};

impl Rule for EndpointWithoutCodecs {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        let calls = CallEndpoints::new(config);
        let mut codecs = HasCodecs::new(config);
        let mut found = Vec::new();
        // Every endpoint's codec lines are read: their memory is asked for ahead.
        for endpoint in config.of_type_warm("endpoint").filter(|e| e.usable()) {
            if !calls.takes_calls(config, endpoint) || codecs.check(config, endpoint) {
                continue;
            }
            // A wizard whose `allow` line the wizard ignores: wizard-ignored-line's finding.
            if crate::wizard::wizard_of(config, endpoint)
                .is_some_and(|wizard| wizard.has_ignored("allow"))
            {
                continue;
            }
            let lines = codec_lines(config, endpoint);
            // The line that removed the last codec, when there were codecs to remove.
            let culprit = lines
                .iter()
                .any(|&(allow, _)| allow)
                .then(|| lines.last().map(|&(_, var)| var))
                .flatten();
            found.push((0, endpoint, culprit));
        }
        for group in group_endpoints(config, found) {
            let message = match group.var {
                None => format!(
                    "no `allow=` line for {}: no codecs, so every call fails with 488 Not \
                     Acceptable Here",
                    group.phrase(config)
                ),
                Some(var) => format!(
                    "`{}={}` leaves no codecs for {}: every call fails with 488 Not \
                     Acceptable Here",
                    config.key(var),
                    config.value(var).trim(),
                    group.phrase(config)
                ),
            };
            out.push(
                group
                    .report(&META, config, message)
                    .label(if group.var.is_some() {
                        "removes the last codec"
                    } else {
                        "no allow="
                    })
                    .help("add the codecs the phones speak, e.g. `allow=ulaw,alaw`"),
            );
        }
    }
}

/// The endpoints that calls can reach or come from: those with an aor (a phone, or a trunk's
/// contact), with inbound `auth`, named by an identify or a registration's `endpoint=`, or named
/// `anonymous` (res_pjsip_endpoint_identifier_anonymous). Left out: helper endpoints nothing
/// routes calls to, like FreePBX's `dpma_endpoint` (phone provisioning only).
pub(super) struct CallEndpoints<'a> {
    /// The endpoints identifies and registrations name: made when an endpoint without `aors`
    /// and `auth` first asks. Endpoints have them as a rule (a phone, a trunk), and reading
    /// every identify's and registration's `endpoint=` was a third of this rule on 25k trunks.
    named: std::cell::OnceCell<rustc_hash::FxHashSet<&'a str>>,
    aors: OptionName<'a>,
    auth: OptionName<'a>,
}

impl<'a> CallEndpoints<'a> {
    pub fn new(config: &'a Config) -> Self {
        CallEndpoints {
            named: std::cell::OnceCell::new(),
            aors: config.option_name("aors"),
            auth: config.option_name("auth"),
        }
    }

    pub fn takes_calls(&self, config: &'a Config, endpoint: &'a Object) -> bool {
        // `has_items` reads the last `aors=` and `auth=` lines, the ones Asterisk keeps (each
        // replaces the list), from the references: no value of the endpoint is read for the
        // many endpoints whose names resolve.
        config.has_items(endpoint, self.aors)
            || config.has_items(endpoint, self.auth)
            || config.object_id(endpoint) == "anonymous"
            || self
                .named
                .get_or_init(|| named_by_identifies_and_registrations(config))
                .contains(config.object_id(endpoint))
    }
}

/// The endpoint names of the usable identifies and registrations (`endpoint=`, trimmed).
fn named_by_identifies_and_registrations(config: &Config) -> rustc_hash::FxHashSet<&str> {
    let endpoint = config.option_name("endpoint");
    config
        .objects
        .of_type("identify")
        .chain(config.of_type_warm("registration"))
        .filter(|o| o.usable())
        .filter_map(|o| config.option(o, endpoint))
        .map(str::trim)
        .collect()
}

/// Whether endpoints are left with a codec. Endpoints built on one template (or wizard
/// template) share its codec lines, so each list of lines is worked out once; endpoints that
/// each write the same `allow=` text share the answer too (a list of sixteen codecs is a few
/// thousand instructions to read).
struct HasCodecs<'a> {
    allow: OptionName<'a>,
    disallow: OptionName<'a>,
    by_lines: HashMap<Vec<LineRef>, bool>,
    by_values: HashMap<Vec<(bool, &'a str)>, bool>,
    /// The codec lines of the endpoint being checked (kept to reuse the allocation).
    lines: Vec<LineRef>,
}

impl<'a> HasCodecs<'a> {
    fn new(config: &'a Config) -> Self {
        HasCodecs {
            allow: config.option_name("allow"),
            disallow: config.option_name("disallow"),
            by_lines: HashMap::default(),
            by_values: HashMap::default(),
            lines: Vec::new(),
        }
    }

    fn check(&mut self, config: &'a Config, endpoint: &Object) -> bool {
        self.lines.clear();
        // Only a list of shared lines can be another endpoint's too. Endpoints that write
        // their codec lines themselves are left out of `by_lines`, where each kept a list no
        // other would ask for (100k lists on a configuration without templates); `by_values`
        // still shares their answer.
        let mut shared = true;
        for var in config.vars(config.section(endpoint.section)) {
            if self.allow.names(var) || self.disallow.names(var) {
                match config.line_shared_with_others(var) {
                    Some(line) => self.lines.push(line),
                    None => shared = false,
                }
            }
        }
        if shared {
            if let Some(&known) = self.by_lines.get(self.lines.as_slice()) {
                return known;
            }
        }
        let ops = codec_ops(config, &codec_lines(config, endpoint));
        let has = match self.by_values.get(&ops) {
            Some(&known) => known,
            None => {
                let has = !codec_cap(&ops).is_empty();
                self.by_values.insert(ops, has);
                has
            }
        };
        if shared {
            self.by_lines.insert(self.lines.clone(), has);
        }
        has
    }
}

/// The endpoints Asterisk loads (findings about the others would be noise: they do not exist).
pub(super) fn loaded_endpoints(config: &Config) -> impl Iterator<Item = &Object> {
    config
        .objects
        .of_type("endpoint")
        .filter(|endpoint| endpoint.usable())
}

/// An endpoint's `allow` (`true`) and `disallow` (`false`) lines, inherited first, in order.
pub(super) fn codec_lines<'a>(config: &'a Config, endpoint: &Object) -> Vec<(bool, &'a Var)> {
    config
        .vars(config.section(endpoint.section))
        .iter()
        .filter_map(|var| {
            let key = config.key(var);
            if key.eq_ignore_ascii_case("allow") {
                Some((true, var))
            } else if key.eq_ignore_ascii_case("disallow") {
                Some((false, var))
            } else {
                None
            }
        })
        .collect()
}

/// The codecs these lines leave the endpoint with, in preference order (lower case), as
/// `pjsip show endpoint` prints them (`crate::schema::show_codecs`).
pub(super) fn endpoint_codecs(config: &Config, lines: &[(bool, &Var)]) -> Vec<String> {
    codec_cap(&codec_ops(config, lines))
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The `(allow, value)` of each line, as [`codec_cap`] reads them.
fn codec_ops<'a>(config: &'a Config, lines: &[(bool, &'a Var)]) -> Vec<(bool, &'a str)> {
    lines
        .iter()
        .map(|&(allow, var)| (allow, config.value(var)))
        .collect()
}

/// Endpoints with the same finding. A template line inherited by a hundred endpoints, or a
/// template that a hundred endpoints inherit without adding the missing option, is one finding.
pub(super) struct EndpointGroup<'a> {
    /// In load order; never empty.
    pub objects: Vec<&'a Object>,
    /// The line at fault (as the first endpoint holds it), when the finding is about a line.
    pub var: Option<&'a Var>,
    /// The section the endpoints inherit from, when the finding is about something missing
    /// and they share a template.
    pub template: Option<SectionId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GroupKey {
    /// The same inherited line.
    Line(LineRef),
    /// Missing from every endpoint built on this template.
    Template(SectionId),
    /// One endpoint's own problem.
    Own(SectionId),
}

/// Groups `(tag, endpoint, line at fault)` findings; only findings with the same `tag` (the
/// kind of finding, as the rule numbers them) share a group.
pub(super) fn group_endpoints<'a>(
    config: &'a Config,
    found: impl IntoIterator<Item = (u32, &'a Object, Option<&'a Var>)>,
) -> Vec<EndpointGroup<'a>> {
    let mut groups: Vec<EndpointGroup<'a>> = Vec::new();
    let mut index: HashMap<(u32, GroupKey), usize> = HashMap::default();
    for (tag, object, var) in found {
        let section = config.section(object.section);
        let template = config
            .bases(section)
            .iter()
            .find_map(|base| base.resolved());
        let key = match var {
            Some(var) if var.is_inherited() => GroupKey::Line(var.origin),
            Some(_) => GroupKey::Own(object.section),
            None => template.map_or(GroupKey::Own(object.section), GroupKey::Template),
        };
        match index.get(&(tag, key)) {
            Some(&at) => groups[at].objects.push(object),
            None => {
                index.insert((tag, key), groups.len());
                groups.push(EndpointGroup {
                    objects: vec![object],
                    var,
                    template: if var.is_none() { template } else { None },
                });
            }
        }
    }
    groups
}

impl EndpointGroup<'_> {
    /// "endpoint '6001'", or "endpoint '6001' and 3 other endpoints using this line" /
    /// "... built on [phone]".
    pub fn phrase(&self, config: &Config) -> String {
        let first = self.objects[0];
        match (self.objects.len(), self.template) {
            (1, _) => format!("endpoint '{}'", config.object_id(first)),
            (n, Some(template)) => format!(
                "endpoint '{}' and {} other endpoint{} built on [{}]",
                config.object_id(first),
                n - 1,
                if n == 2 { "" } else { "s" },
                config.section_name(config.section(template))
            ),
            (n, None) => format!(
                "endpoint '{}' and {} other endpoint{} using this line",
                config.object_id(first),
                n - 1,
                if n == 2 { "" } else { "s" }
            ),
        }
    }

    /// A diagnostic at the line at fault (or the first endpoint's header), with a label at the
    /// section that inherited the line, or at the shared template.
    pub fn report(&self, meta: &'static RuleMeta, config: &Config, message: String) -> Diagnostic {
        let first = self.objects[0];
        let section = config.section(first.section);
        match self.var {
            Some(var) => meta
                .report(config.key_span(var), message)
                .also(super::inherited_label(config, first.section, var)),
            None => {
                let mut diagnostic = meta.report(section.name_span, message);
                if let (Some(template), true) = (self.template, self.objects.len() > 1) {
                    diagnostic = diagnostic.secondary(
                        config.section(template).name_span,
                        format!(
                            "{} endpoints built on [{}] lack it: adding it here fixes them all",
                            self.objects.len(),
                            config.section_name(config.section(template))
                        ),
                    );
                }
                diagnostic
            }
        }
    }
}
