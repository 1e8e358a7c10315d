//! The diagnoses: each exchange of the capture joined with the configuration objects Asterisk
//! used (as client: the registration's or endpoint's `outbound_auth`, picked by realm; as
//! server: the endpoint identified as Asterisk identifies it, and its `auth`).

use std::collections::{HashMap, HashSet};
use std::net::IpAddr;

use super::digest::{self, Algorithm, Secret};
use super::flows::{Challenge, Credentials, Dialog, Message};
use super::rules as trace_rules;
use super::sip;
use super::{Addr, Evidence};
use crate::diagnostic::Diagnostic;
use crate::lookup::list_items;
use crate::model::{Config, Object};
use crate::rules::RuleMeta;
use crate::source::{FileId, Span};
use crate::Linted;

/// Who in the configuration sent a request Asterisk sent.
#[derive(Clone, Copy)]
enum Sender<'a> {
    Registration(&'a Object),
    Endpoint(&'a Object),
    /// Sent by Asterisk (its own side of the capture), by nothing this file has.
    Unknown,
}

/// What recomputing an answer's `response` from the configured secret says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    Matches,
    Differs,
    /// No password, or an algorithm we cannot compute.
    Unknown,
}

/// Unanswered requests to one destination: the first, how many copies, how many transactions.
struct Unanswered {
    request: Message,
    copies: u32,
    requests: u32,
}

/// Reads the dialogs as [`super::flows::Builder`] hands them on and gathers the findings.
pub struct Diagnoser<'a> {
    capture: &'a str,
    config: &'a Config,
    linted: &'a Linted,
    /// Addresses seen sending what the configuration sends: Asterisk's own.
    own: Vec<IpAddr>,
    /// Addresses that sent any response.
    responders: HashSet<Addr>,
    unanswered: Vec<Unanswered>,
    start: Option<f64>,
    findings: Vec<(Diagnostic, u32)>,
    at: HashMap<(&'static str, FileId, u32), usize>,
}

impl<'a> Diagnoser<'a> {
    pub fn new(capture: &'a str, linted: &'a Linted) -> Diagnoser<'a> {
        Diagnoser {
            capture,
            config: &linted.config,
            linted,
            own: Vec::new(),
            responders: HashSet::new(),
            unanswered: Vec::new(),
            start: None,
            findings: Vec::new(),
            at: HashMap::new(),
        }
    }

    /// Each message kept, as it is read: the capture's start, Asterisk's own addresses, who
    /// answers at all.
    pub fn observe(&mut self, message: &Message) {
        self.start = self.start.or(message.seen.time);
        if message.code().is_some() {
            self.responders.insert(message.seen.from);
        } else if !message.seen.from.is_unspecified()
            && !self.own.contains(&message.seen.from.ip)
            && !matches!(self.sender_in_config(message), Sender::Unknown)
        {
            self.own.push(message.seen.from.ip);
        }
    }

    /// The findings, each once (with how often it was seen).
    pub fn finish(mut self) -> Vec<Diagnostic> {
        self.no_response();
        self.findings
            .into_iter()
            .map(|(mut diagnostic, count)| {
                if count > 1 {
                    diagnostic
                        .message
                        .push_str(&format!(" ({count} times in the capture)"));
                }
                diagnostic
            })
            .collect()
    }
}

impl<'a> Diagnoser<'a> {
    // ------------------------------------------------------------------ reporting

    fn evidence(&self, message: &Message, summary: String) -> Evidence {
        Evidence {
            capture: self.capture.to_owned(),
            packet: message.seen.number,
            line: message.seen.line,
            time: message
                .seen
                .time
                .zip(self.start)
                .map(|(time, start)| ((time - start) * 1000.0).round() / 1000.0),
            summary,
        }
    }

    /// Adds a finding; the same rule at the same configuration line again only counts.
    fn report(
        &mut self,
        meta: &'static RuleMeta,
        span: Span,
        message: String,
        help: String,
        evidence: Evidence,
    ) {
        let key = (meta.name, span.file, span.start);
        if let Some(&index) = self.at.get(&key) {
            self.findings[index].1 += 1;
            return;
        }
        let mut diagnostic = meta
            .report(span, message)
            .label(format!(
                "see {} packet {}",
                evidence.capture, evidence.packet
            ))
            .help(help);
        diagnostic.evidence = Some(Box::new(evidence));
        self.at.insert(key, self.findings.len());
        self.findings.push((diagnostic, 1));
    }

    fn header_span(&self, object: &Object) -> Span {
        self.config.section(object.section).name_span
    }

    /// The line of `option` in `object`, else the object's section header.
    fn option_span(&self, object: &Object, option: &str) -> Span {
        self.config
            .option_var(object, option)
            .map_or_else(|| self.header_span(object), |var| self.config.var_span(var))
    }

    fn name(&self, object: &Object) -> &'a str {
        let config: &'a Config = self.config;
        // The object lives in `config`: its name is borrowed from there.
        config.section_name(config.section(object.section))
    }

    /// Where a finding about no object goes: the first transport, else the file's start.
    fn fallback_span(&self) -> Span {
        self.config
            .objects
            .of_type("transport")
            .next()
            .map_or(Span::new(FileId(0), 0..0), |t| self.header_span(t))
    }

    // ------------------------------------------------------------------ who is who

    fn is_own(&self, message: &Message) -> bool {
        message.seen.from.is_unspecified() || self.own.contains(&message.seen.from.ip)
    }

    /// The registration or trunk endpoint of this file that a request matches.
    fn sender_in_config(&self, request: &Message) -> Sender<'a> {
        let config: &'a Config = self.config;
        let to_user = sip::uri_user(&request.to_header);
        let to_host = sip::uri_host(&request.to_header);
        let ruri_host = request.request_uri().and_then(sip::uri_host);
        let destination = request.seen.to.ip.to_string();
        let same = |a: Option<&str>, b: Option<&str>| matches!((a, b), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
        if request.method() == Some("REGISTER") {
            for registration in config.objects.of_type("registration") {
                let client = config.option(registration, "client_uri").unwrap_or("");
                let server = config.option(registration, "server_uri").unwrap_or("");
                let client_matches =
                    same(sip::uri_user(client), to_user) && same(sip::uri_host(client), to_host);
                let server_host = sip::uri_host(server);
                if client_matches
                    || (same(server_host, ruri_host)
                        && (to_user.is_none() || same(sip::uri_user(client), to_user)))
                {
                    return Sender::Registration(registration);
                }
                if same(server_host, Some(&destination)) && same(sip::uri_user(client), to_user) {
                    return Sender::Registration(registration);
                }
            }
            return Sender::Unknown;
        }
        for trunk in &self.linted.trunks.list {
            let host = trunk.host.as_deref();
            if same(host, Some(&destination)) || same(host, ruri_host) {
                return Sender::Endpoint(config.objects.by_id(trunk.endpoint));
            }
        }
        // An endpoint that answers challenges, whose aor contact is where the request went.
        let contact_hosts = |endpoint: &'a Object| {
            config
                .referenced(endpoint, "aors")
                .flat_map(move |aor| config.option_items(aor, "contact"))
                .filter_map(sip::uri_host)
        };
        config
            .objects
            .of_type("endpoint")
            .filter(|endpoint| {
                config
                    .option_items(endpoint, "outbound_auth")
                    .next()
                    .is_some()
            })
            .find(|endpoint| {
                contact_hosts(endpoint)
                    .any(|host| same(Some(host), Some(&destination)) || same(Some(host), ruri_host))
            })
            .map_or(Sender::Unknown, Sender::Endpoint)
    }

    /// Whether Asterisk sent this request, and as whom.
    fn client_side(&self, request: &Message) -> Option<Sender<'a>> {
        match self.sender_in_config(request) {
            Sender::Unknown if self.is_own(request) => Some(Sender::Unknown),
            Sender::Unknown => None,
            sender => Some(sender),
        }
    }

    fn global(&self, option: &str) -> Option<&'a str> {
        let config: &'a Config = self.config;
        config
            .objects
            .of_type("global")
            .find_map(|global| config.option(global, option))
    }

    /// The endpoint Asterisk finds for a request it received (res_pjsip_endpoint_identifier_ip.c
    /// `ip_identify`, res_pjsip_endpoint_identifier_user.c `username_identify`, in the order of
    /// `[global] endpoint_identifier_order`).
    fn identify(&self, request: &Message) -> Option<&'a Object> {
        let config: &'a Config = self.config;
        let order = self
            .global("endpoint_identifier_order")
            .unwrap_or("ip,username,anonymous");
        for method in list_items(order) {
            let found = match method {
                "ip" => self.identify_by_ip(request.seen.from.ip),
                "username" => {
                    let user = sip::uri_user(&request.from_header);
                    let domain = sip::uri_host(&request.from_header);
                    user.and_then(|user| {
                        let with_domain = domain.map(|d| format!("{user}@{d}"));
                        with_domain
                            .as_deref()
                            .and_then(|name| config.object("endpoint", name))
                            .or_else(|| config.object("endpoint", user))
                    })
                    .filter(|endpoint| self.identified_by(endpoint, "username"))
                }
                "auth_username" => request.credentials.as_ref().and_then(|c| {
                    config
                        .object("endpoint", &c.username)
                        .filter(|endpoint| self.identified_by(endpoint, "auth_username"))
                }),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
        }
        None
    }

    fn identified_by(&self, endpoint: &Object, method: &str) -> bool {
        let value = self
            .config
            .option(endpoint, "identify_by")
            .unwrap_or("username,ip");
        list_items(value).any(|item| item.eq_ignore_ascii_case(method))
    }

    fn identify_by_ip(&self, source: IpAddr) -> Option<&'a Object> {
        let config: &'a Config = self.config;
        config.objects.of_type("identify").find_map(|identify| {
            let matches = config.option_items(identify, "match").any(|item| {
                let item = item.trim();
                match item.parse::<ipnetwork::IpNetwork>() {
                    Ok(network) => network.contains(source),
                    Err(_) => item
                        .split(':')
                        .next()
                        .and_then(|host| host.parse::<IpAddr>().ok())
                        .is_some_and(|ip| ip == source),
                }
            });
            if !matches {
                return None;
            }
            let endpoint = config.option(identify, "endpoint")?.trim();
            config
                .object("endpoint", endpoint)
                .filter(|endpoint| self.identified_by(endpoint, "ip"))
        })
    }

    // ------------------------------------------------------------------ auth objects

    fn auths(&self, object: &'a Object, option: &str) -> Vec<&'a Object> {
        let config: &'a Config = self.config;
        config
            .option_items(object, option)
            .filter_map(|name| config.object("auth", name))
            .collect()
    }

    /// The outbound auths a sender answers with: a registration only its own `outbound_auth`
    /// (res_pjsip_outbound_registration.c), an endpoint its own.
    fn outbound_auths(&self, sender: Sender<'a>) -> Option<(&'a Object, Vec<&'a Object>)> {
        match sender {
            Sender::Registration(object) | Sender::Endpoint(object) => {
                Some((object, self.auths(object, "outbound_auth")))
            }
            Sender::Unknown => None,
        }
    }

    /// The auth Asterisk picks for a challenge: one whose realm equals the challenge's (case
    /// aside), else one with no realm or `*` (res_pjsip/pjsip_auth.c... read in
    /// res_pjsip_outbound_authenticator_digest.c, `get_auth_search_type` and the realm search of
    /// `digest_create_request_with_auth`).
    fn pick_auth(&self, auths: &[&'a Object], realm: &str) -> Option<&'a Object> {
        let realm_of = |auth: &Object| self.config.option(auth, "realm").unwrap_or("").trim();
        auths
            .iter()
            .find(|auth| realm_of(auth).eq_ignore_ascii_case(realm))
            .or_else(|| auths.iter().find(|auth| matches!(realm_of(auth), "" | "*")))
            .copied()
    }

    /// The algorithms an auth answers (`supported_algorithms_uac`, MD5 by default).
    fn answers_algorithm(&self, auth: &Object, algorithm: Option<&str>) -> bool {
        let Some(algorithm) = Algorithm::parse(algorithm) else {
            return false;
        };
        let configured: Vec<&str> = self
            .config
            .option_items(auth, "supported_algorithms_uac")
            .collect();
        if configured.is_empty() {
            return algorithm.name() == "MD5";
        }
        configured
            .iter()
            .any(|name| name.eq_ignore_ascii_case(algorithm.name()))
    }

    fn secret(&self, auth: &'a Object) -> Option<Secret<'a>> {
        let config: &'a Config = self.config;
        let kind = config
            .option(auth, "auth_type")
            .unwrap_or("userpass")
            .trim();
        if kind.eq_ignore_ascii_case("md5") {
            return config.option(auth, "md5_cred").map(Secret::Ha1);
        }
        config.option(auth, "password").map(Secret::Password)
    }

    /// Recomputes the answer's `response` from the auth's secret.
    fn check(&self, auth: &'a Object, credentials: &Credentials, request: &Message) -> Check {
        let (Some(secret), Some(algorithm)) = (
            self.secret(auth),
            Algorithm::parse(credentials.algorithm.as_deref()),
        ) else {
            return Check::Unknown;
        };
        if matches!(secret, Secret::Ha1(_)) && algorithm.name() != "MD5" {
            return Check::Unknown;
        }
        let answer = digest::Answer {
            username: &credentials.username,
            realm: &credentials.realm,
            nonce: &credentials.nonce,
            uri: &credentials.uri,
            qop: credentials.qop.as_deref(),
            nc: &credentials.nc,
            cnonce: &credentials.cnonce,
        };
        let method = request.method().unwrap_or("");
        let computed = digest::response(algorithm, secret, &answer, method, &request.body);
        if computed.eq_ignore_ascii_case(credentials.response.trim()) {
            Check::Matches
        } else {
            Check::Differs
        }
    }

    // ------------------------------------------------------------------ the exchanges

    /// One dialog, once it is over.
    pub fn dialog(&mut self, dialog: &Dialog) {
        let mut stale_run = 0;
        for (index, transaction) in dialog.transactions.iter().enumerate() {
            let Some(request) = dialog.request(transaction) else {
                continue;
            };
            let Some(method) = request.method() else {
                continue;
            };
            if matches!(method, "ACK" | "CANCEL") {
                continue;
            }
            let client = self.client_side(request);
            if transaction.responses.is_empty() && transaction.copies >= 2 && client.is_some() {
                self.note_unanswered(request, transaction.copies);
            }
            let Some(response) = dialog.final_response(transaction) else {
                continue;
            };
            self.nat(request, response, client);
            let code = response.code().unwrap_or(0);
            let rejected = request.credentials.is_some() && !response.stale();
            match code {
                401 | 407 if rejected => {
                    stale_run = 0;
                    match client {
                        Some(sender) => self.client_rejected(dialog, request, response, sender),
                        None => self.server_rejected(request, response),
                    }
                }
                401 | 407 => {
                    if request.credentials.is_some() {
                        stale_run += 1;
                        if stale_run >= 2 {
                            self.stale_loop(request, response, client);
                        }
                    }
                    let next = dialog.transactions[index + 1..]
                        .iter()
                        .filter_map(|t| dialog.request(t))
                        .find(|r| r.method() == Some(method));
                    let answered = next.is_some_and(|r| r.credentials.is_some());
                    if !answered {
                        match client {
                            Some(sender) => {
                                self.unanswered(request, response, sender, next.is_some())
                            }
                            None => {
                                if self.identify(request).is_none() {
                                    self.no_endpoint(request);
                                }
                            }
                        }
                    }
                }
                403 if request.credentials.is_some() => {
                    stale_run = 0;
                    self.forbidden(request, response, client);
                }
                _ => stale_run = 0,
            }
        }
    }

    /// The challenge an answer replies to: the last one before it in the dialog.
    fn challenge_before<'d>(&self, dialog: &'d Dialog, request: &Message) -> Option<&'d Challenge> {
        dialog
            .transactions
            .iter()
            .rev()
            .filter_map(|t| dialog.final_response(t))
            .filter(|r| r.seen.number < request.seen.number)
            .find_map(|r| {
                let credentials = request.credentials.as_ref()?;
                r.challenges
                    .iter()
                    .find(|c| c.realm == credentials.realm)
                    .or(r.challenges.first())
            })
    }

    fn describe_request(request: &Message) -> String {
        let credentials = request
            .credentials
            .as_ref()
            .map(|c| {
                format!(
                    " with Authorization username=\"{}\" realm=\"{}\" algorithm={}",
                    c.username,
                    c.realm,
                    c.algorithm.as_deref().unwrap_or("MD5")
                )
            })
            .unwrap_or_default();
        format!(
            "{} (CSeq {} {}){credentials}",
            request.title(),
            request.cseq,
            request.cseq_method
        )
    }

    fn describe_response(response: &Message, request: &Message) -> String {
        let challenge = response
            .challenges
            .first()
            .map(|c| {
                format!(
                    ", challenge realm=\"{}\" algorithm={}{}",
                    c.realm,
                    c.algorithm.as_deref().unwrap_or("MD5"),
                    if c.stale { " stale=true" } else { "" }
                )
            })
            .unwrap_or_default();
        format!(
            "{} from {} to {}{challenge}",
            response.title(),
            response.seen.from,
            Self::describe_request(request)
        )
    }

    fn sender_phrase(&self, sender: Sender<'a>) -> String {
        match sender {
            Sender::Registration(o) => format!("registration `{}`", self.name(o)),
            Sender::Endpoint(o) => format!("endpoint `{}`", self.name(o)),
            Sender::Unknown => "Asterisk".to_owned(),
        }
    }

    /// Asterisk answered a challenge and was refused again (not stale).
    fn client_rejected(
        &mut self,
        dialog: &Dialog,
        request: &Message,
        response: &Message,
        sender: Sender<'a>,
    ) {
        let Some(credentials) = request.credentials.as_ref() else {
            return;
        };
        let evidence = self.evidence(response, Self::describe_response(response, request));
        let who = self.sender_phrase(sender);
        let method = request.method().unwrap_or("");
        let code = response.code().unwrap_or(0);
        let auth = self
            .outbound_auths(sender)
            .and_then(|(_, auths)| self.pick_auth(&auths, &credentials.realm));
        let Some(auth) = auth else {
            let span = match sender {
                Sender::Registration(o) | Sender::Endpoint(o) => self.header_span(o),
                Sender::Unknown => self.fallback_span(),
            };
            self.report(
                &trace_rules::DIGEST_MISMATCH,
                span,
                format!(
                    "{who} answered the {code} to {method} as username `{}` realm `{}`, but no \
                     auth of this file would answer that challenge: the running Asterisk uses \
                     other credentials than this file (edited but not reloaded?)",
                    credentials.username, credentials.realm
                ),
                "run `pjsip reload` (or `core reload`) after editing, and check that Asterisk \
                 reads this file"
                    .to_owned(),
                evidence,
            );
            return;
        };
        let auth_name = self.name(auth);
        match self.check(auth, credentials, request) {
            Check::Matches => {
                let username = self.config.option(auth, "username").unwrap_or("").trim();
                // A phone number as the authentication user (what auth-username-is-did looks
                // for in the file): the usual reason a right password is refused.
                let is_number = {
                    let digits = username.strip_prefix('+').unwrap_or(username);
                    (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
                };
                let (span, suspect) = if is_number {
                    (
                        self.option_span(auth, "username"),
                        format!(
                            "; its username `{username}` is a phone number (DID), and most \
                             providers expect an account id there"
                        ),
                    )
                } else {
                    (self.option_span(auth, "password"), String::new())
                };
                let did_hint = match sender {
                    Sender::Registration(registration) => self
                        .config
                        .option(registration, "client_uri")
                        .and_then(sip::uri_user)
                        .filter(|user| *user != username)
                        .map(|user| {
                            format!(
                                "; the auth's username `{username}` differs from the \
                                 client_uri user `{user}`: check which one the provider \
                                 expects as the authentication user"
                            )
                        })
                        .unwrap_or_default(),
                    _ => String::new(),
                };
                self.report(
                    &trace_rules::CREDENTIALS_REJECTED,
                    span,
                    format!(
                        "{who} answered {}'s challenge with auth `{auth_name}` (username \
                         `{}`, realm `{}`) and got {code} again: the response matches this \
                         file's password, so the provider holds other credentials for this \
                         account (password, or the username/account id){suspect}{did_hint}",
                        response.seen.from, credentials.username, credentials.realm
                    ),
                    format!(
                        "set auth `{auth_name}`'s `password` (and `username`) to what the \
                         provider has for this account, then `pjsip reload`"
                    ),
                    evidence,
                );
            }
            Check::Differs => {
                let changed = self.changed_fields(dialog, request, credentials);
                let configured_user = self.config.option(auth, "username").unwrap_or("").trim();
                let cause = if changed.is_empty() && configured_user != credentials.username {
                    format!(
                        "it answered as username `{}` while the file has `{configured_user}`: \
                         the running Asterisk uses other credentials than this file (edited but \
                         not reloaded, or another file is loaded)",
                        credentials.username
                    )
                } else if changed.is_empty() {
                    "the running Asterisk answered with another password than this file's \
                     (edited but not reloaded, or another file is loaded)"
                        .to_owned()
                } else {
                    format!(
                        "fields the digest covers differ from what was challenged ({}): \
                         something on the way rewrote the message (a SIP ALG in a router)",
                        changed.join(", ")
                    )
                };
                self.report(
                    &trace_rules::DIGEST_MISMATCH,
                    self.option_span(auth, "password"),
                    format!(
                        "{who}'s answer (username `{}`, realm `{}`) was refused with {code}, \
                         and its response does not match auth `{auth_name}`'s password: {cause}",
                        credentials.username, credentials.realm
                    ),
                    if changed.is_empty() {
                        "run `pjsip reload` and try again; if it persists, compare the file \
                         with what `pjsip show auth` prints"
                            .to_owned()
                    } else {
                        "turn off the SIP ALG (SIP helper) of the router, or use TCP/TLS".to_owned()
                    },
                    evidence,
                );
            }
            Check::Unknown => {}
        }
    }

    /// The digest fields of an answer that differ from the challenge and the request.
    fn changed_fields(
        &self,
        dialog: &Dialog,
        request: &Message,
        credentials: &Credentials,
    ) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if let Some(challenge) = self.challenge_before(dialog, request) {
            if challenge.realm != credentials.realm {
                changed.push("realm");
            }
            if challenge.nonce != credentials.nonce {
                changed.push("nonce");
            }
        }
        if request
            .request_uri()
            .is_some_and(|uri| uri != credentials.uri && uri.trim() != credentials.uri.trim())
        {
            changed.push("uri");
        }
        changed
    }

    /// A phone or trunk answered Asterisk's challenge and Asterisk refused it.
    fn server_rejected(&mut self, request: &Message, response: &Message) {
        let Some(credentials) = request.credentials.as_ref() else {
            return;
        };
        let evidence = self.evidence(response, Self::describe_response(response, request));
        let Some(endpoint) = self.identify(request) else {
            self.no_endpoint(request);
            return;
        };
        let config: &'a Config = self.config;
        let endpoint_name = self.name(endpoint);
        let peer = request.seen.from;
        let auths = self.auths(endpoint, "auth");
        let Some(auth) = auths.iter().copied().find(|auth| {
            config.option(auth, "username").map(str::trim) == Some(credentials.username.as_str())
        }) else {
            self.report(
                &trace_rules::DIGEST_MISMATCH,
                self.option_span(endpoint, "auth"),
                format!(
                    "{peer} answered as username `{}`, but endpoint `{endpoint_name}` has no \
                     auth with that username: Asterisk refuses it (`Failed to authenticate`)",
                    credentials.username
                ),
                format!(
                    "make the device's authentication user equal to the `username` of an auth \
                     in endpoint `{endpoint_name}`'s `auth`"
                ),
                evidence,
            );
            return;
        };
        let auth_name = self.name(auth);
        let realm = config
            .option(auth, "realm")
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .or_else(|| self.global("default_realm"))
            .unwrap_or("asterisk");
        if credentials.realm != realm {
            self.report(
                &trace_rules::DIGEST_MISMATCH,
                self.option_span(auth, "realm"),
                format!(
                    "{peer} answered with realm `{}`, but auth `{auth_name}` challenges with \
                     realm `{realm}`: Asterisk compares them exactly and refuses the answer",
                    credentials.realm
                ),
                "make the device use the realm of the challenge (most do when theirs is empty)"
                    .to_owned(),
                evidence,
            );
            return;
        }
        match self.check(auth, credentials, request) {
            Check::Differs => self.report(
                &trace_rules::DIGEST_MISMATCH,
                self.option_span(auth, "password"),
                format!(
                    "{peer} (endpoint `{endpoint_name}`) answered with username `{}` realm \
                     `{realm}`, but its response does not match auth `{auth_name}`'s password: \
                     the device uses another password; Asterisk logs `Failed to authenticate` \
                     and refuses it",
                    credentials.username
                ),
                format!(
                    "set the device's password to auth `{auth_name}`'s `password` (or change \
                     that one to the device's)"
                ),
                evidence,
            ),
            Check::Matches => self.report(
                &trace_rules::CREDENTIALS_REJECTED,
                self.option_span(auth, "password"),
                format!(
                    "Asterisk refused {peer}'s answer (username `{}`), although it matches auth \
                     `{auth_name}`'s password in this file: the running Asterisk does not use \
                     this file's auth (edited but not reloaded?)",
                    credentials.username
                ),
                "run `pjsip reload` after editing the file".to_owned(),
                evidence,
            ),
            Check::Unknown => {}
        }
    }

    /// Asterisk was challenged and did not answer; `moved_on`: it sent the same request again
    /// later without credentials (so the silence was not the capture ending).
    fn unanswered(
        &mut self,
        request: &Message,
        response: &Message,
        sender: Sender<'a>,
        moved_on: bool,
    ) {
        let Some((object, auths)) = self.outbound_auths(sender) else {
            return;
        };
        let who = self.sender_phrase(sender);
        let evidence = self.evidence(response, Self::describe_response(response, request));
        let Some(challenge) = response.challenges.first() else {
            return;
        };
        let realm = challenge.realm.as_str();
        let algorithm = challenge.algorithm.as_deref().unwrap_or("MD5");
        if auths.is_empty() {
            let suggestion = self.registration_auth_hint(object);
            self.report(
                &trace_rules::CHALLENGE_UNANSWERED,
                self.option_span(object, "outbound_auth"),
                format!(
                    "{} challenged {who} (realm `{realm}`) and Asterisk sent no answer: {who} \
                     has no `outbound_auth`, so there are no credentials to answer with \
                     (`There were no auth ids available`); the registration stops until a \
                     reload{suggestion}",
                    response.seen.from
                ),
                format!("add `outbound_auth=` naming the auth with the provider's credentials to {who}, then `pjsip reload`"),
                evidence,
            );
            return;
        }
        let answering: Vec<&Object> = response
            .challenges
            .iter()
            .filter_map(|c| self.pick_auth(&auths, &c.realm))
            .collect();
        let Some(&auth) = answering.first() else {
            let auth = auths[0];
            let configured = self.config.option(auth, "realm").unwrap_or("").trim();
            self.report(
                &trace_rules::REALM_MISMATCH,
                self.option_span(auth, "realm"),
                format!(
                    "the challenge's realm `{realm}` matches no auth of {who}: auth `{}` has \
                     `realm={configured}`, so Asterisk sends no answer (`No auth objects \
                     matching realm/algorithm(s) '{realm}/{algorithm}' from challenge found`) \
                     and stops until a reload",
                    self.name(auth)
                ),
                format!(
                    "remove the `realm` line of auth `{}` (recommended: it then answers any \
                     realm) or set it to `{realm}`, then `pjsip reload`",
                    self.name(auth)
                ),
                evidence,
            );
            return;
        };
        let auth_name = self.name(auth);
        let supported = response
            .challenges
            .iter()
            .any(|c: &Challenge| self.answers_algorithm(auth, c.algorithm.as_deref()));
        if !supported {
            self.report(
                &trace_rules::CHALLENGE_UNANSWERED,
                self.option_span(auth, "supported_algorithms_uac"),
                format!(
                    "{} challenged {who} with algorithm {algorithm} only, which auth \
                     `{auth_name}` does not answer (`supported_algorithms_uac`, MD5 by \
                     default): Asterisk sends no answer",
                    response.seen.from
                ),
                format!("add {algorithm} to auth `{auth_name}`'s `supported_algorithms_uac` (Asterisk 20.12/21.7/22.2 or later)"),
                evidence,
            );
            return;
        }
        if self.secret(auth).is_none() {
            self.report(
                &trace_rules::CHALLENGE_UNANSWERED,
                self.header_span(auth),
                format!(
                    "{} challenged {who}, and auth `{auth_name}` has no password to answer \
                     with: Asterisk sends no answer",
                    response.seen.from
                ),
                format!("set auth `{auth_name}`'s `password`"),
                evidence,
            );
        } else if moved_on {
            self.report(
                &trace_rules::CHALLENGE_UNANSWERED,
                self.header_span(auth),
                format!(
                    "{} challenged {who} (realm `{realm}`, {algorithm}); auth `{auth_name}` of \
                     this file would answer, but Asterisk sent the request again without \
                     credentials: the running Asterisk does not have this file's auth (edited \
                     but not reloaded?)",
                    response.seen.from
                ),
                "run `pjsip reload` after editing the file, and check that Asterisk reads it"
                    .to_owned(),
                evidence,
            );
        }
    }

    /// A registration without `outbound_auth` whose trunk endpoint has one: name it.
    fn registration_auth_hint(&self, object: &Object) -> String {
        let config: &'a Config = self.config;
        let trunk = self.linted.trunks.list.iter().find(|trunk| {
            trunk
                .registration
                .is_some_and(|id| config.objects.by_id(id).section == object.section)
        });
        trunk
            .map(|trunk| config.objects.by_id(trunk.endpoint))
            .and_then(|endpoint| {
                let names: Vec<&str> = config.option_items(endpoint, "outbound_auth").collect();
                (!names.is_empty()).then(|| {
                    format!(
                        "; endpoint `{}` answers with `outbound_auth={}`, which a registration \
                         does not use",
                        self.name(endpoint),
                        names.join(",")
                    )
                })
            })
            .unwrap_or_default()
    }

    /// A 403 after credentials.
    fn forbidden(&mut self, request: &Message, response: &Message, client: Option<Sender<'a>>) {
        let evidence = self.evidence(response, Self::describe_response(response, request));
        let Some(credentials) = request.credentials.as_ref() else {
            return;
        };
        match client {
            Some(sender) => {
                let who = self.sender_phrase(sender);
                let Some((object, auths)) = self.outbound_auths(sender) else {
                    return;
                };
                let auth = self.pick_auth(&auths, &credentials.realm);
                let check = auth.map_or(Check::Unknown, |auth| {
                    self.check(auth, credentials, request)
                });
                let verdict = match check {
                    Check::Matches => {
                        " (its response matches this file's password: the \
                                       credentials are right)"
                    }
                    Check::Differs => {
                        " (its response does not match this file's password, \
                                       but a wrong password gets 401, not 403)"
                    }
                    Check::Unknown => "",
                };
                self.report(
                    &trace_rules::FORBIDDEN_AFTER_AUTH,
                    self.header_span(object),
                    format!(
                        "{} answered {who}'s authenticated {} with 403 Forbidden{verdict}: \
                         the provider refuses this account (disabled, registration not \
                         allowed, no contacts allowed on its side, or the source address \
                         blocked)",
                        response.seen.from,
                        request.method().unwrap_or("")
                    ),
                    "ask the provider why the account is refused; nothing to change in the \
                     credentials"
                        .to_owned(),
                    evidence,
                );
            }
            None => {
                let Some(endpoint) = self.identify(request) else {
                    return;
                };
                let config: &'a Config = self.config;
                let endpoint_name = self.name(endpoint);
                let blocked_aor = config
                    .referenced(endpoint, "aors")
                    .find(|aor| {
                        config
                            .option(aor, "max_contacts")
                            .is_none_or(|v| v.trim() == "0")
                    })
                    .filter(|_| request.method() == Some("REGISTER"));
                let (span, cause) = match blocked_aor {
                    Some(aor) => (
                        self.option_span(aor, "max_contacts"),
                        format!(
                            "aor `{}` has no `max_contacts` (0), so Asterisk refuses every \
                             registration to it",
                            self.name(aor)
                        ),
                    ),
                    None => (
                        self.header_span(endpoint),
                        "an ACL (`acl`, `deny`/`permit`) or the endpoint's state refused it"
                            .to_owned(),
                    ),
                };
                self.report(
                    &trace_rules::FORBIDDEN_AFTER_AUTH,
                    span,
                    format!(
                        "Asterisk answered {}'s authenticated {} for endpoint `{endpoint_name}` \
                         with 403 Forbidden: {cause}",
                        request.seen.from,
                        request.method().unwrap_or("")
                    ),
                    "set `max_contacts=1` (or more) on the aor, or lift the block".to_owned(),
                    evidence,
                );
            }
        }
    }

    /// Re-challenged with `stale=true` again and again.
    fn stale_loop(&mut self, request: &Message, response: &Message, client: Option<Sender<'a>>) {
        let evidence = self.evidence(response, Self::describe_response(response, request));
        // Only a capture's clock is UTC like the nonce's; a log writes local time.
        let capture_time = request.seen.time.filter(|_| request.seen.line.is_none());
        let age = request
            .credentials
            .as_ref()
            .and_then(|c| nonce_seconds(&c.nonce))
            .zip(capture_time)
            .map(|(issued, time)| time - issued);
        let age = age
            .filter(|age| age.is_finite() && age.abs() < 1e9)
            .map(|age| {
                if !(-2.0..=3600.0).contains(&age) {
                    format!(
                        " (the nonce's own time, {age:.0} s from the capture's clock, says the \
                         two clocks differ)"
                    )
                } else {
                    format!(" (the nonce answered was issued {age:.0} s before the answer)")
                }
            })
            .unwrap_or_default();
        let (span, help) = match client {
            Some(sender) => (
                match sender {
                    Sender::Registration(o) | Sender::Endpoint(o) => self.header_span(o),
                    Sender::Unknown => self.fallback_span(),
                },
                "check the clocks and the path to the provider: a nonce goes stale when the \
                 answer comes too late or from another address"
                    .to_owned(),
            ),
            None => {
                let auth = self
                    .identify(request)
                    .and_then(|endpoint| self.auths(endpoint, "auth").first().copied());
                match auth {
                    Some(auth) => (
                        self.option_span(auth, "nonce_lifetime"),
                        format!(
                            "raise auth `{}`'s `nonce_lifetime` (32 s by default), or fix \
                             the device's delay or changing source address (NAT)",
                            self.name(auth)
                        ),
                    ),
                    None => (
                        self.fallback_span(),
                        "fix the device's delay or changing source address (NAT)".to_owned(),
                    ),
                }
            }
        };
        self.report(
            &trace_rules::STALE_NONCE_LOOP,
            span,
            format!(
                "the answer from {} was refused again and again with `stale=true`{age}: the \
                 nonce expires before the answer arrives, or the answer comes from another \
                 source address than the request it answers",
                request.seen.from
            ),
            help,
            evidence,
        );
    }

    /// Requests Asterisk received and could match to no endpoint.
    fn no_endpoint(&mut self, request: &Message) {
        let evidence = self.evidence(request, Self::describe_request(request));
        let span = self.receiving_transport(request);
        let user = sip::uri_user(&request.from_header).unwrap_or("");
        self.report(
            &trace_rules::NO_MATCHING_ENDPOINT,
            span,
            format!(
                "Asterisk matches {}'s {} (From user `{user}`) to no endpoint: no identify \
                 matches the address and no endpoint is named `{user}` (`No matching endpoint \
                 found`); it is challenged all the same, so the device sees 401 after 401",
                request.seen.from,
                request.method().unwrap_or("")
            ),
            format!(
                "add an endpoint `{user}` (with its auth and aor), or an identify whose `match` \
                 covers {}",
                request.seen.from.ip
            ),
            evidence,
        );
    }

    /// The transport that received a request: the one bound to its port, else the first.
    fn receiving_transport(&self, request: &Message) -> Span {
        let config: &'a Config = self.config;
        let port = request.seen.to.port.to_string();
        config
            .objects
            .of_type("transport")
            .find(|t| {
                config
                    .option(t, "bind")
                    .is_some_and(|bind| bind.trim().ends_with(&format!(":{port}")))
            })
            .map_or_else(|| self.fallback_span(), |t| self.header_span(t))
    }

    /// Addresses in Via or Contact that are not where the packets come from.
    fn nat(&mut self, request: &Message, response: &Message, client: Option<Sender<'a>>) {
        let config: &'a Config = self.config;
        match client {
            Some(sender) => {
                let (Some(host), Some(received)) = (
                    request.via_host.as_deref(),
                    response.via_received.as_deref(),
                ) else {
                    return;
                };
                if host == received || !crate::network::is_private_host(host) {
                    return;
                }
                let transport = match sender {
                    Sender::Registration(o) | Sender::Endpoint(o) => config
                        .option(o, "transport")
                        .and_then(|name| config.object("transport", name.trim())),
                    Sender::Unknown => None,
                }
                .or_else(|| config.objects.of_type("transport").next());
                let Some(transport) = transport else {
                    return;
                };
                if config
                    .option(transport, "external_signaling_address")
                    .is_some()
                {
                    return;
                }
                let evidence = self.evidence(
                    response,
                    format!(
                        "{} with Via received={received}, request sent as {host}",
                        response.title()
                    ),
                );
                self.report(
                    &trace_rules::NAT_PRIVATE_ADDRESS,
                    self.header_span(transport),
                    format!(
                        "{} sees Asterisk's requests coming from {received}, but their Via and \
                         Contact say {host} (a private address): Asterisk is behind NAT and \
                         transport `{}` has no `external_signaling_address`, so the provider \
                         sends requests and responses where they cannot arrive",
                        response.seen.from,
                        self.name(transport)
                    ),
                    format!(
                        "set `external_signaling_address={received}` (and \
                         `external_media_address`, `local_net`) on transport `{}`",
                        self.name(transport)
                    ),
                    evidence,
                );
            }
            None => {
                let Some(contact) = request.contact.as_deref() else {
                    return;
                };
                let Some(host) = sip::uri_host(contact) else {
                    return;
                };
                let source = request.seen.from.ip.to_string();
                if host == source
                    || !crate::network::is_private_host(host)
                    || crate::network::is_private_host(&source)
                {
                    return;
                }
                let Some(endpoint) = self.identify(request) else {
                    return;
                };
                if config.option_is_true(endpoint, "rewrite_contact") {
                    return;
                }
                let evidence = self.evidence(
                    request,
                    format!("{} with Contact host {host}", request.title()),
                );
                self.report(
                    &trace_rules::NAT_PRIVATE_ADDRESS,
                    self.header_span(endpoint),
                    format!(
                        "{} sends from {source} but its Contact says {host} (a private \
                         address): the device is behind NAT and endpoint `{}` keeps that \
                         Contact, so calls to it will not arrive",
                        request.seen.from,
                        self.name(endpoint)
                    ),
                    format!(
                        "set `rewrite_contact=yes`, `force_rport=yes` and `rtp_symmetric=yes` \
                         on endpoint `{}`",
                        self.name(endpoint)
                    ),
                    evidence,
                );
            }
        }
    }

    /// A request Asterisk sent that got no response: counted per destination.
    fn note_unanswered(&mut self, request: &Message, copies: u32) {
        match self
            .unanswered
            .iter_mut()
            .find(|seen| seen.request.seen.to == request.seen.to)
        {
            Some(seen) => {
                seen.copies += copies;
                seen.requests += 1;
            }
            None => self.unanswered.push(Unanswered {
                request: request.clone(),
                copies,
                requests: 1,
            }),
        }
    }

    /// Requests Asterisk sent that nothing answered: one finding per destination that never
    /// answered anything.
    fn no_response(&mut self) {
        let unanswered: Vec<Unanswered> = std::mem::take(&mut self.unanswered)
            .into_iter()
            .filter(|seen| !self.responders.contains(&seen.request.seen.to))
            .collect();
        for Unanswered {
            request,
            copies,
            requests,
        } in unanswered
        {
            let request = &request;
            let sender = self.client_side(request).unwrap_or(Sender::Unknown);
            let (span, what) = match sender {
                Sender::Registration(o) => (
                    self.option_span(o, "server_uri"),
                    format!("registration `{}`'s `server_uri`", self.name(o)),
                ),
                Sender::Endpoint(o) => (
                    self.option_span(o, "aors"),
                    format!("endpoint `{}`'s aor contact", self.name(o)),
                ),
                Sender::Unknown => (self.fallback_span(), "the destination".to_owned()),
            };
            let evidence = self.evidence(request, Self::describe_request(request));
            self.report(
                &trace_rules::NO_RESPONSE,
                span,
                format!(
                    "nothing answered {} {} over {} ({copies} sent in {requests} \
                     transaction(s), retransmissions included): the credentials were never \
                     tested; a firewall, NAT, a wrong host, port or transport is in the way",
                    request.method().unwrap_or(""),
                    request.seen.to,
                    request.seen.transport.as_str()
                ),
                format!(
                    "check {what}, the transport (UDP/TCP/TLS, port) the provider expects, and \
                     the firewalls between"
                ),
                evidence,
            );
        }
    }
}

/// The seconds of an Asterisk nonce (`<unix seconds>/<hash>`, res_pjsip_authenticator_digest.c
/// `build_nonce`).
pub fn nonce_seconds(nonce: &str) -> Option<f64> {
    let (seconds, hash) = nonce.split_once('/')?;
    if hash.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    seconds.parse().ok()
}
