//! Statements to sections, in load order, as main/config.c `process_text_line` does it
//! (../shared/asterisk/dialect.md sections 3 to 5): a header starts a section and copies its
//! bases' lines at once; `(+)` reopens an earlier section; `+=` extends the last line of the same
//! key; an `#include`d file continues the includer's current section.

use std::borrow::Cow;
use std::cell::RefCell;
use std::path::PathBuf;

use compact_str::CompactString;
use hashbrown::HashTable;
use regex::Regex;
use rustc_hash::FxHashMap;

use super::files::Files;
use super::load::{resolve_include, Resolved, MAX_INCLUDE_LEVEL};
use super::read_ahead::ReadAhead;
use super::{
    is_blank, Addition, Appended, Base, Config, Effect, Include, KeyId, LineRef, LoadProblem,
    LoadProblemKind, Piece, Section, SectionId, Var, INHERITED,
};
use crate::allocator::{reserve_on_huge_pages, HugePages, Reserved};
use crate::prefault::Prefault;
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::{
    Counts, HeaderId, LineKind, LineTag, Operator, ParseStream, Statement, SyntaxTree, Text,
};

pub(super) struct Builder<'c> {
    config: &'c mut Config,
    config_dir: PathBuf,
    /// The first and last section of each lower-case name (template and addition lookups are
    /// case-insensitive), with the name's hash; `next_same_name` links the sections of one name
    /// in load order. An entry is compared through its first section's name rather than holding
    /// a copy: 16 bytes a name, where a map from names took 32 (100k phones: 100k names, whose
    /// table is first touched while the builder runs alone).
    by_name: HashTable<NameEntry, HugePages>,
    /// For each section, the next section with the same lower-case name ([`NO_SECTION`] for
    /// none).
    next_same_name: Vec<u32>,
    /// The first section of the last few base names looked up ([`Builder::base`]), as written:
    /// every phone names the same templates, and a name's first section stays its first.
    recent_bases: RefCell<Vec<(Box<str>, SectionId)>>,
    /// [`KeyId`]s of the option names seen so far (the names are in `Config::key_names`).
    key_ids: FxHashMap<Box<str>, KeyId>,
    /// The last id [`Builder::key_id`] found in each slot ([`key_slot`]): a file writes a few
    /// dozen names over and over, and comparing one with the name in its slot takes a third
    /// of the instructions of hashing it and probing `key_ids`.
    recent_keys: [Option<KeyId>; KEY_SLOTS],
    /// The include chain being read, to stop at cycles.
    stack: Vec<FileId>,
    /// Where files are read: the disk (and the fixer's overlay), or memory only.
    files: Files,
    /// Included files read on another thread, their parse started, before they are reached.
    read_ahead: ReadAhead,
    /// Files still being parsed while their first lines are read.
    streams: Vec<Streaming>,
    /// Lines inherited so far: a few kilobytes of templates inheriting each other several times
    /// over can ask for billions of copies (Asterisk would run out of memory). Sections share
    /// their templates' lines (see `inherit`), but every rule reads every line a section has, so
    /// the limit is on the lines sections get, not on the memory they take.
    copied: usize,
    /// Copying stopped at the limit (said once).
    copy_limit_hit: bool,
    /// For each section that has seen a `+=`, the index of the last var of each key: finding
    /// the line a `+=` extends by a scan would make many `+=` lines quadratic. Built on a
    /// section's first `+=` (see `has_key_index`), kept up to date as lines are added.
    last_of_key: FxHashMap<(SectionId, KeyId), u32>,
    /// By section index: whether `last_of_key` covers the section.
    has_key_index: Vec<bool>,
    /// Where the room of a moved run ends (see [`push_to_run`]): of a section's last piece of
    /// vars, of its pieces, and of its bases.
    var_rooms: FxHashMap<SectionId, u32>,
    piece_rooms: FxHashMap<SectionId, u32>,
    base_rooms: FxHashMap<SectionId, u32>,
    /// For a section that others inherited from: its form (its vars marked inherited, in one
    /// piece that the inheriting sections share), and how many vars the section had then. A
    /// section that changes after that gets a new form when it is inherited again.
    forms: FxHashMap<SectionId, (std::ops::Range<u32>, usize)>,
    /// Faults in the memory the tables are about to fill while a large file is read (see
    /// [`Builder::fault_in_ahead`]).
    prefault: Prefault,
    /// Bytes of every file read so far.
    bytes_read: usize,
    /// What the lines not yet read of the files being read (this one and those including it)
    /// will add.
    unread: Needs,
}

/// How many inherited lines sections may get: a million, plus one for every 2 bytes read. A real
/// configuration of 100k phones on templates copies about 1 line per 18 bytes; a fat template of
/// 40 lines over terse phone sections, about 1 per 4 bytes.
fn copy_limit(bytes_read: usize) -> usize {
    1_000_000 + bytes_read / 2
}

/// How many pieces of lines a section may share with others before it copies what it inherits:
/// finding a line (its count, the line at a position) walks the pieces, so their number must
/// stay small however many bases `(+)` headers add. A section has one piece per base plus its own.
const MAX_SHARED_PIECES: usize = 16;

/// A file whose lines are still being parsed while the builder reads those already parsed.
struct Streaming {
    file: FileId,
    stream: ParseStream,
    /// Its first include (reached at once, so not read ahead) was among the chunks joined.
    include_seen: bool,
}

impl Streaming {
    fn of(file: FileId, stream: Option<ParseStream>) -> Option<Streaming> {
        stream.map(|stream| Streaming {
            file,
            stream,
            include_seen: false,
        })
    }
}

/// How one file is being read.
#[derive(Clone, Copy)]
struct Reading {
    file: FileId,
    /// 1 for the root file.
    level: usize,
    /// Asterisk stopped reading this file (or never reached it): what follows is still checked,
    /// but its sections are marked dropped.
    dropped: bool,
}

/// What lines add to the config's vectors (see `Builder::unread`).
#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    headers: usize,
    /// Items of the headers' `(...)`: at most as many bases.
    items: usize,
    assignments: usize,
}

impl Needs {
    /// What all of a file's lines add, from their tags (and the headers' items).
    fn of_file(syntax: &SyntaxTree) -> Needs {
        let headers = syntax.headers().map(|header| (1, header.item_count()));
        let (headers, items) = headers.fold((0, 0), |(h, i), (one, items)| (h + one, i + items));
        Needs {
            headers,
            items,
            assignments: (0..syntax.line_count())
                .filter(|&index| syntax.tag(index) == LineTag::Assignment)
                .count(),
        }
    }

    /// What `parts` of `whole` parts of a file add, if each adds as much.
    fn share(self, parts: usize, whole: usize) -> Needs {
        let share = |count: usize| count.saturating_mul(parts) / whole.max(1);
        Needs {
            headers: share(self.headers),
            items: share(self.items),
            assignments: share(self.assignments),
        }
    }

    /// What the lines of a file whose bytes hold `counts` can add at most.
    fn at_most(counts: Counts) -> Needs {
        Needs {
            headers: counts.brackets,
            items: counts.items,
            assignments: counts.equals,
        }
    }

    fn of(syntax: &SyntaxTree, statement: &Statement) -> Needs {
        match statement {
            Statement::Header(header) => Needs {
                headers: 1,
                items: syntax.section_header(*header).item_count(),
                assignments: 0,
            },
            Statement::Assignment(..) => Needs {
                assignments: 1,
                ..Needs::default()
            },
            _ => Needs::default(),
        }
    }
}

impl std::ops::Add for Needs {
    type Output = Needs;

    fn add(self, other: Needs) -> Needs {
        Needs {
            headers: self.headers + other.headers,
            items: self.items + other.items,
            assignments: self.assignments + other.assignments,
        }
    }
}

impl std::ops::Sub for Needs {
    type Output = Needs;

    fn sub(self, other: Needs) -> Needs {
        // Saturating: a file still being parsed counted what its lines hold at most.
        Needs {
            headers: self.headers.saturating_sub(other.headers),
            items: self.items.saturating_sub(other.items),
            assignments: self.assignments.saturating_sub(other.assignments),
        }
    }
}

/// A statement copied out of the syntax tree, so the builder can change the config meanwhile.
enum Step {
    Header(SectionHeaderParts),
    /// An assignment, with its key.
    Assign(Operator, Text),
    Include {
        optional: bool,
        target: String,
    },
    FatalSyntax,
    Nothing,
}

struct SectionHeaderParts {
    /// The section's name (what [`super::Config::section_name`] reads), for the lookups by name.
    name: CompactString,
    name_span: std::ops::Range<u32>,
    span: std::ops::Range<u32>,
    /// The header in its file's tree: the items of `(...)` are read from it when they are used
    /// (without unpacking its line again, as each item is read).
    file: FileId,
    id: HeaderId,
}

impl SectionHeaderParts {
    fn new(source: &SourceFile, file: FileId, id: HeaderId) -> Self {
        let header = source.syntax.section_header(id);
        SectionHeaderParts {
            name: CompactString::from(source.text(&header.name)),
            name_span: header.name.span.clone(),
            span: header.span.clone(),
            file,
            id,
        }
    }
}

impl<'c> Builder<'c> {
    pub fn new(config: &'c mut Config, config_dir: PathBuf, files: Files) -> Self {
        let bytes_read = config.files.iter().map(|file| file.bytes.len()).sum();
        // By section index: another root's sections come first.
        let sections_before = config.sections.len();
        Builder {
            config,
            config_dir,
            by_name: HashTable::new_in(HugePages),
            next_same_name: vec![NO_SECTION; sections_before],
            recent_bases: RefCell::default(),
            key_ids: FxHashMap::default(),
            recent_keys: [None; KEY_SLOTS],
            stack: Vec::new(),
            files,
            read_ahead: ReadAhead::default(),
            streams: Vec::new(),
            copied: 0,
            copy_limit_hit: false,
            last_of_key: FxHashMap::default(),
            has_key_index: vec![false; sections_before],
            var_rooms: FxHashMap::default(),
            piece_rooms: FxHashMap::default(),
            base_rooms: FxHashMap::default(),
            forms: FxHashMap::default(),
            prefault: Prefault::default(),
            bytes_read,
            unread: Needs::default(),
        }
    }

    /// Reads `file` (a file Asterisk reads on its own, with the stream of its lines while they
    /// are parsed) and what it includes.
    pub fn run(mut self, file: FileId, stream: Option<ParseStream>) {
        self.streams.extend(Streaming::of(file, stream));
        let root = Reading {
            file,
            level: 1,
            dropped: false,
        };
        self.read_file(root, None);
    }

    /// Reads one file's statements. Returns true when a mistake made Asterisk stop reading it.
    fn read_file(&mut self, mut reading: Reading, mut current: Option<SectionId>) -> bool {
        self.stack.push(reading.file);
        let mut stopped = false;
        let syntax = &self.config.file(reading.file).syntax;
        // Room at once for what this file's lines and the unread lines of the files including it
        // can add: growing a vector of 300k sections or 700k lines by doubling near its end
        // would hold the old and the new copy together at the peak. A file still being parsed
        // says what its bytes hold at most.
        let needs = match self.streams.iter().find(|s| s.file == reading.file) {
            Some(streaming) => Needs::at_most(streaming.stream.counts()),
            None => {
                let needs = Needs::of_file(syntax);
                let directives = 0..syntax.directive_count();
                self.read_ahead_includes(reading, directives, true);
                needs
            }
        };
        self.unread = self.unread + needs;
        let unread = self.unread;
        // The tables may move now.
        self.prefault.finish();
        let config = &mut *self.config;
        reserve_on_huge_pages(&mut config.sections, unread.headers);
        reserve_on_huge_pages(&mut config.vars, unread.assignments);
        reserve_on_huge_pages(&mut config.bases, unread.items);
        // Mostly a piece per section and one per base.
        reserve_on_huge_pages(&mut config.pieces, unread.headers + unread.items);
        self.next_same_name.reserve(unread.headers);
        // Room for a name per three sections (a phone's endpoint, aor and auth share one):
        // grown from nothing, the table of 100k names was copied at each doubling, into memory
        // on small pages below 2 MB (560 page faults of the builder's core on 100k phones).
        self.by_name
            .reserve(unread.headers / 3, |entry: &NameEntry| entry.hash);
        let mut index = 0;
        while self.has_line(reading, index) {
            let line = LineRef {
                file: reading.file,
                line: index as u32,
            };
            let syntax = &self.config.file(reading.file).syntax;
            let statement = syntax.statement(index);
            self.unread = self.unread - Needs::of(syntax, &statement);
            let step = self.step(line, statement);
            let fatal = match step {
                Step::Header(header) => match self.header(reading, header) {
                    Ok(section) => {
                        current = Some(section);
                        None
                    }
                    Err((kind, span, placeholder)) => {
                        current = Some(placeholder);
                        Some((kind, span))
                    }
                },
                Step::Assign(operator, key) => match current {
                    Some(section) => {
                        // Asterisk stopped reading this included file: its lines reach no
                        // section that Asterisk keeps.
                        if !reading.dropped || self.config.sections[section.0 as usize].dropped {
                            self.assign(section, line, operator, &key);
                        }
                        None
                    }
                    None => {
                        let span = Span::new(line.file, self.config.assignment(line).span());
                        Some((LoadProblemKind::OptionBeforeSection, span))
                    }
                },
                Step::Include { optional, target } => {
                    let span = self.line_span(line);
                    self.include(reading, current, span, optional, &target)
                }
                Step::FatalSyntax => Some((LoadProblemKind::FatalSyntax, self.line_span(line))),
                Step::Nothing => None,
            };
            if let Some((kind, span)) = fatal {
                let effect = if reading.level == 1 {
                    Effect::WholeConfigDropped
                } else if stopped {
                    // Asterisk never got this far; only the first mistake counts.
                    Effect::Continues
                } else {
                    Effect::RestOfFileDropped
                };
                self.config
                    .load_problems
                    .push(LoadProblem { kind, span, effect });
                stopped = true;
                // In an included file, Asterisk reads nothing after the mistake.
                reading.dropped |= reading.level > 1;
            }
            index += 1;
        }
        self.stack.pop();
        stopped
    }

    /// Whether the file being read has line `index`. Of a file still being parsed, the next
    /// chunks join its tree until it does (waiting for their parse), and the files their
    /// includes name are read ahead.
    fn has_line(&mut self, reading: Reading, index: usize) -> bool {
        let file = reading.file.0 as usize;
        while index >= self.config.files[file].syntax.line_count() {
            let Some(at) = self.streams.iter().position(|s| s.file == reading.file) else {
                return false;
            };
            let syntax = &mut self.config.files[file].syntax;
            let directives = syntax.directive_count();
            let streaming = &mut self.streams[at];
            if !streaming.stream.next(syntax) {
                self.streams.swap_remove(at);
                continue;
            }
            let skip_first = !streaming.include_seen;
            let stream = &streaming.stream;
            let window =
                Needs::at_most(stream.counts()).share(PREFAULT_CHUNKS, stream.chunk_count());
            self.fault_in_ahead(reading.file, window);
            let directives = directives..self.config.files[file].syntax.directive_count();
            if self.read_ahead_includes(reading, directives, skip_first) {
                self.streams[at].include_seen = true;
            }
        }
        true
    }

    /// Asks for the memory `window` (what the next [`PREFAULT_CHUNKS`] chunks of `file`, a file
    /// still being parsed, can add) takes in the builder's tables and the file's tree, past
    /// what they use.
    fn fault_in_ahead(&mut self, file: FileId, window: Needs) {
        let bytes = |count: usize, size: usize| count * size;
        let config = &*self.config;
        let tables: [(&dyn Reserved, usize); 5] = [
            (
                &config.sections,
                bytes(window.headers, size_of::<Section>()),
            ),
            (&config.vars, bytes(window.assignments, size_of::<Var>())),
            (&config.bases, bytes(window.items, size_of::<Base>())),
            (
                &config.pieces,
                bytes(window.headers + window.items, size_of::<Piece>()),
            ),
            (
                &self.next_same_name,
                bytes(window.headers, size_of::<u32>()),
            ),
        ];
        let trees = config
            .file(file)
            .syntax
            .growing_tables(window.headers, window.items);
        for (slot, (table, ahead)) in tables.into_iter().chain(trees).enumerate() {
            self.prefault.ahead(slot, table, ahead);
        }
    }

    /// What reading `statement`, the line at `line`, does.
    fn step(&self, line: LineRef, statement: Statement) -> Step {
        let file = self.config.file(line.file);
        match statement {
            Statement::Header(header) => {
                Step::Header(SectionHeaderParts::new(file, line.file, header))
            }
            Statement::Assignment(key, operator) => Step::Assign(operator, key),
            Statement::Directive(directive) => {
                match file.syntax.directive(directive).include_target(file) {
                    Some((target, optional)) => Step::Include {
                        optional,
                        target: target.to_owned(),
                    },
                    None => Step::Nothing,
                }
            }
            Statement::Error(kind) if kind.invalidates_file() => Step::FatalSyntax,
            _ => Step::Nothing,
        }
    }

    fn line_span(&self, line: LineRef) -> Span {
        let syntax_line = self.config.file(line.file).syntax.line(line.line as usize);
        let range = match &syntax_line.kind {
            LineKind::Directive(directive) => (self
                .config
                .file(line.file)
                .syntax
                .directive(*directive)
                .span)
                .clone(),
            LineKind::Error(error) => error.span.clone(),
            _ => syntax_line.start..syntax_line.end,
        };
        Span::new(line.file, range)
    }

    /// A new section from a header (whose options are not read here).
    fn new_section(
        &mut self,
        reading: Reading,
        name: &str,
        name_span: std::ops::Range<u32>,
    ) -> SectionId {
        let id = SectionId(self.config.sections.len() as u32);
        let bases_end = self.config.bases.len() as u32;
        let pieces_end = self.config.pieces.len() as u32;
        let name = folded(name);
        let hash = name_hash(&name);
        let config = &*self.config;
        match self
            .by_name
            .find_mut(hash, |entry| entry.names(config, hash, &name))
        {
            Some(entry) => {
                self.next_same_name[entry.last.0 as usize] = id.0;
                entry.last = id;
            }
            None => {
                let entry = NameEntry {
                    hash,
                    first: id,
                    last: id,
                };
                self.by_name.insert_unique(hash, entry, |entry| entry.hash);
            }
        }
        self.next_same_name.push(NO_SECTION);
        self.config.sections.push(Section {
            name_span: Span::new(reading.file, name_span),
            template: false,
            bases: bases_end..bases_end,
            pieces: pieces_end..pieces_end,
            dropped: reading.dropped,
        });
        id
    }

    /// The sections named `name` (case-insensitive), in load order.
    fn named(&self, name: &str) -> impl Iterator<Item = SectionId> + '_ {
        let name = folded(name);
        let hash = name_hash(&name);
        let config = &*self.config;
        let first = self
            .by_name
            .find(hash, |entry| entry.names(config, hash, &name))
            .map(|entry| entry.first);
        std::iter::successors(first, |id| {
            let next = self.next_same_name[id.0 as usize];
            (next != NO_SECTION).then_some(SectionId(next))
        })
    }

    /// The text of an item of a header's `(...)` in `file`.
    fn item(&self, file: FileId, item: &Text) -> &str {
        self.config.text(file, item)
    }

    /// The items of the `(...)` of `header`.
    fn header_items(&self, header: &SectionHeaderParts) -> &[Text] {
        let syntax = &self.config.file(header.file).syntax;
        syntax
            .header_items(syntax.section_header(header.id))
            .unwrap_or_default()
    }

    /// Adds a base to `section`, after those it has.
    fn push_base(&mut self, section: SectionId, base: Base) {
        let run = &mut self.config.sections[section.0 as usize].bases;
        push_to_run(
            &mut self.config.bases,
            run,
            &mut self.base_rooms,
            section,
            base,
        );
    }

    /// A section header. On a mistake that makes the file invalid, returns the problem and a
    /// section (marked dropped) that the following lines can attach to, so they are still checked.
    fn header(
        &mut self,
        reading: Reading,
        header: SectionHeaderParts,
    ) -> Result<SectionId, (LoadProblemKind, Span, SectionId)> {
        let header_span = Span::new(reading.file, header.span.clone());
        let addition = self
            .header_items(&header)
            .iter()
            .map(|item| self.item(reading.file, item))
            .find(|item| item.starts_with('+'))
            .map(|item| item[1..].to_owned());
        let section = match addition {
            Some(filter) => match self.addition_target(&header.name, &filter) {
                Some(target) => {
                    self.config.additions.push(Addition {
                        header: header_span,
                        name: header.name.clone(),
                        target: Some(target),
                    });
                    target
                }
                None => {
                    self.config.additions.push(Addition {
                        header: header_span,
                        name: header.name.clone(),
                        target: None,
                    });
                    let kind = LoadProblemKind::AdditionWithoutSection {
                        name: header.name.to_string(),
                    };
                    let placeholder =
                        self.new_section(reading, &header.name, header.name_span.clone());
                    self.config.sections[placeholder.0 as usize].dropped = true;
                    return Err((kind, header_span, placeholder));
                }
            },
            None => self.new_section(reading, &header.name, header.name_span.clone()),
        };
        let mut problem = None;
        // By index: the builder changes the config while it reads the items.
        for index in 0..self.header_items(&header).len() {
            let option = self.header_items(&header)[index].clone();
            let span = &option.span;
            let item = self.item(reading.file, &option);
            if item == "!" {
                self.config.sections[section.0 as usize].template = true;
                continue;
            }
            if item.starts_with('+') {
                continue;
            }
            let resolved = self.base(item, section);
            let first_copy = self.section_len(section) as u32;
            if let Some(base) = resolved {
                let count = self.section_len(base);
                if self.may_copy(count, Span::new(reading.file, span.clone())) {
                    self.inherit(section, base);
                }
            } else if problem.is_none() {
                problem = Some((
                    LoadProblemKind::TemplateNotFound {
                        name: item.to_owned(),
                    },
                    Span::new(reading.file, span.clone()),
                ));
            }
            let copied = first_copy..self.section_len(section) as u32;
            let base = Base::new(reading.file, option, resolved, copied);
            self.push_base(section, base);
        }
        match problem {
            Some((kind, span)) => Err((kind, span, section)),
            None => Ok(section),
        }
    }

    /// How many vars `section` has.
    fn section_len(&self, section: SectionId) -> usize {
        self.config.vars(self.config.section(section)).len()
    }

    /// Gives `section` the vars of `base` (all of them, as they are now) after its own: a piece
    /// that refers to the base's form.
    fn inherit(&mut self, section: SectionId, base: SectionId) {
        let first = self.key_indexed(section).then(|| self.section_len(section));
        let form = self.form(base);
        let pieces = self.config.sections[section.0 as usize].pieces.len();
        if pieces < MAX_SHARED_PIECES {
            if !form.is_empty() {
                self.push_piece(section, Piece::form(form));
            }
        } else {
            // A section with many bases (`(+)` headers can add any number) copies their lines
            // into its own, as every look-up of a line walks its pieces. The copies count
            // against the copy limit (`may_copy`), as the inheritance did.
            for index in form {
                let var = self.config.forms[index as usize].clone();
                self.push_var(section, var);
            }
        }
        if let Some(first) = first {
            self.index_new_vars(section, first);
        }
    }

    /// The vars of `section` as sections inheriting it get them, made once while the section
    /// stays unchanged: copies marked inherited, whose `+=` entries are then shared.
    fn form(&mut self, section: SectionId) -> std::ops::Range<u32> {
        let len = self.section_len(section);
        if let Some((form, form_len)) = self.forms.get(&section) {
            if *form_len == len {
                return form.clone();
            }
        }
        let start = self.config.forms.len();
        let pieces = self.config.sections[section.0 as usize].pieces.clone();
        for piece in &self.config.pieces[pieces.start as usize..pieces.end as usize] {
            if piece.is_form() {
                self.config.forms.extend_from_within(piece.range());
            } else {
                let own = &self.config.vars[piece.range()];
                self.config.forms.extend_from_slice(own);
            }
        }
        for var in &mut self.config.forms[start..] {
            var.marks |= INHERITED;
            if let Some(index) = var.appended_index() {
                self.config.appends[index].shared = true;
            }
        }
        let form = start as u32..self.config.forms.len() as u32;
        self.forms.insert(section, (form.clone(), len));
        form
    }

    /// Adds `piece` after `section`'s pieces.
    fn push_piece(&mut self, section: SectionId, piece: Piece) {
        let run = &mut self.config.sections[section.0 as usize].pieces;
        push_to_run(
            &mut self.config.pieces,
            run,
            &mut self.piece_rooms,
            section,
            piece,
        );
    }

    /// Adds `var` at the end of `section`'s vars: to its last piece when that is the section's
    /// own (see [`push_to_run`]), else in a new piece.
    fn push_var(&mut self, section: SectionId, var: Var) {
        let pieces = self.config.sections[section.0 as usize].pieces.clone();
        let last = self.config.pieces[pieces.start as usize..pieces.end as usize].last_mut();
        match last.and_then(Piece::own_run) {
            Some(run) => push_to_run(
                &mut self.config.vars,
                run,
                &mut self.var_rooms,
                section,
                var,
            ),
            _ => {
                let start = self.config.vars.len() as u32;
                self.config.vars.push(var);
                // A room left by an earlier piece is not this one's.
                self.var_rooms.remove(&section);
                self.push_piece(section, Piece::own(start..start + 1));
            }
        }
    }

    /// Where in `Config::vars` the var at `index` of `section` is, after making the piece that
    /// holds it the section's own (a line of a form is shared by every section inheriting it):
    /// for a change to that var alone.
    fn make_own(&mut self, section: SectionId, index: usize) -> usize {
        let (piece, offset) = self
            .config
            .vars(self.config.section(section))
            .locate(index)
            .unwrap_or_else(|| panic!("no line {index} in the section"));
        let at = self.config.sections[section.0 as usize].pieces.start as usize + piece;
        if self.config.pieces[at].is_form() {
            // Once per piece: the copy is the section's from then on, and the inheritance that
            // made the piece was counted against the copy limit (`may_copy`).
            let start = self.config.vars.len();
            let shared = &self.config.forms[self.config.pieces[at].range()];
            self.config.vars.extend_from_slice(shared);
            self.config.pieces[at] = Piece::own(start as u32..self.config.vars.len() as u32);
            if at + 1 == self.config.sections[section.0 as usize].pieces.end as usize {
                // The section's last piece is now this copy, at the end of the vars.
                self.var_rooms.remove(&section);
            }
        }
        self.config.pieces[at].range().start + offset
    }

    /// Whether `count` more inherited lines may be copied (counted if so); at the limit, says
    /// so once, at `span`.
    fn may_copy(&mut self, count: usize, span: Span) -> bool {
        if !self.copy_limit_hit && self.copied + count <= copy_limit(self.bytes_read) {
            self.copied += count;
            return true;
        }
        if !self.copy_limit_hit {
            self.copy_limit_hit = true;
            self.config.load_problems.push(LoadProblem {
                kind: LoadProblemKind::InheritanceTooLarge {
                    copied: self.copied,
                },
                span,
                effect: Effect::Continues,
            });
        }
        false
    }

    /// The first section defined before `this` with the given name (case-insensitive), template
    /// or not. An empty name matches the very first section of the configuration (config.c's
    /// `does_category_match` skips the name test for "").
    fn base(&self, name: &str, this: SectionId) -> Option<SectionId> {
        let first = if name.is_empty() {
            (!self.config.sections.is_empty()).then_some(SectionId(0))
        } else {
            self.first_named(name)
        };
        first.filter(|&id| id < this)
    }

    /// [`Builder::named`]'s first section, from [`Builder::recent_bases`] when the name was
    /// looked up lately: a look-up folds and hashes the name and reads the first section's name
    /// from its file to compare (340 instructions, twice for each phone on templates).
    fn first_named(&self, name: &str) -> Option<SectionId> {
        let mut recent = self.recent_bases.borrow_mut();
        if let Some(&(_, first)) = recent.iter().find(|(known, _)| **known == *name) {
            return Some(first);
        }
        // Not kept while there is none: a section of that name may come later.
        let first = self.named(name).next()?;
        if recent.len() == RECENT_BASES {
            recent.remove(0);
        }
        recent.push((name.into(), first));
        Some(first)
    }

    /// `(+)` / `(+filter)`: the first section of that name that is not a template and passes the
    /// filter. The filter is `&`-separated `key=regex` pairs; `TEMPLATES=include` also allows
    /// templates and `TEMPLATES=restrict` allows only them.
    fn addition_target(&self, name: &str, filter: &str) -> Option<SectionId> {
        let mut templates = "exclude";
        let mut tests = Vec::new();
        for item in filter.split('&').filter(|item| !item.is_empty()) {
            let (key, pattern) = item.split_once('=').unwrap_or((item, ""));
            if key.eq_ignore_ascii_case("TEMPLATES") {
                templates = if pattern.eq_ignore_ascii_case("include") {
                    "include"
                } else if pattern.eq_ignore_ascii_case("restrict") {
                    "restrict"
                } else {
                    templates
                };
            } else {
                // An invalid regex matches nothing, as regcomp failing does.
                tests.push((key.to_owned(), Regex::new(pattern).ok()));
            }
        }
        self.named(name).find(|&id| {
            let section = self.config.section(id);
            let template_ok = match templates {
                "include" => true,
                "restrict" => section.template,
                _ => !section.template,
            };
            template_ok
                && tests.iter().all(|(key, regex)| {
                    regex.as_ref().is_some_and(|regex| {
                        self.config.vars(section).iter().any(|var| {
                            self.config.key(var).eq_ignore_ascii_case(key)
                                && regex.is_match(self.config.value(var))
                        })
                    })
                })
        })
    }

    fn assign(&mut self, section: SectionId, line: LineRef, operator: Operator, key: &Text) {
        let key = self.key_id(line.file, key);
        // config.c compares names with strcmp here: `+=` is case-sensitive, and a key id is one
        // spelling.
        if operator == Operator::Append {
            if let Some(index) = self.last_var_of_key(section, key) {
                self.append(section, index, line);
                return;
            }
        }
        self.push_var(section, Var::new(line, key));
        // Most sections never see a `+=`: their length is not counted for nothing.
        if self.key_indexed(section) {
            self.index_new_vars(section, self.section_len(section) - 1);
        }
    }

    /// Whether `last_of_key` covers `section`.
    fn key_indexed(&self, section: SectionId) -> bool {
        self.has_key_index
            .get(section.0 as usize)
            .copied()
            .unwrap_or(false)
    }

    /// The index of the last var of `key` in `section`.
    fn last_var_of_key(&mut self, section: SectionId, key: KeyId) -> Option<usize> {
        let at = section.0 as usize;
        if self.has_key_index.len() <= at {
            self.has_key_index.resize(at + 1, false);
        }
        if !self.has_key_index[at] {
            self.has_key_index[at] = true;
            self.index_new_vars(section, 0);
        }
        self.last_of_key
            .get(&(section, key))
            .map(|&index| index as usize)
    }

    /// Records the vars of `section` from index `first` on, if `last_of_key` covers it.
    fn index_new_vars(&mut self, section: SectionId, first: usize) {
        if !self.key_indexed(section) {
            return;
        }
        let vars = self.config.vars(&self.config.sections[section.0 as usize]);
        for (index, var) in vars.iter_from(first).enumerate() {
            self.last_of_key
                .insert((section, var.key), (first + index) as u32);
        }
    }

    /// A `+=` line extending the var at `index` of `section`: the joined value is trimmed, as
    /// Asterisk trims after joining.
    fn append(&mut self, section: SectionId, index: usize, line: LineRef) {
        let addition = self
            .config
            .text(line.file, &self.config.assignment(line).value)
            .to_owned();
        // Sections inheriting this one from now on must see the change.
        self.forms.remove(&section);
        let var = self.config.vars(self.config.section(section)).at(index);
        let (value, lines) = match var.appended_index() {
            // The var's own entry: extended in place (a long run of `+=` lines stays linear).
            Some(entry) if !self.config.appends[entry].shared => {
                let entry = &mut self.config.appends[entry];
                entry.value.push_str(&addition);
                trim_blanks(&mut entry.value);
                entry.lines.push(line);
                return;
            }
            // An entry shared with the sections that inherited this var before this line: a
            // copy for this var only. Copies count against the inheritance limit, since
            // templates inheriting each other can ask for a copy per line.
            Some(entry) => {
                let shared = &self.config.appends[entry];
                let cost = shared.lines.len() + shared.value.len() / std::mem::size_of::<Var>();
                let span = Span::new(line.file, self.config.assignment(line).span());
                if !self.may_copy(cost, span) {
                    return;
                }
                let shared = &self.config.appends[entry];
                (shared.value.clone(), shared.lines.clone())
            }
            None => (self.config.value(var).to_owned(), Vec::new()),
        };
        let mut value = value + &addition;
        trim_blanks(&mut value);
        let mut lines = lines;
        lines.push(line);
        // Bits 0-30 of `Var::marks` hold the index plus one; 2^31 entries would need far more
        // memory than any input can make pjsiplint use.
        if let Ok(id @ 1..INHERITED) = u32::try_from(self.config.appends.len() + 1) {
            self.config.appends.push(Appended {
                value,
                lines,
                shared: false,
            });
            let at = self.make_own(section, index);
            let var = &mut self.config.vars[at];
            var.marks = (var.marks & INHERITED) | id;
        }
    }

    /// The interned key of the assignment at `line`.
    /// The id of the option name `key` (a key of `file`).
    fn key_id(&mut self, file: FileId, key: &Text) -> KeyId {
        let name = self.config.file(file).text(key);
        let slot = key_slot(name);
        if let Some(id) = self.recent_keys[slot] {
            if *self.config.key_names[id.0 as usize] == *name {
                return id;
            }
        }
        let id = match self.key_ids.get(name) {
            Some(&id) => id,
            None => {
                let id = KeyId(self.config.key_names.len() as u32);
                let name: Box<str> = name.into();
                self.config.key_names.push(name.clone());
                self.key_ids.insert(name, id);
                id
            }
        };
        self.recent_keys[slot] = Some(id);
        id
    }

    /// `#include` / `#tryinclude`. Returns the problem that makes the including file invalid.
    fn include(
        &mut self,
        reading: Reading,
        current: Option<SectionId>,
        span: Span,
        optional: bool,
        target: &str,
    ) -> Option<(LoadProblemKind, Span)> {
        let mut include = Include {
            directive: span,
            optional,
            files: Vec::new(),
        };
        let result = self.include_files(reading, current, &mut include, target);
        self.config.includes.push(include);
        result
    }

    fn include_files(
        &mut self,
        reading: Reading,
        current: Option<SectionId>,
        include: &mut Include,
        target: &str,
    ) -> Option<(LoadProblemKind, Span)> {
        let span = include.directive;
        let not_found = || {
            (!include.optional).then(|| {
                let kind = LoadProblemKind::IncludeNotFound {
                    target: target.to_owned(),
                };
                (kind, span)
            })
        };
        let paths = match resolve_include(&self.files, &self.config_dir, target) {
            Resolved::Nothing => return not_found(),
            Resolved::Files(paths) => paths,
        };
        if reading.level >= MAX_INCLUDE_LEVEL {
            let kind = LoadProblemKind::IncludeTooDeep {
                target: target.to_owned(),
            };
            return (!include.optional).then_some((kind, span));
        }
        let mut dropped = reading.dropped;
        for path in paths {
            let Some(file) = self.source_file(&path) else {
                // config.c: "'%s' is not a regular file, ignoring" (or unreadable).
                self.config.load_problems.push(LoadProblem {
                    kind: LoadProblemKind::IncludeNotReadable {
                        path: path.to_string_lossy().into_owned(),
                    },
                    span,
                    effect: Effect::Continues,
                });
                continue;
            };
            include.files.push(file);
            if self.stack.contains(&file) {
                self.config.load_problems.push(LoadProblem {
                    kind: LoadProblemKind::IncludeCycle {
                        target: target.to_owned(),
                    },
                    span,
                    effect: Effect::Continues,
                });
                continue;
            }
            let child = Reading {
                file,
                level: reading.level + 1,
                dropped,
            };
            // A mistake in one file of a glob also drops the files after it.
            dropped |= self.read_file(child, current);
        }
        None
    }

    /// The file at `path`, read once however often it is included. Non-regular files (a
    /// directory, a FIFO, a device) are skipped as Asterisk skips them.
    fn source_file(&mut self, path: &std::path::Path) -> Option<FileId> {
        let canonical = self.files.canonical(path)?;
        if let Some(&id) = self.config.file_index.get(&canonical) {
            return Some(id);
        }
        let id = FileId(self.config.files.len() as u32);
        let (file, stream) = match self.read_ahead.take(&canonical, path) {
            Some(read) => read?,
            None => {
                let bytes = self.files.read(&canonical).ok()?;
                let name = path.to_string_lossy().into_owned();
                SourceFile::streamed(path.to_path_buf(), name, bytes.into())
            }
        };
        self.streams.extend(Streaming::of(id, stream));
        self.bytes_read += file.bytes.len();
        self.config.files.push(file);
        self.config.file_index.insert(canonical, id);
        Some(id)
    }

    /// Starts reading the files that the includes among the directives `ids` of the file being
    /// read name, on another thread ([`ReadAhead`]): those not read yet, unless they would be
    /// too deep to be read, and not the file's first include (`skip_first`: it is among them),
    /// which is reached at once. Returns whether there was an include among them.
    fn read_ahead_includes(
        &mut self,
        reading: Reading,
        ids: std::ops::Range<usize>,
        skip_first: bool,
    ) -> bool {
        let file = self.config.file(reading.file);
        let mut targets: Vec<String> = file
            .syntax
            .directives_among(ids)
            .filter_map(|directive| directive.include_target(file))
            .map(|(target, _)| target.to_owned())
            .collect();
        let any = !targets.is_empty();
        if skip_first && any {
            targets.remove(0);
        }
        if reading.level >= MAX_INCLUDE_LEVEL {
            return any;
        }
        let mut wanted = Vec::new();
        for target in targets {
            let Resolved::Files(paths) = resolve_include(&self.files, &self.config_dir, &target)
            else {
                continue;
            };
            for path in paths {
                let canonical = self.files.canonical(&path);
                if let Some(canonical) =
                    canonical.filter(|c| !self.config.file_index.contains_key(c))
                {
                    wanted.push((canonical, path));
                }
            }
        }
        self.read_ahead.ask(&self.files, wanted);
        any
    }
}

/// An entry of [`Builder::by_name`].
struct NameEntry {
    hash: u64,
    first: SectionId,
    last: SectionId,
}

impl NameEntry {
    /// Whether the entry is that of the lower-case name `folded_name` (whose hash is `hash`).
    fn names(&self, config: &Config, hash: u64, folded_name: &str) -> bool {
        self.hash == hash && folded(config.section_name(config.section(self.first))) == folded_name
    }
}

/// [`Builder::next_same_name`] of the last section of its name.
const NO_SECTION: u32 = u32::MAX;

/// How many chunks ahead of the builder its tables are faulted in ([`Builder::fault_in_ahead`]):
/// the thread that does it has time to get there while the builder reads one, and past the end
/// of what a file fills, memory is taken for at most this many chunks.
const PREFAULT_CHUNKS: usize = 8;

/// How many slots [`Builder::recent_keys`] has (a power of two).
const KEY_SLOTS: usize = 64;

/// The slot of [`Builder::recent_keys`] for an option name: from its length and three of its
/// bytes, which set apart the names a section writes (`type`, `auth`, `aors`, `allow` ...).
fn key_slot(name: &str) -> usize {
    let bytes = name.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return 0;
    };
    let middle = bytes[bytes.len() / 2];
    let mixed = (bytes.len() as u32)
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(u32::from(first) << 16 | u32::from(middle) << 8 | u32::from(last))
        .wrapping_mul(0x85EB_CA6B);
    (mixed >> 26) as usize % KEY_SLOTS
}

/// How many base names [`Builder::recent_bases`] keeps.
const RECENT_BASES: usize = 8;

fn name_hash(folded: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(folded)
}

/// A section name as the case-insensitive lookups compare it: lower case (no copy when it is
/// already lower-case ASCII, which most names are).
fn folded(name: &str) -> Cow<'_, str> {
    if name
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(name.to_lowercase())
    }
}

/// Removes blanks (as Asterisk's ast_strip sees them) from both ends, in place.
fn trim_blanks(value: &mut String) {
    let end = value.trim_end_matches(is_blank).len();
    value.truncate(end);
    let start = value.len() - value.trim_start_matches(is_blank).len();
    value.drain(..start);
}

/// Adds `item` at the end of `owner`'s `run` of `store` (a section's vars or bases: every
/// section's in one vector). A run grows in place while it is the last one; a run written to
/// again after others (a section reopened by `(+)`, or continued after an included file) moves to
/// the end with as much room again as it holds (`rooms` says where that room ends), so that one
/// reopened over and over moves a logarithmic number of times and leaves at most its own size
/// behind each time.
fn push_to_run<T: Clone>(
    store: &mut Vec<T>,
    run: &mut std::ops::Range<u32>,
    rooms: &mut FxHashMap<SectionId, u32>,
    owner: SectionId,
    item: T,
) {
    if run.end as usize == store.len() {
        store.push(item);
    } else if rooms.get(&owner).is_some_and(|&end| run.end < end) {
        store[run.end as usize] = item;
    } else {
        let start = store.len();
        store.extend_from_within(run.start as usize..run.end as usize);
        store.push(item.clone());
        let len = store.len() - start;
        // The room holds copies of `item` until it is used: outside every run, never read.
        store.extend(std::iter::repeat_n(item, len));
        rooms.insert(owner, store.len() as u32);
        *run = start as u32..(start + len) as u32;
        return;
    }
    run.end += 1;
}
