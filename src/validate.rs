//! What Asterisk does with each object's lines, and which objects it therefore rejects.
//!
//! Sorcery applies every line of an object in order through its type's option handlers
//! (main/config_options.c `aco_process_var`, l.769-801): an unknown key or a value the handler
//! refuses rejects the object at once. Then the type's apply callback runs its own checks
//! (../shared/asterisk/runtime-errors.md "Apply-time checks"; res/res_pjsip/config_auth.c,
//! config_transport.c, res_pjsip_outbound_registration.c, res_pjsip_endpoint_identifier_ip.c,
//! pjsip_configuration.c). This module finds all of those problems once; the schema rules report
//! them and `--effective` marks the first rejecting one as the reason the object does not load.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::lookup::Options;
use crate::model::{Config, KeyMeanings, LineRef, NotLoaded, Object, ObjectId, Var, Vars};
use crate::schema::{schema, values, OptionSpec, ValueCheck};

/// One problem with one object.
#[derive(Debug, Clone)]
pub struct ObjectProblem {
    pub object: ObjectId,
    /// The line at fault: an index into the object's section `vars` (none for a missing option).
    pub var: Option<usize>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Not an option of this object type in any version.
    UnknownOption,
    /// An option of this type, but not in the chosen Asterisk version.
    NotInVersion,
    /// The handler refuses the value ("Error parsing ...").
    InvalidValue { reason: String },
    /// A bool value that is none of Asterisk's words: silently read as "no".
    ReadAsFalse,
    /// An option the type's apply check needs is missing or empty.
    MissingRequired { reason: String },
    /// Options the apply check refuses together (or a value it refuses at apply time).
    Conflict { reason: String },
    /// A transport bound to the address and port of an earlier one: the socket cannot open.
    BindConflict { earlier: ObjectId },
    /// A registration while no transport loads: Asterisk cannot create it.
    NoTransport,
    /// A file option (`cert_file`, `dtls_cert_file`, ...) naming a file that is not there.
    MissingFile { path: String },
    /// A file option that Asterisk checks on the PBX; pjsiplint was told not to look
    /// (`check-files` off), so whether the object loads depends on that machine.
    NeedsFile { path: String },
    /// A host name Asterisk resolves when it loads the object (transport `bind`, identify
    /// `match`): if DNS fails then, the object is rejected. pjsiplint does not resolve names.
    NeedsDns { host: String },
    /// A transport bound to one specific address: the socket opens only on a machine that has
    /// that address ("Cannot assign requested address" elsewhere). pjsiplint knows only when it
    /// runs on the PBX (`check-files`).
    NeedsAddress { address: String },
}

impl ProblemKind {
    /// Whether Asterisk refuses the object for it.
    pub fn rejects(&self) -> bool {
        !matches!(
            self,
            ProblemKind::ReadAsFalse
                | ProblemKind::NeedsFile { .. }
                | ProblemKind::NeedsDns { .. }
                | ProblemKind::NeedsAddress { .. }
        )
    }
}

#[derive(Debug, Default)]
pub struct Validation {
    pub problems: Vec<ObjectProblem>,
    /// For each object Asterisk rejects for its own lines, the references that name it (the
    /// referring object and the index of its line), in load order: they are part of the
    /// rejection's finding (its related locations), not findings of their own.
    pub referrers: HashMap<ObjectId, Vec<(ObjectId, u32)>>,
    /// The option each key of the objects names in their type (moved to the configuration
    /// when validation ends).
    options: KeyMeanings,
}

/// How to validate.
#[derive(Debug, Clone)]
pub struct ValidateOptions {
    /// The Asterisk major version (16 to 23).
    pub version: u32,
    /// Whether files named by options (`cert_file`, `dtls_cert_file`, ...) are looked for:
    /// only meaningful on the PBX itself.
    pub check_files: bool,
    /// Relative file names are looked for in this directory (Asterisk's config directory).
    pub config_dir: std::path::PathBuf,
}

/// Finds every object's problems and records the first rejecting one on the object.
pub fn validate(config: &mut Config, options: &ValidateOptions) -> Validation {
    let objects = &config.objects;
    let lines = |at| objects.lines_at(config, at);
    let (mut validation, second) =
        crate::cores::in_two_weighted_halves(objects.list.len(), lines, |which| {
            check_objects(config, which, options)
        });
    validation.problems.extend(second.problems);
    validation.options.merge(second.options);
    config.key_meanings = std::mem::take(&mut validation.options);
    bind_conflicts(config, &mut validation.problems);
    bind_addresses(config, options, &mut validation.problems);
    for registration in registrations_without_transport(config, &mut validation.problems) {
        config
            .objects
            .mark_not_loaded(registration, NotLoaded::NoTransportLoads);
    }
    for problem in &validation.problems {
        if problem.kind.rejects() {
            let reason = describe_rejection(config, problem);
            let object = config.objects.by_id(problem.object);
            if !config
                .objects
                .not_loaded(object)
                .iter()
                .any(|why| matches!(why, NotLoaded::Rejected { .. }))
            {
                let rejected = NotLoaded::Rejected { reason };
                config.objects.mark_not_loaded(problem.object, rejected);
            }
        }
    }
    crate::wizard::mark_inbound_auths_not_made(config);
    // pjsip.conf's object hides the wizard's of the same type and id only when it loads: the
    // lookup falls through to the wizard's store otherwise (main/sorcery.c, observed with the
    // oracle: ../shared/corpus/wizard/made/id_collision_with_pjsip_conf).
    for &(first, hidden) in config.objects.hidden_by().to_vec().iter() {
        if config.objects.by_id(first).loads() {
            config
                .objects
                .mark_not_loaded(hidden, NotLoaded::HiddenByPjsipConf);
        }
    }
    validation.referrers = referrers_of_rejected(config);
    validation
}

/// See [`Validation::referrers`]: one pass over the resolved references.
fn referrers_of_rejected(config: &Config) -> HashMap<ObjectId, Vec<(ObjectId, u32)>> {
    let mut referrers: HashMap<ObjectId, Vec<(ObjectId, u32)>> = HashMap::default();
    // Usually nothing is rejected: one pass in order over the objects then saves the walk over
    // every reference, each a wait on memory for its target (100k phones: 200k references, on
    // the model's thread alone).
    if config.objects.list.iter().all(Object::usable) {
        return referrers;
    }
    for id in config.objects.ids() {
        let object = config.objects.by_id(id);
        for reference in config.objects.references(object) {
            if let Some(target) = reference.target() {
                if !config.objects.by_id(target).usable() {
                    referrers
                        .entry(target)
                        .or_default()
                        .push((id, reference.var));
                }
            }
        }
    }
    referrers
}

/// The lines and the apply checks of some objects (by index), in order.
fn check_objects(
    config: &Config,
    which: std::ops::Range<usize>,
    options: &ValidateOptions,
) -> Validation {
    let mut validation = Validation::default();
    let mut inherited = InheritedLines::default();
    let keys = config.options(Key::ALL.map(Key::name));
    for index in which {
        let id = ObjectId(index as u32);
        let object = config.objects.by_id(id);
        let view = ObjectView::new(config, object);
        view.check_lines(&mut validation, &mut inherited, id, options);
        let applied = Applied::new(config, &keys, object);
        view.apply_checks(&applied, id, options.version, &mut validation.problems);
    }
    validation
}

/// The words `--effective` and the rules use for why Asterisk rejects an object.
pub fn describe_rejection(config: &Config, problem: &ObjectProblem) -> String {
    let object = config.objects.by_id(problem.object);
    let key = problem
        .var
        .map(|index| config.key(config.vars(config.section(object.section)).at(index)))
        .unwrap_or_default();
    match &problem.kind {
        ProblemKind::UnknownOption => format!("unknown option `{key}`"),
        ProblemKind::NotInVersion => format!("`{key}` does not exist in this Asterisk version"),
        ProblemKind::InvalidValue { reason } => format!("bad value for `{key}`: {reason}"),
        ProblemKind::ReadAsFalse => format!("`{key}` is read as \"no\""),
        ProblemKind::MissingRequired { reason } | ProblemKind::Conflict { reason } => {
            reason.clone()
        }
        ProblemKind::BindConflict { earlier } => format!(
            "transport '{}' is bound to the same address and port, so this one cannot start",
            config.object_id(config.objects.by_id(*earlier))
        ),
        ProblemKind::NoTransport => {
            "no transport loads, so Asterisk cannot create the registration".to_owned()
        }
        ProblemKind::MissingFile { path } => {
            format!("`{key}` names {path}, which does not exist or is not readable")
        }
        ProblemKind::NeedsFile { path } => {
            format!("loads only if {path} (`{key}`) exists on the PBX")
        }
        ProblemKind::NeedsDns { host } => {
            format!("loads only if `{host}` (`{key}`) resolves in DNS when Asterisk loads it")
        }
        ProblemKind::NeedsAddress { address } => {
            format!("loads only on a PBX that has the address {address} (`{key}`)")
        }
    }
}

/// The options the apply checks read ([`ObjectView::apply_checks`]): each object's last line of
/// each is found in one pass over its lines, where a lookup by name per option and object was
/// 6% of a large configuration's instructions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    AuthType,
    Bind,
    ClientUri,
    DtlsAutoGenerateCert,
    DtlsCertFile,
    Endpoint,
    Event,
    ExternalSignalingAddress,
    ExternalSignalingHostname,
    Line,
    Match,
    MatchHeader,
    MatchRequestUri,
    Md5Cred,
    OauthClientid,
    OauthSecret,
    Password,
    PasswordDigest,
    Protocol,
    RefreshToken,
    RtpPortEnd,
    RtpPortStart,
    ServerUri,
    TimersMinSe,
    TimersSessExpires,
    Username,
}

impl Key {
    const ALL: [Key; 26] = [
        Key::AuthType,
        Key::Bind,
        Key::ClientUri,
        Key::DtlsAutoGenerateCert,
        Key::DtlsCertFile,
        Key::Endpoint,
        Key::Event,
        Key::ExternalSignalingAddress,
        Key::ExternalSignalingHostname,
        Key::Line,
        Key::Match,
        Key::MatchHeader,
        Key::MatchRequestUri,
        Key::Md5Cred,
        Key::OauthClientid,
        Key::OauthSecret,
        Key::Password,
        Key::PasswordDigest,
        Key::Protocol,
        Key::RefreshToken,
        Key::RtpPortEnd,
        Key::RtpPortStart,
        Key::ServerUri,
        Key::TimersMinSe,
        Key::TimersSessExpires,
        Key::Username,
    ];

    fn name(self) -> &'static str {
        match self {
            Key::AuthType => "auth_type",
            Key::Bind => "bind",
            Key::ClientUri => "client_uri",
            Key::DtlsAutoGenerateCert => "dtls_auto_generate_cert",
            Key::DtlsCertFile => "dtls_cert_file",
            Key::Endpoint => "endpoint",
            Key::Event => "event",
            Key::ExternalSignalingAddress => "external_signaling_address",
            Key::ExternalSignalingHostname => "external_signaling_hostname",
            Key::Line => "line",
            Key::Match => "match",
            Key::MatchHeader => "match_header",
            Key::MatchRequestUri => "match_request_uri",
            Key::Md5Cred => "md5_cred",
            Key::OauthClientid => "oauth_clientid",
            Key::OauthSecret => "oauth_secret",
            Key::Password => "password",
            Key::PasswordDigest => "password_digest",
            Key::Protocol => "protocol",
            Key::RefreshToken => "refresh_token",
            Key::RtpPortEnd => "rtp_port_end",
            Key::RtpPortStart => "rtp_port_start",
            Key::ServerUri => "server_uri",
            Key::TimersMinSe => "timers_min_se",
            Key::TimersSessExpires => "timers_sess_expires",
            Key::Username => "username",
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The last line of each [`Key`] in one object, with its position among the object's lines.
struct Applied<'a> {
    config: &'a Config,
    lines: [Option<(usize, &'a Var)>; 26],
}

impl<'a> Applied<'a> {
    fn new(config: &'a Config, keys: &Options<26>, object: &Object) -> Self {
        let mut lines = [None; 26];
        for (index, var) in config
            .vars(config.section(object.section))
            .iter()
            .enumerate()
        {
            if let Some(key) = keys.index_of(var) {
                lines[key] = Some((index, var));
            }
        }
        Applied { config, lines }
    }

    /// The last value written for `key`, if any.
    fn get(&self, key: Key) -> Option<&'a str> {
        self.lines[key as usize].map(|(_, var)| self.config.value(var))
    }

    /// The value of `key`, empty when absent.
    fn value(&self, key: Key) -> &'a str {
        self.get(key).unwrap_or("")
    }

    fn is_true(&self, key: Key) -> bool {
        schema().is_true_word(self.value(key))
    }

    /// The position of the last line of `key` among the object's lines.
    fn last(&self, key: Key) -> Option<usize> {
        self.lines[key as usize].map(|(index, _)| index)
    }
}

/// The problem of each shared line (a template's, a wizard template's:
/// [`Config::line_shared_with_others`]), per object type it was inherited into.
type InheritedLines = HashMap<(usize, LineRef), Option<ProblemKind>>;

/// An object's lines, read the way its options end up (last line wins).
struct ObjectView<'a> {
    config: &'a Config,
    object: &'a Object,
    vars: Vars<'a>,
}

impl<'a> ObjectView<'a> {
    fn new(config: &'a Config, object: &'a Object) -> Self {
        ObjectView {
            config,
            object,
            vars: config.vars(config.section(object.section)),
        }
    }

    /// The index of the last line of `key` (names compared without case, by key id).
    fn last(&self, key: &str) -> Option<usize> {
        let ids = self.config.key_ids(key);
        let from_end = self
            .vars
            .iter()
            .rev()
            .position(|var| ids.contains(&var.key))?;
        Some(self.vars.len() - 1 - from_end)
    }

    /// The last value written for `key` (what a last-wins option ends up as), if any.
    fn get(&self, key: &str) -> Option<&'a str> {
        self.config.option(self.object, key)
    }

    /// The value of `key`, empty when absent.
    fn value(&self, key: &str) -> &'a str {
        self.get(key).unwrap_or("")
    }

    fn is_true(&self, key: &str) -> bool {
        schema().is_true_word(self.value(key))
    }

    fn check_lines(
        &self,
        validation: &mut Validation,
        inherited: &mut InheritedLines,
        id: ObjectId,
        options: &ValidateOptions,
    ) {
        for (index, var) in self.vars.iter().enumerate() {
            let meaning = validation.options.resolve(self.config, self.object.ty, var);
            if meaning.unchecked {
                continue;
            }
            let kind = match meaning.spec {
                // A file option's problem depends on the object (its transport's protocol).
                Some(spec) if spec.subkind.as_deref() == Some("path") => {
                    if spec.available_in(options.version) {
                        self.file_problem(self.config.value(var), options)
                    } else {
                        Some(ProblemKind::NotInVersion)
                    }
                }
                // A template line unchanged by `+=` reads the same in every object built on it,
                // and so does a wizard line the wizard passed on to many objects.
                _ => match self.config.line_shared_with_others(var) {
                    Some(line) => inherited
                        .entry((self.object.ty.index, line))
                        .or_insert_with(|| self.line_problem(meaning.spec, var, options.version))
                        .clone(),
                    None => self.line_problem(meaning.spec, var, options.version),
                },
            };
            if let Some(kind) = kind {
                validation.problems.push(ObjectProblem {
                    object: id,
                    var: Some(index),
                    kind,
                });
            }
        }
    }

    /// What Asterisk's handler makes of the line `var` of option `spec` (`None`: unknown key).
    fn line_problem(
        &self,
        spec: Option<&OptionSpec>,
        var: &Var,
        version: u32,
    ) -> Option<ProblemKind> {
        let Some(spec) = spec else {
            return Some(ProblemKind::UnknownOption);
        };
        if !spec.available_in(version) {
            return Some(ProblemKind::NotInVersion);
        }
        let value = self.config.value(var);
        match values::check_value(spec, value) {
            ValueCheck::Rejected { reason } => Some(ProblemKind::InvalidValue { reason }),
            ValueCheck::ReadAsFalse => Some(ProblemKind::ReadAsFalse),
            ValueCheck::Ok | ValueCheck::Unchecked => resolved_host(spec.subkind.as_deref(), value)
                .map(|host| ProblemKind::NeedsDns { host }),
        }
    }

    /// Asterisk opens the files of `path` options at load (rtp_engine.c for `dtls_*`,
    /// config_transport.c for the TLS files, which websocket transports ignore).
    fn file_problem(&self, path: &str, options: &ValidateOptions) -> Option<ProblemKind> {
        let websocket = self.object.kind_name() == "transport"
            && matches!(
                self.value("protocol").to_ascii_lowercase().as_str(),
                "ws" | "wss"
            );
        if path.is_empty() || websocket {
            return None;
        }
        let path_owned = path.to_owned();
        if !options.check_files {
            return Some(ProblemKind::NeedsFile { path: path_owned });
        }
        let readable = std::fs::File::open(options.config_dir.join(path)).is_ok();
        (!readable).then_some(ProblemKind::MissingFile { path: path_owned })
    }

    /// The apply callbacks' checks, per type.
    fn apply_checks(
        &self,
        applied: &Applied<'_>,
        id: ObjectId,
        version: u32,
        out: &mut Vec<ObjectProblem>,
    ) {
        let name = self.config.object_id(self.object);
        let mut missing = Vec::new();
        match self.object.kind_name() {
            "auth" => self.auth_checks(applied, version, &mut missing),
            "registration" => {
                for (key, which) in [(Key::ServerUri, "server"), (Key::ClientUri, "client")] {
                    let uri = applied.value(key);
                    if uri.is_empty() {
                        missing.push(format!(
                            "no `{key}`: \"No {which} URI specified on outbound registration \
                             '{name}'\""
                        ));
                    } else if let Err(why) = check_sip_uri(uri) {
                        // res_pjsip_outbound_registration.c: "Invalid server URI" / "is not a
                        // sip(s) uri" at apply time.
                        out.push(ObjectProblem {
                            object: id,
                            var: applied.last(key),
                            kind: ProblemKind::InvalidValue { reason: why },
                        });
                    }
                }
                if applied.is_true(Key::Line) && applied.value(Key::Endpoint).is_empty() {
                    missing.push("`line=yes` without `endpoint`".to_owned());
                }
            }
            "outbound-publish" => {
                if applied.value(Key::ServerUri).is_empty() {
                    missing.push("no `server_uri`".to_owned());
                }
                if applied.value(Key::Event).is_empty() {
                    missing.push("no `event`".to_owned());
                }
            }
            "transport" => {
                let flow = applied.value(Key::Protocol).eq_ignore_ascii_case("flow");
                if !flow && applied.value(Key::Bind).is_empty() {
                    missing.push(format!(
                        "no `bind`: \"Transport '{name}' could not be started as binding not \
                         specified\""
                    ));
                }
            }
            "identify" => {
                if applied.value(Key::Endpoint).is_empty() {
                    missing.push(format!(
                        "no `endpoint`: \"Identify '{name}' missing required endpoint name\""
                    ));
                }
                let matches_something = [Key::Match, Key::MatchHeader, Key::MatchRequestUri]
                    .into_iter()
                    .any(|key| !applied.value(key).is_empty());
                if !matches_something {
                    missing.push(format!(
                        "no `match`: \"Identify '{name}' is not configured to match anything\""
                    ));
                }
            }
            _ => {}
        }
        out.extend(missing.into_iter().map(|reason| ObjectProblem {
            object: id,
            var: None,
            kind: ProblemKind::MissingRequired { reason },
        }));
        self.conflicts(applied, id, out);
    }

    /// res/res_pjsip/config_auth.c `auth_apply`. Since 20.12 / 21.7 / 22.2 (the newest releases
    /// of branches 20 to 23) every auth type needs a password or a digest; before, only
    /// `auth_type=md5` needed `md5_cred`.
    fn auth_checks(&self, applied: &Applied<'_>, version: u32, missing: &mut Vec<String>) {
        let name = self.config.object_id(self.object);
        let auth_type = applied.get(Key::AuthType).unwrap_or("userpass");
        if auth_type.eq_ignore_ascii_case("google_oauth") {
            let needed = [Key::RefreshToken, Key::OauthClientid, Key::OauthSecret];
            if needed.into_iter().any(|key| applied.value(key).is_empty()) {
                missing.push(
                    "`auth_type=google_oauth` needs `refresh_token`, `oauth_clientid` and \
                     `oauth_secret`"
                        .to_owned(),
                );
            }
            return;
        }
        let no_username = applied.value(Key::Username).is_empty();
        let has_secret = [Key::Password, Key::Md5Cred, Key::PasswordDigest]
            .into_iter()
            .any(|key| !applied.value(key).is_empty());
        let no_secret = if version >= 20 {
            !has_secret
        } else {
            auth_type.eq_ignore_ascii_case("md5") && applied.value(Key::Md5Cred).is_empty()
        };
        // auth_apply stops at the first check that fails; both missing is one mistake (an auth
        // section left empty), reported once.
        match (no_username, no_secret) {
            (true, true) if version >= 20 => missing.push(format!(
                "no `username` and no `password` (or `md5_cred`): \"{name}: No authentication \
                 username\""
            )),
            (true, true) => missing.push(format!(
                "no `username`, and `auth_type=md5` without `md5_cred`: \"{name}: No \
                 authentication username\""
            )),
            (true, false) => missing.push(format!(
                "no `username`: \"{name}: No authentication username\""
            )),
            (false, true) if version >= 20 => missing.push(format!(
                "no `password` (or `md5_cred`): \"{name}: No plain text or digest password \
                 found for algorithm MD5\""
            )),
            (false, true) => missing.push("`auth_type=md5` without `md5_cred`".to_owned()),
            (false, false) => {}
        }
    }

    /// Apply checks that refuse combinations of values.
    fn conflicts(&self, applied: &Applied<'_>, id: ObjectId, out: &mut Vec<ObjectProblem>) {
        let mut conflict = |key: Key, reason: String| {
            out.push(ObjectProblem {
                object: id,
                var: applied.last(key),
                kind: ProblemKind::Conflict { reason },
            })
        };
        match self.object.kind_name() {
            "endpoint" => {
                let number = |key: Key| applied.get(key).and_then(|v| v.trim().parse::<u64>().ok());
                let min_se = number(Key::TimersMinSe);
                if min_se.is_some_and(|min| min < 90) {
                    conflict(
                        Key::TimersMinSe,
                        "`timers_min_se` must be 90 or greater".to_owned(),
                    );
                }
                let expires = number(Key::TimersSessExpires);
                if let (Some(expires), Some(min)) = (expires, min_se.or(Some(90))) {
                    if expires < min {
                        conflict(
                            Key::TimersSessExpires,
                            "`timers_sess_expires` must be greater than `timers_min_se`".to_owned(),
                        );
                    }
                }
                if applied.is_true(Key::DtlsAutoGenerateCert)
                    && !applied.value(Key::DtlsCertFile).is_empty()
                {
                    conflict(
                        Key::DtlsAutoGenerateCert,
                        "`dtls_auto_generate_cert=yes` and `dtls_cert_file` cannot both be set"
                            .to_owned(),
                    );
                }
                let start = number(Key::RtpPortStart);
                let end = number(Key::RtpPortEnd);
                match (start, end) {
                    (Some(_), None) | (None, Some(_)) => conflict(
                        Key::RtpPortStart,
                        "`rtp_port_start` and `rtp_port_end` must be set together".to_owned(),
                    ),
                    (Some(start), Some(end)) if start < 1024 || end < 1024 => conflict(
                        Key::RtpPortStart,
                        "`rtp_port_start` and `rtp_port_end` must be at least 1024".to_owned(),
                    ),
                    (Some(start), Some(end)) if end <= start => conflict(
                        Key::RtpPortEnd,
                        "`rtp_port_end` must be greater than `rtp_port_start`".to_owned(),
                    ),
                    _ => {}
                }
            }
            "transport"
                if !applied.value(Key::ExternalSignalingAddress).is_empty()
                    && !applied.value(Key::ExternalSignalingHostname).is_empty() =>
            {
                conflict(
                    Key::ExternalSignalingHostname,
                    "`external_signaling_address` and `external_signaling_hostname` cannot \
                     both be set"
                        .to_owned(),
                );
            }
            _ => {}
        }
    }
}

/// Two loading transports with the same socket (protocol family, address and port): the
/// operating system refuses the second ("Address already in use", config_transport.c:1015).
/// Websocket transports use Asterisk's HTTP server and open no socket of their own.
fn bind_conflicts(config: &Config, out: &mut Vec<ObjectProblem>) {
    let rejected: HashSet<ObjectId> = out
        .iter()
        .filter(|p| p.kind.rejects())
        .map(|p| p.object)
        .collect();
    let mut bound: HashMap<(bool, String), ObjectId> = HashMap::default();
    for (index, object) in config.objects.list.iter().enumerate() {
        // Transports as they load once the file-level failures are fixed (so that a conflict in
        // a file Asterisk rejects for a missing include is still found), but not those in a part
        // of a file Asterisk never reads: they open no socket, whatever else is fixed.
        if object.kind_name() != "transport"
            || !object.usable()
            || config
                .objects
                .not_loaded(object)
                .contains(&NotLoaded::Dropped)
        {
            continue;
        }
        let id = ObjectId(index as u32);
        if rejected.contains(&id) {
            continue;
        }
        let view = ObjectView::new(config, object);
        let protocol = view.get("protocol").unwrap_or("udp").to_ascii_lowercase();
        let Some(bind) = view.get("bind").filter(|b| !b.is_empty()) else {
            continue;
        };
        let stream = match protocol.as_str() {
            "udp" => false,
            "tcp" | "tls" => true,
            _ => continue,
        };
        let key = (stream, values::show_bind(bind, &protocol));
        match bound.get(&key) {
            Some(&earlier) => out.push(ObjectProblem {
                object: id,
                var: view.last("bind"),
                kind: ProblemKind::BindConflict { earlier },
            }),
            None => {
                bound.insert(key, id);
            }
        }
    }
}

/// A udp/tcp/tls transport bound to one specific address opens its socket only on a machine
/// that has the address: elsewhere bind() fails with "Cannot assign requested address" and
/// config_transport.c transport_apply logs "Transport '%s' could not be started" and rejects
/// the transport. Loopback addresses exist everywhere. On the PBX itself (`check-files`) the
/// machine's addresses decide; otherwise the transport's fate depends on the machine.
fn bind_addresses(config: &Config, options: &ValidateOptions, out: &mut Vec<ObjectProblem>) {
    let machine = options
        .check_files
        .then(crate::network::machine_addresses)
        .flatten();
    for (index, object) in config.objects.list.iter().enumerate() {
        if object.kind_name() != "transport" || !object.loads() {
            continue;
        }
        let Some(ip) = crate::network::listen_address(config, object) else {
            continue;
        };
        if ip.is_unspecified() || ip.is_loopback() {
            continue;
        }
        let view = ObjectView::new(config, object);
        let var = view.last("bind");
        let kind = match machine {
            Some(addresses) if addresses.contains(&ip) => continue,
            Some(_) => ProblemKind::InvalidValue {
                reason: format!(
                    "this machine has no address {ip}, so the socket cannot open (\"Transport \
                     '{}' could not be started: Cannot assign requested address\")",
                    config.object_id(object)
                ),
            },
            None => ProblemKind::NeedsAddress {
                address: ip.to_string(),
            },
        };
        out.push(ObjectProblem {
            object: ObjectId(index as u32),
            var,
            kind,
        });
    }
}

/// A registration needs a transport to build its request: when no transport loads, Asterisk
/// cannot create any registration (observed on real Asterisk 22.10.1: every registration of the
/// configs under ../shared/corpus/real/ whose transports all failed was rejected, with no message
/// of its own).
///
/// When no transport is defined at all, that is a problem of each registration (reported once
/// for all of them by `missing-required-option`). When transports are defined but none loads
/// (rejected for their own lines, or lost to a file-level failure), the registrations fail only
/// as a knock-on of the transports' own findings: they are returned, to be marked
/// [`NotLoaded::NoTransportLoads`] (not loaded, yet usable).
fn registrations_without_transport(config: &Config, out: &mut Vec<ObjectProblem>) -> Vec<ObjectId> {
    let rejected: HashSet<ObjectId> = out
        .iter()
        .filter(|p| p.kind.rejects())
        .map(|p| p.object)
        .collect();
    let transports = || {
        config
            .objects
            .list
            .iter()
            .enumerate()
            .filter(|(index, object)| {
                object.kind_name() == "transport" && !rejected.contains(&ObjectId(*index as u32))
            })
            .map(|(_, object)| object)
    };
    if transports().any(|transport| transport.loads()) {
        return Vec::new();
    }
    // A transport that is defined but does not load has a finding of its own (its rejection,
    // or the file-level failure that drops it); the registrations fail only because of it.
    let knock_on = config
        .objects
        .list
        .iter()
        .any(|object| object.kind_name() == "transport");
    let registrations = config
        .objects
        .list
        .iter()
        .enumerate()
        .filter(|(_, object)| object.kind_name() == "registration")
        .map(|(index, _)| ObjectId(index as u32));
    if knock_on {
        return registrations.collect();
    }
    out.extend(registrations.map(|object| ObjectProblem {
        object,
        var: None,
        kind: ProblemKind::NoTransport,
    }));
    Vec::new()
}

/// Whether pjsip's URI parser would accept `uri` as a SIP URI (`pjsip_parse_uri`, used by
/// res_pjsip_outbound_registration.c sip_outbound_registration_apply: "Invalid server URI").
/// pjsip/src/pjsip/sip_parser.c: the scheme `sip:`/`sips:`, an optional user part up to `@`,
/// then a host of letters, digits, `-`, `.` and `_` (pjsip_HOST_SPEC) or an IPv6 address in
/// brackets, then only `:port`, `;params` or `?headers`; the whole text must be consumed.
/// No spec of the parser holds blanks, non-ASCII bytes or `#`, `<`, `>`, `{`, `}`, `"`, `|`,
/// `\\`, `^` or a backquote, so any of those anywhere fails.
pub fn check_sip_uri(uri: &str) -> Result<(), String> {
    // Read as bytes, without a lower-case copy: every registration has two URIs (100k phones as
    // 25k trunks: 1,900 instructions a URI, most in the copy and the Unicode tests).
    let Some(rest) = crate::network::after_sip_scheme(uri) else {
        return Err(format!("'{uri}' is not a sip: or sips: URI"));
    };
    if rest.is_empty() {
        return Err(format!("'{uri}' has no host"));
    }
    // Every byte before the first bad one is ASCII, so the bad one starts a character.
    if let Some(at) = rest.bytes().position(|b| {
        !b.is_ascii_graphic()
            || matches!(
                b,
                b'<' | b'>' | b'{' | b'}' | b'"' | b'#' | b'|' | b'\\' | b'^' | b'`'
            )
    }) {
        let bad = rest[at..].chars().next().unwrap_or_default();
        return Err(format!(
            "'{uri}' is not a valid SIP URI (it contains '{bad}')"
        ));
    }
    // The host: after the user part (up to the first '@' before any ';' or '?'). Searched for
    // as bytes (all ASCII here): `str::split` with a `char` cost more than the rest.
    let head = crate::network::before_parameters(rest);
    let host_port = memchr::memchr(b'@', head.as_bytes()).map_or(head, |at| &head[at + 1..]);
    if let Some(v6) = host_port.strip_prefix('[') {
        if !v6.contains(']') {
            return Err(format!("'{uri}' is not a valid SIP URI ('[' without ']')"));
        }
        return Ok(());
    }
    let host = crate::network::before_byte(host_port, b':');
    if host.is_empty() {
        return Err(format!("'{uri}' has no host"));
    }
    if let Some(bad) = host
        .bytes()
        .find(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')))
    {
        return Err(format!(
            "'{uri}' is not a valid SIP URI (its host contains '{}')",
            char::from(bad)
        ));
    }
    Ok(())
}

/// The first host name (not an IP address) in a value Asterisk resolves at load time: the
/// transport `bind` (`pj_sockaddr_parse`) and identify `match` items
/// (res_pjsip_endpoint_identifier_ip.c resolves names when the identify is applied).
fn resolved_host(subkind: Option<&str>, value: &str) -> Option<String> {
    let items: Vec<&str> = match subkind? {
        "ip_port" => vec![value],
        "ip_or_host_list" => value.split(',').map(str::trim).collect(),
        _ => return None,
    };
    items.into_iter().find_map(|item| {
        let host = host_part(item);
        // `1717` or `10.1` is no name: inet_aton reads it as an IPv4 address (0.0.6.181), with
        // no DNS (identify-match-hostname says what it matches).
        let numeric = host.len() < 16 && crate::schema::addr::inet_aton(host).is_some();
        (!host.is_empty() && !numeric && host.parse::<std::net::IpAddr>().is_err())
            .then(|| host.to_owned())
    })
}

/// The address of `host`, `host:port`, `[v6]:port`, `addr/mask` or a bare IPv6 address.
fn host_part(item: &str) -> &str {
    let item = item.split('/').next().unwrap_or(item).trim();
    if let Some(rest) = item.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    if item.parse::<std::net::IpAddr>().is_ok() {
        return item;
    }
    item.rsplit_once(':').map_or(item, |(host, _port)| host)
}

/// What `pjsip show <type> <id>` prints for `option` of a loaded object, when the object's own
/// lines (own or inherited) set it: last-wins options as the handler stores them, codec lists
/// after every `allow`/`disallow` in order, `bind` with the protocol's default port, and what
/// `webrtc=yes` forces at apply time (pjsip_configuration.c; see the `webrtc` notes in
/// ../shared/asterisk/pjsip-options.json). `None` for options not written or that accumulate.
pub fn shown_value(config: &Config, object: &Object, option: &str) -> Option<String> {
    let spec = object.ty.option(option)?;
    let view = ObjectView::new(config, object);
    let last = view.get(option)?;
    if object.kind_name() == "endpoint" && view.is_true("webrtc") {
        let forced = match spec.name.as_str() {
            "media_encryption" => Some("dtls"),
            "dtls_verify" => Some("Fingerprint"),
            "dtls_setup" => Some("actpass"),
            "rtcp_mux" | "bundle" | "use_avpf" | "ice_support" | "media_use_received_transport" => {
                Some("true")
            }
            _ => None,
        };
        if let Some(forced) = forced {
            return Some(forced.to_owned());
        }
    }
    match spec.kind {
        crate::schema::ValueKind::CodecList => {
            let ops: Vec<(bool, &str)> = view
                .vars
                .iter()
                .filter_map(|var| {
                    let key = config.key(var);
                    let allow = key.eq_ignore_ascii_case("allow");
                    (allow || key.eq_ignore_ascii_case("disallow"))
                        .then(|| (allow, config.value(var)))
                })
                .collect();
            Some(values::show_codecs(&ops))
        }
        _ if spec.repeat != crate::schema::Repeat::LastWins => None,
        _ if object.kind_name() == "transport" && spec.name == "bind" => Some(values::show_bind(
            last,
            &view.get("protocol").unwrap_or("udp").to_ascii_lowercase(),
        )),
        _ => Some(values::show_value(spec, last)),
    }
}

#[cfg(test)]
mod tests {
    use super::{check_sip_uri, Key};

    #[test]
    fn a_sip_uri_is_read_as_pjsip_reads_it() {
        for good in [
            "sip:sip.example.net",
            "SIPS:User@Sip.Example.net:5061;transport=tls",
            "sip:user@[2001:db8::1]:5060",
            "sip:host_1.example-2.net?subject=x",
        ] {
            assert_eq!(check_sip_uri(good), Ok(()), "{good}");
        }
        for (bad, why) in [
            ("tel:+15551234", "is not a sip: or sips: URI"),
            ("sipx:host", "is not a sip: or sips: URI"),
            ("sip:", "has no host"),
            ("sip:user@:5060", "has no host"),
            ("sip:user@host name", "(it contains ' ')"),
            ("sip:user@h\tost", "(it contains '\t')"),
            ("sip:<user@host>", "(it contains '<')"),
            ("sip:usér@host", "(it contains 'é')"),
            ("sip:user@[2001:db8::1", "('[' without ']')"),
            ("sip:user@ho%st", "(its host contains '%')"),
        ] {
            let message = check_sip_uri(bad).expect_err(bad);
            assert!(message.ends_with(why), "{bad}: {message}");
            assert!(message.starts_with(&format!("'{bad}'")), "{bad}: {message}");
        }
    }

    #[test]
    fn each_key_is_at_its_own_index() {
        // `Applied` indexes its lines by `key as usize` and finds them through `Key::ALL`.
        for (index, key) in Key::ALL.into_iter().enumerate() {
            assert_eq!(key as usize, index, "{key}");
        }
    }
}
