//! pjsip_wizard.conf: the objects res_pjsip_config_wizard.c makes of each `type=wizard` section,
//! written out as pjsip.conf text that the model reads like any other file, with a map from each
//! line of that text back to the wizard line that made it (findings and fixes point there).
//!
//! Read from res/res_pjsip_config_wizard.c (Asterisk 22): `object_type_loaded_observer` (which
//! sections), `wizard_apply_handler` (remote_hosts), `handle_auth`, `handle_aor`,
//! `handle_endpoint`, `handle_identify`, `handle_registrations`, `handle_phoneprov` (what each
//! object gets), `get_object_variables` (prefixes); ../shared/asterisk/wizard.md for what a real
//! Asterisk 22.10.1 did where this code and the release differ (the aor and the registrations get
//! `outbound_proxy`; identify matches keep the port of remote_hosts).

mod expand;
mod remap;
mod section;

pub use expand::expand;
pub use remap::remap_diagnostics;
pub use section::{
    ast_true, is_uri_pattern, is_wizard_section, without_pattern_variables, wizards, Wizard,
    PREFIXES, WIZARD_KEYS,
};

use crate::model::{Config, Object, SectionId};
use crate::source::{FileId, Span};

/// The wizard's objects as pjsip.conf text, and where each of its lines came from.
#[derive(Debug, Default)]
pub struct Expansion {
    pub text: String,
    /// The file the text was read as (set once it is in the configuration).
    pub file: Option<FileId>,
    lines: Vec<GeneratedLine>,
    /// Where each object's header starts in the text, with the wizard section that made it.
    sections: Vec<(u32, SectionId)>,
    /// The lines (by index) whose value depends on what Asterisk has at load time (a function
    /// in a URI pattern): no finding is made about them.
    unknown: Vec<u32>,
}

/// One line of the text: its key and value ranges (offsets in the text) and its origin.
#[derive(Debug, Clone)]
struct GeneratedLine {
    start: u32,
    key_end: u32,
    value_start: u32,
    end: u32,
    origin: Origin,
}

/// Where a generated line came from in the wizard file.
#[derive(Debug, Clone, Copy)]
pub struct Origin {
    /// What a finding about the line points at: the wizard line, the host of `remote_hosts`, or
    /// the wizard's header that made it.
    pub at: Span,
    /// The wizard bytes the generated key is a byte-for-byte copy of (`allow` of
    /// `endpoint/allow`), if it is one.
    pub key: Option<Span>,
    /// The wizard bytes the generated value is a byte-for-byte copy of, if it is one.
    pub value: Option<Span>,
}

impl Expansion {
    /// Whether the line at `span` of the text is one the wizard makes itself (`aors=ID`,
    /// `outbound_auth=ID-oauth`, ...), not a copy of a wizard line.
    pub fn is_made(&self, span: Span) -> bool {
        Some(span.file) == self.file
            && self
                .line_at(span.start)
                .is_some_and(|line| line.origin.key.is_none() && line.origin.value.is_none())
    }

    /// Whether `span` of the text lies on a line whose value pjsiplint cannot tell.
    pub fn is_unknown(&self, span: Span) -> bool {
        Some(span.file) == self.file && {
            let index = self.lines.partition_point(|line| line.end < span.start) as u32;
            self.unknown.contains(&index)
        }
    }

    /// The line of the text holding `offset`.
    fn line_at(&self, offset: u32) -> Option<&GeneratedLine> {
        let index = self.lines.partition_point(|line| line.end < offset);
        self.lines.get(index).filter(|line| line.start <= offset)
    }
}

/// The wizard section that made `object`, if the wizard made it.
pub fn wizard_of<'c>(config: &'c Config, object: &Object) -> Option<Wizard<'c>> {
    let expansion = config.expansion.as_ref()?;
    let header = config.section(object.section).name_span;
    if Some(header.file) != expansion.file {
        return None;
    }
    let at = expansion
        .sections
        .partition_point(|&(start, _)| start <= header.start);
    let (_, section_id) = *expansion.sections.get(at.checked_sub(1)?)?;
    Some(Wizard {
        config,
        section_id,
        section: config.section(section_id),
    })
}

/// `handle_auths` stops at an outbound auth that fails (`create_object` rejects it): the
/// wizard's inbound auth is then not made either. Marked once the objects' own problems are
/// known (`validate`).
pub fn mark_inbound_auths_not_made(config: &mut Config) {
    let Some(root) = config.root(crate::model::RootKind::WizardObjects) else {
        return;
    };
    let sections = root.sections.clone();
    let mut auths: rustc_hash::FxHashMap<&str, crate::model::ObjectId> = Default::default();
    let mut rejected_outbound = Vec::new();
    for id in config.objects.ids() {
        let object = config.objects.by_id(id);
        if object.kind_name() != "auth" || !sections.contains(&object.section.0) {
            continue;
        }
        let name = config.object_id(object);
        auths.insert(name, id);
        if let Some(wizard) = name.strip_suffix("-oauth") {
            if !object.usable() {
                rejected_outbound.push(wizard);
            }
        }
    }
    let lost: Vec<(crate::model::ObjectId, String)> = rejected_outbound
        .iter()
        .filter_map(|wizard| {
            let inbound = *auths.get(format!("{wizard}-iauth").as_str())?;
            Some((inbound, format!("{wizard}-oauth")))
        })
        .collect();
    for (inbound, outbound) in lost {
        config.objects.mark_not_loaded(
            inbound,
            crate::model::NotLoaded::Rejected {
                reason: format!(
                    "the wizard makes no inbound auth once its outbound auth '{outbound}' fails"
                ),
            },
        );
    }
}
