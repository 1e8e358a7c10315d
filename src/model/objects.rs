//! The objects sorcery creates from the sections (res/res_sorcery_config.c; dialect.md section 7)
//! and, for each, whether Asterisk really loads it.

use hashbrown::HashTable;
use rustc_hash::FxHashMap as HashMap;

use super::{Config, KeyId, RootKind, SectionId};
use crate::allocator::HugePages;
use crate::lookup::list_items;
use crate::schema::{schema, ObjectType};

/// Index of an object in [`Objects::list`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub u32);

/// An object of the configuration. Its id (case-sensitive) is its section's name, read with
/// [`Config::object_id`]: a large configuration has hundreds of thousands of objects, and a copy
/// of every name would be megabytes.
#[derive(Debug)]
pub struct Object {
    /// Its object type, as the schema describes it.
    pub ty: &'static ObjectType,
    pub section: SectionId,
    /// Its reasons in `Objects::why_not_loaded` (index plus one, bits 0-30), 0 when it loads
    /// (almost always): [`Objects::not_loaded`] reads them. Bit 31 ([`OWN_FAULT`]): one of the
    /// reasons is the object's own ([`NotLoaded::is_file_level`] is false for it).
    not_loaded: u32,
}

// 300k objects in a large configuration, all made while its largest tables are held: where its
// references are is kept beside the list ([`Objects::references`]), not in each object.
const _: () = assert!(std::mem::size_of::<Object>() <= 16);

impl Object {
    /// The type's name: the `type=` value, compared case-sensitively.
    pub fn kind_name(&self) -> &'static str {
        &self.ty.name
    }

    /// Whether Asterisk loads it: the truth, as this configuration stands (what `--effective` and
    /// the agreement with real Asterisk use). Rules reason from [`Object::usable`] instead.
    pub fn loads(&self) -> bool {
        self.not_loaded == 0
    }

    /// Whether Asterisk loads it once the file-level failures are fixed (a missing include, a
    /// header without `)`, a template not defined yet, two objects of a type with one id): only
    /// a reason of its own (Asterisk rejects its lines) keeps it out.
    ///
    /// What every rule reasons from: a file-level failure is one finding of its own, and the
    /// other findings are those of the configuration as it loads once that is fixed (a weak
    /// password stays a weak password after the missing include is created). A reference to an
    /// object that is not usable is part of that object's rejection, not a finding of its own.
    pub fn usable(&self) -> bool {
        self.not_loaded & OWN_FAULT == 0
    }
}

/// [`Object::not_loaded`]'s bit for a reason of the object's own.
const OWN_FAULT: u32 = 1 << 31;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotLoaded {
    /// A mistake in the root file makes Asterisk load nothing at all.
    FileInvalid,
    /// Its section comes after a mistake that made Asterisk stop reading an included file.
    Dropped,
    /// Two objects of its type share an id: Asterisk loads no object of this type.
    DuplicateInType { id: String },
    /// A single-object type (`global`, `system`) defined more than once: none of them loads.
    MoreThanOne,
    /// Asterisk rejects this object (unknown option, bad value, missing required option).
    Rejected { reason: String },
    /// A registration while no transport loads, though transports are defined: a knock-on of
    /// the transports' own findings (see `validate.rs`).
    NoTransportLoads,
    /// Made by the wizard while pjsip.conf has a loading object of the same type and id:
    /// Asterisk finds pjsip.conf's and never this one.
    HiddenByPjsipConf,
    /// Made by a wizard section whose name a later wizard section repeats: the later one's
    /// object replaces it.
    ReplacedByLaterWizard,
}

impl NotLoaded {
    pub fn describe(&self, kind: &str) -> String {
        match self {
            NotLoaded::FileInvalid => {
                "the configuration is invalid, so Asterisk loads nothing from it".to_owned()
            }
            NotLoaded::Dropped => {
                "Asterisk stopped reading the included file before this section".to_owned()
            }
            NotLoaded::DuplicateInType { id } => {
                format!("two {kind} sections are named '{id}', so Asterisk loads no {kind} at all")
            }
            NotLoaded::MoreThanOne => {
                format!("more than one {kind} section exists, so Asterisk loads none")
            }
            NotLoaded::Rejected { reason } => reason.clone(),
            NotLoaded::NoTransportLoads => {
                "no transport loads, so Asterisk cannot create the registration".to_owned()
            }
            NotLoaded::HiddenByPjsipConf => format!(
                "pjsip.conf has a {kind} of the same id, which Asterisk finds instead of this one"
            ),
            NotLoaded::ReplacedByLaterWizard => format!(
                "a later wizard section of the same name makes this {kind} again, and replaces it"
            ),
        }
    }

    /// Whether the reason goes away once the file-level failures are fixed: the object's own
    /// lines are not at fault (see [`Object::usable`]).
    pub fn is_file_level(&self) -> bool {
        !matches!(
            self,
            NotLoaded::Rejected { .. }
                | NotLoaded::HiddenByPjsipConf
                | NotLoaded::ReplacedByLaterWizard
        )
    }
}

/// One name in a reference option of an object (`aors=a,b` has two), resolved once when the
/// objects are built: many rules follow the same references, and each lookup by name is a cache
/// miss in a table of every object.
#[derive(Debug, Clone, Copy)]
pub struct Reference {
    /// Index of the line in its section's vars.
    pub var: u32,
    /// The schema index of the type the option names (the schema's `refs`).
    target_type: u32,
    /// The first object of that type and name; [`NO_TARGET`] when there is none. Plain numbers
    /// (12 bytes a reference, not 24): a large configuration has hundreds of thousands.
    target: u32,
}

const NO_TARGET: u32 = u32::MAX;

/// [`Objects::by_section`] of a section that is no object: past every object (4 bytes where an
/// `Option` takes 8).
const NO_OBJECT: ObjectId = ObjectId(u32::MAX);

const _: () = assert!(std::mem::size_of::<Reference>() == 12);

impl Reference {
    /// The type the option names.
    pub fn target_type(&self) -> &'static ObjectType {
        schema().type_at(self.target_type as usize)
    }

    /// The first object of that type and name, if there is one.
    pub fn target(&self) -> Option<ObjectId> {
        (self.target != NO_TARGET).then_some(ObjectId(self.target))
    }
}

#[derive(Debug, Default)]
pub struct Objects {
    pub list: Vec<Object>,
    /// Every object's [`Reference`]s, object by object in line order, for the first and the
    /// second half of the objects as the two cores found them. Joining them would hold both and
    /// the joined copy at once: the peak of a large configuration (100k phones: 6 of 96 MB).
    references: [Vec<Reference>; 2],
    /// For each object of each half, where its references end in that half's.
    reference_ends: [Vec<u32>; 2],
    /// See [`Objects::twins`].
    twins: Vec<(ObjectId, ObjectId)>,
    /// See [`Objects::hidden_by`].
    hidden_by: Vec<(ObjectId, ObjectId)>,
    /// The first wizard object each object of pjsip.conf hides (what [`Config::object`] finds
    /// when pjsip.conf's does not load): looked up, not searched for in `hidden_by`.
    hidden_first: rustc_hash::FxHashMap<ObjectId, ObjectId>,
    /// The first object of each (type, id): the table holds only object ids, and hashes and
    /// compares the pair through the object and its section's name in the configuration's text
    /// (no key is copied, and an entry is 4 bytes).
    /// In two halves by a bit of the hash ([`index_half`]), made on two cores.
    index: [HashTable<ObjectId, HugePages>; 2],
    /// The object of each section, by section index ([`NO_OBJECT`] for none).
    by_section: Vec<ObjectId>,
    /// No two objects have one type and id (no twin, none hidden or replaced): the object of a
    /// type and id is then the one `index` holds, wherever it is found.
    ids_unique: bool,
    /// Why Asterisk does not load an object, for the few it does not load (see
    /// `Object::not_loaded`).
    why_not_loaded: Vec<Vec<NotLoaded>>,
    /// Objects of each type, in load order: rules ask for "every transport" per endpoint, which
    /// must not be a scan of every object.
    /// By the type's schema index (no hashing of a type name per object).
    by_kind: Vec<Vec<ObjectId>>,
}

impl Config {
    /// The object's id: its section's name as Asterisk stores it.
    pub fn object_id(&self, object: &Object) -> &str {
        self.section_name(self.section(object.section))
    }

    /// The object Asterisk finds by that type and id: the first of pjsip.conf, or the wizard's
    /// when pjsip.conf's does not load (the stores are searched in order).
    pub fn object(&self, kind: &str, id: &str) -> Option<&Object> {
        let objects = &self.objects;
        let first = objects.find(self, kind, id)?;
        let found = match objects.by_id(first).loads() {
            true => first,
            false => objects.hidden_first.get(&first).copied().unwrap_or(first),
        };
        Some(objects.by_id(found))
    }
}

impl Objects {
    /// The first of these objects (made from `config`'s sections) with that type and id.
    fn find(&self, config: &Config, kind: &str, id: &str) -> Option<ObjectId> {
        self.find_hashed(config, pair_hash(kind, id), kind, id)
    }

    /// The object of type `ty` and id `id` among the objects at `indexes` (those there are),
    /// when ids are unique (so it is the one [`Objects::find`] finds): a few places where the
    /// layout of the files puts it, tried before a lookup in `index`, which waits on memory
    /// twice (a third of making the objects of 100k phones). See [`BESIDE`] and [`NEXT`].
    fn written_at(
        &self,
        config: &Config,
        indexes: std::ops::Range<usize>,
        ty: &ObjectType,
        id: &str,
    ) -> Option<ObjectId> {
        if !self.ids_unique {
            return None;
        }
        (indexes.start..indexes.end.min(self.list.len()))
            .find(|&index| {
                let object = &self.list[index];
                object.ty.index == ty.index && config.object_id(object) == id
            })
            .map(|index| ObjectId(index as u32))
    }

    /// How many lines the object at `at` in the list has: what a pass over each object's lines
    /// spends on it.
    pub(crate) fn lines_at(&self, config: &Config, at: usize) -> usize {
        config.vars(config.section(self.list[at].section)).len()
    }

    /// [`Objects::find`] with the hash of `kind` and `id` already made.
    fn find_hashed(&self, config: &Config, hash: u64, kind: &str, id: &str) -> Option<ObjectId> {
        self.index[index_half(hash)]
            .find(hash, |&found| {
                let object = self.by_id(found);
                object.kind_name() == kind && config.object_id(object) == id
            })
            .copied()
    }

    /// Each object whose type and id an earlier object already has, with the first of them, in
    /// load order.
    pub fn twins(&self) -> &[(ObjectId, ObjectId)] {
        &self.twins
    }

    /// Each object the wizard made whose type and id an object of pjsip.conf has, with that
    /// object (pjsip.conf's first).
    pub fn hidden_by(&self) -> &[(ObjectId, ObjectId)] {
        &self.hidden_by
    }

    /// The object's references, in line order.
    pub fn references(&self, object: &Object) -> &[Reference] {
        let id = self.by_section[object.section.0 as usize].0 as usize;
        let first_half = self.reference_ends[0].len();
        let (half, at) = match id.checked_sub(first_half) {
            Some(at) => (1, at),
            None => (0, id),
        };
        // Before the references are found (while the objects are made), an object has none.
        let Some(&end) = self.reference_ends[half].get(at) else {
            return &[];
        };
        let start = at
            .checked_sub(1)
            .map_or(0, |before| self.reference_ends[half][before]);
        &self.references[half][start as usize..end as usize]
    }

    pub fn of_section(&self, section: SectionId) -> Option<&Object> {
        let id = self.by_section.get(section.0 as usize)?;
        self.list.get(id.0 as usize)
    }

    pub fn of_type(&self, kind: &str) -> OfType<'_> {
        OfType {
            ids: self.of_type_index(schema().object_type(kind).map(|ty| ty.index)),
            list: &self.list,
        }
    }

    /// The ids of the objects of type `kind`, in load order.
    pub(super) fn ids_of_type(&self, kind: &str) -> &[ObjectId] {
        self.of_type_index(schema().object_type(kind).map(|ty| ty.index))
            .as_slice()
    }

    /// The ids of the objects of the type with that schema index.
    fn of_type_index(&self, index: Option<usize>) -> std::slice::Iter<'_, ObjectId> {
        index
            .and_then(|index| self.by_kind.get(index))
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
    }

    pub fn by_id(&self, id: ObjectId) -> &Object {
        &self.list[id.0 as usize]
    }

    /// Why Asterisk does not load `object`; empty when it does.
    pub fn not_loaded(&self, object: &Object) -> &[NotLoaded] {
        match (object.not_loaded & !OWN_FAULT).checked_sub(1) {
            Some(index) => &self.why_not_loaded[index as usize],
            None => &[],
        }
    }

    /// Adds a reason why Asterisk does not load the object.
    pub fn mark_not_loaded(&mut self, id: ObjectId, why: NotLoaded) {
        let object = &mut self.list[id.0 as usize];
        if object.not_loaded == 0 {
            self.why_not_loaded.push(Vec::new());
            // Fewer reasons than objects, whose ids are below 2^31 (a vector of 24-byte objects).
            object.not_loaded = self.why_not_loaded.len() as u32;
        }
        if !why.is_file_level() {
            object.not_loaded |= OWN_FAULT;
        }
        self.why_not_loaded[(object.not_loaded & !OWN_FAULT) as usize - 1].push(why);
    }

    /// Whether Asterisk reads the object's section (while the objects are built, before type
    /// failures).
    fn loads_apart_from_type(&self, object: &Object) -> bool {
        !self.not_loaded(object).contains(&NotLoaded::Dropped)
    }

    pub fn ids(&self) -> impl Iterator<Item = ObjectId> {
        (0..self.list.len() as u32).map(ObjectId)
    }
}

/// The object type of a section, as sorcery decides it: the first `type` line's value if it names
/// an object type of pjsip.conf; otherwise a section named exactly `global` or `system` whose
/// keys all belong to that type (the `explicit_name` mapping).
pub fn section_kind(config: &Config, section: SectionId) -> Option<&'static ObjectType> {
    section_kind_with(config, section, &mut None)
}

/// The last `type` line read and the type it named: the sections built on one template share
/// its `type` line, and looking the name up compares strings.
type LastTypeLine = Option<(super::LineRef, Option<&'static ObjectType>)>;

/// [`section_kind`], remembering the last `type` line read.
fn section_kind_with(
    config: &Config,
    section: SectionId,
    last: &mut LastTypeLine,
) -> Option<&'static ObjectType> {
    if config.root_of_section(section).kind == RootKind::Wizard {
        // pjsip_wizard.conf's own sections are no objects: the wizard's objects are.
        return None;
    }
    let section = config.section(section);
    if section.template {
        return None;
    }
    match config.type_var(section) {
        Some(var) => {
            if let Some((line, ty)) = *last {
                if line == var.origin && !var.is_appended() {
                    return ty;
                }
            }
            let value = config.value(var);
            let ty = schema().object_type(value).filter(|ty| ty.in_pjsip_conf);
            if !var.is_appended() {
                *last = Some((var.origin, ty));
            }
            ty
        }
        None => {
            let ty = schema()
                .object_types()
                .find(|ty| ty.explicit_name.as_deref() == Some(config.section_name(section)))?;
            let all_known = config.vars(section).iter().all(|var| {
                let key = config.key(var);
                ty.option(key).is_some() || ty.matches_pattern(key)
            });
            all_known.then_some(ty)
        }
    }
}

pub(super) fn build(config: &Config) -> Objects {
    let mut objects = Objects {
        ids_unique: true,
        ..Objects::default()
    };
    let file_loads = config.file_loads();
    let mut type_failures = TypeFailures::default();
    let type_count = schema().object_types().count();
    // Each section's type (its `type` line read from the file: a wait on memory per section) and
    // the hash of its type and name (another), and how many objects of each type a half makes,
    // on both cores for a large configuration.
    let (first, second) = crate::cores::in_two_halves(config.sections.len(), |which| {
        let mut last = None;
        let mut dropped = false;
        let kinds: Vec<SectionObject> = which
            .map(|index| {
                let section = SectionId(index as u32);
                dropped |= config.section(section).dropped;
                SectionObject::new(
                    config,
                    section,
                    section_kind_with(config, section, &mut last),
                )
            })
            .collect();
        let mut per_type = vec![0; type_count];
        for (ty, _) in kinds.iter().filter_map(SectionObject::get) {
            per_type[ty.index] += 1;
        }
        SectionKinds {
            kinds,
            per_type,
            dropped,
        }
    });
    // Each type's objects in the whole configuration.
    let per_type: Vec<usize> = first
        .per_type
        .iter()
        .zip(&second.per_type)
        .map(|(a, b)| a + b)
        .collect();
    fill_tables(&mut objects, [&first, &second], &per_type);
    let kinds = || {
        first
            .kinds
            .iter()
            .chain(&second.kinds)
            .map(|kind| kind.get())
    };
    let wizard_objects = config
        .root(RootKind::WizardObjects)
        .map_or(0..0, |root| root.sections.clone());
    let is_wizard = |object: &Object| wizard_objects.contains(&object.section.0);
    // The first object of each type and id, and each later one's first: the two halves of the
    // index on two cores (each lookup waits on memory; 100k phones: 12-17 ms on one core).
    let ([first_table, second_table], [first_twins, second_twins]) = {
        let list = &objects.list;
        let (first, second) = crate::cores::in_two_parts(list.len(), |part| {
            index_part(config, list, kinds(), part, &is_wizard)
        });
        ([first.0, second.0], [first.1, second.1])
    };
    objects.index = [first_table, second_table];
    let usual = file_loads
        && wizard_objects.is_empty()
        && first_twins.is_empty()
        && second_twins.is_empty()
        && !first.dropped
        && !second.dropped;
    let mut twins = merged_by_object(first_twins, second_twins).peekable();
    // The usual configuration: every object read, none of the same type and id as another, no
    // wizard. The loop below would only count each type's objects (on one core, reading every
    // object's section: 2 ms for 100k phones), which the halves counted.
    let objects_to_mark = if usual {
        type_failures.per_type = per_type;
        0
    } else {
        objects.list.len()
    };
    for index in 0..objects_to_mark {
        let id = ObjectId(index as u32);
        let first_twin = twins
            .next_if(|&(object, _)| object == id)
            .map(|(_, first)| first);
        objects.ids_unique &= first_twin.is_none();
        let object = objects.by_id(id);
        let dropped = config.section(object.section).dropped;
        if is_wizard(object) {
            // The wizard's objects are a second store, searched after pjsip.conf's (main/sorcery.c
            // tries the wizards in order): an object of the same type and id in pjsip.conf hides
            // this one, and is no duplicate of it.
            match first_twin {
                // Two wizard sections of one name: the wizard applies both in order, and the
                // later one's objects replace the earlier one's in its store (`update`; the
                // index holds the later one, see `index_part`).
                Some(first) if is_wizard(objects.by_id(first)) => {
                    objects.mark_not_loaded(first, NotLoaded::ReplacedByLaterWizard);
                }
                Some(first) => {
                    objects.hidden_by.push((first, id));
                    objects.hidden_first.entry(first).or_insert(id);
                }
                None => {}
            }
            continue;
        }
        if !file_loads {
            objects.mark_not_loaded(id, NotLoaded::FileInvalid);
        }
        if dropped {
            objects.mark_not_loaded(id, NotLoaded::Dropped);
        }
        if let Some(first) = first_twin {
            objects.twins.push((first, id));
        }
        if !dropped {
            type_failures.count(&objects, first_twin, id);
        }
    }
    // Before the references: their vectors and these would be the peak together.
    drop((first, second));
    type_failures.mark(config, &mut objects);
    resolve_references(config, &mut objects);
    objects
}

/// The objects of the sections whose kinds `halves` hold (in order, with each half's count of
/// objects by type; `per_type` is both halves' counts together), as `objects`' list, its object
/// by section and its objects by type: each half writes its own part of the three, on its own
/// core. Every table is at its final size at once (three lists of 100k grown by doubling would
/// take a third more), and none is written first by one thread: 100k phones' 1.2 MB of objects
/// by section and 1.2 MB by type were 600 page faults of the thread building the model, 3 to 9
/// ms as the machine was busy.
fn fill_tables(objects: &mut Objects, halves: [&SectionKinds; 2], per_type: &[usize]) {
    use std::mem::MaybeUninit;
    let [first, second] = halves;
    // The parts fill the tables from their start.
    assert!(objects.list.is_empty() && objects.by_section.is_empty());
    let sections = first.kinds.len() + second.kinds.len();
    let total: usize = per_type.iter().sum();
    objects.list.reserve_exact(total);
    crate::allocator::prefer_huge_pages(&objects.list);
    objects.by_section.reserve_exact(sections);
    objects.by_kind = per_type
        .iter()
        .map(|&count| Vec::with_capacity(count))
        .collect();
    /// What one half writes: its part of each table.
    struct Part<'a> {
        kinds: &'a [SectionObject],
        first_section: usize,
        first_object: usize,
        list: &'a mut [MaybeUninit<Object>],
        by_section: &'a mut [MaybeUninit<ObjectId>],
        by_kind: Vec<&'a mut [MaybeUninit<ObjectId>]>,
    }
    let first_objects: usize = first.per_type.iter().sum();
    let (list_first, list_second) =
        objects.list.spare_capacity_mut()[..total].split_at_mut(first_objects);
    let (sections_first, sections_second) =
        objects.by_section.spare_capacity_mut()[..sections].split_at_mut(first.kinds.len());
    let (kind_first, kind_second): (Vec<_>, Vec<_>) = objects
        .by_kind
        .iter_mut()
        .zip(per_type)
        .zip(&first.per_type)
        .map(|((ids, &count), &in_first)| ids.spare_capacity_mut()[..count].split_at_mut(in_first))
        .unzip();
    let parts = [
        Part {
            kinds: &first.kinds,
            first_section: 0,
            first_object: 0,
            list: list_first,
            by_section: sections_first,
            by_kind: kind_first,
        },
        Part {
            kinds: &second.kinds,
            first_section: first.kinds.len(),
            first_object: first_objects,
            list: list_second,
            by_section: sections_second,
            by_kind: kind_second,
        },
    ];
    crate::cores::in_two_parts_owning(sections, parts, |_, mut part| {
        let mut made = 0;
        let mut made_of_type = vec![0; part.by_kind.len()];
        for (at, kind) in part.kinds.iter().enumerate() {
            let Some((ty, _)) = kind.get() else {
                part.by_section[at].write(NO_OBJECT);
                continue;
            };
            // Object ids are indexes of the list, far below u32::MAX.
            let id = ObjectId((part.first_object + made) as u32);
            part.list[made].write(Object {
                ty,
                section: SectionId((part.first_section + at) as u32),
                not_loaded: 0,
            });
            part.by_section[at].write(id);
            part.by_kind[ty.index][made_of_type[ty.index]].write(id);
            made += 1;
            made_of_type[ty.index] += 1;
        }
        // Every slot of the part written: one of the objects by section for each kind (the
        // loop), and as many objects, and of each type, as the counts it was cut by, which
        // came from these kinds.
        assert_eq!(made, part.list.len(), "objects counted apart");
        assert!(
            made_of_type
                .iter()
                .zip(&part.by_kind)
                .all(|(&made, ids)| made == ids.len()),
            "objects of a type counted apart"
        );
    });
    // SAFETY: each part wrote every slot of its pieces of the three tables (checked above, or it
    // panicked and this is not reached), and the pieces of the two parts make up the first
    // `total`, `sections` and `per_type[ty]` slots of the tables' room (all empty before).
    unsafe {
        objects.list.set_len(total);
        objects.by_section.set_len(sections);
        for (ids, &count) in objects.by_kind.iter_mut().zip(per_type) {
            ids.set_len(count);
        }
    }
}

/// A half of the sections' [`SectionObject`]s, how many objects of each type (by schema index)
/// they make, and whether any of the sections is dropped (after a mistake that made Asterisk
/// stop reading its file).
struct SectionKinds {
    kinds: Vec<SectionObject>,
    per_type: Vec<usize>,
    dropped: bool,
}

/// Which half of the index holds a [`pair_hash`]: a bit below the type's (which the hash leaves
/// 0) and above those a table of fewer than 2^40 entries picks its place by.
fn index_half(hash: u64) -> usize {
    (hash >> 47) as usize & 1
}

/// A half of the index, and each object of that half with the first object of its type and id
/// that the half held when the object came ([`index_part`]).
type IndexPart = (HashTable<ObjectId, HugePages>, Vec<(ObjectId, ObjectId)>);

/// The half `part` of the index, over the objects of `list` (made from the sections of `kinds`,
/// in order) whose hash it holds, and each of those objects that has an earlier one of its type
/// and id, with the first of them in the index at the time: a wizard object replaces an earlier
/// wizard one (the later applied wins in the wizard's store), anything else leaves the first.
fn index_part<'a>(
    config: &Config,
    list: &[Object],
    kinds: impl Iterator<Item = Option<(&'a ObjectType, u64)>>,
    part: usize,
    is_wizard: &impl Fn(&Object) -> bool,
) -> IndexPart {
    // Half the objects each, and a little over for the unevenness of hashes.
    let mut table = HashTable::with_capacity_in(list.len() / 2 + list.len() / 32, HugePages);
    let mut twins = Vec::new();
    let hashes = kinds.flatten().map(|(_, hash)| hash);
    for (index, hash) in hashes.enumerate() {
        if index_half(hash) != part {
            continue;
        }
        let id = ObjectId(index as u32);
        let object = &list[index];
        // The id is read only when a slot's tag matches (rarely another object).
        let same = |&found: &ObjectId| {
            let other = &list[found.0 as usize];
            other.ty.index == object.ty.index && config.object_id(other) == config.object_id(object)
        };
        match table.find_mut(hash, same) {
            Some(first) => {
                twins.push((id, *first));
                if is_wizard(object) && is_wizard(&list[first.0 as usize]) {
                    *first = id;
                }
            }
            None => {
                let rehash = |&other: &ObjectId| {
                    let other = &list[other.0 as usize];
                    pair_hash(other.kind_name(), config.object_id(other))
                };
                table.insert_unique(hash, id, rehash);
            }
        }
    }
    (table, twins)
}

/// Two lists of (object, first twin), each in object order, as one in object order.
fn merged_by_object(
    first: Vec<(ObjectId, ObjectId)>,
    second: Vec<(ObjectId, ObjectId)>,
) -> impl Iterator<Item = (ObjectId, ObjectId)> {
    let mut first = first.into_iter().peekable();
    let mut second = second.into_iter().peekable();
    std::iter::from_fn(move || match (first.peek(), second.peek()) {
        (Some(a), Some(b)) if b.0 < a.0 => second.next(),
        (Some(_), _) => first.next(),
        (None, _) => second.next(),
    })
}

/// A duplicate id within a type, or a second object of a single-object type, makes the whole type
/// fail (res_sorcery_config.c l.371 and l.403-410). Objects in a part of a file Asterisk did not
/// read do not count.
#[derive(Default)]
struct TypeFailures {
    /// Objects counted, per type index.
    per_type: Vec<usize>,
    /// Per type index, the earliest object whose (type, id) has a second counted object: its id
    /// is the one the diagnostic names.
    first_duplicate: HashMap<usize, ObjectId>,
    /// For a pair whose first object Asterisk did not read (by that first object), the first one
    /// it read.
    first_read: HashMap<ObjectId, ObjectId>,
}

impl TypeFailures {
    /// Counts `object` (just added, in a part of the files Asterisk read); `first_twin` is the
    /// first object of the same type and id, if there is an earlier one.
    fn count(&mut self, objects: &Objects, first_twin: Option<ObjectId>, object: ObjectId) {
        let index = objects.by_id(object).ty.index;
        if self.per_type.len() <= index {
            self.per_type.resize(index + 1, 0);
        }
        self.per_type[index] += 1;
        let Some(first) = first_twin else {
            return;
        };
        let twin_read = objects.loads_apart_from_type(objects.by_id(first))
            || match self.first_read.entry(first) {
                // The pair's first object is in a part Asterisk did not read: count from the
                // first one it read.
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(object);
                    false
                }
                std::collections::hash_map::Entry::Occupied(_) => true,
            };
        if twin_read {
            // The pair's first object, read or not, is the earliest one with a twin.
            self.first_duplicate
                .entry(objects.by_id(object).ty.index)
                .and_modify(|known| *known = (*known).min(first))
                .or_insert(first);
        }
    }

    fn mark(self, config: &Config, objects: &mut Objects) {
        // By type index.
        let mut failures: HashMap<usize, NotLoaded> = HashMap::default();
        for (index, first) in self.first_duplicate {
            let object = objects.by_id(first);
            failures.insert(
                index,
                NotLoaded::DuplicateInType {
                    id: config.object_id(object).to_owned(),
                },
            );
        }
        for ty in schema().object_types().filter(|ty| ty.single_object) {
            if self.per_type.get(ty.index).is_some_and(|&count| count > 1) {
                failures.insert(ty.index, NotLoaded::MoreThanOne);
            }
        }
        for (kind, why) in failures {
            for index in 0..objects.by_kind.get(kind).map_or(0, Vec::len) {
                let id = objects.by_kind[kind][index];
                objects.mark_not_loaded(id, why.clone());
            }
        }
    }
}

/// Fills [`Objects::references`] once every object exists: for a large configuration, each half
/// of the objects on its own core, since every lookup is a wait on memory.
fn resolve_references(config: &Config, objects: &mut Objects) {
    let lines = |at| objects.lines_at(config, at);
    let (first, second) =
        crate::cores::in_two_weighted_halves(objects.list.len(), lines, |which| {
            references_of(config, objects, which)
        });
    objects.references = [first.references, second.references];
    objects.reference_ends = [first.ends, second.ends];
}

/// How many objects before and after an object its references are looked for first: the usual
/// layout names an endpoint's aor and auth by its own id and writes them beside it, where they
/// are in memory just read.
const BESIDE: usize = 3;

/// How many objects from the one after the last found of a type a reference to that type is
/// looked for next: FreePBX's split files write the aors, the auths and the endpoints in the
/// same order, each type in a file of its own, so the aor an endpoint names is the one after
/// the aor the endpoint before it named.
const NEXT: usize = 2;

/// The references of some objects, and the end of each object's in them.
struct SomeReferences {
    references: Vec<Reference>,
    ends: Vec<u32>,
}

fn references_of(
    config: &Config,
    objects: &Objects,
    which: std::ops::Range<usize>,
) -> SomeReferences {
    // Whether a key may name objects, by key id (most lines do not: no hash lookup for them);
    // then the target type of such a key in an object type. The same few keys repeat in every
    // object.
    let mut may_name_objects: Vec<Option<bool>> = Vec::new();
    let mut target_of_key: HashMap<(usize, KeyId), Option<&'static ObjectType>> =
        HashMap::default();
    // Room for one reference per object, about the usual count (an endpoint names an aor and an
    // auth, an aor or an auth names nothing): grown by doubling from nothing, the references
    // touched twice the memory they kept.
    let mut found = SomeReferences {
        references: Vec::with_capacity(which.len()),
        ends: Vec::with_capacity(which.len()),
    };
    // Where the object after the last one found of each target type is (see [`NEXT`]).
    let mut next_of_type: Vec<usize> = vec![usize::MAX; schema().object_types().count()];
    for (at, object) in objects.list[which.clone()].iter().enumerate() {
        let at = which.start + at;
        for (var_index, var) in config
            .vars(config.section(object.section))
            .iter()
            .enumerate()
        {
            let key = var.key.0 as usize;
            if may_name_objects.len() <= key {
                may_name_objects.resize(key + 1, None);
            }
            let may_name = *may_name_objects[key]
                .get_or_insert_with(|| schema().may_name_objects(config.key(var)));
            if !may_name {
                continue;
            }
            let ty = object.ty;
            let target_type = *target_of_key.entry((ty.index, var.key)).or_insert_with(|| {
                let spec = ty.option(config.key(var))?;
                // Only objects of pjsip.conf exist here (not contacts, say).
                schema()
                    .object_type(spec.refs.as_deref()?)
                    .filter(|target| target.in_pjsip_conf)
            });
            let Some(target_type) = target_type else {
                continue;
            };
            for name in list_items(config.value(var)) {
                let next = &mut next_of_type[target_type.index];
                let beside = at.saturating_sub(BESIDE)..at + BESIDE + 1;
                let target = objects
                    .written_at(config, beside, target_type, name)
                    .or_else(|| {
                        let after_last = *next..next.saturating_add(NEXT);
                        objects.written_at(config, after_last, target_type, name)
                    })
                    .or_else(|| objects.find(config, &target_type.name, name));
                if let Some(target) = target {
                    *next = target.0 as usize + 1;
                }
                // Object ids are indexes of a vector, far below u32::MAX.
                found.references.push(Reference {
                    var: var_index as u32,
                    target_type: target_type.index as u32,
                    target: target.map_or(NO_TARGET, |id| id.0),
                });
            }
        }
        found.ends.push(found.references.len() as u32);
    }
    found
}

/// The objects of one type, in load order ([`Objects::of_type`]).
#[derive(Debug, Clone)]
pub struct OfType<'a> {
    ids: std::slice::Iter<'a, ObjectId>,
    list: &'a [Object],
}

impl<'a> Iterator for OfType<'a> {
    type Item = &'a Object;

    fn next(&mut self) -> Option<&'a Object> {
        self.ids.next().map(|id| &self.list[id.0 as usize])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.ids.size_hint()
    }
}

/// How many objects of the type there are is known without walking them.
impl ExactSizeIterator for OfType<'_> {}

impl<'a> OfType<'a> {
    /// The objects with their ids.
    pub fn with_ids(self) -> impl Iterator<Item = (ObjectId, &'a Object)> {
        let list = self.list;
        self.ids.map(move |&id| (id, &list[id.0 as usize]))
    }
}

/// The hash [`Objects`] indexes a (type, id) pair by, with bits 48 to 55 always 0 (where a
/// [`SectionObject`] keeps a type).
fn pair_hash(kind: &str, id: &str) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    kind.hash(&mut hasher);
    id.hash(&mut hasher);
    hasher.finish() & !SectionObject::TYPE_BITS
}

/// The object type a section makes, if any, with the [`pair_hash`] of its type and id: both read
/// from the file (two waits on memory a section), on both cores, for the loop that makes the
/// objects in order. In 8 bytes, the type's index in bits the hash leaves 0: 300k sections'
/// worth is held with the objects being made, at the peak of a large configuration.
struct SectionObject(u64);

impl SectionObject {
    const TYPE_SHIFT: u32 = 48;
    const TYPE_BITS: u64 = 0xFF << Self::TYPE_SHIFT;

    fn new(config: &Config, section: SectionId, ty: Option<&'static ObjectType>) -> SectionObject {
        match ty {
            // Fewer than 255 types: index 255 is "none".
            Some(ty) if ty.index < 0xFF => {
                let name = config.section_name(config.section(section));
                let hash = pair_hash(ty.name.as_str(), name);
                SectionObject(hash | (ty.index as u64) << Self::TYPE_SHIFT)
            }
            _ => SectionObject(Self::TYPE_BITS),
        }
    }

    fn get(&self) -> Option<(&'static ObjectType, u64)> {
        let index = ((self.0 & Self::TYPE_BITS) >> Self::TYPE_SHIFT) as usize;
        (index != 0xFF).then(|| (schema().type_at(index), self.0 & !Self::TYPE_BITS))
    }
}

#[cfg(test)]
mod tests {
    use super::{pair_hash, SectionObject};
    use crate::schema::schema;

    /// Every object type fits the byte a [`SectionObject`] keeps it in, and reads back with the
    /// hash it was kept with.
    #[test]
    fn a_section_object_keeps_its_type_and_hash() {
        assert!(schema().object_types().count() < 0xFF);
        for ty in schema().object_types() {
            let hash = pair_hash(ty.name.as_str(), "6001");
            assert_eq!(hash & SectionObject::TYPE_BITS, 0);
            let kept = SectionObject(hash | (ty.index as u64) << SectionObject::TYPE_SHIFT);
            let (read, read_hash) = kept.get().expect("a type");
            assert_eq!((read.index, read_hash), (ty.index, hash));
        }
        assert!(SectionObject(SectionObject::TYPE_BITS).get().is_none());
    }
}
