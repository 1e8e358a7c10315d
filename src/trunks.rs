//! Which endpoints are provider trunks, and which registration belongs to each (issue 4's
//! definition, used by every registration and NAT rule):
//!
//! 1. a registration names the endpoint (`endpoint=`, with `line=yes`); else
//! 2. one of the endpoint's aors has a static `contact=` whose host is a registration's
//!    `server_uri` host; else
//! 3. one of its aors has a static `contact=` to a host that is not private (no registration).
//!
//! Built once per configuration with hash maps, so finding a trunk is linear in the objects.

use std::borrow::Cow;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{Config, ObjectId, Var};
use crate::network::{is_private_host, uri_host, uri_host_lower};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrunkReason {
    /// A registration names the endpoint with `line=yes`.
    RegistrationLine,
    /// The aor's contact host is the registration's server host.
    ContactMatchesRegistration,
    /// The aor's contact points at a public host; no registration.
    PublicContact,
}

#[derive(Debug, Clone)]
pub struct Trunk {
    pub endpoint: ObjectId,
    pub registration: Option<ObjectId>,
    pub reason: TrunkReason,
    /// The host the trunk talks to: the registration's server host, or the aor contact's.
    pub host: Option<String>,
}

#[derive(Debug, Default)]
pub struct Trunks {
    pub list: Vec<Trunk>,
    by_endpoint: HashMap<ObjectId, usize>,
    by_registration: HashMap<ObjectId, usize>,
}

impl Trunks {
    pub fn of_endpoint(&self, endpoint: ObjectId) -> Option<&Trunk> {
        self.by_endpoint.get(&endpoint).map(|&i| &self.list[i])
    }

    pub fn of_registration(&self, registration: ObjectId) -> Option<&Trunk> {
        self.by_registration
            .get(&registration)
            .map(|&i| &self.list[i])
    }

    pub fn find(config: &Config) -> Trunks {
        let objects = &config.objects;
        // Tables at their final size: grown by doubling, they touched twice the memory, and a
        // first touch of memory costs more than the lookups (on 25k trunks, a third of this).
        let registrations = objects.of_type("registration").len();
        let mut line_registrations: HashMap<&str, ObjectId> = HashMap::default();
        let mut server_hosts: HashMap<Cow<'_, str>, ObjectId> =
            HashMap::with_capacity_and_hasher(registrations, Default::default());
        let options = config.options(["line", "endpoint", "server_uri"]);
        for (id, object) in config.of_type_warm("registration").with_ids() {
            let [line, endpoint, server_uri] = options.last_lines(config, object);
            if config.is_true(line) {
                if let Some(endpoint) = endpoint.map(|var| config.value(var)) {
                    line_registrations.entry(endpoint).or_insert(id);
                }
            }
            if let Some(host) = server_uri.and_then(|var| uri_host_lower(config.value(var))) {
                server_hosts.entry(host).or_insert(id);
            }
        }
        let aors = config.option_name("aors");
        let contact = config.option_name("contact");
        // The aors with a `contact=` line, in one pass in load order: reaching each aor through
        // its endpoint costs three dependent cache misses, and most aors (phones') have none.
        // By object index: a byte each, where a set grown while filled touched several times the
        // memory, and first touches of memory are what costs most in a large run.
        let mut with_contact = vec![false; objects.list.len()];
        for (id, aor) in objects.of_type("aor").with_ids() {
            with_contact[id.0 as usize] = config.option_vars(aor, contact).next().is_some();
        }
        // Most registrations have their trunk (a trunk without one is rarer).
        let mut trunks = Trunks {
            list: Vec::with_capacity(registrations),
            by_endpoint: HashMap::with_capacity_and_hasher(registrations, Default::default()),
            by_registration: HashMap::with_capacity_and_hasher(registrations, Default::default()),
        };
        // The hosts of an endpoint's contacts, kept from one endpoint to the next.
        let mut contact_hosts: Vec<Cow<'_, str>> = Vec::new();
        for (id, endpoint) in objects.of_type("endpoint").with_ids() {
            // Its aors are visited only when it names one with a contact (through `aors`: a
            // reference of another option would only make it look for nothing).
            let names_contact = objects
                .references(endpoint)
                .iter()
                .any(|r| r.target().is_some_and(|aor| with_contact[aor.0 as usize]));
            contact_hosts.clear();
            if names_contact {
                contact_hosts.extend(
                    config
                        .referenced(endpoint, aors)
                        .flat_map(|aor| config.option_items(aor, contact))
                        .filter_map(uri_host_lower),
                );
            }
            // Most configurations have no `line=yes` registration: then the endpoint's id (a
            // cache miss) is not read.
            let line_registration = if line_registrations.is_empty() {
                None
            } else {
                line_registrations.get(config.object_id(endpoint))
            };
            let trunk = if let Some(&registration) = line_registration {
                let host = config
                    .option(objects.by_id(registration), "server_uri")
                    .and_then(uri_host);
                Some((Some(registration), TrunkReason::RegistrationLine, host))
            } else if let Some((host, &registration)) = contact_hosts
                .iter()
                .find_map(|host| server_hosts.get(host).map(|r| (host, r)))
            {
                Some((
                    Some(registration),
                    TrunkReason::ContactMatchesRegistration,
                    Some(host.to_string()),
                ))
            } else {
                contact_hosts
                    .iter()
                    .find(|host| !is_private_host(host))
                    .map(|host| (None, TrunkReason::PublicContact, Some(host.to_string())))
            };
            if let Some((registration, reason, host)) = trunk {
                let position = trunks.list.len();
                trunks.by_endpoint.insert(id, position);
                if let Some(registration) = registration {
                    trunks
                        .by_registration
                        .entry(registration)
                        .or_insert(position);
                }
                trunks.list.push(Trunk {
                    endpoint: id,
                    registration,
                    reason,
                    host,
                });
            }
        }
        trunks
    }
}

/// The auths a registration's trunk answers the provider's challenges with: the registration's
/// own `outbound_auth` (what res_pjsip_outbound_registration.c sends with REGISTER), or, when it
/// names none, the `outbound_auth` of the trunk's endpoint (what its calls send), with that
/// endpoint. Only auths that exist.
pub fn trunk_auths<'a>(
    config: &'a Config,
    trunks: &Trunks,
    registration: ObjectId,
) -> (
    Vec<&'a crate::model::Object>,
    Option<&'a crate::model::Object>,
) {
    let object = config.objects.by_id(registration);
    let own: Vec<_> = config.referenced(object, "outbound_auth").collect();
    let written = config
        .option(object, "outbound_auth")
        .is_some_and(|value| crate::lookup::list_items(value).next().is_some());
    if !own.is_empty() || written {
        return (own, None);
    }
    let Some(trunk) = trunks.of_registration(registration) else {
        return (Vec::new(), None);
    };
    let endpoint = config.objects.by_id(trunk.endpoint);
    let auths: Vec<_> = config.referenced(endpoint, "outbound_auth").collect();
    if auths.is_empty() {
        return (auths, None);
    }
    (auths, Some(endpoint))
}

/// What the identify sections say about endpoints, made once for every rule that asks (on 25k
/// trunks, each rule walking the identifies itself took as long as this walk): which endpoints
/// they name, for the rules that ask whether the provider's calls find a trunk's endpoint
/// (trunk-missing-identify), leave it to that rule (unauthenticated-endpoint), or leave trunks
/// out (nat-endpoint-options).
#[derive(Debug)]
pub struct Identifies<'a> {
    config: &'a Config,
    /// The endpoints identify sections name (loaded or not: one Asterisk rejects is another
    /// rule's finding).
    named: HashSet<&'a str>,
    /// The endpoints usable identify sections name (those Asterisk rejects only for a reason of
    /// their own left out).
    named_by_usable: HashSet<&'a str>,
    /// Endpoints an identify matches from every address (`match=0.0.0.0/0`, `::/0`), each with
    /// the first such `match` line. Rejected identifies count too, as in `named`: once their
    /// own finding is fixed they match the endpoint.
    matched_from_everywhere: HashMap<&'a str, &'a Var>,
    /// What only a trunk no identify names asks about: made by the first such trunk. Where every
    /// trunk has its identify (25k of them), parsing every `match=` host and looking up every
    /// endpoint name took a third of making the rest.
    unnamed_trunks: std::sync::OnceLock<ForUnnamedTrunks<'a>>,
}

/// What the identify sections say about a trunk that none of them names.
#[derive(Debug)]
struct ForUnnamedTrunks<'a> {
    /// The hosts of every identify's `match=` items (lower case, no port, no mask).
    hosts: HashSet<String>,
    /// Endpoint names identify sections give that no endpoint has (a typo, reported by
    /// dangling-reference).
    dangling: Vec<&'a str>,
}

impl<'a> Identifies<'a> {
    pub fn of(config: &'a Config) -> Identifies<'a> {
        // At their final size (see `Trunks::find`): one name an identify.
        let count = config.objects.of_type("identify").len();
        let mut identifies = Identifies {
            config,
            named: HashSet::with_capacity_and_hasher(count, Default::default()),
            named_by_usable: HashSet::with_capacity_and_hasher(count, Default::default()),
            matched_from_everywhere: HashMap::default(),
            unnamed_trunks: std::sync::OnceLock::new(),
        };
        let endpoint_name = config.option_name("endpoint");
        let match_name = config.option_name("match");
        for identify in config.of_type_warm("identify") {
            let Some(endpoint) = config.option(identify, endpoint_name).map(str::trim) else {
                continue;
            };
            identifies.named.insert(endpoint);
            if identify.usable() {
                identifies.named_by_usable.insert(endpoint);
            }
            for var in config.option_vars(identify, match_name) {
                let every = crate::lookup::list_items(config.value(var)).any(|item| {
                    item.split_once('/')
                        .is_some_and(|(_, mask)| matches!(mask.trim(), "0" | "0.0.0.0"))
                });
                if every {
                    identifies
                        .matched_from_everywhere
                        .entry(endpoint)
                        .or_insert(var);
                }
            }
        }
        identifies
    }

    /// [`ForUnnamedTrunks`], made at the first ask.
    fn for_unnamed_trunks(&self) -> &ForUnnamedTrunks<'a> {
        self.unnamed_trunks.get_or_init(|| {
            let config = self.config;
            let count = config.objects.of_type("identify").len();
            let mut found = ForUnnamedTrunks {
                hosts: HashSet::with_capacity_and_hasher(count, Default::default()),
                dangling: Vec::new(),
            };
            let endpoint_name = config.option_name("endpoint");
            let match_name = config.option_name("match");
            for identify in config.of_type_warm("identify") {
                if let Some(endpoint) = config.option(identify, endpoint_name).map(str::trim) {
                    if config.object("endpoint", endpoint).is_none() {
                        found.dangling.push(endpoint);
                    }
                }
                for item in config.option_items(identify, match_name) {
                    found.hosts.insert(match_host(item));
                }
            }
            found
        })
    }

    /// Whether an identify section names the endpoint.
    pub fn names(&self, endpoint: &str) -> bool {
        self.named.contains(endpoint.trim())
    }

    /// Whether an identify section names the endpoint of id `id`, as sorcery compares them: the
    /// id as written (a section name is not trimmed), against the trimmed `endpoint=` value.
    pub fn names_id(&self, id: &str) -> bool {
        self.named.contains(id)
    }

    /// [`Identifies::names_id`] for the usable identify sections only.
    pub fn usable_one_names_id(&self, id: &str) -> bool {
        self.named_by_usable.contains(id)
    }

    /// The first `match` line by which an identify matches the endpoint of id `id` from every
    /// address.
    pub fn matched_from_everywhere(&self, id: &str) -> Option<&'a Var> {
        self.matched_from_everywhere.get(id).copied()
    }

    /// Whether the provider's requests to `trunk` can find no endpoint by address: no identify
    /// names its endpoint, no registration names it with `line=yes`, no identify (of another
    /// endpoint: an outbound-only trunk whose provider's calls arrive on an inbound endpoint)
    /// matches its host, and no identify names a missing endpoint whose name is this one's with
    /// a typo (that identify was meant for it; dangling-reference reports the typo).
    pub fn trunk_unidentified(&self, config: &Config, trunk: &Trunk) -> bool {
        if trunk.reason == TrunkReason::RegistrationLine {
            return false;
        }
        let name = config.object_id(config.objects.by_id(trunk.endpoint));
        if self.names(name) {
            return false;
        }
        let unnamed = self.for_unnamed_trunks();
        if trunk
            .host
            .as_deref()
            .is_some_and(|host| unnamed.hosts.contains(host))
        {
            return false;
        }
        // Each trunk against each dangling name: bounded, so that ten thousand of each stay
        // linear (past the bound only a difference of case counts).
        if unnamed.dangling.len() <= 64 {
            !unnamed.dangling.iter().any(|other| near(other, name))
        } else {
            !unnamed
                .dangling
                .iter()
                .any(|other| other.eq_ignore_ascii_case(name))
        }
    }
}

/// The host of an identify `match=` item: `203.0.113.10/32` -> `203.0.113.10`,
/// `sip.example.net:5060` -> `sip.example.net`, `[2001:db8::1]` -> `2001:db8::1`.
fn match_host(item: &str) -> String {
    let item = item.trim();
    let item = item.split('/').next().unwrap_or(item);
    let host = if let Some(v6) = item.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else if item.parse::<std::net::IpAddr>().is_ok() {
        item
    } else {
        item.split(':').next().unwrap_or(item)
    };
    host.to_ascii_lowercase()
}

/// Whether two names differ by at most two edits (case ignored), both of four characters or
/// more: `dcs-endpoint` and `dcss-endpoint`. Bounded: at most 64 characters are read.
fn near(a: &str, b: &str) -> bool {
    let a: String = a.chars().take(64).flat_map(char::to_lowercase).collect();
    let b: String = b.chars().take(64).flat_map(char::to_lowercase).collect();
    a.chars().count() >= 4
        && b.chars().count() >= 4
        && crate::schema::edit_distance(&a, &b, 2).is_some()
}

/// Whether a host taken from the configuration is a placeholder or a documentation name
/// (`sip.example.net`, `SERVER.voip.ms`, `x.x.x.x`, `<provider-ip>`): a fix must not write it
/// into a new `match=` line, where Asterisk would resolve it (or reject the identify).
pub fn placeholder_host(host: &str) -> bool {
    let lower = host.to_ascii_lowercase();
    let labels: Vec<&str> = lower.split('.').collect();
    lower.contains('<')
        || lower.contains("x.x")
        || lower.contains("your")
        || labels.iter().any(|label| {
            matches!(
                *label,
                "example" | "server" | "host" | "hostname" | "provider" | "domain" | "ip" | "sbc"
            )
        })
        || lower.ends_with(".invalid")
        || lower.ends_with(".test")
        || host.chars().any(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names() {
        assert!(near("dcs-endpoint", "dcss-endpoint"));
        assert!(near("Provider", "provider"));
        assert!(!near("provider-in", "provider-out-1"));
        assert!(!near("a", "b"));
    }

    #[test]
    fn match_hosts() {
        assert_eq!(match_host("203.0.113.10/32"), "203.0.113.10");
        assert_eq!(match_host("SIP.example.net:5060"), "sip.example.net");
        assert_eq!(match_host("[2001:db8::1]:5060"), "2001:db8::1");
        assert_eq!(match_host("2001:db8::1"), "2001:db8::1");
    }

    #[test]
    fn placeholders() {
        assert!(placeholder_host("sip.example.net"));
        assert!(placeholder_host("SERVER.voip.ms"));
        assert!(placeholder_host("x.x.x.x"));
        assert!(!placeholder_host("sip.telekom.de"));
        assert!(!placeholder_host("203.0.113.10"));
    }
}
