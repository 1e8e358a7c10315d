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
    ast_true, is_uri_pattern, is_wizard_section, option_of_key, without_pattern_variables, wizards,
    KeyClasses, Wizard, PREFIXES, WIZARD_KEYS,
};

use crate::model::{Config, LineRef, Object, SectionId};
use crate::source::{FileId, Span};

/// Where the lines of the wizard's objects came from. The objects themselves are written out as
/// pjsip.conf text ([`expand`] returns it beside this) and read as a file of the configuration.
#[derive(Debug, Default)]
pub struct Expansion {
    /// The file the text was read as (set once it is in the configuration).
    pub file: Option<FileId>,
    /// Where each line of the text came from, by the line's index (each written line ends with a
    /// `\n` and holds no other, so it is the file's line of the same index): an index in
    /// `sources`, or [`AT_HEADER`]. 4 bytes a line: a large wizard file makes millions.
    lines: Vec<u32>,
    /// What lines came from: one for all the lines of one source (a wizard template's line,
    /// passed on by every wizard on it).
    sources: Vec<Source>,
    /// Where each object's header starts in the text, with the wizard section that made it.
    sections: Vec<(u32, SectionId)>,
}

/// [`Expansion::lines`] of a line the wizard makes whose findings point at its wizard's header
/// (an object's header and type, `aors = ID`, ...): most of the lines it makes.
const AT_HEADER: u32 = u32::MAX;

/// Where written lines came from, in as few bytes as the remapping needs: the spans are read
/// from the configuration when a finding is remapped (few), not kept for every line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// A line the wizard makes itself (a contact, a match, `auth = ID-iauth`): a finding about
    /// it points at `at`.
    Made {
        at: Span,
        /// The value is a byte-for-byte copy of the bytes at `at` (a host of `remote_hosts`).
        value_copied: bool,
        /// Its value depends on what Asterisk has at load time (a function in a URI pattern):
        /// no finding is made about it.
        unknown: bool,
    },
    /// A wizard line passed on (`allow` of `endpoint/allow`).
    Copy {
        line: LineRef,
        /// The prefix left out of the key (`endpoint/`).
        strip: u8,
        /// The written key is the line's key bytes after the prefix.
        key_copied: bool,
        /// The written value is the line's value bytes (no `+=` joined another line to it).
        value_copied: bool,
        /// The wizard got the line from a template: other wizards pass it on too.
        inherited: bool,
    },
}

const _: () = assert!(std::mem::size_of::<Source>() <= 16);

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

impl Source {
    fn origin(self, config: &Config) -> Origin {
        match self {
            Source::Made {
                at, value_copied, ..
            } => Origin {
                at,
                key: None,
                value: value_copied.then_some(at),
            },
            Source::Copy {
                line,
                strip,
                key_copied,
                value_copied,
                ..
            } => {
                let assignment = config.assignment(line);
                let key = &assignment.key.span;
                Origin {
                    at: Span::new(line.file, assignment.span()),
                    key: key_copied
                        .then(|| Span::new(line.file, key.start + u32::from(strip)..key.end)),
                    value: value_copied
                        .then(|| Span::new(line.file, assignment.value.span.clone())),
                }
            }
        }
    }
}

impl Expansion {
    /// Whether the line at `span` of the text is one the wizard makes itself (`aors=ID`,
    /// `outbound_auth=ID-oauth`, ...), not a copy of a wizard line.
    pub fn is_made(&self, config: &Config, span: Span) -> bool {
        self.source_at(config, span)
            .is_some_and(|source| match source {
                Source::Made { value_copied, .. } => !value_copied,
                Source::Copy {
                    key_copied,
                    value_copied,
                    ..
                } => !key_copied && !value_copied,
            })
    }

    /// Whether `span` of the text lies on a line whose value pjsiplint cannot tell.
    pub fn is_unknown(&self, config: &Config, span: Span) -> bool {
        self.source_at(config, span)
            .is_some_and(|source| matches!(source, Source::Made { unknown: true, .. }))
    }

    /// The wizard template line that `line` of the text is an unchanged copy of (key and value
    /// read from it, no `+=` joined to it), if it is one: every object made from a wizard on
    /// that template holds the same line.
    pub fn template_line(&self, line: LineRef) -> Option<LineRef> {
        if Some(line.file) != self.file {
            return None;
        }
        let &index = self.lines.get(line.line as usize)?;
        match self.sources.get(index as usize)? {
            &Source::Copy {
                line,
                value_copied: true,
                inherited: true,
                ..
            } => Some(line),
            _ => None,
        }
    }

    /// Where the written line holding the start of `span` came from, if `span` is in the text.
    fn source_at(&self, config: &Config, span: Span) -> Option<Source> {
        if Some(span.file) != self.file {
            return None;
        }
        self.source(config, config.file(span.file).line_index(span.start))
    }

    /// Where the written line of that index came from.
    fn source(&self, config: &Config, index: usize) -> Option<Source> {
        match *self.lines.get(index)? {
            AT_HEADER => {
                let start = config.file(self.file?).syntax.line_start(index)?;
                let wizard = config.section(self.wizard_at(start)?);
                Some(Source::Made {
                    at: wizard.name_span,
                    value_copied: false,
                    unknown: false,
                })
            }
            source => self.sources.get(source as usize).copied(),
        }
    }

    /// The wizard that wrote the text at `offset`.
    fn wizard_at(&self, offset: u32) -> Option<SectionId> {
        let at = self.sections.partition_point(|&(start, _)| start <= offset);
        Some(self.sections.get(at.checked_sub(1)?)?.1)
    }

    /// The line of the text holding `offset`.
    fn line_at(&self, config: &Config, offset: u32) -> Option<GeneratedLine> {
        let file = config.file(self.file?);
        let index = file.line_index(offset);
        let origin = self.source(config, index)?.origin(config);
        let line = file.syntax.line(index);
        let (start, end) = (line.start, line.end);
        // A header (`[ID]`) has no key or value; any other line is `key = value`, and a key
        // never holds `=` (Asterisk splits a line at its first one).
        let (key_end, value_start) = match file.bytes.get(start as usize..end as usize) {
            Some(text) if text.first() != Some(&b'[') => match memchr::memchr(b'=', text) {
                Some(at) => (start + at as u32 - 1, start + at as u32 + 2),
                None => (start, start),
            },
            _ => (start, start),
        };
        Some(GeneratedLine {
            start,
            key_end,
            value_start,
            end,
            origin,
        })
    }
}

/// The wizard section that made `object`, if the wizard made it.
pub fn wizard_of<'c>(config: &'c Config, object: &Object) -> Option<Wizard<'c>> {
    let expansion = config.expansion.as_ref()?;
    let header = config.section(object.section).name_span;
    if Some(header.file) != expansion.file {
        return None;
    }
    Some(Wizard::read(config, expansion.wizard_at(header.start)?).0)
}

/// `handle_auths` stops at an outbound auth that fails (`create_object` rejects it): the
/// wizard's inbound auth is then not made either. Marked once the objects' own problems are
/// known (`validate`).
pub fn mark_inbound_auths_not_made(config: &mut Config) {
    let Some(root) = config.root(crate::model::RootKind::WizardObjects) else {
        return;
    };
    let sections = root.sections.clone();
    let mut auths: crate::allocator::HugeMap<&str, crate::model::ObjectId> =
        crate::allocator::huge_map();
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
    // The map holds names borrowed from `config`, which changes below: unlike the standard
    // library's map, hashbrown's keeps its borrows until it is dropped (no `may_dangle` on
    // stable).
    drop(auths);
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
