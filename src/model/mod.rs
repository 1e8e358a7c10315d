//! The configuration as Asterisk builds it: files read (with their includes), sections in load
//! order with inherited lines first, and the objects sorcery creates from them.
//!
//! `load.rs` reads files and follows `#include`; `build.rs` turns statements into sections as
//! main/config.c does (templates, `(+)` additions, `+=`); `objects.rs` picks the objects
//! res_sorcery_config.c creates and says which of them Asterisk drops.

mod build;
mod files;
mod load;
mod meanings;
pub mod objects;
mod read_ahead;
mod vars;
mod warm;

use std::ops::Range;
use std::path::PathBuf;

use compact_str::CompactString;

pub use load::{is_wizard_name, load, load_bytes, load_roots, LoadOptions, RootFile, Sources};
pub use meanings::{KeyMeaning, KeyMeanings};
pub use objects::{NotLoaded, Object, ObjectId, Objects};
pub use vars::{Vars, VarsIter};
pub use warm::Warm;

use vars::{Piece, Store};

use crate::source::{FileId, SourceFile, Span};
use crate::syntax::{Assignment, Operator, Text};

/// Index of a section in [`Config::sections`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SectionId(pub u32);

/// An option name as written, interned: see [`Config::key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub u32);

/// Where an assignment was written: a line of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LineRef {
    pub file: FileId,
    pub line: u32,
}

#[derive(Debug, Default)]
pub struct Config {
    pub files: Vec<SourceFile>,
    pub sections: Vec<Section>,
    /// `[name](+)` headers, in load order.
    pub additions: Vec<Addition>,
    pub includes: Vec<Include>,
    /// Mistakes found while reading that make Asterisk drop more than a line.
    pub load_problems: Vec<LoadProblem>,
    pub objects: Objects,
    /// The files Asterisk reads on its own (pjsip.conf, pjsip_wizard.conf) and the objects the
    /// wizard makes, in load order: each has its own files and sections.
    pub roots: Vec<Root>,
    /// How the wizard's objects map back to pjsip_wizard.conf, when there is one.
    pub expansion: Option<crate::wizard::Expansion>,
    /// See [`Sources::pjsip_absent`].
    pub pjsip_absent: bool,
    /// How the wizard reads each option name of pjsip_wizard.conf.
    pub wizard_keys: crate::wizard::KeyClasses,
    /// The bases of every section, each section's in one run: see [`Config::bases`].
    bases: Vec<Base>,
    /// Every section's own lines, in pieces ([`Config::vars`]): one allocation instead of one
    /// per section.
    vars: Vec<Var>,
    /// The lines of the templates' forms, shared by the sections inheriting them (see `vars.rs`).
    forms: Vec<Var>,
    /// The pieces of every section's lines, each section's in one run.
    pieces: Vec<Piece>,
    /// What `+=` lines made of the values they extended (see [`Config::appended`]).
    appends: Vec<Appended>,
    /// Files already read, so a file included twice is parsed once (it still loads twice).
    file_index: rustc_hash::FxHashMap<PathBuf, FileId>,
    /// Every option name as written (case kept), indexed by [`KeyId`]: rules compare the keys of
    /// many vars, and reading them here touches no syntax line.
    key_names: Vec<Box<str>>,
    /// The [`KeyId`]s of each option name compared without case (lower-case name -> ids):
    /// looking up an object's option compares integers, not strings.
    key_ids_by_name: rustc_hash::FxHashMap<Box<str>, Vec<KeyId>>,
    /// What each key means in each object type: see [`Config::option_spec`].
    pub key_meanings: KeyMeanings,
}

#[derive(Debug)]
pub struct Section {
    /// Where its name is: [`Config::section_name`] reads it (no copy of every name). Its line
    /// is the header's.
    pub name_span: Span,
    pub template: bool,
    /// Where its bases are in `Config::bases` (one shared vector: most sections have one base,
    /// and a vector each would cost an allocation per section).
    bases: Range<u32>,
    /// Where the pieces of its lines are in `Config::pieces` ([`Config::vars`]): inherited lines
    /// first (in the order of the bases), then the section's own lines and those added by `(+)`.
    pieces: Range<u32>,
    /// Asterisk never reads this section: it comes after a mistake that made it stop reading an
    /// included file.
    pub dropped: bool,
}

/// A file Asterisk reads on its own, with what it includes: its own templates and names
/// (main/config.c loads each file apart), or the objects the wizard makes of one.
#[derive(Debug, Clone)]
pub struct Root {
    pub kind: RootKind,
    /// Its files (the root file first, then what it includes), as [`FileId`] numbers.
    pub files: Range<u32>,
    /// Its sections, as [`SectionId`] numbers.
    pub sections: Range<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    /// pjsip.conf (or a part of it linted alone): sections are sorcery objects.
    Pjsip,
    /// pjsip_wizard.conf: `type=wizard` sections, expanded by res_pjsip_config_wizard.c.
    Wizard,
    /// The objects the wizard made, written out as pjsip.conf text (see [`crate::wizard`]):
    /// a second store that Asterisk searches after pjsip.conf's.
    WizardObjects,
}

/// The root of a configuration whose roots were not recorded.
const ALL_PJSIP: Root = Root {
    kind: RootKind::Pjsip,
    files: 0..u32::MAX,
    sections: 0..u32::MAX,
};

impl Root {
    pub fn root_file(&self) -> FileId {
        FileId(self.files.start)
    }

    pub fn section_ids(&self) -> impl Iterator<Item = SectionId> {
        self.sections.clone().map(SectionId)
    }
}

/// A template or section named in a header's `(...)`.
#[derive(Debug, Clone)]
pub struct Base {
    pub file: FileId,
    /// The item as written in `file` (read it with [`Config::text`]: no copy of every name).
    pub name: Text,
    /// [`Base::resolved`], or [`NO_SECTION`]: 4 bytes where an `Option` takes 8.
    resolved: SectionId,
    /// Where the lines copied from it are in the section's vars (empty when none were).
    pub copied: Range<u32>,
}

const NO_SECTION: SectionId = SectionId(u32::MAX);

impl Base {
    fn new(file: FileId, name: Text, resolved: Option<SectionId>, copied: Range<u32>) -> Base {
        Base {
            file,
            name,
            resolved: resolved.unwrap_or(NO_SECTION),
            copied,
        }
    }

    /// The section it names, if there is one before the section naming it.
    pub fn resolved(&self) -> Option<SectionId> {
        (self.resolved != NO_SECTION).then_some(self.resolved)
    }
}

/// One option line as the section holds it. A large configuration holds millions of these: 16
/// bytes each.
#[derive(Debug, Clone)]
pub struct Var {
    /// The line that wrote it (for an inherited line, the template's line).
    pub origin: LineRef,
    /// The key of the line that wrote it (the same text as that line's `key.text`).
    pub key: KeyId,
    /// Bit 31: copied from a base ([`Config::inherited_from`] says which). Bits 0-30: the index
    /// plus one of its [`Appended`] entry, when later `+=` lines extended the value.
    marks: u32,
}

const INHERITED: u32 = 1 << 31;

const _: () = assert!(std::mem::size_of::<Var>() == 16);

// 300k sections in a large configuration: its name's place and two runs, 32 bytes.
const _: () = assert!(std::mem::size_of::<Section>() <= 32);

// A base for most sections of a large configuration.
const _: () = assert!(std::mem::size_of::<Base>() <= 24);

impl Var {
    fn new(origin: LineRef, key: KeyId) -> Var {
        Var {
            origin,
            key,
            marks: 0,
        }
    }

    /// Whether the section got this line from a base (a template or section in its header).
    pub fn is_inherited(&self) -> bool {
        self.marks & INHERITED != 0
    }

    /// Whether later `+=` lines extended the value (see [`Config::appended`]).
    pub fn is_appended(&self) -> bool {
        self.marks & !INHERITED != 0
    }

    fn appended_index(&self) -> Option<usize> {
        (self.marks & !INHERITED)
            .checked_sub(1)
            .map(|index| index as usize)
    }
}

#[derive(Debug, Clone)]
pub struct Appended {
    pub value: String,
    pub lines: Vec<LineRef>,
    /// Inheritance copied a var holding this entry: a later `+=` on one of the copies makes a
    /// new entry instead of extending this one.
    shared: bool,
}

#[derive(Debug)]
pub struct Addition {
    pub header: Span,
    pub name: CompactString,
    /// The section the lines were added to; `None` when there was none (the file is invalid).
    pub target: Option<SectionId>,
}

#[derive(Debug)]
pub struct Include {
    pub directive: Span,
    pub optional: bool,
    /// The files it read, in glob order.
    pub files: Vec<FileId>,
}

/// A mistake that makes Asterisk drop more than the line it is on.
#[derive(Debug, Clone)]
pub struct LoadProblem {
    pub kind: LoadProblemKind,
    pub span: Span,
    /// What Asterisk does about it.
    pub effect: Effect,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadProblemKind {
    /// A syntax error config.c treats as fatal (no `]`, no `)`, a bad leading `\`).
    FatalSyntax,
    IncludeNotFound {
        target: String,
    },
    /// More than 10 nested includes.
    IncludeTooDeep {
        target: String,
    },
    /// The file includes itself, directly or through others.
    IncludeCycle {
        target: String,
    },
    /// An include matched something that is not a regular file (a directory, a FIFO, a device)
    /// or cannot be read: Asterisk skips it with a warning.
    IncludeNotReadable {
        path: String,
    },
    TemplateNotFound {
        name: String,
    },
    AdditionWithoutSection {
        name: String,
    },
    OptionBeforeSection,
    /// Templates copy more lines than pjsiplint keeps (see `build.rs`): it stopped copying.
    InheritanceTooLarge {
        copied: usize,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// A mistake in the root file: Asterisk loads nothing from the whole configuration.
    WholeConfigDropped,
    /// A mistake in an included file: Asterisk stops reading that file (and the rest of its glob)
    /// and goes on with the including file.
    RestOfFileDropped,
    /// Asterisk goes on; what was asked for is simply missing.
    Continues,
}

impl Config {
    /// Whether Asterisk loads anything from pjsip.conf at all (a fatal mistake in
    /// pjsip_wizard.conf loses only the wizard's objects).
    pub fn file_loads(&self) -> bool {
        !self.load_problems.iter().any(|p| {
            p.effect == Effect::WholeConfigDropped
                && self.root_of_file(p.span.file).kind == RootKind::Pjsip
        })
    }

    /// Whether Asterisk reads anything of `root`'s files.
    pub fn root_loads(&self, root: &Root) -> bool {
        !self
            .load_problems
            .iter()
            .any(|p| p.effect == Effect::WholeConfigDropped && root.files.contains(&p.span.file.0))
    }

    /// The roots read, in order (a configuration built by hand is all pjsip.conf).
    fn all_roots(&self) -> &[Root] {
        if self.roots.is_empty() {
            std::slice::from_ref(&ALL_PJSIP)
        } else {
            &self.roots
        }
    }

    /// The root whose reading read `file`.
    pub fn root_of_file(&self, file: FileId) -> &Root {
        let roots = self.all_roots();
        roots
            .iter()
            .find(|root| root.files.contains(&file.0))
            .unwrap_or(&roots[0])
    }

    /// The root that `section` belongs to.
    pub fn root_of_section(&self, section: SectionId) -> &Root {
        let roots = self.all_roots();
        roots
            .iter()
            .find(|root| root.sections.contains(&section.0))
            .unwrap_or(&roots[0])
    }

    /// Whether a pjsip_wizard.conf was read without its pjsip.conf, which may define what the
    /// wizard's objects name (its transports): not read, rather than known to be absent.
    pub fn pjsip_conf_unread(&self) -> bool {
        self.root(RootKind::Wizard).is_some()
            && self.root(RootKind::Pjsip).is_none()
            && !self.pjsip_absent
    }

    /// The root of this kind, if the configuration has one.
    pub fn root(&self, kind: RootKind) -> Option<&Root> {
        self.all_roots().iter().find(|root| root.kind == kind)
    }

    /// The sections of pjsip.conf (none of the wizard's), with their index: the rules about
    /// sections as written read these.
    pub fn pjsip_sections(&self) -> impl Iterator<Item = (usize, &Section)> {
        let range = self.root(RootKind::Pjsip).map_or(0..0, |root| {
            root.sections.start as usize..(root.sections.end as usize).min(self.sections.len())
        });
        self.sections[range.clone()]
            .iter()
            .enumerate()
            .map(move |(offset, section)| (range.start + offset, section))
    }

    /// Whether the linted root file is a whole pjsip.conf (`pjsip.conf`, or a template or copy
    /// of it such as `pjsip.conf.j2`, `pjsip.conf.backup`, `asterisk_pjsip.conf`), judged by its
    /// name as given. Asterisk reads only pjsip.conf: a file of any other name
    /// (`pjsip.endpoint.conf`, `pjsip_custom.conf`) is a part that pjsip.conf includes, so the
    /// objects it names may be defined in the other parts.
    pub fn root_is_pjsip_conf(&self) -> bool {
        let Some(root) = self
            .root(RootKind::Pjsip)
            .and_then(|root| self.files.get(root.files.start as usize))
        else {
            // No pjsip.conf read: a wizard file alone (see `pjsip_conf_unread`).
            return true;
        };
        let base = |text: &str| -> String {
            text.rsplit(['/', '\\'])
                .next()
                .unwrap_or(text)
                .to_ascii_lowercase()
        };
        let name = if root.name.is_empty() || root.name == "-" {
            base(&root.path.to_string_lossy())
        } else {
            base(&root.name)
        };
        name == "-" || name.ends_with("pjsip.conf") || name.contains("pjsip.conf.")
    }

    /// Whether the configuration read is only a part of a pjsip.conf: the root file is not
    /// pjsip.conf ([`Config::root_is_pjsip_conf`]) and defines no transport, which every whole
    /// configuration has (a FreePBX `pjsip.endpoint.conf`, a `pjsip_custom.conf` linted alone).
    /// Objects it names may then be in the other parts.
    pub fn is_part_of_pjsip_conf(&self) -> bool {
        !self.root_is_pjsip_conf() && self.objects.of_type("transport").next().is_none()
    }

    /// Where the bytes at `span` were written by a person: for the wizard's objects, the wizard
    /// line that made them ([`crate::wizard::Expansion::remap`]).
    pub fn written_at(&self, span: Span) -> Span {
        match &self.expansion {
            Some(expansion) => expansion.remap(self, span),
            None => span,
        }
    }

    /// The files a person wrote (not the wizard's objects pjsiplint wrote out), with their
    /// [`FileId`] numbers: what the rules about lines and files read.
    pub fn written_files(&self) -> impl Iterator<Item = (usize, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .filter(|(index, _)| !self.is_generated(FileId(*index as u32)))
    }

    /// Whether `file` is the wizard's objects written out by pjsiplint (nothing a person wrote).
    pub fn is_generated(&self, file: FileId) -> bool {
        self.root_of_file(file).kind == RootKind::WizardObjects
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn section(&self, id: SectionId) -> &Section {
        &self.sections[id.0 as usize]
    }

    /// A section's option lines, in the order Asterisk holds them.
    pub fn vars(&self, section: &Section) -> Vars<'_> {
        let pieces = &self.pieces[section.pieces.start as usize..section.pieces.end as usize];
        let store = Store {
            own: &self.vars,
            forms: &self.forms,
        };
        Vars::new(store, pieces)
    }

    /// A section's name as Asterisk stores it (not trimmed, at most 79 bytes).
    pub fn section_name(&self, section: &Section) -> &str {
        let span = section.name_span;
        self.file(span.file).text(&Text {
            span: span.start..span.end,
        })
    }

    /// The templates and sections a section's header named, in order.
    pub fn bases(&self, section: &Section) -> &[Base] {
        &self.bases[section.bases.start as usize..section.bases.end as usize]
    }

    /// The assignment written at `line`.
    #[inline]
    pub fn assignment(&self, line: LineRef) -> Assignment {
        match self.file(line.file).syntax.assignment(line.line as usize) {
            Some(assignment) => assignment,
            None => unreachable_assignment(),
        }
    }

    /// What Asterisk reads from a text of `file`.
    pub fn text(&self, file: FileId, text: &Text) -> &str {
        self.file(file).text(text)
    }

    /// The ids of every spelling of `name` in this configuration (`Context`, `context`, ...).
    pub fn key_ids(&self, name: &str) -> &[KeyId] {
        let found = if name.bytes().any(|b| b.is_ascii_uppercase()) {
            self.key_ids_by_name.get(name.to_ascii_lowercase().as_str())
        } else {
            self.key_ids_by_name.get(name)
        };
        found.map_or(&[], Vec::as_slice)
    }

    /// Fills [`Config::key_ids`] once every name is known.
    fn index_key_names(&mut self) {
        for (index, name) in self.key_names.iter().enumerate() {
            self.key_ids_by_name
                .entry(name.to_ascii_lowercase().into_boxed_str())
                .or_default()
                .push(KeyId(index as u32));
        }
    }

    /// Every option name as written, by [`KeyId`] order.
    pub fn key_names(&self) -> impl Iterator<Item = &str> {
        self.key_names.iter().map(|name| &**name)
    }

    pub fn key(&self, var: &Var) -> &str {
        match self.key_names.get(var.key.0 as usize) {
            Some(name) => name,
            None => self.text(var.origin.file, &self.assignment(var.origin).key),
        }
    }

    /// The line `var` reads as, shared by every var that reads the same key and value from
    /// it: its own line, or for a wizard template's line that the wizard passed on unchanged
    /// to its objects, the template's line (phones on one wizard template share its lines, as
    /// phones on a pjsip.conf template share the template's). What is worked out from a line's
    /// key and value can be kept by this line, for a var no `+=` extended
    /// ([`Var::is_appended`]).
    pub fn shared_line(&self, var: &Var) -> LineRef {
        self.expansion
            .as_ref()
            .and_then(|expansion| expansion.template_line(var.origin))
            .unwrap_or(var.origin)
    }

    /// [`Config::shared_line`] when other vars read that line too (a template's line inherited,
    /// a wizard template's line passed on) and no `+=` extended `var`: what is worked out from
    /// it can be kept for them. `None` for a section's own line, which no other section reads:
    /// a cache keyed by it would only grow (one entry per line of a configuration without
    /// templates).
    pub fn line_shared_with_others(&self, var: &Var) -> Option<LineRef> {
        let line = self.shared_line(var);
        (!var.is_appended() && (var.is_inherited() || line != var.origin)).then_some(line)
    }

    /// The joined value and the `+=` lines, when later lines extended `var`.
    pub fn appended(&self, var: &Var) -> Option<&Appended> {
        self.appends.get(var.appended_index()?)
    }

    /// The base `var` (a line of `section`) was copied from.
    pub fn inherited_from(&self, section: &Section, var: &Var) -> Option<SectionId> {
        if !var.is_inherited() {
            return None;
        }
        let index = self.vars(section).position(var)? as u32;
        // The bases' copied ranges follow one another in line order (each starts where the
        // section's lines ended when it was inherited): a search, as `(+)` headers can give a
        // section any number of bases.
        let bases = self.bases(section);
        let at = bases.partition_point(|base| base.copied.end <= index);
        bases
            .get(at)
            .filter(|base| base.copied.contains(&index))?
            .resolved()
    }

    /// The value Asterisk receives for this line (after `+=` joins).
    pub fn value<'a>(&'a self, var: &'a Var) -> &'a str {
        match self.appended(var) {
            Some(appended) => &appended.value,
            None => {
                // The value alone: read for nearly every line by validation and the rules.
                let file = self.file(var.origin.file);
                let Some((text, operator)) = file.syntax.assignment_value(var.origin.line as usize)
                else {
                    unreachable_assignment()
                };
                let value = file.text(&text);
                match operator {
                    // A `+=` with nothing to append to acts as `=`: its value is trimmed.
                    Operator::Append => value.trim_start_matches(is_blank),
                    Operator::Set => value,
                }
            }
        }
    }

    /// The span of the key of the line that wrote `var`.
    pub fn key_span(&self, var: &Var) -> Span {
        Span::new(
            var.origin.file,
            self.assignment(var.origin).key.span.clone(),
        )
    }

    pub fn value_span(&self, var: &Var) -> Span {
        let syntax = &self.file(var.origin.file).syntax;
        match syntax.assignment_value(var.origin.line as usize) {
            Some((value, _)) => Span::new(var.origin.file, value.span),
            None => unreachable_assignment(),
        }
    }

    /// The whole statement of the line that wrote `var`.
    pub fn var_span(&self, var: &Var) -> Span {
        Span::new(var.origin.file, self.assignment(var.origin).span())
    }

    /// The first `type` line of a section (name matched case-insensitively, inherited first):
    /// the one sorcery reads.
    pub fn type_var(&self, section: &Section) -> Option<&Var> {
        self.vars(section)
            .iter()
            .find(|var| self.key(var).eq_ignore_ascii_case("type"))
    }
}

/// Blanks as Asterisk's ast_strip sees them.
pub fn is_blank(c: char) -> bool {
    (c as u32) < 33
}

#[cold]
fn unreachable_assignment() -> ! {
    // Vars are only ever created from assignment lines (build.rs), so this cannot happen; a
    // panic here would be a bug in pjsiplint, not a reaction to input.
    panic!("a Var must point at an assignment line")
}
