//! Rules: one file each. A rule has a [`RuleMeta`] (name, category, default severity, its doc
//! for `--explain`) and a `check` that reads the resolved model and reports diagnostics.
//!
//! To add a rule: copy a rule file, change its `META` and `check`, and list it in [`RULES`].

use crate::diagnostic::{Diagnostic, Severity};
use crate::fix::Applicability;
use crate::model::Config;
use crate::source::Span;

mod acl_missing_on_public_transport;
mod addition_without_section;
mod allow_all_codecs;
mod anonymous_endpoint;
mod aor_max_contacts_zero;
mod auth_instead_of_outbound_auth;
mod auth_username_has_domain;
mod auth_username_is_did;
mod concatenating_append;
mod dangling_reference;
mod deprecated_option;
mod duplicate_option;
mod duplicate_section;
mod endpoint_default_context;
mod endpoint_without_aors;
mod endpoint_without_codecs;
mod exec_directive;
mod header_garbage;
mod identify_match_hostname;
mod include_cycle;
mod include_not_found;
mod inheritance_too_large;
mod invalid_value;
mod line_too_long;
mod media_encryption_without_tls;
mod missing_file;
mod missing_required_option;
mod missing_type;
mod nat_endpoint_options;
mod nat_missing_external_address;
mod nat_missing_local_net;
mod option_before_section;
mod option_not_in_version;
mod outbound_auth_realm;
mod outbound_proxy_mismatch;
mod outbound_proxy_without_lr;
mod placeholder_value;
mod registration_gives_up;
mod registration_missing_outbound_auth;
mod section_name_too_long;
mod stray_block_comment_end;
mod syntax_error;
mod template_not_found;
mod template_not_marked;
mod tls_verification_off;
mod transport_bind_conflict;
mod transport_protocol_mismatch;
mod trunk_missing_identify;
mod trunk_missing_outbound_auth;
mod trunk_webrtc_media;
mod unauthenticated_endpoint;
mod unauthenticated_options;
mod unescaped_semicolon;
mod unknown_directive;
mod unknown_option;
mod unknown_type;
mod unterminated_block_comment;
mod unused_suppression;
mod weak_password;
mod webrtc_codecs;
mod webrtc_incomplete;
mod websocket_transport_ignored;
mod wizard_id_collision;
mod wizard_ignored_line;
mod wizard_max_contacts_missing;
mod wizard_object_not_made;
mod wizard_username_in_contact;
mod world_readable_secrets;

/// Every rule, in the order `--list-rules` shows them.
pub static RULES: &[&dyn Rule] = &[
    &syntax_error::SyntaxError,
    &include_not_found::IncludeNotFound,
    &include_cycle::IncludeCycle,
    &exec_directive::ExecDirective,
    &unknown_directive::UnknownDirective,
    &template_not_found::TemplateNotFound,
    &template_not_marked::TemplateNotMarked,
    &addition_without_section::AdditionWithoutSection,
    &option_before_section::OptionBeforeSection,
    &inheritance_too_large::InheritanceTooLarge,
    &duplicate_section::DuplicateSection,
    &stray_block_comment_end::StrayBlockCommentEnd,
    &unterminated_block_comment::UnterminatedBlockComment,
    &line_too_long::LineTooLong,
    &section_name_too_long::SectionNameTooLong,
    &header_garbage::HeaderGarbage,
    &missing_type::MissingType,
    &unknown_type::UnknownType,
    &unknown_option::UnknownOption,
    &option_not_in_version::OptionNotInVersion,
    &invalid_value::InvalidValue,
    &missing_required_option::MissingRequiredOption,
    &dangling_reference::DanglingReference,
    &duplicate_option::DuplicateOption,
    &deprecated_option::DeprecatedOption,
    &missing_file::MissingFile,
    &placeholder_value::PlaceholderValue,
    &concatenating_append::ConcatenatingAppend,
    &transport_bind_conflict::TransportBindConflict,
    &registration_missing_outbound_auth::RegistrationMissingOutboundAuth,
    &trunk_missing_outbound_auth::TrunkMissingOutboundAuth,
    &auth_instead_of_outbound_auth::AuthInsteadOfOutboundAuth,
    &auth_username_is_did::AuthUsernameIsDid,
    &auth_username_has_domain::AuthUsernameHasDomain,
    &outbound_auth_realm::OutboundAuthRealm,
    &unescaped_semicolon::UnescapedSemicolon,
    &outbound_proxy_mismatch::OutboundProxyMismatch,
    &outbound_proxy_without_lr::OutboundProxyWithoutLr,
    &nat_missing_local_net::NatMissingLocalNet,
    &nat_missing_external_address::NatMissingExternalAddress,
    &nat_endpoint_options::NatEndpointOptions,
    &trunk_missing_identify::TrunkMissingIdentify,
    &identify_match_hostname::IdentifyMatchHostname,
    &aor_max_contacts_zero::AorMaxContactsZero,
    &registration_gives_up::RegistrationGivesUp,
    &unused_suppression::UnusedSuppression,
    &endpoint_without_codecs::EndpointWithoutCodecs,
    &allow_all_codecs::AllowAllCodecs,
    &endpoint_without_aors::EndpointWithoutAors,
    &endpoint_default_context::EndpointDefaultContext,
    &webrtc_incomplete::WebrtcIncomplete,
    &webrtc_codecs::WebrtcCodecs,
    &trunk_webrtc_media::TrunkWebrtcMedia,
    &transport_protocol_mismatch::TransportProtocolMismatch,
    &websocket_transport_ignored::WebsocketTransportIgnored,
    &media_encryption_without_tls::MediaEncryptionWithoutTls,
    &weak_password::WeakPassword,
    &unauthenticated_endpoint::UnauthenticatedEndpoint,
    &anonymous_endpoint::AnonymousEndpoint,
    &world_readable_secrets::WorldReadableSecrets,
    &tls_verification_off::TlsVerificationOff,
    &unauthenticated_options::UnauthenticatedOptions,
    &acl_missing_on_public_transport::AclMissingOnPublicTransport,
    &wizard_ignored_line::WizardIgnoredLine,
    &wizard_object_not_made::WizardObjectNotMade,
    &wizard_max_contacts_missing::WizardMaxContactsMissing,
    &wizard_username_in_contact::WizardUsernameInContact,
    &wizard_id_collision::WizardIdCollision,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// How the file is read: syntax, includes, templates, sections.
    Syntax,
    /// Options and values as each object type defines them.
    Schema,
    /// Registrations, trunks and their authentication.
    Registration,
    /// Addresses behind NAT, identify sections.
    Nat,
    /// Toll fraud and eavesdropping.
    Security,
    /// Calls after registration: codecs, contexts, transports, WebRTC.
    Call,
    /// pjsiplint's own suppression comments.
    Suppression,
    /// pjsip_wizard.conf: what the wizard ignores or cannot make.
    Wizard,
    /// What a SIP capture read with `--trace` shows (src/trace/rules.rs).
    Trace,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Syntax,
        Category::Schema,
        Category::Registration,
        Category::Nat,
        Category::Security,
        Category::Call,
        Category::Suppression,
        Category::Wizard,
        Category::Trace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Syntax => "syntax",
            Category::Schema => "schema",
            Category::Registration => "registration",
            Category::Nat => "nat",
            Category::Security => "security",
            Category::Call => "call",
            Category::Suppression => "suppression",
            Category::Wizard => "wizard",
            Category::Trace => "trace",
        }
    }
}

/// What a rule is, for `--list-rules`, `--explain` and the report formats.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case name.
    pub name: &'static str,
    pub category: Category,
    /// The severity of most of its findings (some rules raise or lower it per finding).
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// Markdown shown by `--explain`: what, why (what Asterisk does), example, fix.
    pub doc: &'static str,
    /// The applicability of the fix it offers, if any.
    pub fix: Option<Applicability>,
}

impl RuleMeta {
    /// A finding of this rule at its default severity.
    pub fn report(&'static self, span: Span, message: String) -> Diagnostic {
        Diagnostic::new(self.name, self.severity, span, message)
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);

    /// Rules about the other rules' findings run after suppression comments were applied.
    fn runs_after_suppression(&self) -> bool {
        false
    }

    /// The shared facts `check` may ask the [`Context`] for. When the rules run on several
    /// cores these are made first, one per core, so that no rule waits on another core while
    /// it makes them (a test checks that every rule that asks says so).
    fn reads(&self) -> &'static [Shared] {
        &[]
    }

    /// Among the rules that take longest on a large configuration (each took 8 ms or more of a
    /// core on some bench shape of 100k phones, reading every line's value or every object's
    /// options): when the rules run on several cores these start first, so that no core is
    /// left running one of them while the others have nothing to do.
    fn is_long(&self) -> bool {
        false
    }
}

/// A fact several rules read, made once per run by the [`Context`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shared {
    /// [`Context::trunks`].
    Trunks,
    /// [`Context::identifies`].
    Identifies,
}

impl Shared {
    const ALL: [Shared; 2] = [Shared::Trunks, Shared::Identifies];
}

/// What every rule can read.
pub struct Context<'a> {
    pub config: &'a Config,
    /// Each object's problems as Asterisk applies its lines (unknown options, bad values, ...).
    pub validation: &'a crate::validate::Validation,
    /// [`Context::trunks`], found by the first rule that asks.
    pub(crate) trunks: &'a std::sync::OnceLock<crate::trunks::Trunks>,
    /// The `; pjsiplint: disable=...` comments (empty with `--no-inline-suppressions`).
    pub suppressions: &'a crate::suppress::Suppressions,
    /// Whether pjsiplint runs on the PBX itself (the `check-files` setting): only then do the
    /// files' own permissions and the files options name tell what Asterisk will see.
    pub check_files: bool,
    /// The Asterisk major version to check against (16 to 23).
    pub asterisk_version: u32,
    /// [`Context::identifies`], made by the first rule that asks.
    pub(crate) identifies: &'a std::sync::OnceLock<crate::trunks::Identifies<'a>>,
}

impl<'a> Context<'a> {
    /// Provider trunks: endpoints with their registrations (see `src/trunks.rs`). Found by the
    /// first rule that asks, on its thread, while the other rules run on the other core (on a
    /// configuration of many trunks, finding them took a tenth of the run on one thread).
    pub fn trunks(&self) -> &crate::trunks::Trunks {
        self.trunks
            .get_or_init(|| crate::trunks::Trunks::find(self.config))
    }

    /// What the identify sections name and match, made once for the rules that ask (two rules
    /// read it; each made its own, a few percent of a run with many trunks).
    pub fn identifies(&self) -> &crate::trunks::Identifies<'a> {
        self.identifies
            .get_or_init(|| crate::trunks::Identifies::of(self.config))
    }

    /// Makes `fact` now, unless it is made.
    fn make(&self, fact: Shared) {
        match fact {
            Shared::Trunks => drop(self.trunks()),
            Shared::Identifies => drop(self.identifies()),
        }
    }
}

pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| rule.meta().name == name)
}

/// Every rule's meta: the configuration rules, then the `--trace` rules.
pub fn all_metas() -> impl Iterator<Item = &'static RuleMeta> {
    RULES
        .iter()
        .map(|rule| rule.meta())
        .chain(crate::trace::rules::TRACE_RULES.iter().copied())
}

/// A configuration or trace rule's meta, by name (`--explain`).
pub fn find_meta(name: &str) -> Option<&'static RuleMeta> {
    all_metas().find(|meta| meta.name == name)
}

/// Runs the rules `enabled` accepts (on every core; findings come back in registry order),
/// applies the suppression comments, then runs the rules about suppressions.
pub fn check(cx: &Context<'_>, enabled: impl Fn(&RuleMeta) -> bool + Sync) -> Vec<Diagnostic> {
    let early: Vec<&dyn Rule> = RULES
        .iter()
        .copied()
        .filter(|rule| enabled(rule.meta()) && !rule.runs_after_suppression())
        .collect();
    let mut out = run_parallel(cx, &early);
    // Findings about the wizard's objects belong at the wizard lines (where suppression
    // comments and fixes are).
    crate::wizard::remap_diagnostics(cx.config, &mut out);
    cx.suppressions.apply(cx.config, &mut out);
    for rule in RULES
        .iter()
        .filter(|rule| enabled(rule.meta()) && rule.runs_after_suppression())
    {
        rule.check(cx, &mut out);
    }
    out
}

/// Below this many bytes of configuration the rules run on the calling thread: starting a
/// second one (and the memory its allocator takes) costs about what it saves, and more when the
/// other core is busy. The rules of the `commented` shape, one thread against two at best on a
/// shared 2-core machine: 65 KB 0.54 against 0.50 ms, 126 KB 1.09 against 0.93 ms, 248 KB 1.89
/// against 1.28 ms; at the median two threads lost up to 250 KB (busy machine, 2026-12).
const PARALLEL_BYTES: usize = 128 * 1024;

/// A job of [`run_parallel`].
enum Job<'r> {
    Make(Shared),
    Check(&'r dyn Rule),
}

/// Each rule on whichever core is free; the findings are joined in the order of `rules`, so the
/// output does not depend on scheduling.
fn run_parallel(cx: &Context<'_>, rules: &[&dyn Rule]) -> Vec<Diagnostic> {
    let bytes: usize = cx.config.files.iter().map(|file| file.bytes.len()).sum();
    // A small configuration: the rules run in turn.
    let workers = if bytes < PARALLEL_BYTES {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    };
    // The shared facts some rule reads come first, one on each core: made by the first rule
    // that asked, the rule on the other core that asked next waited for it (100k phones as
    // 25k trunks: trunks took 18 ms and identifies 14, and a rule waited 15 ms for them).
    let mut jobs: Vec<Job> = Vec::with_capacity(rules.len() + 2);
    if workers > 1 {
        let read = |fact| rules.iter().any(|rule| rule.reads().contains(&fact));
        jobs.extend(
            Shared::ALL
                .into_iter()
                .filter(|&fact| read(fact))
                .map(Job::Make),
        );
    }
    // The long rules next: taken last, one kept a core busy while the other had finished
    // (on 100k phones, 4-13 ms of 65-90 on templates, 3-23 ms of 85-165 on trunks and flat,
    // 8-17 on wizard).
    let made = jobs.len();
    let mut order: Vec<usize> = (0..rules.len()).collect();
    if workers > 1 {
        order.sort_by_key(|&index| !rules[index].is_long());
    }
    jobs.extend(order.iter().map(|&index| Job::Check(rules[index])));
    let found = crate::cores::each_in_order(jobs, workers, |job| {
        let mut found = Vec::new();
        match job {
            Job::Make(fact) => cx.make(fact),
            Job::Check(rule) => rule.check(cx, &mut found),
        }
        found
    });
    // Back in the order of `rules`.
    let mut by_rule: Vec<Vec<Diagnostic>> = vec![Vec::new(); rules.len()];
    for (&index, one) in order.iter().zip(found.into_iter().skip(made)) {
        by_rule[index] = one;
    }
    // At its final size: 200k findings grown by doubling would hold two copies at the end.
    let mut all = Vec::with_capacity(by_rule.iter().map(Vec::len).sum());
    for one in by_rule {
        all.extend(one);
    }
    all
}

/// The object type a section's `type=` line names (templates too), if the schema knows it.
pub(crate) fn section_type(
    config: &Config,
    id: crate::model::SectionId,
) -> Option<&'static crate::schema::ObjectType> {
    let section = config.section(id);
    match config.objects.of_section(id) {
        // Its object has that type, unless sorcery took the section by its name (`[global]`
        // without `type=`): a cheap answer for the many sections that are objects.
        Some(object)
            if object.ty.explicit_name.as_deref() != Some(config.section_name(section)) =>
        {
            Some(object.ty)
        }
        _ => config
            .type_var(section)
            .and_then(|var| crate::schema::schema().object_type(config.value(var))),
    }
}

/// Every file read, with its id. A rule that reads lines walks each file's
/// (`file.syntax.lines()`) in a loop of its own: lines are unpacked as they are read, and a
/// flattened iterator over every file's lines handed each one through memory, at several times
/// the cost of the rule's own work (100k phones: 3 to 50 ms for one rule).
pub(crate) fn files(
    config: &Config,
) -> impl Iterator<Item = (crate::source::FileId, &crate::source::SourceFile)> {
    config
        .written_files()
        .map(|(index, file)| (crate::source::FileId(index as u32), file))
}

/// Every directive line of every file read, with where it is and its file.
pub(crate) fn directives<'a>(
    config: &'a Config,
) -> impl Iterator<
    Item = (
        Span,
        &'a crate::source::SourceFile,
        &'a crate::syntax::Directive,
    ),
> + 'a {
    files(config).flat_map(|(id, file)| {
        file.syntax
            .directives()
            .map(move |directive| (Span::new(id, directive.span.clone()), file, directive))
    })
}

/// "Asterisk loads nothing from the whole configuration" or "Asterisk stops reading this file",
/// depending on whether the mistake is in the root file or an included one.
pub(crate) fn file_failure_consequence(effect: crate::model::Effect) -> &'static str {
    match effect {
        crate::model::Effect::WholeConfigDropped => {
            "Asterisk rejects the whole file and loads no object from it"
        }
        crate::model::Effect::RestOfFileDropped => {
            "Asterisk stops reading this included file here (the including file goes on)"
        }
        crate::model::Effect::Continues => "Asterisk never reads this far",
    }
}

/// [`file_failure_consequence`], with what Asterisk loses by it: "Asterisk rejects the whole
/// file and loads none of its objects (5 endpoints, 5 aors, 2 auths)". The one finding of a
/// file-level failure says it all; the objects it loses are not reported one by one.
///
/// The loss is counted for the first failure of each file (the one Asterisk meets); later ones
/// in the same file get the plain consequence. Every count together reads each object once.
pub(crate) struct Losses<'a> {
    config: &'a Config,
    /// The failures already counted: (whole configuration, file).
    counted: rustc_hash::FxHashSet<(bool, crate::source::FileId)>,
    /// The objects of each file that Asterisk never reads, in load order.
    dropped: Option<rustc_hash::FxHashMap<crate::source::FileId, Vec<&'a crate::model::Object>>>,
}

impl<'a> Losses<'a> {
    pub fn new(config: &'a Config) -> Self {
        Losses {
            config,
            counted: Default::default(),
            dropped: None,
        }
    }

    pub fn describe(&mut self, problem: &crate::model::LoadProblem) -> String {
        use crate::model::{Effect, NotLoaded};
        let config = self.config;
        let consequence = file_failure_consequence(problem.effect);
        let whole = problem.effect == Effect::WholeConfigDropped;
        let file = if whole {
            crate::source::FileId(0)
        } else {
            problem.span.file
        };
        if problem.effect == Effect::Continues || !self.counted.insert((whole, file)) {
            return consequence.to_owned();
        }
        let lost: Vec<&crate::model::Object> = if whole {
            config.objects.list.iter().collect()
        } else {
            let dropped = self.dropped.get_or_insert_with(|| {
                let mut by_file: rustc_hash::FxHashMap<_, Vec<_>> = Default::default();
                for object in &config.objects.list {
                    if config
                        .objects
                        .not_loaded(object)
                        .contains(&NotLoaded::Dropped)
                    {
                        let at = config.section(object.section).name_span;
                        by_file.entry(at.file).or_default().push(object);
                    }
                }
                by_file
            });
            dropped
                .get(&problem.span.file)
                .map(|objects| {
                    objects
                        .iter()
                        .copied()
                        .filter(|object| {
                            config.section(object.section).name_span.start > problem.span.start
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        if lost.is_empty() {
            return consequence.to_owned();
        }
        let counts = objects_by_type(&lost);
        if whole {
            format!("Asterisk rejects the whole file and loads none of its objects ({counts})")
        } else {
            format!("{consequence}, losing the sections after it ({counts})")
        }
    }
}

/// "5 endpoints, 5 aors, 2 auths": how many objects of each type, types in order of appearance.
pub(crate) fn objects_by_type(objects: &[&crate::model::Object]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for object in objects {
        match counts
            .iter_mut()
            .find(|(kind, _)| *kind == object.kind_name())
        {
            Some((_, count)) => *count += 1,
            None => counts.push((object.kind_name(), 1)),
        }
    }
    counts
        .iter()
        .map(|(kind, count)| match (*count, kind.strip_suffix('y')) {
            (1, _) => format!("1 {kind}"),
            (_, Some(stem)) => format!("{count} {stem}ies"),
            _ => format!("{count} {kind}s"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Object problems found by [`crate::validate`] that share the line that caused them. A template
/// line inherited by a hundred endpoints is one finding, not a hundred.
pub(crate) struct ProblemGroup<'a> {
    pub first: &'a crate::validate::ObjectProblem,
    /// Every object with this problem from this line, in load order.
    pub objects: Vec<&'a crate::model::Object>,
    /// When Asterisk rejects the objects for it: the lines of other objects that name them
    /// (`aors=6001` naming a rejected aor), shown as related locations by [`report_group`].
    pub related: Vec<crate::diagnostic::Label>,
}

/// How many references to a rejected object its finding shows.
const MAX_RELATED: usize = 5;

pub(crate) fn problem_groups<'a>(
    cx: &Context<'a>,
    wanted: impl Fn(&crate::validate::ProblemKind) -> bool,
) -> Vec<ProblemGroup<'a>> {
    use rustc_hash::FxHashMap as HashMap;
    let config = cx.config;
    let mut groups: Vec<ProblemGroup<'a>> = Vec::new();
    let mut by_line: HashMap<(crate::model::LineRef, std::mem::Discriminant<_>), usize> =
        HashMap::default();
    for problem in cx.validation.problems.iter().filter(|p| wanted(&p.kind)) {
        let object = config.objects.by_id(problem.object);
        let origin = problem
            .var
            .map(|index| config.vars(config.section(object.section)).at(index).origin);
        let key = origin.map(|line| (line, std::mem::discriminant(&problem.kind)));
        match key.and_then(|key| by_line.get(&key)) {
            Some(&index) => groups[index].objects.push(object),
            None => {
                if let Some(key) = key {
                    by_line.insert(key, groups.len());
                }
                groups.push(ProblemGroup {
                    first: problem,
                    objects: vec![object],
                    related: Vec::new(),
                });
            }
        }
    }
    for group in &mut groups {
        if group.first.kind.rejects() {
            group.related = related_labels(cx, group.first.object);
        }
    }
    groups
}

/// The lines that name a rejected object, as labels: "`aors` of endpoint '6001' names it:
/// Asterisk finds no aor '6001'". The rejection is the one finding; these are where it bites.
fn related_labels(
    cx: &Context<'_>,
    rejected: crate::model::ObjectId,
) -> Vec<crate::diagnostic::Label> {
    let config = cx.config;
    let Some(referrers) = cx.validation.referrers.get(&rejected) else {
        return Vec::new();
    };
    let target = config.objects.by_id(rejected);
    let mut seen = rustc_hash::FxHashSet::default();
    referrers
        .iter()
        .filter_map(|&(id, var)| {
            let object = config.objects.by_id(id);
            let var = config.vars(config.section(object.section)).at(var as usize);
            // A template line inherited by many objects: one label.
            seen.insert(var.origin).then(|| crate::diagnostic::Label {
                span: config.value_span(var),
                message: format!(
                    "`{}` of {} '{}' names it: Asterisk finds no {} '{}'",
                    config.key(var),
                    object.kind_name(),
                    config.object_id(object),
                    target.kind_name(),
                    config.object_id(target)
                )
                .into(),
            })
        })
        .take(MAX_RELATED)
        .collect()
}

impl ProblemGroup<'_> {
    /// The line at fault, if the problem is about a line.
    pub fn var<'c>(&self, config: &'c Config) -> Option<&'c crate::model::Var> {
        let object = self.objects[0];
        self.first
            .var
            .map(|index| config.vars(config.section(object.section)).at(index))
    }

    /// "endpoint '6001'" or "endpoint '6001' and 3 other endpoints".
    pub fn objects_phrase(&self, config: &Config) -> String {
        let first = self.objects[0];
        match self.objects.len() {
            1 => format!("{} '{}'", first.kind_name(), config.object_id(first)),
            n => format!(
                "{} '{}' and {} other {}s using this line",
                first.kind_name(),
                config.object_id(first),
                n - 1,
                first.kind_name()
            ),
        }
    }

    /// Where to point: the key of the line at fault, or the section header. When the line was
    /// inherited, a second label shows the section that inherited it.
    pub fn place(&self, config: &Config) -> (Span, Option<crate::diagnostic::Label>) {
        let object = self.objects[0];
        let section = config.section(object.section);
        match self.var(config) {
            Some(var) => (
                config.key_span(var),
                inherited_label(config, object.section, var),
            ),
            None => (section.name_span, None),
        }
    }
}

/// "[6001] inherits this line from [phone-tpl]", at the section, when `var` came from a template.
pub(crate) fn inherited_label(
    config: &Config,
    section: crate::model::SectionId,
    var: &crate::model::Var,
) -> Option<crate::diagnostic::Label> {
    let section = config.section(section);
    let base = config.inherited_from(section, var)?;
    Some(crate::diagnostic::Label {
        span: section.name_span,
        message: format!(
            "[{}] inherits this line from [{}]",
            config.section_name(section),
            config.section_name(config.section(base))
        )
        .into(),
    })
}

/// A diagnostic at a problem group's place, with the inherited-from label when there is one.
pub(crate) fn report_group(
    meta: &'static RuleMeta,
    config: &Config,
    group: &ProblemGroup<'_>,
    message: String,
) -> Diagnostic {
    let (span, secondary) = group.place(config);
    let mut diagnostic = meta.report(span, message);
    if let Some(label) = secondary {
        diagnostic.secondary.push(label);
    }
    diagnostic.secondary.extend(group.related.iter().cloned());
    diagnostic
}

/// The rule table of the README (between its `<!-- rules -->` markers), from the same source as
/// `--list-rules`; a test keeps the README in step.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| rule | category | severity | fix | what |\n|---|---|---|---|---|\n");
    for meta in all_metas() {
        let fix = match meta.fix {
            Some(Applicability::Safe) => "safe",
            Some(Applicability::Unsafe) => "unsafe",
            None => "",
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {fix} | {} |\n",
            meta.name,
            meta.category.as_str(),
            meta.severity.as_str(),
            meta.summary.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Context, Shared, RULES};
    use std::sync::OnceLock;

    /// A rule that asks the context for a shared fact says so (`Rule::reads`): otherwise the
    /// fact is made while the rule runs and another rule waits for it. Every rule runs alone on
    /// every corpus case (every rule's bad and clean configurations, the trunk ones among them)
    /// and on a generated configuration of trunks; what it made must be among what it reads.
    #[test]
    fn every_rule_that_asks_for_a_shared_fact_reads_it() {
        let mut paths: Vec<std::path::PathBuf> = conf_files(std::path::Path::new("corpus"));
        paths.sort();
        let generated = generated_trunks();
        paths.push(generated.path().join("pjsip.conf"));
        let mut made = [false; 2];
        let suppressions = crate::suppress::Suppressions::default();
        for path in &paths {
            let Some((config, validation)) = validated(path) else {
                continue;
            };
            for rule in RULES {
                let (trunks, identifies) = (OnceLock::new(), OnceLock::new());
                let cx = context(&config, &validation, &suppressions, &trunks, &identifies);
                rule.check(&cx, &mut Vec::new());
                let name = rule.meta().name;
                for (index, (fact, asked)) in [
                    (Shared::Trunks, trunks.get().is_some()),
                    (Shared::Identifies, identifies.get().is_some()),
                ]
                .into_iter()
                .enumerate()
                {
                    made[index] |= asked;
                    assert!(
                        !asked || rule.reads().contains(&fact),
                        "{name} asked for {fact:?} on {} but does not say it reads it",
                        path.display()
                    );
                }
            }
        }
        assert_eq!(made, [true; 2], "some rule asked for each fact");
    }

    /// On a configuration large enough for the rules to run on every core, the long rules
    /// start first and the findings still come back as the rules give them in registry order:
    /// every corpus case's `bad.conf` together (sections of every rule's mistakes), repeated past
    /// [`super::PARALLEL_BYTES`].
    #[test]
    fn findings_come_back_in_registry_order_when_rules_run_in_parallel() {
        let mut bad: Vec<std::path::PathBuf> = conf_files(std::path::Path::new("corpus"))
            .into_iter()
            .filter(|path| path.file_name().is_some_and(|name| name == "bad.conf"))
            .collect();
        bad.sort();
        let mut text = String::new();
        while text.len() < 2 * super::PARALLEL_BYTES {
            for path in &bad {
                text.push_str(&std::fs::read_to_string(path).expect("a corpus case"));
                text.push('\n');
            }
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("pjsip.conf");
        std::fs::write(&path, text).expect("written");
        let (config, validation) = validated(&path).expect("loads");
        let suppressions = crate::suppress::Suppressions::default();
        let (trunks, identifies) = (OnceLock::new(), OnceLock::new());
        let cx = context(&config, &validation, &suppressions, &trunks, &identifies);
        let rules: Vec<&dyn super::Rule> = RULES.to_vec();
        let mut in_turn = Vec::new();
        for rule in &rules {
            rule.check(&cx, &mut in_turn);
        }
        let key = |d: &crate::diagnostic::Diagnostic| (d.rule, d.primary.span, d.message.clone());
        let in_turn: Vec<_> = in_turn.iter().map(key).collect();
        let parallel: Vec<_> = super::run_parallel(&cx, &rules).iter().map(key).collect();
        assert!(rules.iter().any(|rule| rule.is_long()) && in_turn.len() > 1000);
        assert_eq!(parallel, in_turn);
    }

    /// `path` loaded and validated as a lint of it on this machine would (Asterisk 22, the files
    /// options name not looked for).
    fn validated(
        path: &std::path::Path,
    ) -> Option<(crate::model::Config, crate::validate::Validation)> {
        let mut config = crate::model::load(path, &Default::default()).ok()?;
        let options = crate::validate::ValidateOptions {
            version: 22,
            check_files: false,
            config_dir: path.parent().unwrap_or(path).to_path_buf(),
        };
        let validation = crate::validate::validate(&mut config, &options);
        Some((config, validation))
    }

    /// What the rules read of `config`, the shared facts made by the first rule that asks.
    fn context<'a>(
        config: &'a crate::model::Config,
        validation: &'a crate::validate::Validation,
        suppressions: &'a crate::suppress::Suppressions,
        trunks: &'a OnceLock<crate::trunks::Trunks>,
        identifies: &'a OnceLock<crate::trunks::Identifies<'a>>,
    ) -> Context<'a> {
        Context {
            config,
            validation,
            trunks,
            suppressions,
            check_files: false,
            asterisk_version: 22,
            identifies,
        }
    }

    fn conf_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(conf_files(&path));
            } else if path.extension().is_some_and(|ext| ext == "conf") {
                out.push(path);
            }
        }
        out
    }

    /// The benchmark's `trunks` shape at 400 phones' worth (100 trunks), in a new folder.
    fn generated_trunks() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        for file in crate::generate::shaped(crate::generate::Shape::Trunks, 400) {
            std::fs::write(dir.path().join(file.name), file.text).expect("written");
        }
        dir
    }
}
