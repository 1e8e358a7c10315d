use super::weak_password::has_inbound_auth;
use super::{Category, Context, Rule, RuleMeta, Shared};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lookup::AsOptionName;
use crate::model::{Config, Object};
use crate::trunks::TrunkReason;

pub struct UnauthenticatedEndpoint;

static META: RuleMeta = RuleMeta {
    name: "unauthenticated-endpoint",
    category: Category::Security,
    severity: Severity::Warning,
    summary: "An endpoint with no auth= and no identify: anyone can call as it by its name",
    doc: r#"# unauthenticated-endpoint

## What
A loaded endpoint that

- has no `auth=` (or an empty one: the last `auth` line is the one Asterisk keeps),
- is not named by the `endpoint=` of any `type=identify`,
- and can be identified by name: its `identify_by` (default `username,ip`) contains
  `username` or `auth_username`.

Endpoints named `anonymous` are left to `anonymous-endpoint`; an `auth=` naming a missing auth
is `dangling-reference`'s business. An endpoint found by an identify or by its registration's
`line=yes` is reported too when its `identify_by` still holds `username` (see below).

## Why
Asterisk picks the endpoint of an incoming request by the user part of its From header (and,
with `auth_username`, by the Authorization username): res_pjsip_endpoint_identifier_user.c
looks up the endpoint whose name is that user, on whatever transport the request came in. An
endpoint without `auth=` is never challenged (res_pjsip_authenticator_digest.c requires
authentication only from endpoints with at least one inbound auth), so anyone who can send a
packet to Asterisk and writes `From: <sip:6001@pbx>` is endpoint 6001: their INVITE runs in
its `context`, their REGISTER takes over its calls. Removing `username` from the global `endpoint_identifier_order` does not
help: identifiers missing from that list still run, after the listed ones (res_pjsip.c,
`ast_sip_register_endpoint_identifier_with_name`). Nothing is logged: the calls look like
normal calls from the phone.

Endpoints matched by address (a `type=identify` with `match=`) are how providers and gateways
are meant to be identified, but an identify does not stop identification by name: the
identifiers run one after the other (the ip one first by default), and a request from any
other address still finds the endpoint by its From user when its `identify_by` holds
`username`. Such an endpoint without `auth=` is reported too, at its `identify_by` line (or its
header when the default applies). Every endpoint left at the default is the same choice, so they are
one finding, at the first, with a label at each of the others.

An identify whose `match` holds every address (`0.0.0.0/0`, `::/0`) lets everyone in, whatever
`identify_by` says: that is reported at the `match` line, and `identify_by=ip` is no fix there.

## When it does not apply
- An endpoint with `auth=`: it is challenged, whichever way it was found.
- `identify_by=ip` (or `header`, without `username`/`auth_username`).
- A provider trunk that nothing identifies: `trunk-missing-identify` owns it (its message says
  that it is also reachable by name); this rule stays silent there, one finding per mistake.
- A registration with `line=yes` naming the endpoint and `identify_by=ip`: the line picks out
  the provider's requests, and nothing else reaches it (with `username` in `identify_by`, the
  name still does, and that is reported).
- `anonymous`: `anonymous-endpoint`'s.

## Example
```ini
[6001]
type=endpoint
context=internal
aors=6001          ; no auth=, no identify
```

## Fix
Give the endpoint an `auth=` with a strong password. For a provider or a gateway that cannot
authenticate, add a `type=identify` with its addresses in `match=` and set `identify_by=ip` on
the endpoint so that it cannot be reached by name.
"#,
    fix: None,
};

/// Whether Asterisk can pick this endpoint by a name in the request (From user or Authorization
/// username): its `identify_by` (default `username,ip`) holds `username` or `auth_username`.
pub(super) fn identified_by_name<'a>(
    config: &'a Config,
    endpoint: &Object,
    identify_by: impl AsOptionName<'a>,
) -> bool {
    let methods = config
        .option(endpoint, identify_by)
        .unwrap_or("username,ip");
    methods.split(',').map(str::trim).any(|method| {
        method.eq_ignore_ascii_case("username") || method.eq_ignore_ascii_case("auth_username")
    })
}

/// An endpoint without `auth=` that an identify matches from every address: not a hole by name
/// but a door open to everyone.
fn reachable_from_everywhere(
    config: &Config,
    endpoint: &Object,
    every: &crate::model::Var,
) -> Diagnostic {
    let id = config.object_id(endpoint);
    let context = context_of(config, endpoint);
    META.report(
        config.value_span(every),
        format!(
            "endpoint '{id}' has no `auth=` and an identify matches it from every address \
             (`match={}`): Asterisk takes every request from anywhere as it, without a password \
             (its calls run in context '{context}')",
            config.value(every).trim()
        ),
    )
    .label("every address")
    .secondary(
        config.section(endpoint.section).name_span,
        format!("endpoint '{id}', no auth="),
    )
    .help("limit `match=` to the addresses of the device or provider, or give the endpoint an `auth=`")
}

/// The dialplan context the endpoint's calls run in (`default` when none is written).
fn context_of<'a>(config: &'a Config, endpoint: &Object) -> &'a str {
    config
        .option(endpoint, "context")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .unwrap_or("default")
}

/// Endpoints named `anonymous` (or `anonymous@domain`) take requests no other endpoint matched.
pub(super) fn is_anonymous(config: &Config, endpoint: &Object) -> bool {
    let id = config.object_id(endpoint);
    id == "anonymous" || id.starts_with("anonymous@")
}

/// An endpoint an identify matches by address, without `auth=`, whose `identify_by` still holds
/// `username` (or `auth_username`): the identify lets the provider in, the name lets anyone in.
fn reachable_by_name<'a>(
    config: &'a Config,
    endpoint: &'a Object,
    identify_by: crate::lookup::OptionName<'a>,
    found_by: FoundBy,
) -> Diagnostic {
    let id = config.object_id(endpoint);
    let context = context_of(config, endpoint);
    let line = config.option_var(endpoint, identify_by);
    let (by, span) = match line {
        Some(var) => (
            format!("`identify_by={}`", config.value(var).trim()),
            config.value_span(var),
        ),
        None => (
            "`identify_by` (default `username,ip`)".to_owned(),
            config.section(endpoint.section).name_span,
        ),
    };
    // The ip identifier does not read `identify_by` (res_pjsip_endpoint_identifier_ip.c
    // `common_identify`; since Asterisk 16 listing `ip` there is documentation only): the
    // identify matches either way, and `username` in it is what opens the endpoint by name.
    // The line identifier (res_pjsip_outbound_registration.c `line_identify`) does not read
    // `identify_by` either: it is one more identifier, and the username one still runs.
    let (how, still) = match found_by {
        FoundBy::Identify => (
            "an identify matches it by address",
            "the identify's addresses still match",
        ),
        FoundBy::RegistrationLine => (
            "its registration's `line=yes` picks out the provider's requests",
            "the line still picks out the provider's requests",
        ),
    };
    let message = format!(
        "endpoint '{id}' has no `auth=`: {how}, but its {by} also identifies it by name, so \
         anyone who sends From user '{id}' from any address is taken as it without a password \
         (its calls run in context '{context}')"
    );
    META.report(span, message)
        .label(format!("'{id}' is reachable by name"))
        .help(format!("set `identify_by=ip` on the endpoint: {still}"))
}

/// How the provider's requests find an endpoint that is also reachable by name.
#[derive(Clone, Copy)]
enum FoundBy {
    Identify,
    RegistrationLine,
}

impl Rule for UnauthenticatedEndpoint {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn reads(&self) -> &'static [Shared] {
        &[Shared::Trunks, Shared::Identifies]
    }

    fn is_long(&self) -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let config = cx.config;
        // A part of pjsip.conf linted alone (a FreePBX `pjsip.endpoint.conf`) with no identify:
        // an endpoint that names objects this part lacks (its aor, its outbound auth) has its
        // identify in another part too, and which endpoints they match is unknown here.
        let part_without_identify =
            config.is_part_of_pjsip_conf() && config.objects.of_type("identify").next().is_none();
        let identifies = cx.identifies();
        let auth = config.option_name("auth");
        let identify_by = config.option_name("identify_by");
        // Endpoints matched by address that the default `identify_by` leaves reachable by name:
        // the same choice left at its default on every trunk, so one finding for them all.
        let mut by_default: Vec<Diagnostic> = Vec::new();
        for (index, endpoint) in config.objects.list.iter().enumerate() {
            if endpoint.kind_name() != "endpoint" || !endpoint.usable() {
                continue;
            }
            // The lines before the id: reading the id is a wait on the file's text, which the
            // endpoints with `auth=` never need.
            if has_inbound_auth(config, endpoint, auth) || is_anonymous(config, endpoint) {
                continue;
            }
            if let Some(every) = identifies.matched_from_everywhere(config.object_id(endpoint)) {
                out.push(reachable_from_everywhere(config, endpoint, every));
                continue;
            }
            if (part_without_identify
                && config
                    .objects
                    .references(endpoint)
                    .iter()
                    .any(|r| r.target().is_none()))
                || !identified_by_name(config, endpoint, identify_by)
            {
                continue;
            }
            if identifies.names_id(config.object_id(endpoint)) {
                let found = reachable_by_name(config, endpoint, identify_by, FoundBy::Identify);
                if config.option_var(endpoint, identify_by).is_none() {
                    by_default.push(found);
                } else {
                    out.push(found);
                }
                continue;
            }
            let trunk = cx
                .trunks()
                .of_endpoint(crate::model::ObjectId(index as u32));
            if trunk.is_some_and(|t| t.reason == TrunkReason::RegistrationLine) {
                out.push(reachable_by_name(
                    config,
                    endpoint,
                    identify_by,
                    FoundBy::RegistrationLine,
                ));
                continue;
            }
            // A trunk nothing identifies: trunk-missing-identify owns it (and says this too).
            if trunk.is_some_and(|t| identifies.trunk_unidentified(config, t)) {
                continue;
            }
            let context = context_of(config, endpoint);
            let section = config.section(endpoint.section);
            let id = config.object_id(endpoint);
            let mut diagnostic = META
                .report(
                    section.name_span,
                    format!(
                        "endpoint '{id}' has no `auth=` and no identify matches it: Asterisk \
                         accepts any request whose From user is '{id}' without a password, and \
                         runs its calls in context '{context}'"
                    ),
                )
                .label("no auth, no identify");
            diagnostic = match trunk {
                Some(_) => diagnostic.help(
                    "for a provider trunk: add a `type=identify` with the provider's addresses \
                     in `match=` and set `identify_by=ip` on the endpoint",
                ),
                None => diagnostic.help(
                    "add `auth=` naming an auth with a strong password (or, for a device that \
                     cannot authenticate, an identify by address and `identify_by=ip`)",
                ),
            };
            out.push(diagnostic);
        }
        out.extend(one_for_all(cx, by_default));
    }
}

/// The reachable-by-name findings of endpoints left at the default `identify_by`, as one: at the
/// first endpoint, with a label at each other. A suppression comment at one endpoint is applied
/// before they are joined, so it still accepts that endpoint alone.
fn one_for_all(cx: &Context<'_>, mut each: Vec<Diagnostic>) -> Option<Diagnostic> {
    cx.suppressions.apply(cx.config, &mut each);
    let mut each = each.into_iter();
    let first = each.next()?;
    let others: Vec<Diagnostic> = each.collect();
    if others.is_empty() {
        return Some(first);
    }
    let mut joined = Diagnostic {
        message: format!(
            "{}; {} other endpoint{} matched by address {} in the same case",
            first.message,
            others.len(),
            if others.len() == 1 { "" } else { "s" },
            if others.len() == 1 { "is" } else { "are" }
        ),
        ..first
    };
    for other in others {
        joined = joined.secondary(other.primary.span, other.primary.message);
    }
    Some(joined)
}
